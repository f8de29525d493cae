/* \summary: unit tests of ht_decode() against hand-made packets */
/*
 * Every fixture is hex text whose bytes are explained field by field; the
 * checksums are real (test_fixture_checksums verifies them), generated with
 * scapy and checked against RFC 791/792/768/9293/8200/4443 layouts.
 *
 * Addresses (documentation ranges, RFC 5737 / RFC 3849):
 *   us           192.0.2.1      c0 00 02 01    2001:db8::1
 *   destination  198.51.100.7   c6 33 64 07    2001:db8:2::7
 *   routers      203.0.113.x    cb 00 71 xx    2001:db8:1::5
 * MAC addresses 00:00:5e:00:53:xx (RFC 7042 documentation range).
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <check.h>
#include <pcap/dlt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "packets.h"
#include "wire/decode.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#define LT_IPV4	228		/* LINKTYPE_IPV4 */
#define LT_IPV6	229		/* LINKTYPE_IPV6 */

#define MAXFRAME 2048

/* ------------------------------------------------------------------ */
/* IPv4 fixtures                                                       */

/* The same probe as the router at hop 3 quotes it: TTL 1, cksum redone. */
static const char Q_ECHO4[] =
    /* IPv4: len 36, ID 0x1003, TTL 1, proto 1, cksum 0xbd9a, us -> dst */
    "45 00 00 24 10 03 00 00 01 01 bd 9a c0 00 02 01 c6 33 64 07 "
    /* ICMP echo: type 8, code 0, cksum 0x4480, id 0x04d2, seq 3 */
    "08 00 44 80 04 d2 00 03 "
    /* "hoptrace" */
    "68 6f 70 74 72 61 63 65 ";

/* ICMP time exceeded in transit from 203.0.113.5, quoting all of Q_ECHO4. */
static const char TE4_ECHO_HDR[] =
    /* IPv4: len 64, ID 0xbeef, TTL 253, proto 1, cksum 0x00c6,
     * 203.0.113.5 -> us */
    "45 00 00 40 be ef 00 00 fd 01 00 c6 cb 00 71 05 c0 00 02 01 "
    /* ICMP: type 11 (time exceeded) | code 0 (TTL) | cksum 0xf4ff
     * | unused 0, RFC 4884 length 0, unused 0 */
    "0b 00 f4 ff 00 00 00 00 ";

/* ICMP echo request with an IP option (Router Alert): IHL 6. */
static const char ECHO4_OPT[] =
    /* IPv4: IHL 6 | len 40 | ID 0x1005 | TTL 5 | proto 1 | cksum 0x2490 */
    "46 00 00 28 10 05 00 00 05 01 24 90 c0 00 02 01 c6 33 64 07 "
    /* option 148 (Router Alert), length 4, value 0 */
    "94 04 00 00 "
    /* ICMP echo: cksum 0x447e, id 0x04d2, seq 5 */
    "08 00 44 7e 04 d2 00 05 "
    "68 6f 70 74 72 61 63 65 ";

/* The UDP probe as quoted (TTL 1, header cksum 0xad8b). */
static const char Q_UDP4[] =
    "45 00 00 24 20 02 00 00 01 11 ad 8b c0 00 02 01 c6 33 64 07 "
    "9c 40 82 9b 00 10 46 0b "
    "68 6f 70 74 72 61 63 65 ";

/*
 * Destination unreachable from the destination quoting Q_UDP4.  Code 0
 * here; the unreachable test patches the code byte (offset 21) and the
 * ICMP checksum (offsets 22-23) from UNR4_CKSUM.
 */
static const char UNR4_HDR[] =
    /* IPv4: len 64, ID 0x7777, TTL 62, proto 1, cksum 0x190a, dst -> us */
    "45 00 00 40 77 77 00 00 3e 01 19 0a c6 33 64 07 c0 00 02 01 "
    /* ICMP: type 3 | code 0 | cksum 0xe95d | unused */
    "03 00 e9 5d 00 00 00 00 ";
/* The ICMP checksum of UNR4_HDR + Q_UDP4 for codes 0..15. */
static const uint16_t UNR4_CKSUM[16] = {
	0xe95d, 0xe95c, 0xe95b, 0xe95a, 0xe959, 0xe958, 0xe957, 0xe956,
	0xe955, 0xe954, 0xe953, 0xe952, 0xe951, 0xe950, 0xe94f, 0xe94e
};

/* Time exceeded from 203.0.113.2 quoting Q_UDP4. */
static const char TE4_UDP_HDR[] =
    /* IPv4: len 64, ID 0xbef0, TTL 254, proto 1, cksum 0xffc7 */
    "45 00 00 40 be f0 00 00 fe 01 ff c7 cb 00 71 02 c0 00 02 01 "
    /* ICMP: type 11, code 0, cksum 0xe15d */
    "0b 00 e1 5d 00 00 00 00 ";

/* A later fragment (offset 185 * 8) of a UDP datagram. */
static const char FRAG4[] =
    /* IPv4: len 28, ID 0x2002, flags 0 offset 185 (00 b9), TTL 2, UDP */
    "45 00 00 1c 20 02 00 b9 02 11 ab da c0 00 02 01 c6 33 64 07 "
    "68 6f 70 74 72 61 63 65 ";

/* Time exceeded from 203.0.113.2 quoting all 176 bytes of a UDP probe. */
static const char TE4_BIGQ[] =
    /* IPv4: len 204, ID 0xbef2, TTL 254, proto 1, cksum 0xff39 */
    "45 00 00 cc be f2 00 00 fe 01 ff 39 cb 00 71 02 c0 00 02 01 "
    /* ICMP: type 11, code 0, cksum 0xe1e9, RFC 4884 length 0 */
    "0b 00 e1 e9 00 00 00 00 "
    /* quoted IPv4: len 176, ID 0x2003, TTL 1, UDP, cksum 0xacfe */
    "45 00 00 b0 20 03 00 00 01 11 ac fe c0 00 02 01 c6 33 64 07 "
    /* quoted UDP: 40000 -> 33436, len 156, cksum 0xf39c; 148 zero bytes */
    "9c 40 82 9c 00 9c f3 9c 00*148 ";

/* ------------------------------------------------------------------ */
/* ICMP extensions (RFC 4884, 4950, 5837), IPv4                        */

/* Q_ECHO4 (36 bytes) padded with zeros to the 128-byte field RFC 4884 asks. */
#define Q_ECHO4_PAD "00*92 "

/* RFC 4884 header + RFC 4950 MPLS label stack object, 2 entries. */
static const char EXT_MPLS[] =
    /* extension header: version 2, reserved 0 | checksum 0x75da */
    "20 00 75 da "
    /* object header: length 12 | class 1 (MPLS label stack) | c-type 1 */
    "00 0c 01 01 "
    /* label 16001 (0x03e81), exp 0, S 0, TTL 1 */
    "03 e8 10 01 "
    /* label 299776 (0x49300), exp 5, S 1, TTL 255 */
    "49 30 0b ff ";

/* Time exceeded, RFC 4884 length 32 words (128 bytes), + EXT_MPLS. */
static const char TE4_MPLS_HDR[] =
    /* IPv4: len 172, ID 0xe001, TTL 250, proto 1, cksum 0xe247 */
    "45 00 00 ac e0 01 00 00 fa 01 e2 47 cb 00 71 05 c0 00 02 01 "
    /* ICMP: type 11, code 0, cksum 0xf4df | unused 0 | length 0x20 | 0 0 */
    "0b 00 f4 df 00 20 00 00 ";

/* RFC 4884 s.5 compatibility: the same but with the length field 0. */
static const char TE4_COMPAT_HDR[] =
    /* IPv4: len 172, ID 0xe002, cksum 0xe246 */
    "45 00 00 ac e0 02 00 00 fa 01 e2 46 cb 00 71 05 c0 00 02 01 "
    /* ICMP: type 11, code 0, cksum 0xf4ff, length 0 */
    "0b 00 f4 ff 00 00 00 00 ";

/* RFC 5837 interface information: two objects. */
static const char TE4_IF_HDR[] =
    /* IPv4: len 200, ID 0xe003, cksum 0xe229 */
    "45 00 00 c8 e0 03 00 00 fa 01 e2 29 cb 00 71 05 c0 00 02 01 "
    /* ICMP: type 11, code 0, cksum 0xf4df, length 32 words */
    "0b 00 f4 df 00 20 00 00 ";
static const char EXT_IF[] =
    /* extension header: version 2, checksum 0x9656 */
    "20 00 96 56 "
    /* object: length 32 | class 2 (interface information) | c-type 0x0f:
     * role 0 (incoming), ifIndex, IP address, name and MTU present */
    "00 20 02 0f "
    /* ifIndex 7 */
    "00 00 00 07 "
    /* address sub-object: AFI 1 (IPv4) | reserved | 203.0.113.9 */
    "00 01 00 00 cb 00 71 09 "
    /* name sub-object: length 12 (counts itself) | "ge-0/0/1" | 3 x NUL */
    "0c 67 65 2d 30 2f 30 2f 31 00 00 00 "
    /* MTU 1500 */
    "00 00 05 dc "
    /* object: length 8 | class 2 | c-type 0x88: role 2 (outgoing), ifIndex */
    "00 08 02 88 "
    /* ifIndex 9 */
    "00 00 00 09 ";

/* Malformed extensions; the ICMP checksum is right in each. */
static const char TE4_BADCK_HDR[] =
    /* IPv4 ID 0xe004 cksum 0xe244 | ICMP cksum 0xf4de, length 32 */
    "45 00 00 ac e0 04 00 00 fa 01 e2 44 cb 00 71 05 c0 00 02 01 "
    "0b 00 f4 de 00 20 00 00 ";
static const char EXT_BADCK[] =
    /* version 2 | checksum 0x75db: one more than right */
    "20 00 75 db 00 0c 01 01 03 e8 10 01 49 30 0b ff ";
static const char TE4_OVER_HDR[] =
    /* IPv4 ID 0xe005 cksum 0xe243 | ICMP cksum 0xf4df, length 32 */
    "45 00 00 ac e0 05 00 00 fa 01 e2 43 cb 00 71 05 c0 00 02 01 "
    "0b 00 f4 df 00 20 00 00 ";
static const char EXT_OVER[] =
    /* version 2 | checksum 0x75a6 (right) | object length 64 (0x40) but
     * only 12 bytes follow | class 1 c-type 1 | two label entries */
    "20 00 75 a6 00 40 01 01 03 e8 10 01 49 30 0b ff ";
static const char TE4_ZERO_HDR[] =
    /* IPv4 ID 0xe006 cksum 0xe242 | ICMP cksum 0xf4df, length 32 */
    "45 00 00 ac e0 06 00 00 fa 01 e2 42 cb 00 71 05 c0 00 02 01 "
    "0b 00 f4 df 00 20 00 00 ";
static const char EXT_ZERO[] =
    /* version 2 | checksum 0x75e6 (right) | object length 0 | class 1
     * c-type 1 | two label entries */
    "20 00 75 e6 00 00 01 01 03 e8 10 01 49 30 0b ff ";
static const char TE4_V1_HDR[] =
    /* IPv4 ID 0xe007 cksum 0xe241 | ICMP cksum 0xf4df, length 32 */
    "45 00 00 ac e0 07 00 00 fa 01 e2 41 cb 00 71 05 c0 00 02 01 "
    "0b 00 f4 df 00 20 00 00 ";
static const char EXT_V1[] =
    /* version 1 | checksum 0x85da (right) | the MPLS object */
    "10 00 85 da 00 0c 01 01 03 e8 10 01 49 30 0b ff ";
/*
 * Not RFC 4884 compliant: length 9 words (just the 36-byte quote, under the
 * 128 bytes RFC 4884 s.4.1 requires with extensions), then an extension.
 */
