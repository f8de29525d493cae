/* \summary: unit tests of the modes on the engine over the simulated network: trace, MDA, rounds */
/*
 * Each mode's live driver (ht_trace_run, ht_mda_run, ht_cont_run) runs on
 * the one engine (engine/engine.c) against a simulated network
 * (simnet.c) in virtual time, as a normal user, and what it prints is
 * held against the topology the test wrote:
 *
 * - trace: a chain prints its routers in order with the configured RTTs
 *   and ends at the destination (ICMP, UDP, TCP; IPv4 and IPv6); a
 *   silent hop prints "* * *"; a deaf destination ends after the gap
 *   limit's silent hops; a lossy hop shows its losses; -w keeps every
 *   probe and reply; the engine closes the sending side; the virtual
 *   time a trace takes is its slowest hop's, not its waits';
 * - MDA: the graph found is the topology's, link for link: diamonds of
 *   width 2, 4 and 8, meshed, nested, with UDP, TCP and ICMP (a balancer
 *   that hashes the checksum), and a chain of one path;
 * - rounds: over N rounds with a fixed seed, each hop's loss ratio is
 *   near the loss configured at it, and its times are its delay.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <check.h>
#include <pcap/dlt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "engine/engine.h"
#include "io/prober.h"
#include "mode/cont/cont.h"
#include "mode/mda/mda.h"
#include "mode/scan/scan.h"
#include "mode/scan/scan_probe.h"
#include "mode/trace/trace_mode.h"
#include "simnet.h"
#include "wire/decode.h"

#define MS	(HT_NS_PER_SEC / 1000)

struct run {
	struct simnet sn;
	struct ht_netio net;
	struct ht_live_cfg lc;
	struct ht_outctx o;
	struct ht_prober *pr;
	char *out;		/* what the mode printed */
	size_t outlen;
	FILE *fp;
	char err[HT_ERRBUF];
};

/* A network from text, a live configuration as main.c makes one. */
static void
run_init(struct run *r, const char *topo, enum ht_method m, const char *dst,
    int paris)
{
	const struct ht_addr *a;
	char ebuf[HT_ERRBUF];

	memset(r, 0, sizeof(*r));
	simnet_init(&r->sn, DLT_RAW, 1);
	ebuf[0] = '\0';
	ck_assert_msg(simnet_parse(&r->sn, topo, ebuf) == 0, "%s", ebuf);
	simnet_netio(&r->sn, &r->net);
	r->lc.probe.method = m;
	if ((a = simnet_addr(&r->sn, dst, 4)) != NULL)
		r->lc.probe.dst = *a;		/* a node's name */
	else
		ck_assert_int_eq(ht_addr_parse(dst, &r->lc.probe.dst), 0);
	r->lc.probe.src = *simnet_src(&r->sn, r->lc.probe.dst.af);
	r->lc.probe.ident = 0x8123;
	r->lc.probe.port = m == HT_METHOD_TCP ? 80 : 33434;
	r->lc.probe.paris = paris;
	r->lc.probe.payload = 32;
	r->lc.probe.dry = 1;
	r->lc.first_ttl = 1;
	r->lc.max_ttl = 30;
	r->lc.queries = 3;
	r->lc.simq = 30;
	r->lc.gap = 5;
	r->lc.wait = 5 * HT_NS_PER_SEC;
	r->lc.here_x = 3000;
	r->lc.near_x = 10000;
	r->lc.min_wait = 10 * MS;
	r->fp = open_memstream(&r->out, &r->outlen);
	ck_assert_ptr_nonnull(r->fp);
	r->o.fp = r->fp;
	r->o.max_hops = 30;
	r->o.queries = 3;
	r->o.first_ttl = 1;
	r->o.paris = paris;
	r->o.live = 1;
}

static void
run_prober(struct run *r)
{
	r->pr = ht_prober_open(&r->lc.probe, r->err, sizeof(r->err));
	ck_assert_msg(r->pr != NULL, "%s", r->err);
}

/* The output, complete. */
static const char *
run_out(struct run *r)
{
	ck_assert_int_eq(fclose(r->fp), 0);
	r->fp = NULL;
	return r->out;
}

static void
run_free(struct run *r)
{
	if (r->fp != NULL)
		fclose(r->fp);
	free(r->out);
	simnet_free(&r->sn);
}

/* ---- the one-path trace ----------------------------------------------- */

