#!/usr/bin/python3
# tests/replay/corpus-truth.py - the expected replay of a capture, computed without
# hoptrace, and a check of a namespace-network capture against its topology.
#
# Used by tests/replay/make-corpus.sh to write tests/replay/text/<name>.out, and by hand
# (see pcaps/README).  It is a second, independent reading of the capture:
# Scapy dissects the packets, tshark gives the timestamps (frame.time_epoch,
# exact to the nanosecond), and the rules are the contract's:
#
#   - a probe is an ICMP/ICMPv6 echo request, a UDP datagram or a TCP SYN
#     sent by a source address (--src, repeatable; default: every address
#     that sends echo requests/UDP/SYNs and gets ICMP errors back);
#   - a trace is the probes from one source to one destination with one
#     protocol and one identity (ICMP identifier; UDP/TCP source port; with
#     --any-sport, UDP/TCP regardless of ports, for tools that use a new
#     source port per probe: Linux traceroute -U and -T, Scapy's
#     traceroute()), at two or more TTLs; the same identity starting again from its
#     first TTL, or after more than --gap seconds, is a new trace -- except
#     mtr's rounds: back at the first TTL after a round of one probe per
#     TTL, with the run's counter going on (ICMP sequence; UDP destination
#     port) is the next round of the same trace;
#   - a reply is matched by what it quotes: the quoted addresses and
#     protocol, then ICMP identifier+sequence, UDP ports (+ IPv4 ID), TCP
#     ports+sequence (+ IPv4 ID); an echo reply by identifier+sequence; a TCP
#     SYN-ACK/RST by ports and ack = seq + 1.  Among several probes that fit,
#     the most recent one sent before the reply that has no reply yet;
#   - a trace ends at the lowest TTL where the destination answered (echo
#     reply, TCP reply, ICMP unreachable from the destination) or where an
#     unreachable came back; later TTLs are folded;
#   - RTT = reply timestamp - probe timestamp, printed as %.3f ms.
#
# The output is hoptrace's -n text layout (header line, then " N  addr  rtt
# ms ..." with the address printed again when it changes; a trace of 2+
# rounds says ", R rounds" in its header and ends each hop line with
# "  (S sent, A received)").
#
# --chain N [--silent K]... [--ratelimit K]... [--balance K] [--deaf]:
# also check the topology of
# tests/net/netns.sh: every reply to a probe with TTL t comes from hop min(t, N)
# (10.77.(k-1).2 / fd77:0:0:(k-1)::2), a destination reply only from TTL >= N,
# no reply at all from a silent hop, every other probe at TTL <= end
# answered (a rate-limited hop may miss some; a deaf target answers none:
# then every probe at TTL >= N is unanswered and the trace has no end).  Problems go to stderr and make the exit status 1.
#
# Usage: corpus-truth.py [--src ADDR]... [--any-sport] [--gap S]
#                        [--chain N] [--silent K]... [--ratelimit K]...
#                        [--balance K] [--deaf] [--json JSONL] FILE
import argparse
import datetime
import subprocess
import sys

from scapy.all import (IP, IPerror, IPerror6, IPv6, PcapNgReader,
                       PcapReader, conf, load_contrib)

load_contrib("mpls")
conf.verb = 0

V4_UNREACH_TAG = ["!N", "!H", "!P", "", "!F", "!S", "!N", "!H",
                  "!H", "!X", "!X", "!N", "!H", "!X", "!V", "!C"]
V6_UNREACH_TAG = ["!N", "!X", "!H", "!H", "", "!X", "!X", "!X"]


def timestamps(path):
    out = subprocess.run(["tshark", "-n", "-r", path, "-T", "fields", "-e",
                          "frame.time_epoch"], check=True,
                         capture_output=True, text=True).stdout
    res = []
    for line in out.split("\n"):
        if not line:
            continue
        sec, _, frac = line.partition(".")
        frac = (frac + "000000000")[:9]
        res.append(int(sec) * 1000000000 + int(frac))
    return res


def packets(path):
    with open(path, "rb") as f:
        magic = f.read(4)
    reader = PcapNgReader if magic == b"\x0a\x0d\x0d\x0a" else PcapReader
    with reader(path) as r:
        for p in r:
            yield p


