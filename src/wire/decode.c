/* \summary: link, IP, ICMP/UDP/TCP and ICMP extension decoding (pure) */
/*
 * Layouts: IPv4 RFC 791, IPv6 RFC 8200, ICMP RFC 792, ICMPv6 RFC 4443,
 * UDP RFC 768, TCP RFC 9293, MPLS RFC 3032, ICMP multi-part messages
 * RFC 4884, MPLS label stack object RFC 4950, interface information
 * object RFC 5837.  Every read goes through struct buf (buf.h).
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <pcap/dlt.h>
#include <stddef.h>
#include <string.h>

#include "base/buf.h"
#include "wire/decode.h"

#define ETHERTYPE_IP		0x0800
#define ETHERTYPE_IPV6		0x86dd
#define ETHERTYPE_VLAN		0x8100
#define ETHERTYPE_QINQ		0x88a8
#define ETHERTYPE_QINQ_OLD	0x9100
#define ETHERTYPE_MPLS		0x8847
#define ETHERTYPE_MPLS_MC	0x8848
#define PPP_IP			0x0021
#define PPP_IPV6		0x0057
#define PPP_MPLS		0x0281
#define PPP_MPLS_MC		0x0283

#define MAX_VLAN_TAGS		4
#define MAX_MPLS_LABELS		16
#define MAX_V6_EXTHDRS		8

#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif
#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif

static const char *const status_str[] = {
	[HT_DEC_OK] = "ok",
	[HT_DEC_TRUNCATED] = "header cut short",
	[HT_DEC_BADIP] = "invalid IP header",
	[HT_DEC_BADEXT] = "invalid IPv6 extension header chain",
	[HT_DEC_LINKTYPE] = "unsupported link type",
	[HT_DEC_NOTIP] = "not IP",
	[HT_DEC_CAPLEN] = "captured length above the packet's length",
};

const char *
ht_status_str(enum ht_status st)
{
	if ((unsigned)st < sizeof(status_str) / sizeof(status_str[0]))
		return status_str[st];
	return "?";
}

int
ht_decode_dlt_ok(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
	case DLT_NULL:
	case DLT_LOOP:
	case DLT_PPP:
	case DLT_PPP_SERIAL:
	case DLT_C_HDLC:
		return 1;
#if DLT_RAW != 12
	case 12:
#endif
	case 14:		/* DLT_RAW on OpenBSD */
		return 1;
	default:
		return 0;
	}
}

/* Skip an MPLS label stack (RFC 3032) up to bottom-of-stack. */
static int
skip_mpls(struct buf *b)
{
	uint32_t e;
	int i;

	for (i = 0; i < MAX_MPLS_LABELS; i++) {
		if (buf_u32(b, &e) < 0)
			return -1;
		if (e & 0x100)
			return 0;
	}
	return -1;
}

/*
 * The network protocols a link header may name, by ethertype and by PPP
 * protocol number (RFC 1661; Cisco HDLC uses ethertypes): IP is next, or
 * an MPLS label stack and then IP.
 */
static const struct {
	uint16_t ether, ppp;
	int mpls;
} net_proto[] = {
	{ ETHERTYPE_IP, PPP_IP, 0 },
	{ ETHERTYPE_IPV6, PPP_IPV6, 0 },
	{ ETHERTYPE_MPLS, PPP_MPLS, 1 },
	{ ETHERTYPE_MPLS_MC, PPP_MPLS_MC, 1 },
};

/*
 * Position b at the IP header for protocol number type: an ethertype, or
 * a PPP protocol number (ppp != 0).
 */
static enum ht_status
after_proto(struct buf *b, uint16_t type, int ppp)
{
	size_t i;

	for (i = 0; i < sizeof(net_proto) / sizeof(net_proto[0]); i++) {
		if ((ppp ? net_proto[i].ppp : net_proto[i].ether) != type)
			continue;
		if (net_proto[i].mpls && skip_mpls(b) < 0)
			return HT_DEC_TRUNCATED;
		return HT_DEC_OK;
	}
	return HT_DEC_NOTIP;
}

