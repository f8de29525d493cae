/* \summary: IPv6 test packets shared by the unit tests (hex, raw IPv6) */
#ifndef HT_TEST_PACKETS6_H
#define HT_TEST_PACKETS6_H

/*
 * Hand-made packets whose every field is known: us = 2001:db8::1, the
 * destination 2001:db8:2::7, a router 2001:db8:1::5.  Each string is the
 * hex of one raw IPv6 packet (DLT_RAW), checksums correct.
 */
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
