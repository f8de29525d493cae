/* \summary: what the engine needs of a network: send, capture, wait, a clock */
#ifndef HT_NETIO_H
#define HT_NETIO_H

#include <stddef.h>
#include <stdint.h>

#include "base/addr.h"
#include "base/time.h"

/*
 * The live engine sees the network only through this table, so that a
 * simulated network (tests/unit/simnet.c) can stand in for the kernel's:
 * the same drivers then run as a normal user, in virtual time, in
 * milliseconds.  The live one (engine/netio_live.c) is libpcap, a raw
 * socket, poll() and CLOCK_REALTIME.
 *
 * Packets go out as IP packets (the probe builder's bytes) and come back
 * as captured frames of link type dlt, our own probes among them: the
 * capture stream is the truth, on a simulated network too.
 */
struct ht_netio_ops {
	/*
	 * Send one IP packet to dst: 0 sent; 1 the socket is full (try
	 * again later); 2 the kernel refused this destination (the probe is
	 * lost, the run goes on); -1 with err (HT_ERRBUF bytes).
	 */
	int (*send)(void *io, const struct ht_addr *dst, const uint8_t *pkt,
	    size_t len, char *err);
	/*
	 * The next captured frame: 1 with *data (valid until the next call),
	 * its captured and wire lengths and its capture time; 0 when none is
	 * waiting now; -1 with err.
	 */
	int (*next)(void *io, const uint8_t **data, uint32_t *caplen,
	    uint32_t *len, ht_ns *ts, char *err);
	/* The frame next() returned last is kept (the -w file). */
	void (*keep)(void *io);
	/*
	 * Wait until a frame may be waiting or timeout nanoseconds (0..)
	 * have passed (a simulated network moves its clock on instead).
	 * extra_fd >= 0: also wake when it is readable (a screen's keys),
	 * *extra_ready set.  0, or -1 with err.
	 */
	int (*wait)(void *io, ht_ns timeout, int extra_fd, int *extra_ready,
	    char *err);
	/* The clock capture times are on (CLOCK_REALTIME live). */
	ht_ns (*now)(void *io);
	/* Nothing more will be sent: close the sending side (may be NULL). */
	void (*close_send)(void *io);
};

struct ht_netio {
	const struct ht_netio_ops *ops;
	void *io;
	int dlt;		/* link type of the frames next() returns */
};

/* A live network: the capture, the prober's raw socket, poll(), the clock. */
struct ht_capture;
struct ht_prober;
struct ht_netio_live {
	struct ht_capture *cap;
	struct ht_prober *pr;
	/* sending to any destination (many targets): instead of pr */
	int (*send)(void *arg, const struct ht_addr *dst, const uint8_t *pkt,
	    size_t len, char *err);
	void *send_arg;
	const void *last_h;	/* the last frame's pcap header */
	const uint8_t *last_data;
};

void ht_netio_live_init(struct ht_netio *net, struct ht_netio_live *nl,
    struct ht_capture *cap, struct ht_prober *pr);

#endif
