/* \summary: filling the names table from the resolver, with a bounded wait */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "engine/names.h"
#include "io/resolve.h"
#include "match/trace.h"

void
ht_names_ask(struct ht_names *t, const struct ht_addr *a)
{
	if (t != NULL && t->res != NULL)
		ht_resolver_ask(t->res, a);
}

void
ht_names_lookup(struct ht_names *t, const struct ht_addr *a,
    unsigned wait_ms)
{
	if (t == NULL || t->res == NULL || ht_names_get(t, a) != NULL)
		return;
	/* out of memory: the address is shown instead, as with no name */
	(void)ht_names_put(t, a, ht_resolver_name(t->res, a, wait_ms));
}

void
ht_names_lookup_trace(struct ht_names *n, const struct ht_trace *t,
    int with_dst, uint8_t last, unsigned wait_ms)
{
	uint32_t i;

	if (n == NULL || n->res == NULL)
		return;
	if (with_dst)
		ht_names_lookup(n, &t->dst, wait_ms);
	for (i = 0; i < t->n; i++)
		if (t->p[i].rkind != HT_R_NONE && t->p[i].ttl <= last)
			ht_names_lookup(n, &t->p[i].from, wait_ms);
}
