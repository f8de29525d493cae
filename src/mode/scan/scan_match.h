/* \summary: a scan's stateless probe encoding and its matcher */
#ifndef HT_SCAN_MATCH_H
#define HT_SCAN_MATCH_H

#include <stdint.h>

#include "base/addr.h"
#include "match/trace.h"
#include "wire/decode.h"

/*
 * What a probe carries in the fields a router quotes back (RFC 792: the
 * IP header and the first 8 bytes after it; RFC 4443 quotes more):
 *   ICMP identifier   the run's identifier (what the capture filter keys on)
 *   ICMP sequence     TTL (high byte), send time / 65535 (low byte)
 *   ICMP checksum     send time % 65535: the checksum field is chosen and a
 *                     payload word made to fit (the probe's checksum is
 *                     right; the word is not quoted, the field is)
 *   IPv4 ID, IPv6 flow label   a check: a hash of destination, sequence,
 *                     checksum and identifier (16 bits, never 0; 20 bits)
 * The send time is the microsecond of the Unix epoch modulo 256 * 65535
 * (16.78 s): a reply captured at c was sent at the latest instant before c
 * with that remainder, so RTTs up to 16.78 s are exact to the microsecond,
 * from the reply alone, live or replayed.  The target is the quoted
 * destination (an echo reply: its source).  An echo reply repeats
 * identifier and sequence; its checksum differs from the request's by the
 * type's change (RFC 1624 arithmetic), which is undone.  It quotes no IP
 * header, so its check is the identifier alone.
 */
#define HT_SCAN_TMOD	(256u * 65535u)

/*
 * UDP and TCP probes carry the same TTL and time stamp t (microseconds
 * modulo HT_SCAN_TMOD) in the fields of theirs that a router quotes:
 *   UDP (Paris: ports constant for a target)
 *     source port      the run's identifier (the capture filter's key)
 *     destination port -p's high 6 bits, then 10 bits of a check: a hash
 *                      of destination and identifier (constant per target)
 *     IPv4 ID, IPv6 flow label   TTL (high byte), t / 65535 (low byte)
 *     UDP checksum     t % 65535 + 1 (never 0: IPv6 forbids it; IPv4's
 *                      "no checksum"), made right by the payload's first
 *                      word, as the ICMP checksum is
 *   TCP SYN (ports constant for the run)
 *     source port      the run's identifier
 *     destination port -p
 *     sequence number  TTL (high byte), t (low 24 bits)
 *     IPv4 ID, IPv6 flow label   the check of ICMP above, over the
 *                      sequence number's two halves and the identifier
 * A UDP probe's target answers with a port unreachable that quotes it; a
 * TCP probe's with a SYN-ACK or RST whose acknowledgement number is the
 * sequence number plus one (RFC 9293), to our port: it quotes no IP
 * header, so its check is the identifier alone (as an echo reply's).
 */
struct ht_scan_fields {
	uint16_t seq, cksum;	/* ICMP sequence; ICMP or UDP checksum */
	uint32_t check;		/* IPv4 ID or IPv6 flow label */
	uint16_t dport;		/* UDP */
	uint32_t tseq;		/* TCP sequence number */
};

/* The fields of an ICMP probe to dst at ttl, sent at now. */
void ht_scan_encode(const struct ht_addr *dst, uint8_t ttl, ht_ns now,
    uint16_t ident, struct ht_scan_fields *f);

/* The same for a probe of IP protocol proto (ICMP, UDP, TCP); port: -p. */
void ht_scan_encode_l4(uint8_t proto, const struct ht_addr *dst,
    uint8_t ttl, ht_ns now, uint16_t ident, uint16_t port,
    struct ht_scan_fields *f);

/* A UDP probe's destination port check (10 bits). */
uint16_t ht_scan_port_check(const struct ht_addr *dst, uint16_t ident);

/* The check of a probe's fields (IPv4: 16 bits, never 0; IPv6: 20 bits). */
uint32_t ht_scan_check(const struct ht_addr *dst, uint16_t seq,
    uint16_t cksum, uint16_t ident);

/* An ICMP(v6) echo request's checksum, from its echo reply's. */
uint16_t ht_scan_request_cksum(int af, uint16_t reply_cksum);

enum ht_scan_what {
	HT_SCAN_NONE = 0,	/* not ours */
	HT_SCAN_PROBE,		/* one of our probes leaving */
	HT_SCAN_REPLY,		/* an answer to one: a row */
	HT_SCAN_BAD		/* quotes our identifier, fails the check */
};

/* One reply, as the rows show it. */
struct ht_scan_row {
	struct ht_addr src;	/* ours */
	struct ht_addr target;
	struct ht_addr from;	/* the responder */
	uint8_t ttl;		/* the probe's */
	uint8_t qttl;		/* the probe's TTL as quoted (0: echo reply) */
	uint8_t rttl;		/* the reply's TTL / hop limit */
	uint8_t kind;		/* HT_R_TIMEX, HT_R_UNREACH, HT_R_ECHO, HT_R_TCP */
	uint8_t type, code;	/* ICMP; a TCP reply: 0 */
	uint8_t proto;		/* the probe's IP protocol */
	uint8_t tflags;		/* a TCP reply's flags */
	uint16_t ident;
	uint16_t rsize;		/* reply IP length */
	ht_ns rtt;
	ht_ns ts;		/* capture time of the reply */
};

/*
 * Match one decoded packet captured at ts.  ident_ok(ident, arg) says
 * whether an identifier is the run's (live: ours; replay: one seen on a
 * probe or a checked error): an echo reply's identifier, a TCP reply's
 * destination port; an ICMP error whose quote passes the check needs no
 * ident_ok.  A probe fills row->target, ttl and ident.  Pure.
 */
enum ht_scan_what ht_scan_match(const struct ht_pkt *pkt, ht_ns ts,
    int (*ident_ok)(uint16_t, void *), void *arg, struct ht_scan_row *row);

/*
 * Did this reply come from the end of the path?  From the target itself,
 * or a UDP probe's port unreachable (Linux answers a probe to an address
 * that it has by a local route, not on an interface, from an address of
 * the interface toward us: the ICMPv6 error's source is chosen by route).
 */
int ht_scan_row_reached(const struct ht_scan_row *r);

#endif
