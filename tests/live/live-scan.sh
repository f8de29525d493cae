#!/bin/bash
# tests/live/live-scan.sh - many targets (--targets, --rows) over real Linux
# routers (tests/net/netns.sh --prefix): a chain of 5 hops whose target answers
# for 10.200.0.0/16 and fd77:200::/64, and whose hop 3 answers for the
# upper halves (10.200.128.0/17, fd77:200:0:0:8000::/65), so targets there
# are 3 hops away and the others 5.
#   - usage errors (before any network): exit 2, one line on stderr;
#   - a bad line of the targets file: exit 1 naming its line; --skip-bad
#     warns and goes on;
#   - both families in one targets file (2 x 128 of each): every row
#     exact, replay equal to live; -6 on that file: its IPv6 targets only;
#   - IPv4: 512 + 256 targets from two prefixes (stdin), IPv6: 2 x 256,
#     and one random address in each /24 of the /16 (--per-prefix=24), TTLs
#     1..8: every row exact against the topology (a TTL below a target's
#     distance: time exceeded from that hop; at or above: echo reply from
#     the target), every TTL up to the distance answered once, no row
#     for another target, the summary line's counts agree with the rows;
#   - 4096 IPv4 targets (two /21s, one 3 hops away, one 5) at 10,000
#     pps: every path exact, replay equal to live;
#   - UDP (-U) and TCP (-T), IPv4 and IPv6, 2 x 256 targets: the same,
#     ending in the target's port unreachable or RST;
#   - -j (ICMP, UDP, TCP; IPv4, IPv6; 2 x 64 targets): one RIPE Atlas
#     trace a target, every hop exact, read back by ripe.atlas.sagan in
#     strict mode where a copy is found (as sagan.sh finds it), and the
#     -w capture replayed with -j gives the same lines (sorted: live
#     writes a target when its trace is final, replay in order of first
#     probe);
#   - --stop-set: the 768 IPv4 targets again; rows exact, every target's
#     end reached, every TTL not probed below one a router answered, and
#     the summary counts the stop set's skips;
#   - the -w capture replayed (-r FILE --rows) gives the same rows, byte
#     for byte; with --targets, only the rows of those targets;
#   - SIGINT stops a slow run: exit 130, the summary says so, the rows so
#     far are whole lines, and its capture replays to them.
#   - a scan started as root runs as nobody with no capabilities
#     (/proc/PID/status while it runs);
#   - on a terminal (script(1)) the progress line comes (sent, rate,
#     replies, matched, targets done, time left), its counts never go
#     back or past the summary's, and the summary follows it;
#   - --gap 3 on a deaf /24: every TTL up to the gap's end probed once a
#     target, none beyond it once the gap's TTLs had waited (from the
#     -w capture's times), the rows exact, the skips counted.
# Timings are never checked.  Exit 0 pass, 1 fail, 77 skip, 99 hard error.
# shellcheck disable=SC2154,SC2034 # tmp: ht_tmpdir; last_cmd: ht_report
set -u
# shellcheck source=preamble.sh source-path=SCRIPTDIR disable=SC1091
. "$(dirname "$0")/preamble.sh"

usage_fail=0
for args in "--rate=100 192.0.2.1" "--per-prefix=24 192.0.2.1" \
	"--skip-bad 192.0.2.1" "--targets=/dev/null" "--rows 192.0.2.1" \
	"--targets=/dev/null --rows -j" "--targets=/dev/null" "--stop-set 192.0.2.1" "--targets=/dev/null --rows -U --paris" \
	"--targets=/dev/null --rows --mda" "--targets=/dev/null --rows 192.0.2.1" \
	"--targets=/dev/null --rows --rate=0" \
	"--targets=/dev/null --rows --rate=1000001" \
	"--targets=/dev/null --rows --per-prefix=0" \
	"--targets=/dev/null --rows --per-prefix=129" \
	"--targets=/dev/null --rows -m 40" "--targets=/dev/null --rows -f 9 -m 8"; do
	# shellcheck disable=SC2086 # words on purpose
	out=$("$HOPTRACE" $args 2>&1 >/dev/null)
	st=$?
	if [ "$st" != 2 ] || [ "$(printf '%s\n' "$out" | wc -l)" != 1 ]; then
		echo "FAIL: hoptrace $args: exit $st (want 2), stderr: $out"
		usage_fail=1
	fi
