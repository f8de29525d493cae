/* \summary: rounds: the responders' names written into the model */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "engine/names.h"
#include "mode/cont/cont.h"

void
ht_cont_names(struct ht_cont_model *md, struct ht_names *names,
    unsigned wait_ms)
{
	int ttl;
	uint8_t i;

	if (names == NULL || names->res == NULL)
		return;
	for (ttl = md->first_ttl; ttl >= 1 && ttl <= md->last_ttl; ttl++)
		for (i = 0; i < md->hop[ttl].nresp; i++)
			ht_names_ask(names, &md->hop[ttl].resp[i].addr);
	for (ttl = md->first_ttl; ttl >= 1 && ttl <= md->last_ttl; ttl++)
		for (i = 0; i < md->hop[ttl].nresp; i++) {
			ht_names_lookup(names, &md->hop[ttl].resp[i].addr,
			    wait_ms);
			md->hop[ttl].resp[i].name = ht_names_get(names,
			    &md->hop[ttl].resp[i].addr);
		}
}

void
ht_cont_names_set(struct ht_cont_set *fs, struct ht_names *names,
    unsigned wait_ms)
{
	uint32_t i;

	for (i = 0; i < fs->nflows; i++)
		ht_cont_names(fs->flow[i], names, wait_ms);
}
