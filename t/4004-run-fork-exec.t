#!/bin/sh
# Process trees under dhat-run: a forked child writes its own profile of
# what it allocates after the fork, an exec'd program its own profile, no
# process overwrites another's, and --no-follow leaves exec'd programs
# alone.
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

have_python || skip_all "python3 is needed to read the profiles"

plan 27

# run-fork: parent 4,000/4 (t-end 3,000/3), plain child 777/7 (444/4), and
# a child that execs run-basic (1,250/5, 850/3, 650/2).
expect_exit 0 "a parent, a forked child and an exec'd program" -- \
	"$RUN" --quiet -o 'tree-%p.json' "$PROG/run-fork" "$PROG/run-basic"
is "$(profiles | wc -l)" 3 "three profiles"
for f in $(profiles); do
	p=${f#tree-}
	echo "${p%.json} $(field "$f" pid) $(figures "$f")"
done | sort -k3n >seen
awk '$1 != $2' seen >bad
is "$(wc -l <bad)" 0 "each file's pid is the one in its name"
is "$(cut -d' ' -f3- seen | tr '\n' '|')" \
	"777 7 777 7 444 4|1250 5 850 3 650 2|4000 4 4000 4 3000 3|" \
	"each has its own process's exact figures"
is "$(cut -d' ' -f1 seen | sort -u | wc -l)" 3 "three different processes"
child=$(sed -n 's/^\([0-9]*\) .* 777 7 .*/\1/p' seen)
is "$(figures "tree-$child.json" parent_alloc)" "0 0 0 0 0 0" \
	"the child's profile has nothing of what the parent allocated"
is "$(figures "tree-$child.json" child_alloc)" "777 7 777 7 444 4" \
	"  only what it allocated itself"
execd=$(sed -n 's/^\([0-9]*\) .* 1250 5 .*/\1/p' seen)
is "$(field "tree-$execd.json" cmd)" "$PROG/run-basic" \
	"the exec'd program's profile has its own command"
if have_viewer; then
	bad=0
	for f in $(profiles); do
		view_check "$f" || bad=1
	done
	ok $bad "the viewer loads all three"
else
	skip "the viewer loads all three" "no node or dh_view.js"
fi
rm -f ./*.json

# Without %p the first process has the name; the others add their pid.
expect_exit 0 "-o without %p" -- \
	"$RUN" --quiet -o tree.json "$PROG/run-fork" "$PROG/run-basic"
is "$(profiles | wc -l)" 3 "still three profiles: none overwritten"
is "$(figures tree.json)" "4000 4 4000 4 3000 3" "tree.json is the parent's"
n=0
for f in $(profiles); do
	[ "$f" = tree.json ] && continue
	p=${f#tree.}
	p=${p%.json}
	[ "$(field "$f" pid)" = "$p" ] && n=$((n + 1))
done
is "$n" 2 "the others are tree.PID.json"
is "$(for f in $(profiles | grep -v '^tree\.json$'); do figures "$f"; done |
	sort -n | tr '\n' '|')" \
	"777 7 777 7 444 4|1250 5 850 3 650 2|" "  with the children's figures"
rm -f ./*.json

# posix_spawn runs no fork handlers: the spawned program still knows from
# its environment that it is not the first process.
expect_exit 0 "-o without %p, a program started by posix_spawn" -- \
	"$RUN" --quiet -o tree.json "$PROG/run-fork" --spawn "$PROG/run-basic"
is "$(figures tree.json)" "4000 4 4000 4 3000 3" "  tree.json is the parent's"
is "$(for f in $(profiles | grep -v '^tree\.json$'); do figures "$f"; done |
	sort -n | tr '\n' '|')" \
	"777 7 777 7 444 4|1250 5 850 3 650 2|" "  the others have their own"
rm -f ./*.json

# The first process names its profile even when the launcher is not used.
expect_exit 0 "the same without dhat-run (DHAT_RUN=1, LD_PRELOAD)" -- \
	env LD_PRELOAD="$DHAT_PRELOAD" DHAT_RUN=1 DHAT_QUIET=1 \
	DHAT_OUTPUT=tree.json "$PROG/run-fork" "$PROG/run-basic"
is "$(figures tree.json)" "4000 4 4000 4 3000 3" "  tree.json is the parent's"
is "$(profiles | wc -l)" 3 "  three profiles"
rm -f ./*.json

# --no-follow: the exec'd program runs (run-fork checks its status) but
# writes nothing.
expect_exit 0 "--no-follow" -- \
	"$RUN" --quiet --no-follow -o 'nf-%p.json' "$PROG/run-fork" \
	"$PROG/run-basic"
is "$(profiles | wc -l)" 2 "  two profiles: parent and forked child"
is "$(for f in $(profiles); do figures "$f"; done | sort -n | tr '\n' '|')" \
	"777 7 777 7 444 4|4000 4 4000 4 3000 3|" "  with their figures"
rm -f ./*.json

expect_exit 0 "--no-follow: the program's environment is clean" -- \
	env LD_PRELOAD=libm.so.6 "$RUN" --quiet --no-follow "$PROG/run-env" \
	LD_PRELOAD DHAT_RUN DHAT_OUTPUT DHAT_FOLLOW
is "$(cat out | tr '\n' ' ')" \
	"LD_PRELOAD=libm.so.6 DHAT_RUN unset DHAT_OUTPUT unset DHAT_FOLLOW unset " \
	"  libdhat and DHAT_* are gone, in environ and envp alike"
expect_exit 0 "--no-follow: an LD_PRELOAD of libdhat only goes away" -- \
	"$RUN" --quiet --no-follow "$PROG/run-env" LD_PRELOAD
is "$(cat out)" "LD_PRELOAD unset" "  entirely"

done_testing
