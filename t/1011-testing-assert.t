#!/bin/sh
# 1011-testing-assert: testing mode.  Assertions that fail, run as child
# processes: each ends by abort() after writing the profile exactly as a
# drop would (summary lines, then a file holding the allocations made up
# to the failure), then the Rust crate's message.  Misuse aborts with the
# crate's message and writes nothing.  Operands are evaluated once; the
# macros work in C++.
. "$abs_top_srcdir/t/test-lib.sh"

[ -n "${PYTHON3:-}" ] || skip_all "python3 not found"
ulimit -c 0 2>/dev/null || :
prog=$builddir_t/prog/testing-fail

# aborts CASE: `testing-fail CASE`, run in the new directory CASE, ends by
# abort() (status 134) with exactly want.err on stderr.  The program runs
# in a subshell so that the shell's own report of the signal ("Aborted")
# goes to the test's log, not into CASE/err.
aborts() {
	mkdir "$1" || exit 99
	(cd "$1" && exec "$prog" "$1" >out 2>err)
	is $? 134 "$1: aborts"
	cmp_golden "$1/err" want.err "$1: the messages"
}

# The summary of the profile that every failing heap case writes: a kept
# block of 1,000 bytes and a freed one of 24.
heap_summary() {
	cat <<'EOW'
dhat: Total:     1,024 bytes in 2 blocks
dhat: At t-gmax: 1,024 bytes in 2 blocks
dhat: At t-end:  1,000 bytes in 1 blocks
dhat: The data has been saved to dhat-heap.json, and is viewable with dh_view.html or dhat-summarize
EOW
}
heap_top="mode=heap tu=µs Mtu=s tuth=10 pps=2 tb=1024 tbk=2 mb=1024 mbk=2"
heap_top="$heap_top gb=1024 gbk=2 eb=1000 ebk=1"

plan 73

# ---- failing assertions ----------------------------------------------------

{ heap_summary; cat <<'EOW'; } >want.err
dhat: assertion failed: `(left == right)`
  left: `1000`,
 right: `999`
EOW
aborts eq
is "$(pp eq/dhat-heap.json site_keep)" \
	"tb=1000 tbk=1 mb=1000 mbk=1 gb=1000 gbk=1 eb=1000 ebk=1" \
	"eq: the profile holds the kept block"
is "$(pp eq/dhat-heap.json site_temp)" \
	"tb=24 tbk=1 mb=24 mbk=1 gb=24 gbk=1 eb=0 ebk=0" \
	"eq: ... and the freed one"
is "$(pp eq/dhat-heap.json --check)" ok "eq: stacks start at malloc"
if have_viewer; then
	view_check eq/dhat-heap.json
	ok $? "eq: the viewer loads the profile"
else
	skip "eq: the viewer loads the profile" "node or dh_view.js missing"
fi

{ heap_summary; cat <<'EOW'; } >want.err
dhat: assertion failed: `(left == right)`
  left: `1000`,
 right: `999`: msg 1
EOW
aborts eq-msg
is "$(pp eq-msg/dhat-heap.json site_late)" none \
	"eq-msg: the message's allocation, after the write, is not in it"

{ heap_summary; cat <<'EOW'; } >want.err
dhat: assertion failed: `(left != right)`
  left: `2`,
 right: `2`
EOW
aborts ne

{ heap_summary; cat <<'EOW'; } >want.err
dhat: assertion failed: `(left != right)`
  left: `2`,
 right: `2`: 2 blocks, alas
EOW
aborts ne-msg

{ heap_summary; cat <<'EOW'; } >want.err
dhat: assertion failed: s.curr_blocks == 0
EOW
aborts assert

# The condition is cut from the message at its first comma outside
# parentheses and literals.
{ heap_summary; cat <<'EOW'; } >want.err
dhat: assertion failed: strcmp(name, "a,b") == 0: name is "a,c"
EOW
aborts assert-msg

{ heap_summary; cat <<'EOW'; } >want.err
dhat: assertion failed: `(left == right)`
  left: `-128`,
 right: `-9223372036854775808`
EOW
aborts signed

{ heap_summary; cat <<'EOW'; } >want.err
dhat: assertion failed: `(left == right)`
  left: `-1`,
 right: `18446744073709551615`: -1 is not UINT64_MAX
EOW
aborts unsigned

{ heap_summary; cat <<'EOW'; } >want.err
dhat: assertion failed: `(left != right)`
  left: `18446744073709551615`,
 right: `18446744073709551615`
EOW
aborts unsigned-ne

{ heap_summary; cat <<'EOW'; } >want.err
dhat: assertion failed: `(left == right)`
  left: `-2`,
 right: `65534`
EOW
aborts short

for c in eq eq-msg ne ne-msg assert assert-msg signed unsigned \
	unsigned-ne short; do
	is "$(pp $c/dhat-heap.json --top)" "$heap_top" \
		"$c: the profile has the two blocks made before the failure"
done

# Passing assertions with side effects: counted() called once per operand
# (3), i and j incremented once, the messages (m++) never evaluated; the
# failing one shows its operand (n++: 3) and then n as 4.
cat >want.err <<'EOW'
dhat: Total:     0 bytes in 0 blocks
dhat: At t-gmax: 0 bytes in 0 blocks
dhat: At t-end:  0 bytes in 0 blocks
dhat: The data has been saved to dhat-heap.json, and is viewable with dh_view.html or dhat-summarize
dhat: assertion failed: `(left == right)`
  left: `3`,
 right: `10`: calls 3, i 1, j 1, m 0, n 4
EOW
aborts once

# ---- misuse ----------------------------------------------------------------

