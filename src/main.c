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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/cmd.h"
#include "engine/live.h"
#include "engine/note.h"
#include "engine/replay.h"
#include "io/capture.h"
#include "io/priv.h"
#include "io/prober.h"
#include "io/resolve.h"
#include "io/route.h"
#include "mode/cont/cont_cmd.h"
#include "mode/mda/mda_cmd.h"
#include "mode/scan/scan.h"
#include "mode/scan/scan_cmd.h"
#include "mode/trace/trace_mode.h"
#include "out/output.h"
#include "wire/filter.h"

#define EXIT_RUNTIME	1
#define EXIT_USAGE	2
#define NAME_BUDGET_MS	800

/* The modes a capture may be replayed as (see replay_mode()). */
enum rmode { R_TRACE, R_MDA, R_CONT, R_SCAN };
static const char *const rmode_names[] = { "trace", "mda", "rounds", "scan" };

/* Everything the command line decides: the trace's options, each mode's. */
struct opts {
	struct ht_cmd c;
	int replay_as;		/* --replay-as: enum rmode + 1; 0 none */
	struct ht_mda_cmd mda;		/* src/mda/mda_cmd.c */
	struct ht_scan_cmd scan;	/* src/scan/scan_cmd.c */
	struct ht_cont_cmd cont;	/* src/cont/cont_cmd.c */
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
"      --user=NAME          user to switch to after opening sockets [nobody]\n",
	    stdout);
	fputs(ht_mda_cmd_help, stdout);
	fputs(ht_scan_cmd_help, stdout);
	fputs(ht_cont_cmd_help, stdout);
	fputs(
"Output:\n"
"  -n, --numeric            no reverse DNS\n"
"  -j, --json               JSON Lines, RIPE Atlas traceroute format\n"
"  -w, --write=FILE         also write every probe and reply to FILE (pcap)\n"
"  -r, --read=FILE          replay a pcap/pcapng capture (- for stdin)\n"
"      --replay-as=MODE     replay as trace, mda, rounds or scan\n"
"                           [from the capture]\n"
"  -h, --help               this help\n"
"  -V, --version            version\n"
"\n"
"Exit status: 0 the trace or replay ran; 1 runtime failure; 2 usage error.\n",
	    stdout);
}

/* An integer option in [lo, hi], or stop with a usage error. */
static long
num(const char *what, const char *s, long lo, long hi)
{
	char err[HT_ERRBUF];
	long v;

	if (ht_cmd_long(what, s, lo, hi, &v, err) < 0)
		usage_error("%s", err);
	return v;
}

static double
real(const char *what, const char *s, double lo, double hi,
    const char *unit)
{
	char err[HT_ERRBUF];
	double v;

	if (ht_cmd_real(what, s, lo, hi, unit, &v, err) < 0)
		usage_error("%s", err);
	return v;
}

enum { OPT_PARIS = 256, OPT_GAP, OPT_USER, OPT_REPLAY_AS };

