# SPDX-License-Identifier: MIT
"""many-sites.py: a profile on stdout with one wide stack (main -> big,
3,000,000 bytes) and 3,000 narrow ones (main -> fN, 10 bytes each), each
in a function of its own: what a flame graph must gather into "other"."""
import json

ftbl = ["[root]", "0x1: main (m.c:1)", "0x2: big (m.c:2)"]
pps = [{"tb": 3000000, "tbk": 1, "fs": [2, 1]}]
for i in range(3000):
    ftbl.append("0x%x: f%d (m.c:%d)" % (16 + i, i, 10 + i))
    pps.append({"tb": 10, "tbk": 1, "fs": [len(ftbl) - 1, 1]})
print(json.dumps({"dhatFileVersion": 2, "mode": "ad-hoc", "verb": "Occurred",
                  "bklt": False, "bkacc": False, "tu": "i", "Mtu": "Mi",
                  "cmd": "many", "pid": 1, "te": 1, "pps": pps,
                  "ftbl": ftbl}))
