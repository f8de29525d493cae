#!/bin/bash
# tests/cli/usage.sh - hoptrace's command line contract (CONTRACT.md): every
# usage error (value out of range, unknown option, missing or extra HOST,
# a HOST that does not resolve) exits 2 with exactly one line on stderr that
# names the problem, nothing on stdout and no output file; -h and -V exit 0;
# runtime failures of -w and -r exit 1 with one line.  Needs no root.
#
# No traffic: when possible every run happens in a network namespace of its
# own with only loopback up (unshare -n, or unshare -rn when not root), so
# that even a name lookup cannot leave the machine.  Without unshare the
# runs use loopback (127.0.0.1) only and the unresolvable name
# nohost.invalid (reserved TLD), under a short timeout.
#
# Environment: HOPTRACE = the binary; srcdir, top_srcdir as from automake.
# Exit 0 pass, 1 fail, 99 hard error (no binary).

set -u

srcdir=${srcdir:-$(dirname "$0")/..}
# shellcheck source=../common.sh disable=SC1091
. "$srcdir/common.sh"
top_srcdir=${top_srcdir:-$srcdir/..}

ht_need_hoptrace

ht_tmpdir htusage

# The directory every run starts in; it must stay empty.
cwd=$tmp/cwd
mkdir "$cwd" || exit 99

# Isolation: a network namespace with nothing but loopback.
iso=()
if unshare -n true >/dev/null 2>&1; then
	iso=(unshare -n)
elif unshare -rn true >/dev/null 2>&1; then
	iso=(unshare -rn)
fi
if [ "${#iso[@]}" -gt 0 ]; then
	# shellcheck disable=SC2016
	iso+=(bash -c 'ip link set lo up >/dev/null 2>&1; exec "$@"' htiso)
	echo "runs isolated: ${iso[*]:0:2}"
else
	echo "note: unshare does not work here; runs are not isolated (loopback and nohost.invalid only)"
fi

failures=0
checks=0
rc=0

# run ARGS... : hoptrace ARGS in $cwd, isolated; sets rc, stdout in
# $tmp/out, stderr in $tmp/err.
run() {
	last_cmd="hoptrace $*"
	(cd "$cwd" && exec "${iso[@]}" timeout 10 "$HOPTRACE" "$@") \
		>"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
}

# one_line FILE : FILE holds exactly one non-empty, newline-terminated line
one_line() {
	[ "$(wc -l <"$1")" = 1 ] && [ "$(tail -c 1 "$1" | wc -l)" = 1 ] &&
		[ -n "$(head -n 1 "$1")" ]
}

# verify DESC WANT-RC REGEX... : the last run exited WANT-RC, wrote nothing
# on stdout, exactly one line on stderr matching every REGEX (extended,
# case-sensitive), and left the start directory empty.
verify() {
	local desc=$1 want_rc=$2 re line
	local -a probs=()
	shift 2
	checks=$((checks + 1))
	[ "$rc" = "$want_rc" ] || probs+=("exit status $rc, expected $want_rc")
	[ -s "$tmp/out" ] && probs+=("stdout is not empty")
	if one_line "$tmp/err"; then
		line=$(head -n 1 "$tmp/err")
		for re in "$@"; do
			[[ $line =~ $re ]] || probs+=("the stderr line does not match /$re/")
		done
	else
		probs+=("stderr is not exactly one line")
	fi
	if [ -n "$(find "$cwd" -mindepth 1 -print -quit)" ]; then
		probs+=("files left in the start directory: $(find "$cwd" -mindepth 1 -printf "%P ")")
		find "$cwd" -mindepth 1 -delete
	fi
	[ "${#probs[@]}" = 0 ] || ht_report "$desc" "${probs[@]}"
}

# expect_err DESC WANT-RC REGEX... -- ARGS... : run hoptrace ARGS, verify
expect_err() {
	local desc=$1 want_rc=$2
	local -a res=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		res+=("$1")
		shift
	done
	shift
	run "$@"
	verify "$desc" "$want_rc" "${res[@]}"
}

# usage DESC REGEX... -- ARGS... : a usage error (exit 2)
usage() {
	local desc=$1
	shift
	expect_err "$desc" 2 "$@"
}

# Loopback only: should a usage error go unnoticed, nothing leaves the host.
H=127.0.0.1

# ---- values out of range --------------------------------------------
usage "-m 0" '-m' '255' -- -m 0 "$H"
usage "-m 256" '-m' '255' -- -m 256 "$H"
usage "--max-hops=0" '-m' '255' -- --max-hops=0 "$H"
usage "-q 0" '-q' '10' -- -q 0 "$H"
usage "-q 11" '-q' '10' -- -q 11 "$H"
usage "--queries=11" '-q' '10' -- --queries=11 "$H"
usage "-f 5 -m 3 (first TTL above max hops)" '-f' '-m' -- -f 5 -m 3 "$H"
usage "-W 0" '-W' -- -W 0 "$H"
usage "-W abc" '-W' -- -W abc "$H"
usage "-p 0" '-p' '65535' -- -p 0 "$H"
usage "-N 0" '-N' -- -N 0 "$H"
usage "--gap 0" '--gap' -- --gap 0 "$H"

