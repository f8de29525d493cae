#!/bin/bash
# tests/live/live-cont-mtr.sh - rounds beside mtr itself (mtr-tiny) on a chain of
# 8 real Linux routers (tests/net/netns.sh) where hop 3 drops 30% of its answers
# and the target 20% (nftables numgen random), and every router and the
# target hold each packet D ms plus a uniform [0, J) ms (bench/nfq-delay,
# built here from bench/nfq-delay.c; bench/netns-delay.sh), IPv4 ICMP:
#   - the Done-when: `hoptrace -c 10 --report` and `mtr -r -c 10` on the
#     same chain give the same hops from the same addresses, Snt 10 at
#     every hop, no loss at the hops that lose nothing, a lossy hop's loss
#     within 5 binomial standard deviations of its set loss (for 10 rounds
#     that bound holds anything at 30% and 20%: the loss figures are
#     checked over 600 rounds in live-cont.sh), and every hop's Best at
#     least the (2k - 1) D ms that the network holds hop k's probe and
#     answer at the least (a lower bound no load can break: a smaller
#     figure would pair the wrong times);
#   - the byte layout of --report against mtr -r, and of --report-wide
#     against mtr -w: the "Start:" line, the "HOST:" line's titles equal
#     past the host name, and on every hop line each column ending in the
#     same place as mtr's (the values differ, the layout must not);
#   - --csv against mtr --csv: the header equal, every line as many
#     fields, Status, Host, Hop, Snt and (where both had an answer) Ip
#     equal, the " " column the probes lost (as mtr's);
#   - -j against mtr --json: every key of mtr's "mtr" object (bar tos,
#     psize and bitpattern, mtr's own probe settings) and of each hub is
#     in hoptrace's, with the same host and Snt;
#   - replay: tcpdump's capture of an mtr -c 30 --json run read back with
#     hoptrace -r --report -j gives mtr's table: the same hops from the
#     same addresses, Snt = mtr's = the rounds mtr ran, and mtr's Loss% at
#     every hop (the RTTs are the capture's, mtr's its own clock's: not
#     compared).
# Every run is of 10 rounds or more, so that a hop that loses every
# answer ("???", and mtr then probing past the target) is a one in 10^5
# event (hop 3: 0.3^10 a run), not a flaky test.
# Every run: stderr empty.  Timings are never checked (the Best bound is
# the network's least hold, which load only lengthens).  Exit 0 pass, 1
# fail, 77 skip (not root, no netns, no mtr, tcpdump, python3, iptables or
# libnetfilter-queue-dev), 99 hard error.

set -u

# shellcheck source=preamble.sh source-path=SCRIPTDIR disable=SC1091
. "$(dirname "$0")/preamble.sh" mtr tcpdump python3 timeout iptables
# shellcheck disable=SC2154 # top_srcdir: set by preamble.sh
top=$top_srcdir
# shellcheck source=../../bench/netns-delay.sh source-path=SCRIPTDIR disable=SC1091
. "$top/bench/netns-delay.sh"
tdpid=
# shellcheck disable=SC2016 # expanded on exit
ht_live_net htm '[ -n "$tdpid" ] && kill "$tdpid" 2>/dev/null; ht_delay_stop "$N" 2>/dev/null'
export HT_BENCH_BUILD=$tmp/build
if ! ht_delay_build >/dev/null 2>"$tmp/build.err"; then
	echo "SKIP: bench/nfq-delay.c does not build (libnetfilter-queue-dev): $(head -3 "$tmp/build.err")"
	exit 77
fi

HOPS=8 P3=30 P8=20 D=1 J=2 ROUNDS=10 IVL=0.2 RROUNDS=30
ht_live_up --hops "$HOPS" --loss "3:$P3" --loss "$HOPS:$P8" >/dev/null
HT_DELAY_JITTER=$J ht_delay_start "$N" "$D" || {
	echo "ERROR: ht_delay_start $N $D (jitter $J) failed"
	exit 99
}
T=$HT_TARGET4
addrs=""
for ((k = 1; k <= HOPS; k++)); do addrs+="$(ht_hop_addr4 "$k") "; done

# mtr ARGS... : mtr in the source namespace, stdout in $tmp/NAME (first arg)
mtr_run() {
	local out=$1
	shift
	last_cmd="ip netns exec ${N}s mtr $*"
	ht_net_exec "$N" s timeout 60 mtr "$@" >"$tmp/$out" 2>"$tmp/err" </dev/null
	rc=$?
}

# ok DESC : the last run exited 0 with empty stderr
ok() {
	checks=$((checks + 1))
	if [ "$rc" != 0 ] || [ -s "$tmp/err" ]; then
		report "$1" "exit $rc or stderr: $(cat "$tmp/err")"
		return 1
	fi
	return 0
}

