/* \summary: build and send probes with libnet (no parsing here) */
#ifndef HT_PROBE_H
#define HT_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define HT_PROBE_MAX	1500

enum ht_method { HT_METHOD_ICMP = 0, HT_METHOD_UDP, HT_METHOD_TCP };

struct ht_prober;

struct ht_probe_cfg {
	enum ht_method method;
	struct ht_addr src, dst;
	const char *dev;	/* NULL: the route decides */
	uint16_t ident;		/* ICMP identifier / UDP or TCP source port */
	uint16_t port;		/* UDP base port / TCP destination port */
	int paris;
	uint16_t payload;	/* bytes after the transport header */
	int dry;		/* LIBNET_NONE: build only, never send */
	/* Ethernet injection (LIBNET_LINK) when all three are set: */
	const char *link_dev;
	uint8_t link_src[6], link_dst[6];
};

/* Open the injection handle (privileged).  NULL and err on failure. */
struct ht_prober *ht_prober_open(const struct ht_probe_cfg *cfg, char *err,
    size_t errlen);

/*
 * Build the probe number k at the given TTL into buf (the wire bytes,
 * checksums filled) and, unless dry, send it.  Returns the length, or -1
 * with err filled.
 */
int ht_prober_send(struct ht_prober *pr, uint32_t k, uint8_t ttl,
    uint8_t *buf, size_t buflen, char *err, size_t errlen);

void ht_prober_close(struct ht_prober *pr);

#endif
