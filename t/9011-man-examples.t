#!/bin/sh
# 9011-man-examples: the C programs of libdhat(3)'s EXAMPLES compile
# against the built library without a warning, and behave as the page
# says: the output it shows (its displays marked ".\" output NAME") and
# the profiles it names.
. "$abs_top_srcdir/t/test-lib.sh"

[ -n "${CC:-}" ] || skip_all "no C compiler"
page=$abs_top_srcdir/man/libdhat.3
ulimit -c 0 2>/dev/null || :

# display KIND NAME: the literal display after the comment ".\" KIND NAME",
# with the roff escapes it uses (\e, \&) undone.
display() {
	awk -v kind="$1" -v name="$2" '
		$1 == ".\\\"" && $2 == kind && $3 == name { want = 1; next }
		want && /^\.Bd/ { on = 1; next }
		on && /^\.Ed/ { exit }
		on { print }' "$page" | sed 's/\\e/\\/g; s/\\&//g'
}

# build NAME: compile the example NAME into ./NAME.
build() {
	display example "$1" >"$1.c"
	"$CC" -Wall -Wextra -Werror -I"$abs_top_builddir/lib" "$1.c" \
		-L"$abs_top_builddir/.libs" -ldhat \
		-Wl,-rpath,"$abs_top_builddir/.libs" -o "$1" 2>"$1.cc-err"
	st=$?
	[ -s "$1.c" ] && ok $st "$1: the example compiles cleanly"
	[ $st -eq 0 ] || sed 's/^/#   /' "$1.cc-err" | head -n 20
}

plan 14

# The heap profile example.
build heap
./heap >out 2>err
is $? 0 "heap: exits 0 (its figures are as commented)"
pid=$(sed -n 's/.*saved to prof-\([0-9]*\)\.json.*/\1/p' err)
is "$(sed -n 1,3p err)" "$(printf '%s\n' \
	'dhat: Total:     100 bytes in 1 blocks' \
	'dhat: At t-gmax: 100 bytes in 1 blocks' \
	'dhat: At t-end:  0 bytes in 0 blocks')" "heap: the summary"
ok $([ -n "$pid" ] && [ -s "prof-$pid.json" ] && echo 0 || echo 1) \
	"heap: the profile is prof-PID.json"

# The heap usage test, as shown and with 5 bytes expected.
mkdir usage && cd usage || exit 99
build usage
./usage >out 2>err
is $? 0 "usage: the test passes"
is "$(cat out err; ls | grep -v '^usage')" "$(printf 'err\nout')" \
	"usage: prints nothing, writes no profile"
sed 's/curr_bytes, 6,/curr_bytes, 5,/' usage.c >usage-5.c
"$CC" -I"$abs_top_builddir/lib" usage-5.c -L"$abs_top_builddir/.libs" \
	-ldhat -Wl,-rpath,"$abs_top_builddir/.libs" -o usage-5 || exit 99
(exec ./usage-5 >out 2>err)
is $? 134 "usage with 5 bytes: aborts"
display output usage >want.err
cmp_golden err want.err "usage with 5 bytes: the output the page shows"
ok $([ -s dhat-heap.json ] && echo 0 || echo 1) \
	"usage with 5 bytes: writes dhat-heap.json"
cd .. || exit 99

# The ad hoc example.
build ad-hoc
./ad-hoc >out 2>err
is $? 0 "ad-hoc: exits 0"
display output ad-hoc >want.err
cmp_golden err want.err "ad-hoc: the output the page shows"
if have_viewer; then
	view_check dhat-ad-hoc.json
	ok $? "ad-hoc: the viewer loads dhat-ad-hoc.json"
else
	skip "ad-hoc: the viewer loads dhat-ad-hoc.json" "no viewer"
fi

done_testing
