#!/bin/sh
# 1012-ad-hoc: ad hoc profiling.  Events of known weights from several
# call sites, counted per stack (dhat_ad_hoc_event first, then the
# caller); events outside an ad hoc profiler ignored; profilers one after
# another (heap, ad hoc, heap, ad hoc) each counting only their own
# lifetime.  The ad hoc profile loads in the viewer and dhat-summarize.
. "$abs_top_srcdir/t/test-lib.sh"

[ -n "${PYTHON3:-}" ] || skip_all "python3 not found"

plan 25

"$builddir_t/prog/ad-hoc" h1.json ah.json h2.json >prog.out 2>prog.err
prog_ok $? "ad-hoc: its own checks pass (ad hoc and heap statistics)"

cat >want.err <<'EOW'
dhat: Total:     64 bytes in 1 blocks
dhat: At t-gmax: 64 bytes in 1 blocks
dhat: At t-end:  64 bytes in 1 blocks
dhat: The data has been saved to h1.json, and is viewable with dh_view.html or dhat-summarize
dhat: Total:     141 units in 11 events
dhat: The data has been saved to ah.json, and is viewable with dh_view.html or dhat-summarize
dhat: Total:     7 bytes in 1 blocks
dhat: At t-gmax: 7 bytes in 1 blocks
dhat: At t-end:  0 bytes in 0 blocks
dhat: The data has been saved to h2.json, and is viewable with dh_view.html or dhat-summarize
dhat: Total:     2,199,023,255,552 units in 2 events
dhat: The data has been saved to dhat-ad-hoc.json, and is viewable with dh_view.html or dhat-summarize
EOW
cmp_golden prog.err want.err \
	"the summaries: units in events for ad hoc profiles"

# The ad hoc profile, field by field.
is "$(pp ah.json --meta)" \
	'mode="ad-hoc" verb="Occurred" bklt=false bkacc=false bu="unit" bsu="units" bksu="events"' \
	"ad hoc header fields"
is "$(pp ah.json --keys)" \
	"dhatFileVersion mode verb bklt bkacc bu bsu bksu tu Mtu cmd pid te end pps ftbl | tb tbk fs" \
	"no tuth or tg; program points with tb, tbk and fs only"
is "$(pp ah.json site_a)" "tb=20 tbk=2" "site_a: two events of 10"
is "$(pp ah.json site_b)" "tb=100 tbk=1" "site_b: one of 100"
is "$(pp ah.json site_c)" "tb=21 tbk=7" "site_c: seven, weights 0 to 6"
is "$(pp ah.json site_zero)" "tb=0 tbk=1" "site_zero: an event of weight 0"
is "$(pp ah.json --top | sed 's/.* pps=//; s/ mb=.*//')" "4 tb=141 tbk=11" \
	"four program points, 141 units in 11 events"
is "$(pp ah.json site_ignored)" none \
	"events before, in a heap profiler and after: ignored"
is "$(pp ah.json site_heap)" none "allocations are not events"
is "$(pp ah.json --check)" ok \
	"every stack starts at dhat_ad_hoc_event, fs unique"
is "$(pp ah.json --frames site_a)" "dhat_ad_hoc_event site_a main" \
	"dhat_ad_hoc_event, the caller, main"

# The heap profiles around it.
is "$(pp h1.json --all)" "tb=64 tbk=1 mb=64 mbk=1 gb=64 gbk=1 eb=64 ebk=1" \
	"heap before: its block only, no events"
is "$(pp h1.json --frames site_heap)" "malloc site_heap main" \
	"heap before: its stack"
is "$(pp h2.json --all)" "tb=7 tbk=1 mb=7 mbk=1 gb=7 gbk=1 eb=0 ebk=0" \
	"heap after: its own block only"
is "$(pp dhat-ad-hoc.json --all)" "tb=2199023255552 tbk=2" \
	"the default file, 2^41 units in 2 events"

if have_viewer; then
	view_check ah.json
	ok $? "the viewer loads the ad hoc profile"
	grep -Eq '^ +Total: +141 units \(100%, .*\) in 11 events \(100%' view.out
	ok $? "... with 141 units in 11 events at the root"
	grep -Eq '#1: 0x[0-9a-f]+: dhat_ad_hoc_event \(' view.out
	ok $? "... dhat_ad_hoc_event as the first frame"
	grep -Eq '#2: 0x[0-9a-f]+: site_b \(t/prog/ad-hoc\.c:[0-9]+:[0-9]+\)' view.out
	ok $? "... the caller's function and line below it"
else
	for t in 1 2 3 4; do
		skip "the viewer" "node or dh_view.js missing"
	done
fi

"$abs_top_builddir/dhat-summarize" --top=10 ah.json >sum.out 2>sum.err
ok $? "dhat-summarize reads the ad hoc profile"
is "$(grep '^Total:' sum.out)" "Total:     141 units in 11 events" \
	"... and prints its total in units and events"
# Rates and addresses vary from run to run.
is "$(grep -A 6 '^PP 1/' sum.out |
	sed 's|[0-9][0-9.,]*/s|R|g; s/0x[0-9a-f]*: \([a-z_]*\) (.*/\1/')" \
	"$(printf '%s\n' 'PP 1/3 {' \
	'  Total:     100 units (70.92%, R) in 1 events (9.09%, R), avg size 100 units' \
	'  Occurred at {' \
	'    #1: dhat_ad_hoc_event' '    #2: site_b' '    #3: main' '  }')" \
	"... its largest program point: site_b's 100 units (3 of 4 qualify)"
"$abs_top_builddir/dhat-summarize" --top=10 dhat-ad-hoc.json >big.out 2>&1
is "$(grep '^Total:' big.out)" \
	"Total:     2,199,023,255,552 units in 2 events" \
	"... and 64-bit totals"

done_testing
