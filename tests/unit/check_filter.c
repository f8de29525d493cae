/* \summary: unit tests of the capture filter (filter.c) against libpcap's */
/*
 * ht_filter_build() writes the live capture's BPF program by hand, so that
 * a trace does not wait for pcap_compile().  Its promise: it admits every
 * packet that libpcap's compilation of ht_filter_expr() admits (it may admit
 * more; the matcher rejects those), and still rejects the traffic a filter
 * is for.  Both programs run here in libpcap's own interpreter
 * (pcap_offline_filter) on the same frames, the built one moved from the
 * kernel's view of the "any" device to libpcap's DLT_LINUX_SLL frames
 * (to_pcap_view); the live tests run it in the kernel:
 *   - our probes as the prober builds them, and the hand-made answers of
 *     tests/unit/packets.h, must pass both;
 *   - foreign packets (another host's ping, TCP to us from elsewhere, the
 *     other address family, ARP) must fail the hand-made one;
 *   - 30,000 frames per method, family and link type, made from those by
 *     changing protocol, addresses, types, identifiers, fragment fields,
 *     the link's protocol and the length: whatever the compiled program
 *     accepts, the hand-made one accepts, with the same snapshot length.
 * Addresses are those of tests/unit/packets.h: us 192.0.2.1 / 2001:db8::1, the
 * destination 198.51.100.7 / 2001:db8:2::7.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <check.h>
#include <linux/filter.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "io/prober.h"
#include "packets.h"
#include "wire/filter.h"

#define SNAP4		900
#define SNAP6		1296
#define MAXPKT		256
#define ROUNDS		30000

struct pkt {
	uint8_t b[MAXPKT];
	size_t n;
};

static struct ht_probe_cfg
config(int af, enum ht_method method)
{
	struct ht_probe_cfg c;

	memset(&c, 0, sizeof(c));
	c.method = method;
	c.src = hex_addr(af == 6 ? "2001:db8::1" : "192.0.2.1");
	c.dst = hex_addr(af == 6 ? "2001:db8:2::7" : "198.51.100.7");
	/* the identifiers of the fixtures: echo id, UDP and TCP ports */
	c.ident = method == HT_METHOD_UDP ? 40000 : method == HT_METHOD_TCP ?
	    40001 : 0x04d2;
	c.port = method == HT_METHOD_TCP ? 80 : 33434;
	c.payload = 8;
	c.dry = 1;
	return c;
}

/* Raw IP bytes in a frame of link type dlt carrying ethertype etype. */
static size_t
frame(int dlt, uint16_t etype, const uint8_t *ip, size_t n, uint8_t *out)
{
	size_t h = dlt == DLT_LINUX_SLL ? 16 : 14;

	memset(out, 0, h);
	if (dlt == DLT_LINUX_SLL) {
		out[3] = 1;		/* ARPHRD_ETHER */
		out[5] = 6;		/* address length */
		memcpy(out + 6, "\x02\x00\x00\x00\x00\x01", 6);
	} else {
		memcpy(out, "\x02\x00\x00\x00\x00\x02", 6);
		memcpy(out + 6, "\x02\x00\x00\x00\x00\x01", 6);
	}
	out[h - 2] = (uint8_t)(etype >> 8);
	out[h - 1] = (uint8_t)etype;
	memcpy(out + h, ip, n);
	return h + n;
}

static uint16_t
etype_of(const uint8_t *ip, size_t n)
{
	return n > 0 && ip[0] >> 4 == 6 ? 0x86dd : 0x0800;
}

/* Both programs on one frame: their return values. */
struct verdict {
	unsigned int hand, lib;
};

struct progs {
	struct bpf_program hand, lib;
	struct ht_filter f;
	pcap_t *dead;
	int dlt;
};

/*
 * The program as libpcap runs a DLT_LINUX_SLL one: the kernel's view of the
 * "any" device starts at the network header and reads the link protocol as
 * SKF_AD_PROTOCOL; libpcap's cooked frames put a 16-byte header in front,
 * the protocol at offset 14.  Every other load moves by 16: absolute ones,
 * and indirect ones, whose X comes from a moved load or a constant.
 */
