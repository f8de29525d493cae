/* \summary: the live capture filter: libpcap text and a ready BPF program */
#ifndef HT_FILTER_H
#define HT_FILTER_H

#include <stddef.h>

#include <pcap/pcap.h>

#include "wire/probe.h"

#define HT_FILTER_MAX	128	/* instructions; the longest needs 66 */

struct ht_filter {
	struct bpf_insn insn[HT_FILTER_MAX];
	unsigned int n;
};

/*
 * The filter as libpcap text: our probes (from us to the destination, our
 * identifier) and what answers them, each by our identifier (ICMP errors
 * to us quoting our probe, the destination's echo replies or TCP segments
 * to our port).  With p->any_dst (a scan), no destination is named:
 * our probes to any address, the answers from any.  0, or -1 when buf is
 * too small.
 */
int ht_filter_expr(const struct ht_probe_cfg *p, char *buf, size_t len);

/*
 * The same admission as a BPF program for the kernel's socket filter
 * (SO_ATTACH_FILTER) under a live capture of link type dlt, built without
 * pcap_compile() and without libpcap's two-step install (together about
 * 0.5 ms of a live trace's start).  It admits every packet the text admits
 * and reads header lengths where the text assumes them; what else it lets
 * through is the matcher's to reject.  Returns 0, or -1 for a link type it does not know:
 * DLT_LINUX_SLL (libpcap's cooked capture, the "any" device) and
 * DLT_EN10MB are known; compile the text for the others.  Accepting
 * returns snaplen, as pcap_compile's programs do.
 */
int ht_filter_build(const struct ht_probe_cfg *p, int dlt,
    unsigned int snaplen, struct ht_filter *f);

#endif
