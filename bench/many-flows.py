#!/usr/bin/python3
# bench/many-flows.py FLOWS OUT - a capture of FLOWS Linux traceroute -U
# runs at once, each to a destination of its own (10.1.0.0 + flow), from
# 10.0.0.1: 9 UDP probes per run (TTL 1, 1, 1, 2, 2, 2, 3, 3, 3), a new
# source port for every probe and the destination port rising from 33434,
# as traceroute(8) sends them; probe k of every flow is sent before probe
# k + 1 of any, 1 us apart, so every run is open at once.  No replies.
# Classic pcap, Ethernet, microsecond timestamps.  bench/replay.sh (case
# flows) times hoptrace -r on it: each probe with a new source port looks
# for the run it continues among the traces of its own source, destination
# and protocol, not among all the traces open.  Standard library only.
import struct
import sys


def cksum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def main():
    flows = int(sys.argv[1])
    if not 1 <= flows <= 1 << 20:
        sys.stderr.write("many-flows.py: FLOWS must be 1 to 1048576\n")
        return 1
    probes = 9
    t = 1700000000 * 1000000
    n = 0
    with open(sys.argv[2], "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for k in range(probes):
            for f in range(flows):
                sport = 1024 + (f * probes + k) % 64000
                udp = struct.pack("!HHHH", sport, 33434 + k, 16, 0) + \
                    b"x" * 8
                dst = bytes([10, 1 + (f >> 16), (f >> 8) & 255, f & 255])
                ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp),
                                 n & 0xffff, 0, 1 + k // 3, 17, 0,
                                 bytes([10, 0, 0, 1]), dst)
                ip = ip[:10] + struct.pack("!H", cksum(ip)) + ip[12:]
                fr = b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01" \
                    b"\x08\x00" + ip + udp
                out.write(struct.pack("<IIII", t // 1000000, t % 1000000,
                                      len(fr), len(fr)) + fr)
                t += 1
                n += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
