#!/usr/bin/python3
# tests/replay/corpus-relink.py - rewrite an Ethernet pcap into another link layer,
# keeping every timestamp and every IP byte as it was (used by
# tests/replay/make-corpus.sh for the link-type variants of the replay corpus).
#
#   corpus-relink.py MODE IN OUT
#
#   vlan   EN10MB, an 802.1Q tag (TPID 0x8100, VLAN 77) in every frame
#   qinq   EN10MB, 802.1ad outer tag (TPID 0x88a8, VLAN 100) and 802.1Q
#          inner tag (VLAN 77) in every frame
#   null   DLT_NULL (0): 4-byte address family in little-endian order, as
#          macOS writes it (AF_INET 2, AF_INET6 30); non-IP frames dropped
#   loop   DLT_LOOP (108): 4-byte address family in network order, as
#          OpenBSD writes it (AF_INET 2, AF_INET6 24); non-IP dropped
#   raw    LINKTYPE_RAW (101): the bare IP packet; non-IP dropped
#   ipv4   LINKTYPE_IPV4 (228): bare IPv4 only; everything else dropped
#   ipv6   LINKTYPE_IPV6 (229): bare IPv6 only; everything else dropped
#
#   corpus-relink.py head K IN OUT   the file header and the first K records,
#                                    byte for byte (any link type)
#   corpus-relink.py cut K IN OUT    the same plus the header and half the
#                                    data of record K+1: a capture cut short
#                                    in the middle of a record
#
# Input: classic pcap (micro- or nanosecond, either byte order), link type
# EN10MB.  Output: classic pcap, little-endian, same timestamp resolution.
import struct
import sys

MODES = {"vlan": 1, "qinq": 1, "null": 0, "loop": 108, "raw": 101,
         "ipv4": 228, "ipv6": 229}


def head(k, src, dst, cut):
    with open(src, "rb") as f:
        data = f.read()
    e = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    off = 24
    for _ in range(k):
        caplen = struct.unpack(e + "I", data[off + 8:off + 12])[0]
        off += 16 + caplen
    if cut:
        caplen = struct.unpack(e + "I", data[off + 8:off + 12])[0]
        if caplen < 2:
            sys.stderr.write("record %d too short to cut\n" % (k + 1))
            return 1
        off += 16 + caplen // 2
    with open(dst, "wb") as f:
        f.write(data[:off])
    return 0


def main():
    if sys.argv[1] in ("head", "cut"):
        return head(int(sys.argv[2]), sys.argv[3], sys.argv[4],
                    sys.argv[1] == "cut")
    mode, src, dst = sys.argv[1:4]
    if mode not in MODES:
        sys.stderr.write("unknown mode %s\n" % mode)
        return 2
    with open(src, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        sys.stderr.write("%s: not a classic pcap\n" % src)
        return 1
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    vmaj, vmin, _, _, snap, lt = struct.unpack(e + "HHiIII", data[4:24])
    if lt != 1:
        sys.stderr.write("%s: link type %d, not EN10MB\n" % (src, lt))
        return 1
    out = bytearray(struct.pack("<IHHiIII", 0xa1b23c4d if nano else 0xa1b2c3d4,
                                2, 4, 0, 0, max(snap, 65535), MODES[mode]))
    off = 24
    kept = 0
    while off + 16 <= len(data):
        sec, frac, caplen, origlen = struct.unpack(e + "IIII",
                                                   data[off:off + 16])
        frame = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        etype = struct.unpack(">H", frame[12:14])[0]
        if mode in ("vlan", "qinq"):
            tag = b""
            if mode == "qinq":
                tag += struct.pack(">HH", 0x88a8, 100)
            tag += struct.pack(">HH", 0x8100, 77)
            new = frame[:12] + tag + frame[12:]
            grow = len(tag)
        else:
            if etype == 0x0800:
                fam = 4
            elif etype == 0x86dd:
                fam = 6
            else:
                continue
            body = frame[14:]
            if mode == "null":
                new = struct.pack("<I", 2 if fam == 4 else 30) + body
            elif mode == "loop":
                new = struct.pack(">I", 2 if fam == 4 else 24) + body
            elif mode == "raw":
                new = body
            elif mode == "ipv4":
                if fam != 4:
                    continue
                new = body
            else:
                if fam != 6:
                    continue
                new = body
            grow = len(new) - len(frame)
        out += struct.pack("<IIII", sec, frac, len(new), origlen + grow)
        out += new
        kept += 1
    with open(dst, "wb") as f:
        f.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
