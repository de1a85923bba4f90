# SPDX-License-Identifier: MIT
# hostile-text.py - two heap profiles whose strings hold what a profile
# from anywhere may hold: escaped and raw controls (ESC sequences, BEL,
# DEL, C1 such as the 8-bit CSI and NEL), bytes that are not UTF-8, lone
# surrogates, and the specials of the tools' formats.
#
#   hostile-text.py OLD NEW
#
# OLD and NEW share the command, units and frames; NEW has one PP grown,
# one gone and one new, so that dhat-diff lists every kind.
import sys

FRAMES = [
    rb'0x1: evil\u001b[2J\u001b]0;title\u0007 (a.c:1:1)',
    b'0x2: c1\xc2\x9b31m\xc2\x85' + rb'\u009b\u0085 (b.c:2:2)',
    b'0x3: bad\xff\xfe\xc0\xaf\xed\xa0\x80\xe2\x82 end (c.c:3:3)',
    rb'0x4: sur\ud800x\udc00y\ud83d\ude00 (d.c:4:4)',
    b'0x5: del\x7f' + rb'\u007f;semi#hash<&>\"' + b"' (e.c:5:5)",
    rb'0x6: nl\n\ttab\r (f.c:6:6)',
]
CMD = rb'prog \u001b[31mred' + b'\xc2\x9b\xff' + rb'\ud800 \u009b'


def profile(pps):
    out = [b'{"dhatFileVersion":2,"mode":"heap","verb":"Allocated",'
           b'"bklt":true,"bkacc":true,"tu":"instrs","Mtu":"Minstr",'
           b'"bsu":"b\xffytes\\u001b","bksu":"bl\xc2\x85ocks",'
           b'"tuth":500,"cmd":"' + CMD + b'","pid":7,"te":1000,"tg":500,'
           b'"incomplete":true,'
           b'"incompleteReason":"oom\\u001b[2J\xc2\x9b\xff","pps":[']
    for i, (tb, fs) in enumerate(pps):
        out.append((b',' if i else b'') + (
            '{"tb":%d,"tbk":2,"tl":%d,"mb":%d,"mbk":1,"gb":%d,"gbk":1,'
            '"eb":%d,"ebk":1,"rb":%d,"wb":%d,"fs":[%s]}' % (
                tb, 10 * tb, tb, tb, tb, tb, tb,
                ','.join(map(str, fs)))).encode())
    out.append(b'],"ftbl":["[root]"')
    for f in FRAMES:
        out.append(b',"' + f + b'"')
    out.append(b']}\n')
    return b''.join(out)


open(sys.argv[1], 'wb').write(
    profile([(1000, [1, 2]), (500, [3, 4]), (200, [5, 6])]))
open(sys.argv[2], 'wb').write(
    profile([(3000, [1, 2]), (500, [3, 4]), (700, [6, 1])]))