static const char TE4_SHORT[] =
    /* IPv4: len 80, ID 0xe009, TTL 250, proto 1, cksum 0xe29b */
    "45 00 00 50 e0 09 00 00 fa 01 e2 9b cb 00 71 05 c0 00 02 01 "
    /* ICMP: type 11, code 0, cksum 0xf4f6, length 9 (x 4 = 36 bytes) */
    "0b 00 f4 f6 00 09 00 00 ";
/* An object of a class we do not read, then the MPLS object. */
static const char TE4_MIX_HDR[] =
    /* IPv4: len 180, ID 0xe00a, cksum 0xe236 | ICMP cksum 0xf4df, len 32 */
    "45 00 00 b4 e0 0a 00 00 fa 01 e2 36 cb 00 71 05 c0 00 02 01 "
    "0b 00 f4 df 00 20 00 00 ";
static const char EXT_MIX[] =
    /* version 2 | checksum 0x72c8 */
    "20 00 72 c8 "
    /* object: length 8 | class 3 (RFC 8335 interface identification)
     * | c-type 3 (by ifIndex) | ifIndex 7 */
    "00 08 03 03 00 00 00 07 "
    /* the RFC 4950 object of EXT_MPLS */
    "00 0c 01 01 03 e8 10 01 49 30 0b ff ";
/* Compatibility case (length 0) whose extension checksum is wrong. */
static const char TE4_COMPAT_BAD_HDR[] =
    /* IPv4 ID 0xe008 cksum 0xe240 | ICMP cksum 0xf4fe, length 0 */
    "45 00 00 ac e0 08 00 00 fa 01 e2 40 cb 00 71 05 c0 00 02 01 "
    "0b 00 f4 fe 00 00 00 00 ";

/* ------------------------------------------------------------------ */
/* IPv6 fixtures (the shared ones are in packets.h)                     */

/* Destination unreachable (code 0 here; patched like UNR4) quoting UDP6. */
static const char UNR6[] =
    /* IPv6: payload 64 | next 58 | hlim 61 | dst -> us */
    "60 00 00 00 00 40 3a 3d " DST6 US6
    /* ICMPv6: type 1 (unreachable) | code 0 | cksum 0x3219 | unused */
    "01 00 32 19 00 00 00 00 "
    /* quoted UDP6 at hop limit 1 */
    "60 00 00 00 00 10 11 01 " US6 DST6
    "9c 40 82 9c 00 10 d6 ca "
    "68 6f 70 74 72 61 63 65 ";
/* Its ICMPv6 checksum for codes 0..7. */
static const uint16_t UNR6_CKSUM[8] = {
	0x3219, 0x3218, 0x3217, 0x3216, 0x3215, 0x3214, 0x3213, 0x3212
};

/* Time exceeded from the router quoting UDP6 at hop limit 1. */
static const char TE6_UDP[] =
    "60 00 00 00 00 40 3a 3f " R6 US6
    /* ICMPv6: type 3, code 0, cksum 0x301c */
    "03 00 30 1c 00 00 00 00 "
    "60 00 00 00 00 10 11 01 " US6 DST6
    "9c 40 82 9c 00 10 d6 ca "
    "68 6f 70 74 72 61 63 65 ";

/* UDP probe behind a hop-by-hop and a fragment header. */
static const char UDP6X[] =
    /* IPv6: payload 32 | next 0 (hop-by-hop) | hlim 3 */
    "60 00 00 00 00 20 00 03 " US6 DST6
    /* hop-by-hop: next 44 (fragment) | hdr ext len 0 (8 bytes) | PadN 4 */
    "2c 00 01 04 00 00 00 00 "
    /* fragment: next 17 | reserved | offset 0, M 0 (atomic) | id */
    "11 00 00 00 de ad be ef "
    /* UDP: 40000 -> 33437 (829d) | len 16 | cksum 0xd6c9 */
    "9c 40 82 9d 00 10 d6 c9 "
    "68 6f 70 74 72 61 63 65 ";

/* Time exceeded quoting UDP6X (hop limit 1): the quote has the chain too. */
static const char TE6_UDPX[] =
    /* IPv6: payload 80 | next 58 | hlim 63 */
    "60 00 00 00 00 50 3a 3f " R6 US6
    /* ICMPv6: type 3, code 0, cksum 0x655a */
    "03 00 65 5a 00 00 00 00 "
    "60 00 00 00 00 20 00 01 " US6 DST6
    "2c 00 01 04 00 00 00 00 "
    "11 00 00 00 de ad be ef "
    "9c 40 82 9d 00 10 d6 c9 "
    "68 6f 70 74 72 61 63 65 ";

/* UDP behind a routing header, destination options and AH. */
static const char UDP6AH[] =
    /* IPv6: payload 56 | next 43 (routing) | hlim 3 */
    "60 00 00 00 00 38 2b 03 " US6 DST6
    /* routing: next 60 | len 0 | type 0 | segments left 0 | reserved */
    "3c 00 00 00 00 00 00 00 "
    /* destination options: next 51 (AH) | len 0 | PadN 4 */
    "33 00 01 04 00 00 00 00 "
    /* AH: next 17 | payload len 4 ((4 + 2) * 4 = 24 bytes) | reserved
     * | SPI 0x100 | sequence 1 | ICV (12 bytes) */
    "11 04 00 00 00 00 01 00 00 00 00 01 00 00 00 00 00 00 00 00 00 00 00 00 "
    /* UDP: 40000 -> 33438 (829e) | len 16 | cksum 0xd6c8 */
    "9c 40 82 9e 00 10 d6 c8 "
    "68 6f 70 74 72 61 63 65 ";

/* Later fragment of a UDP datagram (offset 185 * 8). */
static const char FRAG6[] =
    /* IPv6: payload 16 | next 44 | hlim 3 */
    "60 00 00 00 00 10 2c 03 " US6 DST6
    /* fragment: next 17 | reserved | offset 185 << 3 = 0x05c8, M 0 | id */
    "11 00 05 c8 de ad be ef "
    "68 6f 70 74 72 61 63 65 ";

/* Nine hop-by-hop headers before UDP: longer than any real chain. */
static const char LONG6[] =
    /* IPv6: payload 88 | next 0 | hlim 3 */
    "60 00 00 00 00 58 00 03 " US6 DST6
    /* 8 x hop-by-hop: next 0 | len 0 | PadN 4 */
    "00 00 01 04 00 00 00 00 00 00 01 04 00 00 00 00 "
    "00 00 01 04 00 00 00 00 00 00 01 04 00 00 00 00 "
    "00 00 01 04 00 00 00 00 00 00 01 04 00 00 00 00 "
    "00 00 01 04 00 00 00 00 00 00 01 04 00 00 00 00 "
    /* hop-by-hop: next 17 */
    "11 00 01 04 00 00 00 00 "
    "9c 40 82 9d 00 10 d6 c9 "
    "68 6f 70 74 72 61 63 65 ";

/* A hop-by-hop header claiming 48 bytes in a 32-byte payload. */
static const char OVER6[] =
    "60 00 00 00 00 20 00 03 " US6 DST6
    /* hop-by-hop: next 44 | hdr ext len 5 ((5 + 1) * 8 = 48) | PadN 4 */
    "2c 05 01 04 00 00 00 00 "
    "11 00 00 00 de ad be ef "
    "9c 40 82 9d 00 10 d6 c9 "
    "68 6f 70 74 72 61 63 65 ";

/* Time exceeded, RFC 4884 length 16 (x 8 = 128 bytes) + EXT_MPLS. */
static const char TE6_MPLS_HDR[] =
    /* IPv6: payload 152 | next 58 | hlim 63 */
    "60 00 00 00 00 98 3a 3f " R6 US6
    /* ICMPv6: type 3 | code 0 | cksum 0xd3a6 | length 16 (byte 4) | 0 */
    "03 00 d3 a6 10 00 00 00 "
    /* quoted ECHO6 at hop limit 1, padded with 72 zeros to 128 bytes */
    "60 01 23 45 00 10 3a 01 " US6 DST6
    "80 00 70 b7 04 d2 00 05 "
    "68 6f 70 74 72 61 63 65 00*72 ";

/* ------------------------------------------------------------------ */
/* Link-layer headers                                                  */

/* Ethernet II: dst 00:00:5e:00:53:01, src 00:00:5e:00:53:02, type */
#define ETH_MACS "00 00 5e 00 53 01 00 00 5e 00 53 02 "
static const char ETH_IP4[] = ETH_MACS "08 00 ";
static const char ETH_IP6[] = ETH_MACS "86 dd ";
/* 802.1Q tag: TPID 0x8100 | PCP 0 DEI 0 VID 100 | type IPv4 */
static const char ETH_VLAN_IP4[] = ETH_MACS "81 00 00 64 08 00 ";
/* 802.1ad outer tag (0x88a8, VID 200), 802.1Q inner tag (VID 100), IPv4 */
static const char ETH_QINQ_IP4[] = ETH_MACS "88 a8 00 c8 81 00 00 64 08 00 ";
static const char ETH_QINQ_IP6[] = ETH_MACS "88 a8 00 c8 81 00 00 64 86 dd ";
/* MPLS unicast: label 16 (0x00010) | TC 0 | S 1 | TTL 64 */
static const char ETH_MPLS1[] = ETH_MACS "88 47 00 01 01 40 ";
/* MPLS: label 100 (0x00064) S 0 TTL 64, then label 16 S 1 TTL 64 */
static const char ETH_MPLS2[] = ETH_MACS "88 47 00 06 40 40 00 01 01 40 ";
/* ARP request: who has 192.0.2.254, tell 192.0.2.1 */
static const char ETH_ARP[] =
    "ff ff ff ff ff ff 00 00 5e 00 53 02 08 06 "
    /* htype 1 | ptype 0x0800 | hlen 6 | plen 4 | op 1 (request) */
    "00 01 08 00 06 04 00 01 "
    /* sender MAC, sender IP, target MAC, target IP */
    "00 00 5e 00 53 02 c0 00 02 01 00 00 00 00 00 00 c0 00 02 fe ";
/* Linux cooked v1: packet type 0 (to us) | ARPHRD_ETHER 1 | addr len 6
 * | address (8 bytes, padded) | protocol 0x0800 */
static const char SLL_IP4[] =
    "00 00 00 01 00 06 00 00 5e 00 53 02 00 00 08 00 ";
/* Linux cooked v2: protocol | reserved | ifindex 2 | ARPHRD_ETHER
 * | packet type 0 | addr len 6 | address (8 bytes) */
static const char SLL2_IP4[] =
    "08 00 00 00 00 00 00 02 00 01 00 06 00 00 5e 00 53 02 00 00 ";
static const char SLL2_IP6[] =
    "86 dd 00 00 00 00 00 02 00 01 00 06 00 00 5e 00 53 02 00 00 ";
/* BSD loopback: address family in host order (AF_INET 2, little-endian
 * writer) / in network order (DLT_LOOP); IPv6: 30 (macOS), 24 (OpenBSD) */
static const char NULL_IP4[] = "02 00 00 00 ";
static const char LOOP_IP4[] = "00 00 00 02 ";
static const char NULL_IP6[] = "1e 00 00 00 ";
static const char LOOP_IP6[] = "00 00 00 18 ";
/* PPP: HDLC address 0xff, control 0x03, protocol 0x0021 (IPv4) */
static const char PPP_HDLC_IP4[] = "ff 03 00 21 ";
/* PPP without address/control (as pppd hands it over): protocol 0x0021 */
static const char PPP_IP4[] = "00 21 ";
/* PPP IPv6: protocol 0x0057 */
static const char PPP_HDLC_IP6[] = "ff 03 00 57 ";
/* Cisco HDLC: address 0x0f (unicast) | control 0 | ethertype 0x0800 */
static const char CHDLC_IP4[] = "0f 00 08 00 ";
static const char NONE[] = "";

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

