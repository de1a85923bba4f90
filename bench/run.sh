#!/bin/sh
# SPDX-License-Identifier: MIT
#
# bench/run.sh - libdhat's overhead next to its peers, in one run.
#
# Usage, from a build directory after `make`:
#
#     sh SRCDIR/bench/run.sh [--quick] [--runs N] [--only W1,W2,...]
#                            [--tools T1,T2,...] [--build DIR] [--work DIR]
#                            [--base DIR] [--interval SECONDS] [--report]
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
# Workloads (--only): allocbench (2M malloc/free pairs over 8 call paths),
# python (PYTHONMALLOC=malloc dict+sort script; $PYTHON, default
# /usr/bin/python3), gcc (`gcc -O2 -c` of a C file that bench/gen-c.c
# writes; $GCC, default gcc: the driver runs cc1 and as, and every tool
# must see cc1, where the allocations are), threads-1, threads-2,
# threads-4 and threads-8 (the same 2M pairs in one thread and split
# between 2, 4 and 8 at once), manystacks (100,000 distinct stacks).
# Tools (--tools): plain, dhat (dhat-run from the build directory, or,
# before dhat-run is built, libdhat preloaded with bench/dhat-start.c),
# heaptrack, valgrind (--tool=dhat).  Missing peers are skipped.
# dhat-run and Valgrind (--trace-children=yes) profile gcc's driver, cc1
# and as; heaptrack takes itself out of the environment of what its
# program executes, so it runs cc1 and as through gcc's -wrapper and
# misses the driver, which allocates little.
# The tool dhat-interval (not run unless named) is dhat-run with
# --interval=SECONDS (--interval, default 1): what rewriting the profile
# while the program runs costs.  The tool dhat-bytes (not run unless
# named either) is dhat-run with --time-unit=bytes, which reads no clock:
# what reading the clock twice per block costs.
# --base DIR adds the tool dhat-base: the libdhat of another build
# directory (say, of the commit before an optimisation), preloaded with
# bench/dhat-start.c, measured in the same interleaved rounds.
# --report: run nothing; print the tables again from the raw.txt and the
# profiles that an earlier run left in WORK (with the same --only and
# --tools).
# --quick: 3 runs, and Valgrind on python and gcc, and heaptrack on gcc,
# in the first round only (they take minutes).
#
# Last, the profiler's memory per live block: bench/livemem.c holds
# 1,000,000 blocks live and prints its RSS, plain and under dhat.
#
# Last of all comes one Markdown table, ready for bench/RESULTS.md: per
# workload the median wall time of each tool with its paired ratio to
# plain, dhat's paired ratio with its range, and the target; then two
# threads against one, 4 and 8 threads, and the bytes per live block.
#
# Raw figures go to WORK/raw.txt (workload tool round seconds cpu_seconds
# rss_kb status).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=$(pwd)
work=
base=
runs=
quick=no
report_only=no
interval=1
only=allocbench,python,gcc,threads-1,threads-2,threads-4,threads-8,manystacks
tools=plain,dhat,heaptrack,valgrind

