#!/bin/sh
# SPDX-License-Identifier: MIT
# fork while another thread holds the lock over libdhat's list of unloaded
# modules, then unload a module in the child: the child gets the lock
# free, and does not wait forever for it (t/prog/hostile-dlclose-fork.c).
. "$abs_top_srcdir/t/test-lib.sh"

P=$abs_top_builddir/t/prog/hostile-dlclose-fork
L=$abs_top_builddir/t/prog/.libs/libhostile-dl.so
run() {
	if command -v timeout >/dev/null; then timeout 60 "$@"; else "$@"; fi
}

run "$P" fork.json "$L" >out 2>err
st=$?
[ "$st" -ne 3 ] || skip_all "$(cat out)"
plan 3
is "$st" 0 "finished, exit 0"
is "$(cat out)" "child: exit 0" "the child unloaded a module, no deadlock"
is "$(grep -c '^dhat: The data has been saved to fork.json' err)" 1 \
    "the parent wrote its profile"
done_testing
