#!/bin/sh
# SPDX-License-Identifier: MIT
# Programs that libdhat cannot be preloaded into run as before, with one
# warning from dhat-run that names the reason: a statically linked
# program (built here, when the C library's static archive is
# installed) and a set-group-ID one (when run as root, whose group the
# copy's is not).  A dynamically linked program gets no warning.  See
# t/1110-setuid.t for set-user-ID programs run by an unprivileged user.
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

have_python || skip_all "python3 is needed to read the profiles"
E=$PROG/run-exit

expect_exit 3 "a dynamically linked program: its status" -- \
	"$RUN" --quiet -o dyn.json "$E" exit 3
is "$(cat err)" "" "  no warning"
is "$(figures dyn.json)" "64 1 64 1 64 1" "  and a profile"
rm -f ./*.json

if ${CC:-cc} -static -o static "$srcdir_t/prog/run-exit.c" 2>cc.err &&
    ./static exit 0; then
	expect_exit 3 "a statically linked program: its status" -- \
		"$RUN" ./static exit 3
	is "$(cat err)" "dhat-run: warning: ./static: statically linked: \
libdhat cannot be preloaded, running it unprofiled" "  one warning"
	is "$(profiles)" "" "  no profile"
	PATH=$TRASH:$PATH
	expect_exit 4 "found on PATH" -- "$RUN" static exit 4
	like "$(cat err)" "^dhat-run: warning: static: statically linked" \
		"  the same warning"
else
	sed 's/^/# /' cc.err | head -n 5
	for i in 1 2 3 4 5; do
		skip "a statically linked program" \
			"cannot link statically (no libc.a?)"
	done
fi

# Set-group-ID to a group that is not ours: secure mode.
grp=$(id -gn nobody 2>/dev/null || echo nogroup)
if [ "$(id -u)" = 0 ] && cp "$E" sgid && chgrp "$grp" sgid 2>/dev/null &&
    chmod 2755 sgid && ! { command -v findmnt >/dev/null &&
    findmnt -no OPTIONS -T . 2>/dev/null | grep -q nosuid; }; then
	expect_exit 3 "a set-group-ID program: its status" -- \
		"$RUN" ./sgid exit 3
	is "$(cat err)" "dhat-run: warning: ./sgid: set-group-ID: libdhat \
cannot be preloaded, running it unprofiled" "  one warning"
	is "$(profiles)" "" "  no profile"
	chmod 755 sgid
	expect_exit 3 "the same without the bit: its status" -- \
		"$RUN" --quiet -o plain.json ./sgid exit 3
	is "$(cat err)" "" "  no warning"
	is "$(figures plain.json)" "64 1 64 1 64 1" "  and a profile"
else
	for i in 1 2 3 4 5 6; do
		skip "a set-group-ID program" \
			"needs root and a file system without nosuid"
	done
fi

done_testing
