/* \summary: hoptrace: options, privileged handles, privilege drop, run */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <sys/socket.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "cont/cont.h"
#include "filter.h"
#include "live.h"
#include "mda/mda.h"
#include "output.h"
#include "priv.h"
#include "probe.h"
#include "replay.h"
#include "resolve.h"
#include "route.h"
#include "scan/scan.h"

#define EXIT_RUNTIME	1
#define EXIT_USAGE	2
#define NAME_BUDGET_MS	800

/* Everything the command line decides. */
struct opts {
	int af;			/* 0, 4 or 6 */
	enum ht_method method;
	int paris;
	long first, max, queries, simq, gap, port;
	double wait, send_ms;
	const char *dev, *src, *wfile, *rfile, *user, *host;
	int numeric, json;
	int method_set;		/* -I, -U or -T given */
	int mda;		/* 0 none, 1 full, 2 lite */
	int dot;
	int mda_opts;		/* --confidence, --max-probes or --dot given */
	double confidence;	/* percent */
	long max_probes;
	const char *targets;	/* --targets */
	int rows, skip_bad, max_set;
	int scan_opts;		/* --rate, --per-prefix or --skip-bad given */
	int stop_set;		/* --stop-set */
	double rate;
	long per_prefix;
	int cont;		/* rounds: -c, --interval, --report, --csv given */
	long count;		/* -c: rounds, 0 until interrupted */
	double interval;	/* --interval, seconds */
	int report, report_wide, csv, queries_set, count_set;
	long flows;		/* --flows: Paris flows side by side */
	const char *fields;	/* -o: mtr's report fields */
	int send_set;		/* -z given */
};

static void
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("hoptrace: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_USAGE);
}

static void
help(void)
{
	fputs(
"Usage: hoptrace [options] HOST       trace the path to HOST, live\n"
"       hoptrace -r FILE [options]    rebuild every trace in a capture\n"
"       hoptrace --mda [options] HOST every path through load balancers\n"
"       hoptrace --targets=FILE --rows|-j [options]   many targets at a rate\n"
"       hoptrace -c N [--report] [options] HOST   rounds, mtr's statistics\n"
"\n"
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
"      --user=NAME          user to switch to after opening sockets [nobody]\n"
"Multipath (MDA):\n"
"      --mda[=lite|full]    find every path through per-flow load balancers\n"
"                           (UDP unless -T or -I): MDA-Lite, which switches\n"
"                           to full MDA where it finds meshing or uneven\n"
"                           splits [lite]\n"
"      --confidence=P       chance of seeing every next hop, 50..99.9999 % [95]\n"
"      --max-probes=N       probes in all at most, 1..65535 [5000]\n"
"      --dot                the graph in Graphviz DOT instead of text\n"
"Many targets:\n"
"      --targets=FILE       trace every address or prefix in FILE (- stdin),\n"
"                           probes in a random order, stateless\n"
"      --rate=PPS           probes a second, 1..1000000 [1000]\n"
"      --per-prefix=N       one random address in each /N of a prefix, 1..128\n"
"      --skip-bad           skip bad lines of FILE (with a warning)\n"
"      --stop-set           skip TTLs below an interface seen for another\n"
"                           target (Doubletree's stop set)\n"
"      --rows               a JSON row per reply (ClickHouse JSONEachRow);\n"
"                           or -j: a RIPE Atlas trace per target\n"
"Rounds (mtr's statistics; one probe per hop a round, Paris flows):\n"
"  -c, --count=N            rounds, 0..10000000, 0 until interrupted\n"
"                           (the live screen's default) [10]\n"
"      --interval=S         seconds from a round to the next, 0.001..3600\n"
"                           (below 0.2 needs root) [1]\n"
"      --report             mtr's report table after the last round, no screen\n"
"      --report-wide        the same, host names never cut\n"
"      --csv                mtr's CSV instead of the table\n"
"      --flows=K            K Paris flows side by side, 1..64, a table each\n"
"                           (flow F: UDP/TCP port -p + F, ICMP checksum + F)\n"
"  -o, --order=FIELDS       mtr's fields and their order [LS NABWV]:\n"
"                           L D R S N B A W V G J M X I, space\n"
"Output:\n"
"  -n, --numeric            no reverse DNS\n"
"  -j, --json               JSON Lines, RIPE Atlas traceroute format\n"
"  -w, --write=FILE         also write every probe and reply to FILE (pcap)\n"
"  -r, --read=FILE          replay a pcap/pcapng capture (- for stdin)\n"
"  -h, --help               this help\n"
"  -V, --version            version\n"
"\n"
"Exit status: 0 the trace or replay ran; 1 runtime failure; 2 usage error.\n",
	    stdout);
}

