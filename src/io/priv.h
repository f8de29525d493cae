/* \summary: drop privileges irrevocably once the handles are open */
#ifndef HT_PRIV_H
#define HT_PRIV_H

#include <sys/types.h>
#include <stddef.h>

/* Whom to become, looked up ahead of the drop. */
struct ht_user {
	const char *name;
	int switch_id;		/* running as root: change to uid/gid */
	uid_t uid;
	gid_t gid;
};

/*
 * Running as root: look up `user` (NULL: "nobody"), which must exist and
 * not be root.  Otherwise nothing to look up.  0, or -1 with err.
 */
int ht_priv_lookup(const char *user, struct ht_user *u, char *err,
    size_t errlen);

/*
 * On the main thread, with no other thread running: if u says so, become
 * u's uid and gid with no supplementary groups; in every case clear all
 * capabilities (effective, permitted, inheritable, bounding, ambient).
 * Then verify that nothing can be regained.  0 on success, -1 with err.
 */
int ht_drop_privileges(const struct ht_user *u, char *err, size_t errlen);

#endif
