/* \summary: the command line's shared part: the options every mode reads, range-checked numbers */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "engine/cmd.h"
#include "engine/live.h"

int
ht_cmd_long(const char *what, const char *s, long lo, long hi, long *v,
    char *err)
{
	char *end;
	long x;

	errno = 0;
	x = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || x < lo || x > hi) {
		snprintf(err, HT_ERRBUF, "%s must be an integer from %ld to "
		    "%ld, not '%s'", what, lo, hi, s);
		return -1;
	}
	*v = x;
	return 0;
}

int
ht_cmd_real(const char *what, const char *s, double lo, double hi,
    const char *unit, double *v, char *err)
{
	char *end;
	double x;

	errno = 0;
	x = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(x) ||
	    x < lo || x > hi) {
		snprintf(err, HT_ERRBUF, "%s must be from %g to %g %s, not "
		    "'%s'", what, lo, hi, unit, s);
		return -1;
	}
	*v = x;
	return 0;
}

int
ht_cmd_nums(const struct ht_cmd_num *tab, void *opts, int ch, const char *s,
    char *err)
{
	char *at;
	double d;
	long l;

	for (; tab->ch != 0; tab++) {
		if (tab->ch != ch)
			continue;
		at = (char *)opts + tab->off;
		if (tab->unit != NULL) {
			if (ht_cmd_real(tab->what, s, tab->lo, tab->hi,
			    tab->unit, &d, err) < 0)
				return -1;
			memcpy(at, &d, sizeof(d));
		} else {
			if (ht_cmd_long(tab->what, s, (long)tab->lo,
			    (long)tab->hi, &l, err) < 0)
				return -1;
			memcpy(at, &l, sizeof(l));
		}
		return 1;
	}
	return 0;
}

enum { OPT_PARIS = 256, OPT_GAP, OPT_USER, OPT_REPLAY_AS,
	OPT_ROWS };

/* The shared numeric options, their ranges (--help names them too). */
static const struct ht_cmd_num nums[] = {
	{ 'f', "first TTL (-f)", 1, 255, NULL, offsetof(struct ht_cmd, first) },
	{ 'm', "max hops (-m)", 1, 255, NULL, offsetof(struct ht_cmd, max) },
	{ 'q', "queries per hop (-q)", 1, 10, NULL,
	    offsetof(struct ht_cmd, queries) },
	{ 'W', "wait (-W)", 0.001, 300, "seconds",
	    offsetof(struct ht_cmd, wait) },
	{ 'N', "probes in flight (-N)", 1, 255, NULL,
	    offsetof(struct ht_cmd, simq) },
	{ OPT_GAP, "gap (--gap)", 1, 255, NULL, offsetof(struct ht_cmd, gap) },
	{ 'z', "send interval (-z)", 0, 1000, "ms",
	    offsetof(struct ht_cmd, send_ms) },
	{ 'p', "port (-p)", 1, 65535, NULL, offsetof(struct ht_cmd, port) },
	{ 0, NULL, 0, 0, NULL, 0 }
};