/* Parse an integer option in [lo, hi] or stop with a usage error. */
static long
num(const char *what, const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		usage_error("%s must be an integer from %ld to %ld, not '%s'",
		    what, lo, hi, s);
	return v;
}

static double
real(const char *what, const char *s, double lo, double hi,
    const char *unit)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(v) ||
	    v < lo || v > hi)
		usage_error("%s must be from %g to %g %s, not '%s'", what, lo,
		    hi, unit, s);
	return v;
}

/* The MDA options belong together; UDP unless -I or -T is given. */
static void
mda_check(struct opts *o)
{
	if (!o->mda) {
		if (o->mda_opts)
			usage_error("--confidence, --max-probes and --dot need "
			    "--mda");
		return;
	}
	if (o->json && o->dot)
		usage_error("-j and --dot cannot be used together");
	if (!o->method_set)
		o->method = HT_METHOD_UDP;
}

enum { OPT_PARIS = 256, OPT_GAP, OPT_USER, OPT_MDA, OPT_CONFIDENCE,
	OPT_MAX_PROBES, OPT_DOT, OPT_TARGETS, OPT_RATE, OPT_PER_PREFIX,
	OPT_ROWS, OPT_SKIP_BAD, OPT_STOP_SET, OPT_INTERVAL, OPT_REPORT, OPT_REPORT_WIDE,
	OPT_CSV, OPT_FLOWS };

/* --targets and --rows belong together; what a scan cannot do yet. */
static void
scan_check(struct opts *o)
{
	int scan = o->targets != NULL || o->rows;

	if (!scan) {
		if (o->scan_opts)
			usage_error("--rate, --per-prefix, --skip-bad and --stop-set "
			    "need --targets");
		return;
	}
	if (o->mda)
		usage_error("--targets and --rows cannot be used with --mda");
	if (o->json && o->rows)
		usage_error("--rows and -j cannot be used together (a row a "
		    "reply, or a trace a target)");
	if (o->paris)
		usage_error("--targets keeps each target's flow constant "
		    "already (--paris is not needed)");
	if (o->rfile == NULL && o->targets == NULL)
		usage_error("--rows needs --targets (or -r FILE)");
	if (!o->rows && !o->json)
		usage_error("--targets needs --rows (a JSON row a reply) or -j "
		    "(Atlas JSON a target)");
	if (o->rfile == NULL && o->scan_opts && o->targets == NULL)
		usage_error("--rate, --per-prefix, --skip-bad and --stop-set "
		    "need --targets");
	if (!o->max_set)
		o->max = HT_SCAN_MAX_HOPS;
	if (o->first > o->max)
		usage_error("first TTL (-f %ld) must not be above max hops "
		    "(-m %ld)", o->first, o->max);
	if (o->max - o->first + 1 > HT_SCAN_TTLS)
		usage_error("--targets probes at most %d TTLs (-f %ld -m %ld "
		    "asks %ld)", HT_SCAN_TTLS, o->first, o->max,
		    o->max - o->first + 1);
}

/* The rounds options belong together, and apart from MDA and -q. */
static void
cont_check(struct opts *o)
{
	if (!o->cont)
		return;
	if (o->mda)
		usage_error("--mda and rounds (-c, --interval, --report, --csv) "
		    "cannot be used together");
	if (o->dot)
		usage_error("--dot needs --mda");
	if (o->queries_set)
		usage_error("-q does not apply to rounds: a round sends one "
		    "probe per hop (-c sets the rounds)");
	if (o->json && o->csv)
		usage_error("-j and --csv cannot be used together");
	/* ping(8)'s rule: a fast interval is for root only */
	if (o->rfile == NULL && o->interval < 0.2 && getuid() != 0)
		usage_error("--interval below 0.2 s needs root (as ping's "
		    "interval does), not %g", o->interval);
}