static const char *
trace(struct run *r)
{
	struct ht_live_stats st;
	int rc;

	run_prober(r);
	rc = ht_trace_run(&r->lc, &r->net, r->pr, &r->o, &st, r->err);
	ck_assert_msg(rc == 0, "rc %d: %s", rc, r->err);
	/* the engine closed the sending side and sent nothing after */
	ck_assert(r->sn.closed);
	return run_out(r);
}

static const char chain[] =
    "s>r1>r2>r3>t\n"
    "r1 delay=1\nr2 delay=2.5\nr3 delay=3\n"
    "t 198.51.100.7 2001:db8::7 delay=4\n";

START_TEST(test_trace_chain)
{
	struct run r;

	run_init(&r, chain, HT_METHOD_ICMP, "198.51.100.7", 0);
	ck_assert_str_eq(trace(&r),
	    "hoptrace to 198.51.100.7 (198.51.100.7), 30 hops max, "
	    "3 probes per hop, ICMP\n"
	    " 1  10.79.0.2  1.000 ms  1.000 ms  1.000 ms\n"
	    " 2  10.79.0.3  2.500 ms  2.500 ms  2.500 ms\n"
	    " 3  10.79.0.4  3.000 ms  3.000 ms  3.000 ms\n"
	    " 4  198.51.100.7  4.000 ms  4.000 ms  4.000 ms\n");
	/* one window of 30 probes left at once: TTL 4 to 10 reach t */
	ck_assert_uint_eq(r.sn.node[4].n_probes, 7 * 3);
	/* the trace took the destination's time, not a wait */
	ck_assert_uint_eq(r.sn.now - SIMNET_EPOCH, 4 * MS);
	run_free(&r);
}
END_TEST

START_TEST(test_trace_methods)
{
	struct run r;

	run_init(&r, chain, HT_METHOD_UDP, "198.51.100.7", 0);
	ck_assert_str_eq(trace(&r),
	    "hoptrace to 198.51.100.7 (198.51.100.7), 30 hops max, "
	    "3 probes per hop, UDP\n"
	    " 1  10.79.0.2  1.000 ms  1.000 ms  1.000 ms\n"
	    " 2  10.79.0.3  2.500 ms  2.500 ms  2.500 ms\n"
	    " 3  10.79.0.4  3.000 ms  3.000 ms  3.000 ms\n"
	    " 4  198.51.100.7  4.000 ms  4.000 ms  4.000 ms\n");
	run_free(&r);
	run_init(&r, chain, HT_METHOD_TCP, "198.51.100.7", 1);
	ck_assert_str_eq(trace(&r),
	    "hoptrace to 198.51.100.7 (198.51.100.7), 30 hops max, "
	    "3 probes per hop, TCP (Paris)\n"
	    " 1  10.79.0.2  1.000 ms  1.000 ms  1.000 ms\n"
	    " 2  10.79.0.3  2.500 ms  2.500 ms  2.500 ms\n"
	    " 3  10.79.0.4  3.000 ms  3.000 ms  3.000 ms\n"
	    " 4  198.51.100.7  4.000 ms [closed]  4.000 ms [closed]  "
	    "4.000 ms [closed]\n");
	run_free(&r);
	run_init(&r, chain, HT_METHOD_UDP, "2001:db8::7", 1);
	ck_assert_str_eq(trace(&r),
	    "hoptrace to 2001:db8::7 (2001:db8::7), 30 hops max, "
	    "3 probes per hop, UDP (Paris)\n"
	    " 1  fd79::2  1.000 ms  1.000 ms  1.000 ms\n"
	    " 2  fd79::3  2.500 ms  2.500 ms  2.500 ms\n"
	    " 3  fd79::4  3.000 ms  3.000 ms  3.000 ms\n"
	    " 4  2001:db8::7  4.000 ms  4.000 ms  4.000 ms\n");
	run_free(&r);
}
END_TEST

START_TEST(test_trace_silent)
{
	struct run r;

	run_init(&r, "s>r1>r2>r3>t\nr2 silent\nr3 delay=3\nt delay=4\n",
	    HT_METHOD_UDP, "t", 0);
	ck_assert_str_eq(trace(&r),
	    "hoptrace to 10.79.0.5 (10.79.0.5), 30 hops max, "
	    "3 probes per hop, UDP\n"
	    " 1  10.79.0.2  0.000 ms  0.000 ms  0.000 ms\n"
	    " 2  * * *\n"
	    " 3  10.79.0.4  3.000 ms  3.000 ms  3.000 ms\n"
	    " 4  10.79.0.5  4.000 ms  4.000 ms  4.000 ms\n");
	/*
	 * hop 2's wait: NEAR (10) times the fastest later answer, 30 ms,
	 * ended on the next whole millisecond after it (engine.c)
	 */
	ck_assert_uint_eq(r.sn.now - SIMNET_EPOCH, 31 * MS);
	run_free(&r);
}
END_TEST

