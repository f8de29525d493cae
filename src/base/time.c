/* \summary: the wall clock, in nanoseconds */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <time.h>

#include "base/time.h"

ht_ns
ht_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (ht_ns)ts.tv_sec * HT_NS_PER_SEC + (ht_ns)ts.tv_nsec;
}