static void
parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
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
		{ "mda", optional_argument, NULL, OPT_MDA },
		{ "confidence", required_argument, NULL, OPT_CONFIDENCE },
		{ "max-probes", required_argument, NULL, OPT_MAX_PROBES },
		{ "dot", no_argument, NULL, OPT_DOT },
		{ "targets", required_argument, NULL, OPT_TARGETS },
		{ "rate", required_argument, NULL, OPT_RATE },
		{ "per-prefix", required_argument, NULL, OPT_PER_PREFIX },
		{ "rows", no_argument, NULL, OPT_ROWS },
		{ "skip-bad", no_argument, NULL, OPT_SKIP_BAD },
		{ "stop-set", no_argument, NULL, OPT_STOP_SET },
		{ "count", required_argument, NULL, 'c' },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "report", no_argument, NULL, OPT_REPORT },
		{ "report-wide", no_argument, NULL, OPT_REPORT_WIDE },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "flows", required_argument, NULL, OPT_FLOWS },
		{ "order", required_argument, NULL, 'o' },
		{ "numeric", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "write", required_argument, NULL, 'w' },
		{ "read", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->first = 1;
	o->max = 30;
	o->queries = 3;
	o->wait = 5.0;
	o->simq = 0;		/* 0: ten hops' worth, see below */
	o->gap = 5;
	o->port = -1;
	o->confidence = 95;
	o->max_probes = 5000;
	o->rate = HT_SCAN_RATE;
	o->count = 10;
	o->interval = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":IUT46f:m:q:W:N:z:p:i:s:c:o:njw:r:hV",
	    lo, NULL)) != -1) {
		switch (c) {
		case 'I': o->method = HT_METHOD_ICMP; o->method_set = 1; break;
		case 'U': o->method = HT_METHOD_UDP; o->method_set = 1; break;
		case 'T': o->method = HT_METHOD_TCP; o->method_set = 1; break;
		case OPT_PARIS: o->paris = 1; break;
		case '4': o->af = 4; break;
		case '6': o->af = 6; break;
		case 'f': o->first = num("first TTL (-f)", optarg, 1, 255);
			break;
		case 'm': o->max = num("max hops (-m)", optarg, 1, 255);
			o->max_set = 1;
			break;
		case 'q': o->queries = num("queries per hop (-q)", optarg, 1,
			    10);
			o->queries_set = 1;
			break;
		case 'W': o->wait = real("wait (-W)", optarg, 0.001, 300,
			    "seconds");
			break;
		case 'N': o->simq = num("probes in flight (-N)", optarg, 1,
			    255);
			break;
		case OPT_GAP: o->gap = num("gap (--gap)", optarg, 1, 255);
			break;
		case 'z': o->send_ms = real("send interval (-z)", optarg, 0,
			    1000, "ms");
			o->send_set = 1;
			break;
		case 'p': o->port = num("port (-p)", optarg, 1, 65535); break;
		case 'i': o->dev = optarg; break;
		case 's': o->src = optarg; break;
		case OPT_USER: o->user = optarg; break;
		case OPT_MDA:
			if (optarg == NULL || strcmp(optarg, "lite") == 0)
				o->mda = 2;
			else if (strcmp(optarg, "full") == 0)
				o->mda = 1;
			else
				usage_error("--mda takes lite or full, not '%s'",
				    optarg);
			break;
		case OPT_CONFIDENCE:
			o->confidence = real("confidence (--confidence)",
			    optarg, 50, 99.9999, "percent");
			o->mda_opts = 1;
			break;
		case OPT_MAX_PROBES:
			o->max_probes = num("max probes (--max-probes)", optarg,
			    1, 65535);
			o->mda_opts = 1;
			break;
		case OPT_DOT: o->dot = o->mda_opts = 1; break;
		case OPT_TARGETS: o->targets = optarg; break;
		case OPT_RATE:
			o->rate = real("rate (--rate)", optarg, 1, 1000000,
			    "probes a second");
			o->scan_opts = 1;
			break;
		case OPT_PER_PREFIX:
			o->per_prefix = num("per-prefix (--per-prefix)", optarg,
			    1, 128);
			o->scan_opts = 1;
			break;
		case OPT_ROWS: o->rows = 1; break;
		case OPT_SKIP_BAD: o->skip_bad = o->scan_opts = 1; break;
		case OPT_STOP_SET: o->stop_set = o->scan_opts = 1; break;
		case 'c': o->count = num("count (-c)", optarg, 0, 10000000);
			o->cont = o->count_set = 1;
			break;
		case OPT_INTERVAL:
			o->interval = real("interval (--interval)", optarg,
			    0.001, 3600, "seconds");
			o->cont = 1;
			break;
		case OPT_REPORT: o->report = o->cont = 1; break;
		case OPT_REPORT_WIDE: o->report_wide = o->cont = 1; break;
		case OPT_CSV: o->csv = o->cont = 1; break;
		case OPT_FLOWS:
			o->flows = num("flows (--flows)", optarg, 1, 64);
			o->cont = 1;
			break;
		case 'o':
			if (ht_cont_fields_ok(optarg) < 0)
				usage_error("fields (-o) '%s': 1 to %d of mtr's "
				    "keys L D R S N B A W V G J M X I and space",
				    optarg, HT_CONT_MAXFIELDS);
			o->fields = optarg;
			o->cont = 1;
			break;
		case 'n': o->numeric = 1; break;
		case 'j': o->json = 1; break;
		case 'w': o->wfile = optarg; break;
		case 'r': o->rfile = optarg; break;
		case 'h': help(); exit(0);
		case 'V': printf("hoptrace %s\n", PACKAGE_VERSION); exit(0);
		case ':':
			usage_error("option '%s' needs a value",
			    argv[optind - 1]);
			break;
		default:
			if (optopt)
				usage_error("unknown option '-%c' (see "
				    "hoptrace --help)", optopt);
			usage_error("unknown option '%s' (see hoptrace --help)",
			    argv[optind - 1]);
		}
	}
	mda_check(o);
	scan_check(o);
	if (o->targets != NULL && o->port < 0)
		o->port = o->method == HT_METHOD_TCP ? 80 : 33434;
	if (o->targets != NULL && o->rfile == NULL) {
		if (optind < argc)
			usage_error("--targets takes no HOST ('%s')",
			    argv[optind]);
		return;
	}
	cont_check(o);
	if (o->rfile != NULL) {
		if (optind < argc)
			usage_error("-r takes no HOST ('%s')", argv[optind]);
		if (o->wfile != NULL)
			usage_error("-w and -r cannot be used together");
		return;
	}
	if (optind >= argc)
		usage_error("no HOST given (usage: hoptrace [options] HOST)");
	if (optind + 1 < argc)
		usage_error("one HOST only ('%s' is extra)", argv[optind + 1]);
	o->host = argv[optind];
	if (o->first > o->max)
		usage_error("first TTL (-f %ld) must not be above max hops "
		    "(-m %ld)", o->first, o->max);
	if (o->port < 0)
		o->port = o->method == HT_METHOD_TCP ? 80 : 33434;
	/*
	 * Probes in flight: ten hops' worth, so that a path of up to ten
	 * hops costs one round trip to its end, not one per few hops.  Each
	 * router still sees only -q probes expiring at it.
	 */
	if (o->cont) {
		/* one probe per hop a round: a window of 30 hops */
		o->queries = 1;
		if (o->simq == 0)
			o->simq = 30;
	}
	if (o->simq == 0)
		o->simq = o->queries * 10 < 16 ? 16 : o->queries * 10;
	if (o->mda && o->method == HT_METHOD_ICMP && o->port > 65534)
		usage_error("port (-p %ld) too high for ICMP --mda: the checksum "
		    "carries the flow, port + flow in 1..65534", o->port);
	if (o->flows > 1 && o->method != HT_METHOD_ICMP &&
	    o->port + o->flows > 65536)
		usage_error("port (-p %ld) too high for --flows=%ld: flow F "
		    "probes port -p + F - 1, which must stay below 65536",
		    o->port, o->flows);
	if (o->method == HT_METHOD_UDP && !o->paris && !o->mda &&
	    o->port + (o->max - o->first + 1) * o->queries > 65536)
		usage_error("port (-p %ld) too high: UDP ports rise by one per "
		    "probe and must stay below 65536", o->port);
}