done
[ "$usage_fail" = 0 ] || exit 1

ht_net_need_root python3 timeout

ht_live_net htscan
failures=0
checks=0
HOPS=5
SHORT=3
ht_live_up --hops "$HOPS" --prefix --prefix-short "$SHORT"

run() { # ARGS...: hoptrace in the source namespace, stdin from $tmp/in
	last_cmd="ip netns exec ${N}s hoptrace $*"
	ht_net_exec "$N" s timeout 60 "$HOPTRACE" "$@" >"$tmp/out" 2>"$tmp/err" <"$tmp/in"
	rc=$?
}
: >"$tmp/in"

# check_rows AF TARGETS_COUNT : the rows of $tmp/out against the topology
# (AF 0: targets of both families)
check_rows() {
	local out
	checks=$((checks + 1))
	out=$(python3 - "$tmp/out" "$tmp/err" "$1" "$2" "$HOPS" "$SHORT" <<'PY'
import ipaddress, json, os, re, sys
path, errpath, af, ntargets, hops, short = sys.argv[1:7]
final = os.environ.get("HT_FINAL", "echo-reply")
proto = os.environ.get("HT_PROTO", "ICMP")
af, ntargets, hops, short = int(af), int(ntargets), int(hops), int(short)
fixed_af = af   # 0: both families, each row's from its target
err = []
def hop_addr(k):
    return ("10.77.%d.2" % (k - 1)) if af == 4 else \
        str(ipaddress.ip_address("fd77:0:0:%d::2" % (k - 1)) if k > 1 else "fd77::2")
def hop6(k):
    return "fd77::2" if k == 1 else "fd77:0:0:%d::2" % (k - 1)
def dist(t):
    a = ipaddress.ip_address(t)
    if af == 4:
        return short if a in ipaddress.ip_network("10.200.128.0/17") else hops
    return short if a in ipaddress.ip_network("fd77:200:0:0:8000::/65") else hops
seen = {}
n = 0
for ln, line in enumerate(open(path), 1):
    n += 1
    try:
        r = json.loads(line)
    except ValueError as e:
        err.append("line %d: not JSON: %s" % (ln, e)); continue
    t, ttl = r["target"], r["ttl"]
    af = fixed_af or (6 if ":" in t else 4)
    d = dist(t)
    want = (hop_addr(ttl) if af == 4 else hop6(ttl), "time-exceeded") \
        if ttl < d else (hop6(d) if os.environ.get("HT_FINAL_HOP") else t,
                         final)
    if (r["responder"], r["reply"]) != want or r["proto"] != proto:
        err.append("line %d: %s ttl %d: %s %s %s, expected %s %s %s" %
                   (ln, t, ttl, r["responder"], r["reply"], r["proto"],
                    want[0], want[1], proto))
    if r["af"] != af or not isinstance(r["rtt"], float) or r["rtt"] < 0:
        err.append("line %d: af %r rtt %r" % (ln, r["af"], r["rtt"]))
    if ttl < d and r["quoted_ttl"] != 1:
        err.append("line %d: quoted_ttl %r" % (ln, r["quoted_ttl"]))
    seen.setdefault(t, []).append(ttl)
if len(seen) != ntargets:
    err.append("%d targets in the rows, expected %d" % (len(seen), ntargets))
for t, ttls in seen.items():
    af = fixed_af or (6 if ":" in t else 4)
    d = dist(t)
    low = sorted(x for x in ttls if x <= d)
    if low != list(range(1, d + 1)):
        err.append("%s: TTLs up to %d answered: %s" % (t, d, low))
        if len(err) > 20:
            break
summ = open(errpath).read().splitlines()
m = re.match(r"^hoptrace: (\d+) targets, (\d+) probes sent in [0-9.]+ s "
             r"\(\d+ pps, asked \d+\), (\d+) skipped, 0 refused; (\d+) "
             r"replies, (\d+) matched; (\d+) of (\d+) targets done$",
             summ[-1] if summ else "")
if len(summ) != 1 or not m:
    err.append("stderr is not one summary line")
else:
    tg, sent, skipped, rep, mat, done, tg2 = map(int, m.groups())
    if tg != ntargets or done != ntargets or tg2 != ntargets:
        err.append("summary: targets %d, done %d of %d" % (tg, done, tg2))
    if mat != n or rep != n or sent != n:
        err.append("summary: sent %d, replies %d, matched %d; %d rows" %
                   (sent, rep, mat, n))
    if sent + skipped != ntargets * 8:
        err.append("summary: sent + skipped = %d, expected %d pairs" %
                   (sent + skipped, ntargets * 8))
for e in err[:20]:
    print(e)
sys.exit(1 if err else 0)
PY
	) && [ "$rc" = 0 ] && return 0
	local -a probs=("exit status $rc")
	[ -n "$out" ] && mapfile -t -O 1 probs <<<"$out"
	ht_report "${3:-rows}" "${probs[@]}"
	return 1
}

