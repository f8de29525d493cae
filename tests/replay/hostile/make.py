#!/usr/bin/env python3
"""tests/replay/hostile/make.py - (re)build the hostile-capture corpus.

Run by hand from anywhere:

    python3 tests/replay/hostile/make.py [-o DIR]

It writes every capture below into the directory this script is in (or
DIR), and for each case that should rebuild a trace, its expected
`hoptrace -n -r` output (<name>.out).  The expected output is computed
here, from the addresses and timestamps this script writes -- it is the
truth, not what hoptrace prints.
The hostile cases of tests/replay/CASES say what each must give (exit
status, the one line on stderr, the stdout file); tests/replay/run.sh runs
them, and checks that this script still makes exactly the stored files.

Plain struct packing, no Scapy: every byte is deliberate.  Nothing here is
random, so a rebuild gives byte-identical files.

The "base trace" that the packet-level cases carry beside their bad packet:
two ICMP echo probes from SRC to DST at TTL 1 and 2, each answered by a
time exceeded from hop 1 / hop 2, in a microsecond pcap on Ethernet (IPv4)
or the same shape over IPv6.  The bad packet is inserted as packet 3
(between the two probe/reply pairs), so a warning names "packet 3".
"""

import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------- time
T0 = 1700000000                 # 2023-11-14 22:13:20 UTC
# (seconds, microseconds) of each packet of the base trace
TS_PROBE1 = (T0, 100000)
TS_REPLY1 = (T0, 101234)        # RTT hop 1: 1.234 ms
TS_BAD = (T0, 150000)           # the hostile packet, between the pairs
TS_PROBE2 = (T0, 200000)
TS_REPLY2 = (T0, 202468)        # RTT hop 2: 2.468 ms

# ---------------------------------------------------------------- addresses
SRC4, DST4 = "10.77.0.1", "10.77.7.2"
HOP4 = ["10.77.0.2", "10.77.1.2"]
SRC6, DST6 = "fd77::1", "fd77:0:0:7::2"
HOP6 = ["fd77::2", "fd77:0:0:1::2"]
ICMP_ID = 0x4854                # probe identity ("HT")
MAC_HOST = bytes.fromhex("020000000001")
MAC_GW = bytes.fromhex("020000000002")

LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_USER0 = 147


def ip4(s):
    return bytes(int(x) for x in s.split("."))


def ip6(s):
    import socket
    return socket.inet_pton(socket.AF_INET6, s)


