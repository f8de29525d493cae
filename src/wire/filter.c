/* \summary: the live capture filter: libpcap text and a ready BPF program */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <linux/filter.h>
#include <pcap/dlt.h>

#include "wire/filter.h"

/*
 * The text admits our probes and what can answer them, each by the
 * identifier the probe carries (ICMP echo identifier; UDP and TCP source
 * port):
 *   - our probes: from us to the destination;
 *   - echo replies from the destination to us with our identifier;
 *   - TCP from the destination to us, to our port;
 *   - ICMP time exceeded and unreachable to us that quote a probe of our
 *     protocol with our identifier (the quoted IPv4 header taken as 20
 *     bytes, the quoted IPv6 header as 40 with no extension header, as
 *     every probe of ours is sent).
 * A ping, a traceroute or another hoptrace beside us has another
 * identifier or other ports, so its traffic stays out of our ring.
 * A scan (any_dst) has no one destination: its probes are ours by source
 * and identifier alone, its answers by identifier, from anywhere.
 */
/*
 * A scan's probes (any_dst): from us with our identifier, to any
 * destination; and their answers to us, from anywhere.
 */
static void
mine_any(const struct ht_probe_cfg *p, const char *s, const char *icmp,
    int v6, char *mine, size_t len)
{
	switch (p->method) {
	case HT_METHOD_UDP:
		snprintf(mine, len, "(udp and src host %s and src port %u)", s,
		    p->ident);
		break;
	case HT_METHOD_TCP:
		snprintf(mine, len, "(tcp and ((src host %s and src port %u) "
		    "or (dst host %s and dst port %u)))", s, p->ident, s,
		    p->ident);
		break;
	default:
		snprintf(mine, len, "(%s and %s[4:2] == %u and "
		    "((src host %s and %s[0] == %u) or "
		    "(dst host %s and %s[0] == %u)))", icmp, icmp, p->ident,
		    s, icmp, v6 ? 128 : 8, s, icmp, v6 ? 129 : 0);
	}
}