#define ASSERT_ADDR(x, s) do {						\
	struct ht_addr want_ = hex_addr(s);				\
	char got_[HT_ADDRSTRLEN];					\
	ck_assert_msg(ht_addr_eq(&(x), &want_), "%s is %s, want %s",	\
	    #x, ht_addr_str(&(x), got_), (s));				\
} while (0)

/* Concatenate hex parts (NULL-terminated) into buf; fails the test on error. */
static size_t
frame(uint8_t *buf, size_t cap, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, cap);
	n = hex_vjoin(buf, cap, ap);
	va_end(ap);
	ck_assert_msg(n != (size_t)-1, "malformed hex fixture");
	return n;
}

/* Decode n bytes from an exactly-sized heap copy. */
static enum ht_kind
dec_bytes(int dlt, const uint8_t *b, size_t n, struct ht_pkt *out)
{
	uint8_t *copy = hex_dup(b, n);
	enum ht_kind k;

	ck_assert_ptr_nonnull(copy);
	k = ht_decode(dlt, copy, n, out);
	free(copy);
	return k;
}

/* Decode the concatenation of hex parts (NULL-terminated). */
static enum ht_kind
dec(int dlt, struct ht_pkt *out, ...)
{
	uint8_t buf[MAXFRAME];
	va_list ap;
	size_t n;

	va_start(ap, out);
	n = hex_vjoin(buf, sizeof(buf), ap);
	va_end(ap);
	ck_assert_msg(n != (size_t)-1, "malformed hex fixture");
	return dec_bytes(dlt, buf, n, out);
}

/* Every field of TE4_ECHO_HDR + Q_ECHO4, whatever link it came over. */
static void
check_te4_echo(const struct ht_pkt *p)
{
	ck_assert_int_eq(p->kind, HT_PKT_ERROR);
	ck_assert_int_eq(p->status, HT_DEC_OK);
	ASSERT_ADDR(p->ip.src, "203.0.113.5");
	ASSERT_ADDR(p->ip.dst, "192.0.2.1");
	ck_assert_uint_eq(p->ip.proto, HT_PROTO_ICMP);
	ck_assert_uint_eq(p->ip.ttl, 253);
	ck_assert_uint_eq(p->ip.len, 64);
	ck_assert_uint_eq(p->ip.id, 0xbeef);
	ck_assert_uint_eq(p->l4.have, 8);
	ck_assert_uint_eq(p->l4.type, HT_ICMP_TIMXCEED);
	ck_assert_uint_eq(p->l4.code, 0);
	ck_assert_uint_eq(p->l4.cksum, 0xf4ff);
	ASSERT_ADDR(p->qip.src, "192.0.2.1");
	ASSERT_ADDR(p->qip.dst, "198.51.100.7");
	ck_assert_uint_eq(p->qip.proto, HT_PROTO_ICMP);
	ck_assert_uint_eq(p->qip.ttl, 1);
	ck_assert_uint_eq(p->qip.id, 0x1003);
	ck_assert_uint_eq(p->qip.len, 36);
	ck_assert_uint_eq(p->ql4.have, 8);
	ck_assert_uint_eq(p->ql4.type, HT_ICMP_ECHO);
	ck_assert_uint_eq(p->ql4.code, 0);
	ck_assert_uint_eq(p->ql4.cksum, 0x4480);
	ck_assert_uint_eq(p->ql4.id, 0x04d2);
	ck_assert_uint_eq(p->ql4.seq, 3);
	ck_assert_uint_eq(p->qlen, 36);
	ck_assert_uint_eq(p->ext.present, 0);
}

/* Every field of TE6_ECHO. */
static void
check_te6_echo(const struct ht_pkt *p)
{
	ck_assert_int_eq(p->kind, HT_PKT_ERROR);
	ck_assert_int_eq(p->status, HT_DEC_OK);
	ASSERT_ADDR(p->ip.src, "2001:db8:1::5");
	ASSERT_ADDR(p->ip.dst, "2001:db8::1");
	ck_assert_uint_eq(p->ip.proto, HT_PROTO_ICMP6);
	ck_assert_uint_eq(p->ip.ttl, 63);
	ck_assert_uint_eq(p->ip.len, 104);
	ck_assert_uint_eq(p->ip.id, 0);
	ck_assert_uint_eq(p->l4.type, HT_ICMP6_TIMXCEED);
	ck_assert_uint_eq(p->l4.code, 0);
	ck_assert_uint_eq(p->l4.cksum, 0xe3fe);
	ASSERT_ADDR(p->qip.src, "2001:db8::1");
	ASSERT_ADDR(p->qip.dst, "2001:db8:2::7");
	ck_assert_uint_eq(p->qip.proto, HT_PROTO_ICMP6);
	ck_assert_uint_eq(p->qip.ttl, 1);
	ck_assert_uint_eq(p->qip.id, 0x12345);
	ck_assert_uint_eq(p->qip.len, 56);
	ck_assert_uint_eq(p->ql4.have, 8);
	ck_assert_uint_eq(p->ql4.type, HT_ICMP6_ECHO);
	ck_assert_uint_eq(p->ql4.id, 0x04d2);
	ck_assert_uint_eq(p->ql4.seq, 5);
	ck_assert_uint_eq(p->ql4.cksum, 0x70b7);
	ck_assert_uint_eq(p->qlen, 56);
	ck_assert_uint_eq(p->ext.present, 0);
}

/* The two RFC 4950 entries of EXT_MPLS. */
static void
check_ext_mpls(const struct ht_ext *e)
{
	ck_assert_uint_eq(e->present, 1);
	ck_assert_uint_eq(e->version, 2);
	ck_assert_uint_eq(e->n_mpls, 2);
	ck_assert_uint_eq(e->n_if, 0);
	ck_assert_uint_eq(e->n_other, 0);
	ck_assert_uint_eq(e->mpls[0].label, 16001);
	ck_assert_uint_eq(e->mpls[0].exp, 0);
	ck_assert_uint_eq(e->mpls[0].s, 0);
	ck_assert_uint_eq(e->mpls[0].ttl, 1);
	ck_assert_uint_eq(e->mpls[1].label, 299776);
	ck_assert_uint_eq(e->mpls[1].exp, 5);
	ck_assert_uint_eq(e->mpls[1].s, 1);
	ck_assert_uint_eq(e->mpls[1].ttl, 255);
}

/* The quoted echo of the extension fixtures (Q_ECHO4 padded to 128). */
static void
check_quoted_echo4(const struct ht_pkt *p)
{
	ck_assert_int_eq(p->kind, HT_PKT_ERROR);
	ck_assert_int_eq(p->status, HT_DEC_OK);
	ASSERT_ADDR(p->ip.src, "203.0.113.5");
	ASSERT_ADDR(p->qip.src, "192.0.2.1");
	ASSERT_ADDR(p->qip.dst, "198.51.100.7");
	ck_assert_uint_eq(p->qip.proto, HT_PROTO_ICMP);
	ck_assert_uint_eq(p->qip.len, 36);
	ck_assert_uint_eq(p->qip.id, 0x1003);
	ck_assert_uint_eq(p->ql4.have, 8);
	ck_assert_uint_eq(p->ql4.type, HT_ICMP_ECHO);
	ck_assert_uint_eq(p->ql4.id, 0x04d2);
	ck_assert_uint_eq(p->ql4.seq, 3);
}

/* ------------------------------------------------------------------ */
/* Fixture sanity: the checksums written in the hex are right          */

START_TEST(test_fixture_checksums)
{
	static const char *const fx[][3] = {
		{ ECHO4, NULL, NULL }, { Q_ECHO4, NULL, NULL },
		{ TE4_ECHO_HDR, Q_ECHO4, NULL }, { ER4, NULL, NULL },
		{ ECHO4_OPT, NULL, NULL }, { UDP4, NULL, NULL },
		{ Q_UDP4, NULL, NULL }, { UNR4_HDR, Q_UDP4, NULL },
		{ TE4_UDP_HDR, Q_UDP4, NULL }, { SYN4, NULL, NULL },
		{ SYNACK4, NULL, NULL }, { RST4, NULL, NULL },
		{ TE4_TCP, NULL, NULL }, { TE4_BIGQ, NULL, NULL },
		{ ECHO6, NULL, NULL }, { TE6_ECHO, NULL, NULL },
		{ ER6, NULL, NULL }, { UDP6, NULL, NULL }, { UNR6, NULL, NULL },
		{ TE6_UDP, NULL, NULL }, { TE6_UDPX, NULL, NULL },
	};
	uint8_t buf[MAXFRAME];
	size_t i, n;

	for (i = 0; i < sizeof(fx) / sizeof(fx[0]); i++) {
		n = frame(buf, sizeof(buf), fx[i][0], fx[i][1], NULL);
		ck_assert_msg(hex_ip_cksums_ok(buf, n), "fixture %zu", i);
	}
	/* The quoted packets inside the errors carry right checksums too. */
	n = frame(buf, sizeof(buf), TE4_TCP, NULL);
	ck_assert_uint_eq(hex_cksum(buf + 28, 20), 0);
	n = frame(buf, sizeof(buf), TE6_ECHO, NULL);
	ck_assert(hex_ip_cksums_ok(buf + 48, n - 48));
	n = frame(buf, sizeof(buf), TE4_BIGQ, NULL);
	ck_assert(hex_ip_cksums_ok(buf + 28, n - 28));
}
END_TEST

/* The extension fixtures: ICMP checksum over all, and the extension's. */
START_TEST(test_fixture_ext_checksums)
{
	static const char *const v4[][2] = {
		{ TE4_MPLS_HDR, EXT_MPLS }, { TE4_COMPAT_HDR, EXT_MPLS },
		{ TE4_IF_HDR, EXT_IF }, { TE4_BADCK_HDR, EXT_BADCK },
		{ TE4_OVER_HDR, EXT_OVER }, { TE4_ZERO_HDR, EXT_ZERO },
		{ TE4_V1_HDR, EXT_V1 }, { TE4_COMPAT_BAD_HDR, EXT_BADCK },
		{ TE4_MIX_HDR, EXT_MIX },
	};
	uint8_t buf[MAXFRAME];
	size_t i, n;

	for (i = 0; i < sizeof(v4) / sizeof(v4[0]); i++) {
		n = frame(buf, sizeof(buf), v4[i][0], Q_ECHO4, Q_ECHO4_PAD,
		    v4[i][1], NULL);
		ck_assert_uint_eq(n, 20 + 8 + 128 + (buf[3] == 0xc8 ? 44 :
		    buf[3] == 0xb4 ? 24 : 16));
		ck_assert_uint_eq(buf[2] << 8 | buf[3], n);
		ck_assert_msg(hex_ip_cksums_ok(buf, n), "fixture %zu", i);
		/* the extension structure's own checksum */
		ck_assert_uint_eq(hex_cksum(buf + 156, n - 156) == 0,
		    v4[i][1] != EXT_BADCK);
	}
	n = frame(buf, sizeof(buf), TE6_MPLS_HDR, EXT_MPLS, NULL);
	ck_assert_uint_eq(n, 40 + 8 + 128 + 16);
	ck_assert(hex_ip_cksums_ok(buf, n));
}
END_TEST

