# shellcheck shell=bash
# shellcheck disable=SC2154 # N, tmp and HOPTRACE come from the caller
# tests/live/live-lib.sh - what the live tests share: run hoptrace in the source
# namespace of network $N, report a failed run in full, and build the
# regexes of the header and hop lines, and check -j output (check_json).
# tests/live/preamble.sh sources it; it sets failures, checks, rc and R,
# and its functions use N, tmp and HOPTRACE, set by then.

# shellcheck disable=SC2034 # counted by ht_report, read by the test
failures=0
checks=0
rc=0
R='[0-9]+\.[0-9]{3}' # an RTT: milliseconds with 3 decimals

# lit TEXT : TEXT as an extended regular expression matching itself
lit() {
	printf '%s' "$1" | sed 's/[]\.*^$+?(){}|[]/\\&/g'
}

# run ARGS... : hoptrace ARGS in the source namespace; sets rc, t_ms (wall
# time), stdout in $tmp/out, stderr in $tmp/err
run() {
	local t0
	last_cmd="ip netns exec ${N}s hoptrace $*"
	t0=$(date +%s%N)
	ht_net_exec "$N" s timeout 60 "$HOPTRACE" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	t_ms=$((($(date +%s%N) - t0) / 1000000))
}

# report DESC PROBLEM... : print the last run and what was wrong with it
report() {
	ht_report "$@"
}

