/* \summary: hoptrace's note in a -w capture: the run's mode and options, framed as a non-IP frame (pure) */
#ifndef HT_NOTE_H
#define HT_NOTE_H

#include <stddef.h>
#include <stdint.h>

/*
 * A pcap file has no place for comments, and libpcap cannot write pcapng.
 * So a -w capture says what made it in frames of its own: the first
 * record (a "start" note: the mode and the options that shape the output)
 * and, for a run that decided something a capture cannot show, one more
 * after its last packet (an "end" note).  The frame is of the capture's
 * own link type and carries IEEE 802's Local Experimental Ethertype 1
 * (0x88b5), so tcpdump and Wireshark show it as an unknown protocol, and
 * every tool that looks for IP, hoptrace's decoder too, passes over it.
 * Link types with no ethertype (raw IP, NULL/LOOP) carry no note.
 *
 * The payload is text: a first line "#hoptrace-note 1 KIND" (KIND start
 * or end), then "key=value" lines; a value's '%', control bytes and bytes
 * above 126 are written %XX.  Readers ignore keys they do not know.
 */

#define HT_NOTE_ETHERTYPE	0x88b5
#define HT_NOTE_TEXT		1024	/* payload bytes at most */

struct ht_note {
	char text[HT_NOTE_TEXT + 1];	/* NUL-terminated payload */
	size_t len;
	int full;		/* a put did not fit: the note is incomplete */
};

/* An empty note of kind "start" or "end". */
void ht_note_init(struct ht_note *n, const char *kind);
/* Append key=value (value escaped); a value that does not fit sets full. */
void ht_note_put(struct ht_note *n, const char *key, const char *value);
void ht_note_putf(struct ht_note *n, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Is n of this kind ("start", "end")? */
int ht_note_is(const struct ht_note *n, const char *kind);
/* The value of key (unescaped) into val: 1, or 0 when absent. */
int ht_note_get(const struct ht_note *n, const char *key, char *val,
    size_t len);
/* The value of key as an integer in [lo, hi]: 1, or 0 (absent or bad). */
int ht_note_long(const struct ht_note *n, const char *key, long lo, long hi,
    long *v);

/*
 * The frame of note n for link type dlt into buf (len bytes): its length,
 * or -1 when the link type cannot carry a note or it does not fit.
 */
int ht_note_frame(const struct ht_note *n, int dlt, uint8_t *buf,
    size_t len);
/* Is this captured frame a note?  1 with n filled in, else 0. */
int ht_note_parse(int dlt, const uint8_t *p, size_t caplen,
    struct ht_note *n);

#endif
