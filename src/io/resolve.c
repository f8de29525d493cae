/* \summary: reverse DNS in a worker thread, with a cache and a time budget */
/*
 * getnameinfo() blocks for as long as the resolver takes, which with no
 * reachable name server is several seconds per address.  Lookups run in
 * one worker thread while probing goes on; the output waits for a name
 * only briefly and never more than a budget over the whole run, then
 * prints the bare address.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <sys/socket.h>
#include <netdb.h>
#include <netinet/in.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io/resolve.h"

#define CACHE_MAX	1024

enum { ST_QUEUED, ST_BUSY, ST_DONE };

struct entry {
	struct ht_addr a;
	int state;
	char *name;		/* NULL: none */
};

struct ht_resolver {
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	struct entry e[CACHE_MAX];
	int n;
	int started;
	long budget_ns;		/* waiting still allowed */
};

static struct entry *
find(struct ht_resolver *r, const struct ht_addr *a)
{
	int i;

	for (i = 0; i < r->n; i++)
		if (ht_addr_eq(&r->e[i].a, a))
			return &r->e[i];
	return NULL;
}

static void *
worker(void *arg)
{
	struct ht_resolver *r = arg;
	struct sockaddr_storage ss;
	socklen_t sl;
	char host[NI_MAXHOST];
	struct ht_addr a;
	int i;

	pthread_mutex_lock(&r->mu);
	for (;;) {
		for (i = 0; i < r->n && r->e[i].state != ST_QUEUED; i++)
			;
		if (i == r->n) {
			pthread_cond_wait(&r->work, &r->mu);
			continue;
		}
		r->e[i].state = ST_BUSY;
		a = r->e[i].a;
		pthread_mutex_unlock(&r->mu);

		memset(&ss, 0, sizeof(ss));
		if (a.af == 4) {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

			s4->sin_family = AF_INET;
			memcpy(&s4->sin_addr, a.a, 4);
			sl = sizeof(*s4);
		} else {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

			s6->sin6_family = AF_INET6;
			memcpy(&s6->sin6_addr, a.a, 16);
			sl = sizeof(*s6);
		}
		if (getnameinfo((struct sockaddr *)&ss, sl, host, sizeof(host),
		    NULL, 0, NI_NAMEREQD) != 0)
			host[0] = '\0';

		pthread_mutex_lock(&r->mu);
		r->e[i].name = host[0] ? strdup(host) : NULL;
		r->e[i].state = ST_DONE;
		pthread_cond_broadcast(&r->done);
	}
	return NULL;
}

struct ht_resolver *
ht_resolver_new(unsigned budget_ms)
{
	struct ht_resolver *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->work, NULL);
	pthread_cond_init(&r->done, NULL);
	r->budget_ns = (long)budget_ms * 1000000L;
	return r;
}

static void
ask_locked(struct ht_resolver *r, const struct ht_addr *a)
{
	pthread_t th;
	pthread_attr_t at;

	if (find(r, a) != NULL || r->n >= CACHE_MAX)
		return;
	r->e[r->n].a = *a;
	r->e[r->n].state = ST_QUEUED;
	r->e[r->n].name = NULL;
	r->n++;
	if (!r->started) {
		/* The thread starts on the first lookup: -n never pays. */
		pthread_attr_init(&at);
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		if (pthread_create(&th, &at, worker, r) == 0)
			r->started = 1;
		pthread_attr_destroy(&at);
	}
	pthread_cond_signal(&r->work);
}

void
ht_resolver_ask(struct ht_resolver *r, const struct ht_addr *a)
{
	pthread_mutex_lock(&r->mu);
	ask_locked(r, a);
	pthread_mutex_unlock(&r->mu);
}

static long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000000000L + ts.tv_nsec;
}

const char *
ht_resolver_name(struct ht_resolver *r, const struct ht_addr *a,
    unsigned wait_ms)
{
	struct entry *e;
	struct timespec dl;
	long start, wait_ns;
	const char *name = NULL;

	pthread_mutex_lock(&r->mu);
	ask_locked(r, a);
	if ((e = find(r, a)) == NULL || !r->started) {
		pthread_mutex_unlock(&r->mu);
		return NULL;
	}
	wait_ns = (long)wait_ms * 1000000L;
	if (wait_ns > r->budget_ns)
		wait_ns = r->budget_ns;
	if (e->state != ST_DONE && wait_ns > 0) {
		start = now_ns();
		clock_gettime(CLOCK_REALTIME, &dl);
		dl.tv_sec += wait_ns / 1000000000L;
		dl.tv_nsec += wait_ns % 1000000000L;
		if (dl.tv_nsec >= 1000000000L) {
			dl.tv_sec++;
			dl.tv_nsec -= 1000000000L;
		}
		while (e->state != ST_DONE)
			if (pthread_cond_timedwait(&r->done, &r->mu, &dl) ==
			    ETIMEDOUT)
				break;
		r->budget_ns -= now_ns() - start;
		if (r->budget_ns < 0)
			r->budget_ns = 0;
	}
	if (e->state == ST_DONE)
		name = e->name;
	pthread_mutex_unlock(&r->mu);
	return name;
}