def outer_ip(pkt):
    """The first IP/IPv6 layer of a frame (not a quoted one)."""
    if pkt.name == "Loopback":
        # DLT_NULL / DLT_LOOP: Scapy knows only this host's AF_INET6
        # value; BSDs use 24, 28 or 30.  Go by the IP version instead.
        b = bytes(pkt)[4:]
        if b and b[0] >> 4 == 4:
            return IP(b)
        if b and b[0] >> 4 == 6:
            return IPv6(b)
        return None
    if pkt.name == "HDLC" and pkt.payload.name == "PPP Link Layer" and \
            pkt.payload.proto in (0x0281, 0x0283):
        # IP inside MPLS over PPP (Scapy leaves it raw): skip the labels
        b = bytes(pkt.payload.payload)
        while len(b) >= 4:
            bottom = b[2] & 1
            b = b[4:]
            if bottom:
                break
        if b and b[0] >> 4 == 4:
            return IP(b)
        if b and b[0] >> 4 == 6:
            return IPv6(b)
        return None
    layer = pkt
    while layer is not None and layer.name != "NoPayload":
        if isinstance(layer, (IP, IPv6)) and not isinstance(
                layer, (IPerror, IPerror6)):
            return layer
        layer = layer.payload if layer.payload else None
    return None


class Probe:
    def __init__(self, idx, ts, ip, proto, ttl, key, ident, dport):
        self.idx, self.ts, self.ip, self.proto = idx, ts, ip, proto
        self.ttl, self.key, self.ident, self.dport = ttl, key, ident, dport
        self.reply = None       # (ts, from, kind, code, tflags)
        self.rinfo = None       # (reply IP length, reply TTL)


def rinfo(ip):
    if isinstance(ip, IP):
        return (ip.len, ip.ttl)
    return (ip.plen + 40, ip.hlim)


def l4_of(ip):
    """(proto name, transport layer) of an IP/IPv6 (outer or quoted)."""
    pl = ip.payload
    if isinstance(ip, (IP,)):
        nh = ip.proto
    else:
        nh = ip.nh
    if nh == 1:
        return "ICMP", pl
    if nh == 58:
        return "ICMP", pl
    if nh == 17:
        return "UDP", pl
    if nh == 6:
        return "TCP", pl
    return None, pl


def probe_key(v4, src, dst, proto, ipid, l4raw):
    """What a router quotes that tells probes apart."""
    if proto == "ICMP":
        ident = l4raw[4:8]                      # identifier + sequence
    elif proto == "UDP":
        ident = l4raw[0:4]                      # ports (checksum: offload)
    else:
        ident = l4raw[0:8]                      # ports + sequence
    return (src, dst, proto, ipid if v4 else None, bytes(ident))


def atlas_err(af, proto, code):
    """The "err" RIPE Atlas probes write for a destination unreachable of
    this code answering a probe of this protocol, None where they write
    none (ripe-atlas-software-probe, eperd/traceroute.c: ready_callback4,
    ready_callback6).  Port unreachable is the normal end of a UDP or TCP
    trace; fragmentation needed gets Atlas's "mtu" instead."""
    if af == 4:
        if code == 3:
            return "p" if proto == "ICMP" else None
        if code == 4:
            return None
        return {0: "N", 1: "H", 2: "P", 13: "A"}.get(code, str(code))
    if code == 4:
        return None
    return {0: "N", 1: "A", 2: "h", 3: "H"}.get(code, str(code))


def counts_on(a, b):
    """b follows a, counting modulo 2**16."""
    if a is None or b is None:
        return False
    return 0 < (b - a) & 0xffff < 0x8000



