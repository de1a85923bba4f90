# SPDX-License-Identifier: MIT
# profile-compare.py - do two DHAT heap profiles of the same program agree?
#
#   profile-compare.py [--exact] A B
#
# Program points are matched by their frames below the allocator frame,
# each reduced to function, file name and line, so that a profile by
# libdhat and one by Valgrind's DHAT (different addresses, allocator
# frames, path and column styles) can be compared.  The figures compared
# are tb tbk mb mbk gb gbk eb ebk.  Prints "same" and exits 0, or prints
# each difference and exits 1.
#
# With --exact, for two profiles of the same binaries at the same
# addresses: program points are matched by their whole frame lines,
# addresses included, and every figure of a program point is compared
# (all of its fields but fs), so that one block filed under another
# stack is a difference.
import json
import re
import sys

FIELDS = ("tb", "tbk", "mb", "mbk", "gb", "gbk", "eb", "ebk")
FRAME = re.compile(r"0x[0-9a-fA-F]+: (.*?) \((?:.*/)?([^/:()]+):(\d+)")


def load_exact(path):
    with open(path, encoding="utf-8") as f:
        d = json.load(f)
    pps = {}
    for pp in d["pps"]:
        key = " < ".join(d["ftbl"][i] for i in pp["fs"])
        figs = {k: v for k, v in pp.items() if k != "fs"}
        if key in pps:
            figs["duplicate"] = True
        pps[key] = figs
    return pps


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
    args = sys.argv[1:]
    read = load
    if args and args[0] == "--exact":
        read = load_exact
        args = args[1:]
    a, b = read(args[0]), read(args[1])
    bad = 0
    for key in sorted(set(a) | set(b)):
        fa, fb = a.get(key), b.get(key)
        if fa != fb:
            print("%s: %s vs %s" % (key, fa, fb))
            bad = 1
    if not bad:
        print("same")
    elif read is load_exact:
        keys = set(a) | set(b)
        moved = sum(abs(a.get(k, {}).get("tbk", 0) -
                        b.get(k, {}).get("tbk", 0)) for k in keys)
        counts = [k for k in keys
                  if (a.get(k) or {}).get("tb") != (b.get(k) or {}).get("tb")
                  or (a.get(k) or {}).get("tbk") != (b.get(k) or {}).get("tbk")]
        print("differ: %d of %d program points, %d in their blocks or "
              "bytes, %d blocks moved" %
              (sum(1 for k in keys if a.get(k) != b.get(k)), len(keys),
               len(counts), moved // 2))
    return bad


sys.exit(main())
