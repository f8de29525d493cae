/* \summary: a scan's run: its targets read first, its capture and senders, the summary */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <sys/random.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/netio.h"
#include "engine/note.h"
#include "engine/open.h"
#include "engine/replay.h"
#include "io/capture.h"
#include "io/route.h"
#include "mode/scan/scan.h"
#include "mode/scan/scan_probe.h"

#define SNAPLEN		256	/* headers, the quote's first 128 bytes */

/* What a scan reads before anything opens: its targets. */
struct scan_run {
	struct ht_scan_cfg c;
	struct ht_targets t;
	int have_t;
};

static int
load_targets(const struct ht_scan_cfg *c, struct ht_targets *t, int cover,
    char *err)
{
	char e2[HT_ERRBUF / 2];
	FILE *fp;
	const char *name = strcmp(c->targets, "-") == 0 ? "stdin" : c->targets;
	int rc;

	ht_targets_init(t, c->per_prefix, c->seed);
	t->cover = cover;
	t->only_af = c->af;
	if (strcmp(c->targets, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(c->targets, "r")) == NULL) {
		snprintf(err, HT_ERRBUF, "--targets %s: %s", name,
		    strerror(errno));
		return -1;
	}
	rc = ht_targets_read(t, fp, c->skip_bad, e2, sizeof(e2));
	if (fp != stdin)
		fclose(fp);
	if (rc < 0) {
		snprintf(err, HT_ERRBUF, "--targets %s: %s", name, e2);
		return -1;
	}
	if (t->skipped > 0)
		fprintf(stderr, "hoptrace: warning: --targets %s: %llu bad "
		    "line%s skipped (first: %s)\n", name,
		    (unsigned long long)t->skipped, t->skipped > 1 ? "s" : "",
		    t->first_bad);
	if (t->n == 0 && t->other_af > 0) {
		snprintf(err, HT_ERRBUF, "--targets %s: no IPv%d targets (-%d "
		    "left out %llu IPv%d line%s)", name, c->af, c->af,
		    (unsigned long long)t->other_af, c->af == 4 ? 6 : 4,
		    t->other_af > 1 ? "s" : "");
		return -1;
	}
	return 0;
}

/*
 * The -w file's first frame: a scan's (wire/note.h), so that its replay
 * is a scan's without --targets.
 */
static void
note_start(const struct ht_scan_cfg *c, uint16_t ident,
    struct ht_capture *cap)
{
	struct ht_note n;

	ht_note_init(&n, "start");
	ht_note_put(&n, "mode", "scan");
	ht_note_putf(&n, "proto", "%u", c->proto);
	ht_note_putf(&n, "ident", "%u", ident);
	ht_note_putf(&n, "first", "%u", c->first_ttl);
	ht_note_putf(&n, "max", "%u", c->max_ttl);
	ht_note_dump(cap, &n);
}

static void
summary(const struct ht_scan_cfg *c, const struct ht_scan_stats *st)
{
	/* from the first probe sent to the last (none when all were refused) */
	double el = st->sent > 0 && st->t_last > st->t_first ?
	    (double)(st->t_last - st->t_first) / 1e9 : 0;
	char stopped[48] = "";

	if (c->stop_set)
		snprintf(stopped, sizeof(stopped), " (%llu by the stop set)",
		    (unsigned long long)st->stopped);
	fprintf(stderr, "hoptrace: %llu targets, %llu probes sent in %.3f s "
	    "(%.0f pps, asked %.0f), %llu skipped%s, %llu refused; %llu "
	    "replies, %llu matched; %llu of %llu targets done%s\n",
	    (unsigned long long)st->targets, (unsigned long long)st->sent, el,
	    st->sent > 1 && el > 0 ? (double)(st->sent - 1) / el : 0, c->rate,
	    (unsigned long long)st->skipped, stopped,
	    (unsigned long long)st->refused,
	    (unsigned long long)st->replies, (unsigned long long)st->matched,
	    (unsigned long long)st->done, (unsigned long long)st->targets,
	    st->interrupted ? " (interrupted)" : "");
	if (st->drops > 0)
		fprintf(stderr, "hoptrace: warning: the capture dropped %u of "
		    "our packets (the ring was full)\n", st->drops);
}

/* The first target of family af, for its route and filter; -1: none. */
static int
first_of(const struct ht_targets *t, int af, struct ht_addr *a)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->r[i].base.af == af && t->r[i].count > 0) {
			ht_targets_get(t, t->r[i].first, a);
			return 0;
		}
	return -1;
}

/*
 * One family's probes (pc: source, the first target, the identifier):
 * the source is -s where given, else the route's to the first target.
 * 0; else the exit status, the message printed.
 */
static int
family_src(const struct ht_scan_cfg *c, const struct ht_targets *t, int af,
    struct ht_probe_cfg *pc, char *err)
{
	char e2[HT_ERRBUF / 2];
	struct ht_route rt;

	if (first_of(t, af, &pc->dst) < 0) {
		snprintf(err, HT_ERRBUF, "internal error: no IPv%s target",
		    af == 6 ? "6" : "4");
		return -1;
	}
	if (c->src != NULL) {
		if (ht_addr_parse(c->src, &pc->src) < 0 ||
		    pc->src.af != af) {
			if (t->fams == (HT_TGT_V4 | HT_TGT_V6))
				snprintf(err, HT_ERRBUF, "source (-s) '%s' is "
				    "of one family, the targets of two (give "
				    "-4 or -6: a run of one)", c->src);
			else
				snprintf(err, HT_ERRBUF, "source (-s) '%s' is "
				    "not an IPv%d address", c->src, af);
			return -2;
		}
		return 0;
	}
	if (ht_route_get(&pc->dst, c->dev, &rt, e2, sizeof(e2)) < 0 ||
	    rt.src.af != af) {
		snprintf(err, HT_ERRBUF, "no source address toward the "
		    "targets: %s", rt.src.af != af ? "no preferred source" : e2);
		return -1;
	}
	pc->src = rt.src;
	return 0;
}

