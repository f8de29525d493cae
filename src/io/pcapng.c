/* \summary: a bounds-checked pcapng block reader: every packet with its own interface's link type */
/*
 * libpcap 1.10 reads one link type per pcapng file and stops at the first
 * interface of another ("an interface has a type 0 different from the type
 * of the first interface"), but Wireshark on Windows records every
 * interface (Ethernet beside loopback).  This reads the blocks itself, as
 * draft-ietf-opsawg-pcapng (the PCAP Next Generation format) lays them
 * out: a section header block (either byte order; a file may hold several
 * sections), interface description blocks (link type, snapshot length,
 * options if_tsresol and if_tsoffset), enhanced, simple and obsolete
 * packet blocks; every other block type is passed over whole.
 *
 * Every read of a block goes through a cursor over the block's body that
 * fails cleanly (base/buf.h); the block's own length is checked against
 * its trailing copy and a ceiling before anything in it is believed.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "base/buf.h"
#include "io/pcapng.h"

#define BT_SHB		0x0A0D0D0Au	/* section header */
#define BT_IDB		1u		/* interface description */
#define BT_OPB		2u		/* packet (obsolete) */
#define BT_SPB		3u		/* simple packet */
#define BT_EPB		6u		/* enhanced packet */
#define BO_MAGIC	0x1A2B3C4Du	/* byte-order magic */

#define OPT_END		0
#define OPT_TSRESOL	9
#define OPT_TSOFFSET	14

#define MAX_BLOCK	(16u * 1024 * 1024)	/* libpcap's ceiling */
#define MAX_IFS		65536u

