#!/usr/bin/env python3
"""tests/replay/ng-merge.py - merge pcap files into one pcapng, one interface each.

    python3 tests/replay/ng-merge.py OUT.pcapng IN[:null] ...

Each input pcap (microsecond or nanosecond, either byte order) becomes one
interface description block of the output, with its own link type and
snapshot length and if_tsresol (6 or 9, as the input's stamps), and its
records enhanced packet blocks of that interface, all inputs merged in
time order (a stable sort: equal stamps keep input order), as mergecap
does.  IN:null rewrites an Ethernet (EN10MB) capture of a loopback
interface, whose frames carry zero MAC addresses, as Npcap's loopback
adapter records it on Windows: link type NULL, a 4-byte host-order
address family (2 AF_INET, 24 AF_INET6) in place of the Ethernet header.

Standard library only; the output is byte-for-byte the same for the same
inputs.
"""

import struct
import sys

LINKTYPE_NULL = 0
LINKTYPE_ETHERNET = 1


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    table = {b"\xd4\xc3\xb2\xa1": ("<", 6), b"\xa1\xb2\xc3\xd4": (">", 6),
             b"\x4d\x3c\xb2\xa1": ("<", 9), b"\xa1\xb2\x3c\x4d": (">", 9)}
    if magic not in table:
        raise SystemExit("%s: not a pcap file" % path)
    bo, res = table[magic]
    _, _, _, _, _, snaplen, linktype = struct.unpack(bo + "IHHiIII",
                                                     data[:24])
    recs, off = [], 24
    while off + 16 <= len(data):
        sec, frac, caplen, length = struct.unpack(bo + "IIII",
                                                  data[off:off + 16])
        off += 16
        if off + caplen > len(data):
            raise SystemExit("%s: cut short" % path)
        recs.append((sec * 10 ** res + frac, caplen, length,
                     data[off:off + caplen]))
        off += caplen
    return linktype & 0xffff, snaplen, res, recs


def to_null(recs):
    out = []
    for t, caplen, length, frame in recs:
        etype = struct.unpack("!H", frame[12:14])[0]
        af = {0x0800: 2, 0x86DD: 24}.get(etype)
        if af is None:
            continue        # not IP: nothing Npcap's loopback carries
        body = struct.pack("<I", af) + frame[14:]
        out.append((t, caplen - 10, length - 10, body))
    return out


def block(btype, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


def main(argv):
    if len(argv) < 3:
        sys.stderr.write("usage: ng-merge.py OUT.pcapng IN[:null] ...\n")
        return 2
    out = [block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))]
    pkts = []
    for ifid, arg in enumerate(argv[2:]):
        path, _, how = arg.partition(":")
        linktype, snaplen, res, recs = read_pcap(path)
        if how == "null":
            if linktype != LINKTYPE_ETHERNET:
                raise SystemExit("%s: :null needs an Ethernet capture" % path)
            linktype, recs = LINKTYPE_NULL, to_null(recs)
        # if_tsresol (9): one byte, then padding; opt_endofopt
        opts = struct.pack("<HHB3x", 9, 1, res) + struct.pack("<HH", 0, 0)
        out.append(block(1, struct.pack("<HHI", linktype, 0, snaplen) + opts))
        pkts += [(t * 10 ** (9 - res), ifid, t, c, n, d)
                 for t, c, n, d in recs]
    pkts.sort(key=lambda p: p[0])
    for _, ifid, t, caplen, length, d in pkts:
        out.append(block(6, struct.pack("<IIIII", ifid, t >> 32,
                                        t & 0xffffffff, caplen, length) + d))
    with open(argv[1], "wb") as f:
        f.write(b"".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
