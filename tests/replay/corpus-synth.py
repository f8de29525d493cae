#!/usr/bin/python3
# tests/replay/corpus-synth.py - the captures of issue 27 that the namespace
# chain cannot make on demand, written with Scapy's wrpcap from a script
# (deterministic: no randomness, fixed timestamps; a rerun writes the same
# bytes).  The addresses are the 8-hop chain's (pcaps/README): source
# 10.77.0.1, hop k answers from 10.77.(k-1).2, target 10.77.7.2 (hop 8),
# hop k's reply after (2k - 1) ms plus a little; its TTL 64 - (k - 1).
#
#   corpus-synth.py [-o DIR] [NAME...]     (default: all, into pcaps/)
#
#   scapy-identical-silent3   a Scapy loop of sr1() calls, one ICMP echo
#                             per TTL 1..8 that differs from the others
#                             only in its TTL (identifier 0, sequence 0,
#                             IP ID 1: Scapy's defaults), each waiting for
#                             its answer (timeout 2 s); hop 3 is silent.
#   busy-udp4                 traceroute-style UDP probes (source port
#                             40002, destination port 33434 + n, 2 per TTL,
#                             TTL 1..8) sent in the middle of a host's
#                             steady traffic in both directions: QUIC with
#                             203.0.113.10:443 (inbound TTL 45..51), DNS to
#                             and from 9.9.9.9:53 (inbound TTL 56..58), TLS
#                             over TCP with 198.51.100.20:443.
#   frag-udp4                 the same UDP trace with 2000-byte probes
#                             (IP length 2000), each sent as two fragments
#                             over a 1500-byte MTU (1500 + 520); routers
#                             quote the first fragment, the target answers
#                             the reassembled datagram.
#
# For each it prints the truth: "TTL responder RTT-ms" per answered probe,
# "TTL *" per unanswered one (pcaps/README: what the replay must show).
import os
import sys

from scapy.all import ICMP, IP, UDP, TCP, Ether, Raw, fragment, wrpcap

SRC = "10.77.0.1"
DST = "10.77.7.2"
MAC_US = "02:77:00:00:00:01"
MAC_GW = "02:77:00:00:00:02"
T0 = 1796000000.0               # 2026-11-30 ...
HOPS = 8


def hop_addr(k):
    return "10.77.%d.2" % (k - 1)


def rtt(k, n=0):
    """Hop k's round-trip time in seconds, a fixed wobble per probe n."""
    return ((2 * k - 1) + 0.1 + 0.037 * ((k * 7 + n * 3) % 11)) / 1000.0


def out(pkt, t):
    f = Ether(src=MAC_US, dst=MAC_GW) / pkt
    f.time = t
    return f


def inb(pkt, t):
    f = Ether(src=MAC_GW, dst=MAC_US) / pkt
    f.time = t
    return f


def cut576(q):
    """What Linux quotes: at most 576 bytes of error, so 548 of the probe."""
    b = bytes(q)
    return IP(b) if len(b) <= 548 else Raw(b[:548])


def router_quote(probe):
    """The probe as hop k received it: TTL 1."""
    q = IP(bytes(probe))
    q.ttl = 1
    del q.chksum
    return cut576(q)


def timex(k, probe, t):
    return inb(IP(src=hop_addr(k), dst=SRC, ttl=64 - (k - 1)) /
               ICMP(type=11, code=0) / router_quote(probe), t)


def identical_silent3(truth):
    pk = []
    t = T0 + 0.25
    for ttl in range(1, HOPS + 1):
        p = IP(src=SRC, dst=DST, ttl=ttl, id=1) / ICMP(id=0, seq=0) / \
            Raw(b"hoptrace corpus")
        p = IP(bytes(p))
        pk.append(out(p, t))
        if ttl == 3:
            truth.append("%d *" % ttl)
            t += 2.0 + 0.0042              # sr1's timeout, then the next
            continue
        r = rtt(ttl)
        if ttl < HOPS:
            pk.append(timex(ttl, p, t + r))
        else:
            pk.append(inb(IP(src=DST, dst=SRC, ttl=64 - (HOPS - 1)) /
                          ICMP(type=0, id=0, seq=0) /
                          Raw(b"hoptrace corpus"), t + r))
        truth.append("%d %s %.3f" % (ttl, hop_addr(ttl), r * 1000))
        t += r + 0.0031                    # Scapy's turn-around
    return pk