/* Resolve HOST to one address of the wanted family (usage error if none). */
static void
resolve_host(const struct opts *o, struct ht_addr *dst)
{
	struct addrinfo hints, *ai;
	int rc;

	/* A numeric address needs no resolver (and no NSS start-up). */
	if (ht_addr_parse(o->host, dst) == 0) {
		if (o->af != 0 && dst->af != o->af)
			usage_error("'%s' is not an IPv%d address", o->host,
			    o->af);
		return;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = o->af == 4 ? AF_INET : o->af == 6 ? AF_INET6 :
	    AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	if ((rc = getaddrinfo(o->host, NULL, &hints, &ai)) != 0)
		usage_error("cannot resolve '%s': %s", o->host,
		    gai_strerror(rc));
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
}

/* The source address the kernel would choose for dst (connect trick). */
static int
route_source(const struct ht_addr *dst, const char *dev, struct ht_addr *src,
    char *err)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd;

	memset(&ss, 0, sizeof(ss));
	if (dst->af == 4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(33434);
		memcpy(&s4->sin_addr, dst->a, 4);
		sl = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(33434);
		memcpy(&s6->sin6_addr, dst->a, 16);
		sl = sizeof(*s6);
	}
	if ((fd = socket(ss.ss_family, SOCK_DGRAM, 0)) < 0)
		goto fail;
	if (dev != NULL && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev,
	    (socklen_t)strlen(dev) + 1) < 0) {
		snprintf(err, HT_ERRBUF, "interface %s: %s", dev,
		    strerror(errno));
		close(fd);
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
		close(fd);
		goto fail;
	}
	close(fd);
	memset(src, 0, sizeof(*src));
	src->af = dst->af;
	if (dst->af == 4)
		memcpy(src->a, &((struct sockaddr_in *)&ss)->sin_addr, 4);
	else
		memcpy(src->a, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
	return 0;
fail:
	snprintf(err, HT_ERRBUF, "no route to host: %s", strerror(errno));
	return -1;
}

