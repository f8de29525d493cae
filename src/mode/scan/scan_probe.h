/* \summary: a scan's probes: built with libnet, sent to any target */
#ifndef HT_SCAN_PROBE_H
#define HT_SCAN_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "base/addr.h"
#include "match/trace.h"

struct ht_scan_prober;

/*
 * Probes of IP protocol proto (HT_PROTO_UDP, HT_PROTO_TCP; else ICMP(v6)
 * echo) from src with the identifier ident (ICMP identifier, UDP or TCP
 * source port), port (-p: TCP destination port, UDP port base) and payload
 * bytes after the echo or UDP header (ICMP, UDP: at least 2, the checksum
 * word; TCP: none).  dry: build only (no socket, no privileges).  NULL and
 * err on failure.
 */
struct ht_scan_prober *ht_scan_prober_open(const struct ht_addr *src,
    const char *dev, uint8_t proto, uint16_t ident, uint16_t port,
    uint16_t payload, int dry, char *err, size_t errlen);

/*
 * The probe to dst at ttl sent at now, fields as scan_match.h says: its IP
 * packet into buf.  The length, or -1 with err.
 */
int ht_scan_prober_build(struct ht_scan_prober *pr, const struct ht_addr *dst,
    uint8_t ttl, ht_ns now, uint8_t *buf, size_t len, char *err,
    size_t errlen);

/* The same probe as a description (wire/probe.h), for the engine to build. */
struct ht_probe_desc;
void ht_scan_prober_desc(const struct ht_scan_prober *pr,
    const struct ht_addr *dst, uint8_t ttl, ht_ns now,
    struct ht_probe_desc *d);

/*
 * Send a built probe to dst.  0; 1 when the socket's buffer is full
 * (try later); 2 when the kernel refuses this destination (no route, a
 * firewall): the probe is lost, the run goes on; -1 with err.
 */
int ht_scan_prober_send(struct ht_scan_prober *pr, const struct ht_addr *dst,
    const uint8_t *buf, size_t len, char *err, size_t errlen);

void ht_scan_prober_close(struct ht_scan_prober *pr);

#endif
