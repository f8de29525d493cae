/* \summary: ask the kernel (rtnetlink) how it would reach a destination */
#ifndef HT_ROUTE_H
#define HT_ROUTE_H

#include <net/if.h>
#include <stdint.h>

#include "addr.h"

struct ht_route {
	char ifname[IF_NAMESIZE];
	int ifindex;
	int ethernet;		/* the interface is ARPHRD_ETHER */
	struct ht_addr src;	/* preferred source */
	struct ht_addr nexthop;	/* gateway, or dst itself when on-link */
	int have_mac;		/* the next hop's MAC is in the neighbour table */
	uint8_t mac[6];		/* next hop's MAC */
	uint8_t own_mac[6];	/* the interface's MAC */
};

/*
 * Route lookup for dst (optionally out of dev), then the next hop's
 * neighbour entry.  0 on success; -1 with err when there is no route.
 */
int ht_route_get(const struct ht_addr *dst, const char *dev,
    struct ht_route *r, char *err, size_t errlen);

#endif
