/* \summary: libFuzzer target: a whole pcap or pcapng file through the replay driver */
/*
 * The input is the capture file, read from memory (fmemopen) as
 * ht_capture_open_file() reads a file (pcap by libpcap, pcapng by
 * io/pcapng.c, at nanosecond precision), and one
 * of the modes' replay drivers decodes, matches and renders everything in
 * it, to /dev/null.  The last byte picks the driver and its output, modulo
 * 8: 0 traces as text, 1 as JSON; 2 MDA text (lite), 3 MDA JSON (full),
 * 4 MDA DOT; 5 rounds as mtr's report, 6 as JSON; 7 a scan's rows.  The
 * byte before it, when odd, filters the packets with an expression.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <pcap/pcap.h>

#include "engine/replay.h"
#include "mode/trace/trace_mode.h"
#include "io/capture.h"
#include "mode/cont/cont.h"
#include "mode/mda/mda.h"
#include "mode/scan/scan.h"
#include "out/output.h"

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
	char err[HT_ERRBUF];
	struct ht_capture cap;
	struct ht_outctx out;
	struct ht_replay rd;
	struct ht_mda_cfg mc;
	struct ht_mda_stats ms;
	struct ht_cont_cfg cc;
	FILE *fp;
	int mode, rc;

	if (size == 0)
		return 0;
	mode = data[size - 1] % 8;
	/* Read-only stream: the cast drops const, nothing writes. */
	if ((fp = fmemopen((void *)(uintptr_t)data, size, "rb")) == NULL)
		return 0;
	/*
	 * As ht_capture_open_file() opens a file: pcap by libpcap, pcapng
	 * by io/pcapng.c (which the first byte decides).
	 */
	memset(&cap, 0, sizeof(cap));
	cap.fd = -1;
	if (ht_capture_open_fp(&cap, fp, "fuzz", err) < 0) {
		sink += (unsigned char)err[0];	/* fp is closed */
		return 0;
	}
	/* a filter expression, per link type, on every other input */
	if (size > 1 && data[size - 2] % 2 == 1 &&
	    ht_capture_select(&cap, "icmp or icmp6 or udp or tcp", err) < 0)
		sink += (unsigned char)err[0];

	memset(&out, 0, sizeof(out));
	out.fp = devnull;
	out.names = NULL;
	memset(&mc, 0, sizeof(mc));
	mc.lite = mode == 2;
	mc.confidence = 0.95;
	mc.max_probes = 5000;
	mc.json = mode == 3;
	mc.dot = mode == 4;
	memset(&cc, 0, sizeof(cc));
	cc.fmt = mode == 6 ? HT_CONT_JSON : HT_CONT_REPORT;
	cc.interval = HT_NS_PER_SEC;
	if (ht_replay_open(&rd, &cap, err) < 0) {
		sink += (unsigned char)err[0];
		ht_capture_close(&cap);
		return 0;
	}
	/* as main.c reads ahead: the note, a scan's first probes */
	ht_replay_prefetch(&rd, 4, 64);
	switch (mode) {
	case 0:
	case 1:
		rc = ht_replay_run(&rd, &out, mode, WAIT, err);
		break;
	case 2:
	case 3:
	case 4:
		rc = ht_mda_replay_run(&rd, &mc, &out, WAIT, &ms, err);
		break;
	case 5:
	case 6:
		rc = ht_cont_replay_run(&rd, &cc, &out, WAIT, err);
		break;
	default:
		rc = ht_scan_replay(&rd, NULL, ht_scan_replay_sniff(&rd),
		    devnull, err);
	}
	ht_replay_close(&rd);
	if (rc < 0)
		sink += (unsigned char)err[0];
	else
		sink += rd.st.fs.frames + rd.st.traces + rd.st.fs.malformed +
		    (uint64_t)rd.st.truncated + (unsigned char)rd.st.warning[0];
	ht_capture_close(&cap);	/* closes fp too */
	return 0;
}
