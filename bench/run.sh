#!/bin/sh
# SPDX-License-Identifier: MIT
#
# bench/run.sh - libdhat's overhead next to its peers, in one run.
#
# Usage, from a build directory after `make`:
#
#     sh SRCDIR/bench/run.sh [--quick] [--runs N] [--only W1,W2,...]
#                            [--tools T1,T2,...] [--build DIR] [--work DIR]
#                            [--base DIR] [--interval SECONDS]
#
# It builds the workloads with gcc -O2 -g -fno-omit-frame-pointer into WORK
# (default ./bench-work), runs every workload under every tool N times
# (default 5), interleaved round-robin so that the machine's noise falls
# on all tools alike, after one untimed warm-up of each (Valgrind's
# excepted), and prints for each pair the median wall time and its ratio
# to the uninstrumented median, the same for CPU time (user + system of
# the whole process tree, steadier than wall time on a shared machine),
# and the largest peak RSS (wait4's ru_maxrss: the biggest process of the
# tree, so heaptrack's interpreter counts).  "paired" is the median, over
# the rounds, of each round's wall time over the plain run's in the same
# round, with the smallest and largest of them: on a machine whose
# memory is fast at one minute and slow the next, the ratio of two
# medians can compare runs made in different states, a round's ratio
# does not.
#
# Workloads (--only): allocbench (2M malloc/free pairs over 8 call paths,
# SPEC section 7), python (PYTHONMALLOC=malloc dict+sort script; $PYTHON,
# default /usr/bin/python3), threads-1 and threads-2 (the same 2M pairs in
# one thread and in two at once), manystacks (100,000 distinct stacks).
# Tools (--tools): plain, dhat (dhat-run from the build directory, or,
# before dhat-run is built, libdhat preloaded with bench/dhat-start.c),
# heaptrack, valgrind (--tool=dhat).  Missing peers are skipped.
# The tool dhat-interval (not run unless named) is dhat-run with
# --interval=SECONDS (--interval, default 1): what rewriting the profile
# while the program runs costs.
# --base DIR adds the tool dhat-base: the libdhat of another build
# directory (say, of the commit before an optimisation), preloaded with
# bench/dhat-start.c, measured in the same interleaved rounds.
# --quick: 3 runs, and no Valgrind on python (about a minute a run).
#
# Last, the profiler's memory per live block: bench/livemem.c holds
# 1,000,000 blocks live and prints its RSS, plain and under dhat.
#
# Raw figures go to WORK/raw.txt (workload tool seconds cpu_seconds
# rss_kb status).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=$(pwd)
work=
base=
runs=
quick=no
interval=1
only=allocbench,python,threads-1,threads-2,manystacks
tools=plain,dhat,heaptrack,valgrind

usage() {
	sed -n '4,34p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=yes ;;
	--runs) runs=${2:?}; shift ;;
	--runs=*) runs=${1#*=} ;;
	--only) only=${2:?}; shift ;;
	--only=*) only=${1#*=} ;;
	--tools) tools=${2:?}; shift ;;
	--tools=*) tools=${1#*=} ;;
	--build) build=${2:?}; shift ;;
	--build=*) build=${1#*=} ;;
	--base) base=${2:?}; shift ;;
	--base=*) base=${1#*=} ;;
	--interval) interval=${2:?}; shift ;;
	--interval=*) interval=${1#*=} ;;
	--work) work=${2:?}; shift ;;
	--work=*) work=${1#*=} ;;
	-h|--help) usage ;;
	*) echo "run.sh: unknown argument: $1" >&2; usage ;;
	esac
	shift
done
case $runs in
'') [ $quick = yes ] && runs=3 || runs=5 ;;
*[!0-9]*|0) echo "run.sh: --runs wants a positive number" >&2; exit 2 ;;
esac

build=$(cd "$build" && pwd)
lib=$build/.libs/libdhat.so
if [ ! -e "$lib" ]; then
	echo "run.sh: no $lib: run me from a build directory after make" \
	    "(or give --build DIR)" >&2
	exit 2
