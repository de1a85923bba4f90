#!/bin/sh
# SPDX-License-Identifier: MIT
# --format=svg: a well-formed, self-contained SVG flame graph: frames
# merged by function, a tooltip per box, labels cut to their box, narrow
# boxes gathered into "other", an inline script and no external resource;
# hostile frame strings cannot break the XML.
. "${abs_top_srcdir:-.}/t/test-lib.sh"

S=$abs_top_builddir/dhat-summarize
D=$srcdir_t/data

plan 16

expect_exit 0 "svg exits 0" -- "$S" --format=svg "$D/valgrind-heap.json"
mv out vg.svg
like "$(sed -n 2p vg.svg)" '^<svg xmlns="http://www.w3.org/2000/svg"' "an svg root"
like "$(sed -n 2p vg.svg)" 'width="100%" viewBox="0 0 1200 ' \
	"as wide as the window"
# valgrind-heap.json's stacks: main -> work (5 lines) -> malloc/calloc,
# main -> work -> leaky -> malloc.
is "$(grep -c '<g class="f">' vg.svg)" "7" \
	"a box per function and calling context (all, main, work, leaky, 3 allocators)"
is "$(grep -c '<title>main (prog.c) ' vg.svg)" "1" "main once, not once per line"
like "$(grep -o '<title>work (prog.c) ([^<]*</title>' vg.svg)" \
	'^<title>work \(prog.c\) \(255 bytes, 100%\)</title>$' \
	"the merged lines' tooltip"
like "$(grep -o '<title>leaky (prog.c) ([^<]*</title>' vg.svg)" \
	'^<title>leaky \(prog.c\) \(10 bytes, 3.92%\)</title>$' "a kid's tooltip"
is "$(grep -c -E 'href|url\(|src=|@import' vg.svg)" "0" "no external resource"
is "$(grep -c '<script type="text/ecmascript"><!\[CDATA\[' vg.svg)" "1" \
	"the zoom and search script, inline"

# Frames with markup and control characters.
cat >evil.json <<'EOT'
{"dhatFileVersion":2,"mode":"ad-hoc","verb":"Occurred","bklt":false,"bkacc":false,
"tu":"i","Mtu":"Mi","cmd":"<&'\"\u0001>","pid":1,"te":1,
"pps":[{"tb":5,"tbk":1,"fs":[1,2]},{"tb":3,"tbk":1,"fs":[3,2]}],
"ftbl":["[root]","0x1: a<b>&c \"q\" 'x' (f.c:1)","0x2: main\u0007\u001f (f.c:2)","0x3: \u00e9\u4e2d (f.c:3)"]}
EOT
expect_exit 0 "svg of hostile frames exits 0" -- "$S" --format=svg evil.json
mv out evil.svg

# One wide stack and 3000 narrow ones, each in a function of its own
# under main: the narrow ones are one "other" box of their sum.
"${PYTHON3:-python3}" "$srcdir_t/many-sites.py" >many.json
"$S" --format=svg many.json >many.svg
is "$(grep -o '<title>other[^<]*</title>' many.svg)" \
	"<title>other: 3000 functions (30,000 bytes, 0.99%)</title>" \
	"narrow boxes gathered into one visible box"
is "$(grep -c '<g class="f">' many.svg)" "4" "all, main, big and other"

if [ -n "${PYTHON3:-}" ] && [ -x "$PYTHON3" ]; then
	for f in vg evil; do
		"$PYTHON3" -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' \
			$f.svg 2>perr
		ok $? "$f.svg is well-formed XML"
		sed 's/^/# /' perr
	done
	"$S" --format=svg --sort=at-tgmax "$D/dhat-rs-heap.json" >rs.svg
	"$PYTHON3" -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' rs.svg
	ok $? "a Rust profile's svg is well-formed XML"
	# Every label fits its box: at most (width - 6) / 7.2 characters.
	"$PYTHON3" - vg.svg many.svg >fit.out 2>&1 <<'EOT'
import sys, xml.etree.ElementTree as E
NS = "{http://www.w3.org/2000/svg}"
bad = 0
for path in sys.argv[1:3]:
    for g in E.parse(path).getroot().iter(NS + "g"):
        r, t = g.find(NS + "rect"), g.find(NS + "text")
        if t is None:
            continue
        room = int((float(r.get("width")) - 6) / 7.2)
        if len(t.text) > room or float(t.get("x")) < float(r.get("x")):
            print("label overflows:", path, t.text, r.get("width"))
            bad += 1
sys.exit(bad != 0)
EOT
	ok $? "every label fits its box"
	sed 's/^/# /' fit.out
else
	skip "vg.svg is well-formed XML" "python3 not installed"
	skip "evil.svg is well-formed XML" "python3 not installed"
	skip "a Rust profile's svg is well-formed XML" "python3 not installed"
	skip "every label fits its box" "python3 not installed"
fi

done_testing
