#!/bin/sh
# SPDX-License-Identifier: MIT
# dhat-merge refuses what cannot be merged, with one message naming the
# file, exit 1, no output file (not even a temporary one) and its inputs
# untouched: mixed modes, times in other units, broken inputs, sums beyond
# 2^64, and an output that is one of the inputs under any name.
. "${abs_top_srcdir:-.}/t/test-lib.sh"

M=$abs_top_builddir/dhat-merge
D=$srcdir_t/data

plan 49

cp "$D/valgrind-heap.json" V.json
cp "$D/valgrind-ad-hoc.json" VA.json
cp "$D/dhat-rs-heap.json" R.json
sed 's/"mode":"ad-hoc","verb":"Occurred"/"mode":"copy","verb":"Copied"/' \
	VA.json >C.json

# nothing_written DESC: no OUT, no temporary file, inputs as they were.
nothing_written() {
	if [ -e out.json ] || ls -a | grep -q '^\.dhat-tmp'; then
		ok 1 "$1: no output file"
	else
		ok 0 "$1: no output file"
	fi
}

# refused DESC MESSAGE-ERE ARGS...: dhat-merge -o out.json ARGS... fails.
refused() {
	desc=$1
	msg=$2
	shift 2
	expect_exit 1 "$desc: exit 1" -- "$M" -o out.json "$@"
	like "$(cat err)" "$msg" "$desc: message"
	is "$(wc -l <err | tr -d ' ')" 1 "$desc: one line"
	nothing_written "$desc"
}

refused "heap + ad hoc" \
	"^dhat-merge: VA\.json: mode 'ad-hoc' cannot be merged with mode \
'heap' of V\.json$" \
	V.json VA.json
refused "ad hoc + copy" \
	"^dhat-merge: C\.json: mode 'copy' cannot be merged with mode 'ad-hoc' \
of VA\.json$" \
	VA.json C.json
refused "instructions + microseconds" \
	"^dhat-merge: R\.json: times in 'µs' \('s'\) cannot be added to times \
in 'instrs' \('Minstr'\) of V\.json$" \
	V.json R.json

head -c 700 V.json >trunc.json
refused "truncated JSON" '^dhat-merge: trunc\.json: .*(end|truncated)' \
	V.json trunc.json
sed 's/"dhatFileVersion":2/"dhatFileVersion":3/' V.json >v3.json
refused "wrong version" '^dhat-merge: v3\.json: .*dhatFileVersion 3' \
	V.json v3.json
refused "missing file" '^dhat-merge: nope\.json: .*No such file or directory' \
	V.json nope.json
sed 's/"tb":100,/"tb":18446744073709551615,/' V.json >huge.json
refused "sum beyond 2^64" \
	"^dhat-merge: huge\.json: program point 1: the sum of 'tb' is \
beyond 2\^64-1$" \
	V.json huge.json

# The output may not be an input: same name, other spelling, symbolic
# link, hard link, standard input.
mkdir sub
cp V.json keep.json
out_is_input() {
	desc=$1
	out=$2
	shift 2
	expect_exit 1 "$desc: exit 1" -- "$M" -o "$out" "$@"
	like "$(cat err)" "^dhat-merge: .*: the output is also the input " \
		"$desc: message"
	cmp -s V.json keep.json && test ! -L V.json
	ok $? "$desc: the input is untouched"
}
out_is_input "same name" V.json V.json R.json
out_is_input "another spelling" ./sub/../V.json R.json V.json
ln -s V.json link.json
out_is_input "symbolic link to an input" link.json V.json
out_is_input "input through a symbolic link" V.json link.json
ln V.json hard.json
out_is_input "hard link" hard.json V.json
out_is_input "standard input" "$PWD/V.json" - <V.json
# -o - with the standard output appended to an input.
"$M" -o - R.json V.json >>V.json 2>err
is "$?" 1 "standard output appended to an input: exit 1"
cmp -s V.json keep.json
ok $? "standard output appended to an input: the input is untouched"
is "$(ls -a | grep -c '^\.dhat-tmp')" "0" "no temporary file anywhere"

done_testing
