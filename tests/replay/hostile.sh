#!/bin/bash
# tests/replay/hostile.sh - hostile captures (issue 7, item 4; CONTRACT.md
# "Captures"): a damaged capture (not a capture, truncated, unsupported link
# type) gives a one-line error and exit 1; a capture cut short mid-record
# gives the traces it holds, a warning and exit 0; malformed packets are
# skipped with one warning naming the first, and the traces beside them are
# rebuilt exactly.
#
# The corpus is tests/replay/hostile/: captures made by tests/replay/hostile/make.py (which
# says what each is) and tests/replay/hostile/LIST, the table of what each must give:
# exit status, the one stderr line, the exact stdout (see its header).  Each
# capture is replayed three ways, always with -n and TZ=UTC:
#   hoptrace -n -r FILE       status, stderr line and stdout as in LIST;
#   hoptrace -n -r - < FILE   the same, FILE read as "stdin";
#   hoptrace -n -j -r FILE    the same status and stderr, one JSON object
#                             per trace of the expected text output.
# Whatever LIST says, no run may crash, hang (30 s), exit other than 0 or 1,
# or write more than one line on stderr, or differ from the expected stdout;
# "xfail" cases are exempt only from the expected exit status and stderr.  Also: every capture in the directory has its line in LIST, and
# when python3 is there, make.py still makes exactly the stored files.
#
# Environment: HOPTRACE = the binary; srcdir = the tests directory.
# Needs no root and no network.  Exit 0 pass, 1 fail, 99 hard error.

set -u

srcdir=${srcdir:-$(dirname "$0")/..}
# shellcheck source=../common.sh disable=SC1091
. "$srcdir/common.sh"

ht_need_hoptrace

dir=$(cd "$srcdir/replay/hostile" 2>/dev/null && pwd) || {
	echo "ERROR: no $srcdir/replay/hostile" >&2
	exit 99
}
list=$dir/LIST
[ -r "$list" ] || { echo "ERROR: no $list" >&2; exit 99; }

ht_tmpdir hthostile

export TZ=UTC LC_ALL=C
# Captures are named as LIST names them, relative to their directory.
cd "$dir" || exit 99
TIMEOUT=30
command -v timeout >/dev/null 2>&1 || TIMEOUT=

fails=0 xfails=0 xpasses=0 passes=0

# run OUT ERR ARGS... : run hoptrace (stdin as given), set $rc
run() {
	local out=$1 err=$2
	shift 2
	if [ -n "$TIMEOUT" ]; then
		timeout "$TIMEOUT" "$HOPTRACE" "$@" >"$out" 2>"$err"
	else
		"$HOPTRACE" "$@" >"$out" 2>"$err"
	fi
	rc=$?
}

# ERE-quote a string
re_quote() {
	printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'
}

