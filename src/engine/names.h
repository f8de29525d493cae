/* \summary: filling the names table from the resolver, with a bounded wait */
#ifndef HT_ENGINE_NAMES_H
#define HT_ENGINE_NAMES_H

#include <stdint.h>

#include "base/names.h"

/* The wait for one name before a line that shows it is written. */
#define HT_NAME_WAIT_MS	250

/* Start looking up a's name (no wait; nothing when names are off). */
void ht_names_ask(struct ht_names *t, const struct ht_addr *a);
/*
 * Make a's name known in t if it can be within wait_ms (and the run's
 * budget): a name already known is kept, one not known yet is asked for
 * again.  Nothing when t is NULL or has no resolver yet.
 */
void ht_names_lookup(struct ht_names *t, const struct ht_addr *a,
    unsigned wait_ms);

/*
 * Every responder of trace t up to TTL last, in probe order (the
 * destination first when with_dst), before the trace is rendered.
 */
struct ht_trace;
void ht_names_lookup_trace(struct ht_names *n, const struct ht_trace *t,
    int with_dst, uint8_t last, unsigned wait_ms);

#endif
