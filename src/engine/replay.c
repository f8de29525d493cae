/* \summary: replay: read a saved capture packet by packet, decoded, for every mode */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/frame.h"
#include "engine/replay.h"
#include "match/trace.h"
#include "wire/decode.h"

static void
link_err(int dlt, char *err)
{
	if (pcap_datalink_val_to_name(dlt) != NULL)
		snprintf(err, HT_ERRBUF, "unsupported link type %s (%d)",
		    pcap_datalink_val_to_name(dlt), dlt);
	else
		snprintf(err, HT_ERRBUF, "unsupported link type %d", dlt);
}

int
ht_replay_open(struct ht_replay *rd, struct ht_capture *cap, char *err)
{
	memset(rd, 0, sizeof(*rd));
	rd->cap = cap;
	/* a pcapng's interfaces are judged by their packets (ht_replay_end) */
	if (cap->ng != NULL || ht_decode_dlt_ok(cap->dlt))
		return 0;
	link_err(cap->dlt, err);
	return -1;
}

void
ht_replay_close(struct ht_replay *rd)
{
	free(rd->ahead);
	rd->ahead = NULL;
	rd->nahead = rd->next = 0;
}

/* Read and decode the next frame of the file: 1, or 0 at its end. */
static int
read_frame(struct ht_replay *rd, struct ht_pkt *pkt, ht_ns *ts)
{
	struct ht_replay_stats *st = &rd->st;
	struct ht_ng_rec r;
	int rc;

	if (st->read_error || (rc = ht_capture_next(rd->cap, &r)) != 1) {
		if (!st->read_error)
			st->read_error = rc < 0;
		return 0;
	}
	*ts = r.ts;
	if (!ht_decode_dlt_ok(r.dlt)) {
		/* a pcapng interface of a link type not ours: not IP */
		st->fs.frames++;
		st->other_link++;
		st->other_dlt = r.dlt;
		pkt->kind = HT_PKT_OTHER;
		pkt->status = HT_DEC_NOTIP;
	} else if (ht_frame_decode(r.dlt, r.data, r.caplen, r.len, pkt,
	    &st->fs) == HT_PKT_OTHER && pkt->status == HT_DEC_NOTIP &&
	    rd->nnote < HT_REPLAY_NOTES &&
	    ht_note_parse(r.dlt, r.data, r.caplen, &rd->note[rd->nnote]))
		rd->nnote++;
	return 1;
}

void
ht_replay_prefetch(struct ht_replay *rd, unsigned int probes,
    unsigned int frames)
{
	struct ht_replay_ahead *na;
	unsigned int seen = 0;
	size_t i;

	for (i = rd->next; i < rd->nahead; i++)
		seen += rd->ahead[i].pkt.kind == HT_PKT_PROBE;
	while ((probes == 0 || seen < probes) && rd->nahead < frames) {
		if ((na = realloc(rd->ahead, (rd->nahead + 1) *
		    sizeof(*na))) == NULL)
			return;	/* the driver reads on from the file */
		rd->ahead = na;
		if (!read_frame(rd, &na[rd->nahead].pkt, &na[rd->nahead].ts))
			return;
		seen += na[rd->nahead].pkt.kind == HT_PKT_PROBE;
		rd->nahead++;
	}
}

int
ht_replay_next(struct ht_replay *rd, struct ht_pkt *pkt, ht_ns *ts)
{
	if (rd->next < rd->nahead) {
		*pkt = rd->ahead[rd->next].pkt;
		*ts = rd->ahead[rd->next].ts;
		if (++rd->next == rd->nahead)
			ht_replay_close(rd);
		return 1;
	}
	return read_frame(rd, pkt, ts);
}

int
ht_replay_end(struct ht_replay *rd, char *err)
{
	struct ht_replay_stats *st = &rd->st;

	/* every packet of link types not ours: the file is not ours */
	if (st->fs.frames > 0 && st->other_link == st->fs.frames) {
		link_err(st->other_dlt, err);
		return -1;
	}
	if (!st->read_error)
		return 0;
	if (rd->cap->nread == 0) {
		/* nothing readable at all: a damaged capture, not a short one */
		snprintf(err, HT_ERRBUF, "%s", ht_capture_geterr(rd->cap));
		return -1;
	}
	st->truncated = 1;
	snprintf(st->warning, sizeof(st->warning), "%s",
	    ht_capture_geterr(rd->cap));
	return 0;
}