static void
to_pcap_view(struct ht_filter *f)
{
	struct bpf_insn *i;
	unsigned int k;

	for (k = 0; k < f->n; k++) {
		i = &f->insn[k];
		if (BPF_CLASS(i->code) != BPF_LD && BPF_CLASS(i->code) != BPF_LDX)
			continue;
		if (BPF_MODE(i->code) == BPF_IMM)
			continue;
		/* absolute, indirect (X + k) and IPv4 header length loads */
		ck_assert_msg(BPF_MODE(i->code) == BPF_ABS ||
		    BPF_MODE(i->code) == BPF_IND ||
		    BPF_MODE(i->code) == BPF_MSH, "insn %u", k);
		if (BPF_MODE(i->code) == BPF_ABS &&
		    i->k == (bpf_u_int32)(SKF_AD_OFF + SKF_AD_PROTOCOL))
			i->k = 14;
		else {
			ck_assert_msg(i->k < 128, "insn %u loads %u", k, i->k);
			i->k += 16;
		}
	}
}

static void
progs_make(struct progs *p, const struct ht_probe_cfg *c, int dlt)
{
	char text[1024];
	unsigned int snap = c->dst.af == 6 ? SNAP6 : SNAP4;

	p->dlt = dlt;
	ck_assert_int_eq(ht_filter_build(c, dlt, snap, &p->f), 0);
	ck_assert(p->f.n > 0 && p->f.n <= HT_FILTER_MAX);
	/* libpcap's own check of a program it is handed */
	ck_assert(bpf_validate(p->f.insn, (int)p->f.n));
	if (dlt == DLT_LINUX_SLL)
		to_pcap_view(&p->f);
	p->hand.bf_len = p->f.n;
	p->hand.bf_insns = p->f.insn;
	ck_assert_int_eq(ht_filter_expr(c, text, sizeof(text)), 0);
	p->dead = pcap_open_dead(dlt, (int)snap);
	ck_assert_ptr_nonnull(p->dead);
	ck_assert_msg(pcap_compile(p->dead, &p->lib, text, 1,
	    PCAP_NETMASK_UNKNOWN) == 0, "%s: %s", text, pcap_geterr(p->dead));
}

static void
progs_free(struct progs *p)
{
	pcap_freecode(&p->lib);
	pcap_close(p->dead);
}

static struct verdict
run(const struct progs *p, uint16_t etype, const uint8_t *ip, size_t n)
{
	uint8_t f[MAXPKT + 16];
	struct pcap_pkthdr h;
	struct verdict v;

	memset(&h, 0, sizeof(h));
	h.caplen = h.len = (bpf_u_int32)frame(p->dlt, etype, ip, n, f);
	v.hand = (unsigned int)pcap_offline_filter(&p->hand, &h, f);
	v.lib = (unsigned int)pcap_offline_filter(&p->lib, &h, f);
	return v;
}

static struct pkt
from_hex(const char *s)
{
	struct pkt k;

	k.n = hex_parse(s, k.b, sizeof(k.b));
	ck_assert(k.n != (size_t)-1);
	return k;
}

/* The prober's probe k (TTL k + 1), as it goes on the wire. */
static struct pkt
probe(const struct ht_probe_cfg *c, uint32_t k)
{
	char err[256];
	uint8_t buf[HT_PROBE_MAX];
	struct ht_prober *pr;
	struct pkt out;
	size_t off;
	int n;

	pr = ht_prober_open(c, err, sizeof(err));
	ck_assert_msg(pr != NULL, "%s", err);
	n = ht_prober_build(pr, k, (uint8_t)(k + 1), buf, sizeof(buf), &off,
	    err, sizeof(err));
	ck_assert_msg(n > 0, "%s", err);
	ck_assert((size_t)n - off <= sizeof(out.b));
	out.n = (size_t)n - off;
	memcpy(out.b, buf + off, out.n);
	ht_prober_close(pr);
	return out;
}

/*
 * An ICMP error (type, code 0) from a router to us quoting the packet q,
 * as a router answers a probe: IPv4 quotes the header and 8 bytes, IPv6 as
 * much as fits.  Checksums are left 0 (no filter reads them).
 */
