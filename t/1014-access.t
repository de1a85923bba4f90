#!/bin/sh
# 1014-access: access profiling.  A program built for libdhat-access
# (t/prog/access.c) uses its blocks in known ways: the bytes read and
# written per site, the counts per byte, the blocks never touched, what
# the C library's functions do to them, as Valgrind's DHAT counts them on
# the same program built plain.
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

have_python || skip_all "python3 is needed to read the profiles"
[ -x "$PROG/access" ] ||
	skip_all "the compiler cannot build for access profiling"

plan 25

# access FILE FUNCTION [CALLER]: "RB WB ACC" of the site allocated in
# FUNCTION (called from CALLER).
access() {
	"$PYTHON3" -c 'import json, sys
d = json.load(open(sys.argv[1]))
want = [" %s " % f for f in sys.argv[2:]]
for p in d["pps"]:
    fs = [d["ftbl"][i].split(":", 1)[-1] for i in p["fs"][1:]]
    if len(fs) >= len(want) and all(w in f for w, f in zip(want, fs)):
        print(p.get("rb"), p.get("wb"), p.get("acc"))' "$@"
}

# figures FILE: every site of the program with its "RB WB ACC".
figures() {
	for f in f_write_only f_read_only f_untouched f_struct f_increment \
		f_big f_freed f_libc_p f_libc_q; do
		echo "$f $(access "$1" $f)"
	done
	echo "strdup $(access "$1" strdup f_libc)"
}

expect_exit 0 "the instrumented program runs without a profiler" -- \
	"$PROG/access"

expect_exit 0 "under dhat-run" -- "$RUN" --quiet -o a.json "$PROG/access"
is "$("$PYTHON3" -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(d["bkacc"], all("rb" in p and "wb" in p for p in d["pps"]))' a.json)" \
	"True True" "  bkacc, and reads and writes for every site"
is "$(access a.json f_write_only)" "0 100 [-100, 1]" \
	"  written once: 100 bytes written, each once"
is "$(access a.json f_read_only)" "128 0 [-64, 2]" \
	"  read twice: 128 bytes read, each twice"
is "$(access a.json f_untouched)" "0 0 [-48, 0]" "  never touched"
is "$(access a.json f_struct)" "40 40 $("$PYTHON3" -c \
	'print([-4, 2, -12, 0] * 10)')" "  a struct's unused fields: no counts"
is "$(access a.json f_increment)" "240 320 [-80, 7]" \
	"  zeroed, then += three times: each byte written 4 times, read 3"
is "$(access a.json f_big)" "0 4096 None" \
	"  a block over 1,024 bytes: no counts per byte"
is "$(access a.json f_freed)" "0 96 [-32, 3]" \
	"  freed blocks keep their counts, summed by site"
is "$(access a.json f_libc_p)" "512 64 [-64, 9]" \
	"  the C library's functions: what they read and write"
is "$(access a.json f_libc_q)" "128 128 [-64, 4]" "  ... in a second block"
is "$(access a.json strdup f_libc)" "0 64 [-64, 1]" "  ... and in strdup's"
if have_viewer; then
	view_check a.json
	ok $? "  the viewer loads it"
else
	skip "  the viewer loads it" "no node or dh_view.js"
fi

# Valgrind's DHAT on the plain build: the same figures for every site of
# the program (the C library's own blocks, which the instrumented code
# does not touch, are left out).
if [ -n "${VALGRIND:-}" ] && [ -x "$VALGRIND" ] &&
	"$VALGRIND" --tool=dhat --dhat-out-file=v.json "$PROG/access-plain" \
	>/dev/null 2>&1; then
	is "$(figures a.json)" "$(figures v.json)" \
		"every site as under Valgrind's DHAT"
	"$PYTHON3" -c 'import json, sys
