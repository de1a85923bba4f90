# SPDX-License-Identifier: MIT
# profile-stats.py - figures of a DHAT profile for the dhat-run tests.
#
#   profile-stats.py FILE [FUNCTION]
#
# Prints one line "TB TBK GB GBK EB EBK" summed over the program points
# (those whose frames name FUNCTION, when given), then the fields a test
# may ask for as KEY=VALUE lines: mode, pid, cmd, tu, te, tg, npps.
# Exit 1 with a message when FILE is not a readable DHAT profile.
import json
import re
import sys


def main():
    path = sys.argv[1]
    func = sys.argv[2] if len(sys.argv) > 2 else None
    try:
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
    except (OSError, ValueError) as e:
        print("profile-stats: %s: %s" % (path, e), file=sys.stderr)
        return 1
    want = None
    if func is not None:
        want = re.compile(r": %s[ (]" % re.escape(func))
    sums = [0] * 6
    for pp in d["pps"]:
        if want is not None and not any(
                want.search(d["ftbl"][i]) for i in pp["fs"]):
            continue
        for k, key in enumerate(("tb", "tbk", "gb", "gbk", "eb", "ebk")):
            sums[k] += pp.get(key, 0)
    print(" ".join(str(x) for x in sums))
    for key in ("mode", "pid", "cmd", "tu", "te", "tg"):
        print("%s=%s" % (key, d.get(key, "")))
    print("npps=%d" % len(d["pps"]))
    return 0


sys.exit(main())
