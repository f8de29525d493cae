/* \summary: nfq-delay: hold every packet of an NFQUEUE queue a fixed time, then accept it */
/*
 * A per-router latency for the namespace test network, where the kernel has
 * no netem.  In a router's namespace:
 *
 *	iptables -I FORWARD -j NFQUEUE --queue-num 0 --queue-bypass
 *	iptables -I OUTPUT  -j NFQUEUE --queue-num 0 --queue-bypass
 *	nfq-delay -q 0 -d 2
 *
 * Every packet queued is accepted (NF_ACCEPT) DELAY ms after it reached the
 * queue (the kernel's receive stamp; a packet the node sends itself has
 * none and counts from when this program reads it), in the order it came:
 * the queue is a FIFO, release times never go down.  Nothing is dropped on
 * purpose: the kernel queue is long (-m), fail-open (NFQA_CFG_F_FAIL_OPEN:
 * a full queue accepts instead of dropping), and the netlink socket has a
 * large receive buffer.  SIGTERM, SIGINT or SIGHUP accept whatever is still
 * held, unbind the queue and exit 0.
 *
 * On a busy machine a router's hold time grows by the scheduling delay of
 * its wake-up; -p PRIO (SCHED_FIFO) keeps it close to DELAY.  The work per
 * packet is a few microseconds, so a real-time priority takes no CPU from
 * anyone to speak of.
 *
 * -j JITTER adds to each packet's hold a time drawn uniformly from
 * [0, JITTER) ms (xorshift64*, seeded by -s or by the clock and the PID):
 * a mean of JITTER/2 and a standard deviation of JITTER/sqrt(12) a router.
 * The queue stays a FIFO, so a packet that comes less than JITTER after
 * the one before it may wait for it: delays are independent only for
 * packets further apart than JITTER (probes of one hop, a round apart).
 *
 * Prints "nfq-delay: queue Q delay D ms: ready" on stderr once the queue is
 * bound, so that a script can wait for it before it inserts the rules, and
 * counters on exit.
 *
 * Build: cc -O2 -Wall -o nfq-delay nfq-delay.c -lnetfilter_queue
 * (Debian: libnetfilter-queue-dev; the old libnfnetlink API, no libmnl.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <sys/prctl.h>
#include <sys/time.h>
#include <sys/socket.h>

#include <libnetfilter_queue/libnetfilter_queue.h>

#ifndef SO_RCVBUFFORCE
#define SO_RCVBUFFORCE 33
#endif
#ifndef NETLINK_NO_ENOBUFS
#define NETLINK_NO_ENOBUFS 5
#endif
#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct held {
	uint32_t id;
	int64_t release;	/* CLOCK_MONOTONIC, ns */
};

struct ctx {
	struct nfq_handle *h;
	struct nfq_q_handle *qh;
	int64_t delay;		/* ns */
	int64_t jitter;		/* ns: extra hold, uniform in [0, jitter) */
	uint64_t rng;		/* xorshift64* state, never 0 */
	int64_t last_release;	/* releases never go down: a FIFO */
	struct held *fifo;	/* ring buffer */
	size_t cap, head, len;
	/* counters */
	unsigned long long queued, stamped, accepted, enobufs, verdict_err;
	size_t maxlen;
	int oom;
};

static volatile sig_atomic_t stop_sig;

