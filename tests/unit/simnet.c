/* \summary: a simulated network behind struct ht_netio_ops: routers, balancers, hosts, virtual time */
/*
 * See simnet.h for what is simulated.  Layouts written here: IPv4 RFC 791,
 * IPv6 RFC 8200, ICMP RFC 792 (time exceeded, unreachable, echo reply),
 * ICMPv6 RFC 4443, TCP RFC 9293 (RST and SYN-ACK), the Internet checksum
 * RFC 1071, Ethernet II.  What Linux does (net/ipv4/icmp.c icmp_send, and
 * net/ipv6/icmp.c icmp6_send): an error quotes the offending datagram as
 * it arrived, as much as keeps the error within 576 bytes (IPv4) or 1280
 * (IPv6); the forwarding path checks the route before the TTL (a packet
 * with no route draws an unreachable even with TTL 1); errors are sent
 * with TOS 0xc0 (IPv4) and TTL 64, a TCP reset with DF and IP ID 0, IPv6
 * answers with an automatic flow label.  tests/unit/check_simnet.c holds
 * these answers against a live capture of Linux routers, byte for byte.
 *
 * Probe bytes are read with the project's decoder (wire/decode.h) and, for
 * the offsets it does not give, through struct buf; replies are written
 * through a bounds-checked writer.  No packet byte is cast to a struct.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <ctype.h>
#include <errno.h>
#include <pcap/dlt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "wire/decode.h"
#include "simnet.h"

#define MAXQ		(1u << 20)	/* frames scheduled at once */
#define MAXSPIN		1000000		/* waits in a row that move nothing */
#define ETH_HLEN	14
#define ERR4_MAX	576		/* an ICMPv4 error's size at most */
#define ERR6_MAX	1280		/* an ICMPv6 error's (IPV6_MIN_MTU) */
#define TOS_INTERNETCONTROL 0xc0

static const uint8_t mac_host[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x01 };
static const uint8_t mac_gw[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0xfe };

/* ---- randomness and hashing ---------------------------------------- */

static uint64_t
splitmix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint64_t
rnd(struct simnet *sn)
{
	sn->rng += 0x9e3779b97f4a7c15ULL;
	return splitmix(sn->rng);
}

/* Uniform in [0, 1). */
static double
rnd01(struct simnet *sn)
{
	return (double)(rnd(sn) >> 11) * (1.0 / 9007199254740992.0);
}

static uint32_t
hash_word(uint32_t h, uint32_t w)
{
	h ^= w;
	h *= 0x7feb352du;
	h ^= h >> 15;
	h *= 0x846ca68bu;
	h ^= h >> 16;
	return h;
}

static uint32_t
hash_addr(uint32_t h, const struct ht_addr *a)
{
	int i;

	for (i = 0; i < (a->af == 6 ? 16 : 4); i += 4)
		h = hash_word(h, (uint32_t)a->a[i] << 24 |
		    (uint32_t)a->a[i + 1] << 16 | (uint32_t)a->a[i + 2] << 8 |
		    a->a[i + 3]);
	return h;
}

/* The balancer key of node i. */
static uint32_t
node_key(const struct simnet *sn, unsigned int i)
{
	if (sn->node[i].key != 0)
		return sn->node[i].key;
	return (uint32_t)splitmix(sn->seed * 0x100000001b3ULL + i + 1);
}

/* What a balancer of kind h hashes of the probe d. */
static uint32_t
flow_hash(const struct ht_pkt *d, int h, uint32_t key)
{
	const struct ht_l4 *l = &d->l4;
	int icmp = d->ip.proto == HT_PROTO_ICMP || d->ip.proto == HT_PROTO_ICMP6;

	key = hash_addr(key, &d->ip.src);
	key = hash_addr(key, &d->ip.dst);
	if (h == SIMNET_HASH_ADDR)
		return key;
	key = hash_word(key, d->ip.proto);
	if (icmp && h == SIMNET_HASH_ICMPID)
		return hash_word(key, l->id);
	if (icmp)
		return hash_word(key, (uint32_t)l->type << 24 |
		    (uint32_t)l->code << 16 | l->cksum) ^ hash_word(~key, l->id);
	return hash_word(key, (uint32_t)l->sport << 16 | l->dport);
}

/* ---- addresses -------------------------------------------------------- */

static int
in_prefix(const struct ht_addr *a, const struct ht_addr *p, unsigned int len)
{
	unsigned int i, full = len / 8, rest = len % 8;
	uint8_t m;

	if (a->af != p->af)
		return 0;
	for (i = 0; i < full; i++)
		if (a->a[i] != p->a[i])
			return 0;
	if (rest == 0)
		return 1;
	m = (uint8_t)(0xff << (8 - rest));
	return (a->a[full] & m) == (p->a[full] & m);
}

static void
mask_prefix(struct ht_addr *p, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < 16; i++) {
		if (len >= (i + 1) * 8)
			continue;
		if (len > i * 8)
			p->a[i] &= (uint8_t)(0xff << (8 - (len - i * 8)));
		else
			p->a[i] = 0;
	}
}

/* Does node v take packets to a as its own? */
static int
owns(const struct simnet_node *v, const struct ht_addr *a)
{
	if (ht_addr_eq(&v->addr4, a) || ht_addr_eq(&v->addr6, a))
		return 1;
	return v->anyip.af != 0 && in_prefix(a, &v->anyip, v->anyip_len);
}

static void
auto_addr(unsigned int i, struct simnet_node *v)
{
	memset(&v->addr4, 0, sizeof(v->addr4));
	memset(&v->addr6, 0, sizeof(v->addr6));
	v->addr4.af = 4;
	v->addr4.a[0] = 10;
	v->addr4.a[1] = 79;
	v->addr4.a[2] = (uint8_t)(i / 250);
	v->addr4.a[3] = (uint8_t)(i % 250 + 1);
	v->addr6.af = 6;
	v->addr6.a[0] = 0xfd;
	v->addr6.a[1] = 0x79;
	v->addr6.a[13] = (uint8_t)(i / 250);
	v->addr6.a[15] = (uint8_t)(i % 250 + 1);
}