START_TEST(test_trace_deaf)
{
	struct run r;
	const char *out;

	run_init(&r, "s>r1>r2>t\nr1 delay=1\nr2 delay=2\nt deaf\n",
	    HT_METHOD_ICMP, "t", 0);
	out = trace(&r);
	ck_assert_str_eq(out,
	    "hoptrace to 10.79.0.4 (10.79.0.4), 30 hops max, "
	    "3 probes per hop, ICMP\n"
	    " 1  10.79.0.2  1.000 ms  1.000 ms  1.000 ms\n"
	    " 2  10.79.0.3  2.000 ms  2.000 ms  2.000 ms\n"
	    " 3  * * *\n"
	    " 4  * * *\n"
	    " 5  * * *\n"
	    " 6  * * *\n"
	    " 7  * * *\n");
	/* the gap limit stopped it: no probe past the first window's
	 * (TTL 10), five silent hops printed */
	ck_assert_uint_eq(simnet_find(&r.sn, "t")->n_probes, 8 * 3);
	run_free(&r);
}
END_TEST

START_TEST(test_trace_loss)
{
	struct run r;
	const char *out;

	run_init(&r, "s>r1>r2>t\nr2 loss=0.5\nt delay=1\nnet seed=3\n",
	    HT_METHOD_ICMP, "t", 0);
	r.lc.queries = 10;
	r.o.queries = 10;
	out = trace(&r);
	/* the seed decides which; about half of hop 2's are "*" */
	ck_assert_msg(strstr(out, " 2  10.79.0.3") != NULL ||
	    strstr(out, " 2  * 10.79.0.3") != NULL ||
	    strstr(out, " 2  * * 10.79.0.3") != NULL, "%s", out);
	ck_assert_uint_eq(simnet_find(&r.sn, "r2")->n_lost +
	    simnet_find(&r.sn, "r2")->n_answers, 10);
	ck_assert_uint_gt(simnet_find(&r.sn, "r2")->n_lost, 1);
	ck_assert_uint_lt(simnet_find(&r.sn, "r2")->n_lost, 9);
	ck_assert(strstr(out, " 3  10.79.0.4  1.000 ms") != NULL);
	run_free(&r);
}
END_TEST

static void
count_keep(void *arg, const uint8_t *data, uint32_t len, ht_ns ts)
{
	unsigned int *n = arg;

	(void)data;
	(void)len;
	(void)ts;
	(*n)++;
}

/* -w: every probe and every reply the trace matched goes to the file. */
START_TEST(test_trace_keep)
{
	struct run r;
	unsigned int kept = 0;

	run_init(&r, chain, HT_METHOD_UDP, "198.51.100.7", 0);
	r.sn.on_keep = count_keep;
	r.sn.keep_arg = &kept;
	trace(&r);
	/* 30 probes left in the first window; 12 answered to hop 4, and
	 * the destination answered the 18 beyond too */
	ck_assert_uint_eq(r.sn.n_sent, 30);
	ck_assert_uint_eq(r.sn.n_kept, 30 + 30);
	ck_assert_uint_eq(kept, 60);
	run_free(&r);
}
END_TEST

/*
 * Classic UDP wanders across a diamond; Paris keeps one branch (which
 * ones: seed 1's balancer keys).
 */
START_TEST(test_trace_diamond)
{
	struct run r;

	run_init(&r, "s>r1>a,b,c,d>r3>t\n", HT_METHOD_UDP, "t", 0);
	ck_assert_str_eq(trace(&r),
	    "hoptrace to 10.79.0.8 (10.79.0.8), 30 hops max, "
	    "3 probes per hop, UDP\n"
	    " 1  10.79.0.2  0.000 ms  0.000 ms  0.000 ms\n"
	    " 2  10.79.0.4  0.000 ms  0.000 ms 10.79.0.3  0.000 ms\n"
	    " 3  10.79.0.7  0.000 ms  0.000 ms  0.000 ms\n"
	    " 4  10.79.0.8  0.000 ms  0.000 ms  0.000 ms\n");
	run_free(&r);
	run_init(&r, "s>r1>a,b,c,d>r3>t\n", HT_METHOD_UDP, "t", 1);
	ck_assert_str_eq(trace(&r),
	    "hoptrace to 10.79.0.8 (10.79.0.8), 30 hops max, "
	    "3 probes per hop, UDP (Paris)\n"
	    " 1  10.79.0.2  0.000 ms  0.000 ms  0.000 ms\n"
	    " 2  10.79.0.4  0.000 ms  0.000 ms  0.000 ms\n"
	    " 3  10.79.0.7  0.000 ms  0.000 ms  0.000 ms\n"
	    " 4  10.79.0.8  0.000 ms  0.000 ms  0.000 ms\n");
	run_free(&r);
}
END_TEST

