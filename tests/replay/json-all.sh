#!/bin/bash
# tests/replay/json-all.sh - -j on every capture in pcaps/: strict JSON Lines with
# every field the contract requires, and the same traces and hops as the
# text output (tests/replay/json-all.py does the work).  77 without python3.
set -u
srcdir=${srcdir:-$(dirname "$0")/..}
# shellcheck source=../common.sh disable=SC1091
. "$srcdir/common.sh"
top=${top_srcdir:-$srcdir/..}
command -v python3 >/dev/null || { echo "SKIP: needs python3"; exit 77; }
ht_need_hoptrace
ht_captures "$top"
exec python3 "$srcdir/replay/json-all.py" "$HOPTRACE" "${captures[@]}"