# misuse CASE MESSAGE: aborts with MESSAGE alone, writes no profile.
misuse() {
	printf '%s\n' "$2" >want.err
	aborts "$1"
	is "$(ls "$1")" "$(printf 'err\nout')" "$1: no profile"
}
misuse no-profiler "dhat: asserting when no profiler is running"
misuse not-testing "dhat: asserting while not in testing mode"
misuse heap-stats-none "dhat: getting heap stats when no profiler is running"
misuse ad-hoc-stats-none \
	"dhat: getting ad hoc stats when no profiler is running"
misuse heap-stats-ad-hoc \
	"dhat: getting heap stats while doing ad hoc profiling"
misuse ad-hoc-stats-heap \
	"dhat: getting ad hoc stats while doing heap profiling"

# After a failed assertion (its abort caught by a SIGABRT handler).
{ heap_summary; cat <<'EOW'; } >want.err
dhat: assertion failed: `(left == right)`
  left: `1000`,
 right: `999`
dhat: asserting after the profiler has asserted
EOW
aborts assert-after

{ heap_summary; cat <<'EOW'; } >want.err
dhat: assertion failed: `(left == right)`
  left: `1000`,
 right: `999`
dhat: getting heap stats after the profiler has asserted
EOW
aborts heap-stats-after

# In ad hoc mode; the event made after the failure is ignored silently.
cat >want.err <<'EOW'
dhat: Total:     6 units in 2 events
dhat: The data has been saved to dhat-ad-hoc.json, and is viewable with dh_view.html or dhat-summarize
dhat: assertion failed: `(left == right)`
  left: `6`,
 right: `7`
dhat: getting ad hoc stats after the profiler has asserted
EOW
aborts ad-hoc-stats-after
f=ad-hoc-stats-after/dhat-ad-hoc.json
is "$(pp $f --all)" "tb=6 tbk=2" "ad hoc failure: one PP, 6 units in 2 events"
is "$(pp $f --frames site_event)" "dhat_ad_hoc_event site_event main" \
	"ad hoc failure: its stack"
if have_viewer; then
	view_check $f
	ok $? "ad hoc failure: the viewer loads the profile"
else
	skip "ad hoc failure: the viewer loads the profile" "no viewer"
fi

# Dropping after a failure is silent and returns to ready: a new profiler
# counts only its own block.
mkdir drop-after && cd drop-after || exit 99
"$prog" drop-after >out 2>err
is $? 0 "drop-after: exits normally"
cat >want.err <<'EOW'
dhat: Total:     1,000 bytes in 1 blocks
dhat: At t-gmax: 1,000 bytes in 1 blocks
dhat: At t-end:  1,000 bytes in 1 blocks
dhat: The data has been saved to dhat-heap.json, and is viewable with dh_view.html or dhat-summarize
dhat: assertion failed: `(left == right)`
  left: `1000`,
 right: `999`
dhat: Total:     24 bytes in 1 blocks
dhat: At t-gmax: 24 bytes in 1 blocks
dhat: At t-end:  24 bytes in 1 blocks
dhat: The data has been saved to after.json, and is viewable with dh_view.html or dhat-summarize
EOW
cmp_golden err want.err \
	"drop-after: the drop prints nothing, the next profiler its summary"
is "$(pp after.json --all)" "tb=24 tbk=1 mb=24 mbk=1 gb=24 gbk=1 eb=24 ebk=1" \
	"drop-after: the next profile has its own block only"
cd .. || exit 99

# ---- C++ -------------------------------------------------------------------

mkdir cxx && cd cxx || exit 99
"$builddir_t/prog/testing-cxx" >out 2>err
is $? 0 "c++: assertions on every kind of integer hold"
is "$(cat out err; ls)" "$(printf 'err\nout')" \
	"c++: ... printing nothing, writing no profile"
(exec "$builddir_t/prog/testing-cxx" fail >out 2>err)
is $? 134 "c++: a failing assertion aborts"
cat >want.err <<'EOW'
dhat: Total:     100 bytes in 1 blocks
dhat: At t-gmax: 100 bytes in 1 blocks
dhat: At t-end:  100 bytes in 1 blocks
dhat: The data has been saved to dhat-heap.json, and is viewable with dh_view.html or dhat-summarize
dhat: assertion failed: `(left == right)`
  left: `-1`,
 right: `100`: vector of 25 ints
EOW
cmp_golden err want.err "c++: the messages"
cd .. || exit 99

# ---- the header ------------------------------------------------------------

# The macros are ISO C: no warning under -pedantic and -Wconversion; an
# operand that is not an integer does not compile.
if [ -n "${CC:-}" ]; then
	"$CC" -std=c11 -D_GNU_SOURCE -pedantic -Wall -Wextra -Wconversion \
		-Wshadow -Werror -fsyntax-only -I"$abs_top_builddir/lib" \
		"$srcdir_t/prog/testing-fail.c" 2>cc.err
	ok $? "ISO C11 -pedantic -Wconversion: no warning"
	sed 's/^/#   /' cc.err | head -n 10
	# operand T: a function asserting on an operand of type T.
	operand() {
		printf '%s\n' '#include <dhat.h>' "void f($1 x);" \
			"void f($1 x) { DHAT_ASSERT_EQ(x, 0); }" >op.c
		"$CC" -fsyntax-only -I"$abs_top_builddir/lib" op.c 2>/dev/null
		echo $?
	}
	is "$(operand 'unsigned char') $(operand 'int *') $(operand double)" \
		"0 1 1" "an operand that is not an integer does not compile"
else
	skip "ISO C11 -pedantic" "no C compiler"
	skip "a pointer operand" "no C compiler"
fi

done_testing
