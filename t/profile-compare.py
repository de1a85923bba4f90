# SPDX-License-Identifier: MIT
# profile-compare.py - do two DHAT heap profiles of the same program agree?
#
#   profile-compare.py A B
#
# Program points are matched by their frames below the allocator frame,
# each reduced to function, file name and line, so that a profile by
# libdhat and one by Valgrind's DHAT (different addresses, allocator
# frames, path and column styles) can be compared.  The figures compared
# are tb tbk mb mbk gb gbk eb ebk.  Prints "same" and exits 0, or prints
# each difference and exits 1.
import json
import re
import sys

FIELDS = ("tb", "tbk", "mb", "mbk", "gb", "gbk", "eb", "ebk")
FRAME = re.compile(r"0x[0-9a-fA-F]+: (.*?) \((?:.*/)?([^/:()]+):(\d+)")


def load(path):
    with open(path, encoding="utf-8") as f:
        d = json.load(f)
    pps = {}
    for pp in d["pps"]:
        key = []
        for i in pp["fs"][1:]:
            m = FRAME.match(d["ftbl"][i])
            key.append("%s %s:%s" % m.groups() if m else
                       d["ftbl"][i].split(": ", 1)[-1])
        key = " < ".join(key)
        figs = [pp[k] for k in FIELDS]
        if key in pps:
            figs = [a + b for a, b in zip(pps[key], figs)]
        pps[key] = figs
    return pps


def main():
    a, b = load(sys.argv[1]), load(sys.argv[2])
    bad = 0
    for key in sorted(set(a) | set(b)):
        fa, fb = a.get(key), b.get(key)
        if fa != fb:
            print("%s: %s vs %s" % (key, fa, fb))
            bad = 1
    if not bad:
        print("same")
    return bad


sys.exit(main())