static void
on_signal(int sig)
{
	stop_sig = sig;
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
fifo_push(struct ctx *c, uint32_t id, int64_t release)
{
	struct held *n;
	size_t i, ncap;

	if (c->len == c->cap) {
		ncap = c->cap ? c->cap * 2 : 1024;
		if ((n = malloc(ncap * sizeof(*n))) == NULL)
			return -1;
		for (i = 0; i < c->len; i++)
			n[i] = c->fifo[(c->head + i) % c->cap];
		free(c->fifo);
		c->fifo = n;
		c->cap = ncap;
		c->head = 0;
	}
	c->fifo[(c->head + c->len) % c->cap].id = id;
	c->fifo[(c->head + c->len) % c->cap].release = release;
	c->len++;
	if (c->len > c->maxlen)
		c->maxlen = c->len;
	return 0;
}

/*
 * Accept every held packet whose time has come (all of them with all != 0).
 * The FIFO is in arrival order, which is also id order, so one batch verdict
 * on the last due id accepts exactly the due prefix.
 */
static void
release_due(struct ctx *c, int all)
{
	int64_t t = now_ns();
	uint32_t last = 0;
	size_t n = 0;

	while (c->len > 0 &&
	    (all || c->fifo[c->head].release <= t)) {
		last = c->fifo[c->head].id;
		c->head = (c->head + 1) % c->cap;
		c->len--;
		n++;
	}
	if (n == 0)
		return;
	if (nfq_set_verdict_batch(c->qh, last, NF_ACCEPT) < 0)
		c->verdict_err++;
	c->accepted += n;
}

static int
on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg, struct nfq_data *nfa,
    void *arg)
{
	struct ctx *c = arg;
	struct nfqnl_msg_packet_hdr *ph;
	struct timeval tv;
	int64_t arrived, release;
	uint32_t id;

	(void)msg;
	if ((ph = nfq_get_msg_packet_hdr(nfa)) == NULL)
		return 0;
	id = ntohl(ph->packet_id);
	c->queued++;
	/*
	 * Hold from when the packet reached the queue, not from when this
	 * program read it: a burst is read one message at a time, and
	 * stamping at read time would hold the last packet of a burst of 30
	 * longer than the first by 30 reads, at every router.  The kernel's
	 * receive stamp (CLOCK_REALTIME; main() turns stamping on) says when
	 * it arrived; packets the node sends itself have none and are
	 * stamped now.  Releases stay in arrival order (a FIFO).
	 */
	arrived = now_ns();
	if (nfq_get_timestamp(nfa, &tv) == 0 && tv.tv_sec > 0) {
		struct timespec rt;
		int64_t k, off;

		clock_gettime(CLOCK_REALTIME, &rt);
		off = (int64_t)rt.tv_sec * 1000000000 + rt.tv_nsec - arrived;
		k = (int64_t)tv.tv_sec * 1000000000 +
		    (int64_t)tv.tv_usec * 1000 - off;
		if (k <= arrived && k > arrived - c->delay) {
			arrived = k;
			c->stamped++;
		}
	}
	release = arrived + c->delay;
	if (c->jitter > 0) {
		/* xorshift64* (Vigna 2016); the top 53 bits as a fraction */
		c->rng ^= c->rng >> 12;
		c->rng ^= c->rng << 25;
		c->rng ^= c->rng >> 27;
		release += (int64_t)((double)((c->rng * 2685821657736338717ULL)
		    >> 11) / 9007199254740992.0 * (double)c->jitter);
	}
	if (release < c->last_release)
		release = c->last_release;
	c->last_release = release;
	if (fifo_push(c, id, release) < 0) {
		/* no memory: let it through now rather than lose it */
		c->oom = 1;
		nfq_set_verdict(qh, id, NF_ACCEPT, 0, NULL);
		c->accepted++;
	}
	return 0;
}

/* Read every message waiting on the socket: a burst comes in one wake-up. */
static void
drain(struct ctx *c, int fd)
{
	char buf[65536];
	ssize_t n;
	int i;

	for (i = 0; i < 100000; i++) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0)
			nfq_handle_packet(c->h, buf, (int)n);
		else if (n < 0 && errno == ENOBUFS)
			c->enobufs++;
		else if (!(n < 0 && errno == EINTR))
			break;
	}
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: nfq-delay [-q QUEUE] [-d MS] [-j MS] [-s SEED] [-m MAXLEN] [-p PRIO] [-v]\n"
	    "  -q QUEUE   NFQUEUE number to bind, 0..65535 [0]\n"
	    "  -d MS      hold time per packet in ms, 0..10000 (decimals allowed) [2]\n"
	    "  -j MS      jitter: each hold plus uniform [0, MS) ms, 0..10000 [0]\n"
	    "  -s SEED    seed of the jitter, 1..4294967295 [clock and PID]\n"
	    "  -m MAXLEN  kernel queue length, 1..1000000 [65536]\n"
	    "  -p PRIO    run SCHED_FIFO at this priority, 1..99, so that the delay\n"
	    "             holds on a loaded machine; 0: normal scheduling [0]\n"
	    "  -v         print counters on exit\n");
}

