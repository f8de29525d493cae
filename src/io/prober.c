/* \summary: send probes: raw IP sockets, and a trace's probes described */
/*
 * The one builder of wire/probe_build.c makes the bytes; a raw IP socket
 * of our own (IPPROTO_RAW, so the kernel takes our IP header as it is)
 * sends them, so the bytes the caller records are the bytes sent.
 *
 * Why not libnet's own writers: LIBNET_LINK opens a packet socket, whose
 * close() waits for an RCU grace period (synchronize_net() in af_packet's
 * release: 8-40 ms on some machines, see bench/sockcost.c), and libnet
 * 1.1.6's RAW4/RAW6 grow SO_SNDBUF 128 bytes at a time to 1 MiB (~6,500
 * setsockopt calls, ~9 ms).  A raw IP socket opens and closes in tens of
 * microseconds; its default send buffer holds hundreds of probes.
 *
 * A trace's probe k (ht_prober_build) is described so: ICMP identifier =
 * cfg->ident, sequence = seq0 + k; IPv4 ID = sequence (0xffff for 0, which
 * the raw socket would replace).  UDP: source port = ident, destination
 * port = port + k (classic) or port (Paris, the checksum then carries k).
 * TCP: source port = ident, destination port = port, sequence number
 * carries k; its flow never changes, so TCP probes are always Paris-style.
 * ICMP Paris: the payload's first word keeps the checksum constant
 * (ht_cksum_paris), shifted by the flow of ht_prober_set_icmp_flow.  ICMP
 * with cksum_flow (MDA): the checksum is port, the flow a balancer that
 * hashes the first four bytes of the transport header sees (Augustin et
 * al., "Avoiding traceroute anomalies with Paris traceroute", IMC 2006),
 * forced by the same word.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <sys/socket.h>
#include <netinet/in.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/prober.h"
#include "io/route.h"
#include "wire/cksum.h"
#include "wire/decode.h"

struct ht_prober {
	struct ht_sender s;
	struct ht_probe_cfg cfg;
	uint16_t icmp_flow;	/* ICMP Paris: the checksum's offset (flows) */
	uint8_t payload[HT_PROBE_MAX];
};

static int
raw_open(int af, const char *dev, int nonblock, char *err, size_t errlen)
{
	int fd;

	/*
	 * IPPROTO_RAW implies IP_HDRINCL (IPv4) and IPV6_HDRINCL (IPv6,
	 * Linux 4.5 and later): the kernel sends our header, filling in only
	 * the IPv4 total length and checksum (equal to ours) and an IPv4 ID
	 * of 0 (our probes never carry one).
	 */
	fd = socket(af == 6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_CLOEXEC |
	    (nonblock ? SOCK_NONBLOCK : 0), IPPROTO_RAW);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open raw socket: %s%s",
		    strerror(errno), errno == EPERM || errno == EACCES ?
		    " (run as root or with cap_net_raw)" : "");
		return -1;
	}
	if (ht_route_bind(fd, dev, "cannot send on", err, errlen) < 0)
		return -1;
	return fd;
}

int
ht_sender_open(struct ht_sender *s, int af, const char *dev, int nonblock,
    int dry, char *err, size_t errlen)
{
	s->b = NULL;
	s->fd = -1;
	if (!dry && (s->fd = raw_open(af, dev, nonblock, err, errlen)) < 0)
		return -1;
	if ((s->b = ht_probe_builder_new(err, errlen)) == NULL) {
		ht_sender_close(s);
		return -1;
	}
	return 0;
}

int
ht_sender_send(const struct ht_sender *s, const struct ht_addr *dst,
    int ifindex, const uint8_t *pkt, size_t len, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	ssize_t n;
	int e;

	if (s->fd < 0)
		return 0;	/* dry */
	memset(&ss, 0, sizeof(ss));
	if (dst->af == 6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, dst->a, 16);
		/* a link-local destination needs its interface */
		s6->sin6_scope_id = (uint32_t)ifindex;
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, dst->a, 4);
		sl = sizeof(*s4);
	}
	do
		n = sendto(s->fd, pkt, len, 0, (const struct sockaddr *)&ss,
		    sl);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)len)
		return 0;
	e = n < 0 ? errno : 0;
	snprintf(err, errlen, "cannot send probe: %s",
	    e != 0 ? strerror(e) : "short write");
	errno = e;
	return -1;
}

