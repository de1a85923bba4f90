# run-lib.sh - helpers for the dhat-run tests (t/4xxx-*.t), sourced after
# test-lib.sh.

# Not inherited from a dhat-run around the test suite.
unset DHAT_RUN 2>/dev/null || :
RUN=$abs_top_builddir/dhat-run
PROG=$builddir_t/prog

# have_python: the profile checks read JSON with Python.
have_python() {
	[ -n "${PYTHON3:-}" ] && "$PYTHON3" -c 'import json' 2>/dev/null
}

# stats FILE [FUNCTION]: "TB TBK GB GBK EB EBK" of FILE's program points
# (those whose frames name FUNCTION); more KEY=VALUE lines follow, see
# profile-stats.py.  Prints "unreadable" when FILE is missing or broken.
stats() {
	"$PYTHON3" "$srcdir_t/profile-stats.py" "$@" 2>/dev/null ||
		echo unreadable
}

# figures FILE [FUNCTION]: the first line of stats.
figures() {
	stats "$@" | sed -n 1p
}

# field FILE KEY [FUNCTION]: one KEY=VALUE field of stats.
field() {
	stats "$1" ${3:+"$3"} | sed -n "s/^$2=//p"
}

# loadable_lib: the first of a few common libraries that run-dlopen can
# load on this machine; status 1 when none can be.
loadable_lib() {
	for l in libxml2.so.2 libexpat.so.1 libsqlite3.so.0 libffi.so.8 \
		libform.so.6 libgdbm.so.6; do
		if "$PROG/run-dlopen" "$l" 0 2>/dev/null; then
			echo "$l"
			return 0
		fi
	done
	return 1
}

# profiles: the profile files in the current directory, one per line.
profiles() {
	ls | grep -E '\.json$' || :
}

# wait_for FILE [SECONDS]: until FILE exists and is not empty; 1 on time-out.
wait_for() {
	n=$(( ${2:-20} * 10 ))
	while [ ! -s "$1" ] && [ "$n" -gt 0 ]; do
		sleep 0.1
		n=$((n - 1))
	done
	[ -s "$1" ]
}
