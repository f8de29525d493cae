/* \summary: a simulated network behind struct ht_netio_ops, in virtual time */
#ifndef HT_SIMNET_H
#define HT_SIMNET_H

#include <stddef.h>
#include <stdint.h>

#include "base/addr.h"
#include "base/time.h"
#include "engine/netio.h"

/*
 * A network of routers and hosts that the engine (or a test) sends probes
 * into and captures frames from, through the same table the live network
 * fills (engine/netio.h).  Nothing is real: no socket, no sleep, no
 * privilege.  The clock is virtual: wait() moves it on to the next frame
 * due, so a trace with 100 ms hops takes microseconds.
 *
 * The topology is a directed graph of nodes, as bench/mda-sim.c and
 * tests/netns-graph.sh write them: "s" is the source (the host the probes
 * leave), every other node a router or a host.  A probe walks the graph
 * from s, one node per hop; a node with several next hops is a per-flow
 * load balancer (a hash of the probe's flow picks one, keyed per node),
 * so chains, diamonds of any width, nested and meshed diamonds are all
 * graphs.  A node answers for its own addresses and, as AnyIP, for a
 * whole prefix; a probe's route goes only through next hops from which a
 * node owning its destination can be reached (when none can, through all
 * of them: a default route).
 *
 * Where the probe's TTL runs out (it arrives with TTL 1 or 0 at a node
 * that does not own its destination), that node sends an ICMP time
 * exceeded; a node owning the destination answers as a Linux host does:
 * an echo reply to an ICMP echo, a port unreachable to UDP, an RST (or a
 * SYN-ACK) to a TCP SYN.  Replies are built byte by byte as a Linux router
 * builds them: the probe quoted as it arrived (TTL 1 in a time exceeded),
 * up to 576 bytes in all (IPv4) or 1280 (IPv6), checksums right, the TTL
 * 64 less the routers on the way back.  The capture sees our own probe
 * leave at the time of send() and each reply at send() + the answering
 * node's delay (its round-trip time, plus jitter).
 *
 * Randomness (loss, jitter, per-packet balancers, balancer keys) comes
 * from one PRNG seeded by the topology: the same seed and the same sends
 * give the same frames at the same virtual times.
 *
 * Not simulated: our own kernel's RST to a SYN-ACK, ICMP extensions (MPLS
 * labels, RFC 4884), IPv6 extension headers at the destination,
 * fragmentation and path MTU, asymmetric return paths (a reply's TTL
 * counts the hops out), queueing (answers never delay one another).
 */

#define SIMNET_MAXNODE	128	/* nodes in a topology */
#define SIMNET_MAXSUCC	16	/* next hops of a node */
#define SIMNET_NAMELEN	16
#define SIMNET_MAXREFUSE 8	/* prefixes the source's kernel refuses */
/* The virtual clock starts here: 2023-11-14T22:13:20Z, in nanoseconds. */
#define SIMNET_EPOCH	(1700000000ull * HT_NS_PER_SEC)

/* What a balancer hashes to pick a next hop. */
enum simnet_hash {
	/*
	 * A per-flow balancer as Paris traceroute models it: addresses,
	 * protocol and the first words of the transport header (UDP and
	 * TCP ports; ICMP type, code, checksum and identifier).
	 */
	SIMNET_HASH_FLOW = 0,
	/* Linux with fib_multipath_hash_policy=1: ICMP by identifier only. */
	SIMNET_HASH_ICMPID,
	SIMNET_HASH_ADDR,	/* addresses only (Linux policy 0) */
	SIMNET_HASH_PACKET	/* per packet: a random next hop each time */
};

/* What a host does with a TCP SYN. */
enum simnet_tcp { SIMNET_TCP_RST = 0, SIMNET_TCP_SYNACK, SIMNET_TCP_DROP };

struct simnet_node {
	char name[SIMNET_NAMELEN];
	struct ht_addr addr4, addr6;	/* answers from; af 0: none (silent
					 * in that family, still forwards) */
	struct ht_addr anyip;	/* AnyIP: a prefix it answers for as a host */
	uint8_t anyip_len;	/* its length in bits; 0 with anyip.af 0: none */
	ht_ns delay;		/* round-trip time of its answers */
	ht_ns jitter;		/* plus uniform 0..jitter */
	double loss;		/* chance that an answer of its is lost */
	double drop;		/* chance that a probe is lost arriving at it */
	uint8_t silent;		/* no ICMP errors (router); no answers (host) */
	uint8_t deaf;		/* owns its addresses but never answers */
	uint8_t noecho;		/* no echo replies */
	uint8_t udp_open;	/* UDP: no port unreachable (a silent service) */
	uint8_t tcp;		/* enum simnet_tcp */
	uint8_t unreach;	/* ICMP unreachable code + 1 for destinations
				 * it has no route to (0: forward anyway) */
	uint8_t ittl;		/* initial TTL of its packets (64) */
	uint8_t hash;		/* enum simnet_hash */
	uint32_t key;		/* balancer's hash key (0: from the seed) */
	uint16_t quote;		/* bytes of the probe's payload after the IP
				 * header to quote (0: as Linux, up to 576 /
				 * 1280 bytes in all) */
	double rate;		/* ICMP errors per second (0: no limit) */
	double burst;		/* and the bucket's depth (1 at least) */
	unsigned int nsucc;
	uint16_t succ[SIMNET_MAXSUCC];
	/* state */
	double tokens;
	ht_ns tlast;
	uint16_t ipid;
	uint64_t n_probes, n_answers, n_lost, n_limited;
};

