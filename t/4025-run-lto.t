#!/bin/sh
# 4025-run-lto: a program built with link-time optimisation, whose
# allocating functions are inlined into another compile unit: their
# inlined calls' origins lie in that other unit, where libdw's scope
# search does not look.  Each site still gets its own chain of inlined
# frames, with names, files and lines, in the shape Valgrind gives.
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

have_python || skip_all "python3 is needed to read the profiles"
echo 'int main(void) { return 0; }' >lto-probe.c
"$CC" -O2 -flto -o lto-probe lto-probe.c 2>/dev/null ||
	skip_all "$CC cannot link with -flto"

plan 5

"$CC" -O2 -g -flto -I"$abs_top_srcdir/t/prog" -o lto \
	"$abs_top_srcdir/t/prog/run-lto-main.c" \
	"$abs_top_srcdir/t/prog/run-lto-item.c"
ok $? "$CC -O2 -g -flto builds run-lto"

expect_exit 0 "profiled" -- "$RUN" --quiet -o lto.json ./lto

# sites FILE: per block size, the frames after the allocator's as
# "function file:line", and whether they all share one address.
sites() {
	"$PYTHON3" -c 'import json, re, sys
d = json.load(open(sys.argv[1]))
for p in sorted(d["pps"], key=lambda p: p["tb"]):
    if p["tb"] not in (10, 20):
        continue
    fs = [d["ftbl"][i] for i in p["fs"][1:]]
    fs = fs[:next(i for i, f in enumerate(fs) if " main " in f + " ") + 1]
    addrs = {f.split(":")[0] for f in fs}
    print(p["tb"], len(addrs) == 1 and "one-address" or "calls",
          *[re.sub(r"^\S+: (\S+) \(.*?([^/:]+):(\d+)(?::\d+)?\)$",
                   r"\1 \2:\3", f) for f in fs], sep=" | ")' "$1"
}
sites lto.json >got

is "$(sed -n 1p got)" \
	"10 | one-address | lto_item run-lto-item.c:14 | main run-lto-main.c:15" \
	"  lto_item inlined into main, named"
is "$(sed -n 2p got)" \
	"20 | one-address | lto_item run-lto-item.c:14 | lto_pair run-lto-item.c:24 | main run-lto-main.c:16" \
	"  lto_item inlined into lto_pair inlined into main, named"

# Valgrind names such frames UnknownInlinedFun, but its stacks have the
# same depth.
if [ -n "${VALGRIND:-}" ] && [ -x "$VALGRIND" ]; then
	"$VALGRIND" --tool=dhat --dhat-out-file=vg.json ./lto >/dev/null 2>&1
	is "$(sites vg.json | awk -F' [|] ' '{ print $1, NF - 2 }' | tr '\n' ' ')" \
		"$(awk -F' [|] ' '{ print $1, NF - 2 }' got | tr '\n' ' ')" \
		"  as many frames per site as Valgrind's"
else
	skip "  as many frames per site as Valgrind's" "valgrind not found"
fi

done_testing
