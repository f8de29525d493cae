"""tests/replay/ht_text.py - the one reading of hoptrace's text output (-n -r) that
the Python tests share (json-all.py, sagan.py).

traces(out) returns one Trace per header line:
  Trace.src, .dst, .proto     from "hoptrace from SRC to DST (DST), PROTO, ..."
  Trace.hops                  [(hop, [answer, ...]), ...], hop lines in order
where an answer is None for "*" or (address, rtt) for a reply: the
responder (printed before its first RTT and again when it changes) and the
RTT as printed, a string with 3 decimals ("0.052").  Annotations after an
RTT (!H, [open], <MPLS:...>, <IF:...>) are skipped.  A line that is neither
a header nor a hop raises ValueError."""
import collections
import re

Trace = collections.namedtuple("Trace", "src dst proto hops")

HDR = re.compile(r"^hoptrace from (\S+) to \S+ \((\S+)\), (ICMP|UDP|TCP), ")
HOP = re.compile(r"^ ?(\d+) ")
ADDR = r"[0-9a-fA-F:.]*[0-9a-fA-F]"
# "*", an address and its RTT, or an RTT alone
TOKEN = re.compile(r"\*|(?:(" + ADDR + r")  )?(\d+\.\d{3}) ms")


def traces(out):
    """The traces of one run's text output, as described above."""
    res = []
    for line in out.splitlines():
        m = HDR.match(line)
        if m:
            res.append(Trace(m.group(1), m.group(2), m.group(3), []))
            continue
        m = HOP.match(line)
        if not m or not res:
            raise ValueError("unexpected text line: " + line)
        answers, addr = [], None
        for tok in TOKEN.finditer(line, m.end()):
            if tok.group(0) == "*":
                answers.append(None)
                continue
            if tok.group(1):
                addr = tok.group(1)
            if addr is None:
                raise ValueError("an RTT before any address: " + line)
            answers.append((addr, tok.group(2)))
        res[-1].hops.append((int(m.group(1)), answers))
    return res