# same_rows DESC FILE: $tmp/out equals FILE, byte for byte
same_rows() {
	checks=$((checks + 1))
	if ! cmp -s "$tmp/out" "$2" || [ "$rc" != 0 ] || [ -s "$tmp/err" ]; then
		ht_report "$1" "rows differ from $2 ($(wc -l <"$2") lines), or exit/stderr"
		diff "$2" "$tmp/out" | head -5
		return 1
	fi
}

# replay_equal NAME DESC: $tmp/out (live rows) kept as NAME.json; the
# replay of $tmp/NAME.pcap with --rows must equal it
replay_equal() {
	cp "$tmp/out" "$tmp/$1.json"
	last_cmd="hoptrace -r $1.pcap --rows"
	"$HOPTRACE" -r "$tmp/$1.pcap" --rows >"$tmp/out" 2>"$tmp/err"
	rc=$?
	same_rows "$2" "$tmp/$1.json"
}

RATE=4000
for af in 4 6; do
	if [ "$af" = 4 ]; then
		printf '# two prefixes\n10.200.0.0/23\n\n10.200.128.0/24 # short ones\n' >"$tmp/in"
		count=768
	else
		printf 'fd77:200::/120\nfd77:200::8000:0:0:0/120\n' >"$tmp/in"
		count=512
	fi
	run --targets=- --rows --rate=$RATE -m 8 -w "$tmp/live$af.pcap"
	check_rows "$af" "$count" "IPv$af: $count targets, rows exact" &&
		echo "IPv$af: $count targets: $(tail -1 "$tmp/err")"
	replay_equal "live$af" "IPv$af: replay of -w equals live"
	# replay with --targets: the rows of the short prefix only
	if [ "$af" = 4 ]; then sub=10.200.128.0/17; else sub=fd77:200:0:0:8000::/65; fi
	printf '%s\n' "$sub" >"$tmp/sub"
	python3 -c '
import ipaddress, json, sys
net = ipaddress.ip_network(sys.argv[2])
for line in open(sys.argv[1]):
    if ipaddress.ip_address(json.loads(line)["target"]) in net:
        sys.stdout.write(line)' "$tmp/live$af.json" "$sub" >"$tmp/want-sub"
	last_cmd="hoptrace -r live$af.pcap --targets=$sub --rows"
	"$HOPTRACE" -r "$tmp/live$af.pcap" --targets="$tmp/sub" --rows >"$tmp/out" 2>"$tmp/err"
	rc=$?
	same_rows "IPv$af: replay with --targets selects those targets" "$tmp/want-sub"
done

