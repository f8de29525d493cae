/* \summary: continuous-mode replay: every trace of a capture as a statistics table */
/*
 * The same reading as replay.c (decode, the matcher learning traces from
 * the probes it sees; a tool's rounds, mtr's or hoptrace -c's, stay one
 * trace); each finished trace is fed to the model, every probe without a
 * reply counted as lost, and rendered as a live run's is.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cont/cont.h"
#include "decode.h"
#include "replay.h"
#include "trace.h"

#define EXPIRE_EVERY	4096

static void
flush_ready(struct ht_matcher *m, const struct ht_cont_cfg *cc,
    struct ht_cont_model *md, const struct ht_outctx *o, int eof,
    struct ht_replay_stats *st)
{
	struct ht_trace *t;

	while ((t = ht_matcher_ready(m, eof)) != NULL) {
		ht_cont_model_init(md, t);
		ht_cont_feed(md, t, 1, 1);
		ht_cont_names(md, o->res, 200);
		ht_cont_render(o, cc, md);
		st->traces++;
		ht_trace_free(m, t);
	}
}

int
ht_cont_replay_run(struct ht_capture *cap, const struct ht_cont_cfg *cc,
    const struct ht_outctx *o, ht_ns wait, struct ht_replay_stats *st,
    char *err)
{
	struct ht_cont_model *md;
	struct ht_matcher m;
	struct pcap_pkthdr *h;
	const u_char *data;
	struct ht_pkt pkt;
	struct ht_match res;
	ht_ns ts, latest = 0;
	int rc;

	memset(st, 0, sizeof(*st));
	if (!ht_decode_dlt_ok(cap->dlt)) {
		snprintf(err, HT_ERRBUF, "unsupported link type %d", cap->dlt);
		return -1;
	}
	if ((md = malloc(sizeof(*md))) == NULL) {
		snprintf(err, HT_ERRBUF, "out of memory");
		return -1;
	}
	ht_matcher_init(&m, 1, wait);
	while ((rc = pcap_next_ex(cap->p, &h, &data)) == 1) {
		st->packets++;
		ts = ht_capture_ts(cap, h);
		if (ts > latest)
			latest = ts;
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
		} else
			ht_match_packet(&m, &pkt, ts, &res);
		if (st->packets % EXPIRE_EVERY == 0) {
			ht_matcher_expire(&m, latest);
			flush_ready(&m, cc, md, o, 0, st);
		}
	}
	if (rc == PCAP_ERROR && st->packets == 0) {
		snprintf(err, HT_ERRBUF, "%s", pcap_geterr(cap->p));
		ht_matcher_free(&m);
		free(md);
		return -1;
	}
	if (rc == PCAP_ERROR) {
		st->truncated = 1;
		snprintf(st->warning, sizeof(st->warning), "%s",
		    pcap_geterr(cap->p));
	}
	flush_ready(&m, cc, md, o, 1, st);
	ht_matcher_free(&m);
	free(md);
	return 0;
}