# ---- options and operands ---------------------------------------------
usage "unknown long option --bogus" '--bogus' -- --bogus "$H"
usage "unknown short option -Z" '-Z' -- -Z "$H"
usage "missing HOST" '[Hh][Oo][Ss][Tt]' --
usage "missing HOST after options" '[Hh][Oo][Ss][Tt]' -- -n -q 1
usage "two HOSTs" '[Hh][Oo][Ss][Tt]|127\.0\.0\.2' -- "$H" 127.0.0.2
# -r FILE takes a filter expression (tcpdump's), not a HOST: a bad one is
# a usage error naming it; "-w" with "-r" still is one
valid=$(cd "$top_srcdir" && pwd)/tests/replay/hostile/valid.pcap
usage "-r with a bad filter expression" 'filter expression' 'hots 1' -- -r "$valid" hots 1
usage "-r with -w" '-w' '-r' -- -r "$valid" -w "$tmp/w.pcap"
usage "-m at the end, without its value" '-m' -- "$H" -m

# ---- --rows: a form of output (a scan's, or with -r any capture's) ----
usage "--rows live without --targets" '--rows' -- --rows "$H"
usage "--rows with -j" '--rows' '-j' -- -r "$tmp/none.pcap" --rows -j
usage "--rows with --dot" '--rows' '--dot' -- -r "$tmp/none.pcap" --rows --dot
usage "--rows with --csv" '--rows' '--csv' -- -r "$tmp/none.pcap" --rows --csv
usage "--rows with --report" '--rows' '--report' -- -r "$tmp/none.pcap" --rows --report

# ---- a HOST that does not resolve (reserved TLD .invalid) -------------
run nohost.invalid
if [ "${#iso[@]}" = 0 ] && [ "$rc" = 124 ]; then
	echo "note: the resolver did not answer within 10 s; unknown-host check skipped"
else
	verify "unknown host nohost.invalid" 2 'nohost\.invalid'
fi

# ---- usage errors with -w create no file ------------------------------
out=$cwd/out.pcap
usage "-w FILE with -m 0: no file" '-m' '255' -- -w "$out" -m 0 "$H"
usage "-w FILE with --bogus: no file" '--bogus' -- -w "$out" --bogus "$H"
usage "-w FILE with two HOSTs: no file" '[Hh][Oo][Ss][Tt]|127\.0\.0\.2' -- -w "$out" "$H" 127.0.0.2
usage "-w FILE with -q at the end: no file" '-q' -- -w "$out" "$H" -q
if [ "${#iso[@]}" -gt 0 ]; then
	usage "-w FILE with an unknown host: no file" 'nohost\.invalid' -- -w "$out" nohost.invalid
fi

# ---- -h and -V ----------------------------------------------------------
checks=$((checks + 1))
run -h
probs=()
[ "$rc" = 0 ] || probs+=("exit status $rc, expected 0")
[ -s "$tmp/err" ] && probs+=("stderr is not empty")
grep -q '^Usage: hoptrace' "$tmp/out" || probs+=("stdout has no line starting 'Usage: hoptrace'")
[ "${#probs[@]}" = 0 ] || ht_report "-h prints usage to stdout" "${probs[@]}"

version=$(sed -n 's/^AC_INIT(\[hoptrace\], *\[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac" 2>/dev/null)
if [ -n "$version" ]; then
	vre="hoptrace ${version//./\\.}"
else
	vre='hoptrace [0-9][^ ]*'
fi
for opt in -V --version; do
	checks=$((checks + 1))
	run "$opt"
	probs=()
	[ "$rc" = 0 ] || probs+=("exit status $rc, expected 0")
	[ -s "$tmp/err" ] && probs+=("stderr is not empty")
	if ! one_line "$tmp/out" || ! [[ $(cat "$tmp/out") =~ ^${vre}$ ]]; then
		probs+=("stdout is not the one line /^$vre\$/")
	fi
	[ "${#probs[@]}" = 0 ] || ht_report "$opt prints the version" "${probs[@]}"
done

# ---- runtime failures: exit 1, one line ---------------------------------
printf 'This is a text file,\nnot a packet capture: hoptrace must refuse it.\n' >"$tmp/text.txt"
expect_err "-r on a missing file" 1 'none\.pcap' -- -r "$tmp/none.pcap"
expect_err "-r on a text file" 1 'text\.txt' -- -r "$tmp/text.txt"

checks=$((checks + 1))
last_cmd="hoptrace -r - < text file"
(cd "$cwd" && exec "${iso[@]}" timeout 10 "$HOPTRACE" -r -) \
	<"$tmp/text.txt" >"$tmp/out" 2>"$tmp/err"
rc=$?
probs=()
[ "$rc" = 1 ] || probs+=("exit status $rc, expected 1")
[ -s "$tmp/out" ] && probs+=("stdout is not empty")
one_line "$tmp/err" || probs+=("stderr is not exactly one line")
[ "${#probs[@]}" = 0 ] || ht_report "-r - with a text file on stdin" "${probs[@]}"

if [ "${EUID:-$(id -u)}" = 0 ]; then
	# a directory that does not exist: nothing may be created on the way
	expect_err "-w into a missing directory" 1 'nodir/x\.pcap' -- \
		-n -q 1 -m 1 -W 0.5 -w "$tmp/nodir/x.pcap" "$H"
	if [ -e "$tmp/nodir" ]; then
		failures=$((failures + 1))
		echo "FAIL: -w into a missing directory created $tmp/nodir"
	fi
else
	echo "note: not root; the -w runtime failure check is skipped"
fi

if [ "$failures" != 0 ]; then
	printf '%s of %s checks failed\n' "$failures" "$checks"
	exit 1
fi
printf 'PASS: %s checks\n' "$checks"
exit 0