/* Strip the link layer; leave b at the first byte of the IP header. */
static enum ht_status
strip_link(int dlt, struct buf *b)
{
	uint16_t type;
	uint8_t c;
	int i;

	switch (dlt) {
	case DLT_EN10MB:
		if (buf_skip(b, 12) < 0 || buf_u16(b, &type) < 0)
			return HT_DEC_TRUNCATED;
		for (i = 0; i < MAX_VLAN_TAGS &&
		    (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ ||
		    type == ETHERTYPE_QINQ_OLD); i++)
			if (buf_skip(b, 2) < 0 || buf_u16(b, &type) < 0)
				return HT_DEC_TRUNCATED;
		return after_proto(b, type, 0);
	case DLT_LINUX_SLL:
		if (buf_skip(b, 14) < 0 || buf_u16(b, &type) < 0)
			return HT_DEC_TRUNCATED;
		return after_proto(b, type, 0);
	case DLT_LINUX_SLL2:
		if (buf_u16(b, &type) < 0 || buf_skip(b, 18) < 0)
			return HT_DEC_TRUNCATED;
		return after_proto(b, type, 0);
	case DLT_NULL:
	case DLT_LOOP:
		/* The family value differs by OS and byte order: trust IP. */
		return buf_skip(b, 4) < 0 ? HT_DEC_TRUNCATED : HT_DEC_OK;
	case DLT_PPP:
	case DLT_PPP_SERIAL:
	case DLT_C_HDLC:
		/* Optional HDLC address/control (ff 03, or Cisco 0f/8f 00). */
		if (buf_peek8(b, 0, &c) < 0)
			return HT_DEC_TRUNCATED;
		if (c == 0xff || c == 0x0f || c == 0x8f)
			if (buf_skip(b, 2) < 0)
				return HT_DEC_TRUNCATED;
		if (buf_u16(b, &type) < 0)
			return HT_DEC_TRUNCATED;
		return after_proto(b, type, dlt != DLT_C_HDLC && type < 0x0600);
	default:
		if (ht_decode_dlt_ok(dlt))	/* the raw IP family */
			return HT_DEC_OK;
		return HT_DEC_LINKTYPE;
	}
}

/*
 * Read an IPv4 or IPv6 header and its extension headers.  On return b
 * covers the upper-layer bytes (narrowed to the datagram's length).
 * A quoted header (quoted != 0) may be longer than the bytes present.
 */
