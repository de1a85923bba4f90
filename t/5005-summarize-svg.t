#!/bin/sh
# SPDX-License-Identifier: MIT
# --format=svg: a well-formed, self-contained SVG flame graph with a
# tooltip per box; hostile frame strings cannot break the XML.
. "${abs_top_srcdir:-.}/t/test-lib.sh"

S=$abs_top_builddir/dhat-summarize
D=$srcdir_t/data

plan 9

expect_exit 0 "svg exits 0" -- "$S" --format=svg "$D/valgrind-heap.json"
mv out vg.svg
like "$(sed -n 2p vg.svg)" '^<svg xmlns="http://www.w3.org/2000/svg"' "an svg root"
is "$(grep -c '<title>' vg.svg)" "13" \
	"a tooltip per box (all, main, 5 work lines, leaky, 5 allocators)"
like "$(grep -o '<title>work (prog.c:16) ([^<]*</title>' vg.svg)" \
	'^<title>work \(prog.c:16\) \(10 bytes, 3.92%\)</title>$' "tooltip text"
ok "$(grep -c -E 'href|<script|url\(' vg.svg)" "no external resources, no script"

# Frames with markup and control characters.
cat >evil.json <<'EOT'
{"dhatFileVersion":2,"mode":"ad-hoc","verb":"Occurred","bklt":false,"bkacc":false,
"tu":"i","Mtu":"Mi","cmd":"<&'\"\u0001>","pid":1,"te":1,
"pps":[{"tb":5,"tbk":1,"fs":[1,2]},{"tb":3,"tbk":1,"fs":[3,2]}],
"ftbl":["[root]","0x1: a<b>&c \"q\" 'x' (f.c:1)","0x2: main\u0007\u001f (f.c:2)","0x3: \u00e9\u4e2d (f.c:3)"]}
EOT
expect_exit 0 "svg of hostile frames exits 0" -- "$S" --format=svg evil.json
mv out evil.svg

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
else
	skip "vg.svg is well-formed XML" "python3 not installed"
	skip "evil.svg is well-formed XML" "python3 not installed"
	skip "a Rust profile's svg is well-formed XML" "python3 not installed"
fi

done_testing
