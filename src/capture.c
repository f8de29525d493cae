/* \summary: libpcap: live capture, saved captures and the dump file */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/filter.h>

#include "capture.h"

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

/*
 * Captures are read through a stdio buffer of this size: with the default
 * (4 KiB) reading a large file costs a read(2) every 40 packets; 64 KiB
 * still fits a core's L2 cache, where the copy lands.
 */
#define READ_BUFSIZE	(64 * 1024)

int
ht_capture_open_file(struct ht_capture *c, const char *path, char *err)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	const char *name = strcmp(path, "-") == 0 ? "stdin" : path;
	FILE *fp;
	int fd = -1;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	/* stdin through a FILE of our own, so that pcap_close() closes it
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
	/* before the first read; freed after pcap_close() closed fp (glibc
	 * ignores the size unless given the buffer) */
	if ((c->rbuf = malloc(READ_BUFSIZE)) != NULL &&
	    setvbuf(fp, c->rbuf, _IOFBF, READ_BUFSIZE) != 0) {
		free(c->rbuf);
		c->rbuf = NULL;
	}
	c->p = pcap_fopen_offline_with_tstamp_precision(fp,
	    PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (c->p == NULL) {
		fclose(fp);
		free(c->rbuf);
		c->rbuf = NULL;
		snprintf(err, HT_ERRBUF, "%s: %s", name, ebuf);
		return -1;
	}
	c->nano = 1;
	c->dlt = pcap_datalink(c->p);
	return 0;
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
	free(c->rbuf);		/* its FILE is closed */
	c->rbuf = NULL;
}
