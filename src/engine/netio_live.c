/* \summary: the live network behind engine/netio.h: libpcap, the raw socket, ppoll, CLOCK_REALTIME */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "engine/netio.h"
#include "io/capture.h"
#include "io/prober.h"

static int
live_send(void *io, const struct ht_addr *dst, const uint8_t *pkt,
    size_t len, char *err)
{
	struct ht_netio_live *nl = io;

	if (nl->send != NULL)
		return nl->send(nl->send_arg, dst, pkt, len, err);
	return ht_prober_write(nl->pr, pkt, len, err, HT_ERRBUF);
}

static int
live_next(void *io, const uint8_t **data, uint32_t *caplen, uint32_t *len,
    ht_ns *ts, char *err)
{
	struct ht_netio_live *nl = io;
	struct pcap_pkthdr *h;
	const u_char *d;
	int rc;

	rc = pcap_next_ex(nl->cap->p, &h, &d);
	if (rc == 1) {
		nl->last_h = h;
		nl->last_data = d;
		*data = d;
		*caplen = h->caplen;
		*len = h->len;
		*ts = ht_capture_ts(nl->cap, h);
		return 1;
	}
	if (rc == PCAP_ERROR) {
		snprintf(err, HT_ERRBUF, "capture failed: %s",
		    pcap_geterr(nl->cap->p));
		return -1;
	}
	return 0;
}

static void
live_keep(void *io)
{
	struct ht_netio_live *nl = io;

	if (nl->cap->dump != NULL && nl->last_h != NULL)
		pcap_dump((u_char *)nl->cap->dump, nl->last_h, nl->last_data);
}

static int
live_wait(void *io, ht_ns timeout, int extra_fd, int *extra_ready,
    char *err)
{
	struct ht_netio_live *nl = io;
	struct pollfd pfd[2];
	struct timespec to;
	int n = 1;

	pfd[0].fd = nl->cap->fd;
	pfd[0].events = POLLIN;
	pfd[0].revents = 0;
	if (extra_fd >= 0) {
		pfd[1].fd = extra_fd;
		pfd[1].events = POLLIN;
		pfd[1].revents = 0;
		n = 2;
	}
	to.tv_sec = (time_t)(timeout / HT_NS_PER_SEC);
	to.tv_nsec = (long)(timeout % HT_NS_PER_SEC);
	if (ppoll(pfd, (nfds_t)n, &to, NULL) < 0) {
		if (errno == EINTR)
			return 0;
		snprintf(err, HT_ERRBUF, "poll: %s", strerror(errno));
		return -1;
	}
	*extra_ready = n == 2 && (pfd[1].revents & (POLLIN | POLLHUP));
	return 0;
}

static ht_ns
live_now(void *io)
{
	(void)io;
	return ht_now_ns();
}

static void
live_close_send(void *io)
{
	struct ht_netio_live *nl = io;

	nl->pr = NULL;		/* the engine closed it */
}

static const struct ht_netio_ops live_ops = {
	live_send, live_next, live_keep, live_wait, live_now, live_close_send
};

void
ht_netio_live_init(struct ht_netio *net, struct ht_netio_live *nl,
    struct ht_capture *cap, struct ht_prober *pr)
{
	memset(nl, 0, sizeof(*nl));
	nl->cap = cap;
	nl->pr = pr;
	net->ops = &live_ops;
	net->io = nl;
	net->dlt = cap->dlt;
}
