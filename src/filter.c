/* \summary: the live capture filter: libpcap text and a ready BPF program */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <linux/filter.h>
#include <pcap/dlt.h>

#include "filter.h"

int
ht_filter_expr(const struct ht_probe_cfg *p, char *buf, size_t len)
{
	char s[HT_ADDRSTRLEN], d[HT_ADDRSTRLEN], errs[256], mine[512];
	const char *icmp = p->dst.af == 6 ? "icmp6" : "icmp";
	int n;

	ht_addr_str(&p->src, s);
	ht_addr_str(&p->dst, d);
	/* ICMP errors to us: the matcher checks what they quote. */
	if (p->dst.af == 6)
		snprintf(errs, sizeof(errs), "(icmp6 and dst host %s and "
		    "(icmp6[0] == 1 or icmp6[0] == 3))", s);
	else
		snprintf(errs, sizeof(errs), "(icmp and dst host %s and "
		    "(icmp[0] == 11 or icmp[0] == 3))", s);
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
		    icmp, p->ident, s, d, icmp, p->dst.af == 6 ? 128 : 8,
		    d, s, icmp, p->dst.af == 6 ? 129 : 0);
	}
	n = snprintf(buf, len, "%s or %s", mine, errs);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/*
 * A small assembler: forward jumps name labels, resolved at the end (a
 * BPF jump goes forward only, at most 255 instructions).
 */
enum { LB_NEXT = -1, LB_ACC, LB_REJ, LB_T2, LB_T3, LB_COUNT };

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
 * The program keeps the transport protocol in X and accepts a packet that
 * passes one of three tests:
 *   1. to us, ICMP                          (errors, echo replies)
 *   2. TCP only: from the destination to us, TCP   (SYN-ACK, RST)
 *   3. from us to the destination, the probes' protocol   (our probes)
 * which covers each term of ht_filter_expr() (the text asks more of the
 * ICMP type, identifier and ports).  IPv6: the protocol is the fixed
 * header's next header (libpcap's "icmp6" also takes ICMPv6 after a
 * fragment header, but then icmp6[0], read at the same offset, cannot be
 * a type the text asks for).
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
	uint32_t type_off, nl, src_off, dst_off, proto;
	int v6 = p->dst.af == 6;

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
	proto = p->method == HT_METHOD_UDP ? 17 : p->method == HT_METHOD_TCP ?
	    6 : v6 ? 58 : 1;

	load(&a, BPF_H, type_off);
	jeq(&a, v6 ? 0x86dd : 0x0800, LB_NEXT, LB_REJ);
	load(&a, BPF_B, nl + (v6 ? 6 : 9));
	emit(&a, BPF_MISC | BPF_TAX, 0, LB_NEXT, LB_NEXT);

	/* 1: ICMP to us */
	addr_is(&a, dst_off, &p->src, LB_T2);
	emit(&a, BPF_MISC | BPF_TXA, 0, LB_NEXT, LB_NEXT);
	jeq(&a, v6 ? 58 : 1, LB_ACC, LB_T2);
	/* 2: TCP from the destination to us */
	label(&a, LB_T2);
	if (p->method == HT_METHOD_TCP) {
		addr_is(&a, src_off, &p->dst, LB_T3);
		addr_is(&a, dst_off, &p->src, LB_T3);
		emit(&a, BPF_MISC | BPF_TXA, 0, LB_NEXT, LB_NEXT);
		jeq(&a, 6, LB_ACC, LB_T3);
	}
	/* 3: our probes */
	label(&a, LB_T3);
	addr_is(&a, src_off, &p->src, LB_REJ);
	addr_is(&a, dst_off, &p->dst, LB_REJ);
	emit(&a, BPF_MISC | BPF_TXA, 0, LB_NEXT, LB_NEXT);
	jeq(&a, proto, LB_ACC, LB_REJ);

	label(&a, LB_ACC);
	emit(&a, BPF_RET | BPF_K, snaplen, LB_NEXT, LB_NEXT);
	label(&a, LB_REJ);
	emit(&a, BPF_RET | BPF_K, 0, LB_NEXT, LB_NEXT);
	return resolve(&a);
}