# both families in one file: one run probes both (an IPv4 and an IPv6
# socket, one capture), every row exact, replay equal; -6 on the same file
# traces its IPv6 targets alone
printf '10.200.0.0/25\nfd77:200::8000:0:0:0/121\n10.200.128.0/25\nfd77:200::/121\n' >"$tmp/in"
run --targets=- --rows --rate=$RATE -m 8 -w "$tmp/mixed.pcap"
check_rows 0 512 "IPv4 and IPv6 in one file: 512 targets, rows exact" &&
	echo "IPv4 + IPv6: 512 targets: $(tail -1 "$tmp/err")"
replay_equal mixed "IPv4 and IPv6: replay of -w equals live"
run --targets=- --rows --rate=$RATE -m 8 -6
check_rows 6 256 "-6 on a file of both families: its 256 IPv6 targets"

# a few thousand targets: 4096, half of them 3 hops away, every path exact,
# replay equal to live
printf '10.200.16.0/21\n10.200.200.0/21\n' >"$tmp/in"
run --targets=- --rows --rate=10000 -m 8 -w "$tmp/big.pcap"
check_rows 4 4096 "IPv4: 4096 targets at 10000 pps, every path exact" &&
	echo "IPv4: 4096 targets: $(tail -1 "$tmp/err")"
replay_equal big "IPv4: 4096 targets: replay of -w equals live"

# UDP and TCP probes: the target's port unreachable, its RST; replay = live
for m in U T; do
	if [ "$m" = U ]; then fin=unreachable; pr=UDP; else fin=tcp-rst; pr=TCP; fi
	for af in 4 6; do
		if [ "$af" = 4 ]; then
			printf '10.200.1.0/24\n10.200.129.0/24\n' >"$tmp/in"
		else
			printf 'fd77:200::1:0/120\nfd77:200::8000:0:0:100/120\n' >"$tmp/in"
		fi
		run --targets=- --rows -$m --rate=$RATE -m 8 -w "$tmp/l4.pcap"
		# IPv6: Linux answers an AnyIP address's UDP from its link's
		fhop=; [ "$m$af" = U6 ] && fhop=1
		HT_FINAL=$fin HT_PROTO=$pr HT_FINAL_HOP=$fhop check_rows "$af" 512 \
			"-$m IPv$af: 512 targets, rows exact" &&
			echo "-$m IPv$af: 512 targets: $(tail -1 "$tmp/err")"
		cp "$tmp/out" "$tmp/l4.json"
		last_cmd="hoptrace -r l4.pcap --rows (-$m IPv$af)"
		"$HOPTRACE" -r "$tmp/l4.pcap" --rows >"$tmp/out" 2>"$tmp/err"
		rc=$?
		same_rows "-$m IPv$af: replay of -w equals live" "$tmp/l4.json"
	done
done

# -j: a RIPE Atlas trace a target, exact, read by sagan; replay = live
# sagan as tests/replay/sagan.sh finds it, and a python3 with dateutil and pytz
spy=python3
for p in python3 /usr/bin/python3; do
	if command -v "$p" >/dev/null && "$p" -c 'import dateutil, pytz' 2>/dev/null; then
		spy=$p
		break
	fi
done
sagan=
for d in "$srcdir/../../shared/vendor/ripe-atlas-sagan" /work/shared/vendor/ripe-atlas-sagan; do
	[ -f "$d/ripe/atlas/sagan/traceroute.py" ] && sagan=$d && break
