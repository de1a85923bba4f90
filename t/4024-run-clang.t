#!/bin/sh
# 4024-run-clang: a program built by Clang, whose debug information has
# no address ranges table (.debug_aranges), which libdw needs to find a
# compile unit by address: its frames still get their source lines, the
# same as Valgrind's.
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

have_python || skip_all "python3 is needed to read the profiles"
[ -n "${CLANG:-}" ] && [ -x "$CLANG" ] || skip_all "clang not installed"

plan 4

"$CLANG" -O1 -g -fno-inline -fno-optimize-sibling-calls \
	-o basic "$abs_top_srcdir/t/prog/run-basic.c"
ok $? "clang builds run-basic"
if readelf -S basic 2>/dev/null | grep -q debug_aranges; then
	skip "  no .debug_aranges" "this clang writes one"
else
	ok 0 "  no .debug_aranges"
fi

expect_exit 0 "profiled" -- "$RUN" --quiet -o c.json ./basic
# Every program frame names run-basic.c and a line.
is "$("$PYTHON3" -c 'import json, re, sys
d = json.load(open(sys.argv[1]))
frames = {d["ftbl"][i] for p in d["pps"] for i in p["fs"][1:]
          if "/basic)" in d["ftbl"][i] or "run-basic.c" in d["ftbl"][i]}
print(sorted({re.sub(r"^0x[0-9a-f]+: ", "", f).split(" (")[0] + " " +
      ("line" if re.search(r"run-basic\.c:\d+", f) else "none")
      for f in frames}))' c.json)" \
	"['alloc_a line', 'alloc_b line', 'main line']" \
	"  every frame of the program with its source line"

done_testing