void
ht_sender_close(struct ht_sender *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	ht_probe_builder_free(s->b);
	s->b = NULL;
}

struct ht_prober *
ht_prober_open(const struct ht_probe_cfg *cfg, char *err, size_t errlen)
{
	struct ht_prober *pr;

	if ((pr = calloc(1, sizeof(*pr))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pr->cfg = *cfg;
	if (cfg->payload > sizeof(pr->payload) - 60)
		pr->cfg.payload = sizeof(pr->payload) - 60;
	ht_probe_fill(pr->payload, pr->cfg.payload);
	if (ht_sender_open(&pr->s, cfg->dst.af, cfg->dev, 0, cfg->dry, err,
	    errlen) < 0) {
		free(pr);
		return NULL;
	}
	return pr;
}

/* Probe k at ttl, as the comment on top says. */
static void
describe(struct ht_prober *pr, uint32_t k, uint8_t ttl,
    struct ht_probe_desc *d)
{
	const struct ht_probe_cfg *c = &pr->cfg;
	uint16_t seq = (uint16_t)(c->ident * 7 + k + 1), w;

	memset(d, 0, sizeof(*d));
	d->src = c->src;
	d->dst = c->dst;
	d->ttl = ttl;
	d->ip_id = seq != 0 ? seq : 0xffff;
	d->ident = c->ident;
	d->port = c->port;
	d->payload = pr->payload;
	d->plen = c->payload;
	if (c->paris && d->plen >= 2) {
		/*
		 * Paris: ICMP keeps its checksum constant; UDP keeps its
		 * ports and tells probes apart by the checksum the payload
		 * word changes.
		 */
		w = c->method != HT_METHOD_ICMP ? (uint16_t)(k + 1) :
		    ht_cksum_paris(seq, pr->icmp_flow);
		pr->payload[0] = (uint8_t)(w >> 8);
		pr->payload[1] = (uint8_t)w;
	}
	switch (c->method) {
	case HT_METHOD_UDP:
		d->proto = HT_PROTO_UDP;
		if (!c->paris)
			d->port = (uint16_t)(c->port + k);
		break;
	case HT_METHOD_TCP:
		d->proto = HT_PROTO_TCP;
		d->tcp_seq = (uint32_t)k << 16 | seq;
		d->payload = NULL;
		d->plen = 0;
		break;
	default:
		d->proto = c->dst.af == 6 ? HT_PROTO_ICMP6 : HT_PROTO_ICMP;
		d->seq = seq;
		d->cksum_set = c->paris && c->cksum_flow;
		d->cksum = c->port;
		break;
	}
}

int
ht_prober_build(struct ht_prober *pr, uint32_t k, uint8_t ttl, uint8_t *frame,
    size_t framelen, size_t *ipoff, char *err, size_t errlen)
{
	struct ht_probe_desc d;
	int n;

	describe(pr, k, ttl, &d);
	/*
	 * The MDA flow is the checksum: not 0 nor 0xffff, the two forms of
	 * the ones' complement zero
	 */
	if (d.cksum_set && (d.cksum == 0 || d.cksum == 0xffff ||
	    d.plen < 2)) {
		snprintf(err, errlen, "cannot set the ICMP checksum");
		return -1;
	}
	if ((n = ht_probe_builder_build(pr->s.b, &d, frame, framelen, err,
	    errlen)) < 0)
		return -1;
	*ipoff = 0;		/* an IP packet, no link header */
	return n;
}

int
ht_prober_write(struct ht_prober *pr, const uint8_t *frame, size_t len,
    char *err, size_t errlen)
{
	return ht_sender_send(&pr->s, &pr->cfg.dst, pr->cfg.ifindex, frame,
	    len, err, errlen);
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
	ht_sender_close(&pr->s);
	free(pr);
}
