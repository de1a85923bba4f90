#!/bin/sh
# SPDX-License-Identifier: MIT
# Bad profiles: one message "dhat-summarize: FILE: what", exit 2, nothing
# on stdout, and the next file is still summarized.
. "${abs_top_srcdir:-.}/t/test-lib.sh"

S=$abs_top_builddir/dhat-summarize
D=$srcdir_t/data

good='{"dhatFileVersion":2,"mode":"heap","verb":"Allocated","bklt":true,"bkacc":false,"tu":"us","Mtu":"s","tuth":10,"cmd":"x","pid":1,"te":100,"tg":50,"pps":[{"tb":10,"tbk":1,"tl":5,"mb":10,"mbk":1,"gb":10,"gbk":1,"eb":0,"ebk":0,"fs":[1,2]},{"tb":20,"tbk":2,"tl":5,"mb":10,"mbk":1,"gb":10,"gbk":1,"eb":0,"ebk":0,"fs":[1,3]}],"ftbl":["[root]","0x1: malloc (a.c:1:1)","0x2: main (a.c:2:1)","0x3: main (a.c:3:1)"]}'

# bad NAME SED-EXPRESSION MESSAGE: the good profile edited by SED gives
# exactly MESSAGE.
bad() {
	printf '%s\n' "$good" | sed "$2" >"$1.json"
	expect_exit 2 "$1: exit 2" -- "$S" "$1.json"
	is "$(cat err)" "dhat-summarize: $1.json: $3" "$1: message"
	is "$(cat out)" "" "$1: no output"
}

plan 80

printf '%s\n' "$good" >good.json
expect_exit 0 "the base profile is good" -- "$S" good.json

printf 'hello\n' >notjson.json
expect_exit 2 "not JSON: exit 2" -- "$S" notjson.json
is "$(cat err)" "dhat-summarize: notjson.json: not JSON: unexpected 'h' at byte 0" \
	"not JSON: message with offset"
: >empty.json
expect_exit 2 "empty: exit 2" -- "$S" empty.json
is "$(cat err)" "dhat-summarize: empty.json: empty file (not a DHAT profile)" \
	"empty: message"
printf '%s' "$good" | head -c 100 >trunc.json
expect_exit 2 "truncated: exit 2" -- "$S" trunc.json
like "$(cat err)" '^dhat-summarize: trunc.json: truncated file: unexpected end of input at byte 100 ' \
	"truncated: message"
expect_exit 2 "missing file: exit 2" -- "$S" nosuch.json
is "$(cat err)" "dhat-summarize: nosuch.json: No such file or directory" \
	"missing file: message"
printf '[1,2]' >array.json
expect_exit 2 "array: exit 2" -- "$S" array.json
is "$(cat err)" "dhat-summarize: array.json: not a DHAT profile: the JSON value at byte 0 is not an object" \
	"array: message"

bad syntax 's/"pid":1,/"pid":1,,/' \
	"invalid JSON at byte 128: unexpected ',', expected a string"
bad version 's/"dhatFileVersion":2/"dhatFileVersion":3/' \
	"unsupported dhatFileVersion 3 (expected 2)"
bad noversion 's/"dhatFileVersion":2,//' \
	"not a DHAT profile: missing field 'dhatFileVersion'"
bad missing 's/"te":100,//' "missing field 'te'"
bad mistyped 's/"te":100/"te":"100"/' "field 'te' at byte 133 is not a number"
bad notbool 's/"bklt":true/"bklt":1/' "field 'bklt' at byte 61 is not a boolean"
bad notstring 's/"cmd":"x"/"cmd":7/' "field 'cmd' at byte 116 is not a string"
bad notarray 's/"pps":\[/"pps":{"a":[/; s/\],"ftbl"/]},"ftbl"/' \
	"field 'pps' at byte 151 is not an array"
bad notg 's/"tg":50,//' "missing field 'tg' (required when 'bklt' is true)"
bad ppfield 's/"gb":10,"gbk":1,//' \
	"program point 1: missing field 'gb' (required when 'bklt' is true)"
bad nofs 's/,"fs":\[1,2\]//' "program point 1: missing field 'fs'"
bad range 's/"fs":\[1,2\]/"fs":[1,9]/' \
	"program point 1: frame index 9 out of range (ftbl has 4 entries)"
bad zero 's/"fs":\[1,2\]/"fs":[1,0]/' \
	"program point 1: frame index 0 ([root]) inside a stack"
bad dup 's/"fs":\[1,3\]/"fs":[1,2]/' \
	"program points 1 and 2 have the same stack (a repeated location)"
bad big 's/"tb":10,/"tb":18446744073709551616,/' \
	"program point 1: field 'tb' at byte 158 is larger than 2^64-1"
bad negative 's/"tb":10,/"tb":-10,/' \
	"program point 1: field 'tb' at byte 158 is negative"
bad fraction 's/"tb":10,/"tb":10.5,/' \
	"program point 1: field 'tb' at byte 158 is not an integer"
bad trailing 's/$/x/' \
	"invalid JSON at byte 405: data after the end of the profile"
bad bigacc 's/"fs":\[1,2\]/"acc":[65536],"fs":[1,2]/' \
	"program point 1: access count 65536 in 'acc' is larger than 65535"

# 2^64-1 itself is fine (the other PP's 0 keeps the total within 64
# bits: t/5013 tests larger sums).
printf '%s\n' "$good" |
	sed 's/"tb":10,/"tb":18446744073709551615,/; s/"tb":20,/"tb":0,/' \
	>max.json
expect_exit 0 "2^64-1 is accepted" -- "$S" max.json

# Deep nesting in an unknown field is an error, not a crash.
deep=$(awk 'BEGIN { for (i = 0; i < 100000; i++) printf "["; }')
printf '%s\n' "$good" | sed "s/^{/{\"x\":$deep,/" >deep.json
expect_exit 2 "deep nesting: exit 2" -- "$S" deep.json
like "$(cat err)" 'nested too deeply' "deep nesting: message"

# Unknown fields of any shape are skipped.
printf '%s\n' "$good" | sed 's/^{/{"x":{"a":[1,-2.5e3,true,false,null,"s\\u00e9"]},/' >extra.json
expect_exit 0 "unknown fields are skipped" -- "$S" extra.json

# Going on after an error, exit 1 at the end.
expect_exit 2 "bad then good: exit 2" -- "$S" notjson.json good.json
{ printf '==> good.json <==\n\n'; "$S" good.json; } >good.out
cmp -s out good.out
ok $? "bad then good: the good file is summarized"

# What a file cannot give is refused clearly.
expect_exit 2 "metric needing bkacc: exit 2" -- "$S" --sort=reads \
	"$D/dhat-rs-heap.json"
like "$(cat err)" "dhat-summarize: .*dhat-rs-heap.json: sort metric 'reads' needs block accesses" \
	"metric needing bkacc: message"
expect_exit 2 "metric needing bklt: exit 2" -- "$S" --sort=short-lived \
	"$D/dhat-rs-ad-hoc.json"
like "$(cat err)" "sort metric 'short-lived' needs block lifetimes" \
	"metric needing bklt: message"
expect_exit 2 "--leaks on ad hoc: exit 2" -- "$S" --leaks "$D/valgrind-ad-hoc.json"
like "$(cat err)" -- "--leaks needs block lifetimes" "--leaks on ad hoc: message"

done_testing