# stderr_ok ERRFILE SPEC NAME : does stderr match the LIST spec?
# Sets $why when not.
stderr_ok() {
	local errf=$1 spec=$2 name=$3 line pat
	local n
	n=$(wc -l <"$errf")
	if [ "$spec" = - ]; then
		if [ -s "$errf" ]; then
			why="stderr should be empty, got: $(head -c 300 "$errf")"
			return 1
		fi
		return 0
	fi
	if [ ! -s "$errf" ]; then
		why="stderr is empty, expected one line"
		return 1
	fi
	if [ "$n" -ne 1 ] || [ "$(tail -c 1 "$errf" | od -An -c | tr -d ' ')" != '\n' ]; then
		why="stderr should be one line, got: $(head -c 300 "$errf")"
		return 1
	fi
	line=$(cat "$errf")
	case $spec in
	re:*)
		pat=${spec#re:}
		pat=${pat//FILE/"$(re_quote "$name")"}
		if ! [[ $line =~ $pat ]]; then
			why="stderr '$line' does not match /$pat/"
			return 1
		fi
		;;
	*)
		pat=${spec//FILE/"$name"}
		if [ "$line" != "$pat" ]; then
			why="stderr '$line', expected '$pat'"
			return 1
		fi
		;;
	esac
	return 0
}

# hard_check MODE : the invariants no case is exempt from; sets $hard
hard_check() {
	local n
	n=$(wc -l <"$tmp/err")
	hard=
	if [ "$rc" -eq 124 ] && [ -n "$TIMEOUT" ]; then
		hard="$1: hung (killed after ${TIMEOUT}s)"
	elif [ "$rc" -ge 128 ]; then
		hard="$1: killed by signal $((rc - 128))"
	elif [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
		hard="$1: exit status $rc (only 0 or 1 allowed)"
	elif [ "$n" -gt 1 ] || { [ -s "$tmp/err" ] && [ "$n" -eq 0 ]; }; then
		hard="$1: stderr is not at most one line: $(head -c 400 "$tmp/err")"
	fi
	[ -z "$hard" ]
}

# check_case FILE EXIT STDOUT STDERR : sets $problems (exit status and
# stderr not as LIST says) and $hards (everything else)
check_case() {
	local f=$1 want_rc=$2 want_out=$3 want_err=$4 exp ntr nj
	problems='' hards=''
	if [ "$want_out" = - ]; then
		exp=$tmp/empty
		: >"$exp"
	else
		exp=$dir/$want_out
		if [ ! -r "$exp" ]; then
			problems="no expected output $want_out"
			return
		fi
	fi

	# 1. -r FILE
	run "$tmp/out" "$tmp/err" -n -r "$f"
	hard_check "-r $f" || hards="$hards; $hard"
	[ "$rc" -eq "$want_rc" ] ||
		problems="$problems; -r FILE: exit $rc, expected $want_rc"
	stderr_ok "$tmp/err" "$want_err" "$f" ||
		problems="$problems; -r FILE: $why"
	if ! cmp -s "$exp" "$tmp/out"; then
		hards="$hards; -r FILE: stdout differs:
$(diff "$exp" "$tmp/out" | head -20)"
	fi

	# 2. -r - < FILE
	run "$tmp/out" "$tmp/err" -n -r - <"$f"
	hard_check "-r - <$f" || hards="$hards; $hard"
	[ "$rc" -eq "$want_rc" ] ||
		problems="$problems; -r - (stdin): exit $rc, expected $want_rc"
	stderr_ok "$tmp/err" "$want_err" stdin ||
		problems="$problems; -r - (stdin): $why"
	if ! cmp -s "$exp" "$tmp/out"; then
		hards="$hards; -r - (stdin): stdout differs:
$(diff "$exp" "$tmp/out" | head -20)"
	fi

	# 3. -j -r FILE
	run "$tmp/out" "$tmp/err" -n -j -r "$f"
	hard_check "-j -r $f" || hards="$hards; $hard"
	[ "$rc" -eq "$want_rc" ] ||
		problems="$problems; -j: exit $rc, expected $want_rc"
	stderr_ok "$tmp/err" "$want_err" "$f" ||
		problems="$problems; -j: $why"
	ntr=$(grep -c '^hoptrace from ' "$exp")
	nj=$(grep -c '^{"type":"traceroute",' "$tmp/out")
	if [ "$nj" -ne "$ntr" ] || [ "$(wc -l <"$tmp/out")" -ne "$ntr" ]; then
		hards="$hards; -j: expected $ntr JSON trace line(s), got: $(head -c 300 "$tmp/out")"
	fi
	problems=${problems#; }
	hards=${hards#; }
}

# ---- every capture has its line, every line its capture
listed=" "
while read -r first rest; do
	case $first in
	'' | '#'*) continue ;;
	xfail) read -r first rest <<<"$rest" ;;
	esac
	listed="$listed$first "
	if [ ! -f "$dir/$first" ]; then
		echo "FAIL: LIST names $first, which is not in $dir"
		fails=$((fails + 1))
	fi
done <"$list"
for f in "$dir"/*.pcap "$dir"/*.pcapng; do
	[ -e "$f" ] || continue
	case $listed in
	*" ${f##*/} "*) ;;
	*)
		echo "FAIL: ${f##*/} has no line in LIST"
		fails=$((fails + 1))
		;;
	esac
done

# ---- the corpus is what make.py makes
if command -v python3 >/dev/null 2>&1; then
	mkdir "$tmp/made" || exit 99
	if python3 "$dir/make.py" -o "$tmp/made" >/dev/null; then
		for f in "$tmp/made"/*; do
			if ! cmp -s "$f" "$dir/${f##*/}"; then
				echo "FAIL: ${f##*/} is not what make.py makes (rerun tests/replay/hostile/make.py)"
				fails=$((fails + 1))
			fi
		done
	else
		echo "FAIL: tests/replay/hostile/make.py failed"
		fails=$((fails + 1))
	fi
else
	echo "note: no python3, corpus not checked against make.py"
fi

# ---- the cases
while read -r first rest; do
	xfail=0
	case $first in
	'' | '#'*) continue ;;
	xfail)
		xfail=1
		read -r first rest <<<"$rest"
		;;
	esac
	f=$first
	read -r want_rc want_out want_err <<<"$rest"
	if [ -z "${want_err-}" ] || ! [[ $want_rc =~ ^[01]$ ]]; then
		echo "ERROR: bad LIST line for $f" >&2
		exit 99
	fi
	[ -f "$dir/$f" ] || continue
	check_case "$f" "$want_rc" "$want_out" "$want_err"
	if [ -n "$hards" ]; then
		echo "FAIL: $f: $hards${problems:+; $problems}"
		fails=$((fails + 1))
	elif [ -n "$problems" ] && [ $xfail = 1 ]; then
		echo "XFAIL: $f: $problems"
		xfails=$((xfails + 1))
	elif [ -n "$problems" ]; then
		echo "FAIL: $f: $problems"
		fails=$((fails + 1))
	elif [ $xfail = 1 ]; then
		echo "XPASS: $f: now as LIST expects: remove its xfail mark"
		xpasses=$((xpasses + 1))
	else
		echo "PASS: $f"
		passes=$((passes + 1))
	fi
done <"$list"

echo "hostile captures: $passes passed, $fails failed, $xfails expected failures, $xpasses unexpected passes"
[ $fails -eq 0 ] && [ $xpasses -eq 0 ]