START_TEST(test_hex_helper)
{
	uint8_t b[8];

	ck_assert_uint_eq(hex_parse("0a ff\n00*3 ", b, sizeof(b)), 5);
	ck_assert_uint_eq(b[0], 0x0a);
	ck_assert_uint_eq(b[1], 0xff);
	ck_assert_uint_eq(b[4], 0);
	ck_assert_uint_eq(hex_parse("0", b, sizeof(b)), (size_t)-1);
	ck_assert_uint_eq(hex_parse("0g", b, sizeof(b)), (size_t)-1);
	ck_assert_uint_eq(hex_parse("00*9", b, sizeof(b)), (size_t)-1);
	ck_assert_uint_eq(hex_parse("abc", b, sizeof(b)), (size_t)-1);
}
END_TEST

/* ------------------------------------------------------------------ */
/* IPv4                                                                */

START_TEST(test_v4_timex_echo)
{
	struct ht_pkt p;

	ck_assert_int_eq(dec(DLT_RAW, &p, TE4_ECHO_HDR, Q_ECHO4, NULL),
	    HT_PKT_ERROR);
	check_te4_echo(&p);
}
END_TEST

START_TEST(test_v4_echo_request)
{
	struct ht_pkt p;

	ck_assert_int_eq(dec(DLT_RAW, &p, ECHO4, NULL), HT_PKT_PROBE);
	ck_assert_int_eq(p.status, HT_DEC_OK);
	ASSERT_ADDR(p.ip.src, "192.0.2.1");
	ASSERT_ADDR(p.ip.dst, "198.51.100.7");
	ck_assert_uint_eq(p.ip.proto, HT_PROTO_ICMP);
	ck_assert_uint_eq(p.ip.ttl, 3);
	ck_assert_uint_eq(p.ip.len, 36);
	ck_assert_uint_eq(p.ip.id, 0x1003);
	ck_assert_uint_eq(p.l4.have, 8);
	ck_assert_uint_eq(p.l4.type, HT_ICMP_ECHO);
	ck_assert_uint_eq(p.l4.code, 0);
	ck_assert_uint_eq(p.l4.cksum, 0x4480);
	ck_assert_uint_eq(p.l4.id, 0x04d2);
	ck_assert_uint_eq(p.l4.seq, 3);
	ck_assert_uint_eq(p.qlen, 0);
	ck_assert_uint_eq(p.qip.src.af, 0);
}
END_TEST

START_TEST(test_v4_echo_with_ip_option)
{
	struct ht_pkt p;

	ck_assert_int_eq(dec(DLT_RAW, &p, ECHO4_OPT, NULL), HT_PKT_PROBE);
	ck_assert_uint_eq(p.ip.len, 40);
	ck_assert_uint_eq(p.ip.ttl, 5);
	ck_assert_uint_eq(p.l4.type, HT_ICMP_ECHO);
	ck_assert_uint_eq(p.l4.cksum, 0x447e);
	ck_assert_uint_eq(p.l4.id, 0x04d2);
	ck_assert_uint_eq(p.l4.seq, 5);
}
END_TEST

START_TEST(test_v4_echo_reply)
{
	struct ht_pkt p;

	ck_assert_int_eq(dec(DLT_RAW, &p, ER4, NULL), HT_PKT_ECHOREPLY);
	ck_assert_int_eq(p.status, HT_DEC_OK);
	ASSERT_ADDR(p.ip.src, "198.51.100.7");
	ASSERT_ADDR(p.ip.dst, "192.0.2.1");
	ck_assert_uint_eq(p.ip.ttl, 61);
	ck_assert_uint_eq(p.ip.id, 0x5555);
	ck_assert_uint_eq(p.l4.type, HT_ICMP_ECHOREPLY);
	ck_assert_uint_eq(p.l4.id, 0x04d2);
	ck_assert_uint_eq(p.l4.seq, 4);
	ck_assert_uint_eq(p.l4.cksum, 0x4c7f);
}
END_TEST

START_TEST(test_v4_unreach_codes)
{
	struct ht_pkt p;
	uint8_t buf[MAXFRAME];
	size_t n;
	int code = _i;

	n = frame(buf, sizeof(buf), UNR4_HDR, Q_UDP4, NULL);
	buf[21] = (uint8_t)code;
	buf[22] = (uint8_t)(UNR4_CKSUM[code] >> 8);
	buf[23] = (uint8_t)UNR4_CKSUM[code];
	ck_assert(hex_ip_cksums_ok(buf, n));
	ck_assert_int_eq(dec_bytes(DLT_RAW, buf, n, &p), HT_PKT_ERROR);
	ck_assert_int_eq(p.status, HT_DEC_OK);
	ASSERT_ADDR(p.ip.src, "198.51.100.7");
	ASSERT_ADDR(p.ip.dst, "192.0.2.1");
	ck_assert_uint_eq(p.ip.ttl, 62);
	ck_assert_uint_eq(p.l4.type, HT_ICMP_UNREACH);
	ck_assert_uint_eq(p.l4.code, code);
	ck_assert_uint_eq(p.l4.cksum, UNR4_CKSUM[code]);
	ASSERT_ADDR(p.qip.src, "192.0.2.1");
	ASSERT_ADDR(p.qip.dst, "198.51.100.7");
	ck_assert_uint_eq(p.qip.proto, HT_PROTO_UDP);
	ck_assert_uint_eq(p.qip.ttl, 1);
	ck_assert_uint_eq(p.qip.id, 0x2002);
	ck_assert_uint_eq(p.ql4.have, 8);
	ck_assert_uint_eq(p.ql4.sport, 40000);
	ck_assert_uint_eq(p.ql4.dport, 33435);
	ck_assert_uint_eq(p.ql4.ulen, 16);
	ck_assert_uint_eq(p.ql4.cksum, 0x460b);
	ck_assert_uint_eq(p.qlen, 36);
}
END_TEST

START_TEST(test_v4_udp_probe)
{
	struct ht_pkt p;

	ck_assert_int_eq(dec(DLT_RAW, &p, UDP4, NULL), HT_PKT_PROBE);
	ck_assert_uint_eq(p.ip.proto, HT_PROTO_UDP);
	ck_assert_uint_eq(p.ip.ttl, 2);
	ck_assert_uint_eq(p.ip.id, 0x2002);
	ck_assert_uint_eq(p.ip.len, 36);
	ck_assert_uint_eq(p.l4.have, 8);
	ck_assert_uint_eq(p.l4.sport, 40000);
	ck_assert_uint_eq(p.l4.dport, 33435);
	ck_assert_uint_eq(p.l4.ulen, 16);
	ck_assert_uint_eq(p.l4.cksum, 0x460b);
}
END_TEST

START_TEST(test_v4_tcp_syn)
{
	struct ht_pkt p;

	ck_assert_int_eq(dec(DLT_RAW, &p, SYN4, NULL), HT_PKT_PROBE);
	ck_assert_uint_eq(p.ip.proto, HT_PROTO_TCP);
	ck_assert_uint_eq(p.ip.ttl, 4);
	ck_assert_uint_eq(p.ip.id, 0x4004);
	ck_assert_uint_eq(p.l4.have, 18);
	ck_assert_uint_eq(p.l4.sport, 40001);
	ck_assert_uint_eq(p.l4.dport, 80);
	ck_assert_uint_eq(p.l4.tseq, 0x11223344);
	ck_assert_uint_eq(p.l4.tack, 0);
	ck_assert_uint_eq(p.l4.tflags, HT_TH_SYN);
	ck_assert_uint_eq(p.l4.cksum, 0xe7bd);
}
END_TEST

START_TEST(test_v4_tcp_synack)
{
	struct ht_pkt p;

	ck_assert_int_eq(dec(DLT_RAW, &p, SYNACK4, NULL), HT_PKT_TCPREPLY);
	ASSERT_ADDR(p.ip.src, "198.51.100.7");
	ck_assert_uint_eq(p.ip.ttl, 60);
	ck_assert_uint_eq(p.l4.sport, 80);
	ck_assert_uint_eq(p.l4.dport, 40001);
	ck_assert_uint_eq(p.l4.tseq, 0xaabbccdd);
	ck_assert_uint_eq(p.l4.tack, 0x11223345);
	ck_assert_uint_eq(p.l4.tflags, HT_TH_SYN | HT_TH_ACK);
	ck_assert_uint_eq(p.l4.cksum, 0x6c7b);
}
END_TEST

START_TEST(test_v4_tcp_rst)
{
	struct ht_pkt p;

	ck_assert_int_eq(dec(DLT_RAW, &p, RST4, NULL), HT_PKT_TCPREPLY);
	ck_assert_uint_eq(p.l4.sport, 80);
	ck_assert_uint_eq(p.l4.dport, 40001);
	ck_assert_uint_eq(p.l4.tseq, 0);
	ck_assert_uint_eq(p.l4.tack, 0x11223345);
	ck_assert_uint_eq(p.l4.tflags, HT_TH_RST | HT_TH_ACK);
}
END_TEST

START_TEST(test_v4_timex_udp)
{
	struct ht_pkt p;

	ck_assert_int_eq(dec(DLT_RAW, &p, TE4_UDP_HDR, Q_UDP4, NULL),
	    HT_PKT_ERROR);
	ASSERT_ADDR(p.ip.src, "203.0.113.2");
	ck_assert_uint_eq(p.ip.ttl, 254);
	ck_assert_uint_eq(p.l4.type, HT_ICMP_TIMXCEED);
	ck_assert_uint_eq(p.qip.proto, HT_PROTO_UDP);
	ck_assert_uint_eq(p.qip.id, 0x2002);
	ck_assert_uint_eq(p.qip.ttl, 1);
	ck_assert_uint_eq(p.ql4.have, 8);
	ck_assert_uint_eq(p.ql4.sport, 40000);
	ck_assert_uint_eq(p.ql4.dport, 33435);
	ck_assert_uint_eq(p.ql4.ulen, 16);
	ck_assert_uint_eq(p.ql4.cksum, 0x460b);
	ck_assert_uint_eq(p.qlen, 36);
}
END_TEST

START_TEST(test_v4_timex_tcp_8_bytes)
{
	struct ht_pkt p;

	ck_assert_int_eq(dec(DLT_RAW, &p, TE4_TCP, NULL), HT_PKT_ERROR);
	ASSERT_ADDR(p.ip.src, "203.0.113.3");
	ck_assert_uint_eq(p.ip.len, 56);
	ck_assert_uint_eq(p.qip.proto, HT_PROTO_TCP);
	ck_assert_uint_eq(p.qip.len, 40);	/* as the header says */
	ck_assert_uint_eq(p.qip.id, 0x4004);
	ck_assert_uint_eq(p.qlen, 28);		/* what is there */
	ck_assert_uint_eq(p.ql4.have, 8);	/* ports and sequence only */
	ck_assert_uint_eq(p.ql4.sport, 40001);
	ck_assert_uint_eq(p.ql4.dport, 80);
	ck_assert_uint_eq(p.ql4.tseq, 0x11223344);
	ck_assert_uint_eq(p.ql4.tack, 0);
	ck_assert_uint_eq(p.ql4.tflags, 0);
}
END_TEST

/* A long quote without extensions stays whole (RFC 4884 s.5 probe fails). */
START_TEST(test_v4_timex_long_quote)
{
	struct ht_pkt p;

	ck_assert_int_eq(dec(DLT_RAW, &p, TE4_BIGQ, NULL), HT_PKT_ERROR);
	ck_assert_uint_eq(p.qlen, 176);
	ck_assert_uint_eq(p.qip.len, 176);
	ck_assert_uint_eq(p.ql4.sport, 40000);
	ck_assert_uint_eq(p.ql4.dport, 33436);
	ck_assert_uint_eq(p.ql4.ulen, 156);
	ck_assert_uint_eq(p.ext.present, 0);
}
END_TEST

