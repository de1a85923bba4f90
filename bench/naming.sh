#!/bin/sh
# SPDX-License-Identifier: MIT
#
# bench/naming.sh - what naming a profile's frames costs when none of
# them is in the frame cache yet: the first profile of a program, and
# every profile on a machine that keeps no cache (a CI job).
#
# Usage, from a build directory after `make`:
#
#     sh SRCDIR/bench/naming.sh [--base DIR] [ROUNDS]
#
# Workloads: bench/naming.cc built with g++ -O2 -g (allocations under
# deep chains of inlined standard-library templates), and Python
# (PYTHON, default python3 from PATH) building and sorting a dict, whose
# frames have debugging information where its build or a -dbg package
# provides it.  A cold run has an empty XDG_CACHE_HOME: neither the
# frames nor the decompressed debug files dhat-run keeps there.  Each round (default 5) runs each workload plain, under
# dhat-run with an empty frame cache (cold) and with the cache the
# previous runs filled (warm); --base DIR adds the same two runs with
# another build's dhat-run and libdhat.  Prints the median wall time of
# each, and the cold run's cost over the warm one.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=$(pwd)
base=
rounds=5
while [ $# -gt 0 ]; do
	case $1 in
	--base) base=$(cd "${2:?}" && pwd); shift ;;
	--base=*) base=$(cd "${1#*=}" && pwd) ;;
	-h|--help) sed -n '3,20p' "$0"; exit 0 ;;
	*) rounds=$1 ;;
	esac
	shift
done
[ -x "$build/dhat-run" ] || { echo "naming.sh: run it from a build directory" >&2; exit 1; }

work=$build/bench-work/naming
mkdir -p "$work"
g++ -O2 -g -o "$work/naming" "$here/naming.cc"
# The interpreter itself: a wrapper script (pyenv's shims) would be
# profiled too.
PY=$("${PYTHON:-python3}" -c 'import sys; print(sys.executable)')
script='d = {str(i * 7919 % 100003): [i] * (i % 5) for i in range(200000)}
print(len(sorted(d.items())))'

# run TOOL WORKLOAD: one timed run, its seconds appended to its file.
run() {
	tool=$1 w=$2
	case $w in
	naming) set -- "$work/naming" ;;
	python) set -- "$PY" -c "$script" ;;
	esac
	case $tool in
	plain) ;;
	dhat-cold|dhat-warm)
		set -- env DHAT_PRELOAD="$build/.libs/libdhat.so" \
		    "$build/dhat-run" --quiet -o "$work/out.json" "$@" ;;
	base-cold|base-warm)
		set -- env DHAT_PRELOAD="$base/.libs/libdhat.so" \
		    "$base/dhat-run" --quiet -o "$work/out.json" "$@" ;;
	esac
	case $tool in
	*-cold) cache=$(mktemp -d "$work/cache.XXXXXX") ;;
	*-warm) cache=$work/warm-${tool%-warm} ;;
	*) cache=$work/unused ;;
	esac
	mkdir -p "$cache"
	# dhat-run keeps its caches under XDG_CACHE_HOME: empty, it has
	# neither frames nor decompressed debug files, as on a fresh machine.
	XDG_CACHE_HOME=$cache /usr/bin/time -f %e -o "$work/t" "$@" \
	    >/dev/null 2>&1
	cat "$work/t" >>"$work/$tool.$w"
	case $tool in *-cold) rm -rf "$cache" ;; esac
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "-" }'
}

tools="plain dhat-cold dhat-warm"
[ -z "$base" ] || tools="$tools base-cold base-warm"
rm -rf "$work"/warm-* "$work"/*.naming "$work"/*.python
for w in naming python; do
	for t in $tools; do
		case $t in *-warm) run "$t" "$w"; : >"$work/$t.$w" ;; esac
	done
done
i=0
while [ $i -lt "$rounds" ]; do
	for w in naming python; do
		for t in $tools; do
			run "$t" "$w"
		done
	done
	i=$((i + 1))
done

printf '| workload | tool | median wall (s) |\n|---|---|---:|\n'
for w in naming python; do
	for t in $tools; do
		printf '| %s | %s | %s |\n' "$w" "$t" "$(median <"$work/$t.$w")"
	done
done
