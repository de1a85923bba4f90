#!/bin/sh
# SPDX-License-Identifier: MIT
# summarize.sh - time dhat-summarize on a large profile against Python's
# json.load of the same file, in the same run (target: <= 1.5 s and
# <= 400 MB peak RSS for 80 MB, 400,000 PPs, 60,000 frames).
#
# Usage: bench/summarize.sh [DHAT_SUMMARIZE [PROFILE]]
#   DHAT_SUMMARIZE defaults to ./dhat-summarize (run from the build dir);
#   PROFILE is generated with bench/gen-profile.py when missing.
# Reports the median wall time of 3 runs and the peak RSS (GNU time -v).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
tool=${1:-./dhat-summarize}
case $tool in /*) ;; *) tool=$(pwd)/$tool ;; esac
profile=${2:-${TMPDIR:-/tmp}/dhat-bench-80mb.json}
runs=3

if [ ! -s "$profile" ]; then
	echo "generating $profile ..." >&2
	python3 "$here/gen-profile.py" "$profile"
fi
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time)" >&2; exit 1; }

# measure NAME COMMAND...: median seconds and max RSS over $runs runs.
measure() {
	name=$1
	shift
	: >times
	i=0
	while [ $i -lt $runs ]; do
		/usr/bin/time -v "$@" >/dev/null 2>tv || {
			echo "$name failed:" >&2
			cat tv >&2
			exit 1
		}
		awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":");
			s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; w = s }
			/Maximum resident set size/ { r = $2 }
			END { printf "%.2f %d\n", w, r }' tv >>times
		i=$((i + 1))
	done
	sort -n times | awk -v name="$name" -v runs=$runs '
		{ t[NR] = $1; if ($2 > rss) rss = $2 }
		END { printf "%-36s median %5.2f s  (runs:", name, t[int((runs + 1) / 2)];
			for (i = 1; i <= NR; i++) printf " %.2f", t[i];
			printf ")  peak RSS %4d MB\n", rss / 1024 }'
}

cd "${TMPDIR:-/tmp}"
ls -l "$profile" | awk '{ printf "profile: %s, %.1f MB\n", $NF, $5 / 1e6 }'
measure "dhat-summarize (top 10)" "$tool" "$profile"
measure "dhat-summarize --tree" "$tool" --tree "$profile"
measure "dhat-summarize --format=json" "$tool" --format=json "$profile"
measure "dhat-summarize --format=svg" "$tool" --format=svg "$profile"
measure "python3 json.load" python3 -c \
	'import json, sys; json.load(open(sys.argv[1]))' "$profile"
rm -f times tv
