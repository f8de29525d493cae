/* \summary: test packets shared by the unit tests (hex, raw IP) */
#ifndef HT_TEST_PACKETS_H
#define HT_TEST_PACKETS_H

/*
 * Hand-made packets whose every field is known: us = 192.0.2.1 and
 * 2001:db8::1, the destination 198.51.100.7 and 2001:db8:2::7, a router
 * 2001:db8:1::5.  Each string is the hex of one raw IP packet (DLT_RAW),
 * checksums correct.
 */

/* ICMP echo request (probe): TTL 3, ID 0x1003, id 0x04d2, seq 3. */
static const char ECHO4[] =
    /* IPv4: v4 IHL 5 | TOS 0 | len 36 | ID 0x1003 | no frag | TTL 3
     * | proto 1 | cksum 0xbb9a | 192.0.2.1 | 198.51.100.7 */
    "45 00 00 24 10 03 00 00 03 01 bb 9a c0 00 02 01 c6 33 64 07 "
    /* ICMP: type 8 | code 0 | cksum 0x4480 | id 0x04d2 | seq 3 */
    "08 00 44 80 04 d2 00 03 "
    /* "hoptrace" */
    "68 6f 70 74 72 61 63 65 ";

/* Echo reply from 198.51.100.7: id 0x04d2, seq 4. */
static const char ER4[] =
    /* IPv4: len 36 | ID 0x5555 | TTL 61 | proto 1 | cksum 0x3c48 */
    "45 00 00 24 55 55 00 00 3d 01 3c 48 c6 33 64 07 c0 00 02 01 "
    /* ICMP: type 0 | code 0 | cksum 0x4c7f | id 0x04d2 | seq 4 */
    "00 00 4c 7f 04 d2 00 04 "
    "68 6f 70 74 72 61 63 65 ";

/* UDP probe 40000 -> 33435, TTL 2, ID 0x2002. */
static const char UDP4[] =
    /* IPv4: len 36 | ID 0x2002 | TTL 2 | proto 17 | cksum 0xac8b */
    "45 00 00 24 20 02 00 00 02 11 ac 8b c0 00 02 01 c6 33 64 07 "
    /* UDP: 40000 (9c40) -> 33435 (829b) | len 16 | cksum 0x460b */
    "9c 40 82 9b 00 10 46 0b "
    "68 6f 70 74 72 61 63 65 ";

/* TCP SYN 40001 -> 80, TTL 4, ID 0x4004, seq 0x11223344. */
static const char SYN4[] =
    /* IPv4: len 40 | ID 0x4004 | TTL 4 | proto 6 | cksum 0x8a90 */
    "45 00 00 28 40 04 00 00 04 06 8a 90 c0 00 02 01 c6 33 64 07 "
    /* TCP: 40001 -> 80 | seq 0x11223344 | ack 0 | off 5 | SYN
     * | window 64240 | cksum 0xe7bd | urg 0 */
    "9c 41 00 50 11 22 33 44 00 00 00 00 50 02 fa f0 e7 bd 00 00 ";

/* SYN-ACK from 198.51.100.7:80, ack 0x11223345. */
static const char SYNACK4[] =
    /* IPv4: len 40 | ID 0 | DF | TTL 60 | proto 6 | cksum 0x5294 */
    "45 00 00 28 00 00 40 00 3c 06 52 94 c6 33 64 07 c0 00 02 01 "
    /* TCP: 80 -> 40001 | seq 0xaabbccdd | ack 0x11223345 | SYN|ACK
     * | window 65160 | cksum 0x6c7b */
    "00 50 9c 41 aa bb cc dd 11 22 33 45 50 12 fe 88 6c 7b 00 00 ";

/* RST|ACK from 198.51.100.7:80, ack 0x11223345. */
static const char RST4[] =
    "45 00 00 28 00 00 40 00 3c 06 52 94 c6 33 64 07 c0 00 02 01 "
    /* TCP: 80 -> 40001 | seq 0 | ack 0x11223345 | RST|ACK | cksum 0xe29b */
    "00 50 9c 41 00 00 00 00 11 22 33 45 50 14 00 00 e2 9b 00 00 ";

/* Time exceeded from 203.0.113.3 quoting SYN4's first 28 bytes (TTL 1). */
static const char TE4_TCP[] =
    /* IPv4: len 56 | ID 0xbef1 | TTL 252 | proto 1 | cksum 0x01ce */
    "45 00 00 38 be f1 00 00 fc 01 01 ce cb 00 71 03 c0 00 02 01 "
    /* ICMP: type 11 | code 0 | cksum 0x1408 */
    "0b 00 14 08 00 00 00 00 "
    /* quoted IPv4: len 40 | ID 0x4004 | TTL 1 | proto 6 | cksum 0x8d90 */
    "45 00 00 28 40 04 00 00 01 06 8d 90 c0 00 02 01 c6 33 64 07 "
    /* quoted TCP: 40001 -> 80 | seq 0x11223344 */
    "9c 41 00 50 11 22 33 44 ";
#define US6	"20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01 "
#define DST6	"20 01 0d b8 00 02 00 00 00 00 00 00 00 00 00 07 "
#define R6	"20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 05 "

/* ICMPv6 echo request, hop limit 2, flow label 0x12345, id 0x04d2, seq 5. */
static const char ECHO6[] =
    /* IPv6: ver 6, class 0, flow 0x12345 | payload 16 | next 58 | hlim 2 */
    "60 01 23 45 00 10 3a 02 " US6 DST6
    /* ICMPv6: type 128 (echo request) | code 0 | cksum 0x70b7 | id 0x04d2
     * | seq 5 */
    "80 00 70 b7 04 d2 00 05 "
    "68 6f 70 74 72 61 63 65 ";

/* Time exceeded from 2001:db8:1::5 quoting ECHO6 at hop limit 1. */
static const char TE6_ECHO[] =
    /* IPv6: flow 0 | payload 64 | next 58 | hlim 63 | router -> us */
    "60 00 00 00 00 40 3a 3f " R6 US6
    /* ICMPv6: type 3 (time exceeded) | code 0 | cksum 0xe3fe | unused */
    "03 00 e3 fe 00 00 00 00 "
    /* quoted IPv6: flow 0x12345 | payload 16 | next 58 | hlim 1 */
    "60 01 23 45 00 10 3a 01 " US6 DST6
    "80 00 70 b7 04 d2 00 05 "
    "68 6f 70 74 72 61 63 65 ";

/* ICMPv6 echo reply from the destination, seq 6. */
static const char ER6[] =
    /* IPv6: payload 16 | next 58 | hlim 62 | dst -> us */
    "60 00 00 00 00 10 3a 3e " DST6 US6
    /* ICMPv6: type 129 (echo reply) | code 0 | cksum 0x6fb6 | id | seq 6 */
    "81 00 6f b6 04 d2 00 06 "
    "68 6f 70 74 72 61 63 65 ";

/* UDP probe 40000 -> 33436, hop limit 3. */
static const char UDP6[] =
    /* IPv6: payload 16 | next 17 | hlim 3 */
    "60 00 00 00 00 10 11 03 " US6 DST6
    /* UDP: 40000 -> 33436 (829c) | len 16 | cksum 0xd6ca */
    "9c 40 82 9c 00 10 d6 ca "
    "68 6f 70 74 72 61 63 65 ";

#endif
