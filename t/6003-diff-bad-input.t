#!/bin/sh
# SPDX-License-Identifier: MIT
# dhat-diff on bad input: unreadable or invalid profiles, profiles of
# different modes, budgets it cannot parse or the files cannot give.  Each
# exits 2 (never 1, which means "budget exceeded") with one message and
# nothing on stdout.
. "${abs_top_srcdir:-.}/t/test-lib.sh"

S=$abs_top_builddir/dhat-diff
D=$srcdir_t/data

# trouble DESC MESSAGE ARGS...: exit 2, MESSAGE on stderr (its first line
# for usage errors, which add a hint), nothing on stdout.
trouble() {
	t_desc=$1
	t_msg=$2
	shift 2
	expect_exit 2 "$t_desc: exit 2" -- "$S" "$@"
	is "$(head -n 1 err)" "dhat-diff: $t_msg" "$t_desc: message"
	is "$(cat out)" "" "$t_desc: no output"
}

plan 89

cp "$D/valgrind-heap.json" vh.json
cp "$D/valgrind-ad-hoc.json" va.json
cp "$D/dhat-rs-heap.json" rh.json
cp "$D/dhat-rs-ad-hoc.json" ra.json
printf 'hello\n' >notjson.json
: >empty.json
head -c 100 vh.json >trunc.json
sed 's/"fs":\[1,7,3\]/"fs":[1,2,3]/' vh.json >dup.json

trouble "old not JSON" "notjson.json: not JSON: unexpected 'h' at byte 0" \
	notjson.json vh.json
trouble "new not JSON" "notjson.json: not JSON: unexpected 'h' at byte 0" \
	vh.json notjson.json
trouble "missing file" "nosuch.json: No such file or directory" \
	vh.json nosuch.json
trouble "empty file" "empty.json: empty file (not a DHAT profile)" \
	empty.json vh.json
trouble "truncated" "trunc.json: truncated file: unexpected end of input at byte 100 (expected '\"')" \
	vh.json trunc.json
trouble "repeated stack" \
	"dup.json: program points 1 and 4 have the same stack (a repeated location)" \
	dup.json vh.json
trouble "heap vs ad hoc" \
	"va.json: mode 'ad-hoc' cannot be compared with mode 'heap' of vh.json" \
	vh.json va.json
trouble "rust-heap vs ad hoc" \
	"va.json: mode 'ad-hoc' cannot be compared with mode 'rust-heap' of rh.json" \
	rh.json va.json
trouble "ad hoc vs rust-heap" \
	"rh.json: mode 'rust-heap' cannot be compared with mode 'rust-ad-hoc' of ra.json" \
	ra.json rh.json

trouble "no operator" \
	"invalid --fail-if 'tb<5': expected METRIC>LIMIT or METRIC>=LIMIT" \
	--fail-if='tb<5' vh.json vh.json
trouble "unknown metric" \
	"unknown budget metric 'heap' in --fail-if 'heap>1' (see --help)" \
	--fail-if='heap>1' vh.json vh.json
trouble "no metric" "unknown budget metric '' in --fail-if '>1' (see --help)" \
	--fail-if='>1' vh.json vh.json
for l in abc -1 1XB 1. .5 1.1234567 '' '5%%' '1 2' '1KiB%' '+' '++1'; do
	trouble "limit '$l'" \
		"invalid limit in --fail-if 'tb>$l' (a count with an optional unit, such as 0, 64KiB or 1.5MB, or a percentage such as 5%)" \
		--fail-if="tb>$l" vh.json vh.json
done
trouble "limit too large" "limit too large in --fail-if 'tb>1000000000001'" \
	--fail-if='tb>1000000000001' vh.json vh.json
trouble "byte unit on blocks" \
	"invalid limit in --fail-if 'tbk>1KiB': total-blocks counts blocks, not bytes" \
	--fail-if='tbk>1KiB' vh.json vh.json

trouble "budget needing lifetimes" \
	"va.json: budget metric 'tgmax-bytes' needs block lifetimes (\"bklt\": true), which this profile does not have" \
	--fail-if='gb>0' va.json ra.json
trouble "budget needing accesses" \
	"rh.json: budget metric 'reads' needs block accesses (\"bkacc\": true), which this profile does not have" \
	--fail-if='reads>0' vh.json rh.json
trouble "sort metric needing accesses" \
	"rh.json: sort metric 'writes' needs block accesses (\"bkacc\": true), which this profile does not have" \
	--sort=writes rh.json vh.json

# Output that cannot be written is trouble too, even with a breach.
if [ -w /dev/full ]; then
	"$S" --fail-if='tb>=0' vh.json vh.json >/dev/full 2>err
	is $? 2 "full disk: exit 2, not 1"
	like "$(head -n 1 err)" '^dhat-diff: writing standard output: ' \
		"full disk: message"
else
	skip "full disk: exit 2, not 1" "no /dev/full"
	skip "full disk: message" "no /dev/full"
fi

done_testing