static enum ht_status
decode_ip(struct buf *b, struct ht_ip *ip, int quoted, int *fragment)
{
	uint8_t vhl, tos, ttl, proto, nh, hlen8;
	uint16_t len, id, off;
	uint32_t w, fid;
	size_t hlen;
	int i;

	*fragment = 0;
	if (buf_peek8(b, 0, &vhl) < 0)
		return HT_DEC_TRUNCATED;
	memset(ip, 0, sizeof(*ip));
	if ((vhl >> 4) == 4) {
		hlen = (size_t)(vhl & 0x0f) * 4;
		if (hlen < 20)
			return HT_DEC_BADIP;
		if (buf_skip(b, 1) < 0 || buf_u8(b, &tos) < 0 ||
		    buf_u16(b, &len) < 0 || buf_u16(b, &id) < 0 ||
		    buf_u16(b, &off) < 0 || buf_u8(b, &ttl) < 0 ||
		    buf_u8(b, &proto) < 0 || buf_skip(b, 2) < 0)
			return HT_DEC_TRUNCATED;
		ip->src.af = ip->dst.af = 4;
		if (buf_bytes(b, ip->src.a, 4) < 0 ||
		    buf_bytes(b, ip->dst.a, 4) < 0)
			return HT_DEC_TRUNCATED;
		if (len < hlen && !(quoted && len == 0))
			return HT_DEC_BADIP;
		if (buf_skip(b, hlen - 20) < 0)
			return HT_DEC_TRUNCATED;
		ip->proto = proto;
		ip->ttl = ttl;
		ip->len = len;
		ip->id = id;
		ip->whole = len;
		if (len >= hlen)
			buf_narrow(b, len - hlen);
		if ((off & 0x3fff) != 0) {	/* MF or an offset */
			ip->frag = 1;
			ip->fid = id;
			ip->mf = (off & 0x2000) != 0;
			ip->foff = (uint16_t)((off & 0x1fff) * 8);
			w = (uint32_t)len + ip->foff;
			ip->whole = (uint16_t)(w > 0xffff ? 0xffff : w);
		}
		if ((off & 0x1fff) != 0)
			*fragment = 1;
		return HT_DEC_OK;
	}
	if ((vhl >> 4) != 6)
		return HT_DEC_BADIP;
	if (buf_u32(b, &w) < 0 || buf_u16(b, &len) < 0 ||
	    buf_u8(b, &nh) < 0 || buf_u8(b, &ttl) < 0)
		return HT_DEC_TRUNCATED;
	ip->src.af = ip->dst.af = 6;
	if (buf_bytes(b, ip->src.a, 16) < 0 || buf_bytes(b, ip->dst.a, 16) < 0)
		return HT_DEC_TRUNCATED;
	ip->id = w & 0xfffff;
	ip->ttl = ttl;
	ip->len = (uint16_t)(len + 40 > 0xffff ? 0xffff : len + 40);
	ip->whole = ip->len;
	if (len != 0)		/* 0: jumbogram or a router's odd quote */
		buf_narrow(b, len);
	for (i = 0;; i++) {
		switch (nh) {
		case 0:		/* hop-by-hop options */
		case 43:	/* routing */
		case 60:	/* destination options */
		case 44:	/* fragment */
		case 51:	/* authentication header */
			if (i == MAX_V6_EXTHDRS)
				return HT_DEC_BADEXT;	/* too long a chain */
			break;
		default:
			ip->proto = nh;
			return HT_DEC_OK;
		}
		switch (nh) {
		case 0:
		case 43:
		case 60:
			if (buf_u8(b, &nh) < 0 || buf_u8(b, &hlen8) < 0 ||
			    buf_skip(b, (size_t)hlen8 * 8 + 6) < 0)
				return quoted ? HT_DEC_TRUNCATED : HT_DEC_BADEXT;
			continue;
		case 44:	/* fragment */
			if (buf_u8(b, &nh) < 0 || buf_skip(b, 1) < 0 ||
			    buf_u16(b, &off) < 0 || buf_u32(b, &fid) < 0)
				return quoted ? HT_DEC_TRUNCATED : HT_DEC_BADEXT;
			ip->frag = 1;
			ip->fid = fid;
			ip->mf = off & 1;
			ip->foff = off & 0xfff8;
			/* without the fragment header, up to this one's end */
			w = (uint32_t)ip->len + ip->foff;
			ip->whole = (uint16_t)(w < 8 ? 0 : w - 8 > 0xffff ?
			    0xffff : w - 8);
			if ((off & 0xfff8) != 0)
				*fragment = 1;
			continue;
		case 51:	/* authentication header: length in 4-byte units */
			if (buf_u8(b, &nh) < 0 || buf_u8(b, &hlen8) < 0 ||
			    buf_skip(b, ((size_t)hlen8 + 2) * 4 - 2) < 0)
				return quoted ? HT_DEC_TRUNCATED : HT_DEC_BADEXT;
			continue;
		}
	}
}

