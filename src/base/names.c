/* \summary: responders' names as data: an open-addressing table by address */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdlib.h>
#include <string.h>

#include "base/names.h"

#define SEED	0x6e616d65u

void
ht_names_init(struct ht_names *t)
{
	memset(t, 0, sizeof(*t));
}

void
ht_names_free(struct ht_names *t)
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		free(t->e[i].name);
	free(t->e);
	t->e = NULL;
	t->cap = t->n = 0;
}

/* The slot of a: its entry, or the empty slot where it goes. */
static struct ht_names_ent *
slot(const struct ht_names *t, const struct ht_addr *a)
{
	size_t i = ht_addr_hash(a, SEED) & (t->cap - 1), k;

	for (k = 0; k < t->cap; k++, i = (i + 1) & (t->cap - 1))
		if (t->e[i].a.af == 0 || ht_addr_eq(&t->e[i].a, a))
			return &t->e[i];
	return NULL;		/* never: the table is at most half full */
}

const char *
ht_names_get(const struct ht_names *t, const struct ht_addr *a)
{
	const struct ht_names_ent *x;

	if (t == NULL || t->cap == 0)
		return NULL;
	x = slot(t, a);
	return x != NULL && x->a.af != 0 ? x->name : NULL;
}

static int
grow(struct ht_names *t)
{
	struct ht_names old = *t;
	struct ht_names_ent *x;
	size_t i;

	t->cap = old.cap ? old.cap * 2 : 64;
	if ((t->e = calloc(t->cap, sizeof(*t->e))) == NULL) {
		*t = old;
		return -1;
	}
	t->n = 0;
	for (i = 0; i < old.cap; i++)
		if (old.e[i].a.af != 0) {
			x = slot(t, &old.e[i].a);
			*x = old.e[i];
			t->n++;
		}
	free(old.e);
	return 0;
}

int
ht_names_put(struct ht_names *t, const struct ht_addr *a, const char *name)
{
	struct ht_names_ent *x;
	char *copy = NULL;

	if ((t->n + 1) * 2 > t->cap && grow(t) < 0)
		return -1;
	if (name != NULL && (copy = strdup(name)) == NULL)
		return -1;
	x = slot(t, a);
	if (x->a.af == 0) {
		x->a = *a;
		t->n++;
	}
	free(x->name);
	x->name = copy;
	return 0;
}
