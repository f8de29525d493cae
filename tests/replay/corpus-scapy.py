#!/usr/bin/python3
# tests/replay/corpus-scapy.py - the Scapy peer of the replay corpus (run by
# tests/replay/make-corpus.sh inside the source namespace).
#
#   corpus-scapy.py icmp4 ADDR   sr(): ICMP echo, TTL 1..10, one probe each,
#                                identifier 0x5ca9, sequence = TTL,
#                                IPv4 ID 0x7700 + TTL
#   corpus-scapy.py udp4 ADDR    sr(): UDP, TTL 1..10, two probes each,
#                                source port 40000, destination port
#                                33434 + probe number (as traceroute does)
#   corpus-scapy.py icmp6 ADDR   sr(): ICMPv6 echo, hop limit 1..10,
#                                identifier 0x5ca6, sequence = hop limit
#   corpus-scapy.py tcp4 ADDR    traceroute(ADDR, maxttl=10): Scapy's own
#                                traceroute, TCP SYN to port 80, a random
#                                source port, sequence and IPv4 ID per probe
#   corpus-scapy.py ping4 ADDR   one ICMP echo, TTL 64 (not a trace)
#   corpus-scapy.py tracert4 ADDR
#                                shaped like Windows tracert: ICMP echo
#                                with 64 zero bytes, identifier 1, the
#                                sequence rising by one over the whole run,
#                                3 probes per TTL one after another (each
#                                waits up to 4 s for its answer), then a
#                                3 s pause (tracert's name lookup) before
#                                the next TTL; stops at the TTL where the
#                                destination answered (30 at most)
#
# Prints one line per answered probe: TTL, responder.
import sys

import time

from scapy.all import (ICMP, IP, UDP, ICMPv6EchoRequest, IPv6, Raw, conf,
                       sr, sr1, traceroute)

conf.verb = 0


def main():
    mode, dst = sys.argv[1], sys.argv[2]
    if mode == "tcp4":
        ans, _ = traceroute(dst, maxttl=10, timeout=2, verbose=0)
        for snd, rcv in sorted(ans, key=lambda sr_: sr_[0].ttl):
            print(snd.ttl, rcv.src)
        return 0
    if mode == "tracert4":
        seq = 1
        for ttl in range(1, 31):
            done = False
            for _ in range(3):
                rcv = sr1(IP(dst=dst, ttl=ttl) / ICMP(id=1, seq=seq) /
                          Raw(b"\0" * 64), timeout=4)
                seq += 1
                if rcv is not None:
                    print(ttl, rcv.src)
                    done = done or (rcv.haslayer(ICMP) and
                                    rcv[ICMP].type == 0)
            if done:
                return 0
            time.sleep(3)
        return 0
    if mode == "icmp4":
        pk = [IP(dst=dst, ttl=t, id=0x7700 + t) /
              ICMP(id=0x5ca9, seq=t) / Raw(b"hoptrace corpus")
              for t in range(1, 11)]
    elif mode == "udp4":
        pk = []
        n = 0
        for t in range(1, 11):
            for _ in range(2):
                pk.append(IP(dst=dst, ttl=t, id=0x7800 + n) /
                          UDP(sport=40000, dport=33434 + n) /
                          Raw(b"hoptrace corpus"))
                n += 1
    elif mode == "icmp6":
        pk = [IPv6(dst=dst, hlim=t) /
              ICMPv6EchoRequest(id=0x5ca6, seq=t, data=b"hoptrace corpus")
              for t in range(1, 11)]
    elif mode == "ping4":
        pk = [IP(dst=dst, ttl=64) / ICMP(id=0x1111, seq=1) /
              Raw(b"just a ping")]
    else:
        sys.stderr.write("unknown mode %s\n" % mode)
        return 2
    ans, _ = sr(pk, timeout=2, inter=0.005)
    for snd, rcv in sorted(ans, key=lambda sr_: (
            sr_[0].ttl if sr_[0].version == 4 else sr_[0].hlim)):
        print(snd.ttl if snd.version == 4 else snd.hlim, rcv.src)
    return 0


if __name__ == "__main__":
    sys.exit(main())
