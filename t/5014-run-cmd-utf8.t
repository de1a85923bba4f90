#!/bin/sh
# A profile is valid UTF-8 JSON whatever bytes the command line holds:
# libdhat writes a byte that starts no UTF-8 sequence as U+FFFD and the
# controls (ESC, DEL, C1) as \u escapes, so the file loads strictly and
# sends nothing to a terminal that shows it.
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

have_python || skip_all "python3 is needed to read the profiles"

plan 6

# Arguments: a lone 0xff, a CSI that clears the screen, the 8-bit CSI
# (C2 9B) and NEL (C2 85), DEL, a surrogate encoded as UTF-8 (ED A0 80),
# an overlong '/' (C0 AF), a sequence cut short (E2 82), JSON's own
# specials and a valid e-acute and euro sign.
expect_exit 0 "run-basic with invalid UTF-8 and controls in argv" -- \
	"$RUN" --quiet -o p.json "$PROG/run-basic" "$(printf 'a\377b')" \
	"$(printf '\033[2J')" "$(printf '\302\233x\302\205')" \
	"$(printf 'd\177')" "$(printf '\355\240\200')" "$(printf '\300\257')" \
	"$(printf '\342\202')" 'q"\' "$(printf '\303\251\342\202\254')"

"$PYTHON3" "$srcdir_t/textcheck.py" --json p.json >check.out 2>&1
ok $? "the profile is strict UTF-8 JSON with no raw control character"
sed 's/^/# /' check.out

"$PYTHON3" -c 'import json, sys
cmd = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))["cmd"]
want = " ".join([sys.argv[2], "a\ufffdb", "\x1b[2J", "\x9bx\x85", "d\x7f",
    "\ufffd" * 3, "\ufffd" * 2, "\ufffd" * 2, "q\"\\", "\xe9\u20ac"])
if cmd != want:
    print("got  %r\nwant %r" % (cmd, want))
    sys.exit(1)' p.json "$PROG/run-basic" >cmd.out 2>&1
ok $? "cmd: invalid bytes are U+FFFD each, controls and text kept"
sed 's/^/# /' cmd.out

# The controls are escaped, never raw: the file itself is plain text.
grep -c 'u001b\[2J \\u009bx\\u0085 d\\u007f' p.json >/dev/null
ok $? "ESC, C1 and DEL are written as \\u escapes"

"$abs_top_builddir/dhat-summarize" p.json >sum.out 2>&1
ok $? "dhat-summarize reads the profile"

viewer_loads p.json "the viewer loads the profile"

done_testing