/* Read as much of a transport or ICMP header as is present. */
static void
decode_l4(struct buf *b, uint8_t proto, struct ht_l4 *l4)
{
	struct buf c = *b;
	uint8_t off;

	memset(l4, 0, sizeof(*l4));
	switch (proto) {
	case HT_PROTO_ICMP:
	case HT_PROTO_ICMP6:
		if (buf_u8(&c, &l4->type) < 0 || buf_u8(&c, &l4->code) < 0)
			return;
		l4->have = 2;
		if (buf_u16(&c, &l4->cksum) < 0)
			return;
		l4->have = 4;
		if (buf_u16(&c, &l4->id) < 0 || buf_u16(&c, &l4->seq) < 0)
			return;
		l4->have = 8;
		return;
	case HT_PROTO_UDP:
	case HT_PROTO_TCP:
		/* both begin with the source and destination ports */
		if (buf_u16(&c, &l4->sport) < 0 || buf_u16(&c, &l4->dport) < 0)
			return;
		l4->have = 4;
		if (proto == HT_PROTO_UDP) {
			if (buf_u16(&c, &l4->ulen) < 0 ||
			    buf_u16(&c, &l4->cksum) < 0)
				return;
			l4->have = 8;
			return;
		}
		if (buf_u32(&c, &l4->tseq) < 0)
			return;
		l4->have = 8;
		if (buf_u32(&c, &l4->tack) < 0 || buf_u8(&c, &off) < 0 ||
		    buf_u8(&c, &l4->tflags) < 0 || buf_skip(&c, 2) < 0 ||
		    buf_u16(&c, &l4->cksum) < 0)
			return;
		l4->have = 18;
		return;
	default:
		return;
	}
}

