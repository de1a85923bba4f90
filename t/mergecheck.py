#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# mergecheck.py - an independent model of dhat-merge for the 7xxx tests.
#
#   mergecheck.py canon [--scale K] FILE...
#       what merging FILEs must give, one canonical line per program point
#       (keyed by its stack without addresses, sorted) after a header line;
#       --scale K multiplies every count and peak (acc latched at 65535),
#       as merging K copies of one file must
#   mergecheck.py totals FILE...
#       the sums of every per-PP field over all FILEs
#   mergecheck.py field FILE KEY
#       a top-level field as Python prints it ("pps": their number)
#   mergecheck.py edit FILE KEY=JSON... >OUT
#       FILE with top-level fields replaced (KEY=- deletes them); PP.KEY=
#       sets (or with - deletes) a per-PP field in every program point
import json
import re
import sys

ADDR = re.compile(r"^0x[0-9a-fA-F]+: ")
COUNTS = ("tb", "tbk", "tl", "mb", "mbk", "gb", "gbk", "eb", "ebk", "rb", "wb")
KIND = {"heap": "heap", "rust-heap": "heap",
        "ad-hoc": "ad-hoc", "rust-ad-hoc": "ad-hoc"}


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def acc_decode(acc):
    out, i = [], 0
    while i < len(acc):
        if acc[i] < 0:
            out += [acc[i + 1]] * -acc[i]
            i += 2
        else:
            out.append(acc[i])
            i += 1
    return out


def merge(files, scale=1):
    docs = [load(f) for f in files] * scale
    first = docs[0]
    bklt = all(d["bklt"] for d in docs)
    bkacc = all(d["bkacc"] for d in docs)
    head = {
        "kind": KIND.get(first["mode"], first["mode"]),
        "tu": first["tu"], "Mtu": first["Mtu"],
        "bklt": bklt, "bkacc": bkacc,
        "te": max(d["te"] for d in docs),
    }
    for d in docs:
        assert KIND.get(d["mode"], d["mode"]) == head["kind"], "mixed modes"
        assert (d["tu"], d["Mtu"]) == (head["tu"], head["Mtu"]), "units"
    if bklt:
        head["tg"] = max(d["tg"] for d in docs)
        head["tuth"] = first["tuth"]
    allowed = {"tb", "tbk"}
    if bklt:
        allowed |= {"tl", "mb", "mbk", "gb", "gbk", "eb", "ebk"}
    if bkacc:
        allowed |= {"rb", "wb", "acc"}
    pps = {}
    for d in docs:
        ftbl = d["ftbl"]
        for pp in d["pps"]:
            key = tuple(ADDR.sub("", ftbl[i]) for i in pp["fs"])
            cur = pps.get(key)
            if cur is None:
                cur = pps[key] = {k: pp[k] for k in pp if k in allowed}
                if "acc" in cur:
                    cur["acc"] = acc_decode(cur["acc"])
                continue
            for k in list(cur):
                if k not in pp:
                    del cur[k]
                elif k == "acc":
                    other = acc_decode(pp["acc"])
                    if len(other) != len(cur["acc"]):
                        del cur[k]
                    else:
                        cur[k] = [min(65535, a + b)
                                  for a, b in zip(cur[k], other)]
                else:
                    cur[k] += pp[k]
    return head, pps


def canon(args):
    scale = 1
    if args[:1] == ["--scale"]:
        scale = int(args[1])
        args = args[2:]
    head, pps = merge(args, scale)
    print(" ".join("%s=%s" % (k, head[k]) for k in sorted(head)))
    for key in sorted(pps):
        pp = pps[key]
        fields = []
        for k in COUNTS:
            if k in pp:
                fields.append("%s=%d" % (k, pp[k]))
        if "acc" in pp:
            fields.append("acc=" + ",".join(map(str, pp["acc"])))
        print(" | ".join(key) + "\t" + " ".join(fields))


def totals(args):
    sums = dict.fromkeys(COUNTS, 0)
    for f in args:
        for pp in load(f)["pps"]:
            for k in COUNTS:
                sums[k] += pp.get(k, 0)
    print(" ".join("%s=%d" % (k, sums[k]) for k in COUNTS))


def field(args):
    v = load(args[0])[args[1]]
    print(len(v) if args[1] == "pps" else v)


def edit(args):
    d = load(args[0])
    for a in args[1:]:
        k, v = a.split("=", 1)
        if k.startswith("PP."):
            for pp in d["pps"]:
                if v == "-":
                    pp.pop(k[3:], None)
                else:
                    pp[k[3:]] = json.loads(v)
        elif v == "-":
            d.pop(k, None)
        else:
            d[k] = json.loads(v)
    json.dump(d, sys.stdout, ensure_ascii=False)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    {"canon": canon, "totals": totals, "field": field,
     "edit": edit}[cmd](args)


if __name__ == "__main__":
    main()