/* A rate-limited router, an unreachable network, a refused address. */
START_TEST(test_trace_errors)
{
	struct run r;

	run_init(&r, "s>r1>r2>t\nr1 rate=1 burst=2\n", HT_METHOD_UDP, "t", 0);
	ck_assert_str_eq(trace(&r),
	    "hoptrace to 10.79.0.4 (10.79.0.4), 30 hops max, "
	    "3 probes per hop, UDP\n"
	    " 1  10.79.0.2  0.000 ms  0.000 ms  *\n"
	    " 2  10.79.0.3  0.000 ms  0.000 ms  0.000 ms\n"
	    " 3  10.79.0.4  0.000 ms  0.000 ms  0.000 ms\n");
	run_free(&r);
	run_init(&r, "s>r1>r2>t\nr2 unreach=net delay=2\n", HT_METHOD_UDP,
	    "192.0.2.1", 0);
	ck_assert_str_eq(trace(&r),
	    "hoptrace to 192.0.2.1 (192.0.2.1), 30 hops max, "
	    "3 probes per hop, UDP\n"
	    " 1  10.79.0.2  0.000 ms  0.000 ms  0.000 ms\n"
	    " 2  10.79.0.3  2.000 ms !N  2.000 ms !N  2.000 ms !N\n");
	run_free(&r);
	/* the kernel refuses: every probe lost, the run goes on to the gap */
	run_init(&r, "s>r1>r2>t\nnet refuse=10.79.0.0/24\n", HT_METHOD_ICMP,
	    "t", 0);
	ck_assert_str_eq(trace(&r),
	    "hoptrace to 10.79.0.4 (10.79.0.4), 30 hops max, "
	    "3 probes per hop, ICMP\n"
	    " 1  * * *\n 2  * * *\n 3  * * *\n 4  * * *\n 5  * * *\n");
	ck_assert_uint_eq(r.sn.n_refused, 30);
	ck_assert_uint_eq(r.sn.n_sent, 0);
	/* a refused probe is lost at once: no wait for its answer */
	ck_assert_uint_eq(r.sn.now - SIMNET_EPOCH, 0);
	run_free(&r);
}
END_TEST

/*
 * A socket that takes 4 probes at one instant: the engine holds the rest
 * and sends them, in order, as the socket takes them; none is lost.
 */
START_TEST(test_trace_full_socket)
{
	struct run r;

	run_init(&r, chain, HT_METHOD_ICMP, "198.51.100.7", 0);
	r.sn.sndbuf = 4;
	ck_assert_str_eq(trace(&r),
	    "hoptrace to 198.51.100.7 (198.51.100.7), 30 hops max, "
	    "3 probes per hop, ICMP\n"
	    " 1  10.79.0.2  1.000 ms  1.000 ms  1.000 ms\n"
	    " 2  10.79.0.3  2.500 ms  2.500 ms  2.500 ms\n"
	    " 3  10.79.0.4  3.000 ms  3.000 ms  3.000 ms\n"
	    " 4  198.51.100.7  4.000 ms  4.000 ms  4.000 ms\n");
	ck_assert_uint_gt(r.sn.n_full, 0);
	ck_assert_uint_eq(r.sn.n_refused, 0);
	run_free(&r);
}
END_TEST

struct stamps {
	ht_ns t[64];
	unsigned int n;
};

static void
probe_stamps(void *arg, const uint8_t *data, uint32_t len, ht_ns ts)
{
	struct stamps *st = arg;
	struct ht_pkt d;

	if (ht_decode(DLT_RAW, data, len, &d) == HT_PKT_PROBE && st->n < 64)
		st->t[st->n++] = ts;
}

