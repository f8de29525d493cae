/* \summary: replay: read a saved capture packet by packet, decoded, for every mode */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdio.h>
#include <string.h>

#include "engine/replay.h"
#include "wire/decode.h"

int
ht_replay_start(const struct ht_capture *cap, struct ht_replay_stats *st,
    char *err)
{
	memset(st, 0, sizeof(*st));
	if (ht_decode_dlt_ok(cap->dlt))
		return 0;
	if (pcap_datalink_val_to_name(cap->dlt) != NULL)
		snprintf(err, HT_ERRBUF, "unsupported link type %s (%d)",
		    pcap_datalink_val_to_name(cap->dlt), cap->dlt);
	else
		snprintf(err, HT_ERRBUF, "unsupported link type %d", cap->dlt);
	return -1;
}

int
ht_replay_next(struct ht_capture *cap, struct ht_pkt *pkt, ht_ns *ts,
    struct ht_replay_stats *st)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;

	if ((rc = pcap_next_ex(cap->p, &h, &data)) != 1) {
		st->read_error = rc == PCAP_ERROR;
		return 0;
	}
	*ts = ht_capture_ts(cap, h);
	ht_frame_decode(cap->dlt, data, h->caplen, h->len, pkt, &st->fs);
	st->packets = st->fs.frames;
	st->malformed = st->fs.malformed;
	st->first_bad = st->fs.first_bad;
	st->first_bad_why = st->fs.first_bad_why;
	return 1;
}

int
ht_replay_end(struct ht_capture *cap, struct ht_replay_stats *st, char *err)
{
	if (!st->read_error)
		return 0;
	if (st->packets == 0) {
		/* nothing readable at all: a damaged capture, not a short one */
		snprintf(err, HT_ERRBUF, "%s", pcap_geterr(cap->p));
		return -1;
	}
	st->truncated = 1;
	snprintf(st->warning, sizeof(st->warning), "%s", pcap_geterr(cap->p));
	return 0;
}

void
ht_replay_warn(const struct ht_replay_stats *st, const char *name, FILE *fp)
{
	if (st->truncated)
		fprintf(fp, "hoptrace: warning: %s: capture damaged or cut "
		    "short after %llu packets: %s\n", name,
		    (unsigned long long)st->packets, st->warning);
	if (st->malformed)
		fprintf(fp, "hoptrace: warning: %s: %llu malformed packet%s "
		    "ignored (first: packet %llu, %s)\n", name,
		    (unsigned long long)st->malformed, st->malformed > 1 ? "s" :
		    "", (unsigned long long)st->first_bad,
		    ht_status_str(st->first_bad_why));
}
