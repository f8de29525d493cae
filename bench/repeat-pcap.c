/*
 * bench/repeat-pcap.c - a long capture made of one capture repeated.
 *
 *   repeat-pcap IN COUNT INTERVAL_S OUT
 *
 * Reads the classic pcap file IN (micro- or nanosecond magic, either byte
 * order) and writes OUT ("-" = stdout) in the same format: COUNT copies of
 * IN's records, copy k with every timestamp moved k * INTERVAL_S seconds
 * later.  The packets' bytes are kept, so every copy has the same source,
 * destination, protocol and probe identity: what a cron job tracing one
 * host every INTERVAL_S seconds leaves in a capture.  bench/replay.sh
 * makes its scale case with it (the file is made at bench time, never
 * committed).  Exit 0, or 1 with a message.
 *
 * Build: cc -O2 -Wall -o repeat-pcap bench/repeat-pcap.c
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_IN		(64u << 20)	/* the capture repeated: 64 MiB at most */
#define MAX_COUNT	10000000ul

static uint32_t
get32(const unsigned char *p, int swap)
{
	uint32_t v;

	memcpy(&v, p, 4);
	if (swap)
		v = (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) |
		    (v << 24);
	return v;
}

static void
put32(unsigned char *p, uint32_t v, int swap)
{
	if (swap)
		v = (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) |
		    (v << 24);
	memcpy(p, &v, 4);
}

int
main(int argc, char **argv)
{
	unsigned char *buf;
	size_t len, off;
	unsigned long count, k, interval;
	uint32_t magic, caplen, sec;
	FILE *in, *out;
	int swap;
	char *end;

	if (argc != 5) {
		fprintf(stderr, "usage: repeat-pcap IN COUNT INTERVAL_S OUT\n");
		return 1;
	}
	count = strtoul(argv[2], &end, 10);
	if (*end != '\0' || count < 1 || count > MAX_COUNT) {
		fprintf(stderr, "repeat-pcap: COUNT must be 1 to %lu\n",
		    MAX_COUNT);
		return 1;
	}
	interval = strtoul(argv[3], &end, 10);
	if (*end != '\0' || interval > 86400) {
		fprintf(stderr, "repeat-pcap: INTERVAL_S must be 0 to 86400\n");
		return 1;
	}
	if ((in = fopen(argv[1], "rb")) == NULL) {
		fprintf(stderr, "repeat-pcap: %s: %s\n", argv[1],
		    strerror(errno));
		return 1;
	}
	if ((buf = malloc(MAX_IN)) == NULL) {
		fprintf(stderr, "repeat-pcap: out of memory\n");
		return 1;
	}
	len = fread(buf, 1, MAX_IN, in);
	fclose(in);
	if (len < 24 || len == MAX_IN) {
		fprintf(stderr, "repeat-pcap: %s: not a pcap file of 24 bytes "
		    "to 64 MiB\n", argv[1]);
		return 1;
	}
	memcpy(&magic, buf, 4);
	if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d)
		swap = 0;
	else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
		swap = 1;
	else {
		fprintf(stderr, "repeat-pcap: %s: not a classic pcap file\n",
		    argv[1]);
		return 1;
	}
	/* every record must be whole: check once, before writing */
	for (off = 24; off < len; off += 16 + caplen) {
		if (len - off < 16 ||
		    (caplen = get32(buf + off + 8, swap)) > len - off - 16) {
			fprintf(stderr, "repeat-pcap: %s: record at offset %zu "
			    "cut short\n", argv[1], off);
			return 1;
		}
	}
	if (strcmp(argv[4], "-") == 0)
		out = stdout;
	else if ((out = fopen(argv[4], "wb")) == NULL) {
		fprintf(stderr, "repeat-pcap: %s: %s\n", argv[4],
		    strerror(errno));
		return 1;
	}
	if (fwrite(buf, 1, 24, out) != 24)
		goto wfail;
	for (k = 0; k < count; k++) {
		for (off = 24; off < len; off += 16 + caplen) {
			caplen = get32(buf + off + 8, swap);
			sec = get32(buf + off, swap);
			put32(buf + off, (uint32_t)(sec + k * interval), swap);
			if (fwrite(buf + off, 1, 16 + caplen, out) !=
			    16 + caplen)
				goto wfail;
			put32(buf + off, sec, swap);
		}
	}
	if (fflush(out) != 0 || (out != stdout && fclose(out) != 0))
		goto wfail;
	free(buf);
	return 0;
wfail:
	fprintf(stderr, "repeat-pcap: %s: %s\n", argv[4], strerror(errno));
	return 1;
}
