/* \summary: least privilege with libcap-ng: switch user, clear capabilities, verify */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <sys/prctl.h>
#include <cap-ng.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "io/priv.h"

int
ht_priv_lookup(const char *user, struct ht_user *u, char *err, size_t errlen)
{
	struct passwd pwbuf, *pw = NULL;
	char buf[4096];
	int rc;

	memset(u, 0, sizeof(*u));
	u->name = user != NULL ? user : "nobody";
	if (getuid() != 0 && geteuid() != 0)
		return 0;
	if ((rc = getpwnam_r(u->name, &pwbuf, buf, sizeof(buf), &pw)) != 0 ||
	    pw == NULL) {
		snprintf(err, errlen, "cannot drop privileges: no user %s%s%s",
		    u->name, rc ? ": " : "", rc ? strerror(rc) : "");
		return -1;
	}
	if (pw->pw_uid == 0) {
		snprintf(err, errlen, "cannot drop privileges: user %s is root",
		    u->name);
		return -1;
	}
	u->switch_id = 1;
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	return 0;
}

int
ht_drop_privileges(const struct ht_user *u, char *err, size_t errlen)
{
	if (u->switch_id) {
		capng_clear(CAPNG_SELECT_BOTH);
		if (capng_change_id((int)u->uid, (int)u->gid,
		    CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING) != 0) {
			snprintf(err, errlen, "cannot drop privileges to %s: "
			    "%s", u->name, strerror(errno));
			return -1;
		}
	} else {
		/* file capabilities (setcap cap_net_raw+ep): clear them */
		capng_get_caps_process();
		if (capng_have_capabilities(CAPNG_SELECT_CAPS) != CAPNG_NONE) {
			capng_clear(CAPNG_SELECT_BOTH);
			if (capng_apply(CAPNG_SELECT_CAPS) != 0) {
				snprintf(err, errlen, "cannot clear "
				    "capabilities");
				return -1;
			}
		}
	}
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	/* Verify: no root ids, no capabilities, no way back. */
	capng_get_caps_process();
	if (getuid() == 0 || geteuid() == 0 || setuid(0) == 0 ||
	    capng_have_capabilities(CAPNG_SELECT_CAPS) != CAPNG_NONE) {
		snprintf(err, errlen, "privileges were not dropped");
		return -1;
	}
	return 0;
}
