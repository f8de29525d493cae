/* \summary: Internet checksum arithmetic: a checksum forced by a word (RFC 1624) */
#ifndef HT_WIRE_CKSUM_H
#define HT_WIRE_CKSUM_H

#include <stddef.h>
#include <stdint.h>

/*
 * Ones' complement addition of 16-bit words (RFC 1071): the carry goes
 * round.  0 only when a and b are both 0; else the sum modulo 0xffff, a
 * zero sum written 0xffff.
 */
uint16_t ht_cksum_add(uint16_t a, uint16_t b);

/*
 * RFC 1624 solved for a word that compensates: when a 16-bit field of
 * checksummed data goes from `from` to `to`, the word w becomes
 * w + from - to (ones' complement, as ht_cksum_add writes it) and the
 * sum, hence the checksum, stays right.  The checksum field itself is such
 * a field: moving it from HC to HC' takes w + HC - HC' (RFC 1624 eqn. 3,
 * HC' = ~(~HC + ~m + m'), solved for m').  The one checksum arithmetic of
 * our probes: Paris, --flows, MDA and scans.
 */
uint16_t ht_cksum_keep(uint16_t w, uint16_t from, uint16_t to);

/*
 * Make the checksum at p[ck], p[ck + 1] (network order) equal want by
 * changing the word at p[w], p[w + 1] (ht_cksum_keep from the checksum
 * there): p must hold data whose checksum is right.  Any want is written
 * as it is, 0 and 0xffff included.  0, or -1 (nothing changed) when a
 * field passes len or the two overlap.
 */
int ht_cksum_force(uint8_t *p, size_t len, size_t ck, size_t w,
    uint16_t want);

/*
 * Paris ICMP (Augustin et al., "Avoiding traceroute anomalies with Paris
 * traceroute", IMC 2006): the payload word that, beside sequence number
 * seq, keeps an echo request's checksum that of sequence 0 (the word then
 * 0) plus flow.  Balancers that hash the first four bytes of the ICMP
 * header see one flow per value of flow, whatever the sequence number.
 */
uint16_t ht_cksum_paris(uint16_t seq, uint16_t flow);

#endif
