/* \summary: a scan's stateless probe encoding and its matcher */
/*
 * The encoding is described in scan_match.h.  The matcher keeps no state:
 * all it needs is in the reply (the quoted probe, or an echo reply's
 * repeated fields) and the reply's capture time.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <string.h>

#include "scan/scan_match.h"

void
ht_scan_encode(const struct ht_addr *dst, uint8_t ttl, ht_ns now,
    uint16_t ident, struct ht_scan_fields *f)
{
	uint32_t t = (uint32_t)((now / 1000) % HT_SCAN_TMOD);

	f->seq = (uint16_t)((uint32_t)ttl << 8 | t / 65535u);
	f->cksum = (uint16_t)(t % 65535u);
	f->check = ht_scan_check(dst, f->seq, f->cksum, ident);
}

uint32_t
ht_scan_check(const struct ht_addr *dst, uint16_t seq, uint16_t cksum,
    uint16_t ident)
{
	uint32_t h = ht_addr_hash(dst, (uint32_t)seq << 16 | cksum);

	h = ht_addr_hash(dst, h ^ (uint32_t)ident * 0x9e3779b1u);
	h ^= h >> 15;
	h *= 0x2c1b3c6du;
	h ^= h >> 12;
	if (dst->af == 6)
		return h & 0xfffff;
	h = (h ^ h >> 16) & 0xffff;
	return h != 0 ? h : 1;	/* an IPv4 ID of 0 the kernel would replace */
}

uint16_t
ht_scan_fixup(uint16_t got, uint16_t want)
{
	uint32_t s = (uint32_t)(uint16_t)~want + got;

	return (uint16_t)((s & 0xffff) + (s >> 16));
}

uint16_t
ht_scan_request_cksum(int af, uint16_t reply_cksum)
{
	/*
	 * One's complement sums are sums modulo 65535, and a checksum is the
	 * sum's negation.  The reply's type word is the request's less
	 * 0x0800 (ICMP: 8 -> 0) or plus 0x0100 (ICMPv6: 128 -> 129); the
	 * rest is the same (ICMPv6's pseudo-header swaps the addresses, which
	 * does not change the sum).  Our checksums are below 65535, so the
	 * remainder is the value.
	 */
	if (af == 6)
		return (uint16_t)(((uint32_t)reply_cksum + 0x0100) % 65535u);
	return (uint16_t)(((uint32_t)reply_cksum + 65535u - 0x0800) % 65535u);
}

/* The microseconds from a time stamp t (mod HT_SCAN_TMOD) to ts. */
static ht_ns
rtt_of(uint16_t seq, uint16_t cksum, ht_ns ts)
{
	uint32_t t = (uint32_t)(seq & 0xff) * 65535u + cksum;
	uint32_t c = (uint32_t)((ts / 1000) % HT_SCAN_TMOD);

	return (ht_ns)((c + HT_SCAN_TMOD - t) % HT_SCAN_TMOD) * 1000;
}

static int
is_echo(int af, uint8_t type)
{
	return type == (af == 6 ? HT_ICMP6_ECHO : HT_ICMP_ECHO);
}

enum ht_scan_what
ht_scan_match(const struct ht_pkt *pkt, ht_ns ts,
    int (*ident_ok)(uint16_t, void *), void *arg, struct ht_scan_row *row)
{
	const struct ht_l4 *q;
	int af = pkt->ip.src.af;
	uint8_t icmp = af == 6 ? HT_PROTO_ICMP6 : HT_PROTO_ICMP;

	memset(row, 0, sizeof(*row));
	switch (pkt->kind) {
	case HT_PKT_PROBE:
		if (pkt->ip.proto != icmp || pkt->l4.have < 8 ||
		    !is_echo(af, pkt->l4.type) ||
		    pkt->ip.id != ht_scan_check(&pkt->ip.dst, pkt->l4.seq,
		    pkt->l4.cksum, pkt->l4.id))
			return HT_SCAN_NONE;
		row->src = pkt->ip.src;
		row->target = pkt->ip.dst;
		row->ttl = (uint8_t)(pkt->l4.seq >> 8);
		row->qttl = pkt->ip.ttl;
		row->ident = pkt->l4.id;
		row->ts = ts;
		return HT_SCAN_PROBE;
	case HT_PKT_ERROR:
		q = &pkt->ql4;
		if (pkt->qip.proto != icmp || q->have < 8 ||
		    !is_echo(af, q->type))
			return HT_SCAN_NONE;
		if (pkt->qip.id != ht_scan_check(&pkt->qip.dst, q->seq,
		    q->cksum, q->id))
			return ident_ok(q->id, arg) ? HT_SCAN_BAD :
			    HT_SCAN_NONE;
		row->src = pkt->qip.src;
		row->target = pkt->qip.dst;
		row->ttl = (uint8_t)(q->seq >> 8);
		row->qttl = pkt->qip.ttl;
		row->ident = q->id;
		row->kind = pkt->l4.type == (af == 6 ? HT_ICMP6_TIMXCEED :
		    HT_ICMP_TIMXCEED) ? HT_R_TIMEX : HT_R_UNREACH;
		row->rtt = rtt_of(q->seq, q->cksum, ts);
		break;
	case HT_PKT_ECHOREPLY:
		if (pkt->l4.have < 8 || !ident_ok(pkt->l4.id, arg))
			return HT_SCAN_NONE;
		row->src = pkt->ip.dst;
		row->target = pkt->ip.src;
		row->ttl = (uint8_t)(pkt->l4.seq >> 8);
		row->ident = pkt->l4.id;
		row->kind = HT_R_ECHO;
		row->rtt = rtt_of(pkt->l4.seq, ht_scan_request_cksum(af,
		    pkt->l4.cksum), ts);
		break;
	default:
		return HT_SCAN_NONE;
	}
	if (row->ttl == 0)
		return HT_SCAN_BAD;
	row->from = pkt->ip.src;
	row->rttl = pkt->ip.ttl;
	row->type = pkt->l4.type;
	row->code = pkt->l4.code;
	row->rsize = pkt->ip.len;
	row->ts = ts;
	return HT_SCAN_REPLY;
}
