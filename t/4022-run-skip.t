#!/bin/sh
# SPDX-License-Identifier: MIT
# dhat-run in pipelines: --skip=GLOB,... runs the programs it names
# unprofiled (a shell, make) while their children are still profiled,
# --follow=GLOB,... profiles only the programs it names; programs are
# named as %n names them, by their executable file.  Bad lists are usage
# errors.
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

have_python || skip_all "python3 is needed to read the profiles"
E=$PROG/run-exit
# The shell's executable, as %n names it (dash, bash...).
SH=$(basename "$(readlink -f /bin/sh)")

plan 21

# tree OPTION...: a shell that runs run-exit twice, under dhat-run with
# OPTION..., writing p.%n.%p.json; prints the programs that wrote a
# profile, sorted, one per line.
tree() {
	rm -f ./*.json
	"$RUN" --quiet -o 'p.%n.%p.json' "$@" /bin/sh -c \
		"'$E' exit 0 && '$E' exit 0" >run.out 2>run.err
	echo "$?" >run.status
	for f in p.*.json; do
		[ -e "$f" ] || continue
		f=${f#p.}
		echo "${f%.*.json}"
	done | sort
}

is "$(tree)" "$SH
run-exit
run-exit" "without a filter: the shell and its two children"
is "$(cat run.status)" 0 "  exit status 0"
is "$(tree --skip="$SH")" "run-exit
run-exit" "--skip=SHELL: the children only"
is "$(cat run.status) $(cat run.err)" "0 " "  exit status 0, nothing on stderr"
is "$(tree --skip='*sh,make')" "run-exit
run-exit" "--skip with a glob in a list"
is "$(tree --skip=run-exit)" "$SH" "--skip=run-exit: the shell only"
is "$(tree --skip='*')" "" "--skip='*': no profile"
is "$(cat run.status)" 0 "  the run's status all the same"
is "$(tree --follow=run-exit)" "run-exit
run-exit" "--follow=run-exit: run-exit only, under a shell not profiled"
is "$(tree --follow="nothing,$SH")" "$SH" "--follow=SHELL: the shell only"
is "$(tree --follow='run-*' --skip=run-exit)" "" \
	"--skip wins over --follow"
figures_of() {
	for f in p.run-exit.*.json; do
		figures "$f"
	done | sort -u
}
tree --skip="$SH" >/dev/null
is "$(figures_of)" "64 1 64 1 64 1" "  the children's figures are whole"

# The root program itself.
rm -f ./*.json
expect_exit 3 "the root skipped: its status" -- "$RUN" --quiet \
	--skip=run-exit "$E" exit 3
is "$(profiles)" "" "  no profile"
expect_exit 3 "the root followed: its status" -- "$RUN" --quiet \
	--follow=run-exit -o root.json "$E" exit 3
is "$(profiles)" "root.json" "  its profile, under the name given"

# Usage errors.
expect_exit 2 "--skip= (empty)" -- "$RUN" --skip= "$E" exit 0
is "$(head -n 1 err)" "dhat-run: --skip: '': expected GLOB,GLOB,... with no empty glob" \
	"  one message"
expect_exit 2 "--follow=a,,b" -- "$RUN" --follow=a,,b "$E" exit 0
expect_exit 2 "--follow with --no-follow" -- "$RUN" --follow=x --no-follow \
	"$E" exit 0
is "$(head -n 1 err)" "dhat-run: --follow=GLOB,... profiles some of the programs executed: it cannot be combined with --no-follow" \
	"  one message"

done_testing