def json_check(path, jtraces):
    """hoptrace -j output against the truth: the contract's fields."""
    import json
    pb = []
    with open(path) as f:
        objs = [json.loads(l) for l in f if l.strip()]
    if len(objs) != len(jtraces):
        return ["json: %d traces, truth %d" % (len(objs), len(jtraces))]
    for i, (o, t) in enumerate(zip(objs, jtraces)):
        w = "json trace %d" % (i + 1)
        for k in ("type", "fw", "msm_id", "prb_id", "timestamp", "endtime",
                  "af", "proto", "src_addr", "dst_addr", "result"):
            if k not in o:
                pb.append("%s: no %s" % (w, k))
        if pb:
            return pb
        if o["type"] != "traceroute" or o["msm_id"] != 0 or \
                o["prb_id"] != 0:
            pb.append("%s: type/msm_id/prb_id" % w)
        for k in ("af", "proto", "src_addr", "dst_addr", "timestamp"):
            if o[k] != t[k]:
                pb.append("%s: %s %r, truth %r" % (w, k, o[k], t[k]))
        if o["endtime"] < o["timestamp"]:
            pb.append("%s: endtime before timestamp" % w)
        if t["rounds"] > 1:
            if o.get("rounds") != t["rounds"]:
                pb.append("%s: rounds %r, truth %d" % (w, o.get("rounds"),
                                                       t["rounds"]))
            for h, (_, ps) in zip(o["result"], t["hops"]):
                want = (len(ps), len([p for p in ps if p.reply is not None]))
                if (h.get("sent"), h.get("rcvd")) != want:
                    pb.append("%s hop %d: sent/rcvd %r/%r, truth %d/%d"
                              % ((w, h["hop"], h.get("sent"), h.get("rcvd"))
                                 + want))
        elif "rounds" in o:
            pb.append("%s: rounds in a trace of one round" % w)
        hops = [(h["hop"], h["result"]) for h in o["result"]]
        if [h[0] for h in hops] != [h[0] for h in t["hops"]]:
            pb.append("%s: hops %r, truth %r" % (
                w, [h[0] for h in hops], [h[0] for h in t["hops"]]))
            continue
        for (ttl, res), (_, ps) in zip(hops, t["hops"]):
            if len(res) != len(ps):
                pb.append("%s hop %d: %d results, truth %d probes"
                          % (w, ttl, len(res), len(ps)))
                continue
            for r, p in zip(res, ps):
                if p.reply is None:
                    if r != {"x": "*"}:
                        pb.append("%s hop %d: %r, truth *" % (w, ttl, r))
                    continue
                rt, frm, kind, code, _ = p.reply
                want = {"from": frm, "size": p.rinfo[0], "ttl": p.rinfo[1]}
                for k, v in want.items():
                    if r.get(k) != v:
                        pb.append("%s hop %d: %s %r, truth %r"
                                  % (w, ttl, k, r.get(k), v))
                if abs(r.get("rtt", -1) - (rt - p.ts) / 1e6) > 0.0005:
                    pb.append("%s hop %d: rtt %r, truth %.6f"
                              % (w, ttl, r.get("rtt"), (rt - p.ts) / 1e6))
                if kind == "unreach":
                    err = atlas_err(t["af"], t["proto"], code)
                    if r.get("err") != err:
                        pb.append("%s hop %d: err %r, truth %r"
                                  % (w, ttl, r.get("err"), err))
                elif "err" in r:
                    pb.append("%s hop %d: err on a %s reply" % (w, ttl, kind))
    return pb


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", action="append", default=[])
    ap.add_argument("--any-sport", action="store_true")
    ap.add_argument("--gap", type=float, default=30.0)
    ap.add_argument("--chain", type=int)
    ap.add_argument("--silent", type=int, action="append", default=[])
    ap.add_argument("--balance", type=int)
    ap.add_argument("--deaf", action="store_true")
    ap.add_argument("--ratelimit", type=int, action="append", default=[])
    ap.add_argument("--check-only", action="store_true")
    ap.add_argument("--json", metavar="JSONL",
                    help="check hoptrace -j output against the truth")
    ap.add_argument("file")
    a = ap.parse_args()

    ts = timestamps(a.file)
    cand = []   # (idx, ts, ip)
    for i, p in enumerate(packets(a.file)):
        ip = outer_ip(p)
        if ip is not None:
            cand.append((i, ts[i], ip))

    def is_probe_shape(ip):
        proto, l4 = l4_of(ip)
        raw = bytes(ip.payload)
        if proto == "ICMP":
            if isinstance(ip, IP):
                return len(raw) >= 8 and raw[0] == 8
            return len(raw) >= 8 and raw[0] == 128
        if proto == "UDP":
            return len(raw) >= 8
        if proto == "TCP":
            return len(raw) >= 14 and (raw[13] & 0x12) == 0x02
        return False

    def ttl_of(ip):
        return ip.ttl if isinstance(ip, IP) else ip.hlim

    srcs = set(a.src)
    if not srcs:
        # senders of probe-shaped packets that some ICMP error quotes
        quoted = set()
        for _, _, ip in cand:
            raw = bytes(ip.payload)
            if l4_of(ip)[0] == "ICMP" and raw and raw[0] in (
                    (3, 11) if isinstance(ip, IP) else (1, 3)):
                quoted.add(ip.dst)
        srcs = quoted

    # ---- probes and traces -------------------------------------------
    traces = []          # list of dicts
    live = {}            # identity -> trace
    probes_by_key = {}   # key -> [Probe]
    echo_index = {}      # (src, dst, id+seq bytes) -> [Probe]
    for idx, t, ip in cand:
        if ip.src not in srcs or not is_probe_shape(ip):
            continue
        v4 = isinstance(ip, IP)
        proto, _ = l4_of(ip)
        raw = bytes(ip.payload)
        ipid = ip.id if v4 else None
        key = probe_key(v4, ip.src, ip.dst, proto, ipid, raw)
        if proto == "ICMP":
            ident = int.from_bytes(raw[4:6], "big")
            dport = None
        else:
            ident = int.from_bytes(raw[0:2], "big")
            dport = int.from_bytes(raw[2:4], "big")
        if proto in ("TCP", "UDP") and a.any_sport:
            ident = "any"
        pr = Probe(idx, t, ip, proto, ttl_of(ip), key, ident, dport)
        if proto == "ICMP":
            counter = int.from_bytes(raw[6:8], "big")
        elif proto == "UDP":
            counter = dport
        else:
            counter = None
        tid = (ip.src, ip.dst, proto, ident)
        tr = live.get(tid)
        if tr is not None:
            restart = (pr.ttl == tr["min"] and tr["max"] > tr["min"])
            silent = (t - tr["last"]) > a.gap * 1e9
            if restart and not silent and tr["one_per_ttl"] and \
                    counts_on(tr["counter"], counter):
                tr["rounds"] += 1
                tr["round_ttls"] = set()
                restart = False
            if restart or silent:
                tr = None
        if tr is None:
            tr = {"src": ip.src, "dst": ip.dst, "proto": proto,
                  "probes": [], "min": pr.ttl, "max": pr.ttl, "last": t,
                  "first": t, "rounds": 1, "round_ttls": set(),
                  "one_per_ttl": True}
            traces.append(tr)
            live[tid] = tr
        if pr.ttl in tr["round_ttls"]:
            tr["one_per_ttl"] = False
        tr["round_ttls"].add(pr.ttl)
        tr["counter"] = counter
        tr["probes"].append(pr)
        tr["min"] = min(tr["min"], pr.ttl)
        tr["max"] = max(tr["max"], pr.ttl)
        tr["last"] = t
        probes_by_key.setdefault(key, []).append(pr)
        if proto == "ICMP":
            echo_index.setdefault((ip.src, ip.dst, raw[4:8]), []).append(pr)

    def pick(cands, t):
        best = None
        for pr in cands:
            if pr.ts <= t and pr.reply is None:
                if best is None or pr.ts >= best.ts:
                    best = pr
        return best

    # ---- replies -------------------------------------------------------
    unmatched = 0
    for idx, t, ip in cand:
        if ip.dst not in srcs:
            continue
        v4 = isinstance(ip, IP)
        proto, l4 = l4_of(ip)
        raw = bytes(ip.payload)
        if proto == "ICMP" and raw:
            typ, code = raw[0], raw[1]
            err = typ in ((3, 11) if v4 else (1, 3))
            echo = typ == (0 if v4 else 129)
            if err:
                # the quoted packet: after 8 bytes of ICMP header
                qb = raw[8:]
                try:
                    q = IP(qb) if v4 else IPv6(qb)
                except Exception:
                    unmatched += 1
                    continue
                qproto, _ = l4_of(q)
                if qproto is None:
                    continue
                qraw = bytes(q.payload)
                if v4:
                    # quoted IP header length; scapy re-parses: take raw
                    ihl = (qb[0] & 0x0f) * 4
                    qraw = qb[ihl:]
                else:
                    qraw = qb[40:]
                key = probe_key(v4, q.src, q.dst, qproto,
                                q.id if v4 else None, qraw)
                pr = pick(probes_by_key.get(key, []), t)
                if pr is None:
                    unmatched += 1
                    continue
                kind = "timex" if typ == (11 if v4 else 3) else "unreach"
                pr.reply = (t, ip.src, kind, code, None)
                pr.rinfo = rinfo(ip)
            elif echo:
                cands = echo_index.get((ip.dst, ip.src, raw[4:8]), [])
                pr = pick(cands, t)
                if pr is None:
                    unmatched += 1
                    continue
                pr.reply = (t, ip.src, "echo", None, None)
                pr.rinfo = rinfo(ip)
        elif proto == "TCP" and len(raw) >= 14:
            sport = int.from_bytes(raw[0:2], "big")
            dport = int.from_bytes(raw[2:4], "big")
            ack = int.from_bytes(raw[8:12], "big")
            flags = raw[13]
            cands = []
            for k, lst in probes_by_key.items():
                if k[0] != ip.dst or k[1] != ip.src or k[2] != "TCP":
                    continue
                for pr in lst:
                    praw = bytes(pr.ip.payload)
                    psport = int.from_bytes(praw[0:2], "big")
                    pdport = int.from_bytes(praw[2:4], "big")
                    pseq = int.from_bytes(praw[4:8], "big")
                    if psport == dport and pdport == sport and \
                            (pseq + 1) & 0xffffffff == ack:
                        cands.append(pr)
            pr = pick(cands, t)
            if pr is None:
                continue
            pr.reply = (t, ip.src, "tcp", None, flags)
            pr.rinfo = rinfo(ip)

    # ---- render ----------------------------------------------------------
    problems = []
    out = []
    jtraces = []
    shown = [tr for tr in traces
             if len(set(p.ttl for p in tr["probes"])) >= 2]
    for tr in shown:
        v4 = ":" not in tr["src"]
        end = None
        for pr in tr["probes"]:
            if pr.reply is None:
                continue
            final = pr.reply[2] in ("echo", "tcp", "unreach")
            if final and (end is None or pr.ttl < end):
                end = pr.ttl
        last = end if end is not None else tr["max"]
        sec = tr["first"] // 1000000000
        usec = tr["first"] % 1000000000 // 1000
        when = datetime.datetime.fromtimestamp(
            sec, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        rounds = tr["rounds"]
        out.append("hoptrace from %s to %s (%s), %s, first probe %s.%06u UTC%s"
                   % (tr["src"], tr["dst"], tr["dst"], tr["proto"], when,
                      usec, ", %d rounds" % rounds if rounds > 1 else ""))
        jt = {"af": 4 if v4 else 6, "proto": tr["proto"],
              "src_addr": tr["src"], "dst_addr": tr["dst"],
              "timestamp": sec, "hops": [], "rounds": rounds}
        jtraces.append(jt)
        for ttl in range(tr["min"], last + 1):
            ps = [p for p in tr["probes"] if p.ttl == ttl]
            if not ps:
                continue
            jt["hops"].append((ttl, ps))
            line = "%2u " % ttl
            lastaddr = None
            after_rtt = False
            for p in ps:
                if p.reply is None:
                    line += "  *" if after_rtt else " *"
                    after_rtt = False
                    continue
                rt, frm, kind, code, tflags = p.reply
                if lastaddr != frm:
                    line += " " + frm
                    lastaddr = frm
                line += "  %.3f ms" % ((rt - p.ts) / 1e6)
                after_rtt = True
                if kind == "unreach":
                    tab = V4_UNREACH_TAG if v4 else V6_UNREACH_TAG
                    tag = tab[code] if code < len(tab) else "!<%u>" % code
                    if tag:
                        line += " " + tag
                elif kind == "tcp":
                    line += " [closed]" if tflags & 0x04 else " [open]"
            if rounds > 1:
                line += "  (%d sent, %d received)" % (
                    len(ps), len([p for p in ps if p.reply is not None]))
            out.append(line)
            # topology
            if a.chain:
                n = a.chain
                for p in ps:
                    k = min(p.ttl, n)
                    want = ("10.77.%d.2" % (k - 1)) if v4 else (
                        "fd77::2" if k == 1 else "fd77:0:0:%d::2" % (k - 1))
                    alt = None
                    if a.balance and k == a.balance + 1:
                        alt = ("10.77.%d.2" % (99 + k)) if v4 else \
                            "fd77:0:0:%d::2" % (99 + k)
                    if a.deaf and p.ttl >= n:
                        if p.reply is not None:
                            problems.append("ttl %d: the deaf target "
                                            "answered" % p.ttl)
                        continue
                    if p.reply is None:
                        if k not in a.silent and k not in a.ratelimit:
                            problems.append("ttl %d probe #%d unanswered"
                                            % (p.ttl, p.idx + 1))
                        continue
                    if k in a.silent:
                        problems.append("ttl %d: silent hop answered" % p.ttl)
                    if p.reply[1] not in (want, alt):
                        problems.append("ttl %d: reply from %s, topology "
                                        "says %s" % (p.ttl, p.reply[1], want))
                    if (p.reply[2] == "timex") != (p.ttl < n):
                        problems.append("ttl %d: reply kind %s"
                                        % (p.ttl, p.reply[2]))
        if a.chain and a.deaf:
            if end is not None:
                problems.append("deaf target, but the trace ends at %d" % end)
        elif a.chain and last != a.chain:
            problems.append("trace ends at %d, not at the target hop %d"
                            % (last, a.chain))
    if a.chain and not shown:
        problems.append("no trace found")
    if a.json:
        problems += json_check(a.json, jtraces)
    if not a.check_only:
        sys.stdout.write("".join(l + "\n" for l in out))
    for pb in problems:
        sys.stderr.write("%s: %s\n" % (a.file, pb))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
