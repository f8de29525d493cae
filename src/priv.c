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

#include "priv.h"

int
ht_drop_privileges(const char *user, char *err, size_t errlen)
{
	struct passwd *pw;
	uid_t uid;
	gid_t gid;

	if (user == NULL)
		user = "nobody";
	if (getuid() == 0 || geteuid() == 0) {
		if ((pw = getpwnam(user)) == NULL) {
			snprintf(err, errlen, "cannot drop privileges: no "
			    "user %s", user);
			return -1;
		}
		uid = pw->pw_uid;
		gid = pw->pw_gid;
		if (uid == 0) {
			snprintf(err, errlen, "cannot drop privileges: user "
			    "%s is root", user);
			return -1;
		}
		capng_clear(CAPNG_SELECT_BOTH);
		if (capng_change_id((int)uid, (int)gid,
		    CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING) != 0) {
			snprintf(err, errlen, "cannot drop privileges to %s: "
			    "%s", user, strerror(errno));
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