static struct pkt
error_of(const struct ht_probe_cfg *c, const struct pkt *q, uint8_t type)
{
	struct ht_addr r = hex_addr(c->dst.af == 6 ? "2001:db8:1::5" :
	    "203.0.113.3");
	struct pkt k;
	size_t h = c->dst.af == 6 ? 40 : 20, n;

	n = c->dst.af == 6 ? q->n : (size_t)(q->b[0] & 15) * 4 + 8;
	if (n > q->n)
		n = q->n;
	ck_assert(h + 8 + n <= sizeof(k.b));
	memset(k.b, 0, h + 8);
	if (c->dst.af == 6) {
		k.b[0] = 0x60;
		k.b[4] = (uint8_t)((8 + n) >> 8);
		k.b[5] = (uint8_t)(8 + n);
		k.b[6] = 58;
		k.b[7] = 64;
		memcpy(k.b + 8, r.a, 16);
		memcpy(k.b + 24, c->src.a, 16);
	} else {
		k.b[0] = 0x45;
		k.b[2] = (uint8_t)((h + 8 + n) >> 8);
		k.b[3] = (uint8_t)(h + 8 + n);
		k.b[8] = 64;
		k.b[9] = 1;
		memcpy(k.b + 12, r.a, 4);
		memcpy(k.b + 16, c->src.a, 4);
	}
	k.b[h] = type;
	memcpy(k.b + h + 8, q->b, n);
	k.n = h + 8 + n;
	return k;
}

/* The ICMP error types: time exceeded and unreachable. */
static uint8_t
timex(const struct ht_probe_cfg *c)
{
	return c->dst.af == 6 ? 3 : 11;
}

static uint8_t
unreach(const struct ht_probe_cfg *c)
{
	return c->dst.af == 6 ? 1 : 3;
}

/* ------------------------------------------------------------------ */

static const int DLTS[] = { DLT_LINUX_SLL, DLT_EN10MB };
static const enum ht_method METHODS[] = {
	HT_METHOD_ICMP, HT_METHOD_UDP, HT_METHOD_TCP
};

/* What each method's trace must see: probes, answers. */
START_TEST(test_admits_ours)
{
	static const char *const v4[3][4] = {
		{ ECHO4, ER4, NULL, NULL },		/* ICMP */
		{ UDP4, NULL, NULL, NULL },		/* UDP */
		{ SYN4, SYNACK4, RST4, TE4_TCP },	/* TCP */
	};
	static const char *const v6[3][4] = {
		{ ECHO6, ER6, TE6_ECHO, NULL },
		{ UDP6, NULL, NULL, NULL },
		{ NULL, NULL, NULL, NULL },
	};
	struct ht_probe_cfg c;
	struct progs p;
	struct verdict v;
	struct pkt k, e;
	size_t d, m, i;
	int af, t;
	uint32_t q;

	for (d = 0; d < 2; d++)
		for (m = 0; m < 3; m++)
			for (af = 4; af <= 6; af += 2) {
				c = config(af, METHODS[m]);
				progs_make(&p, &c, DLTS[d]);
				for (i = 0; i < 4; i++) {
					const char *s = af == 6 ? v6[m][i] :
					    v4[m][i];

					if (s == NULL)
						continue;
					k = from_hex(s);
					v = run(&p, etype_of(k.b, k.n), k.b, k.n);
					ck_assert_msg(v.lib != 0 && v.hand == v.lib,
					    "dlt %d method %zu v%d packet %zu: "
					    "lib %u hand %u", DLTS[d], m, af, i,
					    v.lib, v.hand);
				}
				/* the probes, and routers' errors quoting them */
				for (q = 0; q < 3; q++) {
					k = probe(&c, q);
					v = run(&p, etype_of(k.b, k.n), k.b, k.n);
					ck_assert_msg(v.lib != 0 && v.hand == v.lib,
					    "dlt %d method %zu v%d probe %u: "
					    "lib %u hand %u", DLTS[d], m, af, q,
					    v.lib, v.hand);
					for (t = 0; t < 2; t++) {
						e = error_of(&c, &k, t ?
						    unreach(&c) : timex(&c));
						v = run(&p, etype_of(e.b, e.n),
						    e.b, e.n);
						ck_assert_msg(v.lib != 0 &&
						    v.hand == v.lib, "dlt %d "
						    "method %zu v%d error %d of "
						    "probe %u: lib %u hand %u",
						    DLTS[d], m, af, t, q, v.lib,
						    v.hand);
					}
				}
				progs_free(&p);
			}
}
END_TEST

