# SPDX-License-Identifier: MIT
# stack-shapes.py - do two heap profiles of the same program, one by
# libdhat and one by Valgrind's DHAT, have the same stacks?
#
#   stack-shapes.py A B [--ignore FUNCTION]...
#
# Each program point becomes its allocation function (the name of its
# first frame) and its other frames, each reduced to file name and line
# (or, without a line, function and object), with the start code below
# main, a thread's start routine or a constructor dropped from its end:
# the tools name it differently (clone3 and clone, "(below main)").  The
# points are compared with their blocks and bytes; points with a frame in
# one of the FUNCTIONs are left out.  Prints "same" and exits 0, or each
# difference and exits 1.
import json
import re
import sys

FRAME = re.compile(r"0x[0-9a-fA-F]+: (.*?) \((?:(?:.*/)?([^/:()]+):(\d+)"
                   r"(?::\d+)?|in (.*))\)$")
START = {"(below main)", "_start", "start_thread", "clone", "clone3",
         "__clone", "__clone3", "_dl_start_user"}


def frame(s):
    m = FRAME.match(s)
    if not m:
        return s, None, None, ""
    fn, file, line, obj = m.groups()
    return fn, file, line, obj or ""


def start_code(fr):
    fn, file, _line, obj = fr
    return (fn in START or fn.startswith("__libc_start_main") or
            (fn == "call_init" and file == "libc-start.c") or
            (fn == "???" and "/ld-linux" in obj))


def load(path, ignore):
    with open(path, encoding="utf-8") as f:
        d = json.load(f)
    pps = {}
    for pp in d["pps"]:
        frames = [frame(d["ftbl"][i]) for i in pp["fs"]]
        if any(fr[0] in ignore for fr in frames):
            continue
        rest = frames[1:]
        while rest and start_code(rest[-1]):
            rest.pop()
        key = [frames[0][0] if frames else "?"]
        for fn, file, line, obj in rest:
            key.append("%s:%s" % (file, line) if file else
                       "%s in %s" % (fn, obj.rsplit("/", 1)[-1]))
        key = " < ".join(key)
        tb, tbk = pps.get(key, (0, 0))
        pps[key] = (tb + pp["tb"], tbk + pp["tbk"])
    return pps


def main():
    args, ignore = [], set()
    argv = sys.argv[1:]
    while argv:
        a = argv.pop(0)
        if a == "--ignore":
            ignore.add(argv.pop(0))
        else:
            args.append(a)
    a, b = load(args[0], ignore), load(args[1], ignore)
    bad = 0
    for key in sorted(set(a) | set(b)):
        if a.get(key) != b.get(key):
            print("%s: %s vs %s" % (key, a.get(key), b.get(key)))
            bad = 1
    if not bad:
        print("same")
    return bad


sys.exit(main())
