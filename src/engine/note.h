/* \summary: writing hoptrace's notes (wire/note.h) into a -w capture */
#ifndef HT_ENGINE_NOTE_H
#define HT_ENGINE_NOTE_H

#include "io/capture.h"
#include "wire/note.h"

/*
 * Write note n into cap's dump file now, as a frame of the capture's link
 * type.  0, or -1 when there is no dump, the link type has no room for a
 * note or it is longer than the capture's snapshot (nothing is written:
 * the capture then replays as another tool's would).
 */
int ht_note_dump(struct ht_capture *cap, const struct ht_note *n);

/*
 * A live run's start note with what every mode's has: the mode, the
 * trace's identity (cfg's source, destination, protocol, identifier), the
 * shared options its output shows or obeys (-f, -m, -q, --gap, --paris)
 * and the host as typed.
 */
struct ht_cmd;
struct ht_live_cfg;
void ht_note_start(struct ht_note *n, const char *mode,
    const struct ht_cmd *c, const struct ht_live_cfg *cfg);
/* The trace's identity (src, dst, proto, ident) into an end note. */
void ht_note_identity(struct ht_note *n, const struct ht_live_cfg *cfg);

#endif