START_TEST(test_v4_fragment)
{
	struct ht_pkt p;

	ck_assert_int_eq(dec(DLT_RAW, &p, FRAG4, NULL), HT_PKT_FRAGMENT);
	ck_assert_int_eq(p.status, HT_DEC_OK);
	ck_assert_uint_eq(p.l4.have, 0);
	/* what it adds to its datagram: 20 + 1480 + 8 bytes */
	ck_assert_uint_eq(p.ip.frag, 1);
	ck_assert_uint_eq(p.ip.mf, 0);
	ck_assert_uint_eq(p.ip.fid, 0x2002);
	ck_assert_uint_eq(p.ip.foff, 1480);
	ck_assert_uint_eq(p.ip.whole, 1508);
}
END_TEST

/* ECHO4 with one header field broken (the header checksum not redone:
 * ht_decode does not verify it). */
START_TEST(test_v4_bad_headers)
{
	struct ht_pkt p;

	/* IHL 4 (16 bytes) < 5 */
	ck_assert_int_eq(dec(DLT_RAW, &p,
	    "44 00 00 24 10 03 00 00 03 01 bb 9a c0 00 02 01 c6 33 64 07 "
	    "08 00 44 80 04 d2 00 03 68 6f 70 74 72 61 63 65", NULL),
	    HT_PKT_OTHER);
	ck_assert_int_eq(p.status, HT_DEC_BADIP);
	/* IHL 0 */
	ck_assert_int_eq(dec(DLT_RAW, &p,
	    "40 00 00 24 10 03 00 00 03 01 bb 9a c0 00 02 01 c6 33 64 07 "
	    "08 00 44 80 04 d2 00 03 68 6f 70 74 72 61 63 65", NULL),
	    HT_PKT_OTHER);
	ck_assert_int_eq(p.status, HT_DEC_BADIP);
	/* total length 19 < header length 20 */
	ck_assert_int_eq(dec(DLT_RAW, &p,
	    "45 00 00 13 10 03 00 00 03 01 bb 9a c0 00 02 01 c6 33 64 07 "
	    "08 00 44 80 04 d2 00 03 68 6f 70 74 72 61 63 65", NULL),
	    HT_PKT_OTHER);
	ck_assert_int_eq(p.status, HT_DEC_BADIP);
	/* total length 20 < header length 24 (IHL 6, with the option) */
	ck_assert_int_eq(dec(DLT_RAW, &p,
	    "46 00 00 14 10 05 00 00 05 01 24 90 c0 00 02 01 c6 33 64 07 "
	    "94 04 00 00 08 00 44 7e 04 d2 00 05", NULL), HT_PKT_OTHER);
	ck_assert_int_eq(p.status, HT_DEC_BADIP);
	/* version 5 */
	ck_assert_int_eq(dec(DLT_RAW, &p,
	    "55 00 00 24 10 03 00 00 03 01 bb 9a c0 00 02 01 c6 33 64 07 "
	    "08 00 44 80 04 d2 00 03", NULL), HT_PKT_OTHER);
	ck_assert_int_eq(p.status, HT_DEC_BADIP);
	/* total length 24: ICMP header cut to 4 bytes by the IP length */
	ck_assert_int_eq(dec(DLT_RAW, &p,
	    "45 00 00 18 10 03 00 00 03 01 bb 9a c0 00 02 01 c6 33 64 07 "
	    "08 00 44 80 04 d2 00 03 68 6f 70 74 72 61 63 65", NULL),
	    HT_PKT_OTHER);
	ck_assert_int_eq(p.status, HT_DEC_TRUNCATED);
	ck_assert_uint_eq(p.l4.have, 4);
}
END_TEST

/* A quote cut off inside its IP header is not claimed as an error. */
START_TEST(test_v4_error_short_quote)
{
	struct ht_pkt p;

	/* the time exceeded header, then 12 of the quoted 20 header bytes */
	ck_assert_int_eq(dec(DLT_RAW, &p, TE4_ECHO_HDR,
	    "45 00 00 24 10 03 00 00 01 01 bd 9a", NULL), HT_PKT_OTHER);
	ck_assert_int_eq(p.status, HT_DEC_TRUNCATED);
	ck_assert_uint_eq(p.l4.type, HT_ICMP_TIMXCEED);
	/* ICMPv4 inside IPv6 (next header 1, payload 44) is nonsense: even
	 * with a whole time exceeded and quote it is not an error */
	ck_assert_int_eq(dec(DLT_RAW, &p, "60 00 00 00 00 2c 01 3f " R6 US6,
	    "0b 00 f4 ff 00 00 00 00 ", Q_ECHO4, NULL), HT_PKT_OTHER);
	ck_assert_uint_eq(p.ip.proto, HT_PROTO_ICMP);
}
END_TEST

/* ------------------------------------------------------------------ */
/* IPv6                                                                */

START_TEST(test_v6_timex_echo)
{
	struct ht_pkt p;

	ck_assert_int_eq(dec(DLT_RAW, &p, TE6_ECHO, NULL), HT_PKT_ERROR);
	check_te6_echo(&p);
}
END_TEST

START_TEST(test_v6_unreach_codes)
{
	struct ht_pkt p;
	uint8_t buf[MAXFRAME];
	size_t n;
	int code = _i;

	n = frame(buf, sizeof(buf), UNR6, NULL);
	buf[41] = (uint8_t)code;
	buf[42] = (uint8_t)(UNR6_CKSUM[code] >> 8);
	buf[43] = (uint8_t)UNR6_CKSUM[code];
	ck_assert(hex_ip_cksums_ok(buf, n));
	ck_assert_int_eq(dec_bytes(DLT_RAW, buf, n, &p), HT_PKT_ERROR);
	ASSERT_ADDR(p.ip.src, "2001:db8:2::7");
	ASSERT_ADDR(p.ip.dst, "2001:db8::1");
	ck_assert_uint_eq(p.ip.ttl, 61);
	ck_assert_uint_eq(p.l4.type, HT_ICMP6_UNREACH);
	ck_assert_uint_eq(p.l4.code, code);
	ASSERT_ADDR(p.qip.src, "2001:db8::1");
	ASSERT_ADDR(p.qip.dst, "2001:db8:2::7");
	ck_assert_uint_eq(p.qip.proto, HT_PROTO_UDP);
	ck_assert_uint_eq(p.qip.ttl, 1);
	ck_assert_uint_eq(p.ql4.sport, 40000);
	ck_assert_uint_eq(p.ql4.dport, 33436);
	ck_assert_uint_eq(p.ql4.cksum, 0xd6ca);
	ck_assert_uint_eq(p.qlen, 56);
}
END_TEST

START_TEST(test_v6_echo_request_reply)
{
	struct ht_pkt p;

	ck_assert_int_eq(dec(DLT_RAW, &p, ECHO6, NULL), HT_PKT_PROBE);
	ASSERT_ADDR(p.ip.src, "2001:db8::1");
	ASSERT_ADDR(p.ip.dst, "2001:db8:2::7");
	ck_assert_uint_eq(p.ip.proto, HT_PROTO_ICMP6);
	ck_assert_uint_eq(p.ip.ttl, 2);
	ck_assert_uint_eq(p.ip.len, 56);
	ck_assert_uint_eq(p.ip.id, 0x12345);
	ck_assert_uint_eq(p.l4.type, HT_ICMP6_ECHO);
	ck_assert_uint_eq(p.l4.id, 0x04d2);
	ck_assert_uint_eq(p.l4.seq, 5);
	ck_assert_uint_eq(p.l4.cksum, 0x70b7);

	ck_assert_int_eq(dec(DLT_RAW, &p, ER6, NULL), HT_PKT_ECHOREPLY);
	ASSERT_ADDR(p.ip.src, "2001:db8:2::7");
	ASSERT_ADDR(p.ip.dst, "2001:db8::1");
	ck_assert_uint_eq(p.ip.ttl, 62);
	ck_assert_uint_eq(p.l4.type, HT_ICMP6_ECHOREPLY);
	ck_assert_uint_eq(p.l4.id, 0x04d2);
	ck_assert_uint_eq(p.l4.seq, 6);
}
END_TEST

START_TEST(test_v6_udp_probe_and_timex)
{
	struct ht_pkt p;

	ck_assert_int_eq(dec(DLT_RAW, &p, UDP6, NULL), HT_PKT_PROBE);
	ck_assert_uint_eq(p.ip.proto, HT_PROTO_UDP);
	ck_assert_uint_eq(p.ip.ttl, 3);
	ck_assert_uint_eq(p.l4.sport, 40000);
	ck_assert_uint_eq(p.l4.dport, 33436);

	ck_assert_int_eq(dec(DLT_RAW, &p, TE6_UDP, NULL), HT_PKT_ERROR);
	ASSERT_ADDR(p.ip.src, "2001:db8:1::5");
	ck_assert_uint_eq(p.l4.type, HT_ICMP6_TIMXCEED);
	ck_assert_uint_eq(p.l4.cksum, 0x301c);
	ck_assert_uint_eq(p.qip.proto, HT_PROTO_UDP);
	ck_assert_uint_eq(p.qip.ttl, 1);
	ck_assert_uint_eq(p.qip.len, 56);
	ck_assert_uint_eq(p.ql4.have, 8);
	ck_assert_uint_eq(p.ql4.sport, 40000);
	ck_assert_uint_eq(p.ql4.dport, 33436);
	ck_assert_uint_eq(p.ql4.ulen, 16);
	ck_assert_uint_eq(p.ql4.cksum, 0xd6ca);
	ck_assert_uint_eq(p.qlen, 56);
}
END_TEST

START_TEST(test_v6_extension_headers)
{
	struct ht_pkt p;

	ck_assert_int_eq(dec(DLT_RAW, &p, UDP6X, NULL), HT_PKT_PROBE);
	ck_assert_int_eq(p.status, HT_DEC_OK);
	ck_assert_uint_eq(p.ip.proto, HT_PROTO_UDP);	/* after the chain */
	ck_assert_uint_eq(p.ip.len, 72);
	ck_assert_uint_eq(p.l4.sport, 40000);
	ck_assert_uint_eq(p.l4.dport, 33437);
	ck_assert_uint_eq(p.l4.ulen, 16);
	ck_assert_uint_eq(p.l4.cksum, 0xd6c9);

	/* the same chain inside a quote */
	ck_assert_int_eq(dec(DLT_RAW, &p, TE6_UDPX, NULL), HT_PKT_ERROR);
	ck_assert_uint_eq(p.qip.proto, HT_PROTO_UDP);
	ck_assert_uint_eq(p.qip.len, 72);
	ck_assert_uint_eq(p.qip.ttl, 1);
	ck_assert_uint_eq(p.ql4.sport, 40000);
	ck_assert_uint_eq(p.ql4.dport, 33437);
	ck_assert_uint_eq(p.ql4.cksum, 0xd6c9);
	ck_assert_uint_eq(p.qlen, 72);
}
END_TEST

START_TEST(test_v6_routing_dstopt_ah)
{
	struct ht_pkt p;
	uint8_t buf[MAXFRAME];
	size_t n;

	n = frame(buf, sizeof(buf), UDP6AH, NULL);
	/* the UDP checksum, pseudo-header included, is right */
	ck_assert_uint_eq(hex_fold(hex_sum(buf + 80, 16,
	    hex_sum(buf + 8, 32, 17 + 16))), 0);
	ck_assert_int_eq(dec_bytes(DLT_RAW, buf, n, &p), HT_PKT_PROBE);
	ck_assert_uint_eq(p.ip.proto, HT_PROTO_UDP);
	ck_assert_uint_eq(p.ip.len, 96);
	ck_assert_uint_eq(p.l4.sport, 40000);
	ck_assert_uint_eq(p.l4.dport, 33438);
	ck_assert_uint_eq(p.l4.cksum, 0xd6c8);
}
END_TEST

