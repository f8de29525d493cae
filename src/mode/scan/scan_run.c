/* \summary: a scan's start: targets, privileged handles, privilege drop, run */
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

#include "engine/note.h"
#include "engine/replay.h"
#include "io/capture.h"
#include "io/priv.h"
#include "io/prober.h"
#include "io/route.h"
#include "mode/scan/scan.h"
#include "mode/scan/scan_probe.h"
#include "wire/decode.h"
#include "wire/filter.h"

#define EXIT_RUNTIME	1
#define SNAPLEN		256	/* headers, the quote's first 128 bytes */

static int
fail(const char *fmt, const char *a, const char *b)
{
	fputs("hoptrace: ", stderr);
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	return EXIT_RUNTIME;
}

static int
load_targets(const struct ht_scan_cfg *c, struct ht_targets *t, int cover)
{
	char err[HT_ERRBUF];
	FILE *fp;
	const char *name = strcmp(c->targets, "-") == 0 ? "stdin" : c->targets;
	int rc;

	ht_targets_init(t, c->per_prefix, c->seed);
	t->cover = cover;
	t->only_af = c->af;
	if (strcmp(c->targets, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(c->targets, "r")) == NULL)
		return fail("--targets %s: %s", name, strerror(errno));
	rc = ht_targets_read(t, fp, c->skip_bad, err, sizeof(err));
	if (fp != stdin)
		fclose(fp);
	if (rc < 0)
		return fail("--targets %s: %s", name, err);
	if (t->skipped > 0)
		fprintf(stderr, "hoptrace: warning: --targets %s: %llu bad "
		    "line%s skipped (first: %s)\n", name,
		    (unsigned long long)t->skipped, t->skipped > 1 ? "s" : "",
		    t->first_bad);
	if (t->n == 0 && t->other_af > 0) {
		snprintf(err, sizeof(err), "no IPv%d targets (-%d left out "
		    "%llu IPv%d line%s)", c->af, c->af,
		    (unsigned long long)t->other_af, c->af == 4 ? 6 : 4,
		    t->other_af > 1 ? "s" : "");
		return fail("--targets %s: %s", name, err);
	}
	return 0;
}

static int
replay(const struct ht_scan_cfg *c, FILE *out)
{
	char err[HT_ERRBUF];
	struct ht_capture cap;
	struct ht_replay rd;
	struct ht_targets t;
	struct ht_user user;
	const char *name = strcmp(c->rfile, "-") == 0 ? "stdin" : c->rfile;
	int have_t = c->targets != NULL;

	memset(&rd, 0, sizeof(rd));
	if (have_t && load_targets(c, &t, 1) != 0)
		return EXIT_RUNTIME;
	if (ht_capture_open_file(&cap, c->rfile, err) < 0) {
		fprintf(stderr, "hoptrace: %s\n", err);
		if (have_t)
			ht_targets_free(&t);
		return EXIT_RUNTIME;
	}
	if (ht_priv_lookup(c->user, &user, err, sizeof(err)) < 0 ||
	    ht_drop_privileges(&user, err, sizeof(err)) < 0 ||
	    ht_replay_open(&rd, &cap, err) < 0 ||
	    ht_scan_replay(&rd, have_t ? &t : NULL, c->json, out, err) < 0) {
		fprintf(stderr, "hoptrace: %s: %s\n", name, err);
		ht_replay_close(&rd);
		ht_capture_close(&cap);
		if (have_t)
			ht_targets_free(&t);
		return EXIT_RUNTIME;
	}
	ht_replay_close(&rd);
	ht_capture_close(&cap);
	if (have_t)
		ht_targets_free(&t);
	if (rd.st.truncated)
		fprintf(stderr, "hoptrace: warning: %s: capture damaged or "
		    "cut short after %llu packets: %s\n", name,
		    (unsigned long long)rd.st.packets, rd.st.warning);
	if (fflush(out) != 0 || ferror(out))
		return fail("cannot write output: %s%s", strerror(errno), "");
	return 0;
}

/*
 * The -w file's first frame (wire/note.h): a scan's, so that -r replays
 * it as one without being told.
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
    struct ht_probe_cfg *pc)
{
	char err[HT_ERRBUF];
	struct ht_route rt;

	if (first_of(t, af, &pc->dst) < 0)
		return fail("internal error: no IPv%s target%s", af == 6 ?
		    "6" : "4", "");
	if (c->src != NULL) {
		if (ht_addr_parse(c->src, &pc->src) < 0 ||
		    pc->src.af != af) {
			if (t->fams == (HT_TGT_V4 | HT_TGT_V6))
				fprintf(stderr, "hoptrace: source (-s) '%s' "
				    "is of one family, the targets of two "
				    "(give -4 or -6: a run of one)\n", c->src);
			else
				fprintf(stderr, "hoptrace: source (-s) '%s' is "
				    "not an IPv%d address\n", c->src, af);
			return 2;
		}
		return 0;
	}
	if (ht_route_get(&pc->dst, c->dev, &rt, err, sizeof(err)) < 0 ||
	    rt.src.af != af)
		return fail("no source address toward the targets: %s%s",
		    rt.src.af != af ? "no preferred source" : err, "");
	pc->src = rt.src;
	return 0;
}

/*
 * Admit both families' probes and answers: a program built here where
 * one family is probed and the link type allows, else libpcap compiles
 * the text (the two families' joined by "or").
 */