# expect DESC REGEX... : the last run exited 0 with empty stderr, and its
# stdout has exactly one line per REGEX, line i matching REGEX i.
expect() {
	local desc=$1 i n
	local -a wants gots probs=()
	shift
	wants=("$@")
	checks=$((checks + 1))
	mapfile -t gots <"$tmp/out"
	[ "$rc" = 0 ] || probs+=("exit status $rc, expected 0")
	[ -s "$tmp/err" ] && probs+=("stderr is not empty")
	if [ -s "$tmp/out" ] && [ "$(tail -c 1 "$tmp/out" | wc -l)" != 1 ]; then
		probs+=("stdout does not end with a newline")
	fi
	[ "${#gots[@]}" = "${#wants[@]}" ] ||
		probs+=("${#gots[@]} lines, expected ${#wants[@]}")
	n=${#wants[@]}
	[ "${#gots[@]}" -gt "$n" ] && n=${#gots[@]}
	for ((i = 0; i < n; i++)); do
		if [ "$i" -ge "${#wants[@]}" ] || [ "$i" -ge "${#gots[@]}" ] ||
			! [[ ${gots[i]} =~ ${wants[i]} ]]; then
			probs+=("line $((i + 1)) differs")
		fi
	done
	[ "${#probs[@]}" = 0 ] && return 0
	report "$desc" "${probs[@]}"
	printf '  expected (extended regexes, R = %s):\n' "$R"
	for ((i = 0; i < ${#wants[@]}; i++)); do
		printf '    %2d /%s/\n' "$((i + 1))" "${wants[i]//"$R"/R}"
	done
	return 1
}

# header TARGET MAXHOPS QUERIES : regex of the header line
header() {
	local q="$3 probes"
	[ "$3" = 1 ] && q="1 probes?"
	printf '^%s$' "$(lit "hoptrace to $1 ($1), $2 hops max, ")$q per hop, ICMP"
}

# hop K ADDR QUERIES [NAMED] : regex of hop K answered by ADDR every time;
# NAMED (names on): "name (ADDR)", where name may be the address itself
hop() {
	local who i rtts=""
	who=$(lit "$2")
	[ -n "${4-}" ] && who="[^ ]+ \\($who\\)"
	for ((i = 0; i < $3; i++)); do
		rtts+="  $R ms"
	done
	printf '^ ?%s  %s%s$' "$1" "$who" "$rtts"
}

# chain AF FIRST LAST QUERIES [NAMED] : regexes of hops FIRST..LAST
chain() {
	local af=$1 k
	for ((k = $2; k <= $3; k++)); do
		hop "$k" "$(ht_hop_addr"$af" "$k")" "$4" "${5-}"
		printf '\n'
	done
}

# check_json DESC AF SOURCE TARGET T0 T1 HOP... : the last run exited 0
# with empty stderr, and its stdout is one RIPE Atlas traceroute object: the
# required fields, then one hop per HOP (hop 1 first) with 3 probes each;
# HOP is the address every reply comes from (with a numeric rtt), or "*"
# for three {"x":"*"}.
check_json() {
	local desc=$1 af=$2 out
	shift 2
	checks=$((checks + 1))
	out=$(
		python3 -c '
import json, sys
path, af, src, dst, t0, t1 = sys.argv[1:7]
addrs = sys.argv[7:]
err = []
def isint(v):
    return isinstance(v, int) and not isinstance(v, bool)
def isnum(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)
lines = open(path).read().splitlines()
if len(lines) != 1:
    err.append("%d lines, expected 1 (one object per trace)" % len(lines))
try:
    o = json.loads(lines[0]) if lines else None
except ValueError as e:
    print("not JSON: %s" % e)
    sys.exit(1)
if not isinstance(o, dict):
    print("not a JSON object")
    sys.exit(1)
def want(key, ok, what):
    if key not in o:
        err.append("no field %r" % key)
    elif not ok(o[key]):
        err.append("%s is %r, expected %s" % (key, o[key], what))
want("type", lambda v: v == "traceroute", "\"traceroute\"")
want("fw", lambda v: isint(v) and v >= 5000, "an integer >= 5000")
want("msm_id", lambda v: isint(v) and v == 0, "0")
want("prb_id", lambda v: isint(v) and v == 0, "0")
want("af", lambda v: isint(v) and v == int(af), af)
want("proto", lambda v: v == "ICMP", "\"ICMP\"")
want("src_addr", lambda v: v == src, repr(src))
want("dst_addr", lambda v: v == dst, repr(dst))
want("timestamp", lambda v: isint(v) and int(t0) <= v <= int(t1),
     "integer Unix seconds in [%s, %s]" % (t0, t1))
want("endtime", lambda v: isint(v) and int(t0) <= v <= int(t1)
     and isint(o.get("timestamp")) and v >= o["timestamp"],
     "integer Unix seconds in [%s, %s], not before timestamp" % (t0, t1))
res = o.get("result")
if not isinstance(res, list):
    err.append("result is not a list")
    res = []
elif len(res) != len(addrs):
    err.append("%d hops in result, expected %d" % (len(res), len(addrs)))
for i, h in enumerate(res[:len(addrs)]):
    if not isinstance(h, dict):
        err.append("result[%d] is not an object" % i)
        continue
    if h.get("hop") != i + 1:
        err.append("result[%d].hop is %r, expected %d" % (i, h.get("hop"), i + 1))
    r = h.get("result")
    if not isinstance(r, list) or len(r) != 3:
        err.append("hop %d: result is %r, expected 3 replies" % (i + 1, r))
        continue
    for j, p in enumerate(r):
        if addrs[i] == "*":
            if p != {"x": "*"}:
                err.append("hop %d reply %d: %r, expected {\"x\": \"*\"}" % (i + 1, j + 1, p))
        elif not isinstance(p, dict) or p.get("from") != addrs[i]:
            err.append("hop %d reply %d: %r, expected from %r" % (i + 1, j + 1, p, addrs[i]))
        elif not isnum(p.get("rtt")) or p["rtt"] < 0:
            err.append("hop %d reply %d: rtt %r is not a number >= 0" % (i + 1, j + 1, p.get("rtt")))
for e in err:
    print(e)
sys.exit(1 if err else 0)
' "$tmp/out" "$af" "$@" 2>&1
	) && [ "$rc" = 0 ] && [ ! -s "$tmp/err" ] && return 0
	local -a probs=()
	[ "$rc" = 0 ] || probs+=("exit status $rc, expected 0")
	[ -s "$tmp/err" ] && probs+=("stderr is not empty")
	if [ -n "$out" ]; then
		mapfile -t -O "${#probs[@]}" probs <<<"$out"
	fi
	report "$desc" "${probs[@]}"
	return 1
}