static void
mda_cfg(const struct opts *o, struct ht_mda_cfg *mc)
{
	memset(mc, 0, sizeof(*mc));
	mc->lite = o->mda == 2;
	mc->confidence = o->confidence / 100;
	mc->max_probes = (uint32_t)o->max_probes;
	mc->dot = o->dot;
	mc->json = o->json;
}

static void
cont_cfg(const struct opts *o, struct ht_cont_cfg *cc, char *host,
    size_t hostlen)
{
	memset(cc, 0, sizeof(*cc));
	cc->count = (uint32_t)o->count;
	cc->interval = (ht_ns)(o->interval * 1e9);
	cc->fmt = o->json ? HT_CONT_JSON : o->csv ? HT_CONT_CSV :
	    o->report_wide ? HT_CONT_WIDE : HT_CONT_REPORT;
	cc->wide = o->report_wide;
	/* on a terminal without --report, --csv or -j: the live screen */
	cc->screen = o->rfile == NULL && !o->report && !o->report_wide &&
	    !o->csv && !o->json && isatty(STDIN_FILENO) &&
	    isatty(STDOUT_FILENO);
	if (cc->screen && !o->count_set)
		cc->count = 0;		/* until q, as mtr's screen */
	if (gethostname(host, hostlen) < 0)
		snprintf(host, hostlen, "localhost");
	host[hostlen - 1] = '\0';
	cc->local = host;
	cc->dst_name = o->host;
	cc->fields = o->fields;
	cc->flows = o->flows ? (uint32_t)o->flows : 1;
	cc->pace = !o->send_set;
}

