#!/bin/bash
# tests/live-privileges.sh - issue 7 item 1, least privilege, seen from
# outside the process:
#  (a) a trace started as root runs as nobody (or --user NAME) with no
#      capabilities at all (/proc/PID/status: Uid, Gid, Groups, CapInh,
#      CapPrm, CapEff, CapBnd, CapAmb, NoNewPrivs), and its output is still
#      exact;
#  (b) a non-root user running a copy of the binary with file capabilities
#      (setcap cap_net_raw+ep) traces the chain exactly and runs without
#      them; the same copy without the file capability fails with exit 1
#      and one line about permission;
#  (c) replay (-r) started as root drops privileges too, and works as
#      nobody.
# Exit 0 pass, 1 fail, 77 skip (not root, no netns, no nft/setpriv).  All
# traffic stays inside the namespaces built here.
set -u

srcdir=${srcdir:-$(dirname "$0")}
# shellcheck source=common.sh disable=SC1091
. "$srcdir/common.sh"
HOPTRACE=${HOPTRACE:-$srcdir/../hoptrace}
# shellcheck source=netns.sh source-path=SCRIPTDIR disable=SC1091
. "$srcdir/netns.sh"

ht_net_need_root nft setpriv timeout

NA=htpa$$ # deaf target: long traces, to look at a running process
NB=htpb$$ # plain chain
tmp=""
bgpids=()
failed=0

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
	local p
	for p in "${bgpids[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${bgpids[@]}"; do
		wait "$p" 2>/dev/null
	done
	exec 3>&-
	ht_net_down "$NA"
	ht_net_down "$NB"
	[ -n "$tmp" ] && rm -rf "$tmp"
	[ -n "${pub-}" ] && rm -rf "$pub"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

note() {
	printf '%s\n' "$*"
}

ht_need_hoptrace

# A private scratch directory for what only root reads, and $pub (common.sh)
# for what nobody reads and runs: copies of the binary (the build tree may
# be under a private home such as /root) and the capture.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/htpriv.XXXXXX") || die "mktemp failed"
ht_public_dir
if ! cp "$HOPTRACE" "$pub/hoptrace-cap" || ! chmod 755 "$pub/hoptrace-cap"; then
	die "cannot copy $HOPTRACE to $pub"
fi

nobody_uid=$(id -u nobody 2>/dev/null) || die "no user 'nobody'"
nobody_gid=$(id -g nobody)
# the named user for --user: an existing non-root system user
other=""
for u in daemon bin sys; do
	if id -u "$u" >/dev/null 2>&1 && [ "$(id -u "$u")" != 0 ] &&
		[ "$(id -u "$u")" != "$nobody_uid" ]; then
		other=$u
		break
	fi
done

# "${as_nobody[@]}" CMD... (common.sh): run CMD as nobody, no supplementary
# groups, no capabilities (unless CMD has file capabilities)

