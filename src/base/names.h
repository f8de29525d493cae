/* \summary: responders' names as data: a table renderers read, filled by the engine or a driver */
#ifndef HT_NAMES_H
#define HT_NAMES_H

#include <stddef.h>

#include "base/addr.h"

/*
 * Names are part of the model: a driver (through engine/names.h) writes
 * each responder's name here when it is known, with the bounded wait the
 * run allows, and renderers only read it; no renderer asks a resolver or
 * waits.  An address with no entry, or an entry without a name, prints
 * as the address.
 */
struct ht_resolver;

struct ht_names_ent {
	struct ht_addr a;	/* af 0: empty */
	char *name;		/* NULL: asked, none known (yet) */
};

struct ht_names {
	struct ht_names_ent *e;
	size_t cap, n;		/* cap: 0 or a power of two */
	/* where names come from (engine/names.c); NULL until it starts */
	struct ht_resolver *res;
};

void ht_names_init(struct ht_names *t);
void ht_names_free(struct ht_names *t);
/* The name of a, or NULL (none known; t NULL: names are off, -n). */
const char *ht_names_get(const struct ht_names *t, const struct ht_addr *a);
/* Record a's name (NULL: none known yet).  0, or -1 out of memory. */
int ht_names_put(struct ht_names *t, const struct ht_addr *a,
    const char *name);

#endif
