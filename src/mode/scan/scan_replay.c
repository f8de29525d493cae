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

int
ht_scan_replay(struct ht_replay *rd, const struct ht_targets *t, int json,
    FILE *out, char *err)
{
	struct ht_replay_stats *st = &rd->st;
	struct ht_scan_book *book = NULL;
	struct ht_pkt pkt;
	struct ht_scan_row row;
	struct idents k;
	enum ht_scan_what w;
	ht_ns ts;

	memset(&k, 0, sizeof(k));
	if (json && (book = ht_scan_book_new()) == NULL) {
		snprintf(err, HT_ERRBUF, "out of memory");
		return -1;
	}
	while (ht_replay_next(rd, &pkt, &ts)) {
		if (pkt.kind == HT_PKT_OTHER)
			continue;
		w = ht_scan_match(&pkt, ts, known, &k, &row);
		if (w == HT_SCAN_PROBE)
			learn(&k, row.ident);
		if (w != HT_SCAN_PROBE && w != HT_SCAN_REPLY)
			continue;
		learn(&k, row.ident);
		if (t != NULL && !ht_targets_covers(t, &row.target))
			continue;
		if (book != NULL && (w == HT_SCAN_PROBE ?
		    ht_scan_book_probe(book, &row) :
		    ht_scan_book_reply(book, &row)) < 0) {
			snprintf(err, HT_ERRBUF, "out of memory");
			ht_scan_book_free(book);
			return -1;
		}
		if (w == HT_SCAN_PROBE)
			continue;
		if (book == NULL)
			ht_scan_row_json(out, &row);
		st->traces++;
	}
	if (book != NULL) {
		ht_scan_book_emit_all(book, out);
		ht_scan_book_free(book);
	}
	/* (nothing read at all: no trace was written) */
	return ht_replay_end(rd, err);
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
