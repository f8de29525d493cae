/* \summary: the stop on SIGINT and SIGTERM */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <string.h>

#include "io/stop.h"

/* The one thing a signal handler may touch: the signal that came. */
static volatile sig_atomic_t caught;

static void
on_signal(int sig)
{
	caught = sig;
}

void
ht_stop_catch(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	caught = 0;
}

int
ht_stop_sig(void)
{
	return caught;
}
