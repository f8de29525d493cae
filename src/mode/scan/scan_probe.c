/* \summary: a scan's probes: described, built and sent to any target */
/*
 * The fields of scan_match.h in a probe description (wire/probe.h): the
 * one builder makes the bytes, the checksum field forced to the time it
 * carries by the payload's first word (ICMP, UDP); a raw IP socket of
 * io/prober.h sends them, to a new destination each time.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/prober.h"
#include "mode/scan/scan_match.h"
#include "mode/scan/scan_probe.h"
#include "wire/decode.h"
#include "wire/probe.h"

#define PAYLOAD_MAX	256

struct ht_scan_prober {
	struct ht_sender s;
	struct ht_addr src;
	uint8_t proto;		/* HT_PROTO_UDP, HT_PROTO_TCP, 0: ICMP */
	uint16_t ident, port, plen;
	uint8_t payload[PAYLOAD_MAX];
};

struct ht_scan_prober *
ht_scan_prober_open(const struct ht_addr *src, const char *dev,
    uint8_t proto, uint16_t ident, uint16_t port, uint16_t payload, int dry,
    char *err, size_t errlen)
{
	struct ht_scan_prober *pr;

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
	ht_probe_fill(pr->payload, pr->plen);
	/* the first word, 0, is made to fit the checksum */
	pr->payload[0] = pr->payload[1] = 0;
	if (ht_sender_open(&pr->s, src->af, dev, 1, dry, err, errlen) < 0) {
		free(pr);
		return NULL;
	}
	return pr;
}

void
ht_scan_prober_desc(const struct ht_scan_prober *pr,
    const struct ht_addr *dst, uint8_t ttl, ht_ns now,
    struct ht_probe_desc *dp)
{
	struct ht_probe_desc d;
	struct ht_scan_fields f;

	memset(&d, 0, sizeof(d));
	d.proto = pr->proto != 0 ? pr->proto : dst->af == 6 ?
	    HT_PROTO_ICMP6 : HT_PROTO_ICMP;
	ht_scan_encode_l4(d.proto, dst, ttl, now, pr->ident, pr->port, &f);
	d.src = pr->src;
	d.dst = *dst;
	d.ttl = ttl;
	d.ip_id = (uint16_t)f.check;
	d.flow = f.check;
	d.ident = pr->ident;
	d.port = f.dport;
	d.seq = f.seq;
	d.tcp_seq = f.tseq;
	if (pr->proto != HT_PROTO_TCP) {
		/* the checksum carries time */
		d.cksum_set = 1;
		d.cksum = f.cksum;
		d.payload = pr->payload;
		d.plen = pr->plen;
	}
	*dp = d;
}

int
ht_scan_prober_build(struct ht_scan_prober *pr, const struct ht_addr *dst,
    uint8_t ttl, ht_ns now, uint8_t *buf, size_t len, char *err,
    size_t errlen)
{
	struct ht_probe_desc d;

	ht_scan_prober_desc(pr, dst, ttl, now, &d);
	return ht_probe_builder_build(pr->s.b, &d, buf, len, err, errlen);
}

int
ht_scan_prober_send(struct ht_scan_prober *pr, const struct ht_addr *dst,
    const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	if (ht_sender_send(&pr->s, dst, 0, buf, len, err, errlen) == 0)
		return 0;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)
		return 1;
	/* no route, a firewall's refusal, a broadcast address: this
	 * target's, not the run's */
	if (errno == ENETUNREACH || errno == EHOSTUNREACH || errno == EPERM ||
	    errno == EACCES)
		return 2;
	return -1;
}

void
ht_scan_prober_close(struct ht_scan_prober *pr)
{
	if (pr == NULL)
		return;
	ht_sender_close(&pr->s);
	free(pr);
}
