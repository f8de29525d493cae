#!/usr/bin/env python3
# fuzz/synth-seeds.py OUTDIR - write two made-up captures (raw IPv4, link
# type 228) that reach replay and matcher code no real capture here does:
#   synthetic-sweep.pcap: more than 4096 records, so replay's periodic
#     expiry sweep closes, prints and frees traces mid-file; a restarted
#     trace (pred/succ) is open across the sweep, and probes and replies
#     follow it;
#   synthetic-many-traces.pcap: 80 traces open at once, so the matcher's
#     trace table grows and rehashes;
#   synthetic-sections.pcapng: what src/io/pcapng.c reads that no real
#     capture here holds: a big-endian section (if_tsresol 2^-20,
#     if_tsoffset, interfaces RAW and NULL), then a little-endian one
#     (if_tsresol 10^-9, link type IPV4) with a simple packet block, an
#     obsolete packet block, and blocks to pass over (statistics, custom).
# Checksums are left zero: hoptrace does not check them.
import os
import struct
import sys

S, D = bytes([10, 0, 0, 1]), bytes([192, 0, 2, 9])
T = 1700000000.0


class Pcap:
    def __init__(self):
        self.recs = []

    def rec(self, t, data):
        sec = int(t)
        usec = int(round((t - sec) * 1e6))
        self.recs.append(struct.pack('<IIII', sec, usec, len(data),
                                     len(data)) + data)

    def bytes(self):
        return struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535,
                           228) + b''.join(self.recs)


def ip4(src, dst, ttl, ident, payload):
    return struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), ident,
                       0, ttl, 1, 0, src, dst) + payload


def router(k):
    return bytes([10, 1, k & 0xff, 1])


def probe(f, ident, seq, ttl, t):
    p = ip4(S, D, ttl, (1000 + seq) & 0xffff,
            struct.pack('>BBHHH', 8, 0, 0, ident, seq))
    f.rec(t, p)
    return p


def timex(f, p, k, t):
    f.rec(t, ip4(router(k), S, 64, 7,
                 struct.pack('>BBHI', 11, 0, 0, 0) + p[:28]))


def echoreply(f, ident, seq, t):
    f.rec(t, ip4(D, S, 60, 9, struct.pack('>BBHHH', 0, 0, 0, ident, seq)))


def sweep():
    f = Pcap()
    for tr in range(20):
        ident, seq = 0x4000 + tr, 0
        for ttl in range(1, 6):
            for _ in range(2):
                t = T + tr * 0.1 + seq * 0.01
                p = probe(f, ident, seq, ttl, t)
                if (tr + seq) % 5 != 0:
                    if ttl < 5:
                        timex(f, p, ttl, t + 0.005)
                    else:
                        echoreply(f, ident, seq, t + 0.005)
                seq += 1
    for ttl in range(1, 3):          # trace 0 starts again: pred/succ
        probe(f, 0x4000, 100 + ttl, ttl, T + 3 + ttl * 0.01)
    while len(f.recs) < 4090:        # empty records up to the sweep
        f.rec(T + 30, b'')
    for ttl in range(1, 4):          # across the sweep at record 4096
        p = probe(f, 0x4000, 200 + ttl, ttl, T + 30.1 + ttl * 0.01)
        timex(f, p, ttl, T + 30.105 + ttl * 0.01)
        echoreply(f, 0x4001, 3, T + 30.2)
    return f.bytes()


def many():
    f = Pcap()
    sent = []
    for tr in range(80):
        for ttl in (1, 2):
            t = T + tr * 0.001 + ttl * 0.0001
            sent.append((probe(f, 0x5000 + tr, ttl, ttl, t), ttl, t))
    for p, ttl, t in sent:
        timex(f, p, ttl, t + 0.2)
    return f.bytes()


def ng_block(bo, btype, body):
    body += b'\0' * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack(bo + 'II', btype, n) + body + struct.pack(bo + 'I', n)


def ng_idb(bo, linktype, opts):
    body = struct.pack(bo + 'HHI', linktype, 0, 65535)
    for code, val in opts:
        body += struct.pack(bo + 'HH', code, len(val)) + val
        body += b'\0' * (-len(val) % 4)
    return ng_block(bo, 1, body + struct.pack(bo + 'HH', 0, 0))


def sections():
    f = Pcap()      # the packets of one trace, raw IPv4
    sent = []
    for ttl in (1, 2, 3):
        t = T + ttl * 0.0001
        sent.append((probe(f, 0x6000, ttl, ttl, t), ttl, t))
    for p, ttl, t in sent:
        timex(f, p, ttl, t + 0.002)
    pkts = [r[16:] for r in f.recs]
    out = b''
    # big-endian: stamps in 2^-20 s, offset 1 s; RAW and NULL interfaces
    bo = '>'
    out += ng_block(bo, 0x0A0D0D0A, struct.pack(bo + 'IHHq', 0x1A2B3C4D,
                                                 1, 0, -1))
    out += ng_idb(bo, 101, [(9, b'\x94'), (14, struct.pack(bo + 'q', 1))])
    out += ng_idb(bo, 0, [(9, b'\x94'), (14, struct.pack(bo + 'q', 1))])
    for i, d in enumerate(pkts[:3]):
        t = int((T - 1 + i * 0.001) * (1 << 20))
        ifid = i % 2
        if ifid == 1:
            d = struct.pack('<I', 2) + d
        out += ng_block(bo, 6, struct.pack(bo + 'IIIII', ifid, t >> 32,
                                           t & 0xffffffff, len(d), len(d)) + d)
    out += ng_block(bo, 5, struct.pack(bo + 'III', 0, 0, 0))   # statistics
    # little-endian: nanoseconds, IPV4; simple, obsolete and custom blocks
    bo = '<'
    out += ng_block(bo, 0x0A0D0D0A, struct.pack(bo + 'IHHq', 0x1A2B3C4D,
                                                 1, 0, -1))
    out += ng_idb(bo, 228, [(9, b'\x09')])
    t = int((T + 0.01) * 1e9)
    d = pkts[3]
    out += ng_block(bo, 6, struct.pack(bo + 'IIIII', 0, t >> 32,
                                       t & 0xffffffff, len(d), len(d)) + d)
    out += ng_block(bo, 3, struct.pack(bo + 'I', len(pkts[4])) + pkts[4])
    t += 1000000
    out += ng_block(bo, 2, struct.pack(bo + 'HHIIII', 0, 0, t >> 32,
                                       t & 0xffffffff, len(pkts[5]),
                                       len(pkts[5])) + pkts[5])
    out += ng_block(bo, 0x00000BAD, struct.pack(bo + 'I', 32473) + b'x')
    return out


out = sys.argv[1] if len(sys.argv) > 1 else '.'
os.makedirs(out, exist_ok=True)
for name, data in (('synthetic-sweep.pcap', sweep()),
                   ('synthetic-many-traces.pcap', many()),
                   ('synthetic-sections.pcapng', sections())):
    with open(os.path.join(out, name), 'wb') as fp:
        fp.write(data)