/*
 * A trace of this host (127.0.0.1, ::1): source and destination are one
 * address, so the answers (echo reply, port unreachable, RST) look like
 * probes but for their type or ports.
 */
START_TEST(test_admits_to_self)
{
	struct ht_probe_cfg c;
	struct progs p;
	struct verdict v;
	struct pkt k, e;
	size_t d, m, h;
	int af;

	for (d = 0; d < 2; d++)
		for (m = 0; m < 3; m++)
			for (af = 4; af <= 6; af += 2) {
				c = config(af, METHODS[m]);
				c.src = c.dst = hex_addr(af == 6 ? "::1" :
				    "127.0.0.1");
				progs_make(&p, &c, DLTS[d]);
				k = probe(&c, 0);
				h = af == 6 ? 40 : 20;
				e = k;
				if (METHODS[m] == HT_METHOD_ICMP)
					e.b[h] = af == 6 ? 129 : 0;
				else if (METHODS[m] == HT_METHOD_TCP) {
					/* RST|ACK from the port to ours */
					memcpy(e.b + h, k.b + h + 2, 2);
					memcpy(e.b + h + 2, k.b + h, 2);
					e.b[h + 13] = 0x14;
				} else
					e = error_of(&c, &k, af == 6 ? 1 : 3);
				v = run(&p, etype_of(k.b, k.n), k.b, k.n);
				ck_assert_msg(v.lib != 0 && v.hand == v.lib,
				    "probe to self, method %zu v%d", m, af);
				v = run(&p, etype_of(e.b, e.n), e.b, e.n);
				ck_assert_msg(v.lib != 0 && v.hand == v.lib,
				    "answer from self, method %zu v%d dlt %d: "
				    "lib %u hand %u", m, af, DLTS[d], v.lib,
				    v.hand);
				progs_free(&p);
			}
}
END_TEST

/* Set 4 bytes at off to an IPv4 address. */
static void
put4(struct pkt *k, size_t off, const char *addr)
{
	struct ht_addr a = hex_addr(addr);

	ck_assert(a.af == 4 && off + 4 <= k->n);
	memcpy(k->b + off, a.a, 4);
}

/*
 * The traffic a filter is for: someone else's, which it must drop.  Each
 * case is a fixture with up to two IPv4 addresses rewritten (offset 12 the
 * source, 16 the destination), sent with the given link protocol.
 */
struct foreign {
	const char *what, *hex;
	uint16_t etype;
	size_t off[2];
	const char *addr[2];
};

static const struct foreign FOREIGN4[] = {
	{ "another host's ping", ECHO4, 0x0800, { 12 }, { "192.0.2.99" } },
	{ "our ping elsewhere", ECHO4, 0x0800, { 16 }, { "203.0.113.9" } },
	{ "TCP to us from elsewhere", SYNACK4, 0x0800, { 12 },
	    { "203.0.113.9" } },
	{ "UDP to us from elsewhere", UDP4, 0x0800, { 12, 16 },
	    { "203.0.113.9", "192.0.2.1" } },
	{ "IPv6 answer", ER6, 0x86dd, { 0 }, { NULL } },
	{ "IPv4 labelled IPv6", ER4, 0x86dd, { 0 }, { NULL } },
};

static const struct foreign FOREIGN6[] = {
	{ "IPv4 answer", ER4, 0x0800, { 0 }, { NULL } },
};

static void
assert_rejects(const struct progs *p, const struct foreign *f)
{
	struct pkt k = from_hex(f->hex);
	struct verdict v;
	int i;

	for (i = 0; i < 2; i++)
		if (f->addr[i] != NULL)
			put4(&k, f->off[i], f->addr[i]);
	v = run(p, f->etype, k.b, k.n);
	ck_assert_msg(v.hand == 0, "admits %s (dlt %d)", f->what, p->dlt);
}

/*
 * Tools beside us on the same host and path: their echo replies, and
 * routers' errors quoting their probes, reach our address too.  They
 * differ from ours in the identifier (another ping's or hoptrace's echo
 * id, another traceroute's source port) or in the quoted protocol.
 */