struct simnet_frame {
	ht_ns t;
	uint64_t seq;		/* ties broken by order of scheduling */
	uint32_t len;
	uint8_t *data;
};

struct simnet {
	struct simnet_node node[SIMNET_MAXNODE];
	unsigned int nn;
	int dlt;		/* DLT_RAW (default) or DLT_EN10MB */
	uint64_t seed, rng;
	ht_ns now;
	ht_ns limit;		/* wait() fails past SIMNET_EPOCH + limit */
	unsigned int sndbuf;	/* sends at one virtual instant before send()
				 * says full (0: no limit) */
	unsigned int nsent_now;
	ht_ns sent_at;
	struct ht_addr refuse[SIMNET_MAXREFUSE];
	uint8_t refuse_len[SIMNET_MAXREFUSE];
	unsigned int nrefuse;
	ht_ns extra_at;		/* extra_fd readable from this time (0 never) */
	/* frames scheduled, a binary heap by (t, seq) */
	struct simnet_frame *q;
	size_t nq, capq;
	uint64_t qseq;
	struct simnet_frame cur;	/* the frame next() returned last */
	int have_cur;
	/* -w: frames kept; an optional copy of each */
	void (*on_keep)(void *arg, const uint8_t *data, uint32_t len, ht_ns ts);
	void *keep_arg;
	/* counters */
	uint64_t n_sent, n_full, n_refused, n_frames, n_kept, n_waits;
	uint64_t n_other;	/* sent packets that are no probe */
	unsigned long spin;	/* waits in a row that moved nothing */
	int closed;		/* close_send() was called */
	int finalized;
};

/*
 * A network with no node but the source "s", link type dlt (DLT_RAW or
 * DLT_EN10MB), PRNG seed.  Every node is given addresses of its own on
 * creation: 10.79.N.M and fd79::N:M (node index i: N = i / 250, M = i %
 * 250 + 1), until told otherwise.
 */
void simnet_init(struct simnet *sn, int dlt, uint64_t seed);
/* Free the frames still scheduled. */
void simnet_free(struct simnet *sn);

/* The node named name (made if new): its index, or -1 with err. */
int simnet_node(struct simnet *sn, const char *name, char *err);
struct simnet_node *simnet_find(struct simnet *sn, const char *name);
/* A link from -> to (both made if new): 0, or -1 with err. */
int simnet_link(struct simnet *sn, const char *from, const char *to,
    char *err);

/*
 * Read a topology from text (one statement a line; ';' also ends one; '#'
 * starts a comment):
 *
 *   s>r1>r2>t               links, a chain of them
 *   r1>a,b,c>r2             groups: every node of one to every node of
 *                           the next (a width-3 diamond; a,b>c,d meshes)
 *   r2 10.0.2.1 fd00::2:1 delay=2 loss=0.1 silent
 *                           a node: its addresses and settings
 *   net seed=7 dlt=en10mb sndbuf=4 refuse=192.0.2.0/24 limit=600
 *
 * Node settings: delay=MS, jitter=MS (round-trip, milliseconds, decimal),
 * loss=P, drop=P (0..1), silent, deaf, noecho, udp=open, tcp=rst|synack|
 * drop, anyip=PREFIX/LEN (or /LEN: the prefix of its IPv4 address),
 * ttl=N, hash=flow|icmpid|addr|packet, key=N, quote=BYTES, rate=PER_SEC,
 * burst=N, unreach=net|host|admin|CODE.  Net settings: seed=N,
 * dlt=raw|en10mb, sndbuf=N, refuse=PREFIX/LEN (send() returns 2),
 * limit=SECONDS (of virtual time before wait() fails; 3600 by default).
 * 0, or -1 with err naming the line.
 */
int simnet_parse(struct simnet *sn, const char *text, char *err);

/* The netio the engine uses: ops, sn, the link type. */
void simnet_netio(struct simnet *sn, struct ht_netio *net);
extern const struct ht_netio_ops simnet_ops;

/* The source's address of family af (4 or 6). */
const struct ht_addr *simnet_src(const struct simnet *sn, int af);
/* The address node name answers from in family af, or NULL. */
const struct ht_addr *simnet_addr(struct simnet *sn, const char *name, int af);

/*
 * Where a probe of these bytes would go, without sending it: the node
 * that answers it (its index), *hop the hops it took, *kind what it
 * answers (SIMNET_A_*).  -1 when it is lost on the way or nobody would
 * answer (randomness is not drawn: loss and rate limits are ignored, a
 * per-packet balancer is taken as its first next hop).
 */
enum simnet_answer { SIMNET_A_NONE = 0, SIMNET_A_TIMEX, SIMNET_A_UNREACH,
    SIMNET_A_ECHO, SIMNET_A_TCP };
int simnet_route(struct simnet *sn, const uint8_t *pkt, size_t len,
    unsigned int *hop, int *kind);

/* Frames waiting (scheduled, due or not). */
size_t simnet_pending(const struct simnet *sn);

#endif
