#!/bin/sh
# 1023-stack-cache-exact: optimized code leaves stale copies of return
# addresses in the frames above malloc (t/prog/run-stale.c); the stack
# cache must file each block under the stack it came from, as a profile
# without the cache does, program point for program point.  Built
# without frame pointers (the walk's sp-based frames) and with them
# (rbp-based frames, whose rbp the cache checks).
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

have_python || skip_all "python3 is needed to read the profiles"

plan 12

# One line per program point: "tb tbk frame ...", from the frame above
# malloc to run.
paths() {
	"$PYTHON3" - "$1" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
fn = re.compile(r"^0x[0-9a-f]+: (.*?) \(")
out = []
for p in d["pps"]:
    names = []
    for i in p["fs"][1:]:
        m = fn.match(d["ftbl"][i])
        names.append(m.group(1) if m else "?")
        if names[-1] == "run":
            break
    out.append("%d %d %s" % (p["tb"], p["tbk"], " ".join(names)))
print("\n".join(sorted(out)))
PY
}

paths_want="1000 10 g c1 via run
13000 10 g b1 run
2000 10 g c1 run
23000 10 g w1 run
23000 20 g a1 run
3000 10 g c1b run
43000 20 g v1 run"

for p in run-stale run-stale-fp; do
	expect_exit 0 "$p under dhat-run --no-stack-cache" -- \
		"$RUN" --quiet --no-stack-cache -o $p-nocache.json "$PROG/$p"
	is "$(paths $p-nocache.json)" "$paths_want" \
		"... each path has its own program point"
	expect_exit 0 "$p under dhat-run, with the stack cache" -- \
		"$RUN" --quiet -o $p-cache.json "$PROG/$p"
	is "$(paths $p-cache.json)" "$paths_want" \
		"... each path has its own program point"
	# Addresses differ between runs of a position-independent program
	# (ASLR): the frames are compared by function, file and line here.
	"$PYTHON3" "$srcdir_t/profile-compare.py" $p-nocache.json \
		$p-cache.json >cmp.out 2>&1
	ok $? "... the same profile as without the cache"
	sed 's/^/# /' cmp.out | head -n 20
	# The same, run again at fixed addresses, with a time unit that
	# does not vary from run to run: every frame and every figure.
	if command -v setarch >/dev/null && setarch -R true 2>/dev/null; then
		setarch -R "$RUN" --quiet --time-unit=bytes \
			--no-stack-cache -o $p-r1.json "$PROG/$p" &&
		setarch -R "$RUN" --quiet --time-unit=bytes \
			-o $p-r2.json "$PROG/$p" &&
		"$PYTHON3" "$srcdir_t/profile-compare.py" --exact \
			$p-r1.json $p-r2.json >cmp.out 2>&1
		ok $? "... address for address, without ASLR"
		sed 's/^/# /' cmp.out | head -n 20
	else
		skip "... address for address, without ASLR" \
			"no setarch -R here"
	fi
done
done_testing
