#!/bin/sh
# 1022-stack-cache-alloca: a frame resized by alloca leaves a copy of an
# old return address (t/prog/run-alloca.c); the stack cache checks only
# the words the walk read, f's rbp among them, and tells the two stacks
# apart, and so does the setting that turns the cache off:
# dhat_builder_no_stack_cache(), dhat-run --no-stack-cache,
# DHAT_STACK_CACHE=0.
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

have_python || skip_all "python3 is needed to read the profiles"

plan 12

# The program points of sites A and B: "tb tbk" each.
sites() {
	a=$(pp "$1" site_a | sed 's/^tb=\([0-9]*\) tbk=\([0-9]*\) .*/\1 \2/')
	b=$(pp "$1" site_b | sed 's/^tb=\([0-9]*\) tbk=\([0-9]*\) .*/\1 \2/')
	echo "A: $a, B: $b"
}
exact="A: 1000 10, B: 2000 10"

"$builddir_t/prog/heap-alloca" nocache.json nocache >prog.out 2>prog.err
prog_ok $? "heap-alloca with dhat_builder_no_stack_cache() runs"
is "$(sites nocache.json)" "$exact" "... each site has its own blocks"

expect_exit 0 "run-alloca under dhat-run --no-stack-cache" -- \
	"$RUN" --quiet --no-stack-cache -o run-nocache.json "$PROG/run-alloca"
is "$(sites run-nocache.json)" "$exact" "... each site has its own blocks"

# The variable, as dhat-run passes it to libdhat preloaded.
expect_exit 0 "run-alloca preloaded with DHAT_STACK_CACHE=0" -- \
	env LD_PRELOAD="$DHAT_PRELOAD" DHAT_RUN=1 DHAT_QUIET=1 \
	DHAT_OUTPUT=run-env.json DHAT_STACK_CACHE=0 "$PROG/run-alloca"
is "$(sites run-env.json)" "$exact" "... each site has its own blocks"

expect_exit 0 "DHAT_STACK_CACHE=maybe: the program still runs" -- \
	env LD_PRELOAD="$DHAT_PRELOAD" DHAT_RUN=1 DHAT_QUIET=1 \
	DHAT_OUTPUT=run-bad.json DHAT_STACK_CACHE=maybe "$PROG/run-alloca"
like "$(cat err)" "DHAT_STACK_CACHE" "... with a warning that names the variable"

# With the cache, as by default: the remembered stack of path A still
# has path A's return address where path B's frame has its buffer, but
# that word is not one the walk read; f's rbp, which it did read, gives
# the move away (lib/stack.c).
"$builddir_t/prog/heap-alloca" cached.json >prog.out 2>prog.err
prog_ok $? "heap-alloca with the stack cache runs"
is "$(sites cached.json)" "$exact" "... each site has its own blocks"
expect_exit 0 "run-alloca under dhat-run" -- \
	"$RUN" --quiet -o run-cached.json "$PROG/run-alloca"
is "$(sites run-cached.json)" "$exact" "... each site has its own blocks"
done_testing