static int
run_replay(const struct opts *o)
{
	char err[HT_ERRBUF];
	struct ht_capture cap;
	struct ht_replay_stats st;
	struct ht_outctx out;
	struct ht_user user;
	struct ht_mda_cfg mc;
	struct ht_cont_cfg cc;
	char host[256];
	int rc;

	if (ht_capture_open_file(&cap, o->rfile, err) < 0) {
		fprintf(stderr, "hoptrace: %s\n", err);
		return EXIT_RUNTIME;
	}
	/* Replay needs no privileges: give up any we were started with. */
	if (ht_priv_lookup(o->user, &user, err, sizeof(err)) < 0 ||
	    ht_drop_privileges(&user, err, sizeof(err)) < 0) {
		fprintf(stderr, "hoptrace: %s\n", err);
		ht_capture_close(&cap);
		return EXIT_RUNTIME;
	}
	memset(&out, 0, sizeof(out));
	out.fp = stdout;
	out.res = o->numeric ? NULL : ht_resolver_new(NAME_BUDGET_MS);
	mda_cfg(o, &mc);
	cont_cfg(o, &cc, host, sizeof(host));
	cc.local = NULL;	/* a replay names the capture's source */
	cc.dst_name = NULL;
	if (o->mda)
		rc = ht_mda_replay_run(&cap, &mc, &out, (ht_ns)(o->wait * 1e9),
		    &st, err);
	else if (o->cont)
		rc = ht_cont_replay_run(&cap, &cc, &out,
		    (ht_ns)(o->wait * 1e9), &st, err);
	else
		rc = ht_replay_run(&cap, &out, o->json, (ht_ns)(o->wait * 1e9),
		    &st, err);
	if (rc < 0) {
		fprintf(stderr, "hoptrace: %s: %s\n",
		    strcmp(o->rfile, "-") == 0 ? "stdin" : o->rfile, err);
		ht_capture_close(&cap);
		return EXIT_RUNTIME;
	}
	ht_capture_close(&cap);
	if (st.truncated)
		fprintf(stderr, "hoptrace: warning: %s: capture damaged or "
		    "cut short after %llu packets: %s\n",
		    strcmp(o->rfile, "-") == 0 ? "stdin" : o->rfile,
		    (unsigned long long)st.packets, st.warning);
	if (st.malformed)
		fprintf(stderr, "hoptrace: warning: %s: %llu malformed packet%s "
		    "ignored (first: packet %llu, %s)\n",
		    strcmp(o->rfile, "-") == 0 ? "stdin" : o->rfile,
		    (unsigned long long)st.malformed, st.malformed > 1 ? "s" : "",
		    (unsigned long long)st.first_bad,
		    ht_status_str(st.first_bad_why));
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "hoptrace: cannot write output: %s\n",
		    strerror(errno));
		return EXIT_RUNTIME;
	}
	return 0;
}

/* What the live run needs once its first probes have left. */
struct started {
	const struct opts *o;
	struct ht_user user;	/* looked up already when --user is given */
	int have_user;
	struct ht_outctx *out;
	int dropped;		/* privileges dropped; else a failure */
};

/*
 * The first probes are out: drop privileges before a single packet is
 * read (rule 4 of STYLE.md is about untrusted input, and none has been
 * parsed yet), then start the name resolver, whose thread must not hold
 * capabilities (they are per thread).  The drop costs 0.4-1 ms; here it
 * overlaps the probes' way out instead of delaying them.
 */
static int
live_started(void *arg, char *err)
{
	struct started *st = arg;

	if ((!st->have_user &&
	    ht_priv_lookup(st->o->user, &st->user, err, HT_ERRBUF) < 0) ||
	    ht_drop_privileges(&st->user, err, HT_ERRBUF) < 0)
		return -1;
	st->dropped = 1;
	st->out->res = st->o->numeric ? NULL : ht_resolver_new(NAME_BUDGET_MS);
	return 0;
}

/*
 * Admit our probes and their answers: a program built here and attached
 * straight to the socket where the link type allows (no compiler to start,
 * one attach), else libpcap compiles and installs the same text.
 */
static int
set_filter(struct ht_capture *cap, const struct ht_probe_cfg *p,
    unsigned int snaplen, char *err)
{
	struct ht_filter prog;
	char text[1024];

	if (ht_filter_build(p, cap->dlt, snaplen, &prog) == 0)
		return ht_capture_attach(cap, prog.insn, prog.n, err);
	if (ht_filter_expr(p, text, sizeof(text)) < 0) {
		snprintf(err, HT_ERRBUF, "internal error: filter too long");
		return -1;
	}
	return ht_capture_filter(cap, text, err);
}

