#!/bin/sh
# 3001-heap-json: the heap profile file: fields and their order, string
# escaping, default and %p names, atomic replacement, non-regular targets,
# eprint_json, the time units, and loading in Valgrind's viewer.
. "$abs_top_srcdir/t/test-lib.sh"

[ -n "${PYTHON3:-}" ] || skip_all "python3 not found"
prog=$builddir_t/prog/heap-json

plan 25

"$prog" - >out 2>err
ok $? "default file name: runs"
ok $([ -f dhat-heap.json ] && echo 0 || echo 1) "... and writes dhat-heap.json"
keys=$("$PYTHON3" -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))))' dhat-heap.json)
is "$keys" "dhatFileVersion mode verb bklt bkacc tu Mtu tuth cmd pid tg te end timeline pps ftbl" \
	"top-level fields in the crate's order, with end and timeline"
ppkeys=$("$PYTHON3" -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["pps"][0]))' dhat-heap.json)
is "$ppkeys" "tb tbk tl mb mbk gb gbk eb ebk fs" "per-PP fields"
is "$("$PYTHON3" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["dhatFileVersion"], d["mode"], d["verb"], d["bklt"], d["bkacc"])' dhat-heap.json)" \
	"2 heap Allocated True False" "version, mode, verb, bklt, bkacc"
is "$(pp dhat-heap.json json_big) / $(pp dhat-heap.json json_small)" \
	"tb=1000 tbk=1 mb=1000 mbk=1 gb=1000 gbk=1 eb=0 ebk=0 / tb=256 tbk=1 mb=256 mbk=1 gb=256 gbk=1 eb=256 ebk=1" \
	"the figures"
tail -n 1 err >saved
is "$(cat saved)" \
	"dhat: The data has been saved to dhat-heap.json, and is viewable with dh_view.html or dhat-summarize" \
	"the saved line"

# cmd: all of argv joined by spaces, escaped in JSON.
name=$(printf 'we"ird\\na\tme.json')
"$prog" "$name" x >out 2>err
ok $? "an odd file name: runs"
is "$("$PYTHON3" -c 'import json,sys; print(json.load(open(sys.argv[1]))["cmd"] == sys.argv[2])' "$name" "$builddir_t/prog/.libs/heap-json $name x")" \
	True "cmd is argv joined by spaces, escaped and read back exactly"
grep -q '\\u0009' "$name"
ok $? "a tab is written as \\u0009"

"$prog" 'pid-%p.json' >out 2>err
ok $? "%p: runs"
f=$(ls pid-*.json 2>/dev/null)
is "$f" "pid-$("$PYTHON3" -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$f").json" \
	"%p expands to the pid in the file"

# Atomic replacement of an existing regular file.
echo old >dhat-heap.json
"$prog" - >out 2>err
is "$(pp dhat-heap.json --check)" ok "an existing file is replaced by a whole profile"
is "$(ls | grep -c '\.tmp\.')" 0 "no temporary file left"

# Non-regular targets are written through, appended.
"$prog" /dev/stdout s >stdout.txt 2>err
is "$(head -n 1 stdout.txt)" "before the profile" "/dev/stdout keeps what was printed"
tail -n +2 stdout.txt >fromstdout.json
is "$(pp fromstdout.json --check)" ok "... followed by the profile"
"$prog" /dev/null >out 2>err
ok $? "/dev/null is a valid target"
ok $([ -c /dev/null ] && echo 0 || echo 1) "... and stays a device"

# eprint_json: the same JSON on stderr.
"$prog" e.json e >out 2>err
sed -n '/^dhat: json = `/,$p' err | sed '1s/^dhat: json = `//; $s/`$//' >e-stderr.json
"$PYTHON3" -c 'import json,sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' e.json e-stderr.json
ok $? "eprint_json prints the saved JSON"

# Time in bytes: deterministic times.
"$prog" b.json b >out 2>err
is "$(pp b.json --times)" "tu=B Mtu=MB tuth=1024 tg=1256 te=1256" "time in bytes allocated"
is "$(pp b.json --tl json_big) $(pp b.json --tl json_small)" "256 0" \
	"lifetimes in bytes (256 B allocated while the first lived)"

if have_viewer; then
	view_check dhat-heap.json
	ok $? "the viewer loads the profile"
	grep -Eq '#[0-9]+: 0x[0-9a-f]+: json_big \(t/prog/heap-json\.c:[0-9]+:[0-9]+\)' view.out
	ok $? "... and shows the program's function with its source line"
	grep -Eq '#[0-9]+: 0x[0-9a-f]+: malloc \(' view.out
	ok $? "... below the malloc frame"
	view_check b.json 3
	ok $? "the viewer loads a profile in bytes, sorted by short-lived blocks"
else
	for t in 1 2 3 4; do
		skip "the viewer" "node or dh_view.js missing"
	done
fi
done_testing