/* ---- building the network --------------------------------------------- */

static void
errf(char *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(err, HT_ERRBUF, fmt, ap);
	va_end(ap);
}

void
simnet_init(struct simnet *sn, int dlt, uint64_t seed)
{
	memset(sn, 0, sizeof(*sn));
	sn->dlt = dlt;
	sn->seed = seed;
	sn->rng = splitmix(seed ^ 0x5151);
	sn->now = SIMNET_EPOCH;
	sn->limit = 3600 * HT_NS_PER_SEC;
	(void)simnet_node(sn, "s", NULL);
}

void
simnet_free(struct simnet *sn)
{
	size_t i;

	for (i = 0; i < sn->nq; i++)
		free(sn->q[i].data);
	free(sn->q);
	sn->q = NULL;
	sn->nq = sn->capq = 0;
	if (sn->have_cur)
		free(sn->cur.data);
	sn->have_cur = 0;
}

static int
name_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len >= SIMNET_NAMELEN)
		return 0;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' &&
		    s[i] != '-' && s[i] != '.')
			return 0;
	return 1;
}

static int
node_n(struct simnet *sn, const char *name, size_t len, char *err)
{
	struct simnet_node *v;
	unsigned int i;

	if (!name_ok(name, len)) {
		errf(err, "bad node name \"%.*s\" (1-%d of A-Z a-z 0-9 _ - .)",
		    (int)(len > 40 ? 40 : len), name, SIMNET_NAMELEN - 1);
		return -1;
	}
	for (i = 0; i < sn->nn; i++)
		if (strlen(sn->node[i].name) == len &&
		    memcmp(sn->node[i].name, name, len) == 0)
			return (int)i;
	if (sn->nn == SIMNET_MAXNODE) {
		errf(err, "more than %d nodes", SIMNET_MAXNODE);
		return -1;
	}
	v = &sn->node[sn->nn];
	memset(v, 0, sizeof(*v));
	memcpy(v->name, name, len);
	v->name[len] = '\0';
	auto_addr(sn->nn, v);
	v->ittl = 64;
	v->burst = 1;
	return (int)sn->nn++;
}

int
simnet_node(struct simnet *sn, const char *name, char *err)
{
	return node_n(sn, name, strlen(name), err);
}

struct simnet_node *
simnet_find(struct simnet *sn, const char *name)
{
	unsigned int i;

	for (i = 0; i < sn->nn; i++)
		if (strcmp(sn->node[i].name, name) == 0)
			return &sn->node[i];
	return NULL;
}

static int
link_n(struct simnet *sn, int u, int v, char *err)
{
	struct simnet_node *a = &sn->node[u];
	unsigned int j;

	if (v == 0) {
		errf(err, "a link into the source s");
		return -1;
	}
	for (j = 0; j < a->nsucc; j++)
		if (a->succ[j] == v)
			return 0;
	if (a->nsucc == SIMNET_MAXSUCC) {
		errf(err, "%s: more than %d next hops", a->name, SIMNET_MAXSUCC);
		return -1;
	}
	a->succ[a->nsucc++] = (uint16_t)v;
	return 0;
}

int
simnet_link(struct simnet *sn, const char *from, const char *to, char *err)
{
	int u, v;

	if ((u = simnet_node(sn, from, err)) < 0 ||
	    (v = simnet_node(sn, to, err)) < 0)
		return -1;
	return link_n(sn, u, v, err);
}

const struct ht_addr *
simnet_src(const struct simnet *sn, int af)
{
	return af == 6 ? &sn->node[0].addr6 : &sn->node[0].addr4;
}

const struct ht_addr *
simnet_addr(struct simnet *sn, const char *name, int af)
{
	struct simnet_node *v = simnet_find(sn, name);
	const struct ht_addr *a;

	if (v == NULL)
		return NULL;
	a = af == 6 ? &v->addr6 : &v->addr4;
	return a->af != 0 ? a : NULL;
}

size_t
simnet_pending(const struct simnet *sn)
{
	return sn->nq;
}

/* ---- the text form ---------------------------------------------------- */

static int
num(const char *s, double lo, double hi, double *out)
{
	char *e;
	double d;

	errno = 0;
	d = strtod(s, &e);
	if (errno != 0 || e == s || *e != '\0' || !(d >= lo && d <= hi))
		return -1;
	*out = d;
	return 0;
}

