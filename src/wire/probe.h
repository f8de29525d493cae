/* \summary: what a probe is: its method, addresses, identifiers and size */
#ifndef HT_WIRE_PROBE_H
#define HT_WIRE_PROBE_H

#include <stdint.h>

#include "base/addr.h"

#define HT_PROBE_MAX	1500

enum ht_method { HT_METHOD_ICMP = 0, HT_METHOD_UDP, HT_METHOD_TCP };

struct ht_probe_cfg {
	enum ht_method method;
	struct ht_addr src, dst;
	const char *dev;	/* NULL: the route decides */
	uint16_t ident;		/* ICMP identifier / UDP or TCP source port */
	uint16_t port;		/* UDP base port / TCP destination port */
	int paris;
	int cksum_flow;		/* ICMP with paris: the checksum is port (the
				 * MDA flow), the payload's first word made
				 * to fit (port 1..65534) */
	uint16_t payload;	/* bytes after the transport header */
	int dry;		/* build only, never send (no privileges) */
	int ifindex;		/* outgoing interface (IPv6 scope), 0 unknown */
	int any_dst;		/* the capture filter: any destination (a scan;
				 * dst gives only the address family) */
};

#endif
