/* \summary: libnet: build and send ICMP echo, UDP and TCP SYN probes */
/*
 * One libnet context per run; each probe rebuilds the same pblocks by ptag
 * (libnet_build_* with the ptag of the previous call), takes the wire bytes
 * with libnet_pblock_coalesce() and writes them with the raw writer, so the
 * bytes the caller records are the bytes sent.
 *
 * Probe identity: ICMP identifier = cfg->ident, sequence = seq0 + k;
 * IPv4 ID = sequence.  UDP: source port = ident, destination port =
 * port + k (classic) or port (Paris, the checksum then carries k).  TCP:
 * source port = ident, destination port = port, sequence number carries k;
 * its flow never changes, so TCP probes are always Paris-style.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <sys/socket.h>
#include <errno.h>
#include <libnet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"

struct ht_prober {
	libnet_t *l;
	struct ht_probe_cfg cfg;
	int link;		/* Ethernet frames, not raw IP */
	libnet_ptag_t t_l4, t_ip, t_eth;
	uint8_t payload[HT_PROBE_MAX];
};

struct ht_prober *
ht_prober_open(const struct ht_probe_cfg *cfg, char *err, size_t errlen)
{
	char ebuf[LIBNET_ERRBUF_SIZE];
	struct ht_prober *pr;
	int inj;
	size_t i;

	if ((pr = calloc(1, sizeof(*pr))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pr->cfg = *cfg;
	if (cfg->payload > sizeof(pr->payload) - 60)
		pr->cfg.payload = sizeof(pr->payload) - 60;
	for (i = 0; i < pr->cfg.payload; i++)
		pr->payload[i] = (uint8_t)(0x40 + i % 32);
	/*
	 * Ethernet frames to the next hop's MAC (from the neighbour table)
	 * start in about a millisecond; libnet 1.1.6's raw IP sockets spend
	 * ~9 ms growing their send buffer.  Raw IP is the fallback.
	 */
	pr->link = !cfg->dry && cfg->link_dev != NULL;
	if (cfg->dry)
		inj = LIBNET_NONE;
	else if (pr->link)
		inj = LIBNET_LINK;
	else
		inj = cfg->dst.af == 6 ? LIBNET_RAW6 : LIBNET_RAW4;
	ebuf[0] = '\0';
	if ((pr->l = libnet_init(inj, pr->link ? cfg->link_dev : cfg->dev,
	    ebuf)) == NULL) {
		snprintf(err, errlen, "cannot open raw socket: %s",
		    ebuf[0] ? ebuf : "unknown libnet error");
		free(pr);
		return NULL;
	}
	if (!cfg->dry && !pr->link && cfg->dev != NULL && cfg->dst.af == 4) {
		/* libnet 1.1.6 RAW4 ignores the device: bind it ourselves. */
		if (setsockopt(libnet_getfd(pr->l), SOL_SOCKET,
		    SO_BINDTODEVICE, cfg->dev, (socklen_t)strlen(cfg->dev) + 1)
		    < 0) {
			snprintf(err, errlen, "cannot send on %s: %s", cfg->dev,
			    strerror(errno));
			libnet_destroy(pr->l);
			free(pr);
			return NULL;
		}
	}
	return pr;
}

static int
build(struct ht_prober *pr, uint32_t k, uint8_t ttl)
{
	const struct ht_probe_cfg *c = &pr->cfg;
	libnet_t *l = pr->l;
	uint16_t seq = (uint16_t)(c->ident * 7 + k + 1);
	uint32_t plen = c->payload, l4len;
	uint8_t *pl = plen ? pr->payload : NULL;
	uint8_t proto;

	if (c->paris && plen >= 2) {
		/*
		 * Paris: ICMP keeps its checksum constant (the payload's first
		 * word cancels the sequence number); UDP keeps its ports and
		 * tells probes apart by the checksum the payload word changes.
		 */
		uint16_t w = c->method == HT_METHOD_ICMP ?
		    (uint16_t)~seq : (uint16_t)(k + 1);

		pr->payload[0] = (uint8_t)(w >> 8);
		pr->payload[1] = (uint8_t)w;
	}
	switch (c->method) {
	case HT_METHOD_UDP:
		l4len = LIBNET_UDP_H + plen;
		proto = IPPROTO_UDP;
		pr->t_l4 = libnet_build_udp(c->ident,
		    (uint16_t)(c->paris ? c->port : c->port + k),
		    (uint16_t)l4len, 0, pl, plen, l, pr->t_l4);
		break;
	case HT_METHOD_TCP:
		l4len = LIBNET_TCP_H;
		proto = IPPROTO_TCP;
		plen = 0;
		pr->t_l4 = libnet_build_tcp(c->ident, c->port,
		    (uint32_t)k << 16 | seq, 0, TH_SYN, 5840, 0, 0,
		    LIBNET_TCP_H, NULL, 0, l, pr->t_l4);
		break;
	default:
		l4len = LIBNET_ICMPV4_ECHO_H + plen;
		if (c->dst.af == 6) {
			proto = IPPROTO_ICMPV6;
			pr->t_l4 = libnet_build_icmpv6_echo(ICMP6_ECHO_REQUEST,
			    0, 0, c->ident, seq, pl, plen, l, pr->t_l4);
		} else {
			proto = IPPROTO_ICMP;
			pr->t_l4 = libnet_build_icmpv4_echo(ICMP_ECHO, 0, 0,
			    c->ident, seq, pl, plen, l, pr->t_l4);
		}
		break;
	}
	if (pr->t_l4 == -1)
		return -1;
	if (c->dst.af == 6) {
		struct libnet_in6_addr s6, d6;

		memcpy(&s6, c->src.a, 16);
		memcpy(&d6, c->dst.a, 16);
		/* flow label 0: libnet 1.1.6 mis-shifts a non-zero one */
		pr->t_ip = libnet_build_ipv6(0, 0, (uint16_t)l4len, proto,
		    ttl, s6, d6, NULL, 0, l, pr->t_ip);
	} else {
		uint32_t s4, d4;

		memcpy(&s4, c->src.a, 4);
		memcpy(&d4, c->dst.a, 4);
		pr->t_ip = libnet_build_ipv4((uint16_t)(LIBNET_IPV4_H + l4len),
		    0, seq, 0, ttl, proto, 0, s4, d4, NULL, 0, l, pr->t_ip);
	}
	if (pr->t_ip == -1)
		return -1;
	if (pr->link) {
		pr->t_eth = libnet_build_ethernet(c->link_dst, c->link_src,
		    c->dst.af == 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IP, NULL, 0, l,
		    pr->t_eth);
		if (pr->t_eth == -1)
			return -1;
	}
	return 0;
}

int
ht_prober_build(struct ht_prober *pr, uint32_t k, uint8_t ttl, uint8_t *frame,
    size_t framelen, size_t *ipoff, char *err, size_t errlen)
{
	uint8_t *pkt = NULL;
	uint32_t len = 0;

	if (build(pr, k, ttl) < 0 ||
	    libnet_pblock_coalesce(pr->l, &pkt, &len) < 0) {
		snprintf(err, errlen, "cannot build probe: %s",
		    libnet_geterror(pr->l));
		return -1;
	}
	if (len > framelen || (pr->link && len <= LIBNET_ETH_H)) {
		libnet_adv_free_packet(pr->l, pkt);
		snprintf(err, errlen, "probe too large");
		return -1;
	}
	memcpy(frame, pkt, len);
	libnet_adv_free_packet(pr->l, pkt);
	/* the caller records the IP packet, without the Ethernet header */
	*ipoff = pr->link ? LIBNET_ETH_H : 0;
	return (int)len;
}

int
ht_prober_write(struct ht_prober *pr, const uint8_t *frame, size_t len,
    char *err, size_t errlen)
{
	int n;

	if (pr->cfg.dry)
		return 0;
	if (pr->link)
		n = libnet_write_link(pr->l, frame, (uint32_t)len);
	else if (pr->cfg.dst.af == 6)
		n = libnet_write_raw_ipv6(pr->l, frame, (uint32_t)len);
	else
		n = libnet_write_raw_ipv4(pr->l, frame, (uint32_t)len);
	if (n != (int)len) {
		snprintf(err, errlen, "cannot send probe: %s",
		    libnet_geterror(pr->l));
		return -1;
	}
	return 0;
}

void
ht_prober_close(struct ht_prober *pr)
{
	if (pr == NULL)
		return;
	libnet_destroy(pr->l);
	free(pr);
}