def cksum(data):
    """Internet checksum (RFC 1071)."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


# ---------------------------------------------------------------- IPv4
def ipv4(src, dst, proto, payload, ttl, ident, ihl=5, total=None, opts=b""):
    """An IPv4 header (checksum right for what is written) + payload."""
    if total is None:
        total = 4 * ihl + len(payload)
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, total, ident, 0, ttl,
                    proto, 0, ip4(src), ip4(dst)) + opts
    h = h[:10] + struct.pack("!H", cksum(h)) + h[12:]
    return h + payload


def icmp(typ, code, rest, body):
    """An ICMP message; rest is the 4 bytes after the checksum."""
    m = struct.pack("!BBH", typ, code, 0) + rest + body
    return m[:2] + struct.pack("!H", cksum(m)) + m[4:]


PAYLOAD = bytes(range(0x40, 0x60))      # 32 bytes of probe data


def echo4(seq, ttl):
    """A probe: ICMP echo request, IP ID 0x1000 + seq."""
    return ipv4(SRC4, DST4, 1,
                icmp(8, 0, struct.pack("!HH", ICMP_ID, seq), PAYLOAD),
                ttl, 0x1000 + seq)


def timex4(hop, quote, lenword=0, ext=b""):
    """Time exceeded from hop (0-based) quoting `quote` (RFC 792/4884)."""
    rest = struct.pack("!BBBB", 0, lenword, 0, 0)
    return ipv4(HOP4[hop], SRC4, 1, icmp(11, 0, rest, quote + ext), 64,
                0x2000 + hop)


def quoted4(seq):
    """The probe of sequence seq as the router that dropped it saw it."""
    return echo4(seq, 1)


def eth(payload, ethertype=0x0800, outbound=True):
    d, s = (MAC_GW, MAC_HOST) if outbound else (MAC_HOST, MAC_GW)
    return d + s + struct.pack("!H", ethertype) + payload


# ---------------------------------------------------------------- IPv6
def ipv6(src, dst, nh, payload, hlim, plen=None):
    if plen is None:
        plen = len(payload)
    return struct.pack("!IHBB16s16s", 0x60000000, plen, nh, hlim,
                       ip6(src), ip6(dst)) + payload


def icmp6(src, dst, typ, code, rest, body):
    m = struct.pack("!BBH", typ, code, 0) + rest + body
    pseudo = ip6(src) + ip6(dst) + struct.pack("!IxxxB", len(m), 58)
    return m[:2] + struct.pack("!H", cksum(pseudo + m)) + m[4:]


def echo6(seq, hlim):
    return ipv6(SRC6, DST6, 58,
                icmp6(SRC6, DST6, 128, 0, struct.pack("!HH", ICMP_ID, seq),
                      PAYLOAD), hlim)


def timex6(hop, seq):
    return ipv6(HOP6[hop], SRC6, 58,
                icmp6(HOP6[hop], SRC6, 3, 0, b"\0\0\0\0", echo6(seq, 1)), 64)


# ---------------------------------------------------------------- files
def pcap_header(linktype=LINKTYPE_ETHERNET, snaplen=262144,
                magic=0xa1b2c3d4):
    return struct.pack("<IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype)


def pcap_record(ts, data, caplen=None, origlen=None):
    if caplen is None:
        caplen = len(data)
    if origlen is None:
        origlen = len(data)
    return struct.pack("<IIII", ts[0], ts[1], caplen, origlen) + data


def pcap(records, **kw):
    """records: (ts, frame) or (ts, frame, caplen, origlen)."""
    return pcap_header(**kw) + b"".join(pcap_record(*r) for r in records)


def ng_block(btype, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


def ng_shb():
    return ng_block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))


def ng_idb(linktype, snaplen=262144):
    # no options: if_tsresol defaults to microseconds
    return ng_block(1, struct.pack("<HHI", linktype, 0, snaplen))


def ng_epb(ifid, ts, data):
    t = ts[0] * 1000000 + ts[1]
    return ng_block(6, struct.pack("<IIIII", ifid, t >> 32, t & 0xffffffff,
                                   len(data), len(data)) + data)


# ---------------------------------------------------------------- truth
def fmt_ts(ts):
    import time
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(ts[0])) + \
        ".%06u" % ts[1]


def rtt(sent, got):
    us = (got[0] - sent[0]) * 1000000 + got[1] - sent[1]
    return "%.3f ms" % (us / 1000.0)


def truth(v6=False, ext=("", "")):
    """Expected `hoptrace -n -r` text for the base trace.  ext: what each
    hop's line carries after its RTT (an ICMP extension, say)."""
    src, dst, hop = (SRC6, DST6, HOP6) if v6 else (SRC4, DST4, HOP4)
    return ("hoptrace from %s to %s (%s), ICMP, first probe %s UTC\n"
            % (src, dst, dst, fmt_ts(TS_PROBE1)) +
            " 1  %s  %s%s\n" % (hop[0], rtt(TS_PROBE1, TS_REPLY1), ext[0]) +
            " 2  %s  %s%s\n" % (hop[1], rtt(TS_PROBE2, TS_REPLY2), ext[1]))


def base4(bad=None, reply1=None, reply2=None):
    """The base IPv4 trace as pcap records; bad (a frame, or a record
    tuple) goes in as packet 3."""
    r = [(TS_PROBE1, eth(echo4(1, 1))),
         (TS_REPLY1, eth(reply1 or timex4(0, quoted4(1)), outbound=False)),
         (TS_PROBE2, eth(echo4(2, 2))),
         (TS_REPLY2, eth(reply2 or timex4(1, quoted4(2)), outbound=False))]
    if bad is not None:
        r.insert(2, bad if isinstance(bad, tuple) else (TS_BAD, bad))
    return r


def base6(bad=None):
    r = [(TS_PROBE1, eth(echo6(1, 1), 0x86dd)),
         (TS_REPLY1, eth(timex6(0, 1), 0x86dd, outbound=False)),
         (TS_PROBE2, eth(echo6(2, 2), 0x86dd)),
         (TS_REPLY2, eth(timex6(1, 2), 0x86dd, outbound=False))]
    if bad is not None:
        r.insert(2, (TS_BAD, bad))
    return r


