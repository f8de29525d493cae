/* \summary: hoptrace's note frames: built for a link type, recognized, read as key=value text (pure) */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <pcap/dlt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "wire/note.h"

#define MAGIC		"#hoptrace-note 1 "

void
ht_note_init(struct ht_note *n, const char *kind)
{
	memset(n, 0, sizeof(*n));
	n->len = (size_t)snprintf(n->text, sizeof(n->text), "%s%s\n", MAGIC,
	    kind);
}

static int
plain(unsigned char c)
{
	return c >= 0x20 && c <= 0x7e && c != '%';
}

void
ht_note_put(struct ht_note *n, const char *key, const char *value)
{
	static const char hex[] = "0123456789abcdef";
	size_t need = strlen(key) + 2, i;
	const unsigned char *v = (const unsigned char *)value;
	char *p;

	for (i = 0; v[i] != '\0'; i++)
		need += plain(v[i]) ? 1 : 3;
	if (n->full || n->len + need > HT_NOTE_TEXT) {
		n->full = 1;
		return;
	}
	p = n->text + n->len;
	memcpy(p, key, strlen(key));
	p += strlen(key);
	*p++ = '=';
	for (i = 0; v[i] != '\0'; i++) {
		if (plain(v[i]))
			*p++ = (char)v[i];
		else {
			*p++ = '%';
			*p++ = hex[v[i] >> 4];
			*p++ = hex[v[i] & 15];
		}
	}
	*p++ = '\n';
	*p = '\0';
	n->len += need;
}

void
ht_note_putf(struct ht_note *n, const char *key, const char *fmt, ...)
{
	char v[HT_NOTE_TEXT];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	ht_note_put(n, key, v);
}

int
ht_note_is(const struct ht_note *n, const char *kind)
{
	size_t m = strlen(MAGIC), k = strlen(kind);

	return n->len > m + k && memcmp(n->text, MAGIC, m) == 0 &&
	    memcmp(n->text + m, kind, k) == 0 && n->text[m + k] == '\n';
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
ht_note_get(const struct ht_note *n, const char *key, char *val, size_t len)
{
	const char *line = n->text, *eol, *p;
	size_t k = strlen(key), o;
	int hi, lo;

	if (len == 0)
		return 0;
	for (; *line != '\0'; line = eol + 1) {
		if ((eol = strchr(line, '\n')) == NULL)
			eol = line + strlen(line);
		if ((size_t)(eol - line) > k && memcmp(line, key, k) == 0 &&
		    line[k] == '=') {
			for (p = line + k + 1, o = 0; p < eol && o + 1 < len;
			    p++) {
				if (*p == '%' && eol - p >= 3 &&
				    (hi = hexval(p[1])) >= 0 &&
				    (lo = hexval(p[2])) >= 0) {
					val[o++] = (char)(hi << 4 | lo);
					p += 2;
				} else
					val[o++] = *p;
			}
			val[o] = '\0';
			return 1;
		}
		if (*eol == '\0')
			break;
	}
	return 0;
}

int
ht_note_long(const struct ht_note *n, const char *key, long lo, long hi,
    long *v)
{
	char s[32], *end;
	long x;

	if (!ht_note_get(n, key, s, sizeof(s)) || s[0] == '\0')
		return 0;
	x = strtol(s, &end, 10);
	if (*end != '\0' || x < lo || x > hi)
		return 0;
	*v = x;
	return 1;
}

/* Link header bytes before the payload, or 0: no ethertype to carry it. */
static size_t
link_len(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
		return 14;
	case DLT_LINUX_SLL:
		return 16;
	case DLT_LINUX_SLL2:
		return 20;
	default:
		return 0;
	}
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

int
ht_note_frame(const struct ht_note *n, int dlt, uint8_t *buf, size_t len)
{
	size_t h = link_len(dlt);

	if (h == 0 || n->full || h + n->len > len)
		return -1;
	memset(buf, 0, h);
	switch (dlt) {
	case DLT_EN10MB:	/* dst, src: all zero; type */
		put16(buf + 12, HT_NOTE_ETHERTYPE);
		break;
	case DLT_LINUX_SLL:	/* sent by us, ARPHRD_VOID, no address */
		put16(buf, 4);
		put16(buf + 2, 0xffff);
		put16(buf + 14, HT_NOTE_ETHERTYPE);
		break;
	case DLT_LINUX_SLL2:	/* protocol, ..., ARPHRD_VOID, sent by us */
		put16(buf, HT_NOTE_ETHERTYPE);
		put16(buf + 8, 0xffff);
		buf[10] = 4;
		break;
	}
	memcpy(buf + h, n->text, n->len);
	return (int)(h + n->len);
}

int
ht_note_parse(int dlt, const uint8_t *p, size_t caplen, struct ht_note *n)
{
	struct buf b;
	uint16_t type = 0;
	size_t m = strlen(MAGIC), left;

	buf_init(&b, p, caplen);
	switch (dlt) {
	case DLT_EN10MB:
		if (buf_skip(&b, 12) < 0 || buf_u16(&b, &type) < 0)
			return 0;
		break;
	case DLT_LINUX_SLL:
		if (buf_skip(&b, 14) < 0 || buf_u16(&b, &type) < 0)
			return 0;
		break;
	case DLT_LINUX_SLL2:
		if (buf_u16(&b, &type) < 0 || buf_skip(&b, 18) < 0)
			return 0;
		break;
	default:
		return 0;
	}
	left = buf_left(&b);
	if (type != HT_NOTE_ETHERTYPE || left < m || left > HT_NOTE_TEXT ||
	    memcmp(b.p, MAGIC, m) != 0)
		return 0;
	memset(n, 0, sizeof(*n));
	if (buf_bytes(&b, n->text, left) < 0)
		return 0;
	n->text[left] = '\0';
	/* text ends at a NUL, if one slipped in */
	n->len = strlen(n->text);
	return 1;
}
