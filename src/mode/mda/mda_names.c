/* \summary: multipath discovery: the graph's responders' names, before it is rendered */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "engine/names.h"
#include "mode/mda/mda.h"

void
ht_mda_names(struct ht_names *names, const struct ht_mda_graph *g)
{
	uint32_t i;

	if (names == NULL || names->res == NULL)
		return;
	for (i = 0; i < g->nnode; i++)
		if (g->node[i].addr.af != 0)
			ht_names_ask(names, &g->node[i].addr);
	for (i = 0; i < g->nnode; i++)
		if (g->node[i].addr.af != 0)
			ht_names_lookup(names, &g->node[i].addr,
			    HT_NAME_WAIT_MS);
}