int
ht_filter_expr(const struct ht_probe_cfg *p, char *buf, size_t len)
{
	char s[HT_ADDRSTRLEN], d[HT_ADDRSTRLEN], errs[512], mine[512];
	const char *icmp = p->dst.af == 6 ? "icmp6" : "icmp";
	int v6 = p->dst.af == 6, n;
	unsigned int proto = p->method == HT_METHOD_UDP ? 17 :
	    p->method == HT_METHOD_TCP ? 6 : v6 ? 58 : 1;
	unsigned int q = v6 ? 48 : 28;	/* quoted transport header */

	ht_addr_str(&p->src, s);
	ht_addr_str(&p->dst, d);
	/* ICMP errors to us quoting one of our probes */
	if (p->method == HT_METHOD_ICMP)
		snprintf(errs, sizeof(errs), "(%s and dst host %s and "
		    "(%s[0] == %u or %s[0] == 3) and %s%s[%u] == %u and "
		    "%s[%u] == %u and %s[%u:2] == %u)", icmp, s, icmp,
		    v6 ? 1 : 11, icmp, v6 ? "" : "(icmp[8] & 0xf) == 5 and ",
		    icmp, v6 ? 14 : 17, proto, icmp, q, v6 ? 128 : 8, icmp,
		    q + 4, p->ident);
	else
		snprintf(errs, sizeof(errs), "(%s and dst host %s and "
		    "(%s[0] == %u or %s[0] == 3) and %s%s[%u] == %u and "
		    "%s[%u:2] == %u)", icmp, s, icmp, v6 ? 1 : 11, icmp,
		    v6 ? "" : "(icmp[8] & 0xf) == 5 and ", icmp, v6 ? 14 : 17,
		    proto, icmp, q, p->ident);
	if (p->any_dst) {
		mine_any(p, s, icmp, v6, mine, sizeof(mine));
		n = snprintf(buf, len, "%s or %s", mine, errs);
		return n < 0 || (size_t)n >= len ? -1 : 0;
	}
	switch (p->method) {
	case HT_METHOD_UDP:
		snprintf(mine, sizeof(mine), "(udp and src host %s and "
		    "dst host %s and src port %u)", s, d, p->ident);
		break;
	case HT_METHOD_TCP:
		snprintf(mine, sizeof(mine), "(tcp and ((src host %s "
		    "and dst host %s and src port %u) or (src host %s "
		    "and dst host %s and dst port %u)))", s, d,
		    p->ident, d, s, p->ident);
		break;
	default:
		snprintf(mine, sizeof(mine), "(%s and %s[4:2] == %u and "
		    "((src host %s and dst host %s and %s[0] == %u) or "
		    "(src host %s and dst host %s and %s[0] == %u)))", icmp,
		    icmp, p->ident, s, d, icmp, v6 ? 128 : 8,
		    d, s, icmp, v6 ? 129 : 0);
	}
	n = snprintf(buf, len, "%s or %s", mine, errs);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/*
 * A small assembler: forward jumps name labels, resolved at the end (a
 * BPF jump goes forward only, at most 255 instructions).
 */
enum {
	LB_NEXT = -1, LB_ACC, LB_REJ, LB_ICMP, LB_ERR, LB_ECHO, LB_EREP,
	LB_L4, LB_TCPREP, LB_COUNT
};

struct bpfasm {
	struct ht_filter *f;
	int jt[HT_FILTER_MAX], jf[HT_FILTER_MAX];
	int at[LB_COUNT];
	int bad;
};

static void
emit(struct bpfasm *a, uint16_t code, uint32_t k, int jt, int jf)
{
	struct bpf_insn *i;

	if (a->f->n >= HT_FILTER_MAX) {
		a->bad = 1;
		return;
	}
	i = &a->f->insn[a->f->n];
	i->code = code;
	i->k = k;
	i->jt = i->jf = 0;
	a->jt[a->f->n] = jt;
	a->jf[a->f->n] = jf;
	a->f->n++;
}

static void
label(struct bpfasm *a, int l)
{
	a->at[l] = (int)a->f->n;
}

/* A equal to k: go to jt, else to jf. */
static void
jeq(struct bpfasm *a, uint32_t k, int jt, int jf)
{
	emit(a, BPF_JMP | BPF_JEQ | BPF_K, k, jt, jf);
}

static void
load(struct bpfasm *a, uint16_t size, uint32_t off)
{
	emit(a, BPF_LD | size | BPF_ABS, off, LB_NEXT, LB_NEXT);
}

/* A = the bytes at X + off */
static void
load_x(struct bpfasm *a, uint16_t size, uint32_t off)
{
	emit(a, BPF_LD | size | BPF_IND, off, LB_NEXT, LB_NEXT);
}

/* X = the IP header's length: IPv4's IHL at nl, IPv6's fixed 40 bytes */
static void
ihl_to_x(struct bpfasm *a, int v6, uint32_t nl)
{
	if (v6)
		emit(a, BPF_LDX | BPF_W | BPF_IMM, 40, LB_NEXT, LB_NEXT);
	else
		emit(a, BPF_LDX | BPF_B | BPF_MSH, nl, LB_NEXT, LB_NEXT);
}

/* Go to ok when the 16 bits at X + off are v, else to fail. */
static void
word_x_is(struct bpfasm *a, uint32_t off, uint32_t v, int ok, int fail)
{
	load_x(a, BPF_H, off);
	jeq(a, v, ok, fail);
}

/* Fall through when the address at off is addr, else go to fail. */
static void
addr_is(struct bpfasm *a, uint32_t off, const struct ht_addr *addr, int fail)
{
	int i, words = addr->af == 6 ? 4 : 1;
	uint32_t w;

	for (i = 0; i < words; i++) {
		w = (uint32_t)addr->a[4 * i] << 24 |
		    (uint32_t)addr->a[4 * i + 1] << 16 |
		    (uint32_t)addr->a[4 * i + 2] << 8 | addr->a[4 * i + 3];
		load(a, BPF_W, off + 4 * (uint32_t)i);
		jeq(a, w, LB_NEXT, fail);
	}
}

/* The offset from instruction i to label l; -1 if a jump cannot reach it. */
static int
offset(const struct bpfasm *a, int i, int l)
{
	int t = l == LB_NEXT ? i + 1 : a->at[l];

	return t <= i || t - i - 1 > 255 ? -1 : t - i - 1;
}

static int
resolve(struct bpfasm *a)
{
	int i, jt, jf;

	if (a->bad)
		return -1;
	for (i = 0; i < (int)a->f->n; i++) {
		if (BPF_CLASS(a->f->insn[i].code) != BPF_JMP)
			continue;
		if ((jt = offset(a, i, a->jt[i])) < 0 ||
		    (jf = offset(a, i, a->jf[i])) < 0)
			return -1;
		a->f->insn[i].jt = (uint8_t)jt;
		a->f->insn[i].jf = (uint8_t)jf;
	}
	return 0;
}

/*
 * The program admits what ht_filter_expr() admits, reading the headers'
 * real lengths where the text assumes them (an IPv4 header with options,
 * outer or quoted), so it admits at least as much:
 *
 *   the link protocol is IPv4 (IPv6), else reject
 *   ICMP:  X = IP header length; by the ICMP type at X:
 *     time exceeded, unreachable:  to us; the quoted header's protocol is
 *         ours; X += the quoted header's length; the quoted identifier
 *         (echo: type and identifier; UDP, TCP: source port) is ours
 *     echo request (ICMP probes):  from us to the destination, our id
 *     echo reply (ICMP probes):    from the destination to us, our id
 *   the probes' protocol (UDP, TCP):  X = IP header length
 *     from us to the destination, from our port: a probe
 *     TCP from the destination to us, to our port: its answer
 *
 * IPv6: the protocol is the fixed header's next header (our probes carry
 * no extension header, and routers quote them so).
 *
 * Offsets are those the kernel's socket filter reads: from the Ethernet
 * header on an Ethernet device; on the "any" device, whose cooked header
 * libpcap makes up in user space, from the network header, with the link
 * protocol read as SKF_AD_PROTOCOL (what libpcap's own translation of a
 * compiled DLT_LINUX_SLL program does).
 */
int
ht_filter_build(const struct ht_probe_cfg *p, int dlt, unsigned int snaplen,
    struct ht_filter *f)
{
	struct bpfasm a;
	uint32_t type_off, nl, src_off, dst_off, proto, icmp_proto, qh;
	int v6 = p->dst.af == 6;
	/* where a UDP or TCP packet that is not our probe goes */
	int no = p->method == HT_METHOD_TCP ? LB_TCPREP : LB_REJ;

	switch (dlt) {
	case DLT_LINUX_SLL:
		type_off = (uint32_t)(SKF_AD_OFF + SKF_AD_PROTOCOL);
		nl = 0;
		break;
	case DLT_EN10MB:
		type_off = 12;
		nl = 14;
		break;
	default:
		return -1;
	}
	memset(&a, 0, sizeof(a));
	a.f = f;
	f->n = 0;
	src_off = nl + (v6 ? 8 : 12);
	dst_off = nl + (v6 ? 24 : 16);
	icmp_proto = v6 ? 58 : 1;
	proto = p->method == HT_METHOD_UDP ? 17 : p->method == HT_METHOD_TCP ?
	    6 : icmp_proto;
	qh = nl + 8;		/* X + qh: the quoted IP header */

	load(&a, BPF_H, type_off);
	jeq(&a, v6 ? 0x86dd : 0x0800, LB_NEXT, LB_REJ);
	load(&a, BPF_B, nl + (v6 ? 6 : 9));
	jeq(&a, icmp_proto, LB_ICMP, proto != icmp_proto ? LB_NEXT : LB_REJ);
	if (proto != icmp_proto)
		jeq(&a, proto, LB_L4, LB_REJ);

	label(&a, LB_ICMP);
	ihl_to_x(&a, v6, nl);
	load_x(&a, BPF_B, nl);
	jeq(&a, v6 ? 3 : 11, LB_ERR, LB_NEXT);
	jeq(&a, v6 ? 1 : 3, LB_ERR, LB_NEXT);
	if (p->method == HT_METHOD_ICMP) {
		jeq(&a, v6 ? 128 : 8, LB_ECHO, LB_NEXT);
		jeq(&a, v6 ? 129 : 0, LB_EREP, LB_REJ);
	} else
		jeq(&a, 0, LB_REJ, LB_REJ);

	/* an ICMP error to us quoting one of our probes */
	label(&a, LB_ERR);
	addr_is(&a, dst_off, &p->src, LB_REJ);
	load_x(&a, BPF_B, qh + (v6 ? 6 : 9));
	jeq(&a, proto, LB_NEXT, LB_REJ);
	if (v6) {
		emit(&a, BPF_MISC | BPF_TXA, 0, LB_NEXT, LB_NEXT);
		emit(&a, BPF_ALU | BPF_ADD | BPF_K, 40, LB_NEXT, LB_NEXT);
	} else {
		load_x(&a, BPF_B, qh);
		emit(&a, BPF_ALU | BPF_AND | BPF_K, 0xf, LB_NEXT, LB_NEXT);
		emit(&a, BPF_ALU | BPF_LSH | BPF_K, 2, LB_NEXT, LB_NEXT);
		emit(&a, BPF_ALU | BPF_ADD | BPF_X, 0, LB_NEXT, LB_NEXT);
	}
	emit(&a, BPF_MISC | BPF_TAX, 0, LB_NEXT, LB_NEXT);
	/* X + qh: the quoted transport header */
	if (p->method == HT_METHOD_ICMP) {
		load_x(&a, BPF_B, qh);
		jeq(&a, v6 ? 128 : 8, LB_NEXT, LB_REJ);
		word_x_is(&a, qh + 4, p->ident, LB_ACC, LB_REJ);
	} else
		word_x_is(&a, qh, p->ident, LB_ACC, LB_REJ);

	if (p->method == HT_METHOD_ICMP) {
		/* our echo request */
		label(&a, LB_ECHO);
		addr_is(&a, src_off, &p->src, LB_REJ);
		if (!p->any_dst)
			addr_is(&a, dst_off, &p->dst, LB_REJ);
		word_x_is(&a, nl + 4, p->ident, LB_ACC, LB_REJ);
		/* the destination's echo reply */
		label(&a, LB_EREP);
		if (!p->any_dst)
			addr_is(&a, src_off, &p->dst, LB_REJ);
		addr_is(&a, dst_off, &p->src, LB_REJ);
		word_x_is(&a, nl + 4, p->ident, LB_ACC, LB_REJ);
	} else {
		/* UDP or TCP: our probe, or (TCP) its answer */
		label(&a, LB_L4);
		ihl_to_x(&a, v6, nl);
		/* (to this host, source and destination are one address) */
		addr_is(&a, src_off, &p->src, no);
		if (!p->any_dst)
			addr_is(&a, dst_off, &p->dst, no);
		word_x_is(&a, nl, p->ident, LB_ACC, no);
		if (p->method == HT_METHOD_TCP) {
			label(&a, LB_TCPREP);
			if (!p->any_dst)
				addr_is(&a, src_off, &p->dst, LB_REJ);
			addr_is(&a, dst_off, &p->src, LB_REJ);
			word_x_is(&a, nl + 2, p->ident, LB_ACC, LB_REJ);
		}
	}

	label(&a, LB_ACC);
	emit(&a, BPF_RET | BPF_K, snaplen, LB_NEXT, LB_NEXT);
	label(&a, LB_REJ);
	emit(&a, BPF_RET | BPF_K, 0, LB_NEXT, LB_NEXT);
	return resolve(&a);
}
