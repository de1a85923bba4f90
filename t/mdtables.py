# SPDX-License-Identifier: MIT
"""mdtables.py FILE...: every Markdown table in each FILE has rows of as
many cells as its header (a '|' from a profile would add one), and every
code span is closed.  Exit status 1, with the line, when one does not."""
import re
import sys

bad = 0
for path in sys.argv[1:]:
    cells = None
    for no, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if not line.startswith("|"):
            cells = None
        else:
            n = len(re.findall(r"(?<!\\)\|", line))
            if cells is None:
                cells = n
            elif n != cells:
                print("%s:%d: %d cells, the header has %d" %
                      (path, no, n - 1, cells - 1))
                bad = 1
        if line.count("`") % 2:
            print("%s:%d: a code span left open" % (path, no))
            bad = 1
sys.exit(bad)
