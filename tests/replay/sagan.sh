#!/bin/bash
# tests/replay/sagan.sh - RIPE's own parser, ripe.atlas.sagan in strict mode, takes
# every trace "hoptrace -n -j -r" gives on every capture in pcaps/ and reads
# back the hops, addresses and RTTs of the text output (tests/replay/sagan.py does
# the work).
#
# sagan is GPLv3, not in Debian nor reachable from a package registry here:
# the copy used is HT_SAGAN, a directory holding ripe/atlas/sagan/ (a
# relative path is taken from the top of the source tree); without it, the
# first of ../shared/vendor/ripe-atlas-sagan (beside the checkout) and
# /work/shared/vendor/ripe-atlas-sagan (the workplace's copy, for a clone
# made elsewhere, as CI's is) that holds one.  It needs Debian's python3-dateutil and python3-tz:
# the first of python3 and /usr/bin/python3 that imports both runs it.
# Exit 77 (skip) only where that copy is absent; 0 pass, 1 fail, 99 hard
# error.
set -u
srcdir=${srcdir:-$(dirname "$0")/..}
# shellcheck source=../common.sh disable=SC1091
. "$srcdir/common.sh"
top=${top_srcdir:-$srcdir/..}
ht_need_hoptrace

if [ -n "${HT_SAGAN-}" ]; then
	sagan=$HT_SAGAN
	case $sagan in
	/*) ;;
	*) sagan=$top/$sagan ;;
	esac
else
	for sagan in "$top/../shared/vendor/ripe-atlas-sagan" \
		/work/shared/vendor/ripe-atlas-sagan; do
		[ -f "$sagan/ripe/atlas/sagan/traceroute.py" ] && break
	done
fi
if [ ! -f "$sagan/ripe/atlas/sagan/traceroute.py" ]; then
	echo "SKIP: no copy of ripe.atlas.sagan at $sagan (set HT_SAGAN)"
	exit 77
fi

py=
for p in python3 /usr/bin/python3; do
	if command -v "$p" >/dev/null &&
		"$p" -c 'import dateutil, pytz' 2>/dev/null; then
		py=$p
		break
	fi
done
[ -n "$py" ] || die "ripe.atlas.sagan needs python3 with dateutil and pytz" \
	"(Debian: apt-get install python3-dateutil python3-tz)"

ht_captures "$top"
# no byte code written into the shared copy
PYTHONPATH=$sagan${PYTHONPATH:+:$PYTHONPATH} PYTHONDONTWRITEBYTECODE=1 \
	exec "$py" "$srcdir/replay/sagan.py" "$HOPTRACE" "${captures[@]}"