static const struct option trace_longopts[] = {
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
	{ "write", required_argument, NULL, 'w' },
	{ "read", required_argument, NULL, 'r' },
	{ "replay-as", required_argument, NULL, OPT_REPLAY_AS },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* The getopt_long() table: the trace's entries, then each mode's. */
#define MAX_LONGOPTS	64
static void
longopts(struct option *all)
{
	const struct option *part[] = { trace_longopts, ht_mda_cmd_longopts,
	    ht_scan_cmd_longopts, ht_cont_cmd_longopts };
	size_t i, n = 0;
	const struct option *p;

	for (i = 0; i < sizeof(part) / sizeof(part[0]); i++)
		for (p = part[i]; p->name != NULL; p++)
			if (n + 1 < MAX_LONGOPTS)
				all[n++] = *p;
	memset(&all[n], 0, sizeof(all[n]));
}

/* One of the trace's own options (not a mode's): 1 taken, else 0. */
static int
trace_opt(struct ht_cmd *c, int ch, char **argv)
{
	switch (ch) {
	case 'I': c->method = HT_METHOD_ICMP; c->method_set = 1; break;
	case 'U': c->method = HT_METHOD_UDP; c->method_set = 1; break;
	case 'T': c->method = HT_METHOD_TCP; c->method_set = 1; break;
	case OPT_PARIS: c->paris = 1; break;
	case '4': c->af = 4; break;
	case '6': c->af = 6; break;
	case 'f': c->first = num("first TTL (-f)", optarg, 1, 255); break;
	case 'm':
		c->max = num("max hops (-m)", optarg, 1, 255);
		c->max_set = 1;
		break;
	case 'q':
		c->queries = num("queries per hop (-q)", optarg, 1, 10);
		c->queries_set = 1;
		break;
	case 'W':
		c->wait = real("wait (-W)", optarg, 0.001, 300, "seconds");
		break;
	case 'N':
		c->simq = num("probes in flight (-N)", optarg, 1, 255);
		break;
	case OPT_GAP: c->gap = num("gap (--gap)", optarg, 1, 255); break;
	case 'z':
		c->send_ms = real("send interval (-z)", optarg, 0, 1000, "ms");
		c->send_set = 1;
		break;
	case 'p': c->port = num("port (-p)", optarg, 1, 65535); break;
	case 'i': c->dev = optarg; break;
	case 's': c->src = optarg; break;
	case OPT_USER: c->user = optarg; break;
	case 'n': c->numeric = 1; break;
	case 'j': c->json = 1; break;
	case 'w': c->wfile = optarg; break;
	case 'r': c->rfile = optarg; break;
	case 'h': help(); exit(0);
	case 'V': printf("hoptrace %s\n", PACKAGE_VERSION); exit(0);
	case ':':
		usage_error("option '%s' needs a value", argv[optind - 1]);
		break;
	case '?':
		if (optopt)
			usage_error("unknown option '-%c' (see hoptrace "
			    "--help)", optopt);
		usage_error("unknown option '%s' (see hoptrace --help)",
		    argv[optind - 1]);
		break;
	default:
		return 0;
	}
	return 1;
}

static void
parse(int argc, char **argv, struct opts *o)
{
	struct option lo[MAX_LONGOPTS];
	struct ht_cmd *c = &o->c;
	char err[HT_ERRBUF];
	int ch, r;

	memset(o, 0, sizeof(*o));
	c->first = 1;
	c->max = 30;
	c->queries = 3;
	c->wait = 5.0;
	c->simq = 0;		/* 0: ten hops' worth, see below */
	c->gap = 5;
	c->port = -1;
	ht_mda_cmd_init(&o->mda);
	ht_scan_cmd_init(&o->scan);
	ht_cont_cmd_init(&o->cont);
	longopts(lo);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":IUT46f:m:q:W:N:z:p:i:s:njw:r:hV"
	    HT_CONT_CMD_SHORT, lo, NULL)) != -1) {
		if (ch == OPT_REPLAY_AS) {
			for (r = 0; r < 4; r++)
				if (strcmp(optarg, rmode_names[r]) == 0)
					o->replay_as = r + 1;
			if (!o->replay_as)
				usage_error("--replay-as takes trace, mda, "
				    "rounds or scan, not '%s'", optarg);
			continue;
		}
		if (trace_opt(c, ch, argv))
			continue;
		if ((r = ht_mda_cmd_opt(&o->mda, ch, optarg, err)) == 0 &&
		    (r = ht_scan_cmd_opt(&o->scan, ch, optarg, err)) == 0 &&
		    (r = ht_cont_cmd_opt(&o->cont, ch, optarg, err)) == 0) {
			snprintf(err, sizeof(err), "internal error: option %d "
			    "has no parser", ch);
			r = -1;
		}
		if (r < 0)
			usage_error("%s", err);
	}
	if (o->replay_as && c->rfile == NULL)
		usage_error("--replay-as needs -r (it names the mode a capture "
		    "is replayed as)");
	if (o->replay_as && (((o->mda.mode || o->mda.dot) &&
	    o->replay_as != R_MDA + 1) || (o->cont.on &&
	    o->replay_as != R_CONT + 1) || (ht_scan_cmd_on(&o->scan) &&
	    o->replay_as != R_SCAN + 1)))
		usage_error("--replay-as=%s and the options of another mode "
		    "cannot be used together", rmode_names[o->replay_as - 1]);
	if (ht_mda_cmd_check(&o->mda, c, err) < 0)
		usage_error("%s", err);
	if (ht_scan_cmd_on(&o->scan) && (o->mda.mode || o->mda.dot))
		usage_error("--targets and --rows cannot be used with --mda");
	if (ht_scan_cmd_check(&o->scan, c, err) < 0)
		usage_error("%s", err);
	if (o->scan.targets != NULL && c->rfile == NULL) {
		if (optind < argc)
			usage_error("--targets takes no HOST ('%s')",
			    argv[optind]);
		return;
	}
	if (o->cont.on && (o->mda.mode || o->mda.dot))
		usage_error("--mda and rounds (-c, --interval, --report, --csv) "
		    "cannot be used together");
	if (ht_cont_cmd_check(&o->cont, c, err) < 0)
		usage_error("%s", err);
	if (c->rfile != NULL) {
		if (optind < argc)
			usage_error("-r takes no HOST ('%s')", argv[optind]);
		if (c->wfile != NULL)
			usage_error("-w and -r cannot be used together");
		return;
	}
	if (optind >= argc)
		usage_error("no HOST given (usage: hoptrace [options] HOST)");
	if (optind + 1 < argc)
		usage_error("one HOST only ('%s' is extra)", argv[optind + 1]);
	c->host = argv[optind];
	if (c->first > c->max)
		usage_error("first TTL (-f %ld) must not be above max hops "
		    "(-m %ld)", c->first, c->max);
	if (c->port < 0)
		c->port = c->method == HT_METHOD_TCP ? 80 : 33434;
	/*
	 * Probes in flight: ten hops' worth, so that a path of up to ten
	 * hops costs one round trip to its end, not one per few hops.  Each
	 * router still sees only -q probes expiring at it.  (Rounds chose
	 * their own window in ht_cont_cmd_check().)
	 */
	if (c->simq == 0)
		c->simq = c->queries * 10 < 16 ? 16 : c->queries * 10;
	if (c->method == HT_METHOD_UDP && !c->paris && !o->mda.mode &&
	    c->port + (c->max - c->first + 1) * c->queries > 65536)
		usage_error("port (-p %ld) too high: UDP ports rise by one per "
		    "probe and must stay below 65536", c->port);
}