/* "ADDR/LEN" (or "/LEN" with a default address): a prefix, masked. */
static int
prefix(const char *s, const struct ht_addr *dflt, struct ht_addr *p,
    uint8_t *plen)
{
	char a[HT_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	double len;
	size_t n;

	if (slash == NULL)
		return -1;
	n = (size_t)(slash - s);
	if (n == 0) {
		if (dflt == NULL || dflt->af == 0)
			return -1;
		*p = *dflt;
	} else {
		if (n >= sizeof(a))
			return -1;
		memcpy(a, s, n);
		a[n] = '\0';
		if (ht_addr_parse(a, p) != 0)
			return -1;
	}
	if (num(slash + 1, 0, p->af == 6 ? 128 : 32, &len) < 0 ||
	    len != (double)(unsigned int)len)
		return -1;
	*plen = (uint8_t)len;
	mask_prefix(p, *plen);
	return 0;
}

static const char *const hash_names[] = { "flow", "icmpid", "addr", "packet" };
static const char *const tcp_names[] = { "rst", "synack", "drop" };

static int
pick_name(const char *s, const char *const *names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

/* One node setting, "key=value" or a flag. */
static int
node_set(struct simnet_node *v, const char *tok, char *err)
{
	const char *eq = strchr(tok, '=');
	char k[16];
	const char *val;
	double d;
	struct ht_addr a;
	size_t n;
	int i;

	if (ht_addr_parse(tok, &a) == 0) {
		if (a.af == 6)
			v->addr6 = a;
		else
			v->addr4 = a;
		return 0;
	}
	if (eq == NULL) {
		if (strcmp(tok, "silent") == 0)
			v->silent = 1;
		else if (strcmp(tok, "deaf") == 0)
			v->deaf = 1;
		else if (strcmp(tok, "noecho") == 0)
			v->noecho = 1;
		else if (strcmp(tok, "no4") == 0)
			memset(&v->addr4, 0, sizeof(v->addr4));
		else if (strcmp(tok, "no6") == 0)
			memset(&v->addr6, 0, sizeof(v->addr6));
		else {
			errf(err, "unknown setting \"%s\"", tok);
			return -1;
		}
		return 0;
	}
	n = (size_t)(eq - tok);
	if (n >= sizeof(k)) {
		errf(err, "unknown setting \"%s\"", tok);
		return -1;
	}
	memcpy(k, tok, n);
	k[n] = '\0';
	val = eq + 1;
	if (strcmp(k, "delay") == 0 || strcmp(k, "jitter") == 0) {
		if (num(val, 0, 3600000, &d) < 0) {
			errf(err, "%s: 0 to 3600000 ms", k);
			return -1;
		}
		if (k[0] == 'd')
			v->delay = (ht_ns)(d * 1e6 + 0.5);
		else
			v->jitter = (ht_ns)(d * 1e6 + 0.5);
	} else if (strcmp(k, "loss") == 0 || strcmp(k, "drop") == 0) {
		if (num(val, 0, 1, &d) < 0) {
			errf(err, "%s: a probability, 0 to 1", k);
			return -1;
		}
		if (k[0] == 'l')
			v->loss = d;
		else
			v->drop = d;
	} else if (strcmp(k, "anyip") == 0) {
		if (prefix(val, &v->addr4, &v->anyip, &v->anyip_len) < 0) {
			errf(err, "anyip: ADDR/LEN or /LEN");
			return -1;
		}
	} else if (strcmp(k, "ttl") == 0) {
		if (num(val, 1, 255, &d) < 0) {
			errf(err, "ttl: 1 to 255");
			return -1;
		}
		v->ittl = (uint8_t)d;
	} else if (strcmp(k, "hash") == 0) {
		if ((i = pick_name(val, hash_names, 4)) < 0) {
			errf(err, "hash: flow, icmpid, addr or packet");
			return -1;
		}
		v->hash = (uint8_t)i;
	} else if (strcmp(k, "tcp") == 0) {
		if ((i = pick_name(val, tcp_names, 3)) < 0) {
			errf(err, "tcp: rst, synack or drop");
			return -1;
		}
		v->tcp = (uint8_t)i;
	} else if (strcmp(k, "udp") == 0) {
		if (strcmp(val, "open") == 0)
			v->udp_open = 1;
		else if (strcmp(val, "closed") == 0)
			v->udp_open = 0;
		else {
			errf(err, "udp: open or closed");
			return -1;
		}
	} else if (strcmp(k, "key") == 0) {
		if (num(val, 0, 4294967295.0, &d) < 0) {
			errf(err, "key: 0 to 4294967295");
			return -1;
		}
		v->key = (uint32_t)d;
	} else if (strcmp(k, "quote") == 0) {
		if (num(val, 0, 1500, &d) < 0) {
			errf(err, "quote: 0 to 1500 bytes");
			return -1;
		}
		v->quote = (uint16_t)d;
	} else if (strcmp(k, "rate") == 0 || strcmp(k, "burst") == 0) {
		if (num(val, 0, 1e9, &d) < 0) {
			errf(err, "%s: 0 to 1e9", k);
			return -1;
		}
		if (k[0] == 'r')
			v->rate = d;
		else
			v->burst = d < 1 ? 1 : d;
	} else if (strcmp(k, "unreach") == 0) {
		if (strcmp(val, "net") == 0)
			v->unreach = 0 + 1;
		else if (strcmp(val, "host") == 0)
			v->unreach = 1 + 1;
		else if (strcmp(val, "admin") == 0)
			v->unreach = 13 + 1;
		else if (num(val, 0, 254, &d) == 0)
			v->unreach = (uint8_t)(d + 1);
		else {
			errf(err, "unreach: net, host, admin or a code");
			return -1;
		}
	} else {
		errf(err, "unknown setting \"%s\"", k);
		return -1;
	}
	return 0;
}

static int
net_set(struct simnet *sn, const char *tok, char *err)
{
	const char *eq = strchr(tok, '=');
	double d;

	if (eq == NULL) {
		errf(err, "net: KEY=VALUE, not \"%s\"", tok);
		return -1;
	}
	if (strncmp(tok, "seed=", 5) == 0) {
		char *e;
		unsigned long long u;

		errno = 0;
		u = strtoull(eq + 1, &e, 10);
		if (errno || *e || e == eq + 1) {
			errf(err, "seed: a number");
			return -1;
		}
		sn->seed = u;
		sn->rng = splitmix(u ^ 0x5151);
	} else if (strncmp(tok, "dlt=", 4) == 0) {
		if (strcmp(eq + 1, "raw") == 0)
			sn->dlt = DLT_RAW;
		else if (strcmp(eq + 1, "en10mb") == 0)
			sn->dlt = DLT_EN10MB;
		else {
			errf(err, "dlt: raw or en10mb");
			return -1;
		}
	} else if (strncmp(tok, "sndbuf=", 7) == 0) {
		if (num(eq + 1, 0, 1e6, &d) < 0) {
			errf(err, "sndbuf: 0 to 1000000");
			return -1;
		}
		sn->sndbuf = (unsigned int)d;
	} else if (strncmp(tok, "limit=", 6) == 0) {
		if (num(eq + 1, 1, 1e7, &d) < 0) {
			errf(err, "limit: 1 to 10000000 s");
			return -1;
		}
		sn->limit = (ht_ns)(d * 1e9);
	} else if (strncmp(tok, "refuse=", 7) == 0) {
		if (sn->nrefuse == SIMNET_MAXREFUSE) {
			errf(err, "refuse: at most %d", SIMNET_MAXREFUSE);
			return -1;
		}
		if (prefix(eq + 1, NULL, &sn->refuse[sn->nrefuse],
		    &sn->refuse_len[sn->nrefuse]) < 0) {
			errf(err, "refuse: ADDR/LEN");
			return -1;
		}
		sn->nrefuse++;
	} else {
		errf(err, "net: unknown setting \"%s\"", tok);
		return -1;
	}
	return 0;
}

/* "a,b>c>d,e": every node of a group linked to every node of the next. */
static int
links(struct simnet *sn, const char *tok, char *err)
{
	int prev[SIMNET_MAXNODE], cur[SIMNET_MAXNODE];
	unsigned int np = 0, nc, i, j;
	const char *p = tok, *e;
	int v;

	for (;;) {
		nc = 0;
		for (;;) {
			for (e = p; *e && *e != ',' && *e != '>'; e++)
				;
			if ((v = node_n(sn, p, (size_t)(e - p), err)) < 0)
				return -1;
			if (nc == SIMNET_MAXNODE) {
				errf(err, "too large a group");
				return -1;
			}
			cur[nc++] = v;
			p = e;
			if (*p != ',')
				break;
			p++;
		}
		for (i = 0; i < np; i++)
			for (j = 0; j < nc; j++)
				if (link_n(sn, prev[i], cur[j], err) < 0)
					return -1;
		memcpy(prev, cur, nc * sizeof(cur[0]));
		np = nc;
		if (*p != '>')
			return 0;
		p++;
	}
}

#define MAXTOK	32

int
simnet_parse(struct simnet *sn, const char *text, char *err)
{
	char line[1024], *tok[MAXTOK], *s;
	const char *p = text, *e;
	unsigned int lineno = 0, ntok, i;
	int v, islink;
	char sub[HT_ERRBUF];
	size_t n;

	while (*p) {
		for (e = p; *e && *e != '\n' && *e != ';'; e++)
			;
		if (*p != ';')
			lineno++;
		n = (size_t)(e - p);
		if (n >= sizeof(line)) {
			errf(err, "simnet: line %u: too long", lineno);
			return -1;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		p = *e ? e + 1 : e;
		if ((s = strchr(line, '#')) != NULL)
			*s = '\0';
		ntok = 0;
		for (s = strtok(line, " \t\r"); s != NULL;
		    s = strtok(NULL, " \t\r")) {
			if (ntok == MAXTOK) {
				errf(err, "simnet: line %u: more than %d words",
				    lineno, MAXTOK);
				return -1;
			}
			tok[ntok++] = s;
		}
		if (ntok == 0)
			continue;
		sub[0] = '\0';
		islink = 0;
		for (i = 0; i < ntok; i++)
			if (strchr(tok[i], '>') != NULL)
				islink = 1;
		if (strcmp(tok[0], "net") == 0) {
			for (i = 1; i < ntok; i++)
				if (net_set(sn, tok[i], sub) < 0)
					goto bad;
		} else if (islink) {
			for (i = 0; i < ntok; i++)
				if (links(sn, tok[i], sub) < 0)
					goto bad;
		} else {
			if ((v = simnet_node(sn, tok[0], sub)) < 0)
				goto bad;
			for (i = 1; i < ntok; i++)
				if (node_set(&sn->node[v], tok[i], sub) < 0)
					goto bad;
		}
		continue;
bad:
		errf(err, "simnet: line %u: %s", lineno, sub);
		return -1;
	}
	return 0;
}

/* ---- routing ---------------------------------------------------------- */

struct answer {
	int node;		/* -1: nobody answers */
	int kind;		/* SIMNET_A_* */
	uint8_t code;		/* ICMP code of an error */
	uint8_t arrive_ttl;	/* the probe's TTL as the node got it */
	unsigned int hop;	/* hops from the source */
	int host;		/* the node owns the destination */
};

/* reach[v]: an owner of dst can be reached from v (v itself included). */
static void
reachable(const struct simnet *sn, const struct ht_addr *dst,
    uint8_t reach[SIMNET_MAXNODE])
{
	unsigned int i, j, round;
	int changed = 1;

	for (i = 0; i < sn->nn; i++)
		reach[i] = i != 0 && owns(&sn->node[i], dst);
	for (round = 0; changed && round < sn->nn; round++) {
		changed = 0;
		for (i = 0; i < sn->nn; i++) {
			if (reach[i])
				continue;
			for (j = 0; j < sn->node[i].nsucc; j++)
				if (reach[sn->node[i].succ[j]]) {
					reach[i] = 1;
					changed = 1;
					break;
				}
		}
	}
}

/*
 * Walk probe d from the source.  live: draw randomness (drops, per-packet
 * balancers); otherwise a dry run that draws nothing.
 */
static void
walk(struct simnet *sn, const struct ht_pkt *d, int live, struct answer *a)
{
	uint8_t reach[SIMNET_MAXNODE];
	uint16_t cand[SIMNET_MAXSUCC];
	const struct simnet_node *v;
	unsigned int h, j, nc, vi = 0;
	unsigned int ttl = d->ip.ttl;
	int any;

	memset(a, 0, sizeof(*a));
	a->node = -1;
	reachable(sn, &d->ip.dst, reach);
	for (h = 0; h <= 256; h++) {
		v = &sn->node[vi];
		if (h > 0) {
			if (live && v->drop > 0 && rnd01(sn) < v->drop)
				return;
			if (owns(v, &d->ip.dst)) {
				a->node = (int)vi;
				a->hop = h;
				a->arrive_ttl = (uint8_t)ttl;
				a->host = 1;
				return;
			}
		}
		nc = 0;
		any = 0;
		for (j = 0; j < v->nsucc; j++)
			if (reach[v->succ[j]])
				any = 1;
		for (j = 0; j < v->nsucc; j++)
			if (!any || reach[v->succ[j]])
				cand[nc++] = v->succ[j];
		if (nc == 0 || (!any && v->unreach && h > 0)) {
			/* no route: an unreachable, or lost (a host) */
			if (h > 0 && v->unreach) {
				a->node = (int)vi;
				a->hop = h;
				a->arrive_ttl = (uint8_t)ttl;
				a->kind = SIMNET_A_UNREACH;
				a->code = (uint8_t)(v->unreach - 1);
			}
			return;
		}
		if (h > 0) {
			if (ttl <= 1) {
				a->node = (int)vi;
				a->hop = h;
				a->arrive_ttl = (uint8_t)ttl;
				a->kind = SIMNET_A_TIMEX;
				return;
			}
			ttl--;
		}
		if (nc == 1)
			vi = cand[0];
		else if (v->hash == SIMNET_HASH_PACKET)
			vi = cand[live ? rnd(sn) % nc : 0];
		else
			vi = cand[flow_hash(d, v->hash, node_key(sn, vi)) % nc];
	}
}

/* What the owning host answers to probe d (SIMNET_A_*, or NONE). */
static void
host_answer(const struct simnet_node *v, const struct ht_pkt *d,
    struct answer *a)
{
	a->kind = SIMNET_A_NONE;
	if (v->deaf || v->silent)
		return;
	switch (d->ip.proto) {
	case HT_PROTO_ICMP:
	case HT_PROTO_ICMP6:
		if (!v->noecho && d->kind == HT_PKT_PROBE)
			a->kind = SIMNET_A_ECHO;
		return;
	case HT_PROTO_UDP:
		if (!v->udp_open) {
			a->kind = SIMNET_A_UNREACH;
			a->code = d->ip.src.af == 6 ? 4 : 3;	/* port */
		}
		return;
	case HT_PROTO_TCP:
		if (v->tcp != SIMNET_TCP_DROP)
			a->kind = SIMNET_A_TCP;
		return;
	default:
		/* protocol unreachable */
		a->kind = SIMNET_A_UNREACH;
		a->code = d->ip.src.af == 6 ? 4 : 2;
		return;
	}
}

int
simnet_route(struct simnet *sn, const uint8_t *pkt, size_t len,
    unsigned int *hop, int *kind)
{
	struct ht_pkt d;
	struct answer a;

	if (ht_decode(DLT_RAW, pkt, len, &d) != HT_PKT_PROBE)
		return -1;
	walk(sn, &d, 0, &a);
	if (a.node < 0)
		return -1;
	if (a.host)
		host_answer(&sn->node[a.node], &d, &a);
	else if (sn->node[a.node].silent)
		return -1;
	if (a.kind == SIMNET_A_NONE)
		return -1;
	*hop = a.hop;
	*kind = a.kind;
	return a.node;
}

/* ---- writing packets -------------------------------------------------- */

/* A bounds-checked writer: a write past the end sets bad and is dropped. */
struct wbuf {
	uint8_t *p;
	size_t len, off;
	int bad;
};

static void
w_bytes(struct wbuf *w, const void *src, size_t n)
{
	if (w->bad || w->len - w->off < n) {
		w->bad = 1;
		return;
	}
	memcpy(w->p + w->off, src, n);
	w->off += n;
}

static void
w_u8(struct wbuf *w, uint8_t v)
{
	w_bytes(w, &v, 1);
}

static void
w_u16(struct wbuf *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	w_bytes(w, b, 2);
}

static void
w_u32(struct wbuf *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	w_bytes(w, b, 4);
}

/* Overwrite 2 bytes at off (a checksum, a length), within what is written. */
static void
w_put16(struct wbuf *w, size_t off, uint16_t v)
{
	if (w->bad || off + 2 > w->off) {
		w->bad = 1;
		return;
	}
	w->p[off] = (uint8_t)(v >> 8);
	w->p[off + 1] = (uint8_t)v;
}

/* RFC 1071 sum, not yet folded or complemented. */
static uint32_t
sum_bytes(uint32_t sum, const uint8_t *p, size_t n)
{
	for (; n > 1; n -= 2, p += 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (n)
		sum += (uint32_t)(p[0] << 8);
	return sum;
}

static uint16_t
fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The pseudo-header's sum (RFC 768, RFC 8200 s.8.1). */
static uint32_t
pseudo(const struct ht_addr *src, const struct ht_addr *dst, uint8_t proto,
    size_t len)
{
	size_t al = src->af == 6 ? 16 : 4;
	uint32_t s = 0;

	s = sum_bytes(s, src->a, al);
	s = sum_bytes(s, dst->a, al);
	s += proto;
	s += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff);
	return s;
}

/*
 * Start a frame: the link header, then an IP header of proto with room
 * for plen bytes after it.  Returns the offset of the payload.  df: the
 * IPv4 don't-fragment bit, with ID 0 (as Linux sends a TCP reset); else
 * an ID from the node's counter and no flags (as its ICMP socket sends).
 */
static size_t
w_ip(struct simnet *sn, struct wbuf *w, struct simnet_node *from,
    const struct ht_addr *src, const struct ht_addr *dst, uint8_t proto,
    uint8_t tos, uint8_t ttl, int df, size_t plen, size_t *ipoff)
{
	if (sn->dlt == DLT_EN10MB) {
		w_bytes(w, mac_host, 6);
		w_bytes(w, mac_gw, 6);
		w_u16(w, src->af == 6 ? 0x86dd : 0x0800);
	}
	*ipoff = w->off;
	if (src->af == 6) {
		/* Linux's automatic flow label: a hash of the flow, not 0 */
		uint32_t fl = hash_word(hash_addr(hash_addr(from->key ^ proto,
		    src), dst), 0x6c) & 0xfffff;

		w_u32(w, 6u << 28 | (uint32_t)tos << 20 | (fl ? fl : 1));
		w_u16(w, (uint16_t)plen);
		w_u8(w, proto);
		w_u8(w, ttl);
		w_bytes(w, src->a, 16);
		w_bytes(w, dst->a, 16);
	} else {
		w_u8(w, 0x45);
		w_u8(w, tos);
		w_u16(w, (uint16_t)(20 + plen));
		w_u16(w, df ? 0 : ++from->ipid);
		w_u16(w, df ? 0x4000 : 0);
		w_u8(w, ttl);
		w_u8(w, proto);
		w_u16(w, 0);
		w_bytes(w, src->a, 4);
		w_bytes(w, dst->a, 4);
		if (!w->bad)
			w_put16(w, *ipoff + 10,
			    fold(sum_bytes(0, w->p + *ipoff, 20)));
	}
	return w->off;
}

/* The transport checksum at l4off + ckoff over [l4off, w->off). */
static void
w_l4sum(struct wbuf *w, const struct ht_addr *src, const struct ht_addr *dst,
    uint8_t proto, size_t l4off, size_t ckoff)
{
	uint32_t s = 0;
	size_t n;

	if (w->bad || l4off > w->off)
		return;
	n = w->off - l4off;
	if (proto != HT_PROTO_ICMP)
		s = pseudo(src, dst, proto, n);
	s = sum_bytes(s, w->p + l4off, n);
	w_put16(w, l4off + ckoff, fold(s));
}

/* ---- the scheduled frames: a heap by (time, order) ------------------- */

static int
before(const struct simnet_frame *a, const struct simnet_frame *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

/* Schedule frame data (malloc'd; the queue's from now on, or freed). */
static int
q_push(struct simnet *sn, ht_ns t, uint8_t *data, size_t len, char *err)
{
	struct simnet_frame f, tmp, *nq;
	size_t i, parent, cap;

	if (sn->nq == MAXQ) {
		errf(err, "simnet: more than %u frames in flight", MAXQ);
		free(data);
		return -1;
	}
	if (sn->nq == sn->capq) {
		cap = sn->capq ? sn->capq * 2 : 64;
		if ((nq = realloc(sn->q, cap * sizeof(*nq))) == NULL) {
			errf(err, "simnet: out of memory");
			free(data);
			return -1;
		}
		sn->q = nq;
		sn->capq = cap;
	}
	f.data = data;
	f.len = (uint32_t)len;
	f.t = t;
	f.seq = sn->qseq++;
	i = sn->nq++;
	sn->q[i] = f;
	while (i > 0) {
		parent = (i - 1) / 2;
		if (!before(&sn->q[i], &sn->q[parent]))
			break;
		tmp = sn->q[i];
		sn->q[i] = sn->q[parent];
		sn->q[parent] = tmp;
		i = parent;
	}
	sn->n_frames++;
	return 0;
}

static void
q_pop(struct simnet *sn, struct simnet_frame *out)
{
	struct simnet_frame tmp;
	size_t i = 0, l, r, m;

	*out = sn->q[0];
	sn->q[0] = sn->q[--sn->nq];
	for (;;) {
		l = 2 * i + 1;
		r = l + 1;
		m = i;
		if (l < sn->nq && before(&sn->q[l], &sn->q[m]))
			m = l;
		if (r < sn->nq && before(&sn->q[r], &sn->q[m]))
			m = r;
		if (m == i)
			break;
		tmp = sn->q[i];
		sn->q[i] = sn->q[m];
		sn->q[m] = tmp;
		i = m;
	}
}

/* ---- answers ---------------------------------------------------------- */

/* May node v send an ICMP error now (its token bucket)? */
static int
rate_ok(struct simnet *sn, struct simnet_node *v)
{
	double dt;

	if (v->rate <= 0)
		return 1;
	if (v->tlast == 0)
		v->tokens = v->burst;
	else {
		dt = (double)(sn->now - v->tlast) / 1e9;
		v->tokens += dt * v->rate;
		if (v->tokens > v->burst)
			v->tokens = v->burst;
	}
	v->tlast = sn->now;
	if (v->tokens < 1)
		return 0;
	v->tokens -= 1;
	return 1;
}

/*
 * Build the answer a of node v to probe pkt (plen bytes, decoded as d)
 * into w.  Returns 0, or -1 when v cannot (no address in the family, a
 * probe it cannot read).
 */
static int
build_answer(struct simnet *sn, struct wbuf *w, struct simnet_node *v,
    const struct answer *a, const uint8_t *pkt, size_t plen,
    const struct ht_pkt *d)
{
	const int v6 = d->ip.src.af == 6;
	const struct ht_addr *src;
	uint8_t quote[ERR6_MAX];
	uint8_t ttl = (uint8_t)(v->ittl > a->hop - 1 ? v->ittl - (a->hop - 1) :
	    1);
	size_t ipoff, l4off, hl, qlen, qmax, n;
	struct buf b;
	uint8_t vhl, nh;
	uint16_t sum;

	/* the probe's own header length: the transport header follows */
	buf_init(&b, pkt, plen);
	if (buf_peek8(&b, 0, &vhl) < 0)
		return -1;
	if (v6) {
		hl = 40;
		if (buf_peek8(&b, 6, &nh) < 0)
			return -1;
	} else {
		hl = (size_t)(vhl & 0x0f) * 4;
		nh = d->ip.proto;
	}
	if (hl > plen)
		return -1;
	src = a->host ? &d->ip.dst : v6 ? &v->addr6 : &v->addr4;
	if (src->af == 0)
		return -1;
	switch (a->kind) {
	case SIMNET_A_TIMEX:
	case SIMNET_A_UNREACH:
		qmax = v6 ? ERR6_MAX - 48 : ERR4_MAX - 28;
		qlen = plen;
		if (v->quote != 0 && hl + v->quote < qlen)
			qlen = hl + v->quote;
		if (qlen > qmax)
			qlen = qmax;
		memcpy(quote, pkt, qlen);
		/* the probe as it arrived: its TTL, its header checksum */
		if (v6)
			quote[7] = a->arrive_ttl;
		else {
			quote[8] = a->arrive_ttl;
			quote[10] = quote[11] = 0;
			sum = fold(sum_bytes(0, quote, hl));
			quote[10] = (uint8_t)(sum >> 8);
			quote[11] = (uint8_t)sum;
		}
		l4off = w_ip(sn, w, v, src, &d->ip.src, v6 ? HT_PROTO_ICMP6 :
		    HT_PROTO_ICMP, v6 ? 0 : TOS_INTERNETCONTROL, ttl, 0, 8 + qlen,
		    &ipoff);
		if (v6)
			w_u8(w, a->kind == SIMNET_A_TIMEX ? HT_ICMP6_TIMXCEED :
			    HT_ICMP6_UNREACH);
		else
			w_u8(w, a->kind == SIMNET_A_TIMEX ? HT_ICMP_TIMXCEED :
			    HT_ICMP_UNREACH);
		w_u8(w, a->kind == SIMNET_A_TIMEX ? 0 : a->code);
		w_u16(w, 0);
		w_u32(w, 0);	/* unused (RFC 4884 length 0: no extensions) */
		w_bytes(w, quote, qlen);
		w_l4sum(w, src, &d->ip.src, v6 ? HT_PROTO_ICMP6 : HT_PROTO_ICMP,
		    l4off, 2);
		return w->bad ? -1 : 0;
	case SIMNET_A_ECHO:
		if (nh != d->ip.proto || d->ip.len < hl + 8)
			return -1;	/* extension headers: not read here */
		n = (size_t)d->ip.len - hl;
		if (hl + n > plen)
			return -1;
		l4off = w_ip(sn, w, v, src, &d->ip.src, d->ip.proto, 0, ttl, 0,
		    n, &ipoff);
		w_u8(w, v6 ? HT_ICMP6_ECHOREPLY : HT_ICMP_ECHOREPLY);
		w_u8(w, 0);
		w_u16(w, 0);
		/* identifier, sequence and data as they came */
		w_bytes(w, pkt + hl + 4, n - 4);
		w_l4sum(w, src, &d->ip.src, d->ip.proto, l4off, 2);
		return w->bad ? -1 : 0;
	case SIMNET_A_TCP:
		if (nh != HT_PROTO_TCP)
			return -1;
		l4off = w_ip(sn, w, v, src, &d->ip.src, HT_PROTO_TCP, 0, ttl, 1,
		    v->tcp == SIMNET_TCP_SYNACK ? 24 : 20, &ipoff);
		w_u16(w, d->l4.dport);
		w_u16(w, d->l4.sport);
		if (v->tcp == SIMNET_TCP_SYNACK) {
			/* an initial sequence number of its own */
			w_u32(w, (uint32_t)splitmix(sn->seed ^ d->l4.tseq ^
			    (uint64_t)d->l4.sport << 32));
			w_u32(w, d->l4.tseq + 1);
			w_u8(w, 6 << 4);
			w_u8(w, HT_TH_SYN | HT_TH_ACK);
			w_u16(w, 64240);
			w_u16(w, 0);
			w_u16(w, 0);
			w_u32(w, 0x020405b4);	/* MSS 1460 */
		} else {
			/* RFC 9293 s.3.10.7.1: seq 0, ack = SEG.SEQ + 1 */
			w_u32(w, 0);
			w_u32(w, d->l4.tseq + 1);
			w_u8(w, 5 << 4);
			w_u8(w, HT_TH_RST | HT_TH_ACK);
			w_u16(w, 0);
			w_u16(w, 0);
			w_u16(w, 0);
		}
		w_l4sum(w, src, &d->ip.src, HT_PROTO_TCP, l4off, 16);
		return w->bad ? -1 : 0;
	default:
		return -1;
	}
}

/* ---- struct ht_netio_ops ---------------------------------------------- */

/* The probe as the kernel sends it: IPv4 total length, ID and checksum. */
static void
kernel_fix(struct simnet *sn, uint8_t *p, size_t len)
{
	size_t hl;
	uint16_t sum;

	if (len < 20 || (p[0] >> 4) != 4)
		return;
	hl = (size_t)(p[0] & 0x0f) * 4;
	if (hl < 20 || hl > len)
		return;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	if (p[4] == 0 && p[5] == 0) {
		uint16_t id = (uint16_t)(rnd(sn) | 1);

		p[4] = (uint8_t)(id >> 8);
		p[5] = (uint8_t)id;
	}
	p[10] = p[11] = 0;
	sum = fold(sum_bytes(0, p, hl));
	p[10] = (uint8_t)(sum >> 8);
	p[11] = (uint8_t)sum;
}

static int
sim_send(void *io, const struct ht_addr *dst, const uint8_t *pkt, size_t len,
    char *err)
{
	struct simnet *sn = io;
	size_t off = sn->dlt == DLT_EN10MB ? ETH_HLEN : 0;
	uint8_t *frame, *ans, *probe;
	struct ht_pkt d;
	struct answer a;
	struct simnet_node *v;
	struct wbuf w;
	unsigned int i;
	ht_ns t;

	(void)dst;		/* the kernel routes by the header's */
	if (sn->closed) {
		errf(err, "simnet: send after close_send");
		return -1;
	}
	if (len == 0 || len > 65535) {
		errf(err, "simnet: a packet of %zu bytes", len);
		return -1;
	}
	if (sn->sndbuf != 0) {
		if (sn->sent_at != sn->now) {
			sn->sent_at = sn->now;
			sn->nsent_now = 0;
		}
		if (sn->nsent_now >= sn->sndbuf) {
			sn->n_full++;
			return 1;
		}
	}
	/* the kernel's copy: the capture sees it leave now */
	if ((frame = malloc(off + len)) == NULL) {
		errf(err, "simnet: out of memory");
		return -1;
	}
	probe = frame + off;
	memcpy(probe, pkt, len);
	kernel_fix(sn, probe, len);
	ht_decode(DLT_RAW, probe, len, &d);
	if (d.status == HT_DEC_OK && d.ip.dst.af != 0)
		for (i = 0; i < sn->nrefuse; i++)
			if (in_prefix(&d.ip.dst, &sn->refuse[i],
			    sn->refuse_len[i])) {
				sn->n_refused++;
				free(frame);
				return 2;
			}
	if (sn->sndbuf != 0)
		sn->nsent_now++;
	sn->n_sent++;
	if (off) {
		memcpy(frame, mac_gw, 6);
		memcpy(frame + 6, mac_host, 6);
		frame[12] = (probe[0] >> 4) == 6 ? 0x86 : 0x08;
		frame[13] = (probe[0] >> 4) == 6 ? 0xdd : 0x00;
	}
	if (q_push(sn, sn->now, frame, off + len, err) < 0)
		return -1;	/* frame is the queue's, or freed */
	if (d.kind != HT_PKT_PROBE) {
		sn->n_other++;
		return 0;
	}
	walk(sn, &d, 1, &a);
	if (a.node < 0)
		return 0;
	v = &sn->node[a.node];
	v->n_probes++;
	if (a.host)
		host_answer(v, &d, &a);
	else if (v->silent)
		a.kind = SIMNET_A_NONE;
	if (a.kind == SIMNET_A_NONE)
		return 0;
	/* the answer goes to the probe's source: is that us? */
	if (!ht_addr_eq(&d.ip.src, simnet_src(sn, d.ip.src.af)))
		return 0;
	if ((a.kind == SIMNET_A_TIMEX || a.kind == SIMNET_A_UNREACH) &&
	    !rate_ok(sn, v)) {
		v->n_limited++;
		return 0;
	}
	if (v->loss > 0 && rnd01(sn) < v->loss) {
		v->n_lost++;
		return 0;
	}
	t = sn->now + v->delay;
	if (v->jitter > 0)
		t += rnd(sn) % (v->jitter + 1);
	/* an answer is at most as long as the probe, or an ICMPv6 error */
	w.len = ETH_HLEN + (len > ERR6_MAX ? len : ERR6_MAX) + 64;
	if ((ans = malloc(w.len)) == NULL) {
		errf(err, "simnet: out of memory");
		return -1;
	}
	w.p = ans;
	w.off = 0;
	w.bad = 0;
	/* probe is the queue's copy: unchanged until next() hands it out */
	if (build_answer(sn, &w, v, &a, probe, len, &d) < 0) {
		free(ans);
		return 0;
	}
	v->n_answers++;
	return q_push(sn, t, ans, w.off, err) < 0 ? -1 : 0;
}

static int
sim_next(void *io, const uint8_t **data, uint32_t *caplen, uint32_t *len,
    ht_ns *ts, char *err)
{
	struct simnet *sn = io;

	(void)err;
	if (sn->have_cur) {
		free(sn->cur.data);
		sn->have_cur = 0;
	}
	if (sn->nq == 0 || sn->q[0].t > sn->now)
		return 0;
	q_pop(sn, &sn->cur);
	sn->have_cur = 1;
	*data = sn->cur.data;
	*caplen = *len = sn->cur.len;
	*ts = sn->cur.t;
	return 1;
}

static void
sim_keep(void *io)
{
	struct simnet *sn = io;

	if (!sn->have_cur)
		return;
	sn->n_kept++;
	if (sn->on_keep != NULL)
		sn->on_keep(sn->keep_arg, sn->cur.data, sn->cur.len, sn->cur.t);
}

static int
sim_wait(void *io, ht_ns timeout, int extra_fd, int *extra_ready, char *err)
{
	struct simnet *sn = io;
	ht_ns until, was = sn->now;

	*extra_ready = 0;
	sn->n_waits++;
	if (timeout > sn->limit)
		timeout = sn->limit + 1;
	until = sn->now + timeout;
	if (sn->nq != 0 && sn->q[0].t < until)
		until = sn->q[0].t;
	if (extra_fd >= 0 && sn->extra_at != 0 && sn->extra_at <= until) {
		until = sn->extra_at;
		*extra_ready = 1;
		sn->extra_at = 0;
	}
	if (until > sn->now)
		sn->now = until;
	if (sn->now - SIMNET_EPOCH > sn->limit) {
		errf(err, "simnet: more than %.0f s of virtual time",
		    (double)sn->limit / 1e9);
		return -1;
	}
	/* nothing due, nothing moved: a caller that waits forever */
	if (sn->now == was && !*extra_ready &&
	    (sn->nq == 0 || sn->q[0].t > sn->now)) {
		if (++sn->spin > MAXSPIN) {
			sn->spin = 0;
			errf(err, "simnet: %d waits in a row that move nothing",
			    MAXSPIN);
			return -1;
		}
	} else
		sn->spin = 0;
	return 0;
}

static ht_ns
sim_now(void *io)
{
	const struct simnet *sn = io;

	return sn->now;
}

static void
sim_close_send(void *io)
{
	struct simnet *sn = io;

	sn->closed = 1;
}

const struct ht_netio_ops simnet_ops = {
	sim_send, sim_next, sim_keep, sim_wait, sim_now, sim_close_send
};

void
simnet_netio(struct simnet *sn, struct ht_netio *net)
{
	net->ops = &simnet_ops;
	net->io = sn;
	net->dlt = sn->dlt;
}
