#!/bin/sh
# dhat-run's stacks are Valgrind DHAT's, on allocations with little or no
# program code above glibc's start code (a thread start routine that
# tail-calls malloc, strdup as a start routine, constructors of the
# program and of a library initialised before libdhat, an atexit handler)
# and with glibc in the middle (qsort's comparison): every program point
# the same, with the same blocks and bytes, once each tool's start code
# is left off (t/stack-shapes.py).  Counting starts at the process's
# first allocation, so the library's constructor is counted as Valgrind
# counts it.  And C++ (t/prog/run-widget.cc): stacks from operator new,
# through std::vector and std::string, and libstdc++'s own constructor.
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

have_python || skip_all "python3 is needed to read the profiles"
need_valgrind_dhat

plan 11

shapes() {
	"$PYTHON3" "$srcdir_t/stack-shapes.py" "$@" >cmp.out 2>&1
	ok $? "$(sed -n 1p cmp.out | cut -c1-60): every program point agrees"
	sed 's/^/# /' cmp.out | head -n 20
}

expect_exit 0 "stack-shapes under dhat-run" -- \
	"$RUN" --quiet -o ours.json "$PROG/stack-shapes"
expect_exit 0 "stack-shapes under valgrind --tool=dhat" -- \
	"$VALGRIND" --tool=dhat --dhat-out-file=vg.json "$PROG/stack-shapes"
# The thread's TLS vector has one slot per module with TLS: Valgrind
# preloads other libraries than dhat-run.
shapes ours.json vg.json --ignore allocate_dtv
is "$(figures ours.json shapes_lib_init)" "29 1 29 1 29 1" \
	"a constructor run before libdhat's is counted"
is "$(pp ours.json --frames tail_start)" "none" \
	"  tail_start made no frame of its own (a tail call)"
like "$(pp ours.json --frames start_thread)" '^malloc start_thread ' \
	"the tail call's stack keeps the start code, its only context"

expect_exit 0 "the same with --no-stack-cache" -- \
	"$RUN" --quiet --no-stack-cache -o nocache.json "$PROG/stack-shapes"
shapes nocache.json vg.json --ignore allocate_dtv

# Valgrind keeps 12 frames.
expect_exit 0 "run-widget under dhat-run, 12 frames" -- \
	"$RUN" --quiet --frames=12 -o ours-cc.json "$PROG/run-widget"
expect_exit 0 "run-widget under valgrind --tool=dhat" -- \
	"$VALGRIND" --tool=dhat --dhat-out-file=vg-cc.json "$PROG/run-widget"
shapes ours-cc.json vg-cc.json

done_testing
