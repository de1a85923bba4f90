#!/bin/sh
# SPDX-License-Identifier: MIT
# Writing a profile or a snapshot never starts elfutils' debuginfod client
# unless DEBUGINFOD_URLS names a server: starting it loads libcurl and
# OpenSSL, which register atexit handlers, and in the forked copy that
# writes a snapshot that deadlocked on glibc's atexit lock when another
# thread held it at the fork (here: a thread loading a library that has
# no debugging information, which the snapshot's symbolizer looks up).
# The dynamic linker's own trace (LD_DEBUG=libs) shows what was loaded.
. "$abs_top_srcdir/t/test-lib.sh"

. "$abs_top_srcdir/t/run-lib.sh"

lib=$(loadable_lib) || skip_all "no library to load"

plan 5

unset DEBUGINFOD_URLS
LD_DEBUG=libs timeout 120 "$RUN" --quiet -o dl.json "$PROG/run-dlopen" \
	"$lib" 3 >out 2>trace
ok $? "3 snapshot requests while a thread loads $lib, loader trace on"
test -s dl.json
ok $? "the final profile was written"
# Requests that arrive while one is being taken are merged.
n=$(ls dl.snapshot-*.json 2>/dev/null | wc -l)
ok $([ "$n" -ge 1 ]; echo $?) "and snapshots ($n)"
is "$(grep -c 'libdebuginfod\|libcurl' trace)" 0 \
	"no debuginfod client and no libcurl loaded"

DEBUGINFOD_URLS= LD_DEBUG=libs timeout 120 "$RUN" --quiet -o dm.json \
	"$PROG/run-dlopen" "$lib" 3 >out 2>trace
is "$(grep -c 'libdebuginfod\|libcurl' trace)" 0 \
	"nor with DEBUGINFOD_URLS set empty"

done_testing