/* Integers of the section's byte order. */
static inline int
get32(struct buf *b, int be, uint32_t *v)
{
	const uint8_t *q = buf_take(b, 4);

	if (q == NULL)
		return -1;
	*v = be ? (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 |
	    (uint32_t)q[2] << 8 | q[3] :
	    (uint32_t)q[3] << 24 | (uint32_t)q[2] << 16 |
	    (uint32_t)q[1] << 8 | q[0];
	return 0;
}

static inline int
get16(struct buf *b, int be, uint16_t *v)
{
	const uint8_t *q = buf_take(b, 2);

	if (q == NULL)
		return -1;
	*v = (uint16_t)(be ? q[0] << 8 | q[1] : q[1] << 8 | q[0]);
	return 0;
}

static inline int
get64(struct buf *b, int be, uint64_t *v)
{
	uint32_t hi, lo;

	if (get32(b, be, be ? &hi : &lo) < 0 || get32(b, be, be ? &lo : &hi) < 0)
		return -1;
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

static int
fail(struct ht_pcapng *ng, const char *what)
{
	snprintf(ng->err, sizeof(ng->err), "pcapng block %llu: %s",
	    (unsigned long long)ng->blocks, what);
	return -1;
}

/*
 * The LINKTYPE_ values a file holds where they differ from the DLT_
 * values libpcap and wire/decode.c use (libpcap's linktype_to_dlt()).
 */
static int
linktype_dlt(uint16_t lt)
{
	switch (lt) {
	case 100: return DLT_ATM_RFC1483;
	case 101: return DLT_RAW;
	case 102: return DLT_SLIP_BSDOS;
	case 103: return DLT_PPP_BSDOS;
	default: return lt;
	}
}

/* What a block type is called in a message. */
static const char *
block_name(uint32_t type)
{
	switch (type) {
	case BT_SHB: return "section header block";
	case BT_IDB: return "interface description block";
	case BT_EPB: return "enhanced packet block";
	case BT_SPB: return "simple packet block";
	case BT_OPB: return "packet block";
	default: return "block";
	}
}

static int
cut(struct ht_pcapng *ng, uint32_t type)
{
	char what[128];

	if (ferror(ng->fp))
		return fail(ng, strerror(errno));
	snprintf(what, sizeof(what), "truncated: the file ends inside %s %s",
	    type == BT_IDB || type == BT_EPB ? "an" : "a", block_name(type));
	return fail(ng, what);
}

/*
 * Read one block: its type and its body (between the length fields) in
 * ng->blk.  1, 0 at a clean end of file, -1 with ng->err.
 */
static int
read_block(struct ht_pcapng *ng, uint32_t *type, struct buf *body)
{
	uint8_t h[12], *nb;
	struct buf b;
	uint32_t len = 0, tail = 0;
	size_t got;

	ng->blocks++;		/* the one being read, for messages */
	if ((got = fread(h, 1, 8, ng->fp)) == 0 && feof(ng->fp)) {
		ng->blocks--;
		return 0;
	}
	if (got < 8)
		return cut(ng, 0);
	if (memcmp(h, "\x0a\x0d\x0d\x0a", 4) == 0) {
		/* a new section: its byte order comes before its length */
		if (fread(h + 8, 1, 4, ng->fp) < 4)
			return cut(ng, BT_SHB);
		if (memcmp(h + 8, "\x1a\x2b\x3c\x4d", 4) == 0)
			ng->swap = 1;
		else if (memcmp(h + 8, "\x4d\x3c\x2b\x1a", 4) == 0)
			ng->swap = 0;
		else
			return fail(ng, "section header block with a bad "
			    "byte-order magic");
	}
	buf_init(&b, h, 8);
	(void)get32(&b, ng->swap, type);
	(void)get32(&b, ng->swap, &len);
	if (len < 12 || len % 4 != 0 || len > MAX_BLOCK ||
	    (*type == BT_SHB && len < 28))
		return fail(ng, "block length out of range (12 to 16 MiB, "
		    "a multiple of 4)");
	if (ng->blksize < len) {
		if ((nb = realloc(ng->blk, len)) == NULL)
			return fail(ng, "out of memory");
		ng->blk = nb;
		ng->blksize = len;
	}
	got = 0;
	if (*type == BT_SHB) {
		memcpy(ng->blk, h + 8, 4);
		got = 4;
	}
	if (fread(ng->blk + got, 1, len - 8 - got, ng->fp) < len - 8 - got)
		return cut(ng, *type);
	buf_init(&b, ng->blk + len - 12, 4);
	(void)get32(&b, ng->swap, &tail);
	if (tail != len)
		return fail(ng, "block's trailing length differs from its "
		    "length");
	buf_init(body, ng->blk, len - 12);
	return 1;
}

static int
section(struct ht_pcapng *ng, struct buf *b)
{
	uint16_t major, minor;

	if (buf_skip(b, 4) < 0 || get16(b, ng->swap, &major) < 0 ||
	    get16(b, ng->swap, &minor) < 0 || buf_skip(b, 8) < 0)
		return fail(ng, "section header block too short");
	if (major != 1)
		return fail(ng, "pcapng version not supported");
	ng->nif = 0;		/* interfaces are per section */
	return 0;
}

static int
interface(struct ht_pcapng *ng, struct buf *b)
{
	struct ht_ng_if *nif, *f;
	uint16_t lt, code = 0, olen = 0;
	uint64_t off = 0;
	struct buf o;

	if (ng->nif == ng->ifcap) {
		if (ng->ifcap >= MAX_IFS)
			return fail(ng, "too many interfaces");
		if ((nif = realloc(ng->ifs, (ng->ifcap * 2 + 4) *
		    sizeof(*nif))) == NULL)
			return fail(ng, "out of memory");
		ng->ifs = nif;
		ng->ifcap = ng->ifcap * 2 + 4;
	}
	f = &ng->ifs[ng->nif];
	memset(f, 0, sizeof(*f));
	f->tsresol = 6;		/* microseconds, unless an option says */
	if (get16(b, ng->swap, &lt) < 0 || buf_skip(b, 2) < 0 ||
	    get32(b, ng->swap, &f->snaplen) < 0)
		return fail(ng, "interface description block too short");
	f->dlt = linktype_dlt(lt);
	while (buf_left(b) >= 4) {
		(void)get16(b, ng->swap, &code);
		(void)get16(b, ng->swap, &olen);
		if (code == OPT_END)
			break;
		if (buf_sub(b, olen, &o) < 0)
			return fail(ng, "interface option runs past its block");
		/* padding to 32 bits (a last option without it is forgiven) */
		if (buf_skip(b, (4 - olen % 4) % 4) < 0)
			b->p = b->end;
		if (code == OPT_TSRESOL && olen == 1)
			(void)buf_u8(&o, &f->tsresol);
		else if (code == OPT_TSOFFSET && olen == 8) {
			(void)get64(&o, ng->swap, &off);
			f->tsoffset = (int64_t)off;
		}
	}
	if ((f->tsresol & 0x80) ? (f->tsresol & 0x7f) > 63 : f->tsresol > 19)
		return fail(ng, "interface timestamp resolution out of range");
	ng->nif++;
	return 0;
}

/* A timestamp in the interface's units, in nanoseconds (wrapping, never undefined). */
static ht_ns
stamp(const struct ht_ng_if *f, uint64_t t)
{
	unsigned int n = f->tsresol & 0x7f, i;
	uint64_t ns, m = 1;

	if (f->tsresol & 0x80)
		ns = (uint64_t)(((unsigned __int128)t * 1000000000u) >> n);
	else if (n <= 9) {
		for (i = n; i < 9; i++)
			m *= 10;
		ns = t * m;
	} else {
		for (i = 9; i < n; i++)
			m *= 10;
		ns = t / m;
	}
	return (ht_ns)(ns + (uint64_t)f->tsoffset * HT_NS_PER_SEC);
}

/* A packet of the interface ifid, caplen bytes at the cursor. */
static int
packet(struct ht_pcapng *ng, struct buf *b, uint32_t ifid, uint64_t t,
    uint32_t caplen, uint32_t len, struct ht_ng_rec *r)
{
	const struct ht_ng_if *f;
	char what[96];

	if (ifid >= ng->nif) {
		snprintf(what, sizeof(what), "packet of interface %lu, which "
		    "no interface description block describes",
		    (unsigned long)ifid);
		return fail(ng, what);
	}
	f = &ng->ifs[ifid];
	if ((r->data = buf_take(b, caplen)) == NULL)
		return fail(ng, "packet runs past its block");
	r->ts = stamp(f, t);
	r->caplen = caplen;
	r->len = len;
	r->dlt = f->dlt;
	return 1;
}

int
ht_pcapng_next(struct ht_pcapng *ng, struct ht_ng_rec *r)
{
	uint32_t type, ifid, hi, lo, caplen, len;
	uint16_t id16;
	struct buf b;
	int rc;

	for (;;) {
		if ((rc = read_block(ng, &type, &b)) <= 0)
			return rc;
		switch (type) {
		case BT_SHB:
			if (section(ng, &b) < 0)
				return -1;
			break;
		case BT_IDB:
			if (interface(ng, &b) < 0)
				return -1;
			break;
		case BT_EPB:
			if (get32(&b, ng->swap, &ifid) < 0 ||
			    get32(&b, ng->swap, &hi) < 0 ||
			    get32(&b, ng->swap, &lo) < 0 ||
			    get32(&b, ng->swap, &caplen) < 0 ||
			    get32(&b, ng->swap, &len) < 0)
				return fail(ng, "enhanced packet block too "
				    "short");
			return packet(ng, &b, ifid, (uint64_t)hi << 32 | lo,
			    caplen, len, r);
		case BT_OPB:
			if (get16(&b, ng->swap, &id16) < 0 ||
			    buf_skip(&b, 2) < 0 ||
			    get32(&b, ng->swap, &hi) < 0 ||
			    get32(&b, ng->swap, &lo) < 0 ||
			    get32(&b, ng->swap, &caplen) < 0 ||
			    get32(&b, ng->swap, &len) < 0)
				return fail(ng, "packet block too short");
			return packet(ng, &b, id16, (uint64_t)hi << 32 | lo,
			    caplen, len, r);
		case BT_SPB:
			/* no timestamp; what the block holds of the packet */
			if (get32(&b, ng->swap, &len) < 0)
				return fail(ng, "simple packet block too "
				    "short");
			if (ng->nif == 0)
				return packet(ng, &b, 0, 0, 0, 0, r);
			caplen = len;
			if (ng->ifs[0].snaplen != 0 &&
			    caplen > ng->ifs[0].snaplen)
				caplen = ng->ifs[0].snaplen;
			if (caplen > buf_left(&b))
				caplen = (uint32_t)buf_left(&b);
			return packet(ng, &b, 0, 0, caplen, len, r);
		default:
			break;	/* not ours to read */
		}
	}
}

int
ht_pcapng_open(struct ht_pcapng *ng, FILE *fp, int *dlt, char *err)
{
	uint32_t type;
	struct buf b;
	int rc;

	memset(ng, 0, sizeof(*ng));
	ng->fp = fp;
	*dlt = -1;
	rc = read_block(ng, &type, &b);
	if (rc == 0)
		(void)cut(ng, BT_SHB);
	else if (rc > 0 && type != BT_SHB)
		rc = fail(ng, "not a pcapng file");
	if (rc <= 0 || section(ng, &b) < 0)
		goto bad;
	/* on to the first interface: the file's first link type */
	while ((rc = read_block(ng, &type, &b)) > 0 && type != BT_IDB)
		if (type == BT_EPB || type == BT_SPB || type == BT_OPB) {
			(void)fail(ng, "packet before any interface description "
			    "block");
			goto bad;
		} else if (type == BT_SHB && section(ng, &b) < 0)
			goto bad;
	if (rc < 0 || (rc > 0 && interface(ng, &b) < 0))
		goto bad;
	if (rc > 0)
		*dlt = ng->ifs[0].dlt;
	return 0;
bad:
	snprintf(err, HT_ERRBUF, "%s", ng->err);
	free(ng->blk);
	free(ng->ifs);
	ng->blk = NULL;
	ng->ifs = NULL;
	return -1;
}

void
ht_pcapng_close(struct ht_pcapng *ng)
{
	free(ng->blk);
	free(ng->ifs);
	ng->blk = NULL;
	ng->ifs = NULL;
	if (ng->fp != NULL)
		fclose(ng->fp);
	ng->fp = NULL;
}
