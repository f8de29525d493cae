/* \summary: a bounds-checked pcapng block reader: every packet with its own interface's link type */
#ifndef HT_PCAPNG_H
#define HT_PCAPNG_H

#include <stdint.h>
#include <stdio.h>

#include "base/err.h"
#include "base/time.h"

/* One interface description block of the current section. */
struct ht_ng_if {
	int dlt;		/* the link type, as a DLT_ value */
	uint32_t snaplen;
	uint8_t tsresol;	/* if_tsresol: 10^-n, or 2^-(n & 0x7f) */
	int64_t tsoffset;	/* if_tsoffset, seconds */
};

/* A packet read: valid until the next ht_pcapng_next(). */
struct ht_ng_rec {
	ht_ns ts;
	uint32_t caplen, len;
	int dlt;
	const uint8_t *data;
};

struct ht_pcapng {
	FILE *fp;
	uint8_t *blk;		/* the block being read, its body */
	size_t blksize;
	int swap;		/* the section is of the other byte order */
	struct ht_ng_if *ifs;	/* the current section's interfaces */
	size_t nif, ifcap;
	uint64_t blocks;	/* read so far, or the one being read */
	char err[HT_ERRBUF];
};

/*
 * ht_pcapng_open() reads the section header block from fp (the caller
 * checked its first byte), then blocks up to and including the first
 * interface description block, whose link type it sets in *dlt (-1 when
 * the file ends first): 0, or -1 with err.  ht_pcapng_next() gives the
 * next packet of an enhanced, simple or obsolete packet block (blocks of
 * other types, and new sections, are read and passed over): 1, 0 at the
 * end of the file, -1 with ng->err when a block is cut short or
 * malformed.  ht_pcapng_close() frees what ng holds and closes fp.
 */
int ht_pcapng_open(struct ht_pcapng *ng, FILE *fp, int *dlt, char *err);
int ht_pcapng_next(struct ht_pcapng *ng, struct ht_ng_rec *r);
void ht_pcapng_close(struct ht_pcapng *ng);

#endif
