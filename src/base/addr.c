/* \summary: formatting, parsing and hashing of struct ht_addr */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <arpa/inet.h>
#include <sys/socket.h>

#include "base/addr.h"

/*
 * Dotted quad by hand: glibc's inet_ntop() formats IPv4 with sprintf(),
 * and a replay formats an address for every hop line.
 */
static void
str4(const uint8_t *a, char *buf)
{
	char *p = buf;
	int i;

	for (i = 0; i < 4; i++) {
		if (i > 0)
			*p++ = '.';
		if (a[i] >= 100)
			*p++ = (char)('0' + a[i] / 100);
		if (a[i] >= 10)
			*p++ = (char)('0' + a[i] / 10 % 10);
		*p++ = (char)('0' + a[i] % 10);
	}
	*p = '\0';
}

const char *
ht_addr_str(const struct ht_addr *a, char *buf)
{
	if (a->af == 4)
		str4(a->a, buf);
	else if (a->af == 6)
		inet_ntop(AF_INET6, a->a, buf, HT_ADDRSTRLEN);
	else
		strcpy(buf, "?");
	return buf;
}

int
ht_addr_parse(const char *s, struct ht_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->a) == 1) {
		a->af = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->a) == 1) {
		a->af = 6;
		return 0;
	}
	return -1;
}

uint32_t
ht_addr_hash(const struct ht_addr *a, uint32_t h)
{
	int i, n = a->af == 6 ? 16 : 4;

	/* FNV-1a */
	h ^= 2166136261u;
	for (i = 0; i < n; i++) {
		h ^= a->a[i];
		h *= 16777619u;
	}
	return h;
}