static void
rejects_strangers(struct ht_probe_cfg c, int dlt)
{
	struct ht_probe_cfg other = c;
	struct progs p;
	struct pkt k, e;
	int t;

	progs_make(&p, &c, dlt);
	other.ident = (uint16_t)(c.ident + 1);
	k = probe(&other, 1);
	ck_assert_uint_eq(run(&p, etype_of(k.b, k.n), k.b, k.n).hand, 0);
	for (t = 0; t < 2; t++) {
		e = error_of(&c, &k, t ? unreach(&c) : timex(&c));
		ck_assert_msg(run(&p, etype_of(e.b, e.n), e.b, e.n).hand == 0,
		    "admits an error quoting another identifier (method %d "
		    "v%d)", (int)c.method, c.dst.af);
	}
	/* a probe of another protocol with our identifier, and its error */
	other = c;
	other.method = c.method == HT_METHOD_ICMP ? HT_METHOD_UDP :
	    HT_METHOD_ICMP;
	k = probe(&other, 1);
	e = error_of(&c, &k, timex(&c));
	ck_assert_msg(run(&p, etype_of(e.b, e.n), e.b, e.n).hand == 0,
	    "admits an error quoting another protocol (method %d v%d)",
	    (int)c.method, c.dst.af);
	if (c.method == HT_METHOD_ICMP) {
		/* another ping's echo reply from the destination */
		k = from_hex(c.dst.af == 6 ? ER6 : ER4);
		k.b[(c.dst.af == 6 ? 40 : 20) + 5] ^= 0x10;
		ck_assert_uint_eq(run(&p, etype_of(k.b, k.n), k.b, k.n).hand,
		    0);
	}
	if (c.method == HT_METHOD_TCP && c.dst.af == 4) {
		/* the destination's answer to another port of ours */
		k = from_hex(SYNACK4);
		k.b[20 + 3] ^= 0x10;
		ck_assert_uint_eq(run(&p, 0x0800, k.b, k.n).hand, 0);
	}
	progs_free(&p);
}

START_TEST(test_rejects_foreign)
{
	static const uint8_t arp[28] = { 0, 1, 8, 0, 6, 4, 0, 1 };
	struct ht_probe_cfg c;
	struct progs p;
	struct pkt k;
	size_t d, m, i;
	int af;

	for (d = 0; d < 2; d++)
		for (m = 0; m < 3; m++) {
			c = config(4, METHODS[m]);
			progs_make(&p, &c, DLTS[d]);
			for (i = 0; i < sizeof(FOREIGN4) / sizeof(FOREIGN4[0]);
			    i++)
				assert_rejects(&p, &FOREIGN4[i]);
			/* our probes' twin of another protocol */
			assert_rejects(&p, &(struct foreign){ "another protocol",
			    METHODS[m] == HT_METHOD_UDP ? SYN4 : UDP4, 0x0800,
			    { 0 }, { NULL } });
			ck_assert_uint_eq(run(&p, 0x0806, arp, sizeof(arp)).hand,
			    0);
			progs_free(&p);

			c = config(6, METHODS[m]);
			progs_make(&p, &c, DLTS[d]);
			for (i = 0; i < sizeof(FOREIGN6) / sizeof(FOREIGN6[0]);
			    i++)
				assert_rejects(&p, &FOREIGN6[i]);
			/* ICMPv6 from the router to someone else */
			k = from_hex(TE6_ECHO);
			k.b[39] = 0x99;
			ck_assert_uint_eq(run(&p, 0x86dd, k.b, k.n).hand, 0);
			progs_free(&p);

			for (af = 4; af <= 6; af += 2)
				rejects_strangers(config(af, METHODS[m]),
				    DLTS[d]);
		}
}
END_TEST

/*
 * A scan's filter (any_dst): our probes to any destination, the errors
 * quoting them and the echo replies from anywhere pass both programs;
 * another identifier's do not.
 */