/* The Internet checksum of a byte range (RFC 1071); 0 when it verifies. */
static uint16_t
inet_cksum(const struct buf *b)
{
	const uint8_t *p = b->p;
	size_t n = buf_left(b);
	uint32_t sum = 0;

	for (; n > 1; n -= 2, p += 2)
		sum += (uint32_t)((p[0] << 8) | p[1]);
	if (n)
		sum += (uint32_t)(p[0] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* RFC 5837 interface information object; c-type bits name the fields. */
static void
decode_ifinfo(struct buf *o, uint8_t ctype, struct ht_ext *ext)
{
	struct ht_ifinfo *ifi;
	uint16_t afi;
	uint8_t nlen;
	size_t i, n;

	if (ext->n_if >= HT_EXT_MAX_IF)
		return;
	ifi = &ext->ifs[ext->n_if];
	memset(ifi, 0, sizeof(*ifi));
	ifi->role = ctype >> 6;
	if (ctype & 0x08) {
		if (buf_u32(o, &ifi->ifindex) < 0)
			return;
		ifi->has_index = 1;
	}
	if (ctype & 0x04) {
		if (buf_u16(o, &afi) < 0 || buf_skip(o, 2) < 0)
			return;
		if (afi == 1 && buf_bytes(o, ifi->addr.a, 4) == 0)
			ifi->addr.af = 4;
		else if (afi == 2 && buf_bytes(o, ifi->addr.a, 16) == 0)
			ifi->addr.af = 6;
		else
			return;
		ifi->has_addr = 1;
	}
	if (ctype & 0x02) {
		/* Length octet counts itself; a multiple of 4, at most 64. */
		if (buf_u8(o, &nlen) < 0 || nlen < 1 || nlen > 64 ||
		    buf_left(o) < (size_t)nlen - 1)
			return;
		n = (size_t)nlen - 1;
		for (i = 0; i < n && i < HT_IFNAME_MAX - 1 && o->p[i]; i++)
			ifi->name[i] = (o->p[i] >= 0x20 && o->p[i] < 0x7f) ?
			    (char)o->p[i] : '?';
		ifi->name[i] = '\0';
		ifi->has_name = 1;
		buf_skip(o, n);
	}
	if (ctype & 0x01) {
		if (buf_u32(o, &ifi->mtu) < 0)
			return;
		ifi->has_mtu = 1;
	}
	ext->n_if++;
}

/*
 * Parse an RFC 4884 extension structure occupying all of b.
 * Returns 0 if it is one (header version 2, checksum right).
 */
static int
decode_ext(struct buf b, struct ht_ext *ext, int rfc4884)
{
	struct buf o;
	uint16_t olen, ck;
	uint8_t ver, cls, ctype, c0, c1;
	uint32_t e;
	int guard;

	memset(ext, 0, sizeof(*ext));
	if (buf_peek8(&b, 0, &ver) < 0 || (ver >> 4) != 2 ||
	    buf_peek8(&b, 2, &c0) < 0 || buf_peek8(&b, 3, &c1) < 0)
		return -1;
	/*
	 * A checksum of 0 means none was computed (RFC 4884 s.7); without
	 * the length field, though, only a verified checksum tells an
	 * extension from the rest of a long quote.
	 */
	if (c0 != 0 || c1 != 0) {
		if (inet_cksum(&b) != 0)
			return -1;
	} else if (!rfc4884)
		return -1;
	if (buf_u8(&b, &ver) < 0 || buf_skip(&b, 1) < 0 ||
	    buf_u16(&b, &ck) < 0)
		return -1;
	ext->version = ver >> 4;
	ext->rfc4884 = (uint8_t)rfc4884;
	for (guard = 0; guard < 64 && buf_left(&b) >= 4; guard++) {
		if (buf_u16(&b, &olen) < 0 || buf_u8(&b, &cls) < 0 ||
		    buf_u8(&b, &ctype) < 0)
			break;
		if (olen < 4 || buf_sub(&b, (size_t)olen - 4, &o) < 0)
			break;		/* zero or overrunning length: stop */
		if (cls == 1 && ctype == 1) {	/* RFC 4950 MPLS label stack */
			while (ext->n_mpls < HT_EXT_MAX_MPLS &&
			    buf_u32(&o, &e) == 0) {
				struct ht_mpls *m = &ext->mpls[ext->n_mpls++];

				m->label = e >> 12;
				m->exp = (e >> 9) & 7;
				m->s = (e >> 8) & 1;
				m->ttl = e & 0xff;
			}
		} else if (cls == 2)		/* RFC 5837 interface info */
			decode_ifinfo(&o, ctype, ext);
		else
			ext->n_other++;
	}
	ext->present = 1;
	return 0;
}

/*
 * An ICMP error: b is at the ICMP payload (after the 8-byte header).
 * lenword is the RFC 4884 length field (32-bit words for ICMPv4,
 * 64-bit words for ICMPv6), unit its size in bytes.
 */
static void
decode_error(struct buf b, uint8_t lenword, size_t unit, struct ht_pkt *out)
{
	struct buf orig, extb;
	size_t olen = (size_t)lenword * unit;
	int frag;

	if (olen != 0 && olen <= buf_left(&b)) {
		/* RFC 4884: the original datagram has a stated length. */
		orig.p = b.p;
		orig.end = b.p + olen;
		extb.p = orig.end;
		extb.end = b.end;
		if (olen >= 128 && buf_left(&extb) >= 4)
			decode_ext(extb, &out->ext, 1);
	} else {
		orig = b;
		/*
		 * RFC 4884 s.5: a router that appends extensions without
		 * setting the length pads the original datagram to 128 bytes.
		 */
		if (buf_left(&b) >= 128 + 8) {
			extb.p = b.p + 128;
			extb.end = b.end;
			if (decode_ext(extb, &out->ext, 0) == 0)
				orig.end = extb.p;
		}
	}
	out->qlen = (uint16_t)buf_left(&orig);
	if (decode_ip(&orig, &out->qip, 1, &frag) != HT_DEC_OK) {
		out->qlen = 0;
		out->kind = HT_PKT_OTHER;
		out->status = HT_DEC_TRUNCATED;
		return;
	}
	if (!frag)
		decode_l4(&orig, out->qip.proto, &out->ql4);
	out->kind = HT_PKT_ERROR;
}

uint16_t
ht_l4_flow(uint8_t proto, const struct ht_l4 *l4)
{
	if (proto == HT_PROTO_UDP || proto == HT_PROTO_TCP)
		return l4->dport;
	return l4->cksum;
}

/*
 * The ICMP types a decoder tells apart, ICMP (RFC 792) and ICMPv6 (RFC
 * 4443), and where an error's RFC 4884 length stands: its byte, in words
 * of how many bytes.
 */
static const struct icmp_types {
	uint8_t echo, echoreply, unreach, timxceed;
	uint8_t len_at, len_unit;
} icmp_types[2] = {
	{ HT_ICMP_ECHO, HT_ICMP_ECHOREPLY, HT_ICMP_UNREACH, HT_ICMP_TIMXCEED,
	    5, 4 },
	{ HT_ICMP6_ECHO, HT_ICMP6_ECHOREPLY, HT_ICMP6_UNREACH,
	    HT_ICMP6_TIMXCEED, 4, 8 },
};

/* The header bytes a packet of this protocol needs to be told apart. */
static uint8_t
l4_need(uint8_t proto)
{
	switch (proto) {
	case HT_PROTO_ICMP:
	case HT_PROTO_ICMP6:
	case HT_PROTO_UDP:
		return 8;
	case HT_PROTO_TCP:
		return 18;
	default:
		return 0;
	}
}

enum ht_kind
ht_decode(int dlt, const uint8_t *pkt, size_t caplen, struct ht_pkt *out)
{
	const struct icmp_types *it;
	struct buf b, icmp;
	int frag;
	uint8_t lenword = 0;

	memset(out, 0, offsetof(struct ht_pkt, ext));
	out->ext.present = 0;
	out->ext.n_mpls = out->ext.n_if = out->ext.n_other = 0;
	out->kind = HT_PKT_OTHER;
	buf_init(&b, pkt, caplen);
	if ((out->status = strip_link(dlt, &b)) != HT_DEC_OK)
		return HT_PKT_OTHER;
	if ((out->status = decode_ip(&b, &out->ip, 0, &frag)) != HT_DEC_OK)
		return HT_PKT_OTHER;
	if (frag)	/* no transport header: only its datagram's length */
		return out->kind = HT_PKT_FRAGMENT;
	decode_l4(&b, out->ip.proto, &out->l4);
	if (out->l4.have < l4_need(out->ip.proto)) {
		out->status = HT_DEC_TRUNCATED;
		return HT_PKT_OTHER;
	}
	switch (out->ip.proto) {
	case HT_PROTO_ICMP:
	case HT_PROTO_ICMP6:
		if ((out->ip.proto == HT_PROTO_ICMP) != (out->ip.src.af == 4))
			return HT_PKT_OTHER;	/* ICMPv4 in IPv6 or v.v. */
		it = &icmp_types[out->ip.proto == HT_PROTO_ICMP6];
		if (out->l4.type == it->echo)
			return out->kind = HT_PKT_PROBE;
		if (out->l4.type == it->echoreply)
			return out->kind = HT_PKT_ECHOREPLY;
		if (out->l4.type != it->unreach && out->l4.type != it->timxceed)
			return HT_PKT_OTHER;
		icmp = b;
		buf_skip(&icmp, 8);
		buf_peek8(&b, it->len_at, &lenword);
		decode_error(icmp, lenword, it->len_unit, out);
		return out->kind;
	case HT_PROTO_UDP:
		return out->kind = HT_PKT_PROBE;
	case HT_PROTO_TCP:
		if ((out->l4.tflags & (HT_TH_SYN | HT_TH_ACK)) == HT_TH_SYN)
			return out->kind = HT_PKT_PROBE;
		if ((out->l4.tflags & (HT_TH_SYN | HT_TH_ACK)) ==
		    (HT_TH_SYN | HT_TH_ACK) || (out->l4.tflags & HT_TH_RST))
			return out->kind = HT_PKT_TCPREPLY;
		return HT_PKT_OTHER;
	default:
		return HT_PKT_OTHER;
	}
}
