#!/bin/sh
# dhat-run on a deterministic program: exact totals, t-gmax and t-end, the
# stderr summary, output names, and the options that shape the profile.
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

have_python || skip_all "python3 is needed to read the profiles"

plan 30

# Default name: dhat-heap.PID.json in the working directory.
expect_exit 0 "run-basic runs under dhat-run" -- "$RUN" "$PROG/run-basic"
file=$(profiles)
like "$file" '^dhat-heap\.[0-9]+\.json$' "one profile, named dhat-heap.PID.json"
pid=${file#dhat-heap.}
pid=${pid%.json}
is "$(figures "$file")" "1250 5 850 3 650 2" \
	"totals 1,250/5, t-gmax 850/3, t-end 650/2"
is "$(field "$file" mode)" heap "mode heap"
is "$(field "$file" pid)" "$pid" "pid in the file is the pid in the name"
is "$(field "$file" cmd)" "$PROG/run-basic" "cmd is the program's command"
is "$(field "$file" npps)" 4 "four program points"
is "$(figures "$file" run-basic.c:40:)" "900 2 600 1 600 1" \
	"realloc adds a block and its new size at the block's first site"
is "$(figures "$file" grow)" "0 0 0 0 0 0" "  not at the realloc's own"
is "$(figures "$file" alloc_b)" "200 1 200 1 0 0" "calloc counted as m * n"
cat >want <<EOF
dhat: Total:     1,250 bytes in 5 blocks
dhat: At t-gmax: 850 bytes in 3 blocks
dhat: At t-end:  650 bytes in 2 blocks
dhat: The data has been saved to $PWD/$file, and is viewable with dh_view.html or dhat-summarize
EOF
cmp_golden err want "the summary on stderr names the file"
is "$(wc -c <out)" 0 "nothing on stdout"
if have_viewer; then
	view_check "$file"
	ok $? "the viewer loads the profile"
	grep -q 'main (t/prog/run-basic.c:' view.out
	ok $? "  and shows main in run-basic.c"
else
	skip "the viewer loads the profile" "no node or dh_view.js"
	skip "  and shows main in run-basic.c" "no node or dh_view.js"
fi
rm -f ./*.json

expect_exit 0 "--quiet" -- "$RUN" --quiet -o q.json "$PROG/run-basic"
is "$(wc -c <err)" 0 "  prints nothing on stderr"
is "$(figures q.json)" "1250 5 850 3 650 2" "  and still writes the profile"
rm -f ./*.json

# Relative names are anchored where dhat-run started, even for a program
# that changes directory; a program exec'd by the first process (same
# pid) keeps the name, since the process that exec'd writes nothing.
mkdir sub
expect_exit 0 "-o with a relative name, program in another directory" -- \
	"$RUN" --quiet -o rel.json sh -c 'cd sub && exec "$0"' \
	"$PROG/run-basic"
is "$(figures rel.json)" "1250 5 850 3 650 2" \
	"  the profile is where dhat-run started"
is "$(field rel.json cmd)" "$PROG/run-basic" "  it is the exec'd program's"
is "$(ls sub | wc -l)" 0 "  nothing written in the program's directory"
is "$(profiles | tr '\n' ' ')" "rel.json " "  and no other profile"
rm -f ./*.json

expect_exit 0 "-o with %p and a directory" -- \
	"$RUN" --quiet --output "sub/p-%p.json" "$PROG/run-basic"
like "$(ls sub)" '^p-[0-9]+\.json$' "  %p expands to the pid"
rm -f sub/*

# --time-unit=bytes: time is the bytes allocated so far, so t-end and
# t-gmax are exact.
expect_exit 0 "--time-unit=bytes" -- \
	"$RUN" --quiet --time-unit=bytes -o b.json "$PROG/run-basic"
is "$(field b.json tu)" B "  unit B"
is "$(field b.json te) $(field b.json tg)" "1250 1250" \
	"  t-end and t-gmax counted in bytes"

# --frames on a program with deep stacks (std::vector in C++).
"$RUN" --quiet --frames=4 -o f4.json "$PROG/run-widget"
"$RUN" --quiet -o f10.json "$PROG/run-widget"
"$RUN" --quiet --frames=all -o fall.json "$PROG/run-widget"
# (The program's own stacks: libstdc++'s constructor, counted too, has
# an inlined call, two frame strings for one address.)
is "$(field f4.json maxfs run-widget.cc:)" 4 "--frames=4 keeps 4 frames"
is "$(field f10.json maxfs run-widget.cc:)" 10 "the default keeps 10"
f=$(field fall.json maxfs run-widget.cc:)
is "$f" 19 "--frames=all keeps them all: operator new, nest x 17, main"

done_testing
