/* \summary: libnet: build and send ICMP echo, UDP and TCP SYN probes */
/*
 * One libnet context per run, of type LIBNET_NONE: libnet builds, it does
 * not send.  Each probe rebuilds the same pblocks by ptag (libnet_build_*
 * with the ptag of the previous call) and takes the wire bytes with
 * libnet_pblock_coalesce(); a raw IP socket of our own (IPPROTO_RAW, so the
 * kernel takes our IP header as it is) sends them, so the bytes the caller
 * records are the bytes sent.
 *
 * Why not libnet's own writers: LIBNET_LINK opens a packet socket, whose
 * close() waits for an RCU grace period (synchronize_net() in af_packet's
 * release: 8-40 ms on some machines, see bench/sockcost.c), and libnet
 * 1.1.6's RAW4/RAW6 grow SO_SNDBUF 128 bytes at a time to 1 MiB (~6,500
 * setsockopt calls, ~9 ms).  A raw IP socket opens and closes in tens of
 * microseconds; its default send buffer holds hundreds of probes.
 *
 * Probe identity: ICMP identifier = cfg->ident, sequence = seq0 + k;
 * IPv4 ID = sequence (0xffff for 0, which the raw socket would replace).  UDP: source port = ident, destination port =
 * port + k (classic) or port (Paris, the checksum then carries k).  TCP:
 * source port = ident, destination port = port, sequence number carries k;
 * its flow never changes, so TCP probes are always Paris-style.  ICMP with
 * cksum_flow (MDA): the checksum is port, the flow a balancer that hashes
 * the first four bytes of the transport header sees (Augustin et al.,
 * "Avoiding traceroute anomalies with Paris traceroute", IMC 2006), and the
 * payload's first word is set so that the checksum comes out so.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <sys/socket.h>
#include <netinet/in.h>
#include <errno.h>
#include <libnet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/prober.h"

struct ht_prober {
	libnet_t *l;
	struct ht_probe_cfg cfg;
	int fd;			/* raw IP socket, -1 when dry */
	struct sockaddr_storage to;
	socklen_t tolen;
	libnet_ptag_t t_l4, t_ip;
	uint16_t icmp_flow;	/* ICMP Paris: the checksum's offset (flows) */
	uint8_t payload[HT_PROBE_MAX];
};

/* The raw socket that sends our IP packets as built (privileged). */
static int
raw_open(struct ht_prober *pr, char *err, size_t errlen)
{
	const struct ht_probe_cfg *c = &pr->cfg;
	int af = c->dst.af == 6 ? AF_INET6 : AF_INET;

	memset(&pr->to, 0, sizeof(pr->to));
	if (af == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&pr->to;

		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, c->dst.a, 16);
		/* a link-local destination needs its interface */
		s6->sin6_scope_id = (uint32_t)c->ifindex;
		pr->tolen = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&pr->to;

		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, c->dst.a, 4);
		pr->tolen = sizeof(*s4);
	}
	/*
	 * IPPROTO_RAW implies IP_HDRINCL (IPv4) and IPV6_HDRINCL (IPv6,
	 * Linux 4.5 and later): the kernel sends our header, filling in only
	 * the IPv4 total length and checksum (equal to ours) and an IPv4 ID
	 * of 0 (build() never writes one).
	 */
	if ((pr->fd = socket(af, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW)) < 0) {
		snprintf(err, errlen, "cannot open raw socket: %s%s",
		    strerror(errno), errno == EPERM || errno == EACCES ?
		    " (run as root or with cap_net_raw)" : "");
		return -1;
	}
	if (c->dev != NULL && setsockopt(pr->fd, SOL_SOCKET, SO_BINDTODEVICE,
	    c->dev, (socklen_t)strlen(c->dev) + 1) < 0) {
		snprintf(err, errlen, "cannot send on %s: %s", c->dev,
		    strerror(errno));
		close(pr->fd);
		pr->fd = -1;
		return -1;
	}
	return 0;
}

