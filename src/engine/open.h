/* \summary: a live run's privileged handles: the route, the capture and its filter, the -w file, the raw socket */
#ifndef HT_OPEN_H
#define HT_OPEN_H

#include "engine/cmd.h"
#include "engine/live.h"
#include "io/capture.h"
#include "io/prober.h"

/*
 * For the HOST of c and the probes cfg describes (method, Paris, flows:
 * filled by ht_cmd_live_cfg() and the mode): the destination, the source
 * (-s, else the route's) and interface, then the capture (sized for the
 * window, its filter admitting our probes and their answers, emptied of
 * what came before), the -w dump, and the raw socket.  0; -1 with err, a
 * runtime failure (nothing is left open, no -w file made); -2 with err, a
 * usage error (HOST or -s).
 */
int ht_live_open(const struct ht_cmd *c, struct ht_live_cfg *cfg,
    struct ht_capture *cap, struct ht_prober **pr, char *err);

/*
 * The capture on dev (NULL: any) for the probes of n families (pc[0..n),
 * n 1 or 2), snaplen bytes a frame and a ring of ring bytes: its filter
 * admitting their probes and answers, emptied of what came before, and
 * the -w dump (wfile, or NULL).  0, or -1 with err (nothing left open).
 */
int ht_open_capture(const char *dev, const struct ht_probe_cfg *pc, int n,
    int snaplen, int ring, const char *wfile, struct ht_capture *cap,
    char *err);

#endif