START_TEST(test_any_dst)
{
	static const char *const dsts4[] = { "198.51.100.7", "10.200.3.4",
	    "203.0.113.200" };
	static const char *const dsts6[] = { "2001:db8:2::7", "fd77:200::3",
	    "2001:db8:ff::1" };
	struct ht_probe_cfg c, to, other;
	struct progs p;
	struct verdict v;
	struct pkt k, e;
	size_t d, m, i, h;
	int af, t;

	for (d = 0; d < 2; d++)
		for (m = 0; m < 3; m++)
			for (af = 4; af <= 6; af += 2) {
				c = config(af, METHODS[m]);
				c.any_dst = 1;
				progs_make(&p, &c, DLTS[d]);
				h = af == 6 ? 40 : 20;
				for (i = 0; i < 3; i++) {
					to = c;
					to.dst = hex_addr(af == 6 ? dsts6[i] :
					    dsts4[i]);
					k = probe(&to, (uint32_t)i);
					v = run(&p, etype_of(k.b, k.n), k.b, k.n);
					ck_assert_msg(v.lib != 0 && v.hand == v.lib,
					    "any_dst: probe to %zu, method %zu "
					    "v%d dlt %d", i, m, af, DLTS[d]);
					for (t = 0; t < 2; t++) {
						e = error_of(&c, &k, t ?
						    unreach(&c) : timex(&c));
						v = run(&p, etype_of(e.b, e.n),
						    e.b, e.n);
						ck_assert_msg(v.lib != 0 &&
						    v.hand == v.lib, "any_dst: "
						    "error %d of probe to %zu", t,
						    i);
					}
					if (METHODS[m] != HT_METHOD_ICMP)
						continue;
					/* the echo reply from that target */
					e = k;
					memcpy(e.b + (af == 6 ? 8 : 12), to.dst.a,
					    af == 6 ? 16 : 4);
					memcpy(e.b + (af == 6 ? 24 : 16), c.src.a,
					    af == 6 ? 16 : 4);
					e.b[h] = af == 6 ? 129 : 0;
					v = run(&p, etype_of(e.b, e.n), e.b, e.n);
					ck_assert_msg(v.lib != 0 && v.hand == v.lib,
					    "any_dst: echo reply from %zu", i);
				}
				/* another identifier: neither it nor its errors */
				other = c;
				other.ident = (uint16_t)(c.ident + 1);
				other.dst = hex_addr(af == 6 ? dsts6[1] :
				    dsts4[1]);
				k = probe(&other, 1);
				ck_assert_uint_eq(run(&p, etype_of(k.b, k.n),
				    k.b, k.n).hand, 0);
				e = error_of(&c, &k, timex(&c));
				ck_assert_uint_eq(run(&p, etype_of(e.b, e.n),
				    e.b, e.n).hand, 0);
				progs_free(&p);
			}
}
END_TEST

/* The only link types it writes programs for. */
START_TEST(test_unknown_link)
{
	struct ht_probe_cfg c = config(4, HT_METHOD_ICMP);
	struct ht_filter f;

	ck_assert_int_eq(ht_filter_build(&c, DLT_RAW, SNAP4, &f), -1);
	ck_assert_int_eq(ht_filter_build(&c, DLT_LINUX_SLL2, SNAP4, &f), -1);
	ck_assert_int_eq(ht_filter_build(&c, DLT_NULL, SNAP4, &f), -1);
}
END_TEST

/* xorshift32: the same frames on every run */
static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/*
 * Change one thing a filter looks at, to a value that matters: protocol,
 * addresses (ours, the destination's, a stranger's), ICMP type, echo
 * identifier or port, fragment fields, header length, any byte, the length,
 * and in an ICMP error the quoted protocol, identifier, ports and length.
 */
