#!/bin/sh
# Other allocators: jemalloc, tcmalloc and mimalloc, preloaded or linked,
# under dhat-run and with libdhat linked in either order.  Every C entry
# point and every C++ operator new and delete form is counted exactly once
# (t/prog/alloc-every.c and alloc-every-cxx.cc list the figures), each
# block goes back to the allocator that made it, and the programs behave
# as they do without dhat.
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

have_python || skip_all "python3 is needed to read the profiles"
[ -n "${CC:-}" ] && [ -n "${CXX:-}" ] || skip_all "no compilers given"

lib=$abs_top_builddir/.libs
inc="-I$abs_top_builddir/lib -I$abs_top_srcdir/lib"
cflags="-std=gnu11 -O0 -g -fno-inline -Wall -Wextra"
cxxflags="-std=gnu++17 -O0 -g -fno-inline -Wall -Wextra"

# build NAME SOURCE FLAGS...: compile t/prog/SOURCE into ./NAME.
build() {
	name=$1 src=$2
	shift 2
	case $src in
	*.cc) set -- $CXX $cxxflags "$@" ;;
	*) set -- $CC $cflags "$@" ;;
	esac
	"$@" -o "$name" "$srcdir_t/prog/$src" $libs 2>"$name.cc.err"
}

# totals FILE [FUNCTION]: "BYTES BLOCKS" of FILE's program points whose
# frames name FUNCTION, or else lie in the program's source: libraries'
# constructors allocate too (libstdc++, tcmalloc), and are counted.
totals() {
	case $1 in
	*cxx*) src=alloc-every-cxx.cc: ;;
	*) src=alloc-every.c: ;;
	esac
	figures "$1" "${2:-$src}" | cut -d' ' -f1-2
}

# The baseline, glibc: jemalloc's API is carried out on glibc's allocator.
libs=
build every alloc-every.c && build every-cxx alloc-every-cxx.cc
ok $? "the allocation programs build"
expect_exit 0 "glibc: every C entry point" -- \
	"$RUN" -o c.json ./every pvalloc je
is "$(totals c.json)" "6053 33" "  33 blocks, 6,053 bytes"
is "$(totals c.json site_mallocx)" "900 4" \
	"  jemalloc's API without jemalloc: mallocx, rallocx, xallocx"
expect_exit 0 "glibc: every C++ form" -- \
	"$RUN" -o cxx.json ./every-cxx bad_alloc
is "$(totals cxx.json)" "1126 19" "  19 blocks, 1,126 bytes"
is "$(totals cxx.json site_after_bad_alloc)" "4 1" \
	"  counting goes on after std::bad_alloc passed through"
like "$(pp cxx.json --frames site_aligned_array)" \
	'^operator new\[\]\(unsigned long, std::align_val_t\) site_aligned_array' \
	"  operator new[] is the allocation function"
rm -f ./*.json

# An executable's stub for free, which a lookup finds first, is not the
# allocator: forwarding to it would call libdhat's free again, forever.
libs=
if build plt alloc-plt.c -fno-pie -no-pie &&
	LC_ALL=C readelf -Ws --dyn-syms plt 2>/dev/null |
	grep -Eq ' 0*[1-9a-f][0-9a-f]* +0 FUNC +GLOBAL +DEFAULT +UND free@'; then
	expect_exit 0 "a program with a stub for free, under dhat-run" -- \
		timeout 60 "$RUN" -o plt.json ./plt
	is "$(figures plt.json | cut -d' ' -f1-2)" "10 1" "  its one block"
else
	skip "a program with a stub for free, under dhat-run" \
		"the linker made no stub"
	skip "  its one block" "the linker made no stub"
fi

# check ALLOC LIBRARY C-OPTIONS C-TOTALS C++-OPTIONS SHADOWED-TOTALS
# SHADOWED-TOTALS: what libdhat linked after ALLOC counts, the calls to
# the entry points ALLOC does not define (reallocarray for some).
check() {
	alloc=$1 so=$2 copts=$3 ctotals=$4 cxxopts=$5 shadowed=$6
	path=$($CC -print-file-name="$so")
	if [ ! -f "$path" ]; then
		for t in preloaded linked "libdhat first" "$alloc first"; do
			skip "$alloc: $t" "$so is not installed"
		done
		return
	fi
	l=-l${so%%.so*}
	l=-l${l#-llib}

	expect_exit 0 "$alloc preloaded: C" -- \
		env LD_PRELOAD="$path" "$RUN" -o c.json ./every $copts
	is "$(totals c.json)" "$ctotals" "  $ctotals"
	if [ "$alloc" != jemalloc ]; then
		expect_exit 0 "$alloc preloaded: its own malloc and free mixed in" -- \
			env LD_PRELOAD="$path" "$RUN" -o x.json ./every extras
		is "$(totals x.json site_extras)" "60 1" \
			"  only malloc's block counted"
	fi
	expect_exit 0 "$alloc preloaded: C++" -- \
		env LD_PRELOAD="$path" "$RUN" -o cxx.json ./every-cxx $cxxopts
	is "$(totals cxx.json)" "1126 19" "  1126 19"

	libs=$l
	build every-$alloc alloc-every.c &&
		build every-cxx-$alloc alloc-every-cxx.cc
	ok $? "$alloc linked: the programs build"
	expect_exit 0 "$alloc linked: C" -- \
		"$RUN" -o lc.json "./every-$alloc" $copts
	is "$(totals lc.json)" "$ctotals" "  $ctotals"
	expect_exit 0 "$alloc linked: C++" -- \
		"$RUN" -o lcxx.json "./every-cxx-$alloc" $cxxopts
	is "$(totals lcxx.json)" "1126 19" "  1126 19"
	is "$(totals lcxx.json site_new)" "28 7" "  operator new: 7 ints"

	libs="$lib/libdhat.so $l -Wl,-rpath,$lib"
	build api-$alloc alloc-every.c -DDHAT_API $inc &&
		build api-cxx-$alloc alloc-every-cxx.cc -DDHAT_API $inc
	ok $? "libdhat first, then $alloc: the programs build"
	expect_exit 0 "  C" -- "./api-$alloc" $copts
	is "$(totals alloc-every.json)" "$ctotals" "    $ctotals"
	expect_exit 0 "  C++" -- "./api-cxx-$alloc" $cxxopts
	is "$(totals alloc-every-cxx.json)" "1126 19" "    1126 19"

	libs="$l $lib/libdhat.so -Wl,-rpath,$lib"
	build api2-$alloc alloc-every.c -DDHAT_API $inc
	ok $? "$alloc first, then libdhat: the program builds"
	expect_exit 0 "  it runs as without libdhat" -- "./api2-$alloc" $copts
	like "$(cat err)" "^dhat: warning: malloc is .*$so's, which comes before libdhat" \
		"  libdhat says why it counts almost nothing"
	is "$(totals alloc-every.json)" "$shadowed" \
		"  and counts only what reaches it: $shadowed"
	rm -f ./*.json
}

check jemalloc libjemalloc.so.2 je "5353 32" bad_alloc "400 1"
check tcmalloc libtcmalloc.so.4 pvalloc "5153 29" bad_alloc "400 1"
check mimalloc libmimalloc.so.2 pvalloc "5153 29" "" "0 0"

done_testing
