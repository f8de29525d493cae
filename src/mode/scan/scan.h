/* \summary: many targets at a set rate (--targets): the drivers and rows */
#ifndef HT_SCAN_H
#define HT_SCAN_H

#include <stdint.h>
#include <stdio.h>

#include "io/capture.h"
#include "mode/scan/scan_book.h"
#include "mode/scan/scan_match.h"
#include "mode/scan/scan_targets.h"

#define HT_SCAN_TTLS		32	/* TTLs a run probes at most */
#define HT_SCAN_RATE		1000	/* default probes a second */
#define HT_SCAN_MAX_HOPS	16	/* default last TTL */

/* What the command line decides for a scan. */
struct ht_scan_cfg {
	const char *targets;	/* file, "-" stdin; NULL: none (replay) */
	unsigned int per_prefix;	/* 0: every address */
	int skip_bad;		/* skip bad lines, else stop */
	double rate;		/* probes a second */
	uint8_t first_ttl, max_ttl;
	int gap;		/* silent TTLs in a row that end a target */
	int stop_set;		/* --stop-set */
	ht_ns wait;		/* longest wait for a reply */
	int af;			/* -4 / -6, else 0 */
	const char *dev, *src, *user, *wfile, *rfile;
	int rows;		/* --rows */
	int json;		/* -j: Atlas JSON a target */
	uint8_t proto;		/* HT_PROTO_UDP, HT_PROTO_TCP; 0: ICMP */
	uint16_t port;		/* -p: TCP port, UDP port's high bits */
	uint64_t seed;		/* order and --per-prefix addresses; 0 random */
};

/* The live run's figures, for the summary line. */
struct ht_scan_stats {
	uint64_t targets, pairs;	/* targets; (target, TTL) pairs */
	uint64_t sent, skipped, refused;	/* probes; skipped by the stop
					 * rules; refused by the kernel */
	uint64_t stopped;	/* of skipped: by the stop set */
	uint64_t seen;		/* our probes the capture saw */
	uint64_t replies, matched, bad;	/* answers; rows; failed the check */
	uint64_t done;		/* targets every pair of which was taken */
	ht_ns t_first, t_last;	/* first and last probe sent */
	unsigned int drops;	/* capture ring drops */
	int interrupted;	/* by a signal */
};

/*
 * A scan's run (scan_run.c).  ht_scan_prepare(): before anything opens,
 * the seed and the targets file (with -r, only when given); *run for
 * the others; 0, or -1 with err.  ht_scan_live_run(): the capture
 * (ht_open_capture) and the senders, the run (privileges go in started,
 * after the first probes), rows to out, the summary to stderr (with the
 * ring's drops: *drops_told); 0, -1 with err, -2 with err (a usage error:
 * -s of the wrong family), or the signal that stopped it.
 * ht_scan_replay_run(): the rows (json: Atlas JSON) of an opened capture
 * (run NULL: every target's).
 */
struct ht_replay_stats;
int ht_scan_prepare(const struct ht_scan_cfg *cfg, void **run, char *err);
int ht_scan_live_run(void *run, struct ht_capture *cap,
    int (*started)(void *, char *), void *started_arg, int *drops_told,
    FILE *out, char *err);
struct ht_replay;
int ht_scan_replay_run(void *run, struct ht_replay *rd, int json,
    FILE *out, char *err);
void ht_scan_release(void *run);

/*
 * The live driver (scan_live.c) over net (engine/netio.h: the capture and
 * the senders, or a simulated network in tests): pr[0] describes the
 * probes to the IPv4 targets, pr[1] to the IPv6 ones (NULL: none of
 * them); started (may be NULL) is called once the first probes left.
 * Rows to out, the figures in st.  0, -1 with err, or the signal that
 * stopped it.
 */
struct ht_netio;
struct ht_scan_prober;
int ht_scan_live(const struct ht_scan_cfg *cfg, const struct ht_targets *t,
    const struct ht_netio *net, struct ht_scan_prober *const *pr,
    uint16_t ident, int (*started)(void *, char *), void *started_arg,
    FILE *out, struct ht_scan_stats *st, char *err);

/* The replay driver (scan_replay.c): rows (json: Atlas JSON a target) of
 * every scan in a capture (of targets in t when t is not NULL); 0
 * (warnings in rd->st), or -1 with err. */
struct ht_replay;
int ht_scan_replay(struct ht_replay *rd, const struct ht_targets *t,
    int json, FILE *out, char *err);

/*
 * Does the capture read ahead in rd (ht_replay_prefetch) hold a scan's
 * probes?  1 when its first probes (up to 4) all carry the scan's check
 * (scan_match.h), a 1 in 65535 chance each for another tool's; else 0.
 */
int ht_scan_replay_sniff(const struct ht_replay *rd);

/* One row as a JSON object on one line (ClickHouse JSONEachRow). */
void ht_scan_row_json(FILE *fp, const struct ht_scan_row *r);

#endif
