/*
 * sieve-fields.c: the values of a header field as tests compare them,
 * kept for the rest of a run. A script tests the same few fields again
 * and again (forty List-Id rules, twenty-five on Subject): finding,
 * unfolding and RFC 2047 decoding them once per message instead of once
 * per rule is most of what makes a long script cheap.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

int
md_sieve_addrs(const char *value, struct md_sieve_addrs *a)
{
	const char *p = value;
	size_t used = 0;
	int k;

	a->n = 0;
	for (;;) {
		if (a->cap - used < 1024) {
			char *b = realloc(a->buf, a->cap + 2048);

			if (b == NULL)
				return -1;
			a->buf = b;
			a->cap += 2048;
		}
		if ((k = md_addr_next(&p, a->buf + used, 1024)) == 0)
			return 0;
		if (k < 0) /* passed over, as Pigeonhole does */
			continue;
		used += strlen(a->buf + used) + 1;
		a->n++;
	}
}

/* E's values and addresses freed, the arrays kept for the next. */
static void
clear(struct md_sieve_field *e)
{
	for (size_t k = 0; k < e->n; k++) {
		free(e->v[k]);
		if (e->a != NULL)
			free(e->a[k].buf);
	}
	free(e->a);
	e->a = NULL;
	e->n = 0;
}

void
md_sieve_fields_free(struct md_sieve_fields *c)
{
	for (size_t i = 0; i < MD_SIEVE_FIELDS; i++) {
		clear(&c->e[i]);
		free(c->e[i].v);
		free(c->e[i].a);
	}
	memset(c, 0, sizeof(*c));
}

/* The values of NAME into E: as md_header_field gives them, decoded by
 * md_decode_text when D is not NULL; each cut to MD_SIEVE_VALUE. One
 * pass over the fields (md_header_field looks from the first for each). */
static int
fill(struct md_sieve_field *e, const struct md_header *h, struct md_decoder *d,
    const char *name, char *raw, char *text)
{
	size_t len = strlen(name), k = 0, n;

	for (size_t i = 0; i < h->nf; i++) {
		const char *fn = h->buf + h->f[i].name;
		char **v;
		struct md_sieve_addrs *a;

		/* letters differ in case by bit 5 alone: a cheap first test */
		if (h->f[i].namelen != len ||
		    ((fn[0] ^ name[0]) & ~0x20) != 0 ||
		    strncasecmp(fn, name, len) != 0)
			continue;
		n = md_header_value(h, i, raw, MD_SIEVE_VALUE);
		if ((v = reallocarray(e->v, k + 1, sizeof(*v))) == NULL)
			return -1;
		e->v = v;
		if (d != NULL)
			md_decode_text(d, raw, n, text, MD_SIEVE_VALUE);
		if ((v[k] = strdup(d != NULL ? text : raw)) == NULL)
			return -1;
		if (d == NULL) { /* for address: the addresses, parsed once */
			if ((a = reallocarray(e->a, k + 1, sizeof(*a))) ==
			    NULL) {
				free(v[k]);
				return -1;
			}
			e->a = a;
			memset(&a[k], 0, sizeof(a[k]));
			if (md_sieve_addrs(v[k], &a[k]) < 0) {
				free(a[k].buf);
				free(v[k]);
				return -1;
			}
		}
		e->n = ++k;
	}
	return 0;
}

/* Is E the field NAME? A FIXED name is found by its address first: a
 * script's own string, the same for every rule on that field. */
static int
same(const struct md_sieve_field *e, const char *name, int decoded, int fixed)
{
	return e->decoded == decoded &&
	       ((fixed && e->key == name) ||
	           ((e->name[0] | 0x20) == (name[0] | 0x20) &&
	               strcasecmp(e->name, name) == 0));
}

int
md_sieve_fields_get(struct md_sieve_fields *c, const struct md_header *h,
    struct md_decoder *d, const char *name, int fixed,
    const struct md_sieve_field **f)
{
	char raw[MD_SIEVE_VALUE], text[MD_SIEVE_VALUE];
	struct md_sieve_field *e;
	size_t i;

	/* Rules on one field come in a row: the one asked for last first.
	 * (An expanded name is compared, never its address: its memory is
	 * used again for another.) */
	i = c->last;
	if (i >= c->used || !same(&c->e[i], name, d != NULL, fixed))
		for (i = 0; i < c->used; i++)
			if (same(&c->e[i], name, d != NULL, fixed))
				break;
	if (i == c->used) {
		if (strlen(name) >= sizeof(e->name))
			i = MD_SIEVE_FIELDS - 1; /* no real field: not kept */
		else if (c->used < MD_SIEVE_FIELDS)
			i = c->used++;
		else
			i = c->next++ % MD_SIEVE_FIELDS;
		e = &c->e[i];
		clear(e);
		e->name[0] = '\0';
		e->key = NULL;
		if (fill(e, h, d, name, raw, text) < 0)
			return -1;
		if (strlen(name) < sizeof(e->name)) {
			strlcpy(e->name, name, sizeof(e->name));
			e->key = fixed ? name : NULL;
		}
		e->decoded = d != NULL;
	}
	c->last = i;
	*f = &c->e[i];
	return 0;
}
