/* \summary: reverse DNS that never stalls a trace: a worker thread and a cache */
#ifndef HT_RESOLVE_H
#define HT_RESOLVE_H

#include "base/addr.h"

struct ht_resolver;

/* budget_ms: the most time, over the whole run, spent waiting for names. */
struct ht_resolver *ht_resolver_new(unsigned budget_ms);
/* Start looking up an address (no wait). */
void ht_resolver_ask(struct ht_resolver *r, const struct ht_addr *a);
/*
 * The name of a, waiting at most wait_ms (and never past the budget);
 * NULL if none is known in time.  The string lives as long as r.
 */
const char *ht_resolver_name(struct ht_resolver *r, const struct ht_addr *a,
    unsigned wait_ms);

#endif