const struct option ht_cmd_longopts[] = {
	{ "icmp", no_argument, NULL, 'I' },
	{ "udp", no_argument, NULL, 'U' },
	{ "tcp", no_argument, NULL, 'T' },
	{ "paris", no_argument, NULL, OPT_PARIS },
	{ "first", required_argument, NULL, 'f' },
	{ "max-hops", required_argument, NULL, 'm' },
	{ "queries", required_argument, NULL, 'q' },
	{ "wait", required_argument, NULL, 'W' },
	{ "sim-queries", required_argument, NULL, 'N' },
	{ "gap", required_argument, NULL, OPT_GAP },
	{ "send-interval", required_argument, NULL, 'z' },
	{ "port", required_argument, NULL, 'p' },
	{ "interface", required_argument, NULL, 'i' },
	{ "source", required_argument, NULL, 's' },
	{ "user", required_argument, NULL, OPT_USER },
	{ "numeric", no_argument, NULL, 'n' },
	{ "json", no_argument, NULL, 'j' },
	{ "rows", no_argument, NULL, OPT_ROWS },
	{ "write", required_argument, NULL, 'w' },
	{ "read", required_argument, NULL, 'r' },
	{ "replay-as", required_argument, NULL, OPT_REPLAY_AS },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

const char ht_cmd_help_head[] =
"Usage: hoptrace [options] HOST       trace the path to HOST, live\n"
"       hoptrace -r FILE [options] [EXPRESSION]   every trace in a capture\n"
"       hoptrace --mda [options] HOST every path through load balancers\n"
"       hoptrace --targets=FILE --rows|-j [options]   many targets at a rate\n"
"       hoptrace -c N [--report] [options] HOST   rounds, mtr's statistics\n"
"\n";

const char ht_cmd_help_probes[] =
"Probes:\n"
"  -I, --icmp               ICMP echo probes (ICMPv6 echo for IPv6) [default]\n"
"  -U, --udp                UDP probes to a rising port from -p\n"
"  -T, --tcp                TCP SYN probes to port -p\n"
"      --paris              keep the flow identifier constant (Paris traceroute)\n"
"  -4, -6                   force IPv4 or IPv6\n"
"  -f, --first=N            first TTL, 1..255 [1]\n"
"  -m, --max-hops=N         last TTL, 1..255 [30]\n"
"  -q, --queries=N          probes per hop, 1..10 [3]\n"
"  -W, --wait=S             longest wait for a reply, 0.001..300 s [5],\n"
"                           shortened once the same or later hops answer\n"
"  -N, --sim-queries=N      probes in flight at once, 1..255\n"
"                           [the larger of 16 and 10 times q]\n"
"      --gap=N              stop after N silent hops in a row, 1..255 [5]\n"
"  -z, --send-interval=MS   least time between probes, 0..1000 ms [0]\n"
"  -p, --port=PORT          UDP base port / TCP port, 1..65535 [33434 / 80]\n"
"  -i, --interface=IF       interface to send and capture on\n"
"  -s, --source=ADDR        source address\n"
"      --user=NAME          user to switch to after opening sockets [nobody]\n";

const char ht_cmd_help_output[] =
"Output:\n"
"  -n, --numeric            no reverse DNS\n"
"  -j, --json               JSON Lines, RIPE Atlas traceroute format\n"
"      --rows               a JSON row per reply (ClickHouse JSONEachRow): a\n"
"                           scan's (--targets), or with -r any capture's\n"
"  -w, --write=FILE         also write every probe and reply to FILE (pcap)\n"
"  -r, --read=FILE          replay a pcap/pcapng capture (- for stdin); a\n"
"                           filter expression after it selects the packets\n"
"      --replay-as=MODE     replay as trace, mda, rounds or scan\n"
"                           [from the capture]\n"
"  -h, --help               this help\n"
"  -V, --version            version\n"
"\n"
"Exit status: 0 the trace or replay ran; 1 runtime failure; 2 usage error.\n";

void
ht_cmd_init(struct ht_cmd *c)
{
	memset(c, 0, sizeof(*c));
	c->first = 1;
	c->max = 30;
	c->queries = 3;
	c->wait = 5.0;
	c->simq = 0;		/* 0: ten hops' worth, see ht_cmd_finish() */
	c->gap = 5;
	c->port = -1;
}

int
ht_cmd_opt(struct ht_cmd *c, int ch, const char *arg, char *err)
{
	int r;

	if ((r = ht_cmd_nums(nums, c, ch, arg, err)) != 0) {
		c->max_set |= ch == 'm';
		c->queries_set |= ch == 'q';
		c->send_set |= ch == 'z';
		return r;
	}
	switch (ch) {
	case 'I': c->method = HT_METHOD_ICMP; c->method_set = 1; break;
	case 'U': c->method = HT_METHOD_UDP; c->method_set = 1; break;
	case 'T': c->method = HT_METHOD_TCP; c->method_set = 1; break;
	case OPT_PARIS: c->paris = 1; break;
	case '4': c->af = 4; break;
	case '6': c->af = 6; break;
	case 'i': c->dev = arg; break;
	case 's': c->src = arg; break;
	case OPT_USER: c->user = arg; break;
	case 'n': c->numeric = 1; break;
	case 'j': c->json = 1; break;
	case OPT_ROWS: c->rows = 1; break;
	case 'w': c->wfile = arg; break;
	case 'r': c->rfile = arg; break;
	case OPT_REPLAY_AS: c->replay_as = arg; break;
	default:
		return 0;
	}
	return 1;
}

/* -r FILE's operands: a filter expression, its words joined by spaces. */
static int
rexpr(struct ht_cmd *c, int argc, char **argv, int optind, char *err)
{
	size_t len = 0;
	int i;

	if (optind >= argc)
		return 0;
	for (i = optind; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if ((c->rexpr = malloc(len)) == NULL)
		HT_CMD_FAIL("out of memory");
	c->rexpr[0] = '\0';
	for (i = optind; i < argc; i++) {
		if (i > optind)
			strcat(c->rexpr, " ");
		strcat(c->rexpr, argv[i]);
	}
	return 0;
}

int
ht_cmd_finish(struct ht_cmd *c, int argc, char **argv, int optind,
    const char *nohost, int ports_rise, char *err)
{
	if (nohost != NULL && c->rfile == NULL) {
		if (optind < argc)
			HT_CMD_FAIL("%s takes no HOST ('%s')", nohost,
			    argv[optind]);
		return 0;
	}
	if (c->rfile != NULL) {
		if (c->wfile != NULL)
			HT_CMD_FAIL("-w and -r cannot be used together");
		return rexpr(c, argc, argv, optind, err);
	}
	if (optind >= argc)
		HT_CMD_FAIL("no HOST given (usage: hoptrace [options] HOST)");
	if (optind + 1 < argc)
		HT_CMD_FAIL("one HOST only ('%s' is extra)", argv[optind + 1]);
	c->host = argv[optind];
	if (c->first > c->max)
		HT_CMD_FAIL("first TTL (-f %ld) must not be above max hops "
		    "(-m %ld)", c->first, c->max);
	if (c->port < 0)
		c->port = c->method == HT_METHOD_TCP ? 80 : 33434;
	/*
	 * Probes in flight: ten hops' worth, so that a path of up to ten
	 * hops costs one round trip to its end, not one per few hops.  Each
	 * router still sees only -q probes expiring at it.  (Rounds chose
	 * their own window in their check.)
	 */
	if (c->simq == 0)
		c->simq = c->queries * 10 < 16 ? 16 : c->queries * 10;
	if (c->method == HT_METHOD_UDP && !c->paris && ports_rise &&
	    c->port + (c->max - c->first + 1) * c->queries > 65536)
		HT_CMD_FAIL("port (-p %ld) too high: UDP ports rise by one per "
		    "probe and must stay below 65536", c->port);
	return 0;
}

void
ht_cmd_live_cfg(const struct ht_cmd *c, struct ht_live_cfg *cfg)
{
	cfg->probe.method = c->method;
	cfg->probe.dev = c->dev;
	cfg->probe.paris = c->paris;
	cfg->probe.port = (uint16_t)c->port;
	cfg->probe.payload = 32;
	/* Our identity: the process ID, folded into 16 bits. */
	cfg->probe.ident = (uint16_t)((getpid() & 0xffff) | 0x8000);
	if (c->method != HT_METHOD_ICMP && cfg->probe.ident < 1024)
		cfg->probe.ident += 1024;
	cfg->first_ttl = (uint8_t)c->first;
	cfg->max_ttl = (uint8_t)c->max;
	cfg->queries = (int)c->queries;
	cfg->simq = (int)c->simq;
	cfg->gap = (int)c->gap;
	cfg->wait = (ht_ns)(c->wait * 1e9);
	cfg->here_x = 3000;
	cfg->near_x = 10000;
	cfg->min_wait = 10 * 1000000ull;
	cfg->send_gap = (ht_ns)(c->send_ms * 1e6);
	cfg->json = c->json;
}
