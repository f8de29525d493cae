/* \summary: libpcap: live capture, saved captures and the dump file */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/if_packet.h>

#include "io/capture.h"

int
ht_capture_open_live(struct ht_capture *c, const char *dev, int snaplen,
    int bufsize, char *err)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	int rc;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	if ((c->p = pcap_create(dev, ebuf)) == NULL) {
		snprintf(err, HT_ERRBUF, "cannot capture on %s: %s", dev, ebuf);
		return -1;
	}
	pcap_set_snaplen(c->p, snaplen);
	pcap_set_promisc(c->p, 0);
	pcap_set_immediate_mode(c->p, 1);
	if (bufsize > 0)
		pcap_set_buffer_size(c->p, bufsize);
	/*
	 * Microsecond stamps: what the output shows, and asking for
	 * nanoseconds costs pcap_activate() about a millisecond here.
	 */
	c->nano = 0;
	if ((rc = pcap_activate(c->p)) < 0) {
		snprintf(err, HT_ERRBUF, "cannot capture on %s: %s", dev,
		    rc == PCAP_ERROR_NO_SUCH_DEVICE ? "no such interface" :
		    rc == PCAP_ERROR_PERM_DENIED ?
		    "permission denied (run as root or with cap_net_raw)" :
		    pcap_geterr(c->p));
		pcap_close(c->p);
		c->p = NULL;
		return -1;
	}
	if (pcap_setnonblock(c->p, 1, ebuf) < 0 ||
	    (c->fd = pcap_get_selectable_fd(c->p)) < 0) {
		snprintf(err, HT_ERRBUF, "cannot capture on %s: %s", dev,
		    pcap_geterr(c->p));
		pcap_close(c->p);
		c->p = NULL;
		return -1;
	}
	c->dlt = pcap_datalink(c->p);
	return 0;
}

int
ht_capture_filter(struct ht_capture *c, const char *expr, char *err)
{
	struct bpf_program prog;

	if (pcap_compile(c->p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, HT_ERRBUF, "bad capture filter: %s",
		    pcap_geterr(c->p));
		return -1;
	}
	if (pcap_setfilter(c->p, &prog) < 0) {
		snprintf(err, HT_ERRBUF, "cannot set capture filter: %s",
		    pcap_geterr(c->p));
		pcap_freecode(&prog);
		return -1;
	}
	pcap_freecode(&prog);
	return 0;
}