/* -z: the probes leave exactly that far apart, in virtual time. */
START_TEST(test_trace_send_gap)
{
	struct run r;
	struct stamps st;
	unsigned int i;

	memset(&st, 0, sizeof(st));
	run_init(&r, chain, HT_METHOD_ICMP, "198.51.100.7", 0);
	r.lc.send_gap = 7 * MS;
	r.sn.on_keep = probe_stamps;
	r.sn.keep_arg = &st;
	ck_assert_str_eq(trace(&r),
	    "hoptrace to 198.51.100.7 (198.51.100.7), 30 hops max, "
	    "3 probes per hop, ICMP\n"
	    " 1  10.79.0.2  1.000 ms  1.000 ms  1.000 ms\n"
	    " 2  10.79.0.3  2.500 ms  2.500 ms  2.500 ms\n"
	    " 3  10.79.0.4  3.000 ms  3.000 ms  3.000 ms\n"
	    " 4  198.51.100.7  4.000 ms  4.000 ms  4.000 ms\n");
	/* hop 4's first answer (probe 10, 63 + 4 ms) ends the sending */
	ck_assert_uint_eq(st.n, 12);
	for (i = 0; i < st.n; i++)
		ck_assert_uint_eq(st.t[i] - SIMNET_EPOCH, i * 7 * MS);
	ck_assert_uint_eq(r.sn.now - SIMNET_EPOCH, 11 * 7 * MS + 4 * MS);
	run_free(&r);
}
END_TEST

/* ---- multipath discovery ---------------------------------------------- */

/*
 * The links of the text graph ht_mda_text printed, "A>B" each, sorted,
 * joined by spaces; and those of the topology (but the source's), by
 * address too.
 */
static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
join_sorted(char **v, size_t n, char *out, size_t len)
{
	size_t i;

	qsort(v, n, sizeof(*v), cmp_str);
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strncat(out, " ", len - strlen(out) - 1);
		strncat(out, v[i], len - strlen(out) - 1);
		free(v[i]);
	}
}

static void
printed_links(const char *text, char *out, size_t len)
{
	char *v[512], from[64] = "", to[64], line[512];
	const char *p = text, *e;
	size_t n = 0, k;

	while (*p) {
		e = strchr(p, '\n');
		k = e ? (size_t)(e - p) : strlen(p);
		if (k >= sizeof(line))
			k = sizeof(line) - 1;
		memcpy(line, p, k);
		line[k] = '\0';
		p = e ? e + 1 : p + k;
		if (sscanf(line, "      -> %63s", to) == 1 && n < 512) {
			v[n] = malloc(strlen(from) + strlen(to) + 2);
			ck_assert_ptr_nonnull(v[n]);
			sprintf(v[n++], "%s>%s", from, to);
		} else if (strncmp(line, "    ", 4) == 0 && line[4] != ' ')
			sscanf(line, "    %63s", from);
	}
	join_sorted(v, n, out, len);
}

static void
topo_links(struct simnet *sn, char *out, size_t len)
{
	char *v[512], a[HT_ADDRSTRLEN], b[HT_ADDRSTRLEN];
	unsigned int i, j;
	size_t n = 0;

	for (i = 1; i < sn->nn; i++)
		for (j = 0; j < sn->node[i].nsucc && n < 512; j++) {
			ht_addr_str(&sn->node[i].addr4, a);
			ht_addr_str(&sn->node[sn->node[i].succ[j]].addr4, b);
			v[n] = malloc(strlen(a) + strlen(b) + 2);
			ck_assert_ptr_nonnull(v[n]);
			sprintf(v[n++], "%s>%s", a, b);
		}
	join_sorted(v, n, out, len);
}

/* Run MDA on topo; its graph must be the topology's. */
static void
mda_run(const char *topo, enum ht_method m, int lite)
{
	static char got[8192], want[8192];
	struct run r;
	struct ht_mda_cfg mc;
	struct ht_mda_stats st;
	const char *out;
	int rc;

	run_init(&r, topo, m, "t", 1);
	r.lc.probe.cksum_flow = 1;	/* ICMP: the checksum is the flow */
	r.lc.gap = 3;
	memset(&mc, 0, sizeof(mc));
	mc.lite = lite;
	mc.confidence = 0.99;
	mc.max_probes = 20000;
	run_prober(&r);
	rc = ht_mda_run(&r.lc, &mc, &r.net, r.pr, &r.o, &st, r.err);
	ck_assert_msg(rc == 0, "rc %d: %s", rc, r.err);
	ck_assert(!st.budget_spent);
	out = run_out(&r);
	printed_links(out, got, sizeof(got));
	topo_links(&r.sn, want, sizeof(want));
	ck_assert_msg(strcmp(got, want) == 0, "%s\nfound: %s\nwant:  %s", out,
	    got, want);
	ck_assert(strstr(out, "[destination]") != NULL);
	if (getenv("SHOW") != NULL)
		fputs(out, stderr);
	run_free(&r);
}

