/* \summary: writing hoptrace's notes into a -w capture, stamped with the capture's clock */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <string.h>

#include "base/time.h"
#include "engine/cmd.h"
#include "engine/live.h"
#include "engine/note.h"
#include "wire/decode.h"

int
ht_note_dump(struct ht_capture *cap, const struct ht_note *n)
{
	uint8_t frame[64 + HT_NOTE_TEXT];
	struct pcap_pkthdr h;
	ht_ns now = ht_now_ns();
	int snap, len;

	if (cap->dump == NULL)
		return -1;
	snap = pcap_snapshot(cap->p);
	len = ht_note_frame(n, cap->dlt, frame, snap > 0 &&
	    (size_t)snap < sizeof(frame) ? (size_t)snap : sizeof(frame));
	if (len < 0)
		return -1;
	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = (time_t)(now / HT_NS_PER_SEC);
	h.ts.tv_usec = (suseconds_t)(now % HT_NS_PER_SEC /
	    (cap->nano ? 1 : 1000));
	h.caplen = h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)cap->dump, &h, frame);
	return 0;
}

void
ht_note_identity(struct ht_note *n, const struct ht_live_cfg *cfg)
{
	char a[HT_ADDRSTRLEN];
	int proto;

	switch (cfg->probe.method) {
	case HT_METHOD_UDP:
		proto = HT_PROTO_UDP;
		break;
	case HT_METHOD_TCP:
		proto = HT_PROTO_TCP;
		break;
	default:
		proto = cfg->probe.dst.af == 6 ? HT_PROTO_ICMP6 :
		    HT_PROTO_ICMP;
	}
	ht_note_put(n, "src", ht_addr_str(&cfg->probe.src, a));
	ht_note_put(n, "dst", ht_addr_str(&cfg->probe.dst, a));
	ht_note_putf(n, "proto", "%d", proto);
	ht_note_putf(n, "ident", "%u", cfg->probe.ident);
}

void
ht_note_start(struct ht_note *n, const char *mode, const struct ht_cmd *c,
    const struct ht_live_cfg *cfg)
{
	ht_note_init(n, "start");
	ht_note_put(n, "mode", mode);
	ht_note_identity(n, cfg);
	ht_note_putf(n, "first", "%ld", c->first);
	ht_note_putf(n, "max", "%ld", c->max);
	ht_note_putf(n, "queries", "%ld", c->queries);
	ht_note_putf(n, "gap", "%ld", c->gap);
	ht_note_putf(n, "paris", "%d", c->paris ? 1 : 0);
	if (c->host != NULL)
		ht_note_put(n, "host", c->host);
}