static int
scan_filter(struct ht_capture *cap, const struct ht_probe_cfg *pc,
    int nfam, char *err)
{
	struct ht_filter prog;
	char text[2][1024], both[2100];

	if (nfam == 1 && ht_filter_build(&pc[0], cap->dlt, SNAPLEN,
	    &prog) == 0)
		return ht_capture_attach(cap, prog.insn, prog.n, err);
	if (ht_filter_expr(&pc[0], text[0], sizeof(text[0])) < 0 ||
	    (nfam == 2 && ht_filter_expr(&pc[1], text[1],
	    sizeof(text[1])) < 0)) {
		snprintf(err, HT_ERRBUF, "internal error: filter too long");
		return -1;
	}
	if (nfam == 1)
		return ht_capture_filter(cap, text[0], err);
	snprintf(both, sizeof(both), "(%s) or (%s)", text[0], text[1]);
	return ht_capture_filter(cap, both, err);
}

int
ht_scan_run(const struct ht_scan_cfg *cin, FILE *out)
{
	char err[HT_ERRBUF];
	struct ht_scan_cfg c = *cin;
	struct ht_targets t;
	struct ht_probe_cfg pc[2];
	struct ht_capture cap;
	struct ht_scan_prober *pr[2];
	struct ht_scan_stats st;
	struct ht_user user;
	double frames;
	uint16_t ident;
	int rc, f, nfam;

	if (c.seed == 0 && getrandom(&c.seed, sizeof(c.seed), 0) !=
	    (ssize_t)sizeof(c.seed))
		c.seed = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
	if (c.rfile != NULL)
		return replay(&c, out);
	if (load_targets(&c, &t, 0) != 0)
		return EXIT_RUNTIME;
	memset(&st, 0, sizeof(st));
	if (t.total == 0) {
		ht_targets_free(&t);
		fprintf(stderr, "hoptrace: --targets %s: no targets\n",
		    strcmp(c.targets, "-") == 0 ? "stdin" : c.targets);
		return EXIT_RUNTIME;
	}
	if (ht_priv_lookup(c.user, &user, err, sizeof(err)) < 0) {
		ht_targets_free(&t);
		return fail("%s%s", err, "");
	}
	/* each family's source: -s, else the route to its first target */
	ident = (uint16_t)((getpid() & 0xffff) | 0x8000);
	nfam = 0;
	for (f = 0; f < 2; f++) {
		if (!(t.fams & (f ? HT_TGT_V6 : HT_TGT_V4)))
			continue;
		memset(&pc[nfam], 0, sizeof(pc[nfam]));
		if ((rc = family_src(&c, &t, f ? 6 : 4, &pc[nfam])) != 0) {
			ht_targets_free(&t);
			return rc;
		}
		pc[nfam].method = c.proto == HT_PROTO_UDP ? HT_METHOD_UDP :
		    c.proto == HT_PROTO_TCP ? HT_METHOD_TCP : HT_METHOD_ICMP;
		pc[nfam].port = c.port;
		pc[nfam].ident = ident;
		pc[nfam].any_dst = 1;
		nfam++;
	}
	/*
	 * The ring holds half a second of probes and their answers at the
	 * rate asked (each captured once), 1 to 32 MiB.
	 */
	frames = c.rate * 0.5 * 2;
	if (frames * (SNAPLEN + 128) > 32 * 1024 * 1024)
		frames = 32.0 * 1024 * 1024 / (SNAPLEN + 128);
	if (frames * (SNAPLEN + 128) < 1024 * 1024)
		frames = 1024.0 * 1024 / (SNAPLEN + 128);
	if (ht_capture_open_live(&cap, c.dev ? c.dev : "any", SNAPLEN,
	    (int)(frames * (SNAPLEN + 128)), err) < 0) {
		ht_targets_free(&t);
		return fail("%s%s", err, "");
	}
	if (scan_filter(&cap, pc, nfam, err) < 0 ||
	    ht_capture_ready(&cap, err) < 0) {
		ht_capture_close(&cap);
		ht_targets_free(&t);
		return fail("%s%s", err, "");
	}
	if (c.wfile != NULL && ht_capture_dump_open(&cap, c.wfile, err) < 0) {
		ht_capture_close(&cap);
		ht_targets_free(&t);
		return fail("cannot write %s: %s", c.wfile, err);
	}
	if (c.wfile != NULL)
		note_start(&c, ident, &cap);
	pr[0] = pr[1] = NULL;
	for (f = 0, rc = 0; f < nfam && rc == 0; f++)
		if ((pr[pc[f].src.af == 6] = ht_scan_prober_open(&pc[f].src,
		    c.dev, c.proto, ident, c.port, 16, 0, err,
		    sizeof(err))) == NULL)
			rc = -1;
	if (rc < 0 || ht_drop_privileges(&user, err, sizeof(err)) < 0) {
		ht_scan_prober_close(pr[0]);
		ht_scan_prober_close(pr[1]);
		ht_capture_close(&cap);
		ht_targets_free(&t);
		if (c.wfile != NULL)
			unlink(c.wfile);	/* nothing was sent */
		return fail("%s%s", err, "");
	}
	rc = ht_scan_live(&c, &t, &cap, pr, ident, out, &st, err);
	ht_scan_prober_close(pr[0]);
	ht_scan_prober_close(pr[1]);
	ht_capture_drops(&cap, &st.drops);
	ht_capture_leave(&cap);
	ht_targets_free(&t);
	if (rc < 0)
		return fail("%s%s", err, "");
	summary(&c, &st);
	if (fflush(out) != 0 || ferror(out))
		return fail("cannot write output: %s%s", strerror(errno), "");
	return rc > 0 ? 128 + rc : 0;
}