START_TEST(test_mda_chain)
{
	mda_run("s>r1>r2>r3>t\n", HT_METHOD_UDP, 1);
}
END_TEST

START_TEST(test_mda_diamonds)
{
	mda_run("s>r1>a,b>r3>t\n", HT_METHOD_UDP, 1);
	mda_run("s>r1>a,b,c,d>r3>t\n", HT_METHOD_UDP, 1);
	mda_run("s>r1>a,b,c,d,e,f,g,h>r3>t\n", HT_METHOD_UDP, 1);
	mda_run("s>r1>a,b,c,d>r3>t\n", HT_METHOD_UDP, 0);
	mda_run("s>r1>a,b,c,d>r3>t\n", HT_METHOD_TCP, 1);
	mda_run("s>r1>a,b,c,d>r3>t\n", HT_METHOD_ICMP, 1);
}
END_TEST

START_TEST(test_mda_shapes)
{
	/* meshed: both halves balance, every a,b to every c,d */
	mda_run("s>r1>a,b>c,d>t\n", HT_METHOD_UDP, 1);
	/* nested: a diamond inside one branch of another */
	mda_run("s>r1>a,b\na>c,d\nc,d>e\nb>e\ne>t\n", HT_METHOD_UDP, 1);
	/* two diamonds in a row */
	mda_run("s>r1>a,b>r2>c,d,e>r3>t\n", HT_METHOD_UDP, 1);
}
END_TEST

/* ---- rounds ----------------------------------------------------------- */

/* The CSV row of hop h: its loss %, sent and average RTT. */
static int
csv_hop(const char *csv, int h, double *loss, unsigned int *snt,
    double *avg)
{
	char line[1024];
	const char *p = csv, *e;
	size_t k;
	int hop;
	char ip[64];

	while (*p) {
		e = strchr(p, '\n');
		k = e ? (size_t)(e - p) : strlen(p);
		if (k >= sizeof(line))
			k = sizeof(line) - 1;
		memcpy(line, p, k);
		line[k] = '\0';
		p = e ? e + 1 : p + k;
		/* Mtr_Version,Start_Time,Status,Host,Hop,Ip,Loss%,Snt,
		 * ,Last,Avg,... */
		if (sscanf(line, "%*[^,],%*[^,],%*[^,],%*[^,],%d,%63[^,],%lf,"
		    "%u,%*[^,],%*[^,],%lf", &hop, ip, loss, snt, avg) == 5 &&
		    hop == h)
			return 0;
	}
	return -1;
}

START_TEST(test_cont_loss)
{
	struct run r;
	struct ht_cont_cfg cc;
	const char *out;
	double loss, avg;
	unsigned int snt;
	int rc;

	run_init(&r, "s>r1>r2>r3>t\nr1 delay=1\nr2 loss=0.2 delay=2\n"
	    "r3 delay=3\nt loss=0.5 delay=4\nnet seed=11\n",
	    HT_METHOD_ICMP, "t", 1);
	r.lc.simq = 8;
	r.lc.gap = 5;
	memset(&cc, 0, sizeof(cc));
	cc.count = 400;
	cc.interval = HT_NS_PER_SEC;
	cc.fmt = HT_CONT_CSV;
	cc.local = "simnet";
	cc.flows = 1;
	cc.pace = 1;
	run_prober(&r);
	rc = ht_cont_run(&r.lc, &cc, &r.net, r.pr, &r.o, r.err);
	ck_assert_msg(rc == 0, "rc %d: %s", rc, r.err);
	out = run_out(&r);
	ck_assert_msg(csv_hop(out, 1, &loss, &snt, &avg) == 0, "%s", out);
	ck_assert_uint_eq(snt, 400);
	ck_assert_msg(loss == 0 && avg > 0.99 && avg < 1.01, "%s", out);
	/* binomial(400, 0.2): sd 2% */
	ck_assert_int_eq(csv_hop(out, 2, &loss, &snt, &avg), 0);
	ck_assert_msg(loss > 20 - 7 && loss < 20 + 7, "hop 2 loss %g%%\n%s",
	    loss, out);
	ck_assert_msg(avg > 1.99 && avg < 2.01, "%s", out);
	ck_assert_int_eq(csv_hop(out, 4, &loss, &snt, &avg), 0);
	ck_assert_msg(loss > 50 - 9 && loss < 50 + 9, "hop 4 loss %g%%\n%s",
	    loss, out);
	ck_assert_msg(avg > 3.99 && avg < 4.01, "%s", out);
	/* 400 rounds a second apart, in virtual time */
	ck_assert_uint_ge(r.sn.now - SIMNET_EPOCH, 399 * HT_NS_PER_SEC);
	ck_assert_uint_lt(r.sn.now - SIMNET_EPOCH, 420 * HT_NS_PER_SEC);
	run_free(&r);
}
END_TEST

