/* \summary: drop privileges irrevocably once the handles are open */
#ifndef HT_PRIV_H
#define HT_PRIV_H

#include <stddef.h>

/*
 * If running as root, become `user` (NULL: "nobody") with no supplementary
 * groups; in every case clear all capabilities (effective, permitted,
 * inheritable, bounding, ambient).  Then verify that nothing can be
 * regained.  0 on success, -1 with err.
 */
int ht_drop_privileges(const char *user, char *err, size_t errlen);

#endif
