/* \summary: time: nanoseconds since the Unix epoch, and the wall clock */
#ifndef HT_TIME_H
#define HT_TIME_H

#include <stdint.h>

typedef uint64_t ht_ns;		/* nanoseconds since the Unix epoch */

#define HT_NS_PER_SEC	1000000000ull

/* The wall clock (CLOCK_REALTIME, as capture stamps are), nanoseconds. */
ht_ns ht_now_ns(void);

#endif
