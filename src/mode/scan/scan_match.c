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

#include "mode/scan/scan_match.h"

void
ht_scan_encode(const struct ht_addr *dst, uint8_t ttl, ht_ns now,
    uint16_t ident, struct ht_scan_fields *f)
{
	uint32_t t = (uint32_t)((now / 1000) % HT_SCAN_TMOD);

	memset(f, 0, sizeof(*f));
	f->seq = (uint16_t)((uint32_t)ttl << 8 | t / 65535u);
	f->cksum = (uint16_t)(t % 65535u);
	f->check = ht_scan_check(dst, f->seq, f->cksum, ident);
}

void
ht_scan_encode_l4(uint8_t proto, const struct ht_addr *dst, uint8_t ttl,
    ht_ns now, uint16_t ident, uint16_t port, struct ht_scan_fields *f)
{
	uint32_t t = (uint32_t)((now / 1000) % HT_SCAN_TMOD);

	memset(f, 0, sizeof(*f));
	switch (proto) {
	case HT_PROTO_UDP:
		f->dport = (uint16_t)((port & 0xfc00) |
		    ht_scan_port_check(dst, ident));
		f->check = (uint32_t)ttl << 8 | t / 65535u;
		f->cksum = (uint16_t)(t % 65535u + 1);
		break;
	case HT_PROTO_TCP:
		f->dport = port;
		f->tseq = (uint32_t)ttl << 24 | t;
		f->check = ht_scan_check(dst, (uint16_t)(f->tseq >> 16),
		    (uint16_t)f->tseq, ident);
		break;
	default:
		ht_scan_encode(dst, ttl, now, ident, f);
	}
}

