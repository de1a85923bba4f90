#!/bin/sh
# SPDX-License-Identifier: MIT
# dhat-diff across writers: profiles of one run of a program by Valgrind's
# DHAT and by dhat-run (checked in, and live where Valgrind runs) match
# site for site although the writers spell frames differently (their
# allocator frames, glibc's aliases, C++ parameters and clones, paths,
# columns, depths, Valgrind's "(below main)"); and a site added to a
# function is new, not folded into the old one, while a site whose lines
# moved still matches; --rename matches renamed functions and files; the
# libraries' leftovers at exit are discounted at t-end, as Valgrind frees
# them.
. "${abs_top_srcdir:-.}/t/test-lib.sh"

S=$abs_top_builddir/dhat-diff
W=$srcdir_t/data/writers
P=$builddir_t/prog

[ -n "${PYTHON3:-}" ] || skip_all "python3 is needed to read the JSON"

plan 41

# share OLD NEW: "PPS_OLD PPS_NEW BYTES_OLD BYTES_NEW", the whole percent
# of each side's program points and of its bytes that are in matched
# sites.
share() {
	"$S" -u -n all -F json "$1" "$2" >share.json 2>/dev/null
	"$PYTHON3" - share.json <<'EOP'
import json, sys
d = json.load(open(sys.argv[1]))
out = []
for key in ("program_points", "tb"):
    for side in ("old", "new"):
        whole = (d["files"][side]["program_points"] if key != "tb"
                 else d["totals"][side]["tb"])
        part = sum(c[side + "_program_points"] if key != "tb"
                   else c[side]["tb"] for c in d["changed"])
        out.append(100 * part // whole if whole else 100)
print(*out)
EOP
}

# at_least PCT "A B C D": every figure is at least PCT.
at_least() {
	for x in $2; do
		[ "$x" -ge "$1" ] || return 1
	done
}

# Checked-in profiles: every site matched, both ways.
for n in wordfreq widget sqlite3; do
	is "$(share "$W/valgrind-$n.json" "$W/libdhat-$n.json")" \
		"100 100 100 100" "$n: Valgrind -> libdhat, every site matched"
	is "$(share "$W/libdhat-$n.json" "$W/valgrind-$n.json")" \
		"100 100 100 100" "$n: libdhat -> Valgrind, every site matched"
done
"$S" "$W/valgrind-wordfreq.json" "$W/libdhat-wordfreq.json" >wf.txt 2>/dev/null
is "$(grep -E '^(Program|Changed|New|Gone)' wf.txt | tr '\n' '|')" \
	"Program points: 8 in old, 8 in new; 8 stacks matched by function and file|Changed by Total (bytes) (0)|New by Total (bytes) (0)|Gone by Total (bytes) (0)|" \
	"wordfreq: the same figures, site for site"
"$S" -u -n all "$W/valgrind-wordfreq.json" "$W/libdhat-wordfreq.json" \
	>wfu.txt 2>/dev/null
is "$(grep -c '#1: xrealloc (wordfreq.c)$' wfu.txt)" 4 \
	"wordfreq: stacks start at the program's frames, not the allocator's"
grep -q '#1: strdup (strdup.c)$' wfu.txt && grep -q '__strdup' "$W/libdhat-wordfreq.json"
ok $? "wordfreq: Valgrind's strdup is libdhat's __strdup"
grep -q 'file_underflow' wfu.txt && ! grep -q 'interpose\|vgpreload' wfu.txt
ok $? "wordfreq: stdio's aliases matched, no allocator frame shown"
"$S" -u -n all "$W/valgrind-widget.json" "$W/libdhat-widget.json" \
	>wd.txt 2>/dev/null
is "$(grep -c '^PP [0-9]/6: 0 bytes (0%)$' wd.txt)" 6 \
	"widget: six C++ sites, none changed"

# The libraries' leftovers at exit (stdio buffers, locale, NSS data,
# libstdc++'s pool), which Valgrind frees before t-end: discounted, so
# that libdhat's t-end is Valgrind's.
# tend FILE [OPTION]: "BYTES BLOCKS" live at t-end.
tend() {
	"$abs_top_builddir/dhat-summarize" -F json "$@" | "$PYTHON3" -c 'import json, sys
t = json.load(sys.stdin)["totals"]; print(t["eb"], t["ebk"])'
}
for n in wordfreq widget sqlite3; do
	is "$(tend "$W/libdhat-$n.json")" "$(tend "$W/valgrind-$n.json")" \
		"$n: t-end as Valgrind's, the libraries' leftovers discounted"
done
is "$(tend "$W/libdhat-wordfreq.json" --libc-leftovers)" "8192 2" \
	"wordfreq: --libc-leftovers counts the two stdio buffers"
expect_exit 0 "tend-bytes>0 against Valgrind's wordfreq: kept" -- \
	"$S" --fail-if 'tend-bytes>0' "$W/valgrind-wordfreq.json" \
	"$W/libdhat-wordfreq.json"
expect_exit 1 "  exceeded with --libc-leftovers" -- "$S" --libc-leftovers \
	--fail-if 'tend-bytes>0' "$W/valgrind-wordfreq.json" \
	"$W/libdhat-wordfreq.json"

# Sites added to a function.  Valgrind-like frames: the allocator's in
# its preloaded object, then work at some line, then main.
profile() {
	printf '{"dhatFileVersion":2,"mode":"heap","verb":"Allocated","bklt":true,"bkacc":false,"tu":"instrs","Mtu":"Minstr","tuth":500,"cmd":"w","pid":1,"te":1000,"tg":500,"pps":[%s],"ftbl":["[root]","0x1: malloc (in /usr/libexec/valgrind/vgpreload_dhat-amd64-linux.so)","0x2: work (w.c:10)","0x3: main (w.c:30)","0x4: work (w.c:12)","0x5: work (w.c:11)","0x6: work (w.c:15)","0x7: main (w.c:31)"]}\n' "$2" >"$1.json"
}
# pp TB FRAMES: one program point of TB bytes in one block, all live at
# t-gmax.
pp() {
	printf '{"tb":%s,"tbk":1,"tl":10,"mb":%s,"mbk":1,"gb":%s,"gbk":1,"eb":0,"ebk":0,"fs":[%s]}' \
		"$1" "$1" "$1" "$2"
}
profile old "$(pp 100 1,2,3)"
profile added "$(pp 100 1,2,3),$(pp 50 1,4,3)"
profile shifted "$(pp 100 1,5,3),$(pp 50 1,6,3)"
profile moved "$(pp 120 1,5,3)"
profile two "$(pp 100 1,2,3),$(pp 60 1,2,7)"
profile twomoved "$(pp 100 1,5,3),$(pp 60 1,5,7)"

# lists OLD NEW: "changed/new/gone" counts and the new sites' lines.
lists() {
	"$S" -F json "$1.json" "$2.json" >l.json 2>/dev/null
	"$PYTHON3" - l.json <<'EOP'
import json, sys
d = json.load(open(sys.argv[1]))
print(d["matched"], d["changed_count"], d["new_count"], d["gone_count"],
      " ".join("<".join(p["frames"]) for p in d["new"]) or "-")
EOP
}
is "$(lists old added)" "1 0 1 0 work (w.c:12)<main (w.c:30)" \
	"a second site in work: new, the first unchanged"
is "$(lists added old)" "1 0 0 1 -" "the second site removed: gone"
is "$(lists old shifted)" "1 0 1 0 work (w.c:15)<main (w.c:30)" \
	"a site added below one whose line moved: the moved one matched"
is "$(lists old moved)" "1 1 0 0 -" \
	"one site whose line moved: matched, its change shown"
"$S" old.json moved.json >moved.txt 2>/dev/null
is "$(grep '^PP 1/1' moved.txt)" "PP 1/1: +20 bytes (+20%)" \
	"one site whose line moved: +20 bytes"
is "$(lists two twomoved)" "2 0 0 0 -" \
	"two callers' sites whose lines moved: each matched to its own"
is "$(lists old two)" "1 0 1 0 work (w.c:10)<main (w.c:31)" \
	"a new caller of the same site: new"
"$S" -m line old.json shifted.json >line.txt 2>/dev/null
is "$(grep '^Program points' line.txt)" \
	"Program points: 1 in old, 2 in new; 0 stacks matched by function, file and line" \
	"--match=line: a moved line does not match"

# Renamed functions and files: --rename FROM=TO.
# rprofile NAME FRAME...: one program point of 100 bytes on FRAME...
rprofile() {
	n=$1
	shift
	fr='"[root]"'
	fs=
	i=1
	for f in "$@"; do
		fr="$fr,\"0x$i: $f\""
		fs="$fs${fs:+,}$i"
		i=$((i + 1))
	done
	printf '{"dhatFileVersion":2,"mode":"heap","verb":"Allocated","bklt":true,"bkacc":false,"tu":"instrs","Mtu":"Minstr","tuth":500,"cmd":"w","pid":1,"te":1000,"tg":500,"pps":[%s],"ftbl":[%s]}\n' \
		"$(pp 100 "$fs")" "$fr" >"$n.json"
}
rprofile r-old "malloc (in /usr/libexec/valgrind/vgpreload_dhat-amd64-linux.so)" \
	"parse (src/util.c:10)" "nest(int) (src/tree.cc:3)" "main (src/main.c:30)"
rprofile r-new "malloc (../lib/interpose.c:52:2)" \
	"parse_input (src/helpers.c:12:3)" "walk(int) (src/tree.cc:3:1)" \
	"main (src/main.c:30:2)"
is "$(lists r-old r-new)" "0 0 1 1 parse_input (helpers.c)<walk(int) (tree.cc)<main (main.c)" \
	"renamed: without --rename, gone and new"
"$S" -F json --rename parse=parse_input --rename util.c=helpers.c \
	--rename nest=walk r-old.json r-new.json >l.json 2>/dev/null
"$PYTHON3" -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(d["matched"], d["new_count"], d["gone_count"])' l.json >r.out
is "$(cat r.out)" "1 0 0" \
	"--rename of a function, a C++ function and a file: matched"
expect_exit 2 "--rename without '='" -- "$S" --rename parse r-old.json r-new.json
is "$(head -n 1 err)" "dhat-diff: invalid --rename 'parse' (FROM=TO)" \
	"  one message"

# Live: the same programs under Valgrind and dhat-run, where Valgrind
# runs.  Test programs: every site; real programs: 90% of the bytes.
if [ -z "${VALGRIND:-}" ] || ! [ -x "$VALGRIND" ] ||
    ! "$VALGRIND" --tool=dhat --dhat-out-file=/dev/null true >/dev/null 2>&1; then
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		skip "live comparison with Valgrind" "valgrind --tool=dhat does not run here"
	done
	done_testing
	exit 0
fi
# both NAME COMMAND...: NAME-vg.json and NAME-dh.json.
both() {
	n=$1
	shift
	"$VALGRIND" --tool=dhat --dhat-out-file="$n-vg.json" "$@" \
		<"$abs_top_srcdir/README" >/dev/null 2>&1 &&
	"$abs_top_builddir/dhat-run" --quiet -o "$n-dh.json" "$@" \
		<"$abs_top_srcdir/README" >/dev/null 2>&1
}
for n in wordfreq run-widget stack-shapes; do
	both "$n" "$P/$n"
	ok $? "live $n: profiled by both"
	f=$(share "$n-vg.json" "$n-dh.json")
	at_least 95 "$f"
	ok $? "live $n: at least 95% matched both ways ($f)"
done
if command -v sqlite3 >/dev/null; then
	both sqlite3 sqlite3 :memory: \
		'create table t(x); with recursive c(i) as (select 1 union all select i + 1 from c where i < 2000) insert into t select (i * 7919) % 2000 from c; select count(*), sum(x) from (select x from t order by x);'
	ok $? "live sqlite3: profiled by both"
	f=$(share sqlite3-vg.json sqlite3-dh.json)
	g=$(share sqlite3-dh.json sqlite3-vg.json)
	at_least 90 "${f#* * } ${g#* * }"
	ok $? "live sqlite3: at least 90% of the bytes matched both ways ($f; $g)"
	is "$(tend sqlite3-dh.json)" "$(tend sqlite3-vg.json)" \
		"live sqlite3: t-end as Valgrind's"
else
	skip "live sqlite3: profiled by both" "no sqlite3"
	skip "live sqlite3: matched" "no sqlite3"
	skip "live sqlite3: t-end as Valgrind's" "no sqlite3"
fi
python=$("$PYTHON3" -c 'import sys; print(sys.executable)')
PYTHONHASHSEED=0 PYTHONMALLOC=malloc both python3 "$python" \
	-c 'print(sum(range(10)))'
ok $? "live python3: profiled by both"
f=$(share python3-vg.json python3-dh.json)
g=$(share python3-dh.json python3-vg.json)
at_least 90 "${f#* * } ${g#* * }"
ok $? "live python3: at least 90% of the bytes matched both ways ($f; $g)"
# The interpreter itself runs a little differently under Valgrind (its
# environment): its own leaks agree within 1%.
set -- $(tend python3-dh.json) $(tend python3-vg.json)
[ $(( ($1 - $3) * 100 )) -le "$3" ] && [ $(( ($3 - $1) * 100 )) -le "$3" ]
ok $? "live python3: t-end as Valgrind's, within 1% ($1 and $3 bytes)"

done_testing
