/* \summary: the one probe builder: a probe description to IP packet bytes */
/*
 * libnet builds, in a context of type LIBNET_NONE: no socket, no
 * privileges (the prober of io/prober.c sends what it builds).  Each probe
 * rebuilds the same pblocks by ptag (libnet_build_* with the ptag of the
 * previous call; a new protocol or family starts afresh) and takes the wire
 * bytes, checksums filled, from libnet_pblock_coalesce().  Then, on those
 * bytes: the checksum asked for is forced (ht_cksum_force, RFC 1624) and
 * the IPv6 flow label written (libnet 1.1.6 mis-shifts one it is given, so
 * it gets 0).  The header layouts are RFC 791 and RFC 8200 (IP), RFC 792
 * and RFC 4443 (echo request), RFC 768 (UDP), RFC 9293 (TCP).
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <libnet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire/cksum.h"
#include "wire/decode.h"
#include "wire/probe.h"

struct ht_probe_builder {
	libnet_t *l;
	libnet_ptag_t t_l4, t_ip;
	uint8_t af, proto;	/* of the pblocks built; 0: none yet */
	uint8_t pl6[HT_PROBE_MAX];	/* an ICMPv6 payload (libnet 1.1.6
					 * wants it writable) */
};

void
ht_probe_fill(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(0x40 + i % 32);
}

