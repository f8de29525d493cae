/* \summary: what a probe is, and its one builder (libnet, sending nothing) */
#ifndef HT_WIRE_PROBE_H
#define HT_WIRE_PROBE_H

#include <stddef.h>
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

/*
 * One probe, field by field: all a probe's bytes follow from it (the
 * ICMP echo request, UDP datagram or TCP SYN of every mode and method;
 * scan_match.h and io/prober.c say what the fields carry).
 */
struct ht_probe_desc {
	struct ht_addr src, dst;	/* the family is dst's: 4 or 6 */
	uint8_t proto;		/* HT_PROTO_ICMP (IPv4), HT_PROTO_ICMP6
				 * (IPv6), HT_PROTO_UDP, HT_PROTO_TCP
				 * (wire/decode.h) */
	uint8_t ttl;		/* TTL, hop limit */
	uint16_t ip_id;		/* IPv4 identification (not 0: a raw
				 * socket replaces 0) */
	uint32_t flow;		/* IPv6 flow label (20 bits) */
	uint16_t ident;		/* ICMP identifier; UDP, TCP source port */
	uint16_t port;		/* UDP, TCP destination port */
	uint16_t seq;		/* ICMP sequence number */
	uint32_t tcp_seq;	/* TCP sequence number (a SYN, window 5840) */
	int cksum_set;		/* the ICMP, UDP or TCP checksum is cksum,
				 * the payload's first word made to fit
				 * (ht_cksum_force; plen >= 2) */
	uint16_t cksum;
	const uint8_t *payload;	/* after the echo, UDP or TCP header */
	uint16_t plen;
};

/* Our payloads' pattern: byte i is 0x40 + i % 32 ("@AB...Z[\\]^_"). */
void ht_probe_fill(uint8_t *p, size_t n);

/* A libnet context of type LIBNET_NONE: it builds, it never sends. */
struct ht_probe_builder;

struct ht_probe_builder *ht_probe_builder_new(char *err, size_t errlen);

/*
 * The IP packet d describes into buf: its length, checksums filled (the
 * one asked for forced), or -1 with err.  The same pblocks are rebuilt
 * probe after probe, by ptag, while protocol and family stay.
 */
int ht_probe_builder_build(struct ht_probe_builder *b,
    const struct ht_probe_desc *d, uint8_t *buf, size_t len, char *err,
    size_t errlen);

void ht_probe_builder_free(struct ht_probe_builder *b);

/* The same with a builder of its own, made and freed: one probe. */
int ht_probe_build(const struct ht_probe_desc *d, uint8_t *buf, size_t len,
    char *err, size_t errlen);

#endif
