/* \summary: ask the kernel (rtnetlink) how it would reach a destination */
#ifndef HT_ROUTE_H
#define HT_ROUTE_H

#include <net/if.h>
#include <stdint.h>

#include "base/addr.h"

struct ht_route {
	char ifname[IF_NAMESIZE];
	int ifindex;
	int local;		/* dst is this host's: over loopback */
	struct ht_addr src;	/* preferred source */
};

/*
 * Route lookup for dst (optionally out of dev).  0 on success; -1 with
 * err when there is no route.
 */
int ht_route_get(const struct ht_addr *dst, const char *dev,
    struct ht_route *r, char *err, size_t errlen);

/*
 * How many next hops the routing table's entry for dst (out of dev) has:
 * 1 for a plain route, 2 or more for a multipath one; 0 when the kernel
 * cannot say (no route, a kernel before Linux 4.13).
 */
int ht_route_nexthops(const struct ht_addr *dst, const char *dev);

/*
 * Bind socket fd to interface dev (SO_BINDTODEVICE), where dev is not
 * NULL.  0, or -1 with err ("<what> <dev>: <why>") and fd closed.
 */
int ht_route_bind(int fd, const char *dev, const char *what, char *err,
    size_t errlen);

/*
 * The source address the kernel would choose for dst (out of dev): where
 * the route names none of dst's family.  0, or -1 with err.
 */
int ht_route_source(const struct ht_addr *dst, const char *dev,
    struct ht_addr *src, char *err, size_t errlen);

#endif
