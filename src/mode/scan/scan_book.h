/* \summary: a scan's per-target record of hops, for Atlas JSON (-j) */
#ifndef HT_SCAN_BOOK_H
#define HT_SCAN_BOOK_H

#include <stdint.h>
#include <stdio.h>

#include "mode/scan/scan_match.h"

/*
 * What -j needs of a target until its trace is final: its probes (one a
 * TTL a run) and their answers, 32 bytes a probe, filled from the capture
 * stream alone (the matcher's probe and reply rows), so that live and
 * replay fill it alike.  A target is a (target, identifier) pair: two runs
 * in one capture stay apart.
 */
struct ht_scan_book;

struct ht_scan_book *ht_scan_book_new(void);
void ht_scan_book_free(struct ht_scan_book *b);

/* A probe leaving (HT_SCAN_PROBE), a reply (HT_SCAN_REPLY): 0, -1 no memory. */
int ht_scan_book_probe(struct ht_scan_book *b, const struct ht_scan_row *r);
int ht_scan_book_reply(struct ht_scan_book *b, const struct ht_scan_row *r);

/*
 * Write the trace to target (identifier ident) as one line of RIPE Atlas
 * JSON (output_json.c) and forget it.  1 written, 0 none known, -1 error.
 */
int ht_scan_book_emit(struct ht_scan_book *b, const struct ht_addr *target,
    uint16_t ident, FILE *fp);

/* The same for every target still held, in the order of its first event. */
int ht_scan_book_emit_all(struct ht_scan_book *b, FILE *fp);

/* Targets held now. */
uint64_t ht_scan_book_count(const struct ht_scan_book *b);

#endif