done
for ma in I4 U4 T4 I6 U6 T6; do
	m=${ma%?} af=${ma#?}
	case $m in I) pr=ICMP ;; U) pr=UDP ;; *) pr=TCP ;; esac
	if [ "$af" = 4 ]; then
		printf '10.200.2.0/26\n10.200.130.0/26\n' >"$tmp/in"
	else
		printf 'fd77:200::2:0/122\nfd77:200::8000:0:0:200/122\n' >"$tmp/in"
	fi
	run --targets=- -j -$m --rate=$RATE -m 8 -w "$tmp/j.pcap"
	fhop=0; [ "$ma" = U6 ] && fhop=1
	checks=$((checks + 1))
	if out=$(PYTHONPATH=$sagan${PYTHONPATH:+:$PYTHONPATH} PYTHONDONTWRITEBYTECODE=1 \
		"$spy" "$srcdir/live/scan-json.py" "$tmp/out" "$af" 128 "$HOPS" "$SHORT" "$pr" "$fhop") &&
		[ "$rc" = 0 ]; then
		echo "-j -$m IPv$af: $out"
	else
		ht_report "-j -$m IPv$af: a trace a target, exact" "exit $rc" "$out"
	fi
	sort "$tmp/out" >"$tmp/j.json"
	last_cmd="hoptrace -r j.pcap --targets=::/0 -j (-$m IPv$af)"
	if [ "$af" = 4 ]; then echo 0.0.0.0/0; else echo ::/0; fi >"$tmp/all"
	"$HOPTRACE" -r "$tmp/j.pcap" --targets="$tmp/all" -j >"$tmp/out.u" 2>"$tmp/err"
	rc=$?
	sort "$tmp/out.u" >"$tmp/out"
	same_rows "-j -$m IPv$af: replay of -w gives the same traces" "$tmp/j.json"
done

# --stop-set (Doubletree): every target shares the chain's routers, so a
# TTL below an interface already seen for another target is skipped; the
# rows stay exact, every target still reaches its end, and each TTL not
# probed lies below one that was answered by a router
printf '10.200.0.0/23\n10.200.128.0/24\n' >"$tmp/in"
run --targets=- --rows --stop-set --rate=$RATE -m 8
checks=$((checks + 1))
if out=$(python3 - "$tmp/out" "$tmp/err" "$HOPS" "$SHORT" <<'PY'
import ipaddress, json, re, sys
path, errpath, hops, short = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
err, ans = [], {}
def dist(t):
    return short if ipaddress.ip_address(t) in ipaddress.ip_network("10.200.128.0/17") else hops
for ln, line in enumerate(open(path), 1):
    r = json.loads(line)
    t, ttl, d = r["target"], r["ttl"], dist(r["target"])
    want = ("10.77.%d.2" % (ttl - 1), "time-exceeded") if ttl < d else (t, "echo-reply")
    if (r["responder"], r["reply"]) != want:
        err.append("line %d: %s ttl %d: %s, expected %s" % (ln, t, ttl, r["responder"], want[0]))
    ans.setdefault(t, set()).add(ttl)
if len(ans) != 768:
    err.append("%d targets answered, expected 768" % len(ans))
unprobed = 0
for t, a in ans.items():
    d = dist(t)
    if d not in a:
        err.append("%s: its end (TTL %d) not reached: %s" % (t, d, sorted(a)))
    for x in range(1, d):
        if x not in a:
            unprobed += 1
            if not any(x < h < d for h in a):
                err.append("%s: TTL %d skipped with no router above it: %s" % (t, x, sorted(a)))
m = re.match(r"^hoptrace: 768 targets, (\d+) probes sent .* (\d+) skipped "
             r"\((\d+) by the stop set\), 0 refused; (\d+) replies, (\d+) matched; "
             r"768 of 768 targets done$", open(errpath).read().strip())
if not m:
    err.append("summary line: %r" % open(errpath).read())
else:
    sent, skipped, stopped, rep, mat = map(int, m.groups())
    if sent + skipped != 768 * 8 or stopped < unprobed or stopped == 0 or mat != sent:
        err.append("sent %d skipped %d stopped %d matched %d; %d TTLs below an end unprobed"
                   % (sent, skipped, stopped, mat, unprobed))
print("\n".join(err[:20]) if err else "%d targets, %d TTLs below an end skipped" % (len(ans), unprobed))
sys.exit(1 if err else 0)
PY
) && [ "$rc" = 0 ]; then
	echo "--stop-set: $out; $(tail -1 "$tmp/err")"
else
	ht_report "--stop-set: rows exact, ends reached, skips explained" "exit $rc" "$out"
fi

