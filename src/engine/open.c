/* \summary: a live run's privileged handles: the route, the capture and its filter, the -w file, the raw socket */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <sys/socket.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/names.h"
#include "engine/open.h"
#include "io/resolve.h"
#include "io/route.h"
#include "wire/filter.h"

/* HOST as one address of the wanted family: 0, or -2 with err. */
static int
resolve_host(const struct ht_cmd *c, struct ht_addr *dst, char *err)
{
	struct addrinfo hints, *ai;
	int rc;

	/* A numeric address needs no resolver (and no NSS start-up). */
	if (ht_addr_parse(c->host, dst) == 0) {
		if (c->af != 0 && dst->af != c->af) {
			snprintf(err, HT_ERRBUF, "'%s' is not an IPv%d address",
			    c->host, c->af);
			return -2;
		}
		return 0;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = c->af == 4 ? AF_INET : c->af == 6 ? AF_INET6 :
	    AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	if ((rc = getaddrinfo(c->host, NULL, &hints, &ai)) != 0) {
		snprintf(err, HT_ERRBUF, "cannot resolve '%s': %s", c->host,
		    gai_strerror(rc));
		return -2;
	}
	memset(dst, 0, sizeof(*dst));
	if (ai->ai_family == AF_INET) {
		dst->af = 4;
		memcpy(dst->a, &((struct sockaddr_in *)(void *)ai->ai_addr)->
		    sin_addr, 4);
	} else {
		dst->af = 6;
		memcpy(dst->a, &((struct sockaddr_in6 *)(void *)ai->ai_addr)->
		    sin6_addr, 16);
	}
	freeaddrinfo(ai);
	return 0;
}

/*
 * Admit our probes and their answers: a program built here and attached
 * straight to the socket where one family is probed and the link type
 * allows (no compiler to start, one attach), else libpcap compiles and
 * installs the same text (two families' joined by "or").
 */
static int
set_filter(struct ht_capture *cap, const struct ht_probe_cfg *pc, int n,
    unsigned int snaplen, char *err)
{
	struct ht_filter prog;
	char text[2][1024], both[2100];

	if (n == 1 && ht_filter_build(&pc[0], cap->dlt, snaplen, &prog) == 0)
		return ht_capture_attach(cap, prog.insn, prog.n, err);
	if (ht_filter_expr(&pc[0], text[0], sizeof(text[0])) < 0 ||
	    (n == 2 && ht_filter_expr(&pc[1], text[1], sizeof(text[1])) < 0)) {
		snprintf(err, HT_ERRBUF, "internal error: filter too long");
		return -1;
	}
	if (n == 1)
		return ht_capture_filter(cap, text[0], err);
	snprintf(both, sizeof(both), "(%s) or (%s)", text[0], text[1]);
	return ht_capture_filter(cap, both, err);
}

int
ht_open_capture(const char *dev, const struct ht_probe_cfg *pc, int n,
    int snaplen, int ring, const char *wfile, struct ht_capture *cap,
    char *err)
{
	char e2[HT_ERRBUF / 2];

	if (ht_capture_open_live(cap, dev ? dev : "any", snaplen, ring,
	    err) < 0)
		return -1;
	if (set_filter(cap, pc, n, (unsigned int)snaplen, err) < 0 ||
	    ht_capture_ready(cap, err) < 0) {
		ht_capture_close(cap);
		return -1;
	}
	if (wfile != NULL && ht_capture_dump_open(cap, wfile, e2) < 0) {
		snprintf(err, HT_ERRBUF, "cannot write %s: %s", wfile, e2);
		ht_capture_close(cap);
		return -1;
	}
	return 0;
}

int
ht_live_open(const struct ht_cmd *c, struct ht_live_cfg *cfg,
    struct ht_capture *cap, struct ht_prober **pr, char *err)
{
	char e2[HT_ERRBUF / 2];
	struct ht_route rt;
	int rc, snaplen, frames;

	if ((rc = resolve_host(c, &cfg->probe.dst, err)) < 0)
		return rc;
	if (c->src != NULL) {
		if (ht_addr_parse(c->src, &cfg->probe.src) < 0) {
			snprintf(err, HT_ERRBUF, "source (-s) '%s' is not an "
			    "IPv4 or IPv6 address", c->src);
			return -2;
		}
		if (cfg->probe.src.af != cfg->probe.dst.af) {
			snprintf(err, HT_ERRBUF, "source (-s) %s and "
			    "destination %s are of different address families",
			    c->src, c->host);
			return -2;
		}
	}
	if (ht_route_get(&cfg->probe.dst, c->dev, &rt, e2, sizeof(e2)) < 0) {
		snprintf(err, HT_ERRBUF, "%s: %s", c->host, e2);
		return -1;
	}
	if (c->src == NULL) {
		if (rt.src.af == cfg->probe.dst.af)
			cfg->probe.src = rt.src;
		else if (ht_route_source(&cfg->probe.dst, c->dev,
		    &cfg->probe.src, e2, sizeof(e2)) < 0) {
			snprintf(err, HT_ERRBUF, "%s: %s", c->host, e2);
			return -1;
		}
	}
	cfg->probe.ifindex = rt.ifindex;

	/* Privileged handles first: capture, dump file, raw socket. */
	/*
	 * The snapshot holds a whole ICMP error with its extensions: at most
	 * 576 bytes in IPv4 (RFC 1812), 1280 in IPv6 (RFC 4443), plus the
	 * link header (16 bytes cooked), IPv4 with room for routers that
	 * exceed that.  In immediate mode libpcap gives the ring one frame per
	 * snapshot (plus under 128 bytes of headers); 900 bytes fits 4 frames
	 * in a page, 1296 fits 2.  The ring holds what one window can bring
	 * before we read: every probe in flight and an answer to each, twice
	 * over when the destination is this host (the loopback device shows
	 * each packet leaving and again arriving), and 64 frames more for
	 * what else passes the filter (duplicated answers; a tool that
	 * happens to share our identifier).  With the default -N 30 that is
	 * 124 frames (124 KiB IPv4, 248 KiB IPv6), 184 to this host; at most
	 * (255 * 4 + 64) frames, 2.1 MiB.
	 */
	snaplen = cfg->probe.dst.af == 6 ? 1296 : 900;
	frames = 2 * (int)c->simq * (rt.local ? 2 : 1) + 64;
	if (ht_open_capture(c->dev, &cfg->probe, 1, snaplen,
	    frames * (snaplen + 128), c->wfile, cap, err) < 0)
		return -1;
	if ((*pr = ht_prober_open(&cfg->probe, err, HT_ERRBUF)) == NULL) {
		ht_capture_close(cap);
		if (c->wfile != NULL)
			unlink(c->wfile);	/* nothing was traced */
		return -1;
	}
	return 0;
}

void
ht_started_init(struct ht_started *st, const char *user,
    struct ht_names *names, unsigned int budget_ms)
{
	memset(st, 0, sizeof(*st));
	st->user = user;
	st->names = names;
	st->budget_ms = budget_ms;
}

int
ht_started_user(struct ht_started *st, char *err)
{
	if (st->user == NULL)
		return 0;
	if (ht_priv_lookup(st->user, &st->pw, err, HT_ERRBUF) < 0)
		return -1;
	st->have_user = 1;
	return 0;
}

/*
 * The drop costs 0.4-1 ms; here it overlaps the probes' way out instead
 * of delaying them.  Rule 4 of STYLE.md is about untrusted input, and
 * none has been parsed yet.
 */
int
ht_started(void *arg, char *err)
{
	struct ht_started *st = arg;

	if ((!st->have_user &&
	    ht_priv_lookup(st->user, &st->pw, err, HT_ERRBUF) < 0) ||
	    ht_drop_privileges(&st->pw, err, HT_ERRBUF) < 0)
		return -1;
	st->dropped = 1;
	if (st->names != NULL)
		st->names->res = ht_resolver_new(st->budget_ms);
	return 0;
}

int
ht_replay_open_file(struct ht_capture *cap, const char *path,
    const char *user, char *err)
{
	struct ht_user pw;

	if (ht_capture_open_file(cap, path, err) < 0)
		return -1;
	if (ht_priv_lookup(user, &pw, err, HT_ERRBUF) < 0 ||
	    ht_drop_privileges(&pw, err, HT_ERRBUF) < 0) {
		ht_capture_close(cap);
		return -1;
	}
	return 0;
}

/*
 * Drops are of packets our filter passed (ht_capture_ready() reset the
 * count): ours.
 */
void
ht_live_warn_drops(struct ht_capture *cap, unsigned int unanswered,
    const char *wfile, FILE *fp)
{
	unsigned int drops = 0;

	if (ht_capture_drops(cap, &drops) == 0 && drops > 0 &&
	    (unanswered > 0 || wfile != NULL))
		fprintf(fp, "hoptrace: warning: the capture dropped %u of our "
		    "packets (the ring was full)%s%s%s\n", drops,
		    unanswered > 0 ? "; a reply may show as *" : "",
		    wfile != NULL ? "; missing from " : "",
		    wfile != NULL ? wfile : "");
}
