#!/bin/sh
# dhat-run --mode=copy: the copies of a program with known ones (run-copy),
# per copying function, from two threads, the program's results unchanged,
# and Valgrind's DHAT in copy mode as the reference where it runs.
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

have_python || skip_all "python3 is needed to read the profiles"

plan 39

# The function of run-copy.c, its bytes and copies.
expected='f_memcpy 1000 10
f_memmove 250 5
f_mempcpy 100 4
f_bcopy 21 3
f_strcpy 18 3
f_stpcpy 24 2
f_strncpy 7 2
f_stpncpy 4 1
f_memccpy 3 1
f_wcscpy 20 1
f_wmemcpy 20 1
f_strdup 6 1
f_strndup 5 2
f_wcsncpy 24 2
f_memcpy_chk 64 1
f_strcat 8 2
f_thread 16000 2000'

# per_function FILE: "FUNCTION BYTES COPIES" for each of them.
per_function() {
	echo "$expected" | while read -r fn _; do
		echo "$fn $(figures "$1" "$fn" | cut -d' ' -f1-2)"
	done
}

expect_exit 0 "the program runs alone" -- "$PROG/run-copy" threads

expect_exit 0 "--mode=copy" -- "$RUN" --mode=copy "$PROG/run-copy" threads
f=$(profiles)
like "$f" '^dhat-copy\.[0-9]+\.json$' "  named dhat-copy.PID.json"
is "$(field "$f" mode)" copy "  mode copy"
is "$("$PYTHON3" -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(d["verb"], d["bklt"], d["bkacc"], "bu" in d)' "$f")" \
	"Copied False False False" "  verb Copied, no lifetimes or accesses, \
bytes and blocks as Valgrind names them"
per_function "$f" >got
while read -r fn bytes copies; do
	is "$(sed -n "s/^$fn //p" got)" "$bytes $copies" "  $fn: $bytes bytes \
in $copies copies"
done <<EOF
$expected
EOF
first=$("$PYTHON3" -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(sorted({d["ftbl"][p["fs"][0]].split(": ")[1].split(" ")[0]
              for p in d["pps"]}))' "$f")
is "$first" "['__memcpy_chk', 'bcopy', 'memccpy', 'memcpy', 'memmove', \
'mempcpy', 'stpcpy', 'stpncpy', 'strcat', 'strcpy', 'strdup', 'strncpy', \
'strndup', 'wcscpy', 'wcsncpy', 'wmemcpy']" \
	"  each stack starts at the copying function called"
like "$(sed -n 1p err)" '^dhat: Total:     17,574 bytes in 2,041 copies$' \
	"  the summary counts bytes and copies"
if have_viewer; then
	view_check "$f"
	ok $? "  the viewer loads it"
else
	skip "  the viewer loads it" "no node or dh_view.js"
fi
like "$("$abs_top_builddir/dhat-summarize" "$f" | sed -n 5p)" \
	'^Copied +17.2 KiB in 2,041 copies' "  dhat-summarize reads it"
rm -f ./*.json

expect_exit 0 "heap mode does not load libdhat-copy" -- \
	"$RUN" -o h.json "$PROG/run-copy"
is "$(field h.json mode)" heap "  a heap profile"

expect_exit 125 "--mode=copy with libdhat's name unknown" -- \
	env DHAT_PRELOAD="$abs_top_builddir/dhat-run" "$RUN" --mode=copy \
	"$PROG/run-copy"
like "$(cat err)" "cannot tell where libdhat-copy is" "  says why"

# Valgrind's DHAT does not count strcat (nor copies made inside the C
# library or the loader, which libdhat-copy cannot see): every other
# function must agree.
if [ -n "${VALGRIND:-}" ] && [ -x "$VALGRIND" ] &&
	"$VALGRIND" --tool=dhat --mode=copy --dhat-out-file=v.json \
	"$PROG/run-copy" threads >/dev/null 2>&1; then
	"$RUN" --quiet --mode=copy -o d.json "$PROG/run-copy" threads
	per_function v.json | grep -v '^f_strcat ' >vg
	per_function d.json | grep -v '^f_strcat ' >us
	is "$(cat us)" "$(cat vg)" "the same copies as Valgrind's copy mode, \
function by function"
	is "$(figures v.json f_strcat | cut -d' ' -f1-2)" "3 1" \
		"  Valgrind counts the strcpy of f_strcat, not the strcat"
else
	skip "the same copies as Valgrind's copy mode" "no valgrind --tool=dhat"
	skip "  Valgrind counts the strcpy of f_strcat" "no valgrind --tool=dhat"
fi

# memcpy in a signal handler that interrupts malloc, in a process of one
# thread that allocates and of two: the program runs as it runs alone
# (counting that copy would re-enter the allocator, under its lock).
for mode in "" threads; do
	expect_exit 0 "copies in a signal handler${mode:+, two threads}" -- \
		timeout 120 "$RUN" --quiet --mode=copy -o sig.json \
		"$PROG/run-copy-signal" $mode
	is "$(cat out)" "handled 3000" "  every signal handled"
	set -- $(figures sig.json memcpy)
	[ "${2:-0}" -gt 0 ] && [ "$1" -eq $(($2 * 8)) ]
	ok $? "  the handler's copies of 8 bytes counted ($2 of them)"
done

# A real program: python3 building and sorting a dict copies about a
# million times; the totals agree with Valgrind's within 1% (Valgrind
# also sees the C library's own copies and starts python in a slightly
# different environment).
python=$("$PYTHON3" -c 'import sys; print(sys.executable)')
cat >work.py <<'EOP'
d = {}
for i in range(20000):
    d["k%d" % i] = str(i) * 3
print(len(sorted(d.items())))
EOP
if [ -n "${VALGRIND:-}" ] && [ -x "$VALGRIND" ] &&
	"$VALGRIND" --tool=dhat --mode=copy --dhat-out-file=vpy.json \
	"$python" work.py >/dev/null 2>&1; then
	"$RUN" --quiet --mode=copy -o py.json "$python" work.py >/dev/null
	set -- $(figures vpy.json) $(figures py.json)
	"$PYTHON3" -c 'import sys
vb, vn, b, n = map(int, sys.argv[1:])
sys.exit(0 if abs(b - vb) <= vb / 100 and abs(n - vn) <= vn / 100 else 1)
' "$1" "$2" "$7" "$8"
	ok $? "python3: the same totals as Valgrind's within 1% \
(Valgrind $1 bytes in $2 copies, libdhat $7 in $8)"
else
	skip "python3: the same totals as Valgrind's" "no valgrind --tool=dhat"
fi

done_testing
