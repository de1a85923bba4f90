#!/bin/sh
# 1020-stack-cache: stacks that the per-thread cache of captured stacks
# could mix up (t/prog/stack-cache.c) keep their own program points, with
# exact counts: twin callers with identical frames (the difference two and
# three frames up), recursion depths, longjmp over stale frames, a signal
# handler raised from twin callers.
. "$abs_top_srcdir/t/test-lib.sh"

[ -n "${PYTHON3:-}" ] || skip_all "python3 not found"

plan 9
"$builddir_t/prog/stack-cache" sc.json >prog.out 2>prog.err
ok $? "stack-cache runs"

# One line per program point: "tb tbk frame frame ...", innermost first,
# from the frame above malloc down to main.
"$PYTHON3" - sc.json >pps.txt <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
ftbl = d["ftbl"]
fn = re.compile(r"^0x[0-9a-f]+: (.*?) \(")
for p in d["pps"]:
    names = []
    for i in p["fs"][1:]:
        m = fn.match(ftbl[i])
        names.append(m.group(1) if m else ftbl[i])
        if names[-1] == "main":
            break
    print(p["tb"], p["tbk"], " ".join(names))
PY
ok $? "profile read"

line() { grep -c "^$1\$" pps.txt; }
is "$(line '2200 200 site twin_a main') $(line '2400 200 site twin_b main')" \
	"1 1" "twin callers, the difference two frames up"
a=$(line '2600 200 site mid upper outer_a main')
b=$(line '2800 200 site mid upper outer_b main')
is "$a $b" "1 1" "twin callers, the difference four frames up"
rec_ok=
for d in 1 2 3 4 5 18; do
	frames=$(awk -v d="$d" 'BEGIN { s = "rec"; for (i = 0; i < d; i++)
	    s = s " rec"; print s }')
	rec_ok="$rec_ok $(line "$((200 * (100 + d))) 200 $frames main")"
done
is "$rec_ok" " 1 1 1 1 1 1" "recursion: one program point per depth"
is "$(line '4200 200 jsite jump_a main') $(line '4400 200 jsite jump_b main')" \
	"1 1" "longjmp: the later chain over stale frames is its own"
like "$(grep -c ' handler ' pps.txt)" '^2$' "the handler: two program points"
a=$(grep -c '^6200 200 handler .* raise_a main$' pps.txt)
b=$(grep -c '^6400 200 handler .* raise_b main$' pps.txt)
is "$a $b" "1 1" "the handler under each raiser, exact counts"
is "$(awk '{ n += $2 } END { print n }' pps.txt)" 2800 \
	"every allocation counted once"
done_testing