# run NS CMD... : run CMD (bounded) in namespace NS ("" = here); sets out,
# err, rc
run() {
	local ns=$1
	shift
	if [ -n "$ns" ]; then
		timeout 60 ip netns exec "$ns" "$@" >"$tmp/out" 2>"$tmp/err"
	else
		timeout 60 "$@" >"$tmp/out" 2>"$tmp/err"
	fi
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

# start_bg TAG NS CMD... : start CMD in the background in namespace NS ("" =
# here), its stdout in $tmp/TAG.out, stderr in $tmp/TAG.err, the PID of the
# process that execs CMD (so of hoptrace itself, whatever exec'ing wrapper
# like setpriv comes first) in $tmp/TAG.pid; the job's PID in bgpid.
start_bg() {
	local tag=$1 ns=$2
	shift 2
	: >"$tmp/$tag.pid"
	# shellcheck disable=SC2016  # $$ and $1 belong to the inner shell
	set -- sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$tmp/$tag.pid" "$@"
	if [ -n "$ns" ]; then
		set -- ip netns exec "$ns" "$@"
	fi
	timeout 60 "$@" >"$tmp/$tag.out" 2>"$tmp/$tag.err" 3>&- &
	bgpid=$!
	bgpids+=("$bgpid")
}

# wait_header TAG : wait (at most 5 s) until the background trace TAG has
# printed its header, which it does after dropping its privileges; sets pid.
wait_header() {
	local tag=$1 i
	pid=""
	for ((i = 0; i < 100; i++)); do
		pid=$(cat "$tmp/$tag.pid" 2>/dev/null)
		if [ -n "$pid" ] && [ -s "$tmp/$tag.out" ]; then
			return 0
		fi
		kill -0 "$bgpid" 2>/dev/null || break
		sleep 0.05
	done
	return 1
}

# finish TAG : wait for the background job (started last by start_bg, bgpid)
# and load its results into out, err, rc
finish() {
	wait "$bgpid"
	rc=$?
	out=$(cat "$tmp/$1.out")
	err=$(cat "$tmp/$1.err")
}

# check_status WHAT PID EXE UID GID BND : /proc/PID/status of a running
# hoptrace (the binary EXE) shows uid UID and gid GID (real, effective,
# saved, filesystem), no supplementary groups, no capabilities (the
# bounding set too when BND is 1), NoNewPrivs 1.
check_status() {
	local what=$1 p=$2 exe=$3 uid=$4 gid=$5 bnd=$6 st k v want f bad="" also=""
	local -a fs
	if ! st=$(cat "/proc/$p/status" 2>/dev/null); then
		fail "$what: process $p is gone before its /proc status could be read"
		return
	fi
	if [ "$(readlink "/proc/$p/exe")" != "$(readlink -f "$exe")" ]; then
		fail "$what: process $p is not $exe but $(readlink "/proc/$p/exe")"
		return
	fi
	for k in Uid Gid; do
		want=$uid
		[ "$k" = Gid ] && want=$gid
		read -ra fs <<<"$(sed -n "s/^$k:[[:space:]]*//p" <<<"$st")"
		if [ "${#fs[@]}" != 4 ]; then
			bad+="$k: not 4 ids; "
			continue
		fi
		for f in "${fs[@]}"; do
			[ "$f" = "$want" ] || bad+="$k ${fs[*]}, want $want; "
		done
	done
	v=$(sed -n 's/^Groups:[[:space:]]*//p' <<<"$st")
	v=${v%"${v##*[![:space:]]}"}
	[ -z "$v" ] || bad+="Groups '$v', want none; "
	for k in CapInh CapPrm CapEff CapBnd CapAmb; do
		[ "$k" = CapBnd ] && [ "$bnd" != 1 ] && continue
		v=$(sed -n "s/^$k:[[:space:]]*//p" <<<"$st")
		[ "$v" = 0000000000000000 ] || bad+="$k $v, want 0; "
	done
	v=$(sed -n 's/^NoNewPrivs:[[:space:]]*//p' <<<"$st")
	[ "$v" = 1 ] || bad+="NoNewPrivs '$v', want 1; "
	if [ -n "$bad" ]; then
		fail "$what: /proc/$p/status: ${bad%; }" "$(grep -E '^(Name|Uid|Gid|Groups|Cap|NoNewPrivs)' <<<"$st")"
	else
		[ "$bnd" = 1 ] || also=" (bounding set not checked)"
		note "ok: $what: uid $uid gid $gid, no groups, no capabilities$also, NoNewPrivs 1"
	fi
}

# check_trace WHAT PROTO TARGET MAXHOPS QUERIES SPEC... : out is exactly the
# header and one line per SPEC, hop 1 first; SPEC is the address that hop
# answers from with all QUERIES probes, or '*' for no answer at all.
check_trace() {
	local what=$1 proto=$2 target=$3 max=$4 q=$5 spec re i=0 line
	shift 5
	local -a lines want=()
	want+=("^hoptrace to ${target//./\\.} \(${target//./\\.}\), $max hops max, $q probes per hop, $proto\$")
	for spec in "$@"; do
		i=$((i + 1))
		if [ "$spec" = "*" ]; then
			re=$(printf '^%2d ( \\*){%d}$' "$i" "$q")
		else
			re=$(printf '^%2d  %s(  [0-9]+\\.[0-9]{3} ms){%d}$' "$i" "${spec//./\\.}" "$q")
		fi
		want+=("$re")
	done
	mapfile -t lines <<<"$out"
	if [ "${#lines[@]}" != "${#want[@]}" ]; then
		fail "$what: ${#lines[@]} lines, want ${#want[@]}" "$out"
		return 1
	fi
	for ((i = 0; i < ${#want[@]}; i++)); do
		line=${lines[i]}
		if [[ ! $line =~ ${want[i]} ]]; then
			fail "$what: line $((i + 1)) is wrong (want /${want[i]}/)" "$out"
			return 1
		fi
	done
	note "ok: $what: output exact"
	return 0
}

# expect_ok WHAT : rc 0, stderr empty
expect_ok() {
	if [ "$rc" != 0 ] || [ -n "$err" ]; then
		fail "$1: exit $rc (want 0), stderr:" "$err"$'\n'"stdout:"$'\n'"$out"
		return 1
	fi
	return 0
}

# hops K1 K2 FAMILY: the addresses hops K1..K2 answer from
hops() {
	local k
	for ((k = $1; k <= $2; k++)); do
		"ht_hop_addr$3" "$k"
	done
}

ht_net_up "$NA" --hops 8 --deaf || die "ht_net_up $NA --hops 8 --deaf"
deaf_t4=$HT_TARGET4
mapfile -t deaf7 < <(hops 1 7 4)
ht_net_up "$NB" --hops 8 || die "ht_net_up $NB --hops 8"
mapfile -t chain4 < <(hops 1 8 4)
mapfile -t chain6 < <(hops 1 8 6)

# ---- (a) started as root: runs as nobody / --user, no capabilities ----
note "== (a) a trace started as root drops to nobody, no capabilities"
start_bg a1 "${NA}s" "$HOPTRACE" -n -W 3 -m 12 "$deaf_t4"
if wait_header a1; then
	check_status "root -> nobody" "$pid" "$HOPTRACE" "$nobody_uid" "$nobody_gid" 1
else
	fail "root -> nobody: no header within 5 s" "$(cat "$tmp/a1.out" "$tmp/a1.err")"
fi
finish a1
expect_ok "root -> nobody, trace" &&
	check_trace "root -> nobody, trace" ICMP "$deaf_t4" 12 3 "${deaf7[@]}" '*' '*' '*' '*' '*'

if [ -n "$other" ]; then
	note "== (a) --user $other"
	start_bg a2 "${NA}s" "$HOPTRACE" -n -W 2 -m 10 --user "$other" "$deaf_t4"
	if wait_header a2; then
		check_status "root -> --user $other" "$pid" "$HOPTRACE" "$(id -u "$other")" \
			"$(id -g "$other")" 1
	else
		fail "--user $other: no header within 5 s" "$(cat "$tmp/a2.out" "$tmp/a2.err")"
	fi
	finish a2
	expect_ok "--user $other, trace" &&
		check_trace "--user $other, trace" ICMP "$deaf_t4" 10 3 "${deaf7[@]}" '*' '*' '*'
else
	note "SKIP (part): no non-root system user (daemon, bin, sys) for --user"
fi

# root, with -w: the capture for (c)
run "${NB}s" "$HOPTRACE" -n -w "$pub/trace.pcap" "$HT_TARGET4"
expect_ok "root, -w" &&
	check_trace "root, -w" ICMP "$HT_TARGET4" 30 3 "${chain4[@]}"
live_out=$out

# ---- (b) non-root user, copy of the binary with cap_net_raw+ep ----
note "== (b) nobody runs a copy with file capabilities"
capskip=""
if ! command -v setcap >/dev/null 2>&1; then
	capskip="setcap not installed (Debian: libcap2-bin)"
elif ! msg=$(setcap cap_net_raw+ep "$pub/hoptrace-cap" 2>&1); then
	capskip="setcap cap_net_raw+ep on $tmp fails: $msg"
elif findmnt -n -o OPTIONS -T "$tmp" 2>/dev/null | grep -qw nosuid; then
	capskip="$tmp is on a nosuid mount: file capabilities do not apply"
fi
if [ -n "$capskip" ]; then
	note "SKIP (part b, file capabilities): $capskip"
else
	run "${NB}s" "${as_nobody[@]}" "$pub/hoptrace-cap" -n "$HT_TARGET4"
	expect_ok "nobody + cap_net_raw+ep, IPv4" &&
		check_trace "nobody + cap_net_raw+ep, IPv4" ICMP "$HT_TARGET4" 30 3 "${chain4[@]}"
	run "${NB}s" "${as_nobody[@]}" "$pub/hoptrace-cap" -n "$HT_TARGET6"
	expect_ok "nobody + cap_net_raw+ep, IPv6" &&
		check_trace "nobody + cap_net_raw+ep, IPv6" ICMP "$HT_TARGET6" 30 3 "${chain6[@]}"

	# while it runs, the file capability is gone
	start_bg b1 "${NA}s" "${as_nobody[@]}" "$pub/hoptrace-cap" -n -W 2 -m 10 "$deaf_t4"
	if wait_header b1; then
		# a process without CAP_SETPCAP cannot empty its bounding set;
		# with no capabilities and NoNewPrivs it cannot use it either
		check_status "nobody + cap_net_raw+ep" "$pid" "$pub/hoptrace-cap" \
			"$nobody_uid" "$nobody_gid" 0
	else
		fail "nobody + cap_net_raw+ep: no header within 5 s" "$(cat "$tmp/b1.out" "$tmp/b1.err")"
	fi
	finish b1
	expect_ok "nobody + cap_net_raw+ep, deaf trace" &&
		check_trace "nobody + cap_net_raw+ep, deaf trace" ICMP "$deaf_t4" 10 3 \
			"${deaf7[@]}" '*' '*' '*'
fi

# the copy without the capability: refused, one line, exit 1
run "${NB}s" "${as_nobody[@]}" "$pub/hoptrace" -n "$HT_TARGET4"
mapfile -t errl <<<"$err"
if [ "$rc" != 1 ] || [ -z "$err" ] || [ "${#errl[@]}" != 1 ] ||
	! grep -qi 'permi' <<<"$err" || [ -n "$out" ]; then
	fail "nobody without capabilities: want exit 1, no output, one line on stderr about permission; got exit $rc" \
		"stderr:"$'\n'"$err"$'\n'"stdout:"$'\n'"$out"
else
	note "ok: nobody without capabilities: exit 1, '$err'"
fi

# ---- (c) replay ----
note "== (c) replay as root drops privileges; replay as nobody works"
chmod 644 "$pub/trace.pcap" 2>/dev/null
run "" "$HOPTRACE" -n -r "$pub/trace.pcap"
root_replay=$out
if expect_ok "replay as root"; then
	# the live trace, header, hops and RTTs (the capture names its run)
	if [ "$out" != "$live_out" ]; then
		fail "replay as root differs from the live trace" \
			"replay:"$'\n'"$out"$'\n'"live:"$'\n'"$live_out"
	else
		note "ok: replay as root: the live trace, byte for byte"
	fi
fi
run "" "${as_nobody[@]}" "$pub/hoptrace" -n -r "$pub/trace.pcap"
if expect_ok "replay as nobody"; then
	if [ "$out" != "$root_replay" ]; then
		fail "replay as nobody differs from replay as root" \
			"nobody:"$'\n'"$out"$'\n'"root:"$'\n'"$root_replay"
	else
		note "ok: replay as nobody: same output as root"
	fi
fi

# Replay as root from a FIFO that stays open: hoptrace reads the whole
# capture, then waits for more, its privileges long dropped.  Our end is
# opened read-write, after hoptrace started (which has not got it), so that
# we never block on open and hoptrace sees the end when we close it.
mkfifo "$tmp/fifo" || die "mkfifo failed"
start_bg c1 "" "$HOPTRACE" -n -r "$tmp/fifo"
exec 3<>"$tmp/fifo"
cat "$pub/trace.pcap" >&3
pid=""
for ((i = 0; i < 100; i++)); do
	pid=$(cat "$tmp/c1.pid" 2>/dev/null)
	if [ -n "$pid" ] && [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$(readlink -f "$HOPTRACE")" ] &&
		[ "$(sed -n 's/^NoNewPrivs:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null)" = 1 ]; then
		break
	fi
	kill -0 "$bgpid" 2>/dev/null || break
	sleep 0.05
done
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
	check_status "replay started as root" "$pid" "$HOPTRACE" "$nobody_uid" "$nobody_gid" 1
else
	fail "replay from a FIFO: hoptrace is gone before the end of its input" \
		"$(cat "$tmp/c1.out" "$tmp/c1.err")"
fi
exec 3>&-
finish c1
if expect_ok "replay as root from a FIFO" && [ "$out" != "$root_replay" ]; then
	fail "replay from a FIFO differs from replay of the file" \
		"fifo:"$'\n'"$out"$'\n'"file:"$'\n'"$root_replay"
fi

exit "$failed"
