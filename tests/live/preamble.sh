# shellcheck shell=bash source-path=SCRIPTDIR
# tests/live/preamble.sh - how every live test starts (hoptrace on real
# Linux routers in network namespaces, tests/net/).  After "set -u":
#
#   # shellcheck source=preamble.sh
#   . "$(dirname "$0")/preamble.sh" [TOOL...]
#
# It sets srcdir (the tests directory) and top_srcdir where make check has
# not; sources tests/common.sh, tests/net/netns.sh and
# tests/live/live-lib.sh; HOPTRACE (default: the tree's ./hoptrace) must
# name an executable (exit 99 otherwise) and is made absolute.  With TOOLs:
# ht_net_need_root TOOL..., exit 77 (skip) unless root, network namespaces
# and veth pairs work and every TOOL is installed.  A test with checks that
# need no root (option errors) names no TOOL and calls ht_net_need_root
# itself, after them.  For a test on one network it defines:
#
#   ht_live_net NAME [CLEANUP]  N=NAME$$, the network's name (unique among
#                               the tests running at once); $tmp, a new
#                               directory; on exit: CLEANUP (shell code,
#                               expanded then), ht_net_down $N, $tmp removed
#   ht_live_up ARGS...          ht_net_up $N ARGS..., exit 99 if it fails

srcdir=${srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
top_srcdir=${top_srcdir:-$(cd "$srcdir/.." && pwd)}
# shellcheck source=../common.sh disable=SC1091
. "$srcdir/common.sh"
# shellcheck source=../net/netns.sh disable=SC1091
. "$srcdir/net/netns.sh"
# shellcheck source=live-lib.sh disable=SC1091
. "$srcdir/live/live-lib.sh"

HOPTRACE=${HOPTRACE:-$top_srcdir/hoptrace}
ht_need_hoptrace
[ "$#" = 0 ] || ht_net_need_root "$@"

ht_live_net() {
	N=$1$$
	ht_tmpdir "$1" "${2:+$2; }ht_net_down \"\$N\""
}

ht_live_up() {
	ht_net_up "$N" "$@" || {
		echo "ERROR: ht_net_up $N $* failed" >&2
		exit 99
	}
}
