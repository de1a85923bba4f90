#!/bin/sh
# 1001-heap-alloc: the allocator entry points under a heap profiler.  Each
# program asserts its own statistics (TAP, relayed here); the profile's
# per program point figures are then checked against hand-computed values.
. "$abs_top_srcdir/t/test-lib.sh"

[ -n "${PYTHON3:-}" ] || skip_all "python3 not found"

# run NAME ARGS...: the test program's own checks pass.
run() {
	name=$1
	shift
	"$builddir_t/prog/$name" "$@" >"$name.out" 2>"$name.err"
	st=$?
	ok $st "$name: its own checks pass"
	[ $st -eq 0 ] || { sed 's/^/#   /' "$name.out" "$name.err" | head -n 40; }
}

plan 38

run heap-basic basic.json
is "$(pp basic.json site_keep)" "tb=100 tbk=1 mb=100 mbk=1 gb=100 gbk=1 eb=100 ebk=1" \
	"basic: a block kept to the end"
is "$(pp basic.json site_temp)" "tb=1000 tbk=1 mb=1000 mbk=1 gb=1000 gbk=1 eb=0 ebk=0" \
	"basic: the block that made the peak"
is "$(pp basic.json site_small)" "tb=48 tbk=3 mb=16 mbk=1 gb=0 gbk=0 eb=0 ebk=0" \
	"basic: three short-lived blocks"
is "$(pp basic.json site_zero)" "tb=0 tbk=1 mb=0 mbk=1 gb=0 gbk=0 eb=0 ebk=0" \
	"basic: malloc(0) is one block of 0 bytes"
is "$(pp basic.json --check)" ok "basic: stacks start at the allocator, fs unique"
is "$(pp basic.json --frames site_keep)" "malloc site_keep main" \
	"basic: malloc, the caller, main; nothing of libdhat"
cat >want.err <<'EOW'
dhat: Total:     1,148 bytes in 6 blocks
dhat: At t-gmax: 1,100 bytes in 2 blocks
dhat: At t-end:  100 bytes in 1 blocks
dhat: The data has been saved to basic.json, and is viewable with dh_view.html or dhat-summarize
EOW
cmp_golden heap-basic.err want.err "basic: the summary on stderr"

run heap-calloc calloc.json
is "$(pp calloc.json site_calloc)" "tb=32 tbk=1 mb=32 mbk=1 gb=32 gbk=1 eb=32 ebk=1" \
	"calloc: m * n bytes, freed after the end"
is "$(pp calloc.json site_czero)" "tb=0 tbk=1 mb=0 mbk=1 gb=0 gbk=1 eb=0 ebk=0" \
	"calloc: a zero-sized block live at the (latest) peak"
is "$(pp calloc.json --top | sed 's/ tb=.*//')" \
	"mode=heap tu=µs Mtu=s tuth=10 pps=2" "calloc: the overflow made no PP"

run heap-realloc realloc.json
is "$(pp realloc.json site_a)" "tb=160 tbk=3 mb=100 mbk=1 gb=50 gbk=1 eb=0 ebk=0" \
	"realloc: grown and shrunk, on the first allocation's PP"
is "$(pp realloc.json site_a_grow)" "none" "realloc: no PP at the realloc sites"
is "$(pp realloc.json site_b)" "tb=20 tbk=1 mb=20 mbk=1 gb=20 gbk=1 eb=0 ebk=0" \
	"realloc: realloc(NULL, n) is a malloc at the realloc site"
is "$(pp realloc.json --frames site_b)" "realloc site_b main" \
	"realloc: its stack starts with realloc"
is "$(pp realloc.json site_c)" "tb=30 tbk=1 mb=30 mbk=1 gb=30 gbk=1 eb=0 ebk=0" \
	"realloc: realloc(p, 0) freed the block"
is "$(pp realloc.json site_d)" "tb=32 tbk=1 mb=32 mbk=1 gb=0 gbk=0 eb=0 ebk=0" \
	"realloc: reallocarray"
is "$(pp realloc.json --frames site_d)" "reallocarray site_d main" \
	"realloc: its stack starts with reallocarray"
is "$(pp realloc.json --tl site_a) $(pp realloc.json --tl site_b) $(pp realloc.json --tl site_c)" \
	"200 30 0" "realloc: lifetimes run from the first allocation (bytes)"
is "$(pp realloc.json --times)" "tu=B Mtu=MB tuth=1024 tg=210 te=242" \
	"realloc: time in bytes allocated"

run heap-memalign memalign.json
for f in site_pm:100:posix_memalign site_aa:256:aligned_alloc \
	site_ma:10:memalign site_va:100:valloc site_pva:100:pvalloc; do
	fn=${f%%:*}
	rest=${f#*:}
	n=${rest%%:*}
	alloc=${rest#*:}
	is "$(pp memalign.json --frames $fn)" "$alloc $fn main" \
		"memalign: $fn's stack starts with $alloc"
done
is "$(pp memalign.json site_pva)" "tb=100 tbk=1 mb=100 mbk=1 gb=100 gbk=1 eb=0 ebk=0" \
	"memalign: pvalloc counts the requested size"
is "$(pp memalign.json site_aa)" "tb=256 tbk=1 mb=256 mbk=1 gb=256 gbk=1 eb=256 ebk=1" \
	"memalign: aligned_alloc"

run heap-strdup strdup.json
like "$(pp strdup.json --frames site_strdup)" '^malloc (__)?strdup site_strdup main$' \
	"strdup: malloc, strdup, the caller"
is "$(pp strdup.json site_strdup)" "tb=13 tbk=1 mb=13 mbk=1 gb=13 gbk=1 eb=13 ebk=1" \
	"strdup: its figures"

run heap-errno errno.json
is "$(pp errno.json --top | sed 's/ tb=.*//')" \
	"mode=heap tu=µs Mtu=s tuth=10 pps=2" \
	"errno: malloc's PP and calloc's (the realloc stays there), no failed call"

"$builddir_t/prog/heap-cxx" cxx.json >cxx.out 2>cxx.err
ok $? "c++: new[] and delete[] are counted"
is "$(pp cxx.json --frames cxx_site)" 'operator new[](unsigned long) cxx_site main' \
	"c++: operator new[] is the allocation function, then the caller"
like "$(pp cxx.json cxx_site)" '^tb=100 tbk=1 ' "c++: 25 ints"

done_testing