int
ht_capture_attach(struct ht_capture *c, const struct bpf_insn *insn,
    unsigned int n, char *err)
{
	struct sock_fprog prog;

	/* struct bpf_insn and struct sock_filter are the same four fields */
	prog.len = (unsigned short)n;
	prog.filter = (struct sock_filter *)(uintptr_t)insn;
	if (n == 0 || n > BPF_MAXINSNS || setsockopt(pcap_fileno(c->p),
	    SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0) {
		snprintf(err, HT_ERRBUF, "cannot set capture filter: %s",
		    n == 0 || n > BPF_MAXINSNS ? "bad program" :
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* The kernel's counters of the live socket, read and reset. */
static int
kernel_stats(const struct ht_capture *c, unsigned int *drops)
{
	struct tpacket_stats_v3 ks;	/* a tpacket_stats first */
	socklen_t len = sizeof(ks);

	memset(&ks, 0, sizeof(ks));
	if (getsockopt(pcap_fileno(c->p), SOL_PACKET, PACKET_STATISTICS, &ks,
	    &len) < 0)
		return -1;
	*drops = ks.tp_drops;
	return 0;
}

int
ht_capture_ready(struct ht_capture *c, char *err)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned int drops;
	int rc, n = 0;

	/*
	 * The ring may hold what came before our filter, and the kernel has
	 * counted it (and its drops): the socket took everything until the
	 * filter was attached.  Nothing of ours has been sent yet, so all
	 * of it goes, and the counters start again from here.
	 */
	while (n++ < 1 << 20 && (rc = pcap_next_ex(c->p, &h, &data)) == 1)
		;
	if (kernel_stats(c, &drops) < 0) {
		snprintf(err, HT_ERRBUF, "cannot read capture statistics: %s",
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
ht_capture_drops(struct ht_capture *c, unsigned int *drops)
{
	return kernel_stats(c, drops);
}
/*
 * Captures are read through a stdio buffer of this size: with the default
 * (4 KiB) reading a large file costs a read(2) every 40 packets; 64 KiB
 * still fits a core's L2 cache, where the copy lands.
 */
#define READ_BUFSIZE	(64 * 1024)

int
ht_capture_open_fp(struct ht_capture *c, FILE *fp, const char *name,
    char *err)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	int ch;

	/*
	 * A pcapng section header block starts with 0x0a, no pcap magic
	 * does: the first byte says which reader, and goes back.
	 */
	if ((ch = getc(fp)) != EOF && ungetc(ch, fp) == EOF) {
		snprintf(err, HT_ERRBUF, "%s: cannot read", name);
		fclose(fp);
		return -1;
	}
	c->nano = 1;
	if (ch == 0x0a) {
		if ((c->ng = malloc(sizeof(*c->ng))) == NULL) {
			snprintf(err, HT_ERRBUF, "%s: out of memory", name);
			fclose(fp);
			return -1;
		}
		if (ht_pcapng_open(c->ng, fp, &c->dlt, ebuf) < 0) {
			snprintf(err, HT_ERRBUF, "%s: %s", name, ebuf);
			free(c->ng);
			c->ng = NULL;
			fclose(fp);
			return -1;
		}
		return 0;
	}
	c->p = pcap_fopen_offline_with_tstamp_precision(fp,
	    PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (c->p == NULL) {
		fclose(fp);
		snprintf(err, HT_ERRBUF, "%s: %s", name, ebuf);
		return -1;
	}
	c->dlt = pcap_datalink(c->p);
	return 0;
}

int
ht_capture_open_file(struct ht_capture *c, const char *path, char *err)
{
	const char *name = strcmp(path, "-") == 0 ? "stdin" : path;
	FILE *fp;
	int fd = -1;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	/* stdin through a FILE of our own, so that closing c closes it
	 * and the buffer below can go after it */
	if (strcmp(path, "-") == 0) {
		if ((fd = dup(STDIN_FILENO)) < 0 ||
		    (fp = fdopen(fd, "rb")) == NULL) {
			snprintf(err, HT_ERRBUF, "%s: %s", name,
			    strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
	} else if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(err, HT_ERRBUF, "%s: %s", name, strerror(errno));
		return -1;
	}
	/* before the first read; freed after fp is closed (glibc ignores
	 * the size unless given the buffer) */
	if ((c->rbuf = malloc(READ_BUFSIZE)) != NULL &&
	    setvbuf(fp, c->rbuf, _IOFBF, READ_BUFSIZE) != 0) {
		free(c->rbuf);
		c->rbuf = NULL;
	}
	if (ht_capture_open_fp(c, fp, name, err) < 0) {
		free(c->rbuf);
		c->rbuf = NULL;
		return -1;
	}
	return 0;
}

/* The program for link type dlt, compiled the first time it is met. */
static struct ht_capture_prog *
prog_for(struct ht_capture *c, int dlt)
{
	struct ht_capture_prog *pg;
	pcap_t *dead;
	int i;

	for (i = 0; i < c->nprog; i++)
		if (c->prog[i].dlt == dlt)
			return &c->prog[i];
	if (c->nprog == HT_CAPTURE_PROGS)
		return NULL;
	pg = &c->prog[c->nprog];
	memset(pg, 0, sizeof(*pg));
	pg->dlt = dlt;
	if ((dead = pcap_open_dead(dlt, 262144)) == NULL)
		return NULL;
	pg->ok = pcap_compile(dead, &pg->prog, c->expr, 1,
	    PCAP_NETMASK_UNKNOWN) == 0;
	if (!pg->ok)
		snprintf(c->prog_err, sizeof(c->prog_err), "%s",
		    pcap_geterr(dead));
	pcap_close(dead);
	c->nprog++;
	return pg;
}

int
ht_capture_select(struct ht_capture *c, const char *expr, char *err)
{
	struct ht_capture_prog *pg;

	char why[PCAP_ERRBUF_SIZE];

	c->expr = expr;
	/*
	 * The expression is bad when neither the file's link type nor
	 * Ethernet (which knows every keyword of ours) compiles it; one that
	 * compiles for Ethernet but not for the file's ("host 192.0.2.1" on
	 * a capture of bare IPv6: it "rejects all packets") selects nothing
	 * of it, as for an interface of a pcapng of several link types.
	 */
	pg = prog_for(c, c->dlt >= 0 ? c->dlt : DLT_EN10MB);
	if (pg != NULL && pg->ok)
		return 0;
	snprintf(why, sizeof(why), "%s", pg == NULL ? "cannot compile" :
	    c->prog_err);
	pg = prog_for(c, DLT_EN10MB);
	if (pg != NULL && pg->ok)
		return 0;
	snprintf(err, HT_ERRBUF, "bad filter expression '%s': %s", expr, why);
	return -1;
}

/* Does the filter (if any) select the packet? */
static int
selected(struct ht_capture *c, const struct ht_ng_rec *r)
{
	const struct ht_capture_prog *pg;
	struct pcap_pkthdr h;

	if (c->expr == NULL)
		return 1;
	if ((pg = prog_for(c, r->dlt)) == NULL || !pg->ok)
		return 0;
	memset(&h, 0, sizeof(h));
	h.caplen = r->caplen;
	h.len = r->len;
	return pcap_offline_filter(&pg->prog, &h, r->data) != 0;
}

int
ht_capture_next(struct ht_capture *c, struct ht_ng_rec *r)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;

	do {
		if (c->ng != NULL) {
			if ((rc = ht_pcapng_next(c->ng, r)) <= 0)
				return rc;
		} else {
			if ((rc = pcap_next_ex(c->p, &h, &data)) != 1)
				return rc == PCAP_ERROR ? -1 : 0;
			r->ts = ht_capture_ts(c, h);
			r->caplen = h->caplen;
			r->len = h->len;
			r->dlt = c->dlt;
			r->data = data;
		}
		c->nread++;
	} while (!selected(c, r));
	return 1;
}

const char *
ht_capture_geterr(struct ht_capture *c)
{
	return c->ng != NULL ? c->ng->err : pcap_geterr(c->p);
}

int
ht_capture_dump_open(struct ht_capture *c, const char *path, char *err)
{
	if ((c->dump = pcap_dump_open(c->p, path)) == NULL) {
		snprintf(err, HT_ERRBUF, "%s", pcap_geterr(c->p));
		return -1;
	}
	return 0;
}

void
ht_capture_leave(struct ht_capture *c)
{
	int fds[2];
	pid_t pid;
	char b;

	if (c->dump != NULL) {
		pcap_dump_flush(c->dump);
		pcap_dump_close(c->dump);
		c->dump = NULL;
	}
	if (c->p == NULL)
		return;
	/*
	 * The last reference to a packet socket waits for RCU grace periods
	 * when it goes (af_packet's synchronize_net(): one to take the ring
	 * down, one to release the socket, often one more), 1-40 ms in all
	 * depending on the kernel and the machine's load; bench/sockcost.c
	 * measures it.  pcap_close() would also pay one more for its own
	 * ring teardown.  So a child holds a reference and lets go of it
	 * after we are gone: it waits for the end of a pipe that only this
	 * process holds open.  At our exit the kernel drops our references
	 * to the socket (descriptor, ring mapping) before it finishes
	 * closing the pipe, so the child's is the last, and the grace
	 * periods pass in the child while our caller has its exit status.
	 * The child keeps no output open: a reader of ours sees the end
	 * when we end.  If the fork fails, the plain close waits instead.
	 */
	if (pipe(fds) < 0)
		goto plain;
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		goto plain;
	}
	if (pid == 0) {
		int fd;

		signal(SIGINT, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		close(fds[1]);
		for (fd = 0; fd < 3; fd++)
			if (fd != fds[0])
				close(fd);
		while (read(fds[0], &b, 1) < 0 && errno == EINTR)
			;
		_exit(0);	/* the socket goes with us */
	}
	close(fds[0]);
	/* fds[1], the descriptor and the ring stay until exit */
	c->p = NULL;
	return;
plain:
	pcap_close(c->p);
	c->p = NULL;
}

void
ht_capture_close(struct ht_capture *c)
{
	if (c->dump != NULL) {
		pcap_dump_flush(c->dump);
		pcap_dump_close(c->dump);
		c->dump = NULL;
	}
	if (c->p != NULL) {
		pcap_close(c->p);
		c->p = NULL;
	}
	if (c->ng != NULL) {
		ht_pcapng_close(c->ng);		/* closes its FILE */
		free(c->ng);
		c->ng = NULL;
	}
	while (c->nprog > 0)
		if (c->prog[--c->nprog].ok)
			pcap_freecode(&c->prog[c->nprog].prog);
	free(c->rbuf);		/* its FILE is closed */
	c->rbuf = NULL;
}