# one random address in each /24 of the /16
printf '10.200.0.0/16\n' >"$tmp/in"
run --targets=- --per-prefix=24 --rows --rate=$RATE -m 8
check_rows 4 256 "--per-prefix=24: 256 targets" &&
	echo "--per-prefix=24: $(tail -1 "$tmp/err")"
checks=$((checks + 1))
if ! python3 -c '
import json, sys
nets = set()
for line in open(sys.argv[1]):
    nets.add(".".join(json.loads(line)["target"].split(".")[:3]))
sys.exit(0 if len(nets) == 256 else 1)' "$tmp/out"; then
	ht_report "--per-prefix=24: one target in each /24" "not 256 different /24s"
fi

# a bad line: fatal, named; --skip-bad: a warning, the rest traced
printf '10.200.0.1\n10.200.0.2\nnot-an-address\n10.200.0.3\n' >"$tmp/in"
run --targets=- --rows -m 8
checks=$((checks + 1))
if [ "$rc" != 1 ] || [ -s "$tmp/out" ] || ! grep -q "line 3: not an IPv4 or IPv6 address" "$tmp/err" ||
	[ "$(wc -l <"$tmp/err")" != 1 ]; then
	ht_report "a bad line: exit 1, one line naming it" "wrong exit, output or message"