/*
 * --flows: K Paris flows side by side over a width-4 diamond.  Each
 * flow's table shows one responder at the diamond's hop, the branch the
 * simulated balancer sends that flow to (simnet_route), and no other.
 */
START_TEST(test_cont_flows)
{
	struct run r;
	struct ht_cont_cfg cc;
	struct ht_prober *pr;
	uint8_t pkt[HT_PROBE_MAX];
	char want[64], line[256], a[HT_ADDRSTRLEN];
	const char *out, *p, *q;
	unsigned int f, hop, branches = 0, seen[SIMNET_MAXNODE];
	size_t ipoff;
	int n, kind, v, rc;

	run_init(&r, "s>r1>a,b,c,d>r3>t\n", HT_METHOD_UDP, "t", 1);
	memset(&cc, 0, sizeof(cc));
	cc.count = 20;
	cc.interval = HT_NS_PER_SEC;
	cc.fmt = HT_CONT_REPORT;
	cc.local = "simnet";
	cc.flows = 8;
	cc.pace = 1;
	run_prober(&r);
	rc = ht_cont_run(&r.lc, &cc, &r.net, r.pr, &r.o, r.err);
	ck_assert_msg(rc == 0, "rc %d: %s", rc, r.err);
	out = run_out(&r);
	ck_assert(strstr(out, "`|--") == NULL);	/* one responder a hop */
	memset(seen, 0, sizeof(seen));
	pr = ht_prober_open(&r.lc.probe, r.err, sizeof(r.err));
	ck_assert_ptr_nonnull(pr);
	for (f = 0; f < 8; f++) {
		ht_prober_set_port(pr, (uint16_t)(33434 + f));
		n = ht_prober_build(pr, 0, 2, pkt, sizeof(pkt), &ipoff, r.err,
		    sizeof(r.err));
		ck_assert_int_gt(n, 0);
		v = simnet_route(&r.sn, pkt, (size_t)n, &hop, &kind);
		ck_assert_int_ge(v, 0);
		branches += !seen[v]++;
		snprintf(want, sizeof(want), "Flow %u of 8: UDP port %u\n",
		    f + 1, 33434 + f);
		p = strstr(out, want);
		ck_assert_msg(p != NULL, "%s", out);
		p = strstr(p, "  2.|-- ");
		ck_assert_ptr_nonnull(p);
		q = strchr(p, '\n');
		ck_assert_ptr_nonnull(q);
		snprintf(line, sizeof(line), "%.*s", (int)(q - p), p);
		snprintf(want, sizeof(want), "  2.|-- %s ",
		    ht_addr_str(&r.sn.node[v].addr4, a));
		ck_assert_msg(strncmp(line, want, strlen(want)) == 0,
		    "flow %u: %s, want %s", f, line, want);
		ck_assert_msg(strstr(line, " 0.0%    20 ") != NULL, "%s", line);
	}
	ck_assert_uint_ge(branches, 2);
	ht_prober_close(pr);
	run_free(&r);
}
END_TEST

/* ---- many targets ----------------------------------------------------- */

/*
 * A scan of an AnyIP /28 behind two routers (the prefix's host answers
 * for every address): every target shows r1 at TTL 1, r2 at TTL 2 and
 * itself at TTL 3, and nothing is probed past TTL 3 once a target has
 * answered there (the stop rule), so rows beyond it come only from
 * probes that left before the answer.
 */
