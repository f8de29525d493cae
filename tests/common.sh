# shellcheck shell=bash
# tests/common.sh - the start every test script shares.  Source it first:
#
#   . "$srcdir/common.sh"
#   ht_need_hoptrace              HOPTRACE must name an executable (exit 99
#                                 otherwise); it is made absolute
#   ht_tmpdir PREFIX [CLEANUP]    $tmp: a new directory, removed on exit
#                                 after CLEANUP (shell code, run first);
#                                 SIGINT and SIGTERM exit 130 and 143
#   ht_public_dir                 $pub: a new directory every user may
#                                 enter (mode 0755, under /tmp: neither
#                                 the build tree nor $TMPDIR, either of
#                                 which may lie in a private home), removed
#                                 on exit with $tmp; $pub/hoptrace, a copy
#                                 of HOPTRACE; as_nobody=(setpriv ...), the
#                                 prefix that runs a command as nobody with
#                                 no groups (exit 77 where either is
#                                 missing).  What another user must read
#                                 goes here, mode 0644; what it writes,
#                                 into $pub/w (mode 1777).
#   fail MESSAGE [DETAIL]         report a failure on stderr (DETAIL
#                                 indented), set failed=1, go on
#   die MESSAGE [DETAIL]          fail, then exit 1
#   ht_captures TOP               captures=(...): every capture of the
#                                 corpus under TOP/pcaps (pcap and pcapng,
#                                 pcaps/public and its folders too)
#   ht_report DESC PROBLEM...     a failed check of the last hoptrace run,
#                                 in full, on stdout: $last_cmd, each
#                                 problem, the exit status $rc (and $t_ms
#                                 when set), $tmp/out and $tmp/err; counts
#                                 it in $failures
#
# Exit statuses, as automake reads them: 0 pass, 1 fail, 77 skip, 99 hard
# error.

ht_need_hoptrace() {
	if [ -z "${HOPTRACE-}" ] || [ ! -x "$HOPTRACE" ]; then
		printf 'ERROR: HOPTRACE must name the hoptrace binary (got "%s")\n' \
			"${HOPTRACE-}" >&2
		exit 99
	fi
	case $HOPTRACE in
	/*) ;;
	*) HOPTRACE=$PWD/$HOPTRACE ;;
	esac
}

ht_tmpdir() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX") || exit 99
	# shellcheck disable=SC2064 # CLEANUP is pasted in now, expanded on exit
	trap "${2:+$2; }rm -rf \"\$tmp\" \${pub:+\"\$pub\"}" EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

ht_public_dir() {
	local nuid ngid
	if ! command -v setpriv >/dev/null || ! nuid=$(id -u nobody 2>/dev/null) ||
		! ngid=$(id -g nobody 2>/dev/null); then
		echo "SKIP: no setpriv or no user nobody"
		exit 77
	fi
	pub=$(mktemp -d /tmp/htpub.XXXXXX) || exit 99
	if ! chmod 0755 "$pub" || ! mkdir -m 1777 "$pub/w" ||
		! cp "$HOPTRACE" "$pub/hoptrace" || ! chmod 0755 "$pub/hoptrace"; then
		printf 'ERROR: cannot make %s for another user\n' "$pub" >&2
		exit 99
	fi
	# shellcheck disable=SC2034 # read by the calling script
	as_nobody=(setpriv --reuid="$nuid" --regid="$ngid" --clear-groups)
}

fail() {
	printf 'FAIL: %s\n' "$1" >&2
	if [ -n "${2-}" ]; then
		printf '%s\n' "$2" | sed 's/^/    /' >&2
	fi
	# shellcheck disable=SC2034 # read by the calling script
	failed=1
}

die() {
	fail "$@"
	exit 1
}

ht_captures() {
	local had
	had=$(shopt -p nullglob)
	shopt -s nullglob
	# shellcheck disable=SC2034 # read by the calling script
	captures=("$1"/pcaps/*.pcap "$1"/pcaps/*.pcapng "$1"/pcaps/public/*.pcap \
		"$1"/pcaps/public/*/*.pcap*)
	eval "$had"
}

ht_report() {
	local desc=$1 p
	shift
	failures=$((${failures:-0} + 1))
	printf 'FAIL: %s\n' "$desc"
	printf '  command: %s\n' "${last_cmd-}"
	for p in "$@"; do
		printf '  problem: %s\n' "$p"
	done
	printf '  exit status %s%s\n' "${rc-}" "${t_ms:+, $t_ms ms}"
	printf '  stdout (%s bytes):\n' "$(wc -c <"$tmp/out")"
	sed 's/^/    | /' "$tmp/out"
	printf '  stderr (%s bytes):\n' "$(wc -c <"$tmp/err")"
	sed 's/^/    | /' "$tmp/err"
}
