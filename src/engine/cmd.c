/* \summary: range-checked numbers for every mode's options */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/cmd.h"
#include "io/capture.h"

int
ht_cmd_long(const char *what, const char *s, long lo, long hi, long *v,
    char *err)
{
	char *end;
	long x;

	errno = 0;
	x = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || x < lo || x > hi) {
		snprintf(err, HT_ERRBUF, "%s must be an integer from %ld to "
		    "%ld, not '%s'", what, lo, hi, s);
		return -1;
	}
	*v = x;
	return 0;
}

int
ht_cmd_real(const char *what, const char *s, double lo, double hi,
    const char *unit, double *v, char *err)
{
	char *end;
	double x;

	errno = 0;
	x = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(x) ||
	    x < lo || x > hi) {
		snprintf(err, HT_ERRBUF, "%s must be from %g to %g %s, not "
		    "'%s'", what, lo, hi, unit, s);
		return -1;
	}
	*v = x;
	return 0;
}