usage() {	# the comment at the top of this file
	awk 'NR > 2 && !/^#/ { exit } NR > 3' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=yes ;;
	--report) report_only=yes ;;
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
[ $report_only = yes ] || rm -f "$out"/* 2>/dev/null || true
PY=${PYTHON:-/usr/bin/python3}
GCC=${GCC:-gcc}

has() { case ",$2," in *",$1,"*) return 0 ;; esac; return 1; }

# ---- build ----------------------------------------------------------------
cflags="-O2 -g -fno-omit-frame-pointer"
cc=${CC:-gcc}
$cc $cflags -o "$work/measure" "$here/measure.c"
$cc $cflags -o "$work/allocbench" "$here/allocbench.c"
$cc $cflags -pthread -o "$work/threads" "$here/threads.c"
$cc $cflags -o "$work/manystacks" "$here/manystacks.c"
$cc $cflags -o "$work/livemem" "$here/livemem.c"
$cc -O2 -o "$work/gen-c" "$here/gen-c.c"
# 200 functions: cc1 -O2 takes 2 to 4 s on the 2-core machine of
# bench/RESULTS.md.
"$work/gen-c" 200 >"$work/big.c"
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
	dhat_cmd() {	# workload [option [tool]]
		echo env DHAT_PRELOAD="$lib" "$build/dhat-run" --quiet \
		    ${2:-} -o "$out/$1.${3:-dhat}.%n.%p.json" --
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
	dhat-interval|dhat-bytes) [ -x "$build/dhat-run" ] ;;
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
	gcc) echo "$GCC -O2 -c $work/big.c -o $work/big.o" ;;
	threads-[1-9]*) echo "$work/threads ${1#threads-} 2000000" ;;
	manystacks) echo "$work/manystacks" ;;
	esac
}

# Whether workload $1 under tool $2 is one of the pairs that --quick runs
# in the first round only, without a warm-up: they take minutes.
slow_pair() {
	[ $quick = yes ] && [ "$round" != 1 ] || return 1
	case $2,$1 in
	valgrind,python|valgrind,gcc|heaptrack,gcc) return 0 ;;
	esac
	return 1
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
		echo "$pre $(dhat_cmd "$1" --interval="$interval" "$2") $p" ;;
	dhat-bytes)
		echo "$pre $(dhat_cmd "$1" --time-unit=bytes "$2") $p" ;;
	dhat-base)
		lp=$base/.libs/libdhat.so:$work/dhat-start-base.so
		echo "$pre env LD_PRELOAD=$lp" \
		    "DHAT_BENCH_OUT=$out/$1.dhat-base.json $p" ;;
	heaptrack)
		if slow_pair "$1" "$2"; then
			echo ""
		elif [ "$1" = gcc ]; then
			echo "$p -wrapper heaptrack,-o,$out/$1.heaptrack.%p"
		else
			echo "$pre heaptrack -o $out/$1.heaptrack $p"
		fi ;;
	valgrind)
		if slow_pair "$1" "$2"; then
			echo ""
		else
			echo "$pre valgrind --tool=dhat --trace-children=yes" \
			    "--dhat-out-file=$out/$1.valgrind.%p.out $p"
		fi ;;
	esac
}

workloads=
for w in $(echo "$only" | tr , ' '); do
	case $w in
	allocbench|manystacks) ;;
	threads-[1-9]|threads-[1-9][0-9]) ;;
	gcc) command -v "$GCC" >/dev/null 2>&1 ||
		{ echo "run.sh: no $GCC: gcc skipped" >&2; continue; } ;;
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
	echo "$1 $2 $round $s $cpu $rss $st" >>"$work/raw.txt"
}

echo "# bench/run.sh $(date -u '+%Y-%m-%d %H:%M UTC'), $runs runs," \
    "quick=$quick"
echo "# machine: $(nproc) cpus, $(sed -n 's/^model name[^:]*: //p' \
    /proc/cpuinfo | head -1), Linux $(uname -r)," \
    "load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# dhat: $dhat_how"

[ $report_only = yes ] || : >"$work/raw.txt"
round=0
[ $report_only = no ] || runs=0
for w in $workloads; do
	[ $report_only = no ] || break
	for t in $tool_list; do
		[ "$t" = valgrind ] && continue
		c=$(command_for "$w" "$t")
		# shellcheck disable=SC2086
		[ -n "$c" ] && $c >/dev/null 2>&1 || true
	done
done
while [ $round -lt "$runs" ]; do
	round=$((round + 1))
	for w in $workloads; do
		for t in $tool_list; do
			one "$w" "$t"
		done
	done
	echo "# round $round of $runs done" >&2
done
if [ $report_only = yes ]; then
	runs=$(awk '$3 > n { n = $3 } END { print n + 0 }' "$work/raw.txt")
fi

# ---- report -----------------------------------------------------------------
# raw.txt: workload tool round seconds cpu_seconds rss_kb status.
times_of() {	# workload tool [column] -> its times, one a line
	awk -v w="$1" -v t="$2" -v c="${3:-4}" \
	    '$1 == w && $2 == t { print $c }' "$work/raw.txt"
}
median() {
	sort -g | awk '{ a[NR] = $1 }
	    END { if (NR % 2) print a[(NR + 1) / 2]
		else if (NR) print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
# Workload $1 under tool $2 against workload $3 under tool $4, round by
# round: "ROUND RATIO" of their wall times, for the rounds that ran both.
per_round() {
	awk -v w="$1" -v t="$2" -v w0="$3" -v t0="$4" '
	    $1 == w && $2 == t { a[$3] = $4 }
	    $1 == w0 && $2 == t0 { b[$3] = $4 }
	    END {
		for (r in a)
			if ((r in b) && b[r] > 0)
				print r, a[r] / b[r]
	    }' "$work/raw.txt"
}
# Ratios, one a line, to "MEDIAN MIN MAX"; nothing without any.
stats() {
	sort -g | awk '{ r[NR] = $1 }
	    END {
		if (NR == 0) exit
		m = NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
		printf "%.2f %.2f %.2f\n", m, r[1], r[NR]
	    }'
}
paired() {	# as per_round: "MEDIAN MIN MAX" of the rounds' ratios
	per_round "$@" | awk '{ print $2 }' | stats
}
# threads-$1 against threads-1 under dhat, over the same under plain,
# round by round: how much more (or less) the profiler slows N threads
# than one, with the machine's own scaling taken out.
relative() {
	per_round "threads-$1" plain threads-1 plain >"$work/rel.plain"
	per_round "threads-$1" dhat threads-1 dhat |
	    awk 'NR == FNR { p[$1] = $2; next }
		($1 in p) && p[$1] > 0 { print $2 / p[$1] }' \
	    "$work/rel.plain" - | stats
}

echo
echo "| workload | tool | median s | x plain | paired x plain" \
    "| median CPU s | x plain | peak RSS MB | runs |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
for w in $workloads; do
	base=$(times_of "$w" plain | median)
	cbase=$(times_of "$w" plain 5 | median)
	for t in $tool_list; do
		m=$(times_of "$w" "$t" | median)
		c=$(times_of "$w" "$t" 5 | median)
		p=$(paired "$w" "$t" "$w" plain)
		awk -v w="$w" -v t="$t" '$1 == w && $2 == t' "$work/raw.txt" |
		    awk -v w="$w" -v t="$t" -v m="$m" -v base="$base" \
		    -v c="$c" -v cbase="$cbase" -v p="$p" '
		{ if ($6 > rss) rss = $6; if ($7 != 0) bad++ }
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

# N threads at once against one thread doing the same work, each tool.
for n in 2 4 8; do
	has threads-1 "$only" && has "threads-$n" "$only" || continue
	for t in $tool_list; do
		p=$(paired "threads-$n" "$t" threads-1 "$t")
		[ -n "$p" ] && echo "# $t: threads-$n / threads-1, paired:" \
		    "$p (median min max)"
	done
done

# The counts must agree with Valgrind's (allocbench: 2,250,672 blocks,
# t-gmax 654,405 bytes); for gcc, cc1's profile must be there.
count() {	# profile label
	python3 - "$1" "$2" <<'PYEOF' || true
import json, sys
d = json.load(open(sys.argv[1]))
print("# %s: %d blocks, t-gmax %d bytes" % (sys.argv[2],
    sum(p["tbk"] for p in d["pps"]), sum(p["gb"] for p in d["pps"])))
PYEOF
}
if command -v python3 >/dev/null 2>&1; then
	if has allocbench "$only"; then
		for f in "$out"/allocbench.dhat*.json \
		    "$out"/allocbench.valgrind.*.out; do
			[ -e "$f" ] || continue
			g=${f#"$out"/allocbench.}
			count "$f" "allocbench counts, ${g%%.*}"
		done
	fi
	if has gcc "$only"; then
		for f in "$out"/gcc.dhat*.cc1.*.json; do
			[ -e "$f" ] && count "$f" "gcc: cc1's own profile"
		done
	fi
fi

# The profiler's memory per live block, besides the program point table.
plain_kb=$("$work/livemem" 1000000 2>/dev/null) || plain_kb=
# shellcheck disable=SC2046
dhat_kb=$($(dhat_cmd livemem) "$work/livemem" 1000000 2>/dev/null) ||
    dhat_kb=
per_block=
if [ -n "$plain_kb" ] && [ -n "$dhat_kb" ]; then
	per_block=$(awk -v a="$plain_kb" -v b="$dhat_kb" \
	    'BEGIN { printf "%.1f", (b - a) * 1024 / 1e6 }')
	echo "# memory: 1,000,000 live blocks: RSS $plain_kb kB plain," \
	    "$dhat_kb kB under dhat: $per_block bytes per live block"
fi

# ---- the summary table ------------------------------------------------------
# The targets, as paired ratios to plain ("-": measured, no target).
target() {
	case $1 in
	allocbench) echo 1.5 ;;
	manystacks) echo 3 ;;
	python) echo 1.25 ;;
	gcc) echo 1.3 ;;
	*) echo - ;;
	esac
}
cell() {	# workload tool -> "MEDIAN s, PAIRED x", "failed" or "-"
	st=$(awk -v w="$1" -v t="$2" '$1 == w && $2 == t && $7 != 0 {
	    s = $7 } END { print s }' "$work/raw.txt")
	[ -z "$st" ] || { echo "failed (exit $st)"; return; }
	m=$(times_of "$1" "$2" | median)
	p=$(paired "$1" "$2" "$1" plain)
	[ -n "$m" ] && [ -n "$p" ] || { echo -; return; }
	echo "$m ${p%% *}" | awk '{ printf "%.3f s, %.2fx", $1, $2 }'
}
verdict() {	# VALUE TARGET -> yes, no or -
	[ "$2" != - ] && [ -n "$1" ] || { echo -; return; }
	awk -v v="$1" -v t="$2" 'BEGIN { print v <= t ? "yes" : "no" }'
}
range() {	# "MEDIAN MIN MAX" -> "MEDIAN (MIN-MAX)"
	[ -n "$1" ] || { echo -; return; }
	echo "$1" | awk '{ printf "%s (%s-%s)", $1, $2, $3 }'
}
has_tool() { case " $tool_list " in *" $1 "*) return 0 ;; esac; return 1; }

echo
echo "Summary of the run that ended $(date -u -r "$work/raw.txt" \
    "+%Y-%m-%d %H:%M UTC"), $runs rounds" \
    "(paired ratios: median of the rounds' ratios, with their range):"
echo
echo "| workload | plain (s) | dhat | heaptrack | Valgrind DHAT" \
    "| dhat ratio (paired) | target | met? |"
echo "|---|---:|---:|---:|---:|---:|---:|---|"
for w in $workloads; do
	pm=$(times_of "$w" plain | median)
	p=$(paired "$w" dhat "$w" plain)
	tg=$(target "$w")
	cols=
	for t in dhat heaptrack valgrind; do
		if has_tool "$t"; then c=$(cell "$w" "$t"); else c=-; fi
		cols="$cols | $c"
	done
	printf '| %s | %s%s | %s | %s | %s |\n' "$w" \
	    "$(awk -v m="$pm" 'BEGIN { printf "%.3f", m }')" "$cols" \
	    "$(range "$p")" "$( [ "$tg" = - ] && echo - || echo "<= $tg")" \
	    "$(verdict "${p%% *}" "$tg")"
done
# Thread rows: each tool's own N threads / 1 thread; dhat's ratio is
# dhat's over plain's.
for n in 2 4 8; do
	has threads-1 "$only" && has "threads-$n" "$only" || continue
	cols=
	for t in plain dhat heaptrack valgrind; do
		p=
		has_tool "$t" && p=$(paired "threads-$n" "$t" threads-1 "$t")
		cols="$cols | ${p%% *}"
		[ -n "$p" ] || cols="$cols-"
	done
	r=$(relative "$n")
	tg=-
	[ "$n" = 2 ] && tg=1.3
	printf '| threads-%s / threads-1%s | %s | %s | %s |\n' "$n" "$cols" \
	    "$(range "$r")" "$( [ "$tg" = - ] && echo - || echo "<= $tg")" \
	    "$(verdict "${r%% *}" "$tg")"
done
if [ -n "$per_block" ]; then
	printf '| bytes per live block (RSS kB) | %s | %s | - | - | %s B | <= 32 B | %s |\n' \
	    "$plain_kb" "$dhat_kb" "$per_block" "$(verdict "$per_block" 32)"
fi