fi
run --targets=- --rows -m 8 --skip-bad
checks=$((checks + 1))
if [ "$rc" != 0 ] || ! grep -q "warning: --targets stdin: 1 bad line skipped (first: line 3: " "$tmp/err" ||
	[ "$(cut -d'"' -f4 "$tmp/out" | sort -u | wc -l)" != 3 ]; then
	ht_report "--skip-bad: a warning, three targets traced" "wrong exit, warning or rows"
fi

# SIGINT: stop at once, flush, say so; the capture replays to the rows
printf '10.200.0.0/20\n' >"$tmp/in"
last_cmd="ip netns exec ${N}s timeout -s INT 1.5 hoptrace --targets=- --rows --rate=300 -w int.pcap"
ht_net_exec "$N" s timeout --preserve-status -s INT 1.5 "$HOPTRACE" --targets=- --rows \
	--rate=300 -w "$tmp/int.pcap" >"$tmp/out" 2>"$tmp/err" <"$tmp/in"
rc=$?
checks=$((checks + 1))
if [ "$rc" != 130 ] || ! grep -q "targets done (interrupted)$" "$tmp/err" ||
	[ ! -s "$tmp/out" ] || ! python3 -c '
import json, sys
for line in open(sys.argv[1]):
    json.loads(line)' "$tmp/out"; then
	ht_report "SIGINT: exit 130, summary, whole rows" "wrong exit, summary or rows"
else
	echo "SIGINT: $(tail -1 "$tmp/err")"
fi
cp "$tmp/out" "$tmp/int.json"
"$HOPTRACE" -r "$tmp/int.pcap" --rows >"$tmp/out" 2>"$tmp/err"
rc=$?
same_rows "SIGINT: the capture replays to the rows" "$tmp/int.json"

# privileges: a scan started as root runs as nobody with no capabilities
# (/proc/PID/status while it runs), and its rows still come
printf '10.200.0.0/20\n' >"$tmp/in"
rm -f "$tmp/out"
: >"$tmp/priv.pid"
# shellcheck disable=SC2016 # $$ and $1 are the inner shell's
timeout 60 sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$tmp/priv.pid" \
	ip netns exec "${N}s" "$HOPTRACE" --targets=- --rows --rate=300 \
	>"$tmp/out" 2>"$tmp/err" <"$tmp/in" &
bg=$!
for ((i = 0; i < 100; i++)); do
	[ -s "$tmp/out" ] && [ -s "$tmp/priv.pid" ] && break
	kill -0 "$bg" 2>/dev/null || break
	sleep 0.1
done
pid=$(cat "$tmp/priv.pid")
status=$(cat "/proc/$pid/status" 2>/dev/null)
kill -INT "$pid" 2>/dev/null
wait "$bg"
rc=$?
checks=$((checks + 1))
nob=$(id -u nobody 2>/dev/null)
uid_line=$(printf '%s\n' "$status" | awk '/^Uid:/ { print $2, $3, $4, $5 }')
caps=$(printf '%s\n' "$status" | awk '/^Cap(Prm|Eff|Inh|Amb):/ { printf "%s", $2 }')
if [ -z "$nob" ] || [ "$uid_line" != "$nob $nob $nob $nob" ] ||
	[ "$caps" != "0000000000000000000000000000000000000000000000000000000000000000" ] ||
	[ "$rc" != 130 ] || [ ! -s "$tmp/out" ]; then
	ht_report "privileges: a running scan is nobody without capabilities" \
		"Uid $uid_line (nobody $nob), Cap{Inh,Prm,Eff,Amb} $caps, exit $rc"
else
	echo "privileges: a running scan is uid $nob with no capabilities"
fi

# the progress line: on a terminal (script(1) gives stderr a pty) once a
# second, with every field and a rate near the asked one (the first line
# waits for a second of sending), and the summary after it; the rows
# unchanged
if command -v script >/dev/null 2>&1; then
	printf '10.200.0.0/23\n10.200.128.0/24\n' >"$tmp/in"
	last_cmd="script -qec 'ip netns exec ${N}s hoptrace --targets=in --rows --rate=1000 -m 8 >out' (stderr a terminal)"
	script -qec "ip netns exec ${N}s timeout 60 $HOPTRACE --targets=$tmp/in --rows --rate=1000 -m 8 >$tmp/out" \
		"$tmp/tty" >/dev/null 2>&1 </dev/null
	rc=$?
	checks=$((checks + 1))
	if out=$(python3 - "$tmp/tty" "$tmp/out" <<'PY'
import json, re, sys
text = open(sys.argv[1], errors="replace", newline="").read()  # keep the CRs
rows = sum(1 for _ in open(sys.argv[2]))
prog = re.findall(r"\rhoptrace: (\d+) sent, (\d+) pps, (\d+) replies, (\d+) matched, "
                  r"(\d+) of 768 targets done, (\d+) s left", text)
summ = re.search(r"hoptrace: 768 targets, (\d+) probes sent .*; (\d+) replies, (\d+) matched; "
                 r"768 of 768 targets done", text)
err = []
if not prog:
    err.append("no progress line")
if not summ:
    err.append("no summary line")
else:
    sent, rep, mat = map(int, summ.groups())
    if mat != rows:
        err.append("summary: %d matched, %d rows" % (mat, rows))
    last = (0, 0, 0, 0)
    for p in prog:
        s, pps, r, m, d, _ = map(int, p)
        # the first line waits for a second of sending: a rate, not noise
        if pps > 1500:
            err.append("progress %r: %d pps at --rate=1000" % (p, pps))
        if (s, r, m, d) < last or s > sent or m > mat or d > 768 or m > r:
            err.append("progress %r after %r, summary %d sent %d matched" % (p, last, sent, mat))
        last = (s, r, m, d)
    if summ.start() < text.rfind("\rhoptrace:"):
        err.append("the summary came before a progress line")
print("\n".join(err) if err else "%d progress lines, then the summary" % len(prog))
sys.exit(1 if err else 0)
PY
	) && [ "$rc" = 0 ]; then
		echo "progress: $out"
	else
		ht_report "progress on a terminal: sent, rate, replies, matched, targets done, time left" \
			"exit $rc" "$out"
		tr '\r' '\n' <"$tmp/tty" | head -c 600
	fi
else
	echo "SKIP: the progress line (no script(1))"
fi

# --gap: 10.200.64.0/24 made deaf (the target drops echo requests to it),
# so TTLs 1-4 answer and 5 on are silent; with --gap 3 -W 0.1 every TTL up
# to 7 is probed once per target, and a TTL of 8 or more is probed only
# while TTL 4 has not answered yet or one of TTLs 5-7 has not yet waited
# its 0.1 s (the capture's times)
ip netns exec "${N}t" nft -f - <<'NFT'
table ip htscan_gap {
	chain in {
		type filter hook input priority 0; policy accept;
		ip daddr 10.200.64.0/24 icmp type echo-request drop
	}
}
NFT
printf '10.200.64.0/24\n' >"$tmp/in"
run --targets=- --rows --gap 3 -W 0.1 --rate=1000 -m 16 -w "$tmp/gap.pcap"
checks=$((checks + 1))
if out=$(python3 - "$tmp/gap.pcap" "$tmp/out" "$tmp/err" <<'PY'
import ipaddress, json, re, struct, sys
raw = open(sys.argv[1], "rb").read()
magic = struct.unpack("<I", raw[:4])[0]
nano = magic == 0xa1b23c4d
lt = struct.unpack("<I", raw[20:24])[0]
skip = {113: 16, 276: 20, 1: 14, 101: 0, 228: 0}[lt]
off, sent, err = 24, {}, []
while off + 16 <= len(raw):
    sec, frac, incl, _ = struct.unpack("<IIII", raw[off:off + 16])
    p = raw[off + 16 + skip:off + 16 + incl]
    off += 16 + incl
    if len(p) < 28 or p[0] >> 4 != 4 or p[9] != 1:
        continue
    ihl = (p[0] & 15) * 4
    if p[ihl] != 8:     # our echo requests
        continue
    t = str(ipaddress.ip_address(p[16:20]))
    sent.setdefault(t, {}).setdefault(p[8], []).append(sec + frac / (1e9 if nano else 1e6))
rows = [json.loads(l) for l in open(sys.argv[2])]
ans4 = {r["target"]: r["time_ns"] / 1e9 for r in rows if r["ttl"] == 4}
for r in rows:
    want = "10.77.%d.2" % (r["ttl"] - 1)
    if r["ttl"] > 4 or r["responder"] != want:
        err.append("row %s ttl %d from %s" % (r["target"], r["ttl"], r["responder"]))
if len(sent) != 256:
    err.append("%d targets probed, expected 256" % len(sent))
late = 0
for t, by in sent.items():
    for ttl in range(1, 8):
        if len(by.get(ttl, [])) != 1:
            err.append("%s ttl %d probed %d times, expected once" % (t, ttl, len(by.get(ttl, []))))
    for ttl, times in by.items():
        if ttl < 8:
            continue
        for when in times:
            # the gap is known once TTL 4 has answered and TTLs 5-7
            # were all sent 0.1 s before
            if t in ans4 and ans4[t] <= when - 0.02 and \
                    all(by.get(g) and by[g][0] <= when - 0.1 - 0.02 for g in (5, 6, 7)):
                late += 1
if late:
    err.append("%d probes at TTL 8 or more after TTLs 5-7 had waited" % late)
m = re.search(r"(\d+) probes sent .* (\d+) skipped, 0 refused; (\d+) replies, (\d+) matched; "
              r"256 of 256 targets done$", open(sys.argv[3]).read().strip())
if not m:
    err.append("summary: %r" % open(sys.argv[3]).read())
else:
    s, k, rep, mat = map(int, m.groups())
    n = sum(len(v) for by in sent.values() for v in by.values())
    if s != n or s + k != 256 * 16 or k == 0 or mat != len(rows):
        err.append("summary: %d sent (%d captured), %d skipped, %d matched, %d rows" % (s, n, k, mat, len(rows)))
print("\n".join(err[:20]) if err else "%d probes, every TTL to 7 once a target, none past the gap" %
      sum(len(v) for by in sent.values() for v in by.values()))
sys.exit(1 if err else 0)
PY
) && [ "$rc" = 0 ]; then
	echo "--gap 3: $out; $(tail -1 "$tmp/err")"
else
	ht_report "--gap 3 on deaf targets: TTLs to 7 once, none past the gap" "exit $rc" "$out"
fi

if [ "$failures" != 0 ]; then
	printf '%s of %s checks failed\n' "$failures" "$checks"
	exit 1
fi
printf 'PASS: %s checks\n' "$checks"
exit 0
