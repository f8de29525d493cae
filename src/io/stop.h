/* \summary: the stop on SIGINT and SIGTERM (and, through base/time.h, the clock) */
#ifndef HT_STOP_H
#define HT_STOP_H

#include <signal.h>

#include "base/time.h"

/*
 * SIGINT and SIGTERM, caught: a driver's loop ends when ht_stop_sig()
 * names one, and it flushes what it knows.  ht_stop_catch() installs the
 * handler and forgets any signal caught before; ht_stop_release() puts
 * back what was there.
 */
struct ht_stop {
	struct sigaction old_int, old_term;
};

void ht_stop_catch(struct ht_stop *s);
int ht_stop_sig(void);
void ht_stop_release(const struct ht_stop *s);

#endif