fi
work=${work:-$build/bench-work}
mkdir -p "$work/out"
work=$(cd "$work" && pwd)
out=$work/out
# The profiles of an earlier run would be counted below as this one's.
rm -f "$out"/* 2>/dev/null || true
PY=${PYTHON:-/usr/bin/python3}

has() { case ",$2," in *",$1,"*) return 0 ;; esac; return 1; }

# ---- build ----------------------------------------------------------------
cflags="-O2 -g -fno-omit-frame-pointer"
cc=${CC:-gcc}
$cc $cflags -o "$work/measure" "$here/measure.c"
$cc $cflags -o "$work/allocbench" "$here/allocbench.c"
$cc $cflags -pthread -o "$work/threads" "$here/threads.c"
$cc $cflags -o "$work/manystacks" "$here/manystacks.c"
$cc $cflags -o "$work/livemem" "$here/livemem.c"
printf '%s\n' \
    'd = {str(i): [i] * 3 for i in range(300000)}' \
    's = sorted(d, key=len)' \
    'print(len(s))' >"$work/dictsort.py"

start_so() {	# build directory, output .so
	$cc $cflags -shared -fPIC -I"$1/lib" -I"$here/../lib" -o "$2" \
	    "$here/dhat-start.c" -L"$1/.libs" -ldhat
}
if [ -n "$base" ]; then
	base=$(cd "$base" && pwd)
	start_so "$base" "$work/dhat-start-base.so"
	tools="$tools,dhat-base"
fi

if [ -x "$build/dhat-run" ]; then
	dhat_how="dhat-run ($build/dhat-run)"
	dhat_cmd() {	# workload [option]
		echo env DHAT_PRELOAD="$lib" "$build/dhat-run" --quiet \
		    ${2:-} -o "$out/$1.dhat.%p.json" --
	}
else
	start_so "$build" "$work/dhat-start.so"
	dhat_how="LD_PRELOAD=libdhat.so:dhat-start.so (no dhat-run built)"
	dhat_cmd() {
		echo env LD_PRELOAD="$lib:$work/dhat-start.so" \
		    DHAT_BENCH_OUT="$out/$1.dhat.json"
	}
fi

have_tool() {
	case $1 in
	plain|dhat|dhat-base) return 0 ;;
	dhat-interval) [ -x "$build/dhat-run" ] ;;
	heaptrack) command -v heaptrack >/dev/null 2>&1 ;;
	valgrind) command -v valgrind >/dev/null 2>&1 ;;
	*) return 1 ;;
	esac
}

# The command line of workload $1.
program() {
	case $1 in
	allocbench) echo "$work/allocbench" ;;
	python) echo env PYTHONMALLOC=malloc "$PY" "$work/dictsort.py" ;;
	threads-1) echo "$work/threads 1 2000000" ;;
	threads-2) echo "$work/threads 2 2000000" ;;
	manystacks) echo "$work/manystacks" ;;
	esac
}

# The command line of workload $1 under tool $2 ("" to skip the pair).
command_for() {
	p=$(program "$1")
	# env must come first: heaptrack and dhat-run then see python.
	pre=
	case $p in env\ PYTHONMALLOC=malloc\ *)
		pre="env PYTHONMALLOC=malloc"
		p=${p#env PYTHONMALLOC=malloc } ;;
	esac
	case $2 in
	plain) echo "$pre $p" ;;
	dhat) echo "$pre $(dhat_cmd "$1") $p" ;;
	dhat-interval)
		echo "$pre $(dhat_cmd "$1" --interval="$interval") $p" ;;
	dhat-base)
		lp=$base/.libs/libdhat.so:$work/dhat-start-base.so
		echo "$pre env LD_PRELOAD=$lp" \
		    "DHAT_BENCH_OUT=$out/$1.dhat-base.json $p" ;;
	heaptrack) echo "$pre heaptrack -o $out/$1.heaptrack $p" ;;
	valgrind)
		if [ "$1" = python ] && [ $quick = yes ]; then
			echo ""
		else
			echo "$pre valgrind --tool=dhat" \
			    "--dhat-out-file=$out/$1.valgrind.%p.out $p"
		fi ;;
	esac
}

workloads=
for w in $(echo "$only" | tr , ' '); do
	case $w in
	allocbench|threads-1|threads-2|manystacks) ;;
	python) [ -x "$PY" ] || { echo "run.sh: no $PY: python skipped" >&2
		continue; } ;;
	*) echo "run.sh: unknown workload $w" >&2; exit 2 ;;
	esac
	workloads="$workloads $w"
done
tool_list=
for t in $(echo "$tools" | tr , ' '); do
	if have_tool "$t"; then
		tool_list="$tool_list $t"
	else
		echo "run.sh: $t not available: skipped" >&2
	fi
done

one() {	# workload tool -> appends a line to raw.txt
	c=$(command_for "$1" "$2")
	[ -n "$c" ] || return 0
	rm -f "$out/$1.$2".* 2>/dev/null || true
	# shellcheck disable=SC2086
	"$work/measure" $c >/dev/null 2>"$work/last.err" 3>"$work/last.m" ||
	    true
	read -r s cpu rss st <"$work/last.m"
	if [ "$st" != 0 ]; then
		echo "run.sh: $2 on $1 exited with $st:" >&2
		tail -5 "$work/last.err" >&2
	fi
	echo "$1 $2 $s $cpu $rss $st" >>"$work/raw.txt"
}

echo "# bench/run.sh $(date -u '+%Y-%m-%d %H:%M UTC'), $runs runs," \
    "quick=$quick"
echo "# machine: $(nproc) cpus, $(sed -n 's/^model name[^:]*: //p' \
    /proc/cpuinfo | head -1), Linux $(uname -r)," \
    "load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# dhat: $dhat_how"

: >"$work/raw.txt"
for w in $workloads; do
	for t in $tool_list; do
		[ "$t" = valgrind ] && continue
		c=$(command_for "$w" "$t")
		# shellcheck disable=SC2086
		[ -n "$c" ] && $c >/dev/null 2>&1 || true
	done
done
i=0
while [ $i -lt "$runs" ]; do
	i=$((i + 1))
	for w in $workloads; do
		for t in $tool_list; do
			one "$w" "$t"
		done
	done
	echo "# round $i of $runs done" >&2
done

# ---- report -----------------------------------------------------------------
times_of() {	# workload tool [column] -> its times, one a line
	awk -v w="$1" -v t="$2" -v c="${3:-3}" \
	    '$1 == w && $2 == t { print $c }' "$work/raw.txt"
}
median() {
	sort -n | awk '{ a[NR] = $1 }
	    END { if (NR % 2) print a[(NR + 1) / 2]
		else if (NR) print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
# Workload $1 under tool $2 against workload $3 under tool $4, round by
# round (raw.txt has each pair's runs in round order): "MEDIAN MIN MAX"
# of the ratios of wall times, nothing without a pair.
paired() {
	awk -v w="$1" -v t="$2" -v w0="$3" -v t0="$4" '
	    $1 == w && $2 == t { a[++n] = $3 }
	    $1 == w0 && $2 == t0 { b[++n0] = $3 }
	    END {
		for (i = 1; i <= n && i <= n0; i++)
			if (b[i] > 0)
				print a[i] / b[i]
	    }' "$work/raw.txt" | sort -g | awk '{ r[NR] = $1 }
	    END {
		if (NR == 0) exit
		m = NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
		printf "%.2f %.2f %.2f\n", m, r[1], r[NR]
	    }'
}
echo
echo "| workload | tool | median s | x plain | paired x plain" \
    "| median CPU s | x plain | peak RSS MB | runs |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
for w in $workloads; do
	base=$(times_of "$w" plain | median)
	cbase=$(times_of "$w" plain 4 | median)
	for t in $tool_list; do
		m=$(times_of "$w" "$t" | median)
		c=$(times_of "$w" "$t" 4 | median)
		p=$(paired "$w" "$t" "$w" plain)
		awk -v w="$w" -v t="$t" '$1 == w && $2 == t' "$work/raw.txt" |
		    awk -v w="$w" -v t="$t" -v m="$m" -v base="$base" \
		    -v c="$c" -v cbase="$cbase" -v p="$p" '
		{ if ($5 > rss) rss = $5; if ($6 != 0) bad++ }
		END {
			if (NR == 0) exit
			r = base > 0 ? sprintf("%.2f", m / base) : "-"
			rc = cbase > 0 ? sprintf("%.2f", c / cbase) : "-"
			split(p, q, " ")
			rp = p != "" ? sprintf("%s (%s-%s)", q[1], q[2], q[3]) \
			    : "-"
			f = bad ? sprintf(" (%d failed)", bad) : ""
			printf "| %s | %s | %.3f | %s | %s | %.3f | %s | " \
			    "%.1f | %d%s |\n", w, t, m, r, rp, c, rc,
			    rss / 1024, NR, f
		}'
	done
done

# SPEC section 7: two threads at once no slower than one doing the work.
if has threads-1 "$only" && has threads-2 "$only"; then
	for t in $tool_list; do
		m1=$(times_of threads-1 "$t" | median)
		m2=$(times_of threads-2 "$t" | median)
		p=$(paired threads-2 "$t" threads-1 "$t")
		[ -n "$m1" ] && [ -n "$m2" ] && awk -v t="$t" -v a="$m1" \
		    -v b="$m2" -v p="$p" 'BEGIN { split(p, q, " ")
		    printf "# %s: threads-2 / threads-1 = %.2f, paired %s " \
		    "(%s-%s)\n", t, b / a, q[1], q[2], q[3] }' || true
	done
fi

# The counts must agree with Valgrind's (allocbench: 2,250,672 blocks,
# t-gmax 654,405 bytes).
if has allocbench "$only" && command -v python3 >/dev/null 2>&1; then
	for f in "$out"/allocbench.dhat*.json \
	    "$out"/allocbench.valgrind.*.out; do
		[ -e "$f" ] || continue
		python3 - "$f" <<'EOF' || true
import json, sys
d = json.load(open(sys.argv[1]))
print("# allocbench counts, %s: %d blocks, t-gmax %d bytes" % (
    sys.argv[1].split("/")[-1].split(".")[1],
    sum(p["tbk"] for p in d["pps"]), sum(p["gb"] for p in d["pps"])))
EOF
	done
fi

# SPEC section 7: at most 32 bytes per live block besides the PP table.
# shellcheck disable=SC2046
plain_kb=$("$work/livemem" 1000000 2>/dev/null) || plain_kb=
# shellcheck disable=SC2046
dhat_kb=$($(dhat_cmd livemem) "$work/livemem" 1000000 2>/dev/null) ||
    dhat_kb=
if [ -n "$plain_kb" ] && [ -n "$dhat_kb" ]; then
	awk -v a="$plain_kb" -v b="$dhat_kb" 'BEGIN { printf "# memory: " \
	    "1,000,000 live blocks: RSS %d kB plain, %d kB under dhat: " \
	    "%.1f bytes per live block\n", a, b, (b - a) * 1024 / 1e6 }'
fi
