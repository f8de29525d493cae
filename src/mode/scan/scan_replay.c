/* \summary: scan replay: the rows of every scan found in a capture */
/*
 * The same decoding and matcher as a live scan (scan_match.c), over a
 * saved capture, in its order.  Which replies are a scan's: an ICMP error
 * whose quoted probe passes the check of scan_match.h (its identifier is
 * then known), and an echo reply with an identifier known from a probe
 * or such an error earlier in the file.  With --targets, only rows whose
 * target lies in the file's prefixes.  RTTs come from the probes' own
 * fields and the capture's time stamps, as live, so the rows of a live
 * run's -w capture are the live run's rows.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdio.h>
#include <string.h>

#include "engine/replay.h"
#include "mode/scan/scan.h"
#include "wire/decode.h"

#define IDENTS_MAX	64

struct idents {
	uint16_t id[IDENTS_MAX];
	unsigned int n;
};

static int
known(uint16_t id, void *arg)
{
	const struct idents *k = arg;
	unsigned int i;

	for (i = 0; i < k->n; i++)
		if (k->id[i] == id)
			return 1;
	return 0;
}

static void
learn(struct idents *k, uint16_t id)
{
	if (!known(id, k) && k->n < IDENTS_MAX)
		k->id[k->n++] = id;
}

/* A scan's replay as it reads: the probes learnt, a row a reply. */
struct sreplay {
	struct ht_replay_stats *st;
	const struct ht_targets *t;
	struct ht_scan_book *book;
	struct idents k;
	FILE *out;
};

static int
packet(void *arg, const struct ht_pkt *pkt, ht_ns ts, char *err)
{
	struct sreplay *sr = arg;
	struct ht_scan_row row;
	enum ht_scan_what w;

	if (pkt->kind == HT_PKT_OTHER)
		return 0;
	w = ht_scan_match(pkt, ts, known, &sr->k, &row);
	if (w == HT_SCAN_PROBE)
		learn(&sr->k, row.ident);
	if (w != HT_SCAN_PROBE && w != HT_SCAN_REPLY)
		return 0;
	learn(&sr->k, row.ident);
	if (sr->t != NULL && !ht_targets_covers(sr->t, &row.target))
		return 0;
	if (sr->book != NULL && (w == HT_SCAN_PROBE ?
	    ht_scan_book_probe(sr->book, &row) :
	    ht_scan_book_reply(sr->book, &row)) < 0) {
		snprintf(err, HT_ERRBUF, "out of memory");
		return -1;
	}
	if (w == HT_SCAN_PROBE)
		return 0;
	if (sr->book == NULL)
		ht_scan_row_json(sr->out, &row);
	sr->st->traces++;
	return 0;
}

int
ht_scan_replay(struct ht_replay *rd, const struct ht_targets *t, int json,
    FILE *out, char *err)
{
	struct sreplay sr;
	int rc;

	memset(&sr, 0, sizeof(sr));
	sr.st = &rd->st;
	sr.t = t;
	sr.out = out;
	if (json && (sr.book = ht_scan_book_new()) == NULL) {
		snprintf(err, HT_ERRBUF, "out of memory");
		return -1;
	}
	/* (nothing read at all: no trace is written) */
	rc = ht_replay_packets(rd, packet, &sr, err);
	if (sr.book != NULL) {
		if (rc == 0)
			ht_scan_book_emit_all(sr.book, out);
		ht_scan_book_free(sr.book);
	}
	return rc;
}

static int
any_ident(uint16_t id, void *arg)
{
	(void)id;
	(void)arg;
	return 0;
}

int
ht_scan_replay_sniff(const struct ht_replay *rd)
{
	const struct ht_replay_ahead *a;
	struct ht_scan_row row;
	unsigned int n = 0;
	size_t i;

	for (i = rd->next; i < rd->nahead && n < 4; i++) {
		a = &rd->ahead[i];
		if (a->pkt.kind != HT_PKT_PROBE)
			continue;
		if (ht_scan_match(&a->pkt, a->ts, any_ident, NULL, &row) !=
		    HT_SCAN_PROBE)
			return 0;
		n++;
	}
	return n > 0;
}
