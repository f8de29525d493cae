/* \summary: running statistics of one hop or responder: mtr's columns, one pass */
#ifndef HT_CONT_STATS_H
#define HT_CONT_STATS_H

#include <stdint.h>

/*
 * What mtr shows for a hop, kept in constant memory however many rounds
 * run: counts, the newest, best and worst round-trip time, the mean and
 * the sum of squared deviations from it (Welford's one-pass method, so
 * the standard deviation never subtracts two large sums), and mtr's three
 * jitter figures.  Times are in nanoseconds.
 *
 * Jitter as mtr defines it (ui/net.c, net_process_ping): a reply's jitter
 * is the absolute difference between its RTT and the previous reply's at
 * the same hop; the first reply's is 0.  Javg is the mean of every reply's
 * jitter, the first's 0 included; Jmax the largest; Jint the interarrival
 * jitter estimator of RFC 1889 (A.8), J += |D| - J/16 (J/16 rounded to the
 * nearest), which mtr keeps and shows at that scale: sixteen times the
 * RFC's estimate.
 */
struct ht_cstat {
	uint32_t snt;		/* probes counted (answered or lost) */
	uint32_t rcv;		/* of which answered */
	uint64_t last, best, worst;
	double mean;		/* Welford: mean of the RTTs so far */
	double m2;		/* Welford: sum of squared deviations */
	uint64_t jitter;	/* the newest reply's jitter */
	double javg;		/* mean jitter */
	uint64_t jmax;
	uint64_t jint;		/* mtr's Jint (RFC 1889 A.8, times 16) */
	double lmean;		/* mean of ln(RTT in ns, at least 1): Gmean */
};

void ht_cstat_init(struct ht_cstat *s);
/* One probe counted, not (or not yet) answered. */
void ht_cstat_lost(struct ht_cstat *s);
/* One probe counted and answered after rtt nanoseconds. */
void ht_cstat_reply(struct ht_cstat *s, uint64_t rtt);
/* Loss in percent: 0 when nothing was counted. */
double ht_cstat_loss(const struct ht_cstat *s);
/* Sample standard deviation (n - 1), nanoseconds; 0 below two replies. */
double ht_cstat_stdev(const struct ht_cstat *s);
/* Geometric mean of the RTTs (mtr's Gmean), nanoseconds; 0 with none. */
double ht_cstat_gmean(const struct ht_cstat *s);

#endif
