/* \summary: one captured frame decoded, its length checked and a malformed one counted: live and replay alike */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "engine/frame.h"

enum ht_kind
ht_frame_decode(int dlt, const uint8_t *data, uint32_t caplen, uint32_t len,
    struct ht_pkt *pkt, struct ht_frame_stats *fs)
{
	fs->frames++;
	if (caplen > len) {
		pkt->kind = HT_PKT_OTHER;
		pkt->status = HT_DEC_CAPLEN;
	} else
		ht_decode(dlt, data, caplen, pkt);
	if (pkt->kind == HT_PKT_OTHER && pkt->status != HT_DEC_OK &&
	    pkt->status != HT_DEC_NOTIP && fs->malformed++ == 0) {
		fs->first_bad = fs->frames;
		fs->first_bad_why = pkt->status;
	}
	return pkt->kind;
}
