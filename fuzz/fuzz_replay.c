/* \summary: libFuzzer target: a whole pcap or pcapng file through the replay driver */
/*
 * The input is the capture file.  libpcap reads it from memory (fmemopen)
 * at nanosecond precision, as ht_capture_open_file() opens a file, and
 * ht_replay_run() decodes, matches and renders everything in it.  The low
 * bit of the last byte picks JSON (1) or text (0) output, which goes to
 * /dev/null.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <pcap/pcap.h>

#include "capture.h"
#include "output.h"
#include "replay.h"

#define WAIT	(5 * HT_NS_PER_SEC)	/* hoptrace's default -W */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;
static volatile uint64_t sink;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if ((devnull = fopen("/dev/null", "w")) == NULL) {
		perror("/dev/null");
		return -1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char ebuf[PCAP_ERRBUF_SIZE], err[HT_ERRBUF];
	struct ht_capture cap;
	struct ht_outctx out;
	struct ht_replay_stats st;
	FILE *fp;
	int json;

	if (size == 0)
		return 0;
	json = data[size - 1] & 1;
	/* Read-only stream: the cast drops const, nothing writes. */
	if ((fp = fmemopen((void *)(uintptr_t)data, size, "rb")) == NULL)
		return 0;
	memset(&cap, 0, sizeof(cap));
	cap.p = pcap_fopen_offline_with_tstamp_precision(fp,
	    PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (cap.p == NULL) {
		fclose(fp);	/* pcap owns fp only once it opened */
		sink += (unsigned char)ebuf[0];
		return 0;
	}
	cap.dump = NULL;
	cap.dlt = pcap_datalink(cap.p);
	cap.fd = -1;
	cap.nano = 1;

	memset(&out, 0, sizeof(out));
	out.fp = devnull;
	out.res = NULL;
	if (ht_replay_run(&cap, &out, json, WAIT, &st, err) < 0)
		sink += (unsigned char)err[0];
	else
		sink += st.packets + st.traces + st.malformed +
		    (uint64_t)st.truncated + (unsigned char)st.warning[0];
	pcap_close(cap.p);	/* closes fp too */
	return 0;
}
