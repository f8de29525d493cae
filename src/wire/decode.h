/* \summary: decode one captured frame into what a traceroute needs to know */
#ifndef HT_DECODE_H
#define HT_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "base/addr.h"

/* What a packet is, as far as tracing goes.  Direction is the matcher's call. */
enum ht_kind {
	HT_PKT_OTHER = 0,	/* nothing a trace cares about */
	HT_PKT_PROBE,		/* ICMP echo request, UDP datagram, TCP SYN */
	HT_PKT_ERROR,		/* ICMP time exceeded / unreachable quoting a packet */
	HT_PKT_ECHOREPLY,	/* ICMP(v6) echo reply */
	HT_PKT_TCPREPLY,	/* TCP SYN-ACK or RST */
	HT_PKT_FRAGMENT		/* an IP fragment after the first: ip only */
};

/* Why a frame could not be decoded (HT_PKT_OTHER with status != HT_DEC_OK). */
enum ht_status {
	HT_DEC_OK = 0,
	HT_DEC_TRUNCATED,	/* header cut short by the snapshot length */
	HT_DEC_BADIP,		/* IP version, header length or total length wrong */
	HT_DEC_BADEXT,		/* IPv6 extension header chain loops or overruns */
	HT_DEC_LINKTYPE,	/* link type not supported */
	HT_DEC_NOTIP,		/* not IP (ARP, LLDP, ...): fine, just not ours */
	HT_DEC_CAPLEN		/* a capture record longer than the packet */
};

#define HT_PROTO_ICMP	1
#define HT_PROTO_TCP	6
#define HT_PROTO_UDP	17
#define HT_PROTO_ICMP6	58

/* ICMP types we classify (RFC 792, RFC 4443). */
#define HT_ICMP_ECHOREPLY	0
#define HT_ICMP_UNREACH		3
#define HT_ICMP_ECHO		8
#define HT_ICMP_TIMXCEED	11
#define HT_ICMP6_UNREACH	1
#define HT_ICMP6_PKTTOOBIG	2
#define HT_ICMP6_TIMXCEED	3
#define HT_ICMP6_ECHO		128
#define HT_ICMP6_ECHOREPLY	129

#define HT_TH_FIN	0x01
#define HT_TH_SYN	0x02
#define HT_TH_RST	0x04
#define HT_TH_ACK	0x10

struct ht_ip {
	struct ht_addr src, dst;
	uint8_t proto;		/* upper-layer protocol after extension headers */
	uint8_t ttl;		/* TTL or hop limit */
	uint16_t len;		/* IPv4 total length, IPv6 40 + payload length */
	uint32_t id;		/* IPv4 identification, IPv6 flow label */
	/* fragments (RFC 791; RFC 8200 section 4.5) */
	uint32_t fid;		/* IPv4 identification, IPv6 fragment ident */
	uint16_t foff;		/* this fragment's offset, bytes */
	uint16_t whole;		/* the unfragmented datagram's length up to this
				   fragment's end (len if not a fragment) */
	uint8_t frag;		/* a fragment (the first too) */
	uint8_t mf;		/* more fragments follow */
};

/* The first bytes of the transport or ICMP header. */
struct ht_l4 {
	uint8_t have;		/* header bytes present (0..20) */
	uint8_t type, code;	/* ICMP */
	uint16_t id, seq;	/* ICMP echo */
	uint16_t sport, dport;	/* UDP, TCP */
	uint16_t cksum;		/* ICMP, UDP or TCP checksum */
	uint16_t ulen;		/* UDP length */
	uint32_t tseq, tack;	/* TCP */
	uint8_t tflags;		/* TCP */
};

#define HT_EXT_MAX_MPLS	16
#define HT_EXT_MAX_IF	4
#define HT_IFNAME_MAX	64

/* RFC 5837 interface roles. */
enum { HT_IFROLE_IN = 0, HT_IFROLE_SUB = 1, HT_IFROLE_OUT = 2, HT_IFROLE_NH = 3 };

struct ht_mpls {
	uint32_t label;
	uint8_t exp, s, ttl;
};

struct ht_ifinfo {
	uint8_t role;
	uint8_t has_index, has_addr, has_name, has_mtu;
	uint32_t ifindex;
	struct ht_addr addr;
	char name[HT_IFNAME_MAX];	/* NUL-terminated, printable only */
	uint32_t mtu;
};

/* RFC 4884 ICMP extension structure, as far as we read it. */
struct ht_ext {
	uint8_t present;	/* a valid extension structure was found */
	uint8_t version;
	uint8_t rfc4884;	/* 1: length field set; 0: RFC 4884 s.5 compatibility */
	uint8_t n_mpls;
	uint8_t n_if;
	uint8_t n_other;	/* objects of other classes, skipped */
	struct ht_mpls mpls[HT_EXT_MAX_MPLS];
	struct ht_ifinfo ifs[HT_EXT_MAX_IF];
};

struct ht_pkt {
	enum ht_kind kind;
	enum ht_status status;
	struct ht_ip ip;	/* the outer IP header */
	struct ht_l4 l4;	/* the outer transport / ICMP header */
	/* HT_PKT_ERROR only: the quoted packet and any extensions */
	struct ht_ip qip;
	struct ht_l4 ql4;
	uint16_t qlen;		/* bytes of the original datagram quoted */
	struct ht_ext ext;	/* last: ht_decode clears only its counts */
};

/*
 * Decode one frame of the given pcap link type (DLT_*).  Pure: reads only
 * the bytes [pkt, pkt + caplen), writes only *out.  Returns out->kind.
 */
enum ht_kind ht_decode(int dlt, const uint8_t *pkt, size_t caplen,
    struct ht_pkt *out);

/*
 * A probe's flow identifier, as a per-flow load balancer sees it: the
 * destination port of UDP and TCP, the checksum of ICMP (Paris keeps it
 * constant within a flow).
 */
uint16_t ht_l4_flow(uint8_t proto, const struct ht_l4 *l4);

/* Does ht_decode() know this link type? */
int ht_decode_dlt_ok(int dlt);

/* A short English phrase for a status, for warnings. */
const char *ht_status_str(enum ht_status st);

#endif
