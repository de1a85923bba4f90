#!/bin/sh
# 1004-heap-peak: "new peak, free, new peak" over 10,000 program points
# (the pattern that makes per-free peak copying quadratic): every PP's
# figures at t-gmax, at t-end and at its own peak are exact.  The cost
# rule itself is checked by t/unit/heap_account.
. "$abs_top_srcdir/t/test-lib.sh"

[ -n "${PYTHON3:-}" ] || skip_all "python3 not found"

plan 4
"$builddir_t/prog/heap-peak" peak.json >prog.out 2>prog.err
prog_ok $? "heap-peak: its own checks pass"
is "$(pp peak.json --check)" ok "10,000 distinct stacks, well formed"
pp peak.json --all | sort | uniq -c | sed 's/^ *//' | sort >got
cat >want <<'EOW'
1 tb=27 tbk=4 mb=19 mbk=3 gb=9 gbk=1 eb=19 ebk=3
4999 tb=17 tbk=2 mb=9 mbk=1 gb=9 gbk=1 eb=9 ebk=1
5000 tb=17 tbk=2 mb=9 mbk=1 gb=9 gbk=1 eb=0 ebk=0
EOW
cmp_golden got want "every PP's figures (count, figures)"
is "$(pp peak.json --top | sed 's/.* pps=//')" \
	"10000 tb=170010 tbk=20002 mb=90010 mbk=10002 gb=90000 gbk=10000 eb=45010 ebk=5002" \
	"the sums"
done_testing
