/* \summary: writing hoptrace's notes into a -w capture, stamped with the capture's clock */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <string.h>

#include "base/time.h"
#include "engine/note.h"

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
