/* \summary: the MDA stopping rule: how many flows rule out one more next hop */
#ifndef HT_MDA_RULE_H
#define HT_MDA_RULE_H

#include <stdint.h>

/*
 * Conventions (those of Augustin et al., IMC 2007, Table 1, and of Veitch
 * et al., INFOCOM 2009, section III):
 *
 *   k      the number of distinct next hops (interfaces) seen so far behind
 *          one node, k >= 1;
 *   n_k    the number of probes, in all, sent through that node with fresh
 *          flow identifiers, after which the hypothesis "there are exactly k"
 *          is accepted and probing stops;
 *   alpha  the bound on the probability that n_k probes fail to show all of
 *          k + 1 equally likely next hops, if there were k + 1.  It applies
 *          to each stopping decision separately: the published 95% points
 *          (6, 11, 16, 21, 27, ... for k = 1, 2, 3, 4, 5) are the ones for
 *          alpha = 1 - 0.95 = 0.05, not divided further; 99% gives 8, 15,
 *          21, 28, 36.  Veitch et al. then bound the failure of a node
 *          and of a whole route from these alphas; a caller that wants a
 *          route-wide bound epsilon over at most H decisions passes
 *          alpha = epsilon / H (a union bound).
 *
 * The failure probability, by inclusion-exclusion over which of the K =
 * k + 1 next hops are missing from n uniform, independent choices:
 *
 *   P(n, K) = sum_{i=1}^{K-1} (-1)^(i+1) C(K, i) ((K - i) / K)^n
 *
 * and n_k = min { n : P(n, k + 1) <= alpha }.
 */

#define HT_MDA_KMAX	255	/* largest k the rule is asked about */

/* P(n, k + 1): n flows fail to show all of k + 1 equally likely next hops. */
double ht_mda_fail(unsigned int k, uint32_t n);

/*
 * n_k for alpha in (0, 1): the least n with ht_mda_fail(k, n) <= alpha.
 * k = 0 gives 1 (one probe shows the only next hop).  0 if k > HT_MDA_KMAX,
 * alpha is out of range or n would pass 1,000,000.
 */
uint32_t ht_mda_nk(unsigned int k, double alpha);

/* n_0 .. n_kmax into nk[]; 0, or -1 if any is 0 as above. */
int ht_mda_table(double alpha, unsigned int kmax, uint32_t *nk);

#endif
