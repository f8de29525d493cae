/*
 * bench/sockcost.c - what each socket step of a live trace costs on this
 * machine, and so how long its RCU grace periods are.
 *
 *   sockcost [ROUNDS]        (as root; ROUNDS 3..1000, default 15)
 *
 * A live trace opens a packet socket for the capture (libpcap), gives it a
 * ring, a filter, sends its probes through a raw IP socket, and closes
 * both.  Linux's af_packet calls synchronize_net() when a ring is set up
 * (packet_set_ring) and when a packet socket is released (packet_release,
 * and packet_set_ring again to take the ring down): each waits for an RCU
 * grace period, whose length depends on the kernel (RCU flavour, HZ), the
 * number of CPUs, their load and /sys/kernel/rcu_expedited, none of which
 * a tool controls.  This program times each step ROUNDS times, the way
 * libpcap and hoptrace do them, and prints the median, the least and the
 * most, in milliseconds, one step a line:
 *
 *   STEP  MEDIAN  MIN  MAX
 *
 * then "grace_period MEDIAN" (the median ring set-up, which waits for one
 * synchronize_net() and does little else; a close waits for two or more)
 * and "rcu_expedited N"
 * (the system setting: 1 makes every grace period a few microseconds).
 * The first write sends one ICMP echo request to 127.0.0.1 (loopback, and
 * nothing else).  bench/live.sh runs it before its cases.
 *
 * Build: cc -O2 -Wall -o sockcost bench/sockcost.c -lpcap
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXROUNDS	1000

enum step {
	S_PKT_SOCKET, S_PKT_BIND, S_RING, S_MMAP, S_FILTER, S_RING_CLOSE,
	S_BARE_CLOSE, S_RAW_SOCKET, S_RAW_WRITE1, S_RAW_WRITE2, S_RAW_CLOSE,
	S_PCAP_ACTIVATE, S_PCAP_CLOSE, S_FORK, S_COUNT
};

static const char *const NAMES[S_COUNT] = {
	"packet_socket",	/* socket(AF_PACKET, SOCK_DGRAM, ETH_P_ALL) */
	"packet_bind",		/* bind to every interface */
	"ring_setup",		/* PACKET_RX_RING, 124 frames of 1 KiB */
	"ring_mmap",
	"filter_attach",	/* SO_ATTACH_FILTER, 2 instructions */
	"ring_socket_close",	/* munmap + last close of a socket with a ring */
	"bare_socket_close",	/* last close of a packet socket, no ring */
	"raw_socket",		/* socket(AF_INET, SOCK_RAW, IPPROTO_RAW) */
	"raw_first_write",	/* an echo request to 127.0.0.1 */
	"raw_next_write",
	"raw_socket_close",
	"pcap_activate",	/* libpcap, "any", immediate mode, 900 bytes */
	"pcap_close",
	"fork_exit",		/* fork, child _exit, parent waits */
};

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double t[S_COUNT][MAXROUNDS];