# py DESC SCRIPT ARGS... : a python check; prints its first line, reports
# the rest when it fails
py() {
	local desc=$1 code=$2 out
	shift 2
	checks=$((checks + 1))
	if ! out=$(python3 -c "$code" "$@" 2>&1); then
		report "$desc" "$out"
		return 1
	fi
	[ -n "$out" ] && printf '    %s\n' "$out"
	return 0
}

# The layout of two mtr-style reports: line 1 "Start: ...", line 2
# "HOST: NAME   titles" (titles equal from the column where mtr puts
# them), then per hop the columns' end positions and the "N.|-- ADDR"
# head equal (the address where both tools had an answer: "???" when
# every probe of the hop was lost).
LAYOUT='
import re, sys
a, b = (open(f).read().splitlines() for f in sys.argv[1:3])
col = int(sys.argv[3])
bad = []
if len(a) != len(b):
    bad.append("%d lines, mtr %d" % (len(b), len(a)))
if not (a and b and a[0].startswith("Start: ") and b[0].startswith("Start: ")):
    bad.append("line 1 is not Start:")
if len(a) > 1 and len(b) > 1 and (a[1][col:] != b[1][col:] or len(a[1]) != len(b[1])):
    bad.append("titles: %r, mtr %r" % (b[1], a[1]))
ends = lambda l: [m.end() for m in re.finditer(r"\S+", l)]
for x, y in zip(a[2:], b[2:]):
    hx, hy = x.split()[:2], y.split()[:2]
    if ends(x) != ends(y) or hx[0] != hy[0] or (hx != hy and "???" not in hx + hy):
        bad.append("hop line %r, mtr %r" % (y, x))