static int
run_live(const struct opts *o)
{
	char err[HT_ERRBUF];
	struct ht_live_cfg cfg;
	struct ht_capture cap;
	struct ht_prober *pr = NULL;
	struct ht_outctx out;
	struct ht_route rt;
	struct started st;
	struct ht_live_stats ls;
	struct ht_mda_cfg mc;
	struct ht_mda_stats ms;
	struct ht_cont_cfg cc;
	char host[256], title[512], abuf[HT_ADDRSTRLEN];
	unsigned int drops = 0;
	int rc, snaplen, frames;

	memset(&cfg, 0, sizeof(cfg));
	memset(&st, 0, sizeof(st));
	st.o = o;
	st.out = &out;
	/* A user named with --user must exist before anything is sent. */
	if (o->user != NULL) {
		if (ht_priv_lookup(o->user, &st.user, err, sizeof(err)) < 0) {
			fprintf(stderr, "hoptrace: %s\n", err);
			return EXIT_RUNTIME;
		}
		st.have_user = 1;
	}
	resolve_host(o, &cfg.probe.dst);
	if (o->src != NULL) {
		if (ht_addr_parse(o->src, &cfg.probe.src) < 0)
			usage_error("source (-s) '%s' is not an IPv4 or IPv6 "
			    "address", o->src);
		if (cfg.probe.src.af != cfg.probe.dst.af)
			usage_error("source (-s) %s and destination %s are of "
			    "different address families", o->src, o->host);
	}
	if (ht_route_get(&cfg.probe.dst, o->dev, &rt, err, sizeof(err)) < 0) {
		fprintf(stderr, "hoptrace: %s: %s\n", o->host, err);
		return EXIT_RUNTIME;
	}
	if (o->src == NULL) {
		if (rt.src.af == cfg.probe.dst.af)
			cfg.probe.src = rt.src;
		else if (route_source(&cfg.probe.dst, o->dev, &cfg.probe.src,
		    err) < 0) {
			fprintf(stderr, "hoptrace: %s: %s\n", o->host, err);
			return EXIT_RUNTIME;
		}
	}
	cfg.probe.ifindex = rt.ifindex;
	cfg.probe.method = o->method;
	cfg.probe.dev = o->dev;
	/* MDA: the flow is the port, set per probe; the checksum tells probes apart */
	cfg.probe.paris = o->paris || o->mda || o->cont;
	/* ICMP MDA: the flow is the checksum (port + flow), set per probe */
	cfg.probe.cksum_flow = o->mda != 0;
	cfg.probe.port = (uint16_t)o->port;
	cfg.probe.payload = 32;
	/* Our identity: the process ID, folded into 16 bits. */
	cfg.probe.ident = (uint16_t)((getpid() & 0xffff) | 0x8000);
	if (o->method != HT_METHOD_ICMP && cfg.probe.ident < 1024)
		cfg.probe.ident += 1024;
	cfg.first_ttl = (uint8_t)o->first;
	cfg.max_ttl = (uint8_t)o->max;
	cfg.queries = (int)o->queries;
	cfg.simq = (int)o->simq;
	cfg.gap = (int)o->gap;
	cfg.wait = (ht_ns)(o->wait * 1e9);
	cfg.here_x = 3000;
	cfg.near_x = 10000;
	cfg.min_wait = 10 * 1000000ull;
	cfg.send_gap = (ht_ns)(o->send_ms * 1e6);
	cfg.json = o->json;

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
	snaplen = cfg.probe.dst.af == 6 ? 1296 : 900;
	frames = 2 * (int)o->simq * (rt.local ? 2 : 1) + 64;
	if (ht_capture_open_live(&cap, o->dev ? o->dev : "any", snaplen,
	    frames * (snaplen + 128), err) < 0) {
		fprintf(stderr, "hoptrace: %s\n", err);
		return EXIT_RUNTIME;
	}
	if (set_filter(&cap, &cfg.probe, (unsigned int)snaplen, err) < 0 ||
	    ht_capture_ready(&cap, err) < 0) {
		fprintf(stderr, "hoptrace: %s\n", err);
		ht_capture_close(&cap);
		return EXIT_RUNTIME;
	}
	if (o->wfile != NULL && ht_capture_dump_open(&cap, o->wfile, err) < 0) {
		fprintf(stderr, "hoptrace: cannot write %s: %s\n", o->wfile,
		    err);
		ht_capture_close(&cap);
		return EXIT_RUNTIME;
	}
	if ((pr = ht_prober_open(&cfg.probe, err, sizeof(err))) == NULL) {
		fprintf(stderr, "hoptrace: %s\n", err);
		ht_capture_close(&cap);
		if (o->wfile != NULL)
			unlink(o->wfile);	/* nothing was traced */
		return EXIT_RUNTIME;
	}

	memset(&out, 0, sizeof(out));
	out.fp = stdout;
	out.res = NULL;		/* started after the privilege drop */
	cfg.started = live_started;
	cfg.started_arg = &st;
	out.dst_name = o->host;
	out.max_hops = (int)o->max;
	out.queries = (int)o->queries;
	out.first_ttl = (uint8_t)o->first;
	out.paris = o->paris;
	out.live = 1;
	memset(&ls, 0, sizeof(ls));
	memset(&ms, 0, sizeof(ms));
	if (o->mda) {
		mda_cfg(o, &mc);
		rc = ht_mda_live_run(&cfg, &mc, &cap, pr, &out, &ms, err);
	} else if (o->cont) {
		cont_cfg(o, &cc, host, sizeof(host));
		ht_addr_str(&cfg.probe.dst, abuf);
		snprintf(title, sizeof(title), "hoptrace to %s (%s), %s, Paris",
		    o->host, abuf, o->method == HT_METHOD_UDP ? "UDP" :
		    o->method == HT_METHOD_TCP ? "TCP" : "ICMP");
		cc.title = title;
		rc = ht_cont_live_run(&cfg, &cc, &cap, pr, &out, err);
	} else
		rc = ht_live_run(&cfg, &cap, pr, &out, &ls, err);
	if (rc >= 0 && ms.budget_spent)
		fprintf(stderr, "hoptrace: warning: --max-probes %ld spent; "
		    "the graph may miss paths\n", o->max_probes);
	/*
	 * Drops are of packets our filter passed (ht_capture_ready() reset the
	 * count): ours.  They matter where a probe shows no answer, or where
	 * the -w file should hold them.
	 */
	if (ht_capture_drops(&cap, &drops) == 0 && drops > 0 &&
	    (ls.unanswered > 0 || o->wfile != NULL))
		fprintf(stderr, "hoptrace: warning: the capture dropped %u of "
		    "our packets (the ring was full)%s%s%s\n", drops,
		    ls.unanswered > 0 ? "; a reply may show as *" : "",
		    o->wfile != NULL ? "; missing from " : "",
		    o->wfile != NULL ? o->wfile : "");
	if (rc < 0)
		ht_capture_close(&cap);		/* ht_live_run() closed pr */
	else
		ht_capture_leave(&cap);		/* no wait for the kernel */
	if (rc < 0) {
		fprintf(stderr, "hoptrace: %s\n", err);
		if (!st.dropped && o->wfile != NULL)
			unlink(o->wfile);	/* nothing was traced */
		return EXIT_RUNTIME;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "hoptrace: cannot write output: %s\n",
		    strerror(errno));
		return EXIT_RUNTIME;
	}
	return rc > 0 ? 128 + rc : 0;
}

