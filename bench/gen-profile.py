#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""gen-profile.py - write a large, valid, deterministic DHAT heap profile.

Usage: gen-profile.py [-n PPS] [-f FRAMES] [-s SEED] OUT

The default (400,000 program points, 60,000 frames) gives an 80 MB file in
Valgrind's compact layout, the size bench/RESULTS.md times dhat-summarize on.
Stacks are paths through a random call graph with one allocator frame
innermost, so the viewer's tree has realistic fan-out; every stack is
unique, as the viewer requires.
"""
import argparse
import random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", "--pps", type=int, default=400000)
    ap.add_argument("-f", "--frames", type=int, default=60000)
    ap.add_argument("-s", "--seed", type=int, default=1)
    ap.add_argument("-a", "--accesses", action="store_true",
                    help="also write rb, wb and acc (bkacc true)")
    ap.add_argument("out")
    a = ap.parse_args()
    rng = random.Random(a.seed)

    allocs = ["malloc", "calloc", "realloc", "operator new(unsigned long)",
              "aligned_alloc"]
    ftbl = ["[root]"]
    for i, name in enumerate(allocs):
        ftbl.append("0x%x: %s (in /usr/lib/x86_64-linux-gnu/libdhat.so.0)"
                    % (0x4840000 + 16 * i, name))
    nalloc = len(ftbl)
    while len(ftbl) < a.frames:
        i = len(ftbl)
        ftbl.append("0x%x: app::module%d::function_%d (src/module%d/file%d.c:%d:%d)"
                    % (0x55cd25980000 + 13 * i, i % 97, i, i % 97, i % 13,
                       1 + i % 900, 1 + i % 40))
    nf = len(ftbl)
    # A call graph: each frame calls a few others with larger indices, so
    # that paths from the outermost frames fan out like real programs.
    callees = {}
    seen = set()
    pps = []
    mains = list(range(nf - 40, nf))
    while len(pps) < a.pps:
        depth = rng.randint(6, 14)
        f = rng.choice(mains)
        stack = [f]
        for _ in range(depth):
            cs = callees.get(f)
            if cs is None:
                cs = [rng.randrange(nalloc, nf - 40) for _ in range(rng.randint(2, 6))]
                callees[f] = cs
            f = rng.choice(cs)
            stack.append(f)
        stack.append(rng.randrange(1, nalloc))
        stack.reverse()
        t = tuple(stack)
        if t in seen:
            continue
        seen.add(t)
        tbk = rng.randint(1, 5000)
        size = rng.choice([8, 16, 24, 32, 64, 100, 256, 1000, 4096, 65536])
        tb = tbk * size
        mbk = rng.randint(0, min(tbk, 50))
        gbk = rng.randint(0, mbk)
        ebk = rng.randint(0, gbk)
        acc = ""
        if a.accesses:
            rb = rng.choice([0, rng.randint(0, tb // 2), rng.randint(0, tb * 3000)])
            wb = rng.choice([0, rng.randint(0, tb // 2), rng.randint(0, tb * 3)])
            acc = '\n  ,"rb":%d,"wb":%d' % (rb, wb)
            if size <= 64 and rng.random() < 0.5:
                runs, left = [], size
                while left > 0:
                    n = rng.randint(1, left)
                    v = rng.choice([0, 1, 7, 65535])
                    runs.append("%d,%d" % (-n, v) if n > 1 else "%d" % v)
                    left -= n
                acc += '\n  ,"acc":[%s]' % ",".join(runs)
        pps.append((tb, tbk, rng.randint(0, 10**7), mbk * size, mbk,
                    gbk * size, gbk, ebk * size, ebk, acc, t))
    te = 10**9
    with open(a.out, "w") as out:
        out.write('{"dhatFileVersion":2\n,"mode":"heap","verb":"Allocated"\n'
                  ',"bklt":true,"bkacc":%s\n,"tu":"instrs","Mtu":"Minstr"\n'
                  ',"tuth":500\n,"cmd":"./bench-program --big"\n,"pid":4242\n'
                  ',"te":%d\n,"tg":%d\n,"pps":\n [' % ("true" if a.accesses else "false", te, te // 2))
        for i, (tb, tbk, tl, mb, mbk, gb, gbk, eb, ebk, acc, fs) in enumerate(pps):
            out.write('%s{"tb":%d,"tbk":%d\n  ,"tl":%d\n  ,"mb":%d,"mbk":%d\n'
                      '  ,"gb":%d,"gbk":%d\n  ,"eb":%d,"ebk":%d%s\n  ,"fs":[%s]\n  }'
                      % ("\n ," if i else "", tb, tbk, tl, mb, mbk, gb, gbk,
                         eb, ebk, acc, ",".join(map(str, fs))))
        out.write("\n ]\n,\"ftbl\":\n [")
        out.write("\n ,".join('"%s"' % s for s in ftbl))
        out.write("\n ]\n}\n")


if __name__ == "__main__":
    main()
