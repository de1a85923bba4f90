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

# need_valgrind_dhat: the script compares with Valgrind's DHAT, so it is
# skipped whole where that does not run.
need_valgrind_dhat() {
	[ -n "${VALGRIND:-}" ] && [ -x "$VALGRIND" ] || skip_all "no valgrind"
	"$VALGRIND" --tool=dhat --dhat-out-file=probe.json true \
		>/dev/null 2>&1 ||
		skip_all "valgrind --tool=dhat does not run here"
	rm -f probe.json
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

# libc_debug_file PROG: set id (libc's build ID, from run-libc PROG) and
# orig (libc's separate debug file), or skip the whole test unless that
# file exists with a compressed section (what dhat-run copies).
libc_debug_file() {
	have_python || skip_all "python3 is needed to read the profiles"
	id=$("$1" build-id) || skip_all "libc has no build ID"
	orig=/usr/lib/debug/.build-id/$(echo "$id" | cut -c1-2)/$(echo "$id" |
		cut -c3-).debug
	[ -r "$orig" ] || skip_all "no separate debug file for libc ($orig)"
	compressed "$orig" ||
		skip_all "libc's debug file: no compressed section, or not ELF64 LE"
}

# compressed FILE: whether an ELF64 little-endian file has a section
# flagged SHF_COMPRESSED (status 0), has none (1), or is no such ELF (2).
compressed() {
	"$PYTHON3" -c 'import struct, sys
d = open(sys.argv[1], "rb").read()
if d[:4] != b"\x7fELF" or d[4] != 2 or d[5] != 1:
    sys.exit(2)
shoff, = struct.unpack_from("<Q", d, 0x28)
shentsize, shnum = struct.unpack_from("<HH", d, 0x3a)
sys.exit(0 if any(struct.unpack_from("<Q", d, shoff + i * shentsize + 8)[0]
                  & 0x800 for i in range(shnum)) else 1)' "$1"
}

# frames FILE: the frame strings of a profile without their addresses,
# sorted (the order of a profile's frame table may follow addresses).
frames() {
	"$PYTHON3" -c 'import json, re, sys
for f in json.load(open(sys.argv[1]))["ftbl"]:
    print(re.sub(r"^0x[0-9a-f]+: ", "", f))' "$1" 2>/dev/null | LC_ALL=C sort
}