/* Resolve HOST to one address of the wanted family (usage error if none). */
static void
resolve_host(const struct opts *o, struct ht_addr *dst)
{
	struct addrinfo hints, *ai;
	int rc;

	/* A numeric address needs no resolver (and no NSS start-up). */
	if (ht_addr_parse(o->c.host, dst) == 0) {
		if (o->c.af != 0 && dst->af != o->c.af)
			usage_error("'%s' is not an IPv%d address", o->c.host,
			    o->c.af);
		return;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = o->c.af == 4 ? AF_INET : o->c.af == 6 ? AF_INET6 :
	    AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	if ((rc = getaddrinfo(o->c.host, NULL, &hints, &ai)) != 0)
		usage_error("cannot resolve '%s': %s", o->c.host,
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

/*
 * How a capture is replayed.  The output form (text, -j, --dot, --report,
 * --report-wide, --csv, --rows) is the user's to choose, as tcpdump -r
 * leaves it; the mode is the capture's: --replay-as, or a mode's own
 * options (--mda, -c/--report/--csv/--flows, --targets/--rows) choose it
 * where given; else the start note hoptrace's -w wrote first in the file
 * (wire/note.h); else a scan's probes, known by their encoding; else
 * traces, one by one.
 */
static enum rmode
replay_mode(const struct opts *o, const struct ht_replay *rd)
{
	const struct ht_note *n;
	char mode[16];

	if (o->replay_as)
		return (enum rmode)(o->replay_as - 1);
	if (o->mda.mode || o->mda.dot)
		return R_MDA;
	if (o->cont.on)
		return R_CONT;
	if ((n = ht_replay_note(rd, "start", NULL, NULL, -1, -1)) != NULL &&
	    ht_note_get(n, "mode", mode, sizeof(mode))) {
		if (strcmp(mode, "mda") == 0)
			return R_MDA;
		if (strcmp(mode, "cont") == 0)
			return R_CONT;
		if (strcmp(mode, "scan") == 0)
			return R_SCAN;
		if (strcmp(mode, "trace") == 0)
			return R_TRACE;
	}
	return ht_scan_replay_sniff(rd) ? R_SCAN : R_TRACE;
}

static int
run_replay(const struct opts *o)
{
	char err[HT_ERRBUF];
	struct ht_capture cap;
	struct ht_replay rd;
	struct ht_outctx out;
	struct ht_user user;
	struct ht_mda_cfg mc;
	struct ht_mda_stats ms;
	struct ht_cont_cfg cc;
	char host[256];
	const char *name = strcmp(o->c.rfile, "-") == 0 ? "stdin" : o->c.rfile;
	ht_ns wait = (ht_ns)(o->c.wait * 1e9);
	int rc;

	if (ht_capture_open_file(&cap, o->c.rfile, err) < 0) {
		fprintf(stderr, "hoptrace: %s\n", err);
		return EXIT_RUNTIME;
	}
	/* Replay needs no privileges: give up any we were started with. */
	if (ht_priv_lookup(o->c.user, &user, err, sizeof(err)) < 0 ||
	    ht_drop_privileges(&user, err, sizeof(err)) < 0) {
		fprintf(stderr, "hoptrace: %s\n", err);
		ht_capture_close(&cap);
		return EXIT_RUNTIME;
	}
	if (ht_replay_open(&rd, &cap, err) < 0) {
		fprintf(stderr, "hoptrace: %s: %s\n", name, err);
		ht_capture_close(&cap);
		return EXIT_RUNTIME;
	}
	memset(&out, 0, sizeof(out));
	out.fp = stdout;
	out.res = o->c.numeric ? NULL : ht_resolver_new(NAME_BUDGET_MS);
	ht_mda_cmd_cfg(&o->mda, &o->c, &mc);
	ht_cont_cmd_cfg(&o->cont, &o->c, &cc, host, sizeof(host));
	cc.local = NULL;	/* a replay names the capture's source */
	cc.dst_name = NULL;
	cc.flows = (uint32_t)o->cont.flows;	/* 0: the capture's */
	memset(&ms, 0, sizeof(ms));
	/* the note comes first; a scan shows itself in its first probes */
	ht_replay_prefetch(&rd, 4, 64);
	switch (replay_mode(o, &rd)) {
	case R_MDA:
		rc = ht_mda_replay_run(&rd, &mc, &out, wait, &ms, err);
		break;
	case R_CONT:
		rc = ht_cont_replay_run(&rd, &cc, &out, wait, err);
		break;
	case R_SCAN:
		rc = ht_scan_replay(&rd, NULL, o->c.json, stdout, err);
		break;
	default:
		rc = ht_replay_run(&rd, &out, o->c.json, wait, err);
	}
	ht_replay_close(&rd);
	if (rc < 0) {
		fprintf(stderr, "hoptrace: %s: %s\n", name, err);
		ht_capture_close(&cap);
		return EXIT_RUNTIME;
	}
	ht_capture_close(&cap);
	if (rd.st.truncated)
		fprintf(stderr, "hoptrace: warning: %s: capture damaged or "
		    "cut short after %llu packets: %s\n", name,
		    (unsigned long long)rd.st.packets, rd.st.warning);
	if (rd.st.malformed)
		fprintf(stderr, "hoptrace: warning: %s: %llu malformed packet%s "
		    "ignored (first: packet %llu, %s)\n", name,
		    (unsigned long long)rd.st.malformed,
		    rd.st.malformed > 1 ? "s" : "",
		    (unsigned long long)rd.st.first_bad,
		    ht_status_str(rd.st.first_bad_why));
	/* as the live run that wrote the capture warned */
	if (ms.budget_spent)
		fprintf(stderr, "hoptrace: warning: --max-probes %lu spent; "
		    "the graph may miss paths\n", (unsigned long)ms.max_probes);
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
	    ht_priv_lookup(st->o->c.user, &st->user, err, HT_ERRBUF) < 0) ||
	    ht_drop_privileges(&st->user, err, HT_ERRBUF) < 0)
		return -1;
	st->dropped = 1;
	st->out->res = st->o->c.numeric ? NULL : ht_resolver_new(NAME_BUDGET_MS);
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

/* The protocol number of the trace the live run makes. */
static int
live_proto(const struct ht_live_cfg *cfg)
{
	switch (cfg->probe.method) {
	case HT_METHOD_UDP:
		return 17;
	case HT_METHOD_TCP:
		return 6;
	default:
		return cfg->probe.dst.af == 6 ? 58 : 1;
	}
}

/* The trace's identity in a note (replay gives a trace its own note). */
static void
note_identity(struct ht_note *n, const struct ht_live_cfg *cfg)
{
	char a[HT_ADDRSTRLEN];

	ht_note_put(n, "src", ht_addr_str(&cfg->probe.src, a));
	ht_note_put(n, "dst", ht_addr_str(&cfg->probe.dst, a));
	ht_note_putf(n, "proto", "%d", live_proto(cfg));
	ht_note_putf(n, "ident", "%u", cfg->probe.ident);
}

/*
 * The -w file's first frame: what the replay needs to render this run as
 * it is rendered live (the mode, the destination as typed, the options
 * its output shows or obeys).  wire/note.h.
 */
static void
note_start(const struct opts *o, const struct ht_live_cfg *cfg,
    const char *local, struct ht_capture *cap)
{
	struct ht_note n;

	ht_note_init(&n, "start");
	ht_note_put(&n, "mode", o->mda.mode ? "mda" : o->cont.on ? "cont" :
	    "trace");
	note_identity(&n, cfg);
	ht_note_putf(&n, "first", "%ld", o->c.first);
	ht_note_putf(&n, "max", "%ld", o->c.max);
	ht_note_putf(&n, "queries", "%ld", o->c.queries);
	ht_note_putf(&n, "gap", "%ld", o->c.gap);
	ht_note_putf(&n, "paris", "%d", o->c.paris ? 1 : 0);
	if (o->mda.mode) {
		ht_note_put(&n, "mda", o->mda.mode == 2 ? "lite" : "full");
		ht_note_putf(&n, "confidence", "%.17g", o->mda.confidence);
		ht_note_putf(&n, "max_probes", "%ld", o->mda.max_probes);
	}
	if (o->cont.on) {
		ht_note_put(&n, "local", local);
		ht_note_putf(&n, "flows", "%ld", o->cont.flows ?
		    o->cont.flows : 1);
	}
	ht_note_put(&n, "host", o->c.host);
	ht_note_dump(cap, &n);
}

/*
 * The -w file's last frame: what the run decided that its packets do not
 * show (when -j's trace ended; MDA-Lite's switches and the budget).
 * Rounds decide nothing of the kind.
 */
static void
note_end(const struct opts *o, const struct ht_live_cfg *cfg,
    const struct ht_live_stats *ls, const struct ht_mda_stats *ms,
    struct ht_capture *cap)
{
	struct ht_note n;
	char why[1024];
	size_t used = 0;
	unsigned int h;
	int w;

	ht_note_init(&n, "end");
	note_identity(&n, cfg);
	if (o->mda.mode) {
		why[0] = '\0';
		for (h = 0; h < 256; h++) {
			if (ms->why[h] == 0)
				continue;
			w = snprintf(why + used, sizeof(why) - used, "%s%u:%u",
			    used ? "," : "", h, ms->why[h]);
			if (w < 0 || (size_t)w >= sizeof(why) - used)
				break;
			used += (size_t)w;
		}
		ht_note_put(&n, "why", why);
		ht_note_putf(&n, "budget", "%d", ms->budget_spent ? 1 : 0);
	} else
		ht_note_putf(&n, "t_end", "%llu",
		    (unsigned long long)ls->t_end);
	ht_note_dump(cap, &n);
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
	memset(&cc, 0, sizeof(cc));
	st.o = o;
	st.out = &out;
	/* A user named with --user must exist before anything is sent. */
	if (o->c.user != NULL) {
		if (ht_priv_lookup(o->c.user, &st.user, err, sizeof(err)) < 0) {
			fprintf(stderr, "hoptrace: %s\n", err);
			return EXIT_RUNTIME;
		}
		st.have_user = 1;
	}
	resolve_host(o, &cfg.probe.dst);
	if (o->c.src != NULL) {
		if (ht_addr_parse(o->c.src, &cfg.probe.src) < 0)
			usage_error("source (-s) '%s' is not an IPv4 or IPv6 "
			    "address", o->c.src);
		if (cfg.probe.src.af != cfg.probe.dst.af)
			usage_error("source (-s) %s and destination %s are of "
			    "different address families", o->c.src, o->c.host);
	}
	if (ht_route_get(&cfg.probe.dst, o->c.dev, &rt, err, sizeof(err)) < 0) {
		fprintf(stderr, "hoptrace: %s: %s\n", o->c.host, err);
		return EXIT_RUNTIME;
	}
	if (o->c.src == NULL) {
		if (rt.src.af == cfg.probe.dst.af)
			cfg.probe.src = rt.src;
		else if (ht_route_source(&cfg.probe.dst, o->c.dev,
		    &cfg.probe.src, err, sizeof(err)) < 0) {
			fprintf(stderr, "hoptrace: %s: %s\n", o->c.host, err);
			return EXIT_RUNTIME;
		}
	}
	cfg.probe.ifindex = rt.ifindex;
	cfg.probe.method = o->c.method;
	cfg.probe.dev = o->c.dev;
	/* MDA: the flow is the port, set per probe; the checksum tells probes apart */
	cfg.probe.paris = o->c.paris || o->mda.mode || o->cont.on;
	/* ICMP MDA: the flow is the checksum (port + flow), set per probe */
	cfg.probe.cksum_flow = o->mda.mode != 0;
	cfg.probe.port = (uint16_t)o->c.port;
	cfg.probe.payload = 32;
	/* Our identity: the process ID, folded into 16 bits. */
	cfg.probe.ident = (uint16_t)((getpid() & 0xffff) | 0x8000);
	if (o->c.method != HT_METHOD_ICMP && cfg.probe.ident < 1024)
		cfg.probe.ident += 1024;
	cfg.first_ttl = (uint8_t)o->c.first;
	cfg.max_ttl = (uint8_t)o->c.max;
	cfg.queries = (int)o->c.queries;
	cfg.simq = (int)o->c.simq;
	cfg.gap = (int)o->c.gap;
	cfg.wait = (ht_ns)(o->c.wait * 1e9);
	cfg.here_x = 3000;
	cfg.near_x = 10000;
	cfg.min_wait = 10 * 1000000ull;
	cfg.send_gap = (ht_ns)(o->c.send_ms * 1e6);
	cfg.json = o->c.json;

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
	frames = 2 * (int)o->c.simq * (rt.local ? 2 : 1) + 64;
	if (ht_capture_open_live(&cap, o->c.dev ? o->c.dev : "any", snaplen,
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
	if (o->c.wfile != NULL && ht_capture_dump_open(&cap, o->c.wfile, err) < 0) {
		fprintf(stderr, "hoptrace: cannot write %s: %s\n", o->c.wfile,
		    err);
		ht_capture_close(&cap);
		return EXIT_RUNTIME;
	}
	if (o->cont.on)
		ht_cont_cmd_cfg(&o->cont, &o->c, &cc, host, sizeof(host));
	if (o->c.wfile != NULL)
		note_start(o, &cfg, cc.local, &cap);
	if ((pr = ht_prober_open(&cfg.probe, err, sizeof(err))) == NULL) {
		fprintf(stderr, "hoptrace: %s\n", err);
		ht_capture_close(&cap);
		if (o->c.wfile != NULL)
			unlink(o->c.wfile);	/* nothing was traced */
		return EXIT_RUNTIME;
	}

	memset(&out, 0, sizeof(out));
	out.fp = stdout;
	out.res = NULL;		/* started after the privilege drop */
	cfg.started = live_started;
	cfg.started_arg = &st;
	out.dst_name = o->c.host;
	out.max_hops = (int)o->c.max;
	out.queries = (int)o->c.queries;
	out.first_ttl = (uint8_t)o->c.first;
	out.paris = o->c.paris;
	out.live = 1;
	memset(&ls, 0, sizeof(ls));
	memset(&ms, 0, sizeof(ms));
	if (o->mda.mode) {
		ht_mda_cmd_cfg(&o->mda, &o->c, &mc);
		rc = ht_mda_live_run(&cfg, &mc, &cap, pr, &out, &ms, err);
	} else if (o->cont.on) {
		ht_addr_str(&cfg.probe.dst, abuf);
		snprintf(title, sizeof(title), "hoptrace to %s (%s), %s, Paris",
		    o->c.host, abuf, o->c.method == HT_METHOD_UDP ? "UDP" :
		    o->c.method == HT_METHOD_TCP ? "TCP" : "ICMP");
		cc.title = title;
		rc = ht_cont_live_run(&cfg, &cc, &cap, pr, &out, err);
	} else
		rc = ht_live_run(&cfg, &cap, pr, &out, &ls, err);
	if (rc >= 0 && o->c.wfile != NULL && !o->cont.on)
		note_end(o, &cfg, &ls, &ms, &cap);
	if (rc >= 0 && ms.budget_spent)
		fprintf(stderr, "hoptrace: warning: --max-probes %ld spent; "
		    "the graph may miss paths\n", o->mda.max_probes);
	/*
	 * Drops are of packets our filter passed (ht_capture_ready() reset the
	 * count): ours.  They matter where a probe shows no answer, or where
	 * the -w file should hold them.
	 */
	if (ht_capture_drops(&cap, &drops) == 0 && drops > 0 &&
	    (ls.unanswered > 0 || o->c.wfile != NULL))
		fprintf(stderr, "hoptrace: warning: the capture dropped %u of "
		    "our packets (the ring was full)%s%s%s\n", drops,
		    ls.unanswered > 0 ? "; a reply may show as *" : "",
		    o->c.wfile != NULL ? "; missing from " : "",
		    o->c.wfile != NULL ? o->c.wfile : "");
	if (rc < 0)
		ht_capture_close(&cap);		/* ht_live_run() closed pr */
	else
		ht_capture_leave(&cap);		/* no wait for the kernel */
	if (rc < 0) {
		fprintf(stderr, "hoptrace: %s\n", err);
		if (!st.dropped && o->c.wfile != NULL)
			unlink(o->c.wfile);	/* nothing was traced */
		return EXIT_RUNTIME;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "hoptrace: cannot write output: %s\n",
		    strerror(errno));
		return EXIT_RUNTIME;
	}
	return rc > 0 ? 128 + rc : 0;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct ht_scan_cfg sc;

	parse(argc, argv, &o);
	if (ht_scan_cmd_on(&o.scan)) {
		/* many targets, live or from a capture: src/scan/ */
		ht_scan_cmd_cfg(&o.scan, &o.c, &sc);
		return ht_scan_run(&sc, stdout);
	}
	return o.c.rfile != NULL ? run_replay(&o) : run_live(&o);
}
