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

#include "decode.h"
#include "replay.h"
#include "scan/scan.h"

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
ht_scan_replay(struct ht_capture *cap, const struct ht_targets *t, int json,
    FILE *out, struct ht_replay_stats *st, char *err)
{
	struct ht_scan_book *book = NULL;
	struct pcap_pkthdr *h;
	const u_char *data;
	struct ht_pkt pkt;
	struct ht_scan_row row;
	struct idents k;
	enum ht_scan_what w;
	int rc;

	memset(st, 0, sizeof(*st));
	memset(&k, 0, sizeof(k));
	if (json && (book = ht_scan_book_new()) == NULL) {
		snprintf(err, HT_ERRBUF, "out of memory");
		return -1;
	}
	if (!ht_decode_dlt_ok(cap->dlt)) {
		ht_scan_book_free(book);
		snprintf(err, HT_ERRBUF, "unsupported link type %d", cap->dlt);
		return -1;
	}
	while ((rc = pcap_next_ex(cap->p, &h, &data)) == 1) {
		st->packets++;
		if (h->caplen > h->len) {
			pkt.kind = HT_PKT_OTHER;
			pkt.status = HT_DEC_CAPLEN;
		} else
			ht_decode(cap->dlt, data, h->caplen, &pkt);
		if (pkt.kind == HT_PKT_OTHER) {
			if (pkt.status != HT_DEC_OK &&
			    pkt.status != HT_DEC_NOTIP &&
			    st->malformed++ == 0) {
				st->first_bad = st->packets;
				st->first_bad_why = pkt.status;
			}
			continue;
		}
		w = ht_scan_match(&pkt, ht_capture_ts(cap, h), known, &k, &row);
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
	if (rc == PCAP_ERROR && st->packets == 0) {
		/* (nothing was read: no trace was written) */
		snprintf(err, HT_ERRBUF, "%s", pcap_geterr(cap->p));
		return -1;
	}
	if (rc == PCAP_ERROR) {
		st->truncated = 1;
		snprintf(st->warning, sizeof(st->warning), "%s",
		    pcap_geterr(cap->p));
	}
	return 0;
}