static void
die(const char *what)
{
	fprintf(stderr, "sockcost: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* An ICMP echo request, 127.0.0.1 to itself, with its IP header. */
static size_t
echo(unsigned char *b, unsigned short seq)
{
	unsigned long sum = 0;
	size_t i;

	memset(b, 0, 28);
	b[0] = 0x45;
	b[3] = 28;
	b[8] = 64;
	b[9] = 1;
	b[12] = 127, b[15] = 1;
	b[16] = 127, b[19] = 1;
	b[20] = 8;
	b[24] = 0x7a, b[25] = 0x69;	/* identifier */
	b[26] = (unsigned char)(seq >> 8), b[27] = (unsigned char)seq;
	for (i = 20; i < 28; i += 2)
		sum += (unsigned long)(b[i] << 8 | b[i + 1]);
	sum = (sum >> 16) + (sum & 0xffff);
	sum += sum >> 16;
	b[22] = (unsigned char)(~sum >> 8);
	b[23] = (unsigned char)~sum;
	return 28;
}

static void
round_once(int r)
{
	struct tpacket_req req = { .tp_block_size = 4096, .tp_block_nr = 31,
	    .tp_frame_size = 1024, .tp_frame_nr = 124 };
	struct sock_filter accept[] = {
		{ BPF_LD | BPF_B | BPF_ABS, 0, 0, 9 },
		{ BPF_RET | BPF_K, 0, 0, 900 },
	};
	struct sock_fprog prog = { 2, accept };
	struct sockaddr_ll sll;
	struct sockaddr_in to;
	char ebuf[PCAP_ERRBUF_SIZE];
	unsigned char pkt[28];
	int fd, v = TPACKET_V2, st;
	size_t n;
	void *ring;
	pcap_t *p;
	pid_t pid;
	double a;

	a = now_ms();
	if ((fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ALL))) < 0)
		die("packet socket");
	t[S_PKT_SOCKET][r] = now_ms() - a;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	a = now_ms();
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		die("bind");
	t[S_PKT_BIND][r] = now_ms() - a;
	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) < 0)
		die("PACKET_VERSION");
	a = now_ms();
	if (setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) < 0)
		die("PACKET_RX_RING");
	t[S_RING][r] = now_ms() - a;
	a = now_ms();
	ring = mmap(NULL, (size_t)req.tp_block_size * req.tp_block_nr,
	    PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (ring == MAP_FAILED)
		die("mmap");
	t[S_MMAP][r] = now_ms() - a;
	a = now_ms();
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
	    sizeof(prog)) < 0)
		die("SO_ATTACH_FILTER");
	t[S_FILTER][r] = now_ms() - a;

	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a = now_ms();
	if ((st = socket(AF_INET, SOCK_RAW, IPPROTO_RAW)) < 0)
		die("raw socket");
	t[S_RAW_SOCKET][r] = now_ms() - a;
	n = echo(pkt, (unsigned short)(2 * r));
	a = now_ms();
	if (sendto(st, pkt, n, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		die("sendto");
	t[S_RAW_WRITE1][r] = now_ms() - a;
	n = echo(pkt, (unsigned short)(2 * r + 1));
	a = now_ms();
	if (sendto(st, pkt, n, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		die("sendto");
	t[S_RAW_WRITE2][r] = now_ms() - a;
	a = now_ms();
	close(st);
	t[S_RAW_CLOSE][r] = now_ms() - a;

	a = now_ms();
	munmap(ring, (size_t)req.tp_block_size * req.tp_block_nr);
	close(fd);
	t[S_RING_CLOSE][r] = now_ms() - a;

	if ((fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ALL))) < 0)
		die("packet socket");
	a = now_ms();
	close(fd);
	t[S_BARE_CLOSE][r] = now_ms() - a;

	if ((p = pcap_create("any", ebuf)) == NULL) {
		fprintf(stderr, "sockcost: pcap_create: %s\n", ebuf);
		exit(1);
	}
	pcap_set_snaplen(p, 900);
	pcap_set_immediate_mode(p, 1);
	pcap_set_buffer_size(p, 124 * 1028);
	a = now_ms();
	if (pcap_activate(p) < 0) {
		fprintf(stderr, "sockcost: pcap_activate: %s\n", pcap_geterr(p));
		exit(1);
	}
	t[S_PCAP_ACTIVATE][r] = now_ms() - a;
	a = now_ms();
	pcap_close(p);
	t[S_PCAP_CLOSE][r] = now_ms() - a;

	a = now_ms();
	if ((pid = fork()) < 0)
		die("fork");
	if (pid == 0)
		_exit(0);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	t[S_FORK][r] = now_ms() - a;
}

int
main(int argc, char **argv)
{
	int rounds = 15, r, s;
	double gp = 0;
	FILE *f;

	if (argc > 2 || (argc == 2 && ((rounds = atoi(argv[1])) < 3 ||
	    rounds > MAXROUNDS))) {
		fprintf(stderr, "usage: sockcost [ROUNDS 3..%d]\n", MAXROUNDS);
		return 2;
	}
	for (r = 0; r < rounds; r++)
		round_once(r);
	for (s = 0; s < S_COUNT; s++) {
		qsort(t[s], (size_t)rounds, sizeof(double), cmp);
		printf("%s %.3f %.3f %.3f\n", NAMES[s], t[s][rounds / 2],
		    t[s][0], t[s][rounds - 1]);
		if (s == S_RING)
			gp = t[s][rounds / 2];
	}
	printf("grace_period %.3f\n", gp);
	if ((f = fopen("/sys/kernel/rcu_expedited", "r")) != NULL) {
		if (fscanf(f, "%d", &s) == 1)
			printf("rcu_expedited %d\n", s);
		fclose(f);
	}
	return 0;
}
