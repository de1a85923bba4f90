#!/bin/sh
# SPDX-License-Identifier: MIT
# access.sh - the cost of access profiling on loop-heavy code
# (bench/access.c): the plain build, the build for access profiling run
# without a profiler and under dhat-run, and Valgrind's DHAT on the plain
# build, in interleaved rounds; then the per-site figures compared with
# Valgrind's on the plain build without vector code (which the
# instrumented build cannot have: a vector loop may load what the scalar
# one keeps in a register, and Valgrind counts the machine's loads).
# Target: <= 5x the plain build's time, <= 2x extra memory, reads and
# writes per site within 2% of Valgrind's.
#
# Usage: sh ../bench/access.sh [ROUNDS]   (from the build directory,
#   after make; ROUNDS defaults to 5, Valgrind runs in the first only)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=$(pwd)
rounds=${1:-5}
work=$build/bench-work/access
lib=$build/.libs
cc=${CC:-gcc}

[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time)" >&2; exit 1; }
[ -e "$lib/libdhat-access.so" ] || { echo "run make first" >&2; exit 1; }
mkdir -p "$work"
cd "$work"
"$cc" -O2 -g "$here/access.c" -o plain
"$cc" -O2 -g -fno-tree-vectorize "$here/access.c" -o plain-scalar
"$cc" -O2 -g -fsanitize=thread --param=tsan-instrument-func-entry-exit=0 \
	-c "$here/access.c" -o access.o
"$cc" access.o -o instrumented -L"$lib" -ldhat-access -ldhat \
	-fno-sanitize=thread -Wl,-rpath,"$lib"
export DHAT_PRELOAD="$lib/libdhat.so"

# run NAME COMMAND...: "NAME SECONDS MAX-RSS-KB" into raw.txt.
run() {
	name=$1
	shift
	/usr/bin/time -f "$name %e %M" -o one "$@" >/dev/null
	cat one >>raw.txt
}

: >raw.txt
i=0
while [ $i -lt "$rounds" ]; do
	run plain ./plain
	run no-profiler ./instrumented
	run dhat "$build/dhat-run" --quiet -o dhat.json ./instrumented
	if [ $i -eq 0 ] && command -v valgrind >/dev/null; then
		run valgrind valgrind -q --tool=dhat \
			--dhat-out-file=valgrind.json ./plain
	fi
	i=$((i + 1))
done
if command -v valgrind >/dev/null; then
	valgrind -q --tool=dhat --dhat-out-file=scalar.json ./plain-scalar \
		>/dev/null
fi
awk '{ t[$1] = t[$1] " " $2; if ($3 > m[$1]) m[$1] = $3 }
	END { for (k in t) print k, m[k], t[k] }' raw.txt |
	while read -r name rss times; do
		med=$(echo "$times" | tr ' ' '\n' | sort -n |
			awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
		echo "$name $med $rss"
	done | sort >medians.txt
plain=$(awk '$1 == "plain" { print $2 }' medians.txt)
plain_rss=$(awk '$1 == "plain" { print $3 }' medians.txt)
echo "| run | median wall (s) | ratio to plain | peak RSS (MB) |"
echo "|---|---:|---:|---:|"
for k in plain no-profiler dhat valgrind; do
	awk -v k=$k -v p="$plain" -v pr="$plain_rss" '$1 == k {
		printf "| %s | %.2f | %.2fx | %.1f (%.2fx) |\n", k, $2, $2 / p,
		    $3 / 1024, $3 / pr }' medians.txt
done
if [ -s scalar.json ]; then
	python3 - dhat.json scalar.json <<'EOF'
import json
import sys


def sites(path):
    d = json.load(open(path))
    out = {}
    for p in d["pps"]:
        names = [d["ftbl"][i] for i in p["fs"]]
        key = next((n.split(": ")[1].split(" ")[0] for n in names
                    if "_phase" in n), None)
        if key is not None:
            out.setdefault(key, []).append((p["tb"], p["rb"], p["wb"]))
    return {k: sorted(v) for k, v in out.items()}


ours, theirs = sites(sys.argv[1]), sites(sys.argv[2])
worst = 0.0
for k in sorted(theirs):
    for (tb, rb, wb), (vtb, vrb, vwb) in zip(ours.get(k, []), theirs[k]):
        for a, b in ((rb, vrb), (wb, vwb)):
            if b:
                worst = max(worst, abs(a - b) / b)
        print("%-13s tb %10d  rb %11d (Valgrind %11d)  wb %11d "
              "(Valgrind %11d)" % (k, tb, rb, vrb, wb, vwb))
print("largest difference from Valgrind: %.2f%%" % (100 * worst))
EOF
fi
