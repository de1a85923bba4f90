# SPDX-License-Identifier: MIT
# profile-stats.py - figures of a DHAT profile for the dhat-run tests.
#
#   profile-stats.py FILE [FUNCTION | FILE:LINE:]
#
# Prints one line "TB TBK GB GBK EB EBK" summed over the program points
# (those with a frame of FUNCTION, or at FILE:LINE:, when given), then
# KEY=VALUE lines:
# tl (summed like the first line), the file's mode, pid, cmd, tu, te, tg,
# partial,
# npps (all program points), maxfs (frames of the longest of the
# program points summed) and end
# (how the process ended: "exit 3", "signal SIGSEGV 11", "drop", ...).
# Exit 1 with a message when FILE is not a readable DHAT profile.
import json
import re
import signal
import sys


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    path = sys.argv[1]
    func = sys.argv[2] if len(sys.argv) > 2 else None
    try:
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
    except (OSError, ValueError) as e:
        print("profile-stats: %s: %s" % (path, e), file=sys.stderr)
        return 1
    want = None
    if func is not None and ":" in func:
        want = re.compile(r"[ (/]%s" % re.escape(func))
    elif func is not None:
        want = re.compile(r": %s[ (]" % re.escape(func))
    sums = [0] * 6
    tl = maxfs = 0
    for pp in d["pps"]:
        if want is not None and not any(
                want.search(d["ftbl"][i]) for i in pp["fs"]):
            continue
        maxfs = max(maxfs, len(pp["fs"]))
        for k, key in enumerate(("tb", "tbk", "gb", "gbk", "eb", "ebk")):
            sums[k] += pp.get(key, 0)
        tl += pp.get("tl", 0)
    print(" ".join(str(x) for x in sums))
    print("tl=%d" % tl)
    for key in ("mode", "pid", "cmd", "tu", "te", "tg", "partial"):
        print("%s=%s" % (key, d.get(key, "")))
    print("npps=%d" % len(d["pps"]))
    print("maxfs=%d" % maxfs)
    end = d.get("end", {})
    print("end=%s" % " ".join(
        str(end[k]) for k in ("by", "status", "signalName", "signal")
        if k in end))
    return 0


sys.exit(main())
