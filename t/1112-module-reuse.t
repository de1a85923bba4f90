#!/bin/sh
# SPDX-License-Identifier: MIT
# A module unloaded, then another mapped at the same address, both
# allocating through the same call site (t/prog/module-reuse.c): each
# module's blocks are filed under its own function, with exact figures,
# though the profile is written while the second one holds the addresses
# (lib/unload.c).  Linked with libdhat, and under dhat-run.  And when A's
# file has been replaced by another build before the profile is written,
# A's frames are not named from that file.
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

have_python || skip_all "python3 is needed to read the profiles"
LA=$builddir_t/prog/.libs/libreuse-a.so
LB=$builddir_t/prog/.libs/libreuse-b.so
A='tb=3000 tbk=3 mb=1000 mbk=1 eb=0 ebk=0'
B='tb=10000 tbk=5 mb=2000 mbk=1 eb=0 ebk=0'

plan 14

# figs FILE FUNCTION: the program point's figures but those at t-gmax,
# which depend on where the loader's own blocks put the peak.
figs() {
	pp "$1" "$2" | sed 's/ gb=[0-9]* gbk=[0-9]*//'
}

# check HOW FILE: the figures and stacks of FILE, or skips when the loader
# did not map B where A was (./out has both bases).
check() {
	a=$(sed -n 's/^a=\([^ ]*\) b=.*/\1/p' out)
	b=$(sed -n 's/^a=[^ ]* b=\([^ ]*\)$/\1/p' out)
	if [ -z "$a" ] || [ "$a" != "$b" ]; then
		why="the loader mapped libreuse-b.so at ${b:-?}, not at libreuse-a.so's ${a:-?}"
		for t in "A's blocks" "B's blocks" "A's stack" "B's stack"; do
			skip "$1: $t" "$why"
		done
		return
	fi
	diag "$1: both modules at $a"
	is "$(figs "$2" alloc_in_a)" "$A" "$1: A's blocks under A's function"
	is "$(figs "$2" alloc_in_b)" "$B" "$1: B's blocks under B's function"
	is "$(pp "$2" --frames alloc_in_a)" "malloc alloc_in_a reuse_alloc use main" \
	    "$1: A's stack"
	is "$(pp "$2" --frames alloc_in_b)" "malloc alloc_in_b reuse_alloc use main" \
	    "$1: B's stack"
}

expect_exit 0 "linked: A, dlclose, B, write" -- \
	"$PROG/module-reuse" linked.json "$LA" "$LB"
check linked linked.json

cp "$LA" "$TRASH/mod-a.so" && cp "$LB" "$TRASH/mod-new.so"
expect_exit 0 "linked: A, dlclose, B, A's file replaced, write" -- \
	"$PROG/module-reuse" replaced.json "$TRASH/mod-a.so" "$LB" \
	"$TRASH/mod-new.so"
if grep -q '^a=\([^ ]*\) b=\1$' out; then
	is "$(figs replaced.json alloc_in_b)" "$B" \
	    "  B's blocks alone under B's function"
	is "$(pp replaced.json --all | grep -c "^tb=3000 tbk=3 ")" 1 \
	    "  A's blocks apart"
	is "$(pp replaced.json --frames alloc_in_a)" none \
	    "  A's frames not named from the new file"
else
	for t in "B's blocks alone" "A's blocks apart" "A's frames"; do
		skip "  $t" "the loader did not map B where A was: $(cat out)"
	done
fi

expect_exit 0 "dhat-run: A, dlclose, B" -- \
	"$RUN" --quiet -o run.json "$PROG/run-module-reuse" "$LA" "$LB"
check dhat-run run.json
done_testing