def udp_trace(t, size, truth):
    """(time, frame) of a 2-per-TTL UDP trace from t; probes of `size`."""
    ev = []
    n = 0
    for ttl in range(1, HOPS + 1):
        for _ in range(2):
            pay = b"hoptrace corpus" + b"\0" * (size - 28 - 15)
            p = IP(bytes(IP(src=SRC, dst=DST, ttl=ttl, id=0x7a00 + n) /
                         UDP(sport=40002, dport=33434 + n) / Raw(pay)))
            ts = t + n * 0.0008
            frags = fragment(p, 1480) if size > 1500 else [p]
            for i, f in enumerate(frags):
                ev.append((ts + i * 0.00001, out(IP(bytes(f)), 0)))
            r = rtt(ttl, n)
            if ttl < HOPS:
                ev.append((ts + r, timex(ttl, IP(bytes(frags[0])), 0)))
            else:
                q = IP(bytes(p))
                q.ttl = 1
                del q.chksum
                ev.append((ts + r, inb(IP(src=DST, dst=SRC,
                                          ttl=64 - (HOPS - 1)) /
                                       ICMP(type=3, code=3) /
                                       cut576(IP(bytes(q))), 0)))
            truth.append("%d %s %.3f" % (ttl, hop_addr(ttl), r * 1000))
            n += 1
    return ev


def busy(truth):
    ev = []
    quic = "203.0.113.10"
    dns = "9.9.9.9"
    tls = "198.51.100.20"
    # 3 s of steady traffic, a packet pair every 20 ms
    for i in range(150):
        t = T0 + 10 + i * 0.02
        # QUIC: the host's datagram out (TTL 64), the server's back
        # (its TTL wanders 45..51 as the far path changes)
        ev.append((t, out(IP(src=SRC, dst=quic, ttl=64, id=0x1000 + i) /
                          UDP(sport=51000, dport=443) /
                          Raw(b"\x40" + bytes([i & 0xff]) * 40), 0)))
        ev.append((t + 0.011, inb(IP(src=quic, dst=SRC,
                                     ttl=45 + (i * 5) % 7, id=0x2000 + i) /
                                  UDP(sport=443, dport=51000) /
                                  Raw(b"\x41" + bytes([i & 0xff]) * 300),
                                  0)))
        # DNS: a query every 100 ms from a new port, its answer
        if i % 5 == 0:
            sp = 52000 + i
            ev.append((t + 0.002, out(IP(src=SRC, dst=dns, ttl=64,
                                         id=0x3000 + i) /
                                      UDP(sport=sp, dport=53) /
                                      Raw(b"\x12\x34\x01\x00" + b"\0" * 30),
                                      0)))
            ev.append((t + 0.009, inb(IP(src=dns, dst=SRC,
                                         ttl=56 + i % 3, id=0x4000 + i) /
                                      UDP(sport=53, dport=sp) /
                                      Raw(b"\x12\x34\x81\x80" + b"\0" * 46),
                                      0)))
        # TLS: a handshake at the start, then data both ways
        if i == 0:
            ev.append((t + 0.003, out(IP(src=SRC, dst=tls, ttl=64) /
                                      TCP(sport=45000, dport=443,
                                          flags="S", seq=1000), 0)))
            ev.append((t + 0.013, inb(IP(src=tls, dst=SRC, ttl=52) /
                                      TCP(sport=443, dport=45000,
                                          flags="SA", seq=9000, ack=1001),
                                      0)))
            ev.append((t + 0.0131, out(IP(src=SRC, dst=tls, ttl=64) /
                                       TCP(sport=45000, dport=443,
                                           flags="A", seq=1001, ack=9001),
                                       0)))
        else:
            ev.append((t + 0.004, out(IP(src=SRC, dst=tls, ttl=64) /
                                      TCP(sport=45000, dport=443,
                                          flags="PA", seq=1001 + i * 100,
                                          ack=9001 + i * 1000) /
                                      Raw(b"\x17\x03\x03" + b"\0" * 97),
                                      0)))
            ev.append((t + 0.014, inb(IP(src=tls, dst=SRC,
                                         ttl=52 + (i % 2)) /
                                      TCP(sport=443, dport=45000,
                                          flags="PA", seq=9001 + i * 1000,
                                          ack=1101 + i * 100) /
                                      Raw(b"\x17\x03\x03" + b"\0" * 197),
                                      0)))
    # the trace, 1.5 s in
    ev += udp_trace(T0 + 11.5, 60, truth)
    ev.sort(key=lambda e: e[0])
    pk = []
    for t, f in ev:
        f.time = t
        pk.append(f)
    return pk


def frag(truth):
    ev = udp_trace(T0 + 20, 2000, truth)
    ev.sort(key=lambda e: e[0])
    pk = []
    for t, f in ev:
        f.time = t
        pk.append(f)
    return pk


MAKERS = {
    "scapy-identical-silent3": identical_silent3,
    "busy-udp4": busy,
    "frag-udp4": frag,
}


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    odir = os.path.join(here, "..", "..", "pcaps")
    if len(argv) > 1 and argv[1] == "-o":
        odir = argv[2]
        argv = argv[2:]
    names = argv[1:] or sorted(MAKERS)
    for name in names:
        truth = []
        pk = MAKERS[name](truth)
        wrpcap(os.path.join(odir, name + ".pcap"), pk)
        print("# %s" % name)
        for line in truth:
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