START_TEST(test_v6_fragment)
{
	struct ht_pkt p;

	ck_assert_int_eq(dec(DLT_RAW, &p, FRAG6, NULL), HT_PKT_FRAGMENT);
	ck_assert_int_eq(p.status, HT_DEC_OK);
	ck_assert_uint_eq(p.l4.have, 0);
	/* unfragmented: 40 + 1480 + 8, no fragment header */
	ck_assert_uint_eq(p.ip.frag, 1);
	ck_assert_uint_eq(p.ip.mf, 0);
	ck_assert_uint_eq(p.ip.fid, 0xdeadbeef);
	ck_assert_uint_eq(p.ip.foff, 1480);
	ck_assert_uint_eq(p.ip.whole, 1528);
}
END_TEST

START_TEST(test_v6_bad_chains)
{
	struct ht_pkt p;

	ck_assert_int_eq(dec(DLT_RAW, &p, LONG6, NULL), HT_PKT_OTHER);
	ck_assert_int_eq(p.status, HT_DEC_BADEXT);
	ck_assert_int_eq(dec(DLT_RAW, &p, OVER6, NULL), HT_PKT_OTHER);
	ck_assert_msg(p.status == HT_DEC_BADEXT ||
	    p.status == HT_DEC_TRUNCATED, "status %d", p.status);
	ck_assert_uint_eq(p.l4.have, 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Link types                                                          */

struct link_case {
	int dlt;
	const char *hdr;
	const char *what;
};

static const struct link_case links4[] = {
	{ DLT_EN10MB, ETH_IP4, "Ethernet" },
	{ DLT_EN10MB, ETH_VLAN_IP4, "Ethernet 802.1Q" },
	{ DLT_EN10MB, ETH_QINQ_IP4, "Ethernet 802.1ad + 802.1Q" },
	{ DLT_EN10MB, ETH_MPLS1, "Ethernet MPLS, 1 label" },
	{ DLT_EN10MB, ETH_MPLS2, "Ethernet MPLS, 2 labels" },
	{ DLT_LINUX_SLL, SLL_IP4, "Linux cooked v1" },
	{ DLT_LINUX_SLL2, SLL2_IP4, "Linux cooked v2" },
	{ 12, NONE, "DLT_RAW (12)" },
	{ LT_IPV4, NONE, "LINKTYPE_IPV4 (228)" },
	{ DLT_NULL, NULL_IP4, "DLT_NULL" },
	{ DLT_LOOP, LOOP_IP4, "DLT_LOOP" },
	{ DLT_PPP, PPP_HDLC_IP4, "PPP with ff 03" },
	{ DLT_PPP, PPP_IP4, "PPP without ff 03" },
	{ DLT_C_HDLC, CHDLC_IP4, "Cisco HDLC" },
};

static const struct link_case links6[] = {
	{ DLT_EN10MB, ETH_IP6, "Ethernet" },
	{ DLT_LINUX_SLL2, SLL2_IP6, "Linux cooked v2" },
	{ 12, NONE, "DLT_RAW (12)" },
	{ LT_IPV6, NONE, "LINKTYPE_IPV6 (229)" },
	{ DLT_NULL, NULL_IP6, "DLT_NULL" },
	{ DLT_LOOP, LOOP_IP6, "DLT_LOOP" },
	{ DLT_PPP, PPP_HDLC_IP6, "PPP" },
};

START_TEST(test_link_v4)
{
	const struct link_case *lc = &links4[_i];
	struct ht_pkt p;

	ck_assert_msg(ht_decode_dlt_ok(lc->dlt), "%s", lc->what);
	ck_assert_msg(dec(lc->dlt, &p, lc->hdr, TE4_ECHO_HDR, Q_ECHO4, NULL) ==
	    HT_PKT_ERROR, "%s: kind %d status %d", lc->what, p.kind, p.status);
	check_te4_echo(&p);
	ck_assert_msg(dec(lc->dlt, &p, lc->hdr, SYN4, NULL) == HT_PKT_PROBE,
	    "%s", lc->what);
	ck_assert_uint_eq(p.l4.tseq, 0x11223344);
}
END_TEST

START_TEST(test_link_v6)
{
	const struct link_case *lc = &links6[_i];
	struct ht_pkt p;

	ck_assert_msg(ht_decode_dlt_ok(lc->dlt), "%s", lc->what);
	ck_assert_msg(dec(lc->dlt, &p, lc->hdr, TE6_ECHO, NULL) ==
	    HT_PKT_ERROR, "%s: kind %d status %d", lc->what, p.kind, p.status);
	check_te6_echo(&p);
}
END_TEST

START_TEST(test_link_unsupported_and_not_ip)
{
	struct ht_pkt p;

	ck_assert(!ht_decode_dlt_ok(147));	/* DLT_USER0 */
	ck_assert_int_eq(dec(147, &p, TE4_ECHO_HDR, Q_ECHO4, NULL),
	    HT_PKT_OTHER);
	ck_assert_int_eq(p.status, HT_DEC_LINKTYPE);
	ck_assert(!ht_decode_dlt_ok(DLT_IEEE802_11));
	ck_assert_int_eq(dec(DLT_IEEE802_11, &p, ECHO4, NULL), HT_PKT_OTHER);
	ck_assert_int_eq(p.status, HT_DEC_LINKTYPE);
	ck_assert_int_eq(dec(DLT_EN10MB, &p, ETH_ARP, NULL), HT_PKT_OTHER);
	ck_assert_int_eq(p.status, HT_DEC_NOTIP);
	/* PPP LCP (0xc021) is not IP either */
	ck_assert_int_eq(dec(DLT_PPP, &p, "ff 03 c0 21 01 01 00 04", NULL),
	    HT_PKT_OTHER);
	ck_assert_int_eq(p.status, HT_DEC_NOTIP);
	/* the right link header with nothing behind it */
	ck_assert_int_eq(dec(DLT_EN10MB, &p, ETH_IP4, NULL), HT_PKT_OTHER);
	ck_assert_int_eq(p.status, HT_DEC_TRUNCATED);
	ck_assert_str_eq(ht_status_str(HT_DEC_LINKTYPE),
	    "unsupported link type");
	ck_assert_str_eq(ht_status_str((enum ht_status)99), "?");
}
END_TEST

/* ------------------------------------------------------------------ */
/* ICMP extensions                                                     */

START_TEST(test_ext_rfc4884_mpls_v4)
{
	struct ht_pkt p;

	ck_assert_int_eq(dec(DLT_RAW, &p, TE4_MPLS_HDR, Q_ECHO4, Q_ECHO4_PAD,
	    EXT_MPLS, NULL), HT_PKT_ERROR);
	check_quoted_echo4(&p);
	ck_assert_uint_eq(p.qlen, 128);
	check_ext_mpls(&p.ext);
	ck_assert_uint_eq(p.ext.rfc4884, 1);
}
END_TEST

START_TEST(test_ext_rfc4884_mpls_v6)
{
	struct ht_pkt p;

	ck_assert_int_eq(dec(DLT_RAW, &p, TE6_MPLS_HDR, EXT_MPLS, NULL),
	    HT_PKT_ERROR);
	ASSERT_ADDR(p.ip.src, "2001:db8:1::5");
	ck_assert_uint_eq(p.l4.type, HT_ICMP6_TIMXCEED);
	ck_assert_uint_eq(p.qlen, 128);
	ck_assert_uint_eq(p.qip.len, 56);
	ck_assert_uint_eq(p.ql4.type, HT_ICMP6_ECHO);
	ck_assert_uint_eq(p.ql4.seq, 5);
	check_ext_mpls(&p.ext);
	ck_assert_uint_eq(p.ext.rfc4884, 1);
}
END_TEST

START_TEST(test_ext_compat)
{
	struct ht_pkt p;

	ck_assert_int_eq(dec(DLT_RAW, &p, TE4_COMPAT_HDR, Q_ECHO4, Q_ECHO4_PAD,
	    EXT_MPLS, NULL), HT_PKT_ERROR);
	check_quoted_echo4(&p);
	ck_assert_uint_eq(p.qlen, 128);
	check_ext_mpls(&p.ext);
	ck_assert_uint_eq(p.ext.rfc4884, 0);

	/* same with a wrong extension checksum: all 144 bytes are the quote */
	ck_assert_int_eq(dec(DLT_RAW, &p, TE4_COMPAT_BAD_HDR, Q_ECHO4,
	    Q_ECHO4_PAD, EXT_BADCK, NULL), HT_PKT_ERROR);
	check_quoted_echo4(&p);
	ck_assert_uint_eq(p.ext.present, 0);
	ck_assert_uint_eq(p.ext.n_mpls, 0);
	ck_assert_uint_eq(p.qlen, 144);
}
END_TEST

START_TEST(test_ext_interface_info)
{
	struct ht_pkt p;
	const struct ht_ifinfo *i0 = &p.ext.ifs[0], *i1 = &p.ext.ifs[1];

	ck_assert_int_eq(dec(DLT_RAW, &p, TE4_IF_HDR, Q_ECHO4, Q_ECHO4_PAD,
	    EXT_IF, NULL), HT_PKT_ERROR);
	check_quoted_echo4(&p);
	ck_assert_uint_eq(p.qlen, 128);
	ck_assert_uint_eq(p.ext.present, 1);
	ck_assert_uint_eq(p.ext.rfc4884, 1);
	ck_assert_uint_eq(p.ext.n_mpls, 0);
	ck_assert_uint_eq(p.ext.n_other, 0);
	ck_assert_uint_eq(p.ext.n_if, 2);
	ck_assert_uint_eq(i0->role, HT_IFROLE_IN);
	ck_assert_uint_eq(i0->has_index, 1);
	ck_assert_uint_eq(i0->ifindex, 7);
	ck_assert_uint_eq(i0->has_addr, 1);
	ASSERT_ADDR(i0->addr, "203.0.113.9");
	ck_assert_uint_eq(i0->has_name, 1);
	ck_assert_str_eq(i0->name, "ge-0/0/1");
	ck_assert_uint_eq(i0->has_mtu, 1);
	ck_assert_uint_eq(i0->mtu, 1500);
	ck_assert_uint_eq(i1->role, HT_IFROLE_OUT);
	ck_assert_uint_eq(i1->has_index, 1);
	ck_assert_uint_eq(i1->ifindex, 9);
	ck_assert_uint_eq(i1->has_addr, 0);
	ck_assert_uint_eq(i1->has_name, 0);
	ck_assert_uint_eq(i1->has_mtu, 0);
}
END_TEST

START_TEST(test_ext_malformed)
{
	struct ht_pkt p;

	/* extension checksum wrong: no extensions, the 128-byte quote stays */
	ck_assert_int_eq(dec(DLT_RAW, &p, TE4_BADCK_HDR, Q_ECHO4, Q_ECHO4_PAD,
	    EXT_BADCK, NULL), HT_PKT_ERROR);
	check_quoted_echo4(&p);
	ck_assert_uint_eq(p.qlen, 128);
	ck_assert_uint_eq(p.ext.present, 0);
	ck_assert_uint_eq(p.ext.n_mpls, 0);

	/* object length 64 overruns the 16-byte structure: no objects read */
	ck_assert_int_eq(dec(DLT_RAW, &p, TE4_OVER_HDR, Q_ECHO4, Q_ECHO4_PAD,
	    EXT_OVER, NULL), HT_PKT_ERROR);
	check_quoted_echo4(&p);
	ck_assert_uint_eq(p.qlen, 128);
	ck_assert_uint_eq(p.ext.present, 1);
	ck_assert_uint_eq(p.ext.n_mpls, 0);
	ck_assert_uint_eq(p.ext.n_if, 0);
	ck_assert_uint_eq(p.ext.n_other, 0);

	/* object length 0: no objects read, no endless loop */
	ck_assert_int_eq(dec(DLT_RAW, &p, TE4_ZERO_HDR, Q_ECHO4, Q_ECHO4_PAD,
	    EXT_ZERO, NULL), HT_PKT_ERROR);
	check_quoted_echo4(&p);
	ck_assert_uint_eq(p.ext.present, 1);
	ck_assert_uint_eq(p.ext.n_mpls, 0);
	ck_assert_uint_eq(p.ext.n_other, 0);

	/* version 1 */
	ck_assert_int_eq(dec(DLT_RAW, &p, TE4_V1_HDR, Q_ECHO4, Q_ECHO4_PAD,
	    EXT_V1, NULL), HT_PKT_ERROR);
	check_quoted_echo4(&p);
	ck_assert_uint_eq(p.qlen, 128);
	ck_assert_uint_eq(p.ext.present, 0);
	ck_assert_uint_eq(p.ext.n_mpls, 0);
}
END_TEST

/* Objects of other classes are counted and skipped. */
START_TEST(test_ext_other_class)
{
	struct ht_pkt p;

	ck_assert_int_eq(dec(DLT_RAW, &p, TE4_MIX_HDR, Q_ECHO4, Q_ECHO4_PAD,
	    EXT_MIX, NULL), HT_PKT_ERROR);
	check_quoted_echo4(&p);
	ck_assert_uint_eq(p.ext.present, 1);
	ck_assert_uint_eq(p.ext.n_other, 1);
	ck_assert_uint_eq(p.ext.n_if, 0);
	ck_assert_uint_eq(p.ext.n_mpls, 2);
	ck_assert_uint_eq(p.ext.mpls[1].label, 299776);
	ck_assert_uint_eq(p.ext.mpls[1].s, 1);
}
END_TEST

/* A stated length under 128 bytes: the extension is not read. */
START_TEST(test_ext_short_length)
{
	struct ht_pkt p;
	uint8_t buf[MAXFRAME];
	size_t n;

	n = frame(buf, sizeof(buf), TE4_SHORT, Q_ECHO4, EXT_MPLS, NULL);
	ck_assert(hex_ip_cksums_ok(buf, n));
	ck_assert_int_eq(dec_bytes(DLT_RAW, buf, n, &p), HT_PKT_ERROR);
	check_quoted_echo4(&p);
	ck_assert_uint_eq(p.qlen, 36);
	ck_assert_uint_eq(p.ext.present, 0);
	ck_assert_uint_eq(p.ext.n_mpls, 0);
}
END_TEST

/* Counts left over from an earlier packet are cleared. */
START_TEST(test_ext_cleared_between_packets)
{
	struct ht_pkt p;

	ck_assert_int_eq(dec(DLT_RAW, &p, TE4_MPLS_HDR, Q_ECHO4, Q_ECHO4_PAD,
	    EXT_MPLS, NULL), HT_PKT_ERROR);
	ck_assert_uint_eq(p.ext.n_mpls, 2);
	ck_assert_int_eq(dec(DLT_RAW, &p, TE4_ECHO_HDR, Q_ECHO4, NULL),
	    HT_PKT_ERROR);
	ck_assert_uint_eq(p.ext.present, 0);
	ck_assert_uint_eq(p.ext.n_mpls, 0);
	ck_assert_uint_eq(p.ext.n_if, 0);
	ck_assert_uint_eq(p.ext.n_other, 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Truncation: every prefix of a valid frame                           */

struct trunc_case {
	int dlt;
	const char *part[5];
	enum ht_kind kind;	/* of the whole frame */
	uint8_t proto;		/* outer upper layer */
	size_t l4off;		/* offset of the outer transport/ICMP header */
	/* errors only */
	size_t qoff;		/* offset of the quoted IP header */
	size_t qhl;		/* its length with extension headers */
	uint8_t qproto;
	size_t qfull;		/* qlen of the whole frame */
	size_t qiplen;		/* quoted IP total length */
	int ext;		/* the whole frame has extensions */
	size_t v6ext_lo;	/* outer IPv6 extension headers: [lo, l4off) */
};

static const struct trunc_case truncs[] = {
	{ DLT_EN10MB, { ETH_IP4, TE4_ECHO_HDR, Q_ECHO4, NULL }, HT_PKT_ERROR,
	    HT_PROTO_ICMP, 34, 42, 20, HT_PROTO_ICMP, 36, 36, 0, 0 },
	{ 12, { TE4_MPLS_HDR, Q_ECHO4, Q_ECHO4_PAD, EXT_MPLS, NULL },
	    HT_PKT_ERROR, HT_PROTO_ICMP, 20, 28, 20, HT_PROTO_ICMP, 128, 36, 1,
	    0 },
	{ DLT_LINUX_SLL2, { SLL2_IP4, SYN4, NULL }, HT_PKT_PROBE,
	    HT_PROTO_TCP, 40, 0, 0, 0, 0, 0, 0, 0 },
	{ DLT_LINUX_SLL, { SLL_IP4, SYNACK4, NULL }, HT_PKT_TCPREPLY,
	    HT_PROTO_TCP, 36, 0, 0, 0, 0, 0, 0, 0 },
	{ LT_IPV6, { TE6_UDPX, NULL }, HT_PKT_ERROR, HT_PROTO_ICMP6, 40, 48,
	    56, HT_PROTO_UDP, 72, 72, 0, 0 },
	{ DLT_EN10MB, { ETH_VLAN_IP4, TE4_UDP_HDR, Q_UDP4, NULL },
	    HT_PKT_ERROR, HT_PROTO_ICMP, 38, 46, 20, HT_PROTO_UDP, 36, 36, 0,
	    0 },
	{ DLT_EN10MB, { ETH_MPLS2, TE4_TCP, NULL }, HT_PKT_ERROR,
	    HT_PROTO_ICMP, 42, 50, 20, HT_PROTO_TCP, 28, 40, 0, 0 },
	{ DLT_EN10MB, { ETH_QINQ_IP6, UDP6X, NULL }, HT_PKT_PROBE,
	    HT_PROTO_UDP, 22 + 40 + 16, 0, 0, 0, 0, 0, 0, 22 + 40 },
	{ DLT_RAW, { TE6_MPLS_HDR, EXT_MPLS, NULL }, HT_PKT_ERROR,
	    HT_PROTO_ICMP6, 40, 48, 40, HT_PROTO_ICMP6, 128, 56, 1, 0 },
	{ LT_IPV4, { TE4_IF_HDR, Q_ECHO4, Q_ECHO4_PAD, EXT_IF, NULL },
	    HT_PKT_ERROR, HT_PROTO_ICMP, 20, 28, 20, HT_PROTO_ICMP, 128, 36, 1,
	    0 },
	{ DLT_PPP, { PPP_HDLC_IP4, ER4, NULL }, HT_PKT_ECHOREPLY,
	    HT_PROTO_ICMP, 24, 0, 0, 0, 0, 0, 0, 0 },
	{ DLT_NULL, { NULL_IP6, ECHO6, NULL }, HT_PKT_PROBE, HT_PROTO_ICMP6,
	    44, 0, 0, 0, 0, 0, 0, 0 },
};

/* Header bytes decode_l4 reports for avail bytes of a header of proto. */
static unsigned
l4_have(uint8_t proto, size_t avail)
{
	switch (proto) {
	case HT_PROTO_ICMP:
	case HT_PROTO_ICMP6:
		return avail >= 8 ? 8 : avail >= 4 ? 4 : avail >= 2 ? 2 : 0;
	case HT_PROTO_UDP:
		return avail >= 8 ? 8 : avail >= 4 ? 4 : 0;
	case HT_PROTO_TCP:
		return avail >= 18 ? 18 : avail >= 8 ? 8 : avail >= 4 ? 4 : 0;
	default:
		return 0;
	}
}

static size_t
min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

START_TEST(test_truncated_prefixes)
{
	const struct trunc_case *tc = &truncs[_i];
	uint8_t buf[MAXFRAME];
	struct ht_pkt p;
	size_t n, len, need, avail;
	unsigned want;

	n = frame(buf, sizeof(buf), tc->part[0], tc->part[1], tc->part[2],
	    tc->part[3], tc->part[4]);
	/* the whole frame decodes as expected */
	ck_assert_int_eq(dec_bytes(tc->dlt, buf, n, &p), tc->kind);
	ck_assert_uint_eq(p.ext.present, tc->ext);
	if (tc->kind == HT_PKT_ERROR)
		ck_assert_uint_eq(p.qlen, tc->qfull);

	/* the shortest prefix of that kind */
	if (tc->kind == HT_PKT_ERROR)
		need = tc->qoff + tc->qhl;
	else
		need = tc->l4off + (tc->proto == HT_PROTO_TCP ? 18 : 8);

	for (len = 0; len < n; len++) {
		dec_bytes(tc->dlt, buf, len, &p);
		/* the outer header: as many bytes as there are */
		avail = len > tc->l4off ? len - tc->l4off : 0;
		want = len >= tc->l4off ? l4_have(tc->proto, avail) : 0;
		ck_assert_msg(p.l4.have == want,
		    "case %d len %zu: l4.have %u want %u", _i, len, p.l4.have,
		    want);
		ck_assert_msg(p.ext.present == 0, "case %d len %zu: ext", _i,
		    len);
		if (len < need) {
			ck_assert_msg(p.kind == HT_PKT_OTHER,
			    "case %d len %zu: kind %d", _i, len, p.kind);
			if (tc->v6ext_lo && len >= tc->v6ext_lo &&
			    len < tc->l4off)
				ck_assert_msg(p.status == HT_DEC_TRUNCATED ||
				    p.status == HT_DEC_BADEXT,
				    "case %d len %zu: status %d", _i, len,
				    p.status);
			else
				ck_assert_msg(p.status == HT_DEC_TRUNCATED,
				    "case %d len %zu: status %d", _i, len,
				    p.status);
			continue;
		}
		ck_assert_msg(p.kind == tc->kind && p.status == HT_DEC_OK,
		    "case %d len %zu: kind %d status %d", _i, len, p.kind,
		    p.status);
		if (tc->kind != HT_PKT_ERROR) {
			ck_assert_uint_eq(p.qlen, 0);
			continue;
		}
		/* the quote: what there is, never more */
		ck_assert_msg(p.qlen == min_size(len - tc->qoff, tc->qfull),
		    "case %d len %zu: qlen %u", _i, len, p.qlen);
		avail = min_size(min_size(len - tc->qoff, tc->qfull),
		    tc->qiplen) - tc->qhl;
		want = l4_have(tc->qproto, avail);
		ck_assert_msg(p.ql4.have == want,
		    "case %d len %zu: ql4.have %u want %u", _i, len,
		    p.ql4.have, want);
	}
}
END_TEST

/* ------------------------------------------------------------------ */
/* Garbage                                                             */

/* xorshift64*: a fixed, portable sequence (state passed explicitly). */
static uint32_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (uint32_t)((*s * 2685821657736338717ull) >> 32);
}

/*
 * What must hold whatever the input; NULL if it does, else what broke.
 * (Plain tests, not ck_assert: Check records every passing assertion, and
 * this runs a quarter of a million times.)
 */
static const char *
insane(const struct ht_pkt *p, size_t len, enum ht_kind k)
{
	unsigned i;

	if (k != p->kind)
		return "return value is not out->kind";
	if (p->kind > HT_PKT_FRAGMENT)
		return "kind out of range";
	if (p->status > HT_DEC_NOTIP)
		return "status out of range";
	if (p->kind != HT_PKT_OTHER && p->status != HT_DEC_OK)
		return "a decoded kind with a failure status";
	if (p->l4.have > 20 || p->l4.have > len)
		return "l4.have beyond the frame";
	if (p->ql4.have > 20 || p->qlen > len)
		return "quote beyond the frame";
	if (p->ext.n_mpls > HT_EXT_MAX_MPLS || p->ext.n_if > HT_EXT_MAX_IF)
		return "extension counts beyond their arrays";
	if (!p->ext.present &&
	    p->ext.n_mpls + p->ext.n_if + p->ext.n_other != 0)
		return "extension objects without an extension";
	for (i = 0; i < p->ext.n_if; i++) {
		const char *nm = p->ext.ifs[i].name;
		size_t j, sl = strnlen(nm, HT_IFNAME_MAX);

		if (sl >= HT_IFNAME_MAX)
			return "interface name not terminated";
		for (j = 0; j < sl; j++)
			if (nm[j] < 0x20 || nm[j] >= 0x7f)
				return "interface name not printable";
	}
	return NULL;
}

static const int fuzz_dlts[] = {
	DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, 12, 14, LT_IPV4, LT_IPV6,
	DLT_NULL, DLT_LOOP, DLT_PPP, DLT_PPP_SERIAL, DLT_C_HDLC, 147
};

START_TEST(test_random_bytes)
{
	int dlt = fuzz_dlts[_i];
	uint64_t s = 0x9e3779b97f4a7c15ull + (uint64_t)_i;
	uint8_t buf[512], *copy;
	struct ht_pkt p;
	enum ht_kind k;
	const char *why;
	size_t len, j;
	int iter;

	for (iter = 0; iter < 10000; iter++) {
		len = rnd(&s) % sizeof(buf);
		for (j = 0; j < len; j++)
			buf[j] = (uint8_t)rnd(&s);
		copy = hex_dup(buf, len);
		k = ht_decode(dlt, copy, len, &p);
		free(copy);
		if ((why = insane(&p, len, k)) != NULL)
			ck_abort_msg("dlt %d iteration %d (%zu bytes): %s", dlt,
			    iter, len, why);
	}
}
END_TEST

/* Random damage to valid frames reaches the deeper decoders. */
START_TEST(test_mutated_frames)
{
	const struct trunc_case *tc = &truncs[_i];
	uint64_t s = 0x2545f4914f6cdd1dull + (uint64_t)_i;
	uint8_t orig[MAXFRAME], buf[MAXFRAME], *copy;
	struct ht_pkt p;
	enum ht_kind k;
	const char *why;
	size_t n, len, j, nflip;
	int iter;

	n = frame(orig, sizeof(orig), tc->part[0], tc->part[1], tc->part[2],
	    tc->part[3], tc->part[4]);
	for (iter = 0; iter < 10000; iter++) {
		memcpy(buf, orig, n);
		nflip = 1 + rnd(&s) % 4;
		for (j = 0; j < nflip; j++)
			buf[rnd(&s) % n] = (uint8_t)rnd(&s);
		len = (rnd(&s) & 1) ? n : rnd(&s) % (n + 1);
		copy = hex_dup(buf, len);
		k = ht_decode(tc->dlt, copy, len, &p);
		free(copy);
		if ((why = insane(&p, len, k)) != NULL)
			ck_abort_msg("case %d iteration %d (%zu bytes): %s", _i,
			    iter, len, why);
	}
}
END_TEST

/* Random bytes, none zero (so a name runs on to its end). */
static size_t
rnd_fill(uint64_t *s, uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(1 + rnd(s) % 255);
	return n;
}

/*
 * The body of a random RFC 5837 interface information object at p; its
 * c-type in *ctype.  Sub-objects in RFC order, each present at random;
 * an address with AFI 1 or 2 (sometimes another); a name of random
 * length-octet and random size.
 */
static size_t
rnd_ifinfo(uint64_t *s, uint8_t *p, uint8_t *ctype)
{
	size_t n = 0, nl;

	*ctype = (uint8_t)((rnd(s) % 4) << 6 | (rnd(s) & 0x0f));
	if (*ctype & 0x08)
		n += rnd_fill(s, p + n, 4);
	if (*ctype & 0x04) {
		p[n++] = 0;
		p[n++] = (uint8_t)((rnd(s) % 8) ? 1 + rnd(s) % 2 : rnd(s));
		p[n++] = 0;
		p[n++] = 0;
		n += rnd_fill(s, p + n, p[n - 3] == 2 ? 16 : 4);
	}
	if (*ctype & 0x02) {
		p[n++] = (uint8_t)(rnd(s) % 72);	/* 0 and > 64 bad */
		nl = rnd(s) % 72;
		n += rnd_fill(s, p + n, nl);
	}
	if (*ctype & 0x01)
		n += rnd_fill(s, p + n, rnd(s) % 5);	/* 4, or short */
	return n;
}

/*
 * Random RFC 4884 extension structures behind a valid time exceeded, with
 * a right (or all-zero) checksum so they get past it: random MPLS,
 * interface information and other objects, lengths mostly right, cut at
 * random places.  (The ICMP checksum is not redone: decode ignores it.)
 */
START_TEST(test_random_extensions)
{
	uint64_t s = 0x5851f42d4c957f2dull;
	uint8_t buf[MAXFRAME], *copy, ctype;
	size_t hdr, n, len, o, bl, j;
	struct ht_pkt p;
	enum ht_kind k;
	const char *why;
	uint16_t ck;
	int iter, nobj, i, names = 0, labels = 0;

	hdr = frame(buf, sizeof(buf), TE4_MPLS_HDR, Q_ECHO4, Q_ECHO4_PAD, NULL);
	for (iter = 0; iter < 20000; iter++) {
		n = hdr;
		buf[n++] = 0x20;		/* version 2 */
		buf[n++] = 0;
		buf[n++] = 0;			/* checksum, below */
		buf[n++] = 0;
		nobj = 1 + (int)(rnd(&s) % 3);
		for (i = 0; i < nobj; i++) {
			o = n;
			n += 4;
			switch (rnd(&s) % 3) {
			case 0:			/* MPLS label stack */
				buf[o + 2] = 1;
				buf[o + 3] = (uint8_t)((rnd(&s) % 4) ? 1 :
				    rnd(&s));
				bl = rnd_fill(&s, buf + n, rnd(&s) % 80);
				break;
			case 1:			/* interface information */
				buf[o + 2] = 2;
				bl = rnd_ifinfo(&s, buf + n, &ctype);
				buf[o + 3] = ctype;
				break;
			default:
				buf[o + 2] = (uint8_t)rnd(&s);
				buf[o + 3] = (uint8_t)rnd(&s);
				bl = rnd_fill(&s, buf + n, rnd(&s) % 40);
				break;
			}
			n += bl;
			/* object length: right, or anything */
			j = (rnd(&s) % 4) ? 4 + bl : rnd(&s) % 256;
			buf[o] = (uint8_t)(j >> 8);
			buf[o + 1] = (uint8_t)j;
		}
		if (rnd(&s) % 4) {
			ck = hex_cksum(buf + hdr, n - hdr);
			buf[hdr + 2] = (uint8_t)(ck >> 8);
			buf[hdr + 3] = (uint8_t)ck;
		}
		/* the IPv4 total length and header checksum to match */
		buf[2] = (uint8_t)(n >> 8);
		buf[3] = (uint8_t)n;
		buf[10] = buf[11] = 0;
		ck = hex_cksum(buf, 20);
		buf[10] = (uint8_t)(ck >> 8);
		buf[11] = (uint8_t)ck;
		len = (rnd(&s) % 2) ? n : hdr + rnd(&s) % (n - hdr + 1);
		copy = hex_dup(buf, len);
		k = ht_decode(DLT_RAW, copy, len, &p);
		free(copy);
		if ((why = insane(&p, len, k)) != NULL)
			ck_abort_msg("iteration %d (%zu bytes): %s", iter, len,
			    why);
		/* the quote is untouched: always the same error */
		if (k != HT_PKT_ERROR || p.ql4.seq != 3 || p.qlen != 128)
			ck_abort_msg("iteration %d: kind %d qlen %u", iter, k,
			    p.qlen);
		for (i = 0; i < p.ext.n_if; i++)
			names += p.ext.ifs[i].has_name;
		labels += p.ext.n_mpls;
	}
	/* the generator does reach the object parsers */
	ck_assert_int_gt(names, 1000);
	ck_assert_int_gt(labels, 10000);
}
END_TEST

static Suite *
decode_suite(void)
{
	Suite *s = suite_create("decode");
	TCase *tc;

	tc = tcase_create("fixtures");
	tcase_add_test(tc, test_fixture_checksums);
	tcase_add_test(tc, test_fixture_ext_checksums);
	tcase_add_test(tc, test_hex_helper);
	suite_add_tcase(s, tc);

	tc = tcase_create("ipv4");
	tcase_add_test(tc, test_v4_timex_echo);
	tcase_add_test(tc, test_v4_echo_request);
	tcase_add_test(tc, test_v4_echo_with_ip_option);
	tcase_add_test(tc, test_v4_echo_reply);
	tcase_add_loop_test(tc, test_v4_unreach_codes, 0, 16);
	tcase_add_test(tc, test_v4_udp_probe);
	tcase_add_test(tc, test_v4_tcp_syn);
	tcase_add_test(tc, test_v4_tcp_synack);
	tcase_add_test(tc, test_v4_tcp_rst);
	tcase_add_test(tc, test_v4_timex_udp);
	tcase_add_test(tc, test_v4_timex_tcp_8_bytes);
	tcase_add_test(tc, test_v4_timex_long_quote);
	tcase_add_test(tc, test_v4_fragment);
	tcase_add_test(tc, test_v4_bad_headers);
	tcase_add_test(tc, test_v4_error_short_quote);
	suite_add_tcase(s, tc);

	tc = tcase_create("ipv6");
	tcase_add_test(tc, test_v6_timex_echo);
	tcase_add_loop_test(tc, test_v6_unreach_codes, 0, 8);
	tcase_add_test(tc, test_v6_echo_request_reply);
	tcase_add_test(tc, test_v6_udp_probe_and_timex);
	tcase_add_test(tc, test_v6_extension_headers);
	tcase_add_test(tc, test_v6_routing_dstopt_ah);
	tcase_add_test(tc, test_v6_fragment);
	tcase_add_test(tc, test_v6_bad_chains);
	suite_add_tcase(s, tc);

	tc = tcase_create("link");
	tcase_add_loop_test(tc, test_link_v4, 0,
	    (int)(sizeof(links4) / sizeof(links4[0])));
	tcase_add_loop_test(tc, test_link_v6, 0,
	    (int)(sizeof(links6) / sizeof(links6[0])));
	tcase_add_test(tc, test_link_unsupported_and_not_ip);
	suite_add_tcase(s, tc);

	tc = tcase_create("extensions");
	tcase_add_test(tc, test_ext_rfc4884_mpls_v4);
	tcase_add_test(tc, test_ext_rfc4884_mpls_v6);
	tcase_add_test(tc, test_ext_compat);
	tcase_add_test(tc, test_ext_interface_info);
	tcase_add_test(tc, test_ext_malformed);
	tcase_add_test(tc, test_ext_short_length);
	tcase_add_test(tc, test_ext_other_class);
	tcase_add_test(tc, test_ext_cleared_between_packets);
	suite_add_tcase(s, tc);

	tc = tcase_create("robustness");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_truncated_prefixes, 0,
	    (int)(sizeof(truncs) / sizeof(truncs[0])));
	tcase_add_loop_test(tc, test_random_bytes, 0,
	    (int)(sizeof(fuzz_dlts) / sizeof(fuzz_dlts[0])));
	tcase_add_loop_test(tc, test_mutated_frames, 0,
	    (int)(sizeof(truncs) / sizeof(truncs[0])));
	tcase_add_test(tc, test_random_extensions);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(decode_suite());
	int nfail;

	srunner_run_all(sr, CK_NORMAL);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfail == 0 ? 0 : 1;
}