def ext_struct(objs):
    """An RFC 4884 extension structure: version 2 header + objects, its
    checksum computed over the whole structure."""
    s = struct.pack("!BBH", 0x20, 0, 0) + b"".join(objs)
    return s[:2] + struct.pack("!H", cksum(s)) + s[4:]


def mpls_obj(label, exp, s, ttl, length=None):
    """RFC 4950 MPLS label stack object (class 1, c-type 1), one entry;
    length is what the object header claims (default: the truth, 8)."""
    entry = struct.pack("!I", label << 12 | exp << 9 | s << 8 | ttl)
    return struct.pack("!HBB", 8 if length is None else length, 1, 1) + entry


def timex4_ext(hop, seq, obj):
    """Time exceeded with an RFC 4884 extension: the quote is padded to 128
    bytes and the length field (32-bit words) says so."""
    q = quoted4(seq)
    q += b"\0" * (128 - len(q))
    return timex4(hop, q, lenword=128 // 4, ext=ext_struct([obj]))


# ---------------------------------------------------------------- cases
files = {}      # name -> bytes
outs = {}       # name -> expected stdout

# A valid capture of the base trace: the control case.
files["valid.pcap"] = pcap(base4())
outs["valid.out"] = truth()

# Not a capture: wrong magic (a text file).
files["bad-magic.pcap"] = b"this is not a capture file, just some text\n"

# A 0-byte file.
files["empty.pcap"] = b""

# A pcap file header cut short: its first 10 of 24 bytes.
files["short-header.pcap"] = pcap_header()[:10]

# The valid base-trace capture cut in the middle of its last record (the
# hop-2 reply): the three whole packets give the trace with hop 2
# unanswered, and a warning.
v = pcap(base4())
files["cut-record.pcap"] = v[:len(v) - 20]
outs["cut-record.out"] = truth().rsplit(" 2 ", 1)[0] + " 2  *\n"

# The same cut in the middle of the last record's 16-byte header.
files["cut-record-header.pcap"] = v[:len(v) - len(eth(timex4(1, quoted4(2))))
                                    - 6]
outs["cut-record-header.out"] = outs["cut-record.out"]

# Snapshot length 0 in the file header (libpcap takes it as "the maximum").
files["snaplen-0.pcap"] = pcap(base4(), snaplen=0)
outs["snaplen-0.out"] = truth()

# Snapshot length 0xffffffff in the file header.
files["snaplen-huge.pcap"] = pcap(base4(), snaplen=0xffffffff)
outs["snaplen-huge.out"] = truth()

# An unsupported link type: USER0 (147), holding the trace's IP bytes.
files["linktype-user0.pcap"] = pcap(
    [(ts, f[14:]) for ts, f in base4()], linktype=LINKTYPE_USER0)

# pcapng whose section header block is cut short: its first 20 of 28 bytes
# (past the byte-order magic, so it is recognised as pcapng).
files["ng-short-shb.pcapng"] = ng_shb()[:20]

# pcapng with two interfaces of different link types, both described up
# front as dumpcap writes them: interface 0 Ethernet (the trace), interface
# 1 RAW (one more probe of the trace, TTL 64, unanswered).  libpcap reads
# one link type per file; hoptrace reads each packet with its interface's:
# the probe read as RAW is the trace's hop 64.
ng = ng_shb() + ng_idb(LINKTYPE_ETHERNET) + ng_idb(LINKTYPE_RAW)
ng += b"".join(ng_epb(0, ts, f) for ts, f in base4())
ng += ng_epb(1, (T0, 300000), echo4(9, 64))
files["ng-mixed-linktypes.pcapng"] = ng
outs["ng-mixed-linktypes.out"] = truth() + "64  *\n"

# The same, but the second interface (RAW) is described only after the
# trace's four packets: the same trace.
ng = ng_shb() + ng_idb(LINKTYPE_ETHERNET)
ng += b"".join(ng_epb(0, ts, f) for ts, f in base4())
ng += ng_idb(LINKTYPE_RAW) + ng_epb(1, (T0, 300000), echo4(9, 64))
files["ng-mixed-linktypes-late.pcapng"] = ng
outs["ng-mixed-linktypes-late.out"] = truth() + "64  *\n"

# pcapng as hoptrace's own reader (src/io/pcapng.c) reads it.  A section
# in big-endian order whose interface stamps in nanoseconds (if_tsresol 9):
# the base trace, as from any other file.
def ng_be_block(btype, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack(">II", btype, n) + body + struct.pack(">I", n)


ng = ng_be_block(0x0A0D0D0A, struct.pack(">IHHq", 0x1A2B3C4D, 1, 0, -1))
ng += ng_be_block(1, struct.pack(">HHI", LINKTYPE_ETHERNET, 0, 262144) +
                  struct.pack(">HHB3xHH", 9, 1, 9, 0, 0))
for ts, f in base4():
    t = ts[0] * 1000000000 + ts[1] * 1000
    ng += ng_be_block(6, struct.pack(">IIIII", 0, t >> 32, t & 0xffffffff,
                                     len(f), len(f)) + f)
files["ng-big-endian.pcapng"] = ng
outs["ng-big-endian.out"] = truth()

# The base trace, then a fifth enhanced packet block cut in half: the
# trace, and a warning naming the block (7: SHB, IDB, four EPBs before it).
ng = ng_shb() + ng_idb(LINKTYPE_ETHERNET)
ng += b"".join(ng_epb(0, ts, f) for ts, f in base4())
cut = ng_epb(0, (T0, 300000), eth(echo4(9, 64)))
files["ng-cut-epb.pcapng"] = ng + cut[:len(cut) // 2]
outs["ng-cut-epb.out"] = truth()

# The base trace, then a packet of interface 5, which no block described.
ng = ng_shb() + ng_idb(LINKTYPE_ETHERNET)
ng += b"".join(ng_epb(0, ts, f) for ts, f in base4())
files["ng-no-interface.pcapng"] = ng + ng_epb(5, (T0, 300000),
                                               eth(echo4(9, 64)))
outs["ng-no-interface.out"] = truth()

# The first packet's block ends in a length other than its own: nothing
# read, so the file is refused.
ng = ng_shb() + ng_idb(LINKTYPE_ETHERNET)
first = ng_epb(0, TS_PROBE1, eth(echo4(1, 1)))
files["ng-bad-trailer.pcapng"] = ng + first[:-4] + struct.pack("<I", 4)

# A record whose captured length (64) is above its packet's length on the
# wire (50): packet 3, an echo request to an unrelated host.
bad = eth(ipv4(SRC4, "10.77.9.9", 1,
               icmp(8, 0, struct.pack("!HH", 0x7777, 1), b"x" * 22), 64,
               0x3000))
assert len(bad) == 64
files["caplen-over-len.pcap"] = pcap(base4(bad=(TS_BAD, bad, 64, 50)))
outs["caplen-over-len.out"] = truth()

# A record whose captured length (300000) is above the file's snapshot
# length (65535) and above anything libpcap accepts (262144), as packet 5
# after the trace: libpcap stops reading there.
files["caplen-over-snaplen.pcap"] = (
    pcap(base4(), snaplen=65535) +
    struct.pack("<IIII", T0, 300000, 300000, 300000) + b"\0" * 64)
outs["caplen-over-snaplen.out"] = truth()

# A record (packet 3) whose captured length (100) is above the file's
# snapshot length (96) but not above libpcap's maximum: libpcap hands
# over the first 96 bytes and skips the rest.  The packet is an echo
# request to an unrelated host: no effect on the trace.
bad = eth(ipv4(SRC4, "10.77.9.9", 1,
               icmp(8, 0, struct.pack("!HH", 0x7777, 1), b"y" * 58), 64,
               0x3000))
assert len(bad) == 100
files["caplen-over-snaplen-small.pcap"] = pcap(base4(bad=bad), snaplen=96)
outs["caplen-over-snaplen-small.out"] = truth()

# IPv4 header length (IHL) 4, below the minimum of 5 (packet 3).
files["ipv4-ihl-4.pcap"] = pcap(base4(bad=eth(
    ipv4(SRC4, DST4, 1, icmp(8, 0, struct.pack("!HH", ICMP_ID, 99),
                             PAYLOAD), 3, 0x3000, ihl=4))))
outs["ipv4-ihl-4.out"] = truth()

# IPv4 total length 12, below its 20-byte header (packet 3).
files["ipv4-totlen-short.pcap"] = pcap(base4(bad=eth(
    ipv4(SRC4, DST4, 1, icmp(8, 0, struct.pack("!HH", ICMP_ID, 99),
                             PAYLOAD), 3, 0x3000, total=12))))
outs["ipv4-totlen-short.out"] = truth()

# A time exceeded (packet 3, from a third router) whose quoted IP header is
# cut short: only 10 bytes of the probe's 20-byte header.
files["quote-short.pcap"] = pcap(base4(bad=eth(
    ipv4("10.77.5.2", SRC4, 1, icmp(11, 0, b"\0\0\0\0", echo4(3, 1)[:10]),
         64, 0x3000), outbound=False)))
outs["quote-short.out"] = truth()

# RFC 4884: the hop-1 reply carries a valid MPLS extension; the hop-2 reply
# an extension whose one object claims 256 bytes, of which 8 are there.  The
# packets are valid: the trace is rebuilt, the broken object ignored.
MPLS1 = " <MPLS:L=16001,E=0,S=1,T=1>"
files["ext-overrun.pcap"] = pcap(base4(
    reply1=timex4_ext(0, 1, mpls_obj(16001, 0, 1, 1)),
    reply2=timex4_ext(1, 2, mpls_obj(16002, 0, 1, 1, length=256))))
outs["ext-overrun.out"] = truth(ext=(MPLS1, ""))

# The same with an object length of 0 (a parser that trusts it never
# advances).
files["ext-len-0.pcap"] = pcap(base4(
    reply1=timex4_ext(0, 1, mpls_obj(16001, 0, 1, 1)),
    reply2=timex4_ext(1, 2, mpls_obj(16002, 0, 1, 1, length=0))))
outs["ext-len-0.out"] = truth(ext=(MPLS1, ""))


def v6_exthdrs(n, last_nh=58, overrun=False):
    """n destination options headers (8 bytes each: PadN), the last one
    leading to last_nh.  overrun: a single hop-by-hop header claiming 40
    bytes where 14 remain."""
    if overrun:
        return 0, struct.pack("!BB", last_nh, 4) + b"\x01\x04\0\0\0\0" + \
            b"\0" * 8
    chain = b""
    for i in range(n):
        chain += struct.pack("!BB", 60 if i < n - 1 else last_nh, 0) + \
            b"\x01\x04\0\0\0\0"
    return 60, chain


def v6_with_chain(nh, chain, seq):
    body = icmp6(SRC6, "fd77:0:0:9::9", 128, 0,
                 struct.pack("!HH", 0x7777, seq), b"z" * 8)
    return eth(ipv6(SRC6, "fd77:0:0:9::9", nh, chain + body, 64), 0x86dd)


# IPv6 (packet 3): a hop-by-hop options header whose length (40 bytes)
# overruns the packet, beside an IPv6 base trace.
nh, chain = v6_exthdrs(0, overrun=True)
files["ipv6-ext-overrun.pcap"] = pcap(base6(bad=eth(
    ipv6(SRC6, "fd77:0:0:9::9", nh, chain, 64), 0x86dd)))
outs["ipv6-ext-overrun.out"] = truth(v6=True)

# IPv6 (packet 3): a chain of 9 destination options headers before the
# ICMPv6 header: more than the 8 hoptrace follows.
nh, chain = v6_exthdrs(9)
files["ipv6-ext-9.pcap"] = pcap(base6(bad=v6_with_chain(nh, chain, 1)))
outs["ipv6-ext-9.out"] = truth(v6=True)

# IPv6 (packet 3): a chain of exactly 8 destination options headers: the
# limit, still valid (an echo request to an unrelated host).
nh, chain = v6_exthdrs(8)
files["ipv6-ext-8.pcap"] = pcap(base6(bad=v6_with_chain(nh, chain, 2)))
outs["ipv6-ext-8.out"] = truth(v6=True)

# The IPv6 base trace alone: the control case for the three above.
files["valid6.pcap"] = pcap(base6())
outs["valid6.out"] = truth(v6=True)


def main(argv):
    out = HERE
    if len(argv) == 3 and argv[1] == "-o":
        out = argv[2]
    elif len(argv) != 1:
        sys.stderr.write("usage: make.py [-o DIR]\n")
        return 2
    for name, data in sorted(files.items()) + sorted(
            (n, t.encode()) for n, t in outs.items()):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print("wrote %d captures and %d expected outputs in %s"
          % (len(files), len(outs), out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