print("%d lines, columns end as mtr'"'"'s: %s" % (len(b), ends(b[-1]) if b else []))
if bad:
    print("\n".join(bad))
    sys.exit(1)
'

echo "chain of $HOPS, hop 3 loses $P3%, hop $HOPS $P8%, $D ms + [0, $J) ms a crossing; $ROUNDS rounds at ${IVL}s"

# The Done-when: both tools, -c 10, the same chain.
mtr_run mtr.json -n --json -c "$ROUNDS" -i "$IVL" -G 1 "$T" && ok "mtr --json"
run -n -c "$ROUNDS" --interval="$IVL" --report -j "$T"
ok "hoptrace -c $ROUNDS --report -j" && cp "$tmp/out" "$tmp/ht.json"
py "hoptrace -c $ROUNDS and mtr -r -c $ROUNDS agree with the network" '
import json, math, sys
addrs = sys.argv[3].split()
n, d = int(sys.argv[4]), float(sys.argv[5])
loss = {3: 30, 8: 20}
bad = []
for tool, f in (("mtr", sys.argv[1]), ("hoptrace", sys.argv[2])):
    hubs = json.load(open(f))["report"]["hubs"]
    if [h["host"] for h in hubs] != addrs or [h["count"] for h in hubs] != list(range(1, len(addrs) + 1)):
        bad.append("%s: hops %s, want %s" % (tool, [(h["count"], h["host"]) for h in hubs], addrs))
        continue
    for h in hubs:
        k = h["count"]
        p = loss.get(k, 0) / 100.0
        lost = round(h["Snt"] * h["Loss%"] / 100.0)
        if h["Snt"] != n:
            bad.append("%s hop %d: Snt %d, want %d" % (tool, k, h["Snt"], n))
        if abs(lost - n * p) > 5 * math.sqrt(n * p * (1 - p)):
            bad.append("%s hop %d: %d lost of %d, set %d%%" % (tool, k, lost, n, loss.get(k, 0)))
        if lost < n and h["Best"] < (2 * k - 1) * d - 0.001:
            bad.append("%s hop %d: Best %.3f ms below the least hold %.3f" % (tool, k, h["Best"], (2 * k - 1) * d))
    print("%-8s Loss%% %s" % (tool, " ".join("%.0f" % h["Loss%"] for h in hubs)))
print("\n".join(bad))
sys.exit(1 if bad else 0)
' "$tmp/mtr.json" "$tmp/ht.json" "$addrs" "$ROUNDS" "$D"

# --report against mtr -r, --report-wide against mtr -w (mtr's report
# puts its titles at column 34; the wide one after the longest name)
mtr_run mtr.txt -n -r -c "$ROUNDS" -i "$IVL" -G 1 "$T" && ok "mtr -r"
run -n -c "$ROUNDS" --interval="$IVL" --report "$T"
ok "--report" && cp "$tmp/out" "$tmp/ht.txt"
py "--report: mtr -r's layout" "$LAYOUT" "$tmp/mtr.txt" "$tmp/ht.txt" 34
mtr_run mtrw.txt -n -w -c "$ROUNDS" -i "$IVL" -G 1 "$T" && ok "mtr -w"
run -n -c "$ROUNDS" --interval="$IVL" --report-wide "$T"
ok "--report-wide" && cp "$tmp/out" "$tmp/htw.txt"
w=$(sed -n 2p "$tmp/mtrw.txt" | grep -bo 'Loss%' | cut -d: -f1)
py "--report-wide: mtr -w's layout" "$LAYOUT" "$tmp/mtrw.txt" "$tmp/htw.txt" "${w:-0}"

# --csv against mtr --csv
mtr_run mtr.csv -n --csv -c "$ROUNDS" -i "$IVL" -G 1 "$T" && ok "mtr --csv"
run -n -c "$ROUNDS" --interval="$IVL" --csv "$T"
ok "--csv" && cp "$tmp/out" "$tmp/ht.csv"
py "--csv: mtr's fields" '
import sys
a, b = (open(f).read().splitlines() for f in sys.argv[1:3])
bad = []
if not a or not b or a[0] != b[0]:
    bad.append("header %r, mtr %r" % (b[:1], a[:1]))
if len(a) != len(b):
    bad.append("%d lines, mtr %d" % (len(b), len(a)))
for x, y in zip(a[1:], b[1:]):
    x, y = x.split(","), y.split(",")
    # Status, Host, Hop, Snt; Ip where both tools had an answer ("???":
    # every probe of the hop lost); the " " column is the drop count
    if (len(x) != len(y) or [x[i] for i in (2, 3, 4, 7)] != [y[i] for i in (2, 3, 4, 7)] or
            (x[5] != y[5] and "???" not in (x[5], y[5])) or
            int(y[8]) != round(int(y[7]) * float(y[6]) / 100)):
        bad.append("line %s, mtr %s" % (y, x))
print("header and %d lines as mtr'"'"'s" % (len(b) - 1))
if bad:
    print("\n".join(bad))
    sys.exit(1)
' "$tmp/mtr.csv" "$tmp/ht.csv"

# -j against mtr --json: mtr's keys
py "-j: mtr --json's keys" '
import json, sys
a, b = (json.load(open(f))["report"] for f in sys.argv[1:3])
bad = []
miss = set(a["mtr"]) - set(b["mtr"]) - {"tos", "psize", "bitpattern"}
if miss:
    bad.append("report.mtr lacks %s" % sorted(miss))
for x, y in zip(a["hubs"], b["hubs"]):
    if set(x) - set(y):
        bad.append("hub %d lacks %s" % (x["count"], sorted(set(x) - set(y))))
    if (x["host"], x["Snt"]) != (y["host"], y["Snt"]):
        bad.append("hub %d: %s, mtr %s" % (x["count"], (y["host"], y["Snt"]), (x["host"], x["Snt"])))
print("mtr'"'"'s keys: %s; hub: %s" % (sorted(a["mtr"]), sorted(a["hubs"][0])))
if bad:
    print("\n".join(bad))
    sys.exit(1)
' "$tmp/mtr.json" "$tmp/ht.json"

# Replay of mtr's own capture gives mtr's report.
rm -f "$tmp/mtr.pcap"
ip netns exec "${N}s" tcpdump -Z root -s 2048 -B 8192 -U --immediate-mode -i eR -w "$tmp/mtr.pcap" icmp \
	>"$tmp/td.log" 2>&1 &
tdpid=$!
for ((k = 0; k < 100; k++)); do
	grep -q 'listening on' "$tmp/td.log" && break
	sleep 0.05
done
mtr_run mtrc.json -n --json -c "$RROUNDS" -i 0.1 -G 1 "$T" && ok "mtr --json under tcpdump"
sleep 0.5
kill -INT "$tdpid"
wait "$tdpid"
tdpid=
checks=$((checks + 1))
grep -qx '0 packets dropped by kernel' "$tmp/td.log" ||
	report "tcpdump captured mtr's run whole" "$(cat "$tmp/td.log")"
"$HOPTRACE" -r "$tmp/mtr.pcap" -n --report -j >"$tmp/rep.json" 2>"$tmp/err"
rc=$?
# shellcheck disable=SC2034 # read by report (live-lib.sh)
last_cmd="hoptrace -r mtr.pcap -n --report -j"
ok "replay of mtr's capture"
py "replay of mtr's capture: mtr's table" '
import json, sys
a, b = (json.load(open(f))["report"] for f in sys.argv[1:3])
n = int(sys.argv[3])
key = lambda h: (h["count"], h["host"], h["Snt"], round(h["Loss%"], 1))
ka, kb = [key(h) for h in a["hubs"]], [key(h) for h in b["hubs"]]
print("mtr (hop, host, Snt, Loss%%): %s" % " ".join("%d:%s" % (k[0], k[3]) for k in ka))
ok = ka == kb and b["mtr"]["tests"] == n and {h["Snt"] for h in a["hubs"]} == {n}
if not ok:
    print("replayed: %s (tests %s)" % (kb, b["mtr"]["tests"]))
sys.exit(0 if ok else 1)
' "$tmp/mtrc.json" "$tmp/rep.json" "$RROUNDS"

if [ "$failures" != 0 ]; then
	printf '%s of %s checks failed\n' "$failures" "$checks"
	exit 1
fi
printf 'PASS: %s checks\n' "$checks"
exit 0
