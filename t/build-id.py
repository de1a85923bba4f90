#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# build-id.py - the GNU build ID of an ELF64 little-endian object, from its
# PT_NOTE segments, as the loader sees it (lib/build_id.c).
#
#   build-id.py FILE            print it in hexadecimal ("none" if none)
#   build-id.py FILE flip OUT   a copy of FILE whose build ID differs in
#                               its last byte: another build, same code
#   build-id.py FILE drop OUT   a copy whose note is no build ID any more
import struct
import sys

NT_GNU_BUILD_ID = 3


def find(d):
    """Offsets of the build ID note's type and descriptor, and its size."""
    if d[:4] != b"\x7fELF" or d[4] != 2 or d[5] != 1:
        sys.exit("build-id.py: not an ELF64 little-endian file")
    phoff, = struct.unpack_from("<Q", d, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", d, 0x36)
    for i in range(phnum):
        ph = phoff + i * phentsize
        ptype, = struct.unpack_from("<I", d, ph)
        off, = struct.unpack_from("<Q", d, ph + 8)
        size, = struct.unpack_from("<Q", d, ph + 32)
        align, = struct.unpack_from("<Q", d, ph + 48)
        if ptype != 4:            # PT_NOTE
            continue
        a = 8 if align == 8 else 4
        at = off
        while at + 12 <= off + size:
            namesz, descsz, ntype = struct.unpack_from("<III", d, at)
            desc = at + ((12 + namesz + a - 1) & ~(a - 1))
            if ntype == NT_GNU_BUILD_ID and d[at + 12:at + 16] == b"GNU\0":
                return at + 8, desc, descsz
            at = (desc + descsz + a - 1) & ~(a - 1)
    return None


def main():
    d = bytearray(open(sys.argv[1], "rb").read())
    hit = find(d)
    if len(sys.argv) == 2:
        print(d[hit[1]:hit[1] + hit[2]].hex() if hit else "none")
        return 0
    if hit is None:
        sys.exit("build-id.py: %s has no build ID" % sys.argv[1])
    if sys.argv[2] == "flip":
        d[hit[1] + hit[2] - 1] ^= 0xff
    else:
        struct.pack_into("<I", d, hit[0], 0x7fff)
    with open(sys.argv[3], "wb") as f:
        f.write(d)
    return 0


sys.exit(main())
