#!/bin/sh
# dhat-run and Valgrind's DHAT agree on the same deterministic programs:
# totals, t-gmax and t-end, and every program point's figures (tb tbk mb
# mbk gb gbk eb ebk), matched by function, file and line.
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

have_python || skip_all "python3 is needed to read the profiles"
need_valgrind_dhat

plan 8

expect_exit 0 "run-basic under dhat-run" -- \
	"$RUN" --quiet -o ours.json "$PROG/run-basic"
expect_exit 0 "run-basic under valgrind --tool=dhat" -- \
	"$VALGRIND" --tool=dhat --dhat-out-file=vg.json "$PROG/run-basic"
is "$(figures vg.json)" "1250 5 850 3 650 2" "Valgrind's figures"
is "$(figures ours.json)" "$(figures vg.json)" "dhat-run's are the same"
"$PYTHON3" "$srcdir_t/profile-compare.py" ours.json vg.json >cmp.out 2>&1
ok $? "every program point agrees"
sed 's/^/# /' cmp.out | head -n 20

# C++: what Widget::make allocates with new, and Widget::fill's figures
# (t/4020 compares every stack of the program).
"$RUN" --quiet -o ours-cc.json "$PROG/run-widget"
"$VALGRIND" --tool=dhat --dhat-out-file=vg-cc.json "$PROG/run-widget" \
	>/dev/null 2>&1
is "$(figures vg-cc.json Widget::make)" "640 10 640 10 320 5" \
	"Valgrind: Widget::make"
is "$(figures ours-cc.json Widget::make)" \
	"$(figures vg-cc.json Widget::make)" "dhat-run: the same"
is "$(figures ours-cc.json Widget::fill)" \
	"$(figures vg-cc.json Widget::fill)" "and the same for Widget::fill"

done_testing
