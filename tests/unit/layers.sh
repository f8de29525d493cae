#!/bin/bash
# tests/unit/layers.sh - the layout's include rules (tests/unit/layers.py): no file
# includes a layer above its own or another mode's folder.
# Exit 0 pass, 1 fail, 77 skip (no python3).
srcdir=${srcdir:-$(dirname "$0")/..}
top=${top_srcdir:-$srcdir/..}
command -v python3 >/dev/null || {
	echo "SKIP: python3 missing"
	exit 77
}
exec python3 "$srcdir/unit/layers.py" "$top/src"