struct ht_probe_builder *
ht_probe_builder_new(char *err, size_t errlen)
{
	char ebuf[LIBNET_ERRBUF_SIZE];
	struct ht_probe_builder *b;

	if ((b = calloc(1, sizeof(*b))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ebuf[0] = '\0';
	if ((b->l = libnet_init(LIBNET_NONE, NULL, ebuf)) == NULL) {
		snprintf(err, errlen, "cannot start libnet: %s",
		    ebuf[0] ? ebuf : "unknown libnet error");
		free(b);
		return NULL;
	}
	return b;
}

void
ht_probe_builder_free(struct ht_probe_builder *b)
{
	if (b == NULL)
		return;
	libnet_destroy(b->l);
	free(b);
}

/* Is d's protocol one we build, over d's family? */
static int
proto_ok(const struct ht_probe_desc *d)
{
	switch (d->proto) {
	case HT_PROTO_UDP:
	case HT_PROTO_TCP:
		return 1;
	case HT_PROTO_ICMP:
		return d->dst.af == 4;
	case HT_PROTO_ICMP6:
		return d->dst.af == 6;
	default:
		return 0;
	}
}

/*
 * The transport header's pblock; its length with the payload in *l4len,
 * where its checksum is in *ck.
 */
static libnet_ptag_t
build_l4(struct ht_probe_builder *b, const struct ht_probe_desc *d,
    uint32_t *l4len, size_t *ck)
{
	const uint8_t *pl = d->plen ? d->payload : NULL;
	uint32_t plen = d->plen;
	libnet_t *l = b->l;

	switch (d->proto) {
	case HT_PROTO_UDP:
		*l4len = LIBNET_UDP_H + plen;
		*ck = 6;
		return libnet_build_udp(d->ident, d->port, (uint16_t)*l4len, 0,
		    pl, plen, l, b->t_l4);
	case HT_PROTO_TCP:
		*l4len = LIBNET_TCP_H + plen;
		*ck = 16;
		return libnet_build_tcp(d->ident, d->port, d->tcp_seq, 0,
		    TH_SYN, 5840, 0, 0, (uint16_t)*l4len, pl, plen, l, b->t_l4);
	case HT_PROTO_ICMP6:
		*l4len = LIBNET_ICMPV6_ECHO_H + plen;
		*ck = 2;
		if (plen != 0)
			memcpy(b->pl6, d->payload, plen);
		return libnet_build_icmpv6_echo(ICMP6_ECHO_REQUEST, 0, 0,
		    d->ident, d->seq, plen ? b->pl6 : NULL, plen, l, b->t_l4);
	default:
		*l4len = LIBNET_ICMPV4_ECHO_H + plen;
		*ck = 2;
		return libnet_build_icmpv4_echo(ICMP_ECHO, 0, 0, d->ident,
		    d->seq, pl, plen, l, b->t_l4);
	}
}

/* The IP header's pblock, above l4len bytes of proto. */
static libnet_ptag_t
build_ip(struct ht_probe_builder *b, const struct ht_probe_desc *d,
    uint32_t l4len)
{
	if (d->dst.af == 6) {
		struct libnet_in6_addr s6, d6;

		memcpy(&s6, d->src.a, 16);
		memcpy(&d6, d->dst.a, 16);
		return libnet_build_ipv6(0, 0, (uint16_t)l4len, d->proto,
		    d->ttl, s6, d6, NULL, 0, b->l, b->t_ip);
	} else {
		uint32_t s4, d4;

		memcpy(&s4, d->src.a, 4);
		memcpy(&d4, d->dst.a, 4);
		return libnet_build_ipv4((uint16_t)(LIBNET_IPV4_H + l4len), 0,
		    d->ip_id, 0, d->ttl, d->proto, 0, s4, d4, NULL, 0, b->l,
		    b->t_ip);
	}
}

int
ht_probe_builder_build(struct ht_probe_builder *b,
    const struct ht_probe_desc *d, uint8_t *buf, size_t len, char *err,
    size_t errlen)
{
	size_t h = d->dst.af == 6 ? LIBNET_IPV6_H : LIBNET_IPV4_H, ck = 0;
	uint8_t *pkt = NULL;
	uint32_t n = 0, l4len = 0;

	if ((d->dst.af != 4 && d->dst.af != 6) || !proto_ok(d) ||
	    (d->plen != 0 && d->payload == NULL) ||
	    d->plen > sizeof(b->pl6)) {
		snprintf(err, errlen, "cannot build probe: IP protocol %u "
		    "over IPv%u, %u bytes of payload", d->proto, d->dst.af,
		    d->plen);
		return -1;
	}
	if (b->af != d->dst.af || b->proto != d->proto) {
		/* libnet reuses a ptag for a header of the same kind only */
		libnet_clear_packet(b->l);
		b->t_l4 = b->t_ip = LIBNET_PTAG_INITIALIZER;
		b->af = d->dst.af;
		b->proto = d->proto;
	}
	if ((b->t_l4 = build_l4(b, d, &l4len, &ck)) == -1 ||
	    (b->t_ip = build_ip(b, d, l4len)) == -1 ||
	    libnet_pblock_coalesce(b->l, &pkt, &n) < 0) {
		snprintf(err, errlen, "cannot build probe: %s",
		    libnet_geterror(b->l));
		b->af = 0;	/* start afresh */
		return -1;
	}
	if (n > len || n != h + l4len) {
		libnet_adv_free_packet(b->l, pkt);
		snprintf(err, errlen, "probe of %u bytes: no room", n);
		return -1;
	}
	memcpy(buf, pkt, n);
	libnet_adv_free_packet(b->l, pkt);
	/* the payload's first word makes the checksum asked for right */
	if (d->cksum_set && (d->plen < 2 || ht_cksum_force(buf, n, h + ck,
	    h + l4len - d->plen, d->cksum) < 0)) {
		snprintf(err, errlen, "cannot set the checksum: no payload "
		    "word");
		return -1;
	}
	if (d->dst.af == 6) {
		buf[1] = (uint8_t)((buf[1] & 0xf0) | (d->flow >> 16 & 0x0f));
		buf[2] = (uint8_t)(d->flow >> 8);
		buf[3] = (uint8_t)d->flow;
	}
	return (int)n;
}

int
ht_probe_build(const struct ht_probe_desc *d, uint8_t *buf, size_t len,
    char *err, size_t errlen)
{
	struct ht_probe_builder *b;
	int n;

	if ((b = ht_probe_builder_new(err, errlen)) == NULL)
		return -1;
	n = ht_probe_builder_build(b, d, buf, len, err, errlen);
	ht_probe_builder_free(b);
	return n;
}