uint16_t
ht_scan_port_check(const struct ht_addr *dst, uint16_t ident)
{
	return (uint16_t)(ht_scan_check(dst, HT_PROTO_UDP, 0, ident) & 0x3ff);
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

/* The time from a time stamp t (microseconds mod HT_SCAN_TMOD) to ts. */
static ht_ns
rtt_t(uint32_t t, ht_ns ts)
{
	uint32_t c = (uint32_t)((ts / 1000) % HT_SCAN_TMOD);

	t %= HT_SCAN_TMOD;
	return (ht_ns)((c + HT_SCAN_TMOD - t) % HT_SCAN_TMOD) * 1000;
}

/* ... from an ICMP probe's sequence number and checksum */
static ht_ns
rtt_of(uint16_t seq, uint16_t cksum, ht_ns ts)
{
	return rtt_t((uint32_t)(seq & 0xff) * 65535u + cksum, ts);
}

/* A UDP probe's (l4 its header, id its IP ID or flow label): 1 if ours. */
static int
udp_ours(const struct ht_addr *dst, const struct ht_l4 *l4, uint32_t id)
{
	return l4->have >= 8 && (l4->dport & 0x3ff) ==
	    ht_scan_port_check(dst, l4->sport) && l4->cksum != 0 &&
	    (id >> 8) != 0 && id <= 0xffff;
}

/* A TCP probe's: 1 if ours. */
static int
tcp_ours(const struct ht_addr *dst, const struct ht_l4 *l4, uint32_t id)
{
	return l4->have >= 8 && id == ht_scan_check(dst,
	    (uint16_t)(l4->tseq >> 16), (uint16_t)l4->tseq, l4->sport);
}

/*
 * A UDP or TCP probe (or the quote of one): 1 and its TTL and time stamp
 * in *row and *t if its fields pass the check, 0 if not.
 */
static int
l4_probe(uint8_t proto, const struct ht_ip *ip, const struct ht_l4 *l4,
    struct ht_scan_row *row, uint32_t *t)
{
	if (proto == HT_PROTO_UDP) {
		if (!udp_ours(&ip->dst, l4, ip->id))
			return 0;
		row->ttl = (uint8_t)(ip->id >> 8);
		*t = (ip->id & 0xff) * 65535u + (uint32_t)(l4->cksum - 1);
	} else {
		if (!tcp_ours(&ip->dst, l4, ip->id))
			return 0;
		row->ttl = (uint8_t)(l4->tseq >> 24);
		*t = l4->tseq & 0xffffff;
	}
	row->ident = l4->sport;
	row->proto = proto;
	return 1;
}

static int
is_echo(int af, uint8_t type)
{
	return type == (af == 6 ? HT_ICMP6_ECHO : HT_ICMP_ECHO);
}

/* An ICMP probe (echo request, or the quote of one) that passes the check */
static int
icmp_probe(int af, const struct ht_ip *ip, const struct ht_l4 *l4,
    struct ht_scan_row *row)
{
	if (l4->have < 8 || !is_echo(af, l4->type) ||
	    ip->id != ht_scan_check(&ip->dst, l4->seq, l4->cksum, l4->id))
		return 0;
	row->ttl = (uint8_t)(l4->seq >> 8);
	row->ident = l4->id;
	row->proto = ip->proto;
	return 1;
}

static enum ht_scan_what
match_probe(const struct ht_pkt *pkt, uint8_t icmp, ht_ns ts,
    struct ht_scan_row *row)
{
	uint32_t t;
	int ok;

	if (pkt->ip.proto == icmp)
		ok = icmp_probe(pkt->ip.src.af, &pkt->ip, &pkt->l4, row);
	else if (pkt->ip.proto == HT_PROTO_UDP ||
	    pkt->ip.proto == HT_PROTO_TCP)
		ok = l4_probe(pkt->ip.proto, &pkt->ip, &pkt->l4, row, &t);
	else
		ok = 0;
	if (!ok)
		return HT_SCAN_NONE;
	row->src = pkt->ip.src;
	row->target = pkt->ip.dst;
	row->qttl = pkt->ip.ttl;
	row->rsize = pkt->ip.len;
	row->ts = ts;
	return HT_SCAN_PROBE;
}

static enum ht_scan_what
match_error(const struct ht_pkt *pkt, uint8_t icmp, ht_ns ts,
    int (*ident_ok)(uint16_t, void *), void *arg, struct ht_scan_row *row)
{
	const struct ht_l4 *q = &pkt->ql4;
	int af = pkt->ip.src.af;
	uint32_t t;

	if (pkt->qip.proto == icmp) {
		if (q->have < 8 || !is_echo(af, q->type))
			return HT_SCAN_NONE;
		if (!icmp_probe(af, &pkt->qip, q, row))
			return ident_ok(q->id, arg) ? HT_SCAN_BAD :
			    HT_SCAN_NONE;
		row->rtt = rtt_of(q->seq, q->cksum, ts);
	} else if (pkt->qip.proto == HT_PROTO_UDP ||
	    pkt->qip.proto == HT_PROTO_TCP) {
		if (q->have < 8)
			return HT_SCAN_NONE;
		if (!l4_probe(pkt->qip.proto, &pkt->qip, q, row, &t))
			return ident_ok(q->sport, arg) ? HT_SCAN_BAD :
			    HT_SCAN_NONE;
		row->rtt = rtt_t(t, ts);
	} else
		return HT_SCAN_NONE;
	row->src = pkt->qip.src;
	row->target = pkt->qip.dst;
	row->qttl = pkt->qip.ttl;
	row->kind = pkt->l4.type == (af == 6 ? HT_ICMP6_TIMXCEED :
	    HT_ICMP_TIMXCEED) ? HT_R_TIMEX : HT_R_UNREACH;
	return HT_SCAN_REPLY;
}

enum ht_scan_what
ht_scan_match(const struct ht_pkt *pkt, ht_ns ts,
    int (*ident_ok)(uint16_t, void *), void *arg, struct ht_scan_row *row)
{
	int af = pkt->ip.src.af;
	uint8_t icmp = af == 6 ? HT_PROTO_ICMP6 : HT_PROTO_ICMP;
	enum ht_scan_what w;
	uint32_t a;

	memset(row, 0, sizeof(*row));
	switch (pkt->kind) {
	case HT_PKT_PROBE:
		return match_probe(pkt, icmp, ts, row);
	case HT_PKT_ERROR:
		if ((w = match_error(pkt, icmp, ts, ident_ok, arg, row)) !=
		    HT_SCAN_REPLY)
			return w;
		break;
	case HT_PKT_ECHOREPLY:
		if (pkt->l4.have < 8 || !ident_ok(pkt->l4.id, arg))
			return HT_SCAN_NONE;
		row->src = pkt->ip.dst;
		row->target = pkt->ip.src;
		row->ttl = (uint8_t)(pkt->l4.seq >> 8);
		row->ident = pkt->l4.id;
		row->proto = icmp;
		row->kind = HT_R_ECHO;
		row->rtt = rtt_of(pkt->l4.seq, ht_scan_request_cksum(af,
		    pkt->l4.cksum), ts);
		break;
	case HT_PKT_TCPREPLY:
		/* to our port, acknowledging sequence number + 1 */
		if (pkt->ip.proto != HT_PROTO_TCP || pkt->l4.have < 18 ||
		    !(pkt->l4.tflags & HT_TH_ACK) ||
		    !ident_ok(pkt->l4.dport, arg))
			return HT_SCAN_NONE;
		a = pkt->l4.tack - 1;
		row->src = pkt->ip.dst;
		row->target = pkt->ip.src;
		row->ttl = (uint8_t)(a >> 24);
		row->ident = pkt->l4.dport;
		row->proto = HT_PROTO_TCP;
		row->kind = HT_R_TCP;
		row->tflags = pkt->l4.tflags;
		row->rtt = rtt_t(a & 0xffffff, ts);
		break;
	default:
		return HT_SCAN_NONE;
	}
	if (row->ttl == 0)
		return HT_SCAN_BAD;
	row->from = pkt->ip.src;
	row->rttl = pkt->ip.ttl;
	if (row->kind != HT_R_TCP) {
		row->type = pkt->l4.type;
		row->code = pkt->l4.code;
	}
	row->rsize = pkt->ip.len;
	row->ts = ts;
	return HT_SCAN_REPLY;
}

int
ht_scan_row_reached(const struct ht_scan_row *r)
{
	if (ht_addr_eq(&r->from, &r->target))
		return 1;
	/* port unreachable: RFC 792 code 3, RFC 4443 code 4 */
	return r->kind == HT_R_UNREACH && r->proto == HT_PROTO_UDP &&
	    r->code == (r->target.af == 6 ? 4 : 3);
}
