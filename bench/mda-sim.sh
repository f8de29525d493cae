#!/bin/bash
# bench/mda-sim.sh - bench/mda-sim over the testbed's six diamonds (the
# shapes of bench/mda.sh, tests/net/netns-graph.sh's ht_graph_shape), MDA-Lite
# and full MDA, at each confidence given: the share of runs that found
# every link and the probes (median), as a Markdown table.  No network and
# no root: the planner hoptrace runs, against simulated balancers.
#
#   bench/mda-sim.sh [RUNS [CONFIDENCE...]]     (10000; 95 97.5 99)
#
# MDA_SIM: the bench/mda-sim binary [the build tree's].
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../tests/net/netns-graph.sh disable=SC1091
. "$here/../tests/net/netns-graph.sh"
SIM=${MDA_SIM:-$here/mda-sim}
[ -x "$SIM" ] || { echo "no $SIM: make check builds it (make bench/mda-sim)" >&2; exit 2; }
RUNS=${1:-10000}
shift || true
CONFS=${*:-95 97.5 99}

echo "| diamond | confidence | MDA-Lite: all links found | probes (median) | full MDA: all links found | probes (median) |"
echo "|---|---:|---:|---:|---:|---:|"
for shape in width2 width4 width8 nested meshed unequal; do
	spec=$(ht_graph_shape "$shape")
	for c in $CONFS; do
		row="| $shape | $c% |"
		for m in lite full; do
			row+=$("$SIM" -n "$RUNS" -c "$c" -m "$m" "$spec" |
				awk '{ printf " %.2f%% (%d of %d) | %d |", 100 * $4 / $2, $4, $2, $10 }')
		done
		echo "$row"
	done
done
