#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# ppfield.py - print figures of a DHAT profile for the shell tests.
#
#   ppfield.py FILE FUNC    the fields of the one program point with a frame
#                           in function FUNC: "tb=.. tbk=.. mb=.. ...";
#                           "none" or "ambiguous N" otherwise
#   ppfield.py FILE --frames FUNC
#                           that program point's function names, innermost
#                           first, space separated
#   ppfield.py FILE --tl FUNC
#                           that program point's tl
#   ppfield.py FILE --times tu, Mtu, tuth, tg, te
#   ppfield.py FILE --top   the top-level fields (mode, tu, sums of PPs)
#   ppfield.py FILE --all   one line of fields per program point
#   ppfield.py FILE --keys  the top-level keys in file order, then "|" and
#                           the keys of the program points
#   ppfield.py FILE --meta  mode, verb, bklt, bkacc, bu, bsu, bksu
#   ppfield.py FILE --check structural checks: prints "ok" or the problem
#                           (ad hoc: stacks start at dhat_ad_hoc_event)
import json
import re
import sys

FIELDS = ("tb", "tbk", "mb", "mbk", "gb", "gbk", "eb", "ebk")
ALLOCATORS = ("malloc", "calloc", "realloc", "reallocarray", "memalign",
              "aligned_alloc", "posix_memalign", "valloc", "pvalloc")
FUNC = re.compile(r"^0x[0-9a-f]+: (.*?) \((?:in )?[^()]*\)$")


def funcname(frame):
    m = FUNC.match(frame)
    return m.group(1) if m else frame


def fields(pp):
    return " ".join("%s=%s" % (f, pp[f]) for f in FIELDS if f in pp)


def main():
    path, what = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as f:
        d = json.load(f)
    ftbl = d["ftbl"]
    pps = d["pps"]
    if what == "--top":
        sums = {f: sum(pp.get(f, 0) for pp in pps) for f in FIELDS}
        print("mode=%s tu=%s Mtu=%s tuth=%s pps=%d %s" % (
            d["mode"], d["tu"], d["Mtu"], d.get("tuth"), len(pps),
            " ".join("%s=%d" % (f, sums[f]) for f in FIELDS)))
        return 0
    if what == "--times":
        print("tu=%s Mtu=%s tuth=%s tg=%s te=%s" % (
            d["tu"], d["Mtu"], d.get("tuth"), d.get("tg"), d["te"]))
        return 0
    if what == "--keys":
        keys = []
        for pp in pps:
            keys += [k for k in pp if k not in keys]
        print(" ".join(list(d) + ["|"] + keys))
        return 0
    if what == "--meta":
        print(" ".join("%s=%s" % (k, json.dumps(d.get(k))) for k in (
            "mode", "verb", "bklt", "bkacc", "bu", "bsu", "bksu")))
        return 0
    if what == "--all":
        for pp in pps:
            print(fields(pp))
        return 0
    if what == "--check":
        first = ALLOCATORS
        if d["mode"] == "ad-hoc":
            first = ("dhat_ad_hoc_event",)
        if ftbl[0] != "[root]":
            print("ftbl[0] is not [root]")
            return 0
        if len(set(ftbl)) != len(ftbl):
            print("duplicate frame strings")
            return 0
        seen = set()
        for pp in pps:
            fs = tuple(pp["fs"])
            if fs in seen:
                print("duplicate fs %s" % (fs,))
                return 0
            seen.add(fs)
            if any(i <= 0 or i >= len(ftbl) for i in fs):
                print("fs index out of range")
                return 0
            if not fs or funcname(ftbl[fs[0]]) not in first:
                print("first frame is not an allocator: %s" %
                      (ftbl[fs[0]] if fs else "(none)"))
                return 0
            names = [funcname(ftbl[i]) for i in fs]
            if any(n.startswith("dhat_") for n in names[1:]):
                print("libdhat frame in a stack: %s" % names)
                return 0
        print("ok")
        return 0
    frames = what == "--frames"
    tl = what == "--tl"
    if frames or tl:
        what = sys.argv[3]
    hits = [pp for pp in pps
            if any(funcname(ftbl[i]) == what for i in pp["fs"])]
    if not hits:
        print("none")
    elif len(hits) > 1:
        print("ambiguous %d" % len(hits))
    elif frames:
        print(" ".join(funcname(ftbl[i]) for i in hits[0]["fs"]))
    elif tl:
        print(hits[0]["tl"])
    else:
        print(fields(hits[0]))
    return 0


sys.exit(main())