int
ht_scan_prepare(const struct ht_scan_cfg *cin, void **runp, char *err)
{
	struct scan_run *run;

	if ((run = calloc(1, sizeof(*run))) == NULL) {
		snprintf(err, HT_ERRBUF, "out of memory");
		return -1;
	}
	run->c = *cin;
	if (run->c.seed == 0 && getrandom(&run->c.seed, sizeof(run->c.seed),
	    0) != (ssize_t)sizeof(run->c.seed))
		run->c.seed = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
	/* a replay with --targets keeps the rows of those targets */
	run->have_t = run->c.targets != NULL;
	if (run->have_t && load_targets(&run->c, &run->t,
	    run->c.rfile != NULL, err) < 0) {
		free(run);
		return -1;
	}
	if (run->c.rfile == NULL && run->t.total == 0) {
		snprintf(err, HT_ERRBUF, "--targets %s: no targets",
		    strcmp(run->c.targets, "-") == 0 ? "stdin" : run->c.targets);
		ht_scan_release(run);
		return -1;
	}
	*runp = run;
	return 0;
}

void
ht_scan_release(void *arg)
{
	struct scan_run *run = arg;

	if (run == NULL)
		return;
	if (run->have_t)
		ht_targets_free(&run->t);
	free(run);
}

int
ht_scan_replay_run(void *arg, struct ht_replay *rd, int json, FILE *out,
    char *err)
{
	struct scan_run *run = arg;

	/* no run: the capture chose the scan (its note), not --targets */
	return ht_scan_replay(rd, run != NULL && run->have_t ? &run->t : NULL,
	    json, out, err);
}

/* The scan's probes go to any target, each family by its own socket. */
static int
scan_send(void *arg, const struct ht_addr *dst, const uint8_t *pkt,
    size_t len, char *err)
{
	struct ht_scan_prober *const *pr = arg;

	return ht_scan_prober_send(pr[dst->af == 6], dst, pkt, len, err,
	    HT_ERRBUF);
}

int
ht_scan_live_run(void *arg, struct ht_capture *cap,
    int (*started)(void *, char *), void *started_arg, int *drops_told,
    FILE *out, char *err)
{
	struct scan_run *run = arg;
	const struct ht_scan_cfg *c = &run->c;
	struct ht_probe_cfg pc[2];
	struct ht_scan_prober *pr[2];
	struct ht_scan_stats st;
	struct ht_netio net;
	struct ht_netio_live nl;
	double frames;
	uint16_t ident;
	int rc, f, nfam;

	memset(&st, 0, sizeof(st));
	/* each family's source: -s, else the route to its first target */
	ident = (uint16_t)((getpid() & 0xffff) | 0x8000);
	nfam = 0;
	for (f = 0; f < 2; f++) {
		if (!(run->t.fams & (f ? HT_TGT_V6 : HT_TGT_V4)))
			continue;
		memset(&pc[nfam], 0, sizeof(pc[nfam]));
		if ((rc = family_src(c, &run->t, f ? 6 : 4, &pc[nfam],
		    err)) < 0)
			return rc;
		pc[nfam].method = c->proto == HT_PROTO_UDP ? HT_METHOD_UDP :
		    c->proto == HT_PROTO_TCP ? HT_METHOD_TCP : HT_METHOD_ICMP;
		pc[nfam].port = c->port;
		pc[nfam].ident = ident;
		pc[nfam].any_dst = 1;
		nfam++;
	}
	/*
	 * The ring holds half a second of probes and their answers at the
	 * rate asked (each captured once), 1 to 32 MiB.
	 */
	frames = c->rate * 0.5 * 2;
	if (frames * (SNAPLEN + 128) > 32 * 1024 * 1024)
		frames = 32.0 * 1024 * 1024 / (SNAPLEN + 128);
	if (frames * (SNAPLEN + 128) < 1024 * 1024)
		frames = 1024.0 * 1024 / (SNAPLEN + 128);
	if (ht_open_capture(c->dev, pc, nfam, SNAPLEN,
	    (int)(frames * (SNAPLEN + 128)), c->wfile, cap, err) < 0)
		return -1;
	if (c->wfile != NULL)
		note_start(c, ident, cap);
	pr[0] = pr[1] = NULL;
	for (f = 0, rc = 0; f < nfam && rc == 0; f++)
		if ((pr[pc[f].src.af == 6] = ht_scan_prober_open(&pc[f].src,
		    c->dev, c->proto, ident, c->port, 16, 0, err,
		    HT_ERRBUF)) == NULL)
			rc = -1;
	if (rc == 0) {
		ht_netio_live_init(&net, &nl, cap, NULL);
		nl.send = scan_send;
		nl.send_arg = (void *)(uintptr_t)pr;
		rc = ht_scan_live(c, &run->t, &net, pr, ident, started,
		    started_arg, out, &st, err);
	}
	ht_scan_prober_close(pr[0]);
	ht_scan_prober_close(pr[1]);
	if (rc < 0) {
		if (st.sent == 0 && c->wfile != NULL)
			unlink(c->wfile);	/* nothing was sent */
		return -1;
	}
	ht_capture_drops(cap, &st.drops);
	*drops_told = 1;
	summary(c, &st);
	return rc;
}
