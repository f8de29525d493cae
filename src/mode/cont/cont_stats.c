/* \summary: running statistics of one hop or responder: mtr's columns, one pass */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <math.h>
#include <string.h>

#include "mode/cont/cont_stats.h"

void
ht_cstat_init(struct ht_cstat *s)
{
	memset(s, 0, sizeof(*s));
}

void
ht_cstat_lost(struct ht_cstat *s)
{
	s->snt++;
}

void
ht_cstat_reply(struct ht_cstat *s, uint64_t rtt)
{
	double d;
	uint64_t j;

	s->snt++;
	s->rcv++;
	if (s->rcv == 1) {
		s->best = s->worst = rtt;
		j = 0;
	} else
		j = rtt > s->last ? rtt - s->last : s->last - rtt;
	s->last = rtt;
	if (rtt < s->best)
		s->best = rtt;
	if (rtt > s->worst)
		s->worst = rtt;
	/* Welford (Knuth, TAOCP vol. 2, 4.2.2): mean and M2 in one pass */
	d = (double)rtt - s->mean;
	s->mean += d / s->rcv;
	s->m2 += d * ((double)rtt - s->mean);
	s->lmean += (log(rtt > 0 ? (double)rtt : 1.0) - s->lmean) / s->rcv;
	s->jitter = j;
	if (j > s->jmax)
		s->jmax = j;
	s->javg += ((double)j - s->javg) / s->rcv;
	/* RFC 1889 A.8, scaled by 16: J += |D| - round(J / 16) */
	s->jint = s->jint + j - ((s->jint + 8) >> 4);
}

double
ht_cstat_loss(const struct ht_cstat *s)
{
	if (s->snt == 0)
		return 0;
	return 100.0 * (double)(s->snt - s->rcv) / s->snt;
}

double
ht_cstat_stdev(const struct ht_cstat *s)
{
	if (s->rcv < 2)
		return 0;
	return sqrt(s->m2 / (s->rcv - 1));
}

double
ht_cstat_gmean(const struct ht_cstat *s)
{
	if (s->rcv == 0)
		return 0;
	return exp(s->lmean);
}