static int
parse_num(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= lo && v <= hi))
		return -1;
	*out = v;
	return 0;
}

int
main(int argc, char **argv)
{
	struct ctx c;
	struct sigaction sa;
	sigset_t block, empty;
	struct pollfd pfd;
	struct timespec ts, *tsp;
	double v, delay_ms = 2, jitter_ms = 0, seed = 0;
	unsigned queue = 0, maxlen = 65536, prio = 0;
	struct sched_param sp;
	int fd, tsfd = -1, opt, verbose = 0, one = 1, rcvbuf = 16 << 20, rc = 0;
	uint32_t flags;
	int64_t wait;

	while ((opt = getopt(argc, argv, "q:d:j:s:m:p:vh")) != -1) {
		switch (opt) {
		case 'q':
			if (parse_num(optarg, 0, 65535, &v) < 0 || v != (unsigned)v) {
				fprintf(stderr, "nfq-delay: queue must be 0..65535\n");
				return 2;
			}
			queue = (unsigned)v;
			break;
		case 'd':
			if (parse_num(optarg, 0, 10000, &delay_ms) < 0) {
				fprintf(stderr, "nfq-delay: delay must be 0..10000 ms\n");
				return 2;
			}
			break;
		case 'j':
			if (parse_num(optarg, 0, 10000, &jitter_ms) < 0) {
				fprintf(stderr, "nfq-delay: jitter must be 0..10000 ms\n");
				return 2;
			}
			break;
		case 's':
			if (parse_num(optarg, 1, 4294967295.0, &seed) < 0 ||
			    seed != (double)(uint32_t)seed) {
				fprintf(stderr, "nfq-delay: seed must be 1..4294967295\n");
				return 2;
			}
			break;
		case 'm':
			if (parse_num(optarg, 1, 1000000, &v) < 0 || v != (unsigned)v) {
				fprintf(stderr, "nfq-delay: maxlen must be 1..1000000\n");
				return 2;
			}
			maxlen = (unsigned)v;
			break;
		case 'p':
			if (parse_num(optarg, 0, 99, &v) < 0 || v != (unsigned)v) {
				fprintf(stderr, "nfq-delay: priority must be 0..99\n");
				return 2;
			}
			prio = (unsigned)v;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}

	memset(&c, 0, sizeof(c));
	c.delay = (int64_t)(delay_ms * 1e6 + 0.5);
	c.jitter = (int64_t)(jitter_ms * 1e6 + 0.5);
	c.rng = seed > 0 ? (uint64_t)seed * 0x9e3779b97f4a7c15ULL :
	    (uint64_t)now_ns() ^ ((uint64_t)getpid() << 32);
	if (c.rng == 0)
		c.rng = 1;

	/* signals are delivered only inside ppoll(), so none is missed */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, NULL);
	sigemptyset(&empty);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	/* wake-ups on time, not 50 us late */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	if (prio > 0) {
		memset(&sp, 0, sizeof(sp));
		sp.sched_priority = (int)prio;
		if (sched_setscheduler(0, SCHED_FIFO, &sp) < 0)
			fprintf(stderr, "nfq-delay: warning: SCHED_FIFO %u: %s\n",
			    prio, strerror(errno));
	}

	if ((c.h = nfq_open()) == NULL) {
		fprintf(stderr, "nfq-delay: nfq_open: %s\n", strerror(errno));
		return 1;
	}
	/* no-ops on kernels >= 3.8, needed before */
	nfq_unbind_pf(c.h, AF_INET);
	nfq_bind_pf(c.h, AF_INET);
	nfq_unbind_pf(c.h, AF_INET6);
	nfq_bind_pf(c.h, AF_INET6);
	if ((c.qh = nfq_create_queue(c.h, queue, on_packet, &c)) == NULL) {
		fprintf(stderr, "nfq-delay: cannot bind queue %u: %s\n", queue,
		    strerror(errno));
		nfq_close(c.h);
		return 1;
	}
	/* metadata only: the verdict does not change the packet */
	if (nfq_set_mode(c.qh, NFQNL_COPY_META, 0) < 0) {
		fprintf(stderr, "nfq-delay: nfq_set_mode: %s\n", strerror(errno));
		rc = 1;
		goto out;
	}
	if (nfq_set_queue_maxlen(c.qh, maxlen) < 0)
		fprintf(stderr, "nfq-delay: warning: queue maxlen %u: %s\n",
		    maxlen, strerror(errno));
	flags = NFQA_CFG_F_FAIL_OPEN;
	if (nfq_set_queue_flags(c.qh, flags, flags) < 0)
		fprintf(stderr, "nfq-delay: warning: fail-open: %s\n",
		    strerror(errno));
	/* GSO packets whole (no segmentation to queue them); optional */
	flags = NFQA_CFG_F_GSO;
	(void)nfq_set_queue_flags(c.qh, flags, flags);

	fd = nfq_fd(c.h);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
	    sizeof(rcvbuf)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		    sizeof(rcvbuf));
	/* an overrun must not stop the socket; we count it (recv ENOBUFS) */
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof(one));

	/*
	 * A socket that asks for receive timestamps turns the kernel's packet
	 * stamping on (net_enable_timestamp): queued packets then carry their
	 * arrival time (NFQA_TIMESTAMP).
	 */
	if ((tsfd = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    setsockopt(tsfd, SOL_SOCKET, SO_TIMESTAMPNS, &one,
	    sizeof(one)) < 0)
		fprintf(stderr, "nfq-delay: warning: no kernel timestamps (%s):"
		    " held from when read\n", strerror(errno));

	fprintf(stderr, "nfq-delay: queue %u delay %g ms jitter %g ms: ready\n",
	    queue, delay_ms, jitter_ms);
	fflush(stderr);

	pfd.fd = fd;
	pfd.events = POLLIN;
	while (!stop_sig) {
		if (c.len > 0) {
			wait = c.fifo[c.head].release - now_ns();
			if (wait < 0)
				wait = 0;
			ts.tv_sec = wait / 1000000000;
			ts.tv_nsec = wait % 1000000000;
			tsp = &ts;
		} else
			tsp = NULL;
		if (ppoll(&pfd, 1, tsp, &empty) < 0 && errno != EINTR) {
			fprintf(stderr, "nfq-delay: ppoll: %s\n", strerror(errno));
			rc = 1;
			break;
		}
		drain(&c, fd);
		release_due(&c, 0);
	}

	/* whatever is still held or waiting goes through: never strand one */
	drain(&c, fd);
out:
	release_due(&c, 1);
	nfq_destroy_queue(c.qh);
	nfq_close(c.h);
	if (verbose || c.enobufs || c.verdict_err || c.oom)
		fprintf(stderr,
		    "nfq-delay: queue %u: %llu queued (%llu with the kernel's "
		    "arrival stamp), %llu accepted, %zu held at most, %llu "
		    "overruns, %llu verdict errors%s\n",
		    queue, c.queued, c.stamped, c.accepted, c.maxlen, c.enobufs,
		    c.verdict_err, c.oom ? ", out of memory" : "");
	free(c.fifo);
	if (tsfd >= 0)
		close(tsfd);
	return rc;
}
