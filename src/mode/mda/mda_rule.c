/* \summary: the MDA stopping rule (Veitch et al. 2009), pure arithmetic */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <math.h>

#include "mode/mda/mda_rule.h"

#define NK_LIMIT	1000000u

/*
 * The terms C(K, i) ((K - i) / K)^n fall fast with i once P is near any
 * useful alpha (each is about alpha^i / i! of the first), so the
 * alternating sum loses no precision worth having in a double.
 */
double
ht_mda_fail(unsigned int k, uint32_t n)
{
	double K = (double)k + 1, c = 1, sum = 0, term;
	unsigned int i;

	if (k == 0)
		return 0;
	if (n < k + 1)
		return 1;	/* fewer flows than next hops */
	for (i = 1; i <= k; i++) {
		c = c * (K - (double)i + 1) / (double)i;	/* C(K, i) */
		term = c * pow((K - (double)i) / K, (double)n);
		sum += (i & 1) ? term : -term;
	}
	if (sum < 0)
		sum = 0;
	return sum > 1 ? 1 : sum;
}

uint32_t
ht_mda_nk(unsigned int k, double alpha)
{
	uint32_t n, lo, hi;

	if (k > HT_MDA_KMAX || !(alpha > 0 && alpha < 1))
		return 0;
	if (k == 0)
		return 1;
	/* P falls as n grows: double up to a bound, then bisect. */
	lo = k;			/* P(lo) > alpha: lo < K flows cannot do */
	for (hi = k + 1; ht_mda_fail(k, hi) > alpha; hi *= 2) {
		if (hi >= NK_LIMIT)
			return 0;
		lo = hi;
	}
	while (hi - lo > 1) {
		n = lo + (hi - lo) / 2;
		if (ht_mda_fail(k, n) > alpha)
			lo = n;
		else
			hi = n;
	}
	return hi;
}

int
ht_mda_table(double alpha, unsigned int kmax, uint32_t *nk)
{
	unsigned int k;

	if (kmax > HT_MDA_KMAX)
		return -1;
	for (k = 0; k <= kmax; k++)
		if ((nk[k] = ht_mda_nk(k, alpha)) == 0)
			return -1;
	return 0;
}
