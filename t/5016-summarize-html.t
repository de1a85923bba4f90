#!/bin/sh
# SPDX-License-Identifier: MIT
# --format=html: one self-contained page (no network), whose embedded data
# survives any frame string, and which works in headless Chromium:
# overview, flame graph zoomed, switched and searched, the sites sorted,
# opened and filtered, the leaks; a large profile's page too.
. "${abs_top_srcdir:-.}/t/test-lib.sh"

S=$abs_top_builddir/dhat-summarize
D=$srcdir_t/data

plan 10

expect_exit 0 "html exits 0" -- "$S" --format=html "$D/valgrind-heap.json"
mv out vg.html
like "$(head -n 1 vg.html)" '^<!DOCTYPE html>$' "an HTML document"
# (The one address in the page is the SVG namespace, a name.)
is "$(sed 's@http://www.w3.org/2000/svg@@g' vg.html |
	grep -c -i -E 'https?:|src=|href="[^#]|@import|url\(')" "0" \
	"nothing loaded from elsewhere"

# A frame that would close the script element, and markup in the command.
cat >evil.json <<'EOT'
{"dhatFileVersion":2,"mode":"heap","verb":"Allocated","bklt":true,"bkacc":false,
"tu":"instrs","Mtu":"Minstr","tuth":500,"cmd":"<b>x</b>","pid":1,"te":10,"tg":5,
"pps":[{"tb":5,"tbk":1,"tl":1,"mb":5,"mbk":1,"gb":5,"gbk":1,"eb":5,"ebk":1,"fs":[1,2]}],
"ftbl":["[root]","0x1: f</script><script>alert(1)</script> (a.c:1)","0x2: main (a.c:2)"]}
EOT
"$S" --format=html evil.json >evil.html
"$PYTHON3" - evil.html >data.out 2>&1 <<'EOT'
import json, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<script type="application/json" id="data">(.*?)</script>', page, re.S)
d = json.loads(m.group(1))
assert d["frames"][1] == "f</script><script>alert(1)</script> (a.c:1)", d["frames"]
assert page.count("</script>") == 2, page.count("</script>")
print("ok")
EOT
ok $? "a frame cannot close the data's script element"
sed 's/^/# /' data.out

why=$(browser_why)
if [ -n "$why" ]; then
	for t in "the report works" "a hostile page runs no script of its frames" \
	    "a large profile's page loads" "written in a bounded size" \
	    "memory over time is charted"; do
		skip "$t" "$why"
	done
	done_testing
	exit 0
fi
browser_run html-report vg.html "the report works"
browser_run html-load evil.html "a hostile page runs no script of its frames"
"$S" --format=html "$D/gen-400.json" >gen.html
browser_run html-load gen.html "a large profile's page loads"
ok "$(test "$(wc -c <gen.html)" -lt 400000; echo $?)" "written in a bounded size"
"$PYTHON3" - "$D/valgrind-heap.json" >tl.json <<'EOT'
import json, sys
d = json.load(open(sys.argv[1]))
d["timeline"] = [[0, 0, 0], [20000, 100, 1], [50000, 100, 1], [80000, 148, 4],
    [120000, 48, 2], [147920, 164, 2], [150000, 64, 2], [153743, 10, 1]]
print(json.dumps(d))
EOT
"$S" --format=html tl.json >tl.html
browser_run html-timeline tl.html "memory over time is charted"
ok "$(grep -c 'alert(1)</script>' evil.html)" "the hostile frame is escaped"

done_testing