static void
mutate(struct pkt *k, uint32_t *s, const struct ht_probe_cfg *c)
{
	static const uint8_t protos[] = { 1, 6, 17, 58, 44, 0, 41 };
	static const uint8_t types[] = { 0, 3, 8, 11, 1, 128, 129, 5 };
	const uint8_t *addrs[3];
	uint8_t stranger[16] = { 0xcb, 0, 0x71, 9, 0x20, 1, 0xd, 0xb8, 9 };
	size_t hl, off, qhl;
	int v6 = k->n > 0 && k->b[0] >> 4 == 6;

	addrs[0] = c->src.a;
	addrs[1] = c->dst.a;
	addrs[2] = stranger;
	if (k->n < 20)
		return;
	hl = v6 ? 40 : (size_t)(k->b[0] & 15) * 4;
	switch (rnd(s) % 13) {
	case 0:	/* protocol / next header */
		k->b[v6 ? 6 : 9] = protos[rnd(s) % sizeof(protos)];
		break;
	case 1:	/* after a fragment header */
		if (v6 && k->n > 40)
			k->b[40] = protos[rnd(s) % sizeof(protos)];
		break;
	case 2:	/* source */
	case 3:	/* destination */
		off = v6 ? 8 + (rnd(s) & 1) * 16 : 12 + (rnd(s) & 1) * 4;
		if (off + (v6 ? 16 : 4) <= k->n)
			memcpy(k->b + off, addrs[rnd(s) % 3], v6 ? 16 : 4);
		break;
	case 4:	/* ICMP type */
		if (hl < k->n)
			k->b[hl] = types[rnd(s) % sizeof(types)];
		break;
	case 5:	/* echo identifier, source port, destination port */
		off = hl + (rnd(s) % 3) * 2;
		if (off + 2 <= k->n) {
			k->b[off] = (uint8_t)(c->ident >> 8);
			k->b[off + 1] = (uint8_t)c->ident;
		}
		break;
	case 6:	/* fragment offset and flags */
		if (!v6) {
			k->b[6] = (uint8_t)(rnd(s) % 3 == 0 ? 0x20 : 0);
			k->b[7] = (uint8_t)(rnd(s) % 2);
		}
		break;
	case 7:	/* header length */
		if (!v6)
			k->b[0] = (uint8_t)(0x40 | (rnd(s) % 16));
		break;
	case 8:	/* any byte */
		k->b[rnd(s) % k->n] = (uint8_t)rnd(s);
		break;
	case 9:	/* cut */
		k->n = rnd(s) % (k->n + 1);
		break;
	case 10:	/* the quoted protocol */
		off = hl + 8 + (v6 ? 6 : 9);
		if (off < k->n)
			k->b[off] = protos[rnd(s) % sizeof(protos)];
		break;
	case 11:	/* the quoted identifier or ports, the quoted length */
		qhl = v6 ? 40 : hl + 8 < k->n ? (size_t)(k->b[hl + 8] & 15) * 4 :
		    20;
		off = hl + 8 + qhl + (rnd(s) % 3) * 2;
		if (rnd(s) % 4 == 0 && !v6 && hl + 8 < k->n)
			k->b[hl + 8] = (uint8_t)(0x40 | (5 + rnd(s) % 3));
		else if (off + 2 <= k->n) {
			k->b[off] = (uint8_t)(c->ident >> 8);
			k->b[off + 1] = (uint8_t)c->ident;
		}
		break;
	default:	/* version nibble */
		k->b[0] = (uint8_t)((k->b[0] & 15) | (v6 ? 0x40 : 0x60));
	}
}

START_TEST(test_admits_what_libpcap_admits)
{
	static const char *const base[] = {
		ECHO4, ER4, UDP4, SYN4, SYNACK4, RST4, TE4_TCP,
		ECHO6, TE6_ECHO, ER6, UDP6,
	};
	struct pkt pool[24], k;
	struct ht_probe_cfg c;
	struct progs p;
	struct verdict v;
	int ci = _i % 12;	/* 12 and up: the same with any_dst (a scan) */
	size_t d = (size_t)ci / 6, m = (size_t)ci % 3, np, i;
	int af = ci % 6 < 3 ? 4 : 6, j, nmut;
	uint32_t seed = 0x9e3779b9u ^ (uint32_t)_i, lib_yes = 0, hand_only = 0;
	uint16_t etype;

	c = config(af, METHODS[m]);
	c.any_dst = _i >= 12;
	progs_make(&p, &c, DLTS[d]);
	for (np = 0; np < sizeof(base) / sizeof(base[0]); np++)
		pool[np] = from_hex(base[np]);
	for (i = 0; i < 3; i++) {
		pool[np++] = probe(&c, (uint32_t)i);
		pool[np] = error_of(&c, &pool[np - 1], i == 2 ? unreach(&c) :
		    timex(&c));
		np++;
	}
	for (i = 0; i < ROUNDS; i++) {
		k = pool[rnd(&seed) % np];
		nmut = (int)(rnd(&seed) % 4);
		for (j = 0; j < nmut; j++)
			mutate(&k, &seed, &c);
		etype = etype_of(k.b, k.n);
		if (rnd(&seed) % 16 == 0)
			etype = rnd(&seed) % 2 ? 0x0806 :
			    (etype == 0x0800 ? 0x86dd : 0x0800);
		v = run(&p, etype, k.b, k.n);
		if (v.lib != 0) {
			lib_yes++;
			ck_assert_msg(v.hand == v.lib, "round %zu: libpcap "
			    "admits, the built program %s", i, v.hand ?
			    "returns another length" : "does not");
		} else if (v.hand != 0)
			hand_only++;
	}
	/* the frames reach both sides of the question */
	ck_assert_msg(lib_yes > ROUNDS / 10 && lib_yes < ROUNDS * 9 / 10,
	    "libpcap admitted %u of %d", lib_yes, ROUNDS);
	/* and the built program is a filter, not a pass-all */
	ck_assert_msg(lib_yes + hand_only < ROUNDS * 9 / 10,
	    "built program admitted %u of %d", lib_yes + hand_only, ROUNDS);
	if (getenv("HT_FILTER_COUNTS"))
		fprintf(stderr, "case %d: libpcap %u, built only %u of %d, %u insns\n", _i, lib_yes, hand_only, ROUNDS, p.f.n);
	progs_free(&p);
}
END_TEST

