/* \summary: a scan's probes: built with libnet, sent to any target */
/*
 * As probe.c does for one trace: a LIBNET_NONE context builds (the same
 * pblocks again by ptag for every probe), libnet_pblock_coalesce() gives
 * the wire bytes, and a raw IP socket of our own (IPPROTO_RAW: our header
 * goes as built) sends them, here to a new destination each time.  The
 * checksum and check fields of scan_match.h are put in afterwards: the
 * checksum field is set to the time it carries and the payload's first
 * word to what makes that checksum right; the IPv6 flow label is written
 * into the built header (libnet 1.1.6 mis-shifts one it is given).
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

#include "mode/scan/scan_match.h"
#include "mode/scan/scan_probe.h"
#include "wire/decode.h"

#define PAYLOAD_MAX	256

struct ht_scan_prober {
	libnet_t *l;
	struct ht_addr src;
	uint8_t proto;		/* HT_PROTO_UDP, HT_PROTO_TCP, 0: ICMP */
	uint16_t ident, port, plen;
	int fd;			/* raw IP socket, -1 when dry */
	libnet_ptag_t t_l4, t_ip;
	uint8_t payload[PAYLOAD_MAX];
};

struct ht_scan_prober *
ht_scan_prober_open(const struct ht_addr *src, const char *dev,
    uint8_t proto, uint16_t ident, uint16_t port, uint16_t payload, int dry,
    char *err, size_t errlen)
{
	char ebuf[LIBNET_ERRBUF_SIZE];
	struct ht_scan_prober *pr;
	size_t i;

	if ((pr = calloc(1, sizeof(*pr))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pr->src = *src;
	pr->proto = proto == HT_PROTO_UDP || proto == HT_PROTO_TCP ? proto : 0;
	pr->ident = ident;
	pr->port = port;
	pr->plen = payload < 2 ? 2 : payload > PAYLOAD_MAX ? PAYLOAD_MAX :
	    payload;
	pr->fd = -1;
	for (i = 2; i < pr->plen; i++)
		pr->payload[i] = (uint8_t)(0x40 + i % 32);
	if (!dry) {
		pr->fd = socket(src->af == 6 ? AF_INET6 : AF_INET,
		    SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_RAW);
		if (pr->fd < 0) {
			snprintf(err, errlen, "cannot open raw socket: %s%s",
			    strerror(errno), errno == EPERM || errno == EACCES ?
			    " (run as root or with cap_net_raw)" : "");
			free(pr);
			return NULL;
		}
		if (dev != NULL && setsockopt(pr->fd, SOL_SOCKET,
		    SO_BINDTODEVICE, dev, (socklen_t)strlen(dev) + 1) < 0) {
			snprintf(err, errlen, "cannot send on %s: %s", dev,
			    strerror(errno));
			close(pr->fd);
			free(pr);
			return NULL;
		}
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

/* The transport header's pblock, from f; its length with payload in *l4. */
static libnet_ptag_t
build_l4(struct ht_scan_prober *pr, int v6, const struct ht_scan_fields *f,
    uint32_t *l4)
{
	libnet_t *l = pr->l;
	uint32_t plen = pr->plen;

	switch (pr->proto) {
	case HT_PROTO_UDP:
		*l4 = LIBNET_UDP_H + plen;
		return libnet_build_udp(pr->ident, f->dport, (uint16_t)*l4, 0,
		    pr->payload, plen, l, pr->t_l4);
	case HT_PROTO_TCP:
		*l4 = LIBNET_TCP_H;
		return libnet_build_tcp(pr->ident, f->dport, f->tseq, 0, TH_SYN,
		    5840, 0, 0, LIBNET_TCP_H, NULL, 0, l, pr->t_l4);
	default:
		*l4 = LIBNET_ICMPV4_ECHO_H + plen;
		if (v6)
			return libnet_build_icmpv6_echo(ICMP6_ECHO_REQUEST, 0,
			    0, pr->ident, f->seq, pr->payload, plen, l,
			    pr->t_l4);
		return libnet_build_icmpv4_echo(ICMP_ECHO, 0, 0, pr->ident,
		    f->seq, pr->payload, plen, l, pr->t_l4);
	}
}

int
ht_scan_prober_build(struct ht_scan_prober *pr, const struct ht_addr *dst,
    uint8_t ttl, ht_ns now, uint8_t *buf, size_t len, char *err,
    size_t errlen)
{
	struct ht_scan_fields f;
	libnet_t *l = pr->l;
	uint8_t *pkt = NULL;
	uint32_t n = 0, l4 = 0;
	size_t h = dst->af == 6 ? 40 : 20, ck;
	uint16_t got, w;
	uint8_t proto = pr->proto != 0 ? pr->proto : dst->af == 6 ?
	    IPPROTO_ICMPV6 : IPPROTO_ICMP;

	ht_scan_encode_l4(proto, dst, ttl, now, pr->ident, pr->port, &f);
	pr->payload[0] = pr->payload[1] = 0;
	pr->t_l4 = build_l4(pr, dst->af == 6, &f, &l4);
	if (pr->t_l4 != -1 && dst->af == 6) {
		struct libnet_in6_addr s6, d6;

		memcpy(&s6, pr->src.a, 16);
		memcpy(&d6, dst->a, 16);
		pr->t_ip = libnet_build_ipv6(0, 0, (uint16_t)l4, proto, ttl,
		    s6, d6, NULL, 0, l, pr->t_ip);
	} else if (pr->t_l4 != -1) {
		uint32_t s4, d4;

		memcpy(&s4, pr->src.a, 4);
		memcpy(&d4, dst->a, 4);
		pr->t_ip = libnet_build_ipv4((uint16_t)(LIBNET_IPV4_H + l4), 0,
		    (uint16_t)f.check, 0, ttl, proto, 0, s4, d4, NULL, 0, l,
		    pr->t_ip);
	}
	if (pr->t_l4 == -1 || pr->t_ip == -1 ||
	    libnet_pblock_coalesce(l, &pkt, &n) < 0) {
		snprintf(err, errlen, "cannot build probe: %s",
		    libnet_geterror(l));
		return -1;
	}
	if (n > len || n < h + l4) {
		libnet_adv_free_packet(l, pkt);
		snprintf(err, errlen, "probe of %u bytes: no room", n);
		return -1;
	}
	memcpy(buf, pkt, n);
	libnet_adv_free_packet(l, pkt);
	if (pr->proto != HT_PROTO_TCP) {
		/* the checksum carries time; the first payload word fits it */
		ck = h + (pr->proto == HT_PROTO_UDP ? 6 : 2);
		got = (uint16_t)(buf[ck] << 8 | buf[ck + 1]);
		w = ht_scan_fixup(got, f.cksum);
		buf[ck] = (uint8_t)(f.cksum >> 8);
		buf[ck + 1] = (uint8_t)f.cksum;
		buf[h + 8] = (uint8_t)(w >> 8);
		buf[h + 9] = (uint8_t)w;
	}
	if (dst->af == 6) {
		buf[1] = (uint8_t)((buf[1] & 0xf0) | (f.check >> 16 & 0x0f));
		buf[2] = (uint8_t)(f.check >> 8);
		buf[3] = (uint8_t)f.check;
	}
	return (int)n;
}

int
ht_scan_prober_send(struct ht_scan_prober *pr, const struct ht_addr *dst,
    const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	ssize_t n;

	if (pr->fd < 0)
		return 0;
	memset(&ss, 0, sizeof(ss));
	if (dst->af == 6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, dst->a, 16);
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, dst->a, 4);
		sl = sizeof(*s4);
	}
	do
		n = sendto(pr->fd, buf, len, 0, (struct sockaddr *)&ss, sl);
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == ENOBUFS))
		return 1;
	/* no route, a firewall's refusal, a broadcast address: this
	 * target's, not the run's */
	if (n < 0 && (errno == ENETUNREACH || errno == EHOSTUNREACH ||
	    errno == EPERM || errno == EACCES))
		return 2;
	if (n != (ssize_t)len) {
		snprintf(err, errlen, "cannot send probe: %s",
		    n < 0 ? strerror(errno) : "short write");
		return -1;
	}
	return 0;
}

void
ht_scan_prober_close(struct ht_scan_prober *pr)
{
	if (pr == NULL)
		return;
	if (pr->fd >= 0)
		close(pr->fd);
	libnet_destroy(pr->l);
	free(pr);
}