struct ht_prober *
ht_prober_open(const struct ht_probe_cfg *cfg, char *err, size_t errlen)
{
	char ebuf[LIBNET_ERRBUF_SIZE];
	struct ht_prober *pr;
	size_t i;

	if ((pr = calloc(1, sizeof(*pr))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pr->cfg = *cfg;
	pr->fd = -1;
	if (cfg->payload > sizeof(pr->payload) - 60)
		pr->cfg.payload = sizeof(pr->payload) - 60;
	for (i = 0; i < pr->cfg.payload; i++)
		pr->payload[i] = (uint8_t)(0x40 + i % 32);
	if (!cfg->dry && raw_open(pr, err, errlen) < 0) {
		free(pr);
		return NULL;
	}
	ebuf[0] = '\0';
	if ((pr->l = libnet_init(LIBNET_NONE, NULL, ebuf)) == NULL) {
		snprintf(err, errlen, "cannot start libnet: %s",
		    ebuf[0] ? ebuf : "unknown libnet error");
		if (pr->fd >= 0)
			close(pr->fd);
		free(pr);
		return NULL;
	}
	return pr;
}

/* Ones' complement addition (RFC 1071): the carry goes round. */
static uint16_t
oc_add(uint16_t a, uint16_t b)
{
	uint32_t s = (uint32_t)a + b;

	return (uint16_t)((s & 0xffff) + (s >> 16));
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
		uint16_t w = c->method != HT_METHOD_ICMP ? (uint16_t)(k + 1) :
		    pr->icmp_flow == 0 ? (uint16_t)~seq :
		    oc_add((uint16_t)~seq, (uint16_t)~pr->icmp_flow);

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
		    0, seq != 0 ? seq : 0xffff, 0, ttl, proto, 0, s4, d4, NULL,
		    0, l, pr->t_ip);
	}
	if (pr->t_ip == -1)
		return -1;
	return 0;
}

/*
 * Make the ICMP checksum at off + 2 equal to want by changing the payload's
 * first word at off + 8 (RFC 1624's incremental update solved for the new
 * word: ~want = ~HC + ~m + m', so m' = ~want + HC + m).  want 0 and 0xffff
 * are refused: the one's complement zero has two forms.
 */
static int
cksum_set(uint8_t *f, size_t len, size_t off, uint16_t want)
{
	uint16_t hc, m, m2;

	if (want == 0 || want == 0xffff || len < off + 10)
		return -1;
	hc = (uint16_t)(f[off + 2] << 8 | f[off + 3]);
	m = (uint16_t)(f[off + 8] << 8 | f[off + 9]);
	m2 = oc_add(oc_add((uint16_t)~want, hc), m);
	f[off + 8] = (uint8_t)(m2 >> 8);
	f[off + 9] = (uint8_t)m2;
	f[off + 2] = (uint8_t)(want >> 8);
	f[off + 3] = (uint8_t)want;
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
	if (len > framelen) {
		libnet_adv_free_packet(pr->l, pkt);
		snprintf(err, errlen, "probe too large");
		return -1;
	}
	memcpy(frame, pkt, len);
	libnet_adv_free_packet(pr->l, pkt);
	*ipoff = 0;		/* an IP packet, no link header */
	if (pr->cfg.method == HT_METHOD_ICMP && pr->cfg.paris &&
	    pr->cfg.cksum_flow && cksum_set(frame, len, pr->cfg.dst.af == 6 ?
	    40 : 20, pr->cfg.port) < 0) {
		snprintf(err, errlen, "cannot set the ICMP checksum");
		return -1;
	}
	return (int)len;
}

int
ht_prober_write(struct ht_prober *pr, const uint8_t *frame, size_t len,
    char *err, size_t errlen)
{
	ssize_t n;

	if (pr->cfg.dry)
		return 0;
	do
		n = sendto(pr->fd, frame, len, 0,
		    (const struct sockaddr *)&pr->to, pr->tolen);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)len) {
		snprintf(err, errlen, "cannot send probe: %s",
		    n < 0 ? strerror(errno) : "short write");
		return -1;
	}
	return 0;
}

void
ht_prober_set_port(struct ht_prober *pr, uint16_t port)
{
	pr->cfg.port = port;
}

void
ht_prober_set_icmp_flow(struct ht_prober *pr, uint16_t flow)
{
	pr->icmp_flow = flow;
}

void
ht_prober_close(struct ht_prober *pr)
{
	if (pr == NULL)
		return;
	if (pr->fd >= 0)
		close(pr->fd);
	libnet_destroy(pr->l);
	free(pr);
}
