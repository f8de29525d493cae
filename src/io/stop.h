/* \summary: the stop on SIGINT and SIGTERM (and, through base/time.h, the clock) */
#ifndef HT_STOP_H
#define HT_STOP_H

#include <signal.h>

#include "base/time.h"

/*
 * SIGINT and SIGTERM, caught: the engine's loop ends when ht_stop_sig()
 * names one, and the mode renders what it knows.  ht_stop_catch()
 * installs the handler and forgets any signal caught before; the handler
 * stays (a second signal must not end the process before its output).
 */
void ht_stop_catch(void);
int ht_stop_sig(void);

#endif
