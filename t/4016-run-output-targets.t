#!/bin/sh
# SPDX-License-Identifier: MIT
# Output that fights back: a pipe whose reader leaves early (no death by
# SIGPIPE), a FIFO that nobody reads (a time-out, not a hang), a umask
# that makes the profile unreadable to its owner (a warning), a file
# size limit (no death by SIGXFSZ, no temporary file left), and
# dhat-run --error-exitcode, which turns a lost profile into an exit
# status.  The program, run-output, always exits 3: that status must
# come through unchanged.
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

have_python || skip_all "python3 is needed to read the profiles"
command -v timeout >/dev/null || skip_all "timeout(1) is needed"
O=$PROG/run-output
# deep 500 with every frame: 500 blocks of 16 bytes, live at the end,
# in a profile of about 300 KB, more than a pipe's buffer.
DEEP="8000 500 8000 500 8000 500"

# (a) A pipe whose reader exits after 100 bytes.
"$RUN" --quiet --frames=all -o whole.json "$O" deep 500 2>/dev/null
is "$(figures whole.json)" "$DEEP" "the deep profile's figures"
size=$(wc -c <whole.json)
[ "$size" -gt 200000 ]
ok $? "  it is bigger than a pipe's buffer ($size bytes)"
{ timeout 60 "$RUN" --quiet --frames=all -o /dev/stdout "$O" deep 500 \
	2>err; echo $? >status; } | head -c 100 >head.out
is "$(cat status)" 3 "-o /dev/stdout into a pipe closed early: the \
program's status, no SIGPIPE"
is "$(wc -c <head.out)" 100 "  the reader got its 100 bytes"
is "$(cat err)" "dhat: error: Writing to /dev/stdout failed: Broken pipe" \
	"  one message"
{ timeout 60 "$RUN" --quiet --frames=all -o /dev/stdout "$O" catch 500 \
	2>err; echo $? >status; } | head -c 100 >head.out
is "$(cat status)" 3 "the same, the program handling SIGPIPE: its status"
is "$(cat err)" "dhat: error: Writing to /dev/stdout failed: Broken pipe" \
	"  its handler never sees libdhat's SIGPIPE"
{ timeout 60 "$RUN" --quiet --frames=all -o /dev/stdout "$O" deep 500 \
	2>err; echo $? >status; } >piped.json
is "$(cat status)" 3 "-o /dev/stdout into a pipe read to the end: status"
is "$(figures piped.json)" "$DEEP" "  the whole profile"

# (b) A FIFO: read after a while, then never.
mkfifo fifo
(sleep 1; exec cat fifo >fifo.json) &
expect_exit 3 "a FIFO whose reader comes a second late" -- \
	timeout 60 "$RUN" --quiet -o fifo "$O" deep 5
wait
is "$(figures fifo.json)" "80 5 80 5 80 5" "  gets the profile"
start=$(date +%s)
expect_exit 3 "a FIFO that nobody opens: the program's status" -- \
	timeout 60 "$RUN" --quiet -o fifo "$O" deep 5
took=$(($(date +%s) - start))
is "$(cat err)" "dhat: error: Writing to $TRASH/fifo failed: nothing read \
it for 10 seconds" "  one message, after the time-out"
[ "$took" -ge 9 ] && [ "$took" -le 40 ]
ok $? "  after about 10 seconds (took $took)"

# (c) A umask that leaves the owner no read permission.
(umask 0477 && exec "$RUN" --quiet -o um.json "$O" deep 5) >out 2>err
is "$?" 3 "umask 0477: the program's status"
is "$(cat err)" "dhat: warning: $TRASH/um.json cannot be read by its \
owner (mode 0200, from the umask)" "  one warning"
chmod u+r um.json
is "$(figures um.json)" "80 5 80 5 80 5" "  the profile is written"
(umask 0077 && exec "$RUN" --quiet -o um2.json "$O" deep 5) >out 2>err
is "$(cat err)" "" "umask 0077: no warning"

# (d) --error-exitcode.
expect_exit 3 "no --error-exitcode: a lost profile, the program's status" \
	-- "$RUN" --quiet -o /dev/full "$O" deep 5
expect_exit 9 "--error-exitcode=9: a lost profile gives 9" -- \
	"$RUN" --quiet --error-exitcode=9 -o /dev/full "$O" deep 5
is "$(cat err)" \
	"dhat: error: Writing to /dev/full failed: No space left on device" \
	"  the one message is libdhat's"
expect_exit 9 "--error-exitcode=9: a missing directory gives 9" -- \
	"$RUN" --quiet --error-exitcode=9 -o nodir/p.json "$O" deep 5
expect_exit 9 "--error-exitcode=9: a lost profile of a child gives 9" -- \
	"$RUN" --quiet --error-exitcode=9 -o 'nodir/c%p.json' \
	"$PROG/run-fork" "$O" deep 5
expect_exit 3 "--error-exitcode=9: a saved profile, the program's status" \
	-- "$RUN" --quiet --error-exitcode=9 -o ok.json "$O" deep 5
is "$(figures ok.json)" "80 5 80 5 80 5" "  the profile"
expect_exit 3 "--error-exitcode=0: the program's status" -- \
	"$RUN" --quiet --error-exitcode=0 -o /dev/full "$O" deep 5
expect_exit 2 "--error-exitcode=256: a usage error" -- \
	"$RUN" --error-exitcode=256 "$O" deep 5
is "$(head -n 1 err)" "dhat-run: --error-exitcode: '256': expected a \
number from 0 to 255" "  with one message"
mkdir tmp
TMPDIR=$TRASH/tmp "$RUN" --quiet --error-exitcode=9 -o /dev/full \
	"$O" deep 5 2>/dev/null
is "$(ls -A tmp)" "" "the status file is removed"

# (e) A file size limit of 1 block: writing fails with EFBIG instead of
# SIGXFSZ killing the program, and nothing is left.  Without dhat-run,
# whose helper writes copies of debug files.
mkdir lim
(cd lim && ulimit -f 1 && exec env DHAT_RUN=1 DHAT_QUIET=1 \
	DHAT_OUTPUT=big.json DHAT_FRAMES=all LD_PRELOAD="$DHAT_PRELOAD" \
	"$O" deep 500) >out 2>err
is "$?" 3 "ulimit -f 1: the program's status, no SIGXFSZ"
is "$(cat err)" "dhat: error: Writing to $TRASH/lim/big.json failed: File \
too large" "  one message"
is "$(ls -A lim)" "" "  no profile, no temporary file"

done_testing