/* Does the note's key hold this address (or lack the key)? */
static int
note_addr(const struct ht_note *n, const char *key, const struct ht_addr *a)
{
	char s[HT_ADDRSTRLEN + 1];
	struct ht_addr x;

	if (a == NULL || !ht_note_get(n, key, s, sizeof(s)))
		return 1;
	return ht_addr_parse(s, &x) == 0 && ht_addr_eq(&x, a);
}

const struct ht_note *
ht_replay_note(const struct ht_replay *rd, const char *kind,
    const struct ht_addr *src, const struct ht_addr *dst, int proto,
    long ident)
{
	const struct ht_note *n;
	size_t i;
	long v;

	for (i = 0; i < rd->nnote; i++) {
		n = &rd->note[i];
		if (!ht_note_is(n, kind) || !note_addr(n, "src", src) ||
		    !note_addr(n, "dst", dst))
			continue;
		if (proto >= 0 && ht_note_long(n, "proto", 0, 255, &v) &&
		    v != proto)
			continue;
		if (ident >= 0 &&
		    ht_note_long(n, "ident", 0, 0xffffffffL, &v) && v != ident)
			continue;
		return n;
	}
	return NULL;
}

void
ht_replay_warn(const struct ht_replay_stats *st, const char *name, FILE *fp)
{
	if (st->truncated)
		fprintf(fp, "hoptrace: warning: %s: capture damaged or cut "
		    "short after %llu packets: %s\n", name,
		    (unsigned long long)st->fs.frames, st->warning);
	if (st->fs.malformed)
		fprintf(fp, "hoptrace: warning: %s: %llu malformed packet%s "
		    "ignored (first: packet %llu, %s)\n", name,
		    (unsigned long long)st->fs.malformed, st->fs.malformed > 1 ?
		    "s" : "", (unsigned long long)st->fs.first_bad,
		    ht_status_str(st->fs.first_bad_why));
}

int
ht_replay_packets(struct ht_replay *rd,
    int (*packet)(void *arg, const struct ht_pkt *pkt, ht_ns ts, char *err),
    void *arg, char *err)
{
	struct ht_pkt pkt;
	ht_ns ts;

	while (ht_replay_next(rd, &pkt, &ts))
		if (packet(arg, &pkt, ts, err) < 0)
			return -1;
	return ht_replay_end(rd, err);
}

/* The matcher's side of ht_replay_traces(). */
struct traces {
	struct ht_replay *rd;
	struct ht_matcher m;
	ht_ns latest;
	int (*ready)(void *arg, struct ht_matcher *m, int eof, char *err);
	void *arg;
};

static int
trace_packet(void *arg, const struct ht_pkt *pkt, ht_ns ts, char *err)
{
	struct traces *tr = arg;
	struct ht_match res;

	if (ts > tr->latest)
		tr->latest = ts;
	if (pkt->kind != HT_PKT_OTHER)
		ht_match_packet(&tr->m, pkt, ts, &res);
	if (tr->rd->st.fs.frames % HT_REPLAY_EXPIRE != 0)
		return 0;
	ht_matcher_expire(&tr->m, tr->latest);
	return tr->ready(tr->arg, &tr->m, 0, err);
}

int
ht_replay_traces(struct ht_replay *rd, ht_ns wait, int multiflow,
    int (*ready)(void *arg, struct ht_matcher *m, int eof, char *err),
    void *arg, char *err)
{
	struct traces tr;
	int rc;

	memset(&tr, 0, sizeof(tr));
	tr.rd = rd;
	tr.ready = ready;
	tr.arg = arg;
	ht_matcher_init(&tr.m, 1, wait);
	tr.m.multiflow = multiflow;
	rc = ht_replay_packets(rd, trace_packet, &tr, err);
	if (rc == 0)
		rc = ready(arg, &tr.m, 1, err);
	ht_matcher_free(&tr.m);
	return rc;
}
