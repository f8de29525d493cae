/* \summary: one captured frame decoded, its length checked and a malformed one counted: live and replay alike */
#ifndef HT_FRAME_H
#define HT_FRAME_H

#include <stdint.h>

#include "wire/decode.h"

/* What the frames read so far held that could not be read. */
struct ht_frame_stats {
	uint64_t frames;	/* read */
	uint64_t malformed;	/* of them, cut or broken (not merely not IP) */
	uint64_t first_bad;	/* the first malformed one's number (1..) */
	enum ht_status first_bad_why;
};

/*
 * Decode a frame of link type dlt, caplen bytes captured of len: a
 * record longer than its packet is refused whole (HT_DEC_CAPLEN); a
 * malformed frame is counted in fs.  Returns pkt->kind.
 */
enum ht_kind ht_frame_decode(int dlt, const uint8_t *data,
    uint32_t caplen, uint32_t len, struct ht_pkt *pkt,
    struct ht_frame_stats *fs);

#endif