/* The Internet checksum's sum (RFC 1071) of n bytes, added to sum. */
static uint32_t
oc_sum(const uint8_t *b, size_t n, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (n & 1)
		sum += (uint32_t)b[n - 1] << 8;
	return sum;
}

static uint16_t
oc_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/*
 * ICMP MDA probes (cksum_flow): the checksum is the flow (the port), the
 * message's checksum verifies (IPv6 with its pseudo-header, RFC 8200 8.1),
 * identifier and sequence are the trace's and the probe's own, and the
 * filter admits the probe and the errors quoting it.
 */
START_TEST(test_icmp_cksum_flow)
{
	static const uint16_t ports[] = { 1, 2, 0x7fff, 33434, 0xfffe };
	struct ht_probe_cfg c;
	struct progs p;
	struct verdict v;
	struct pkt k, e;
	uint32_t sum, q;
	size_t i, hl;
	uint16_t seq, seen[64];
	int af;

	for (af = 4; af <= 6; af += 2) {
		c = config(af, HT_METHOD_ICMP);
		c.paris = 1;
		c.cksum_flow = 1;
		c.payload = 32;
		progs_make(&p, &c, DLT_EN10MB);
		hl = af == 6 ? 40 : 20;
		for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
			c.port = ports[i];
			for (q = 0; q < 64; q++) {
				k = probe(&c, q * 97);
				ck_assert_uint_ge(k.n, hl + 8 + 32);
				ck_assert_uint_eq(k.b[hl + 2] << 8 | k.b[hl + 3],
				    ports[i]);
				ck_assert_uint_eq(k.b[hl + 4] << 8 | k.b[hl + 5],
				    c.ident);
				seq = (uint16_t)(k.b[hl + 6] << 8 | k.b[hl + 7]);
				seen[q] = seq;
				sum = oc_sum(k.b + hl, k.n - hl, 0);
				if (af == 6) {
					sum = oc_sum(k.b + 8, 32, sum);
					sum += (uint32_t)(k.n - hl) + 58;
				}
				ck_assert_msg(oc_fold(sum) == 0xffff,
				    "v%d port %u probe %u: checksum does not "
				    "verify (sum %04x)", af, ports[i], q,
				    oc_fold(sum));
				if (q % 16 != 0)
					continue;
				v = run(&p, etype_of(k.b, k.n), k.b, k.n);
				ck_assert(v.lib != 0 && v.hand == v.lib);
				e = error_of(&c, &k, timex(&c));
				v = run(&p, etype_of(e.b, e.n), e.b, e.n);
				ck_assert(v.lib != 0 && v.hand == v.lib);
			}
			for (q = 1; q < 64; q++)
				ck_assert_uint_ne(seen[q], seen[q - 1]);
		}
		progs_free(&p);
	}
}
END_TEST

static Suite *
filter_suite(void)
{
	Suite *s = suite_create("filter");
	TCase *tc = tcase_create("filter");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_admits_ours);
	tcase_add_test(tc, test_admits_to_self);
	tcase_add_test(tc, test_rejects_foreign);
	tcase_add_test(tc, test_unknown_link);
	tcase_add_test(tc, test_any_dst);
	tcase_add_test(tc, test_icmp_cksum_flow);
	/* 2 link types x 2 families x 3 methods, one destination or any */
	tcase_add_loop_test(tc, test_admits_what_libpcap_admits, 0, 24);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(filter_suite());
	int nfail;

	srunner_run_all(sr, CK_NORMAL);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfail == 0 ? 0 : 1;
}