/* Many targets (--targets, or -r with --rows): src/scan/. */
static int
run_scan(const struct opts *o)
{
	struct ht_scan_cfg c;

	memset(&c, 0, sizeof(c));
	c.targets = o->targets;
	c.per_prefix = (unsigned int)o->per_prefix;
	c.skip_bad = o->skip_bad;
	c.rate = o->rate;
	c.first_ttl = (uint8_t)o->first;
	c.max_ttl = (uint8_t)o->max;
	c.gap = (int)o->gap;
	c.stop_set = o->stop_set;
	c.wait = (ht_ns)(o->wait * 1e9);
	c.af = o->af;
	c.dev = o->dev;
	c.src = o->src;
	c.user = o->user;
	c.wfile = o->wfile;
	c.rfile = o->rfile;
	c.rows = o->rows;
	c.json = o->json;
	c.proto = o->method == HT_METHOD_UDP ? HT_PROTO_UDP :
	    o->method == HT_METHOD_TCP ? HT_PROTO_TCP : 0;
	c.port = (uint16_t)(o->port > 0 ? o->port : 0);
	return ht_scan_run(&c, stdout);
}

int
main(int argc, char **argv)
{
	struct opts o;

	parse(argc, argv, &o);
	if (o.targets != NULL || o.rows)
		return run_scan(&o);
	return o.rfile != NULL ? run_replay(&o) : run_live(&o);
}