START_TEST(test_scan_anyip)
{
	struct simnet sn;
	struct ht_netio net;
	struct ht_scan_cfg c;
	struct ht_targets t;
	struct ht_scan_stats st;
	struct ht_scan_prober *pr[2] = { NULL, NULL };
	const struct ht_addr *src;
	char err[HT_ERRBUF], *out = NULL, *line, *save = NULL;
	char tgt[64], from[64];
	size_t outlen = 0;
	unsigned int ttl, seen[16][4], i, k, rows = 0;
	FILE *fp;
	int rc;

	simnet_init(&sn, DLT_RAW, 3);
	err[0] = '\0';
	ck_assert_msg(simnet_parse(&sn, "s>r1>r2>t\n"
	    "r1 delay=1\nr2 delay=2\nt 198.51.100.16 anyip=/28 delay=3\n",
	    err) == 0, "%s", err);
	simnet_netio(&sn, &net);
	memset(&c, 0, sizeof(c));
	c.rate = 1000;
	c.first_ttl = 1;
	c.max_ttl = 8;
	c.gap = 3;
	c.wait = HT_NS_PER_SEC;
	c.rows = 1;
	c.seed = 42;
	ht_targets_init(&t, 0, c.seed);
	ck_assert_int_eq(ht_targets_line(&t, "198.51.100.16/28", 1, err,
	    sizeof(err)), 1);
	ck_assert_int_eq(ht_targets_finish(&t), 0);
	ck_assert_uint_eq(t.total, 16);
	src = simnet_src(&sn, 4);
	pr[0] = ht_scan_prober_open(src, NULL, 0, 0x8123, 33434, 16, 1, err,
	    sizeof(err));
	ck_assert_msg(pr[0] != NULL, "%s", err);
	fp = open_memstream(&out, &outlen);
	ck_assert_ptr_nonnull(fp);
	memset(&st, 0, sizeof(st));
	rc = ht_scan_live(&c, &t, &net, pr, 0x8123, NULL, NULL, fp, &st, err);
	ck_assert_msg(rc == 0, "rc %d: %s", rc, err);
	ck_assert_int_eq(fclose(fp), 0);
	memset(seen, 0, sizeof(seen));
	for (line = strtok_r(out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		ck_assert_int_eq(sscanf(line, "{\"target\":\"%63[^\"]\","
		    "\"ttl\":%u,\"responder\":\"%63[^\"]\"", tgt, &ttl,
		    from), 3);
		k = (unsigned int)atoi(strrchr(tgt, '.') + 1) - 16;
		ck_assert_uint_lt(k, 16);
		ck_assert_uint_ge(ttl, 1);
		if (ttl == 1)
			ck_assert_str_eq(from, "10.79.0.2");
		else if (ttl == 2)
			ck_assert_str_eq(from, "10.79.0.3");
		else
			ck_assert_str_eq(from, tgt);	/* the target itself */
		if (ttl <= 3)
			seen[k][ttl]++;
		rows++;
	}
	for (i = 0; i < 16; i++)
		for (ttl = 1; ttl <= 3; ttl++)
			ck_assert_msg(seen[i][ttl] == 1, "target %u TTL %u: %u "
			    "rows", i, ttl, seen[i][ttl]);
	/* every reply is a row; every pair taken, sent or skipped */
	ck_assert_uint_eq(st.matched, rows);
	ck_assert_uint_eq(st.sent + st.skipped, 16 * 8);
	ck_assert_uint_gt(st.skipped, 0);
	ck_assert_uint_eq(st.done, 16);
	ck_assert_uint_eq(sn.n_sent, st.sent);
	ht_scan_prober_close(pr[0]);
	ht_targets_free(&t);
	free(out);
	simnet_free(&sn);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("trace");

	tcase_add_test(tc, test_trace_chain);
	tcase_add_test(tc, test_trace_methods);
	tcase_add_test(tc, test_trace_silent);
	tcase_add_test(tc, test_trace_deaf);
	tcase_add_test(tc, test_trace_loss);
	tcase_add_test(tc, test_trace_keep);
	tcase_add_test(tc, test_trace_diamond);
	tcase_add_test(tc, test_trace_errors);
	tcase_add_test(tc, test_trace_full_socket);
	tcase_add_test(tc, test_trace_send_gap);
	suite_add_tcase(s, tc);
	tc = tcase_create("mda");
	tcase_add_test(tc, test_mda_chain);
	tcase_add_test(tc, test_mda_diamonds);
	tcase_add_test(tc, test_mda_shapes);
	suite_add_tcase(s, tc);
	tc = tcase_create("cont");
	tcase_add_test(tc, test_cont_loss);
	tcase_add_test(tc, test_cont_flows);
	suite_add_tcase(s, tc);
	tc = tcase_create("scan");
	tcase_add_test(tc, test_scan_anyip);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	int nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