def zero(f):
    d = json.load(open(f))
    return sorted(d["ftbl"][p["fs"][1]].split(": ")[1].split(" ")[0]
                  for p in d["pps"]
                  if p["rb"] == 0 and p["wb"] == 0 and len(p["fs"]) > 1
                  and "f_" in d["ftbl"][p["fs"][1]])
sys.exit(0 if zero(sys.argv[1]) == zero(sys.argv[2]) == ["f_untouched"]
         else 1)' a.json v.json
	ok $? "  the same sites never accessed"
else
	skip "every site as under Valgrind's DHAT" "no valgrind --tool=dhat"
	skip "  the same sites never accessed" "no valgrind --tool=dhat"
fi

# The C library's functions as an optimized build calls them
# (t/prog/access-libc.c), and realloc: Valgrind's figures on the plain
# build, site by site.
libc_figures() {
	for f in f_strlen f_strnlen f_memcmp_const f_strcmp_const f_strncmp \
		f_memchr f_strchr f_strrchr f_bzero f_mempcpy f_strncpy_const \
		f_stpncpy f_strcat_const f_strncat; do
		echo "$f $(access "$1" block $f)"
	done
	echo "f_realloc $(access "$1" f_realloc)"
}
expect_exit 0 "the C library's functions in an optimized build" -- \
	"$RUN" --quiet -o l.json "$PROG/access-libc"
is "$(access l.json block f_strlen)" "64 64 [-64, 2]" \
	"  strlen kept a call: the string and its NUL read"
is "$(access l.json f_realloc)" "40 280 None" \
	"  realloc: the bytes both sizes share read and written; no counts per byte"
if [ -n "${VALGRIND:-}" ] && [ -x "$VALGRIND" ] &&
	"$VALGRIND" --tool=dhat --dhat-out-file=lv.json \
	"$PROG/access-libc-plain" >/dev/null 2>&1; then
	is "$(libc_figures l.json)" "$(libc_figures lv.json)" \
		"  every site as under Valgrind's DHAT"
else
	skip "  every site as under Valgrind's DHAT" "no valgrind --tool=dhat"
fi

# The same program built by Clang with its own options (dhat-access.pc's
# cflags_clang), unoptimized so that both compilers' builds make the
# same loads and stores: the same figures for every site.
if [ -n "${CLANG:-}" ] && [ -x "$CLANG" ] &&
	"$CLANG" -std=gnu11 -O0 -g -fno-inline -pthread $ACCESS_CLANG_CFLAGS \
	-o access-clang "$abs_top_srcdir/t/prog/access.c" \
	-L"$abs_top_builddir/.libs" -ldhat-access -ldhat \
	-Wl,-rpath,"$abs_top_builddir/.libs" 2>clang.err; then
	ok 0 "clang builds it with cflags_clang"
	"$RUN" --quiet -o c.json ./access-clang
	is "$(figures c.json)" "$(figures a.json)" \
		"  every site as in the build by $CC"
elif [ -n "${CLANG:-}" ] && [ -x "$CLANG" ]; then
	ok 1 "clang builds it with cflags_clang"
	diag "$(cat clang.err)"
	skip "  every site as in the build by $CC" "clang failed"
else
	skip "clang builds it with cflags_clang" "clang not installed"
	skip "  every site as in the build by $CC" "clang not installed"
fi

# Children forked while another thread allocates: none hangs on the
# access counts' lock.
expect_exit 0 "50 forks while a thread allocates" -- \
	timeout 120 "$RUN" --quiet -o 'f-%p.json' "$PROG/access" fork
is "$(ls f-*.json | wc -l)" 51 "  51 profiles, one per process"

# A heap profile of a program not built for it has no access figures.
"$RUN" --quiet -o plain.json "$PROG/access-plain"
is "$(field plain.json mode) $("$PYTHON3" -c 'import json, sys
print(json.load(open(sys.argv[1]))["bkacc"])' plain.json)" "heap False" \
	"a plain build: bkacc false"

done_testing
