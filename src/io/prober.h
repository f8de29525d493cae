/* \summary: send probes: raw IP sockets, and a trace's probes described */
#ifndef HT_PROBE_H
#define HT_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "base/addr.h"
#include "wire/probe.h"

/*
 * What sends probes: a raw IP socket (IPPROTO_RAW: the kernel takes our
 * IP header; privileged), none when dry, and the builder of wire/probe.h.
 */
struct ht_sender {
	int fd;			/* -1 when dry */
	struct ht_probe_builder *b;
};

/*
 * Open s for family af (4 or 6), bound to dev unless NULL, non-blocking
 * if nonblock; dry: the builder alone (no privileges).  0, or -1 and err
 * (nothing open).
 */
int ht_sender_open(struct ht_sender *s, int af, const char *dev,
    int nonblock, int dry, char *err, size_t errlen);

/*
 * Send the IP packet pkt to dst (ifindex: an IPv6 link-local
 * destination's interface, 0 none), an interrupted call retried; dry,
 * nothing.  0, or -1 with err and errno (0 for a short write).
 */
int ht_sender_send(const struct ht_sender *s, const struct ht_addr *dst,
    int ifindex, const uint8_t *pkt, size_t len, char *err, size_t errlen);

void ht_sender_close(struct ht_sender *s);

/*
 * A trace's probes to one destination: described from cfg, built and
 * sent by a sender.
 */
struct ht_prober;

/*
 * Open the injection handle: a sender for cfg->dst's family (a raw IP
 * socket unless cfg->dry).  NULL and err on failure.
 */
struct ht_prober *ht_prober_open(const struct ht_probe_cfg *cfg, char *err,
    size_t errlen);

/*
 * Build the probe number k at the given TTL: its wire bytes, checksums
 * filled (the IP packet), into frame.  *ipoff is where the IP header
 * starts (0).  Returns the length, or -1
 * with err filled.  Nothing is sent.
 */
int ht_prober_build(struct ht_prober *pr, uint32_t k, uint8_t ttl,
    uint8_t *frame, size_t framelen, size_t *ipoff, char *err, size_t errlen);

/* Send a frame ht_prober_build() made (nothing when dry).  0, or -1 and err. */
int ht_prober_write(struct ht_prober *pr, const uint8_t *frame, size_t len,
    char *err, size_t errlen);

/*
 * The UDP base port / TCP destination port of the probes built from now
 * on, or with cksum_flow their ICMP checksum (the MDA driver's flow
 * identifier, with paris set).
 */
void ht_prober_set_port(struct ht_prober *pr, uint16_t port);

/*
 * ICMP Paris probes built from now on carry flow f: the payload word
 * that keeps the checksum constant also subtracts f from the sum, so
 * flow f's checksum is flow 0's plus f (ones' complement), constant
 * probe to probe; the identifier stays (rounds' K flows, --flows).
 */
void ht_prober_set_icmp_flow(struct ht_prober *pr, uint16_t flow);

void ht_prober_close(struct ht_prober *pr);

#endif
