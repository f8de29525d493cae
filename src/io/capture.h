/* \summary: libpcap handles: a live capture or a saved file, and the -w dump */
#ifndef HT_CAPTURE_H
#define HT_CAPTURE_H

#include <pcap/pcap.h>

#include "base/err.h"
#include "base/time.h"
#include "io/pcapng.h"

/* A filter expression compiled for one link type (saved captures). */
struct ht_capture_prog {
	int dlt;
	int ok;			/* compiled; else nothing of dlt matches */
	struct bpf_program prog;
};
#define HT_CAPTURE_PROGS	16	/* link types filtered; more match nothing */

struct ht_capture {
	pcap_t *p;
	pcap_dumper_t *dump;
	int dlt;
	int fd;			/* selectable fd (live) */
	int nano;		/* timestamps in nanoseconds */
	char *rbuf;		/* a saved capture's stdio buffer, or NULL */
	struct ht_pcapng *ng;	/* a saved pcapng, read by io/pcapng.c */
	const char *expr;	/* a saved capture's filter expression */
	struct ht_capture_prog prog[HT_CAPTURE_PROGS];
	int nprog;
	char prog_err[PCAP_ERRBUF_SIZE];	/* why the last compile failed */
	uint64_t nread;		/* records read, selected or not */
};

/* Live: immediate mode, non-blocking, nanosecond stamps if offered. */
int ht_capture_open_live(struct ht_capture *c, const char *dev,
    int snaplen, int bufsize, char *err);
/* Compile and install a BPF filter. */
int ht_capture_filter(struct ht_capture *c, const char *expr, char *err);
/*
 * Attach a program to the live capture's socket as the kernel's filter,
 * past libpcap (which then filters nothing itself; what the ring already
 * holds arrives unfiltered).
 */
int ht_capture_attach(struct ht_capture *c, const struct bpf_insn *insn,
    unsigned int n, char *err);
/*
 * The live filter is in place: throw away what the ring took before it
 * (nothing of ours: no probe has left) and start the kernel's counters
 * afresh, so that a drop counted later is of a packet our filter passed.
 */
int ht_capture_ready(struct ht_capture *c, char *err);
/* Packets our filter passed that the full ring lost since ht_capture_ready(). */
int ht_capture_drops(struct ht_capture *c, unsigned int *drops);
/*
 * A saved pcap or pcapng file, "-" for stdin.  pcap is read by libpcap,
 * pcapng by io/pcapng.c, so that each packet has its own interface's link
 * type (c->dlt is the first interface's, -1 for none).
 */
int ht_capture_open_file(struct ht_capture *c, const char *path, char *err);
/* The same from an open stream, which c then owns (also on failure). */
int ht_capture_open_fp(struct ht_capture *c, FILE *fp, const char *name,
    char *err);
/*
 * Replay only the packets of a saved capture that the libpcap filter
 * expression selects, compiled for each link type met (one that it cannot
 * be compiled for selects nothing): 0, or -1 with err when it cannot be
 * compiled for the first link type (a bad expression).
 */
int ht_capture_select(struct ht_capture *c, const char *expr, char *err);
/*
 * The next packet of a saved capture the filter selects, with its link
 * type and nanosecond time: 1, 0 at the end, -1 on a read error
 * (ht_capture_geterr() says which).
 */
int ht_capture_next(struct ht_capture *c, struct ht_ng_rec *r);
const char *ht_capture_geterr(struct ht_capture *c);
/* Start writing what is dumped to path (pcap). */
int ht_capture_dump_open(struct ht_capture *c, const char *path, char *err);
void ht_capture_close(struct ht_capture *c);
/*
 * For a process about to exit: close the dump file, and leave the live
 * capture to a child process that holds the last reference to its socket
 * and ends after this process has exited, so that nobody waits for the
 * kernel's release of the socket.  c is closed for the caller.
 */
void ht_capture_leave(struct ht_capture *c);

static inline ht_ns
ht_capture_ts(const struct ht_capture *c, const struct pcap_pkthdr *h)
{
	return (ht_ns)h->ts.tv_sec * HT_NS_PER_SEC +
	    (ht_ns)h->ts.tv_usec * (c->nano ? 1 : 1000);
}

#endif
