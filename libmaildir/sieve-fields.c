/*
 * sieve-fields.c: the values of a header field as tests compare them,
 * kept for the rest of a run. A script tests the same few fields again
 * and again (forty List-Id rules, twenty-five on Subject): finding,
 * unfolding and RFC 2047 decoding them once per message instead of once
 * per rule is most of what makes a long script cheap. The memory stays
 * from message to message (md_sieve_fields_reset): a run over many
 * messages allocates nothing once the first few have been seen.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

/* Can the local part S (N bytes) stand unquoted: a dot-atom? Its
 * characters but '.' are atext (RFC 5322 3.2.3): letters, digits and
 * !#$%&'*+-/=?^_`{|}~, a bit each of these two words by ASCII code. */
static int
dot_atom(const char *s, size_t n)
{
	static const uint64_t atext[2] = { 0xa3ffacfa00000000u,
		0x7fffffffc7fffffeu };

	if (n == 0 || s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.' ? s[i + 1] == '.'
		             : c >= 128 || !(atext[c >> 6] >> (c & 63) & 1))
			return 0;
	}
	return 1;
}

/* The address at OFF of A's buffer into A->i[A->n]. -1/ENOMEM. */
static int
addr_info(struct md_sieve_addrs *a, size_t off)
{
	const char *s = a->buf + off, *at;
	struct md_sieve_addr *ai;

	if (a->n == a->icap) {
		size_t cap = a->icap ? 2 * a->icap : 4;

		if ((ai = reallocarray(a->i, cap, sizeof(*ai))) == NULL)
			return -1;
		a->i = ai;
		a->icap = cap;
	}
	ai = &a->i[a->n];
	ai->off = off;
	ai->len = strlen(s);
	at = memrchr(s, '@', ai->len);
	ai->at = at != NULL;
	ai->local = at ? (size_t)(at - s) : ai->len;
	ai->dot = (unsigned char)dot_atom(s, ai->local);
	if (ai->len < 1024) { /* as md_addr_next gives them */
		char low[1024];

		md_sieve_lower(low, s, ai->len);
		md_sieve_bytes(low, ai->len, ai->bytes);
	} else /* all: nothing ruled out */
		ai->bytes[0] = ai->bytes[1] = ~(uint64_t)0;
	return 0;
}

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
		if (addr_info(a, used) < 0)
			return -1;
		used += a->i[a->n].len + 1;
		a->n++;
	}
}

void
md_sieve_fields_reset(struct md_sieve_fields *c)
{
	for (size_t i = 0; i < c->used; i++) {
		c->e[i].name[0] = '\0';
		c->e[i].key = NULL;
		c->e[i].n = 0;
		c->e[i].gen++;
		c->key[i] = NULL;
	}
	c->used = c->next = 0;
	c->indexed = 0;
}

void
md_sieve_fields_free(struct md_sieve_fields *c)
{
	free(c->chain);
	for (size_t i = 0; i < MD_SIEVE_FIELDS; i++) {
		struct md_sieve_field *e = &c->e[i];

		for (size_t k = 0; k < e->acap; k++) {
			free(e->abuf[k].buf);
			free(e->abuf[k].i);
		}
		free(e->abuf);
		free(e->v);
		free(e->lv);
		free(e->bytes);
		free(e->off);
		free(e->text);
		free(e->low);
	}
	memset(c, 0, sizeof(*c));
}

/* Room in E for one more value (its offset, its addresses) and NEED
 * more bytes of text after the USED ones. -1/ENOMEM. */
static int
room(struct md_sieve_field *e, size_t k, size_t used, size_t need)
{
	if (k == e->vcap) {
		size_t cap = e->vcap ? 2 * e->vcap : 4;
		size_t *off = reallocarray(e->off, cap, sizeof(*off));
		struct md_sieve_addrs *a;
		uint64_t(*b)[2];
		char **v;

		if (off == NULL)
			return -1;
		e->off = off;
		if ((v = reallocarray(e->v, cap, sizeof(*v))) == NULL)
			return -1;
		e->v = v;
		if ((v = reallocarray(e->lv, cap, sizeof(*v))) == NULL)
			return -1;
		e->lv = v;
		if ((b = reallocarray(e->bytes, cap, sizeof(*b))) == NULL)
			return -1;
		e->bytes = b;
		if ((a = reallocarray(e->abuf, cap, sizeof(*a))) == NULL)
			return -1;
		memset(a + e->acap, 0, (cap - e->acap) * sizeof(*a));
		e->abuf = a;
		e->vcap = e->acap = cap;
	}
	if (e->textcap - used < need) {
		/* twice as much, for few reallocs over many messages */
		size_t cap = 2 * (used + need) > 256 ? 2 * (used + need) : 256;
		char *t = realloc(e->text, cap);

		if (t == NULL)
			return -1;
		e->text = t;
		if ((t = realloc(e->low, cap)) == NULL)
			return -1;
		e->low = t;
		e->textcap = cap;
	}
	return 0;
}

/* A field name's bucket: its first letter in either case (others share). */
#define BUCKET(c) (((unsigned char)(c) | 0x20) & (MD_SIEVE_BUCKETS - 1))

/* H's fields by the first letter of their names, once a message: a miss
 * looks at those of its own letter, not at all. -1/ENOMEM. */
static int
index_names(struct md_sieve_fields *c, const struct md_header *h)
{
	if (h->nf > c->chaincap) {
		uint32_t *ch = reallocarray(c->chain, h->nf, sizeof(*ch));

		if (ch == NULL)
			return -1;
		c->chain = ch;
		c->chaincap = h->nf;
	}
	memset(c->head, 0, sizeof(c->head));
	for (size_t i = h->nf; i-- > 0;) { /* each before those after */
		uint32_t *b = &c->head[BUCKET(h->buf[h->f[i].name])];

		c->chain[i] = *b;
		*b = (uint32_t)(i + 1);
	}
	c->indexed = 1;
	return 0;
}

/* The values of NAME into E: as md_header_field gives them, decoded by
 * md_decode_text when D is not NULL, else with their addresses; each
 * cut to MD_SIEVE_VALUE. One pass over
 * the fields (md_header_field looks from the first for each). Its own
 * function: only a miss pays for RAW. */
static __attribute__((noinline)) int
fill(struct md_sieve_fields *c, struct md_sieve_field *e,
    const struct md_header *h, struct md_decoder *d, const char *name)
{
	char raw[MD_SIEVE_VALUE], text[MD_SIEVE_VALUE];
	size_t len = strlen(name), k = 0, used = 0, n;

	/* only the fields whose names begin as NAME does, in order */
	for (uint32_t at = c->head[BUCKET(name[0])]; at != 0;
	     at = c->chain[at - 1]) {
		size_t i = at - 1;
		const char *fn = h->buf + h->f[i].name;

		/* letters differ in case by bit 5 alone: a cheap first test */
		if (h->f[i].namelen != len ||
		    ((fn[0] ^ name[0]) & ~0x20) != 0 ||
		    strncasecmp(fn, name, len) != 0)
			continue;
		n = md_header_value(h, i, raw, MD_SIEVE_VALUE);
		if (d != NULL)
			n = md_decode_text(d, raw, n, text, MD_SIEVE_VALUE);
		if (room(e, k, used, n + 1) < 0)
			return -1;
		e->off[k] = used;
		memcpy(e->text + used, d != NULL ? text : raw, n + 1);
		used += n + 1;
		k++;
	}
	/* the text has its place now: the values' pointers into it */
	for (size_t j = 0; j < k; j++) {
		e->v[j] = e->text + e->off[j];
		e->lv[j] = NULL; /* md_sieve_field_lower's */
	}
	e->used = used;
	e->lowered = 0;
	e->n = k;
	e->a = d == NULL ? e->abuf : NULL;
	for (size_t j = 0; d == NULL && j < k; j++) /* addresses, once */
		if (md_sieve_addrs(e->v[j], &e->abuf[j]) < 0)
			return -1;
	return 0;
}

void
md_sieve_field_lower(struct md_sieve_field *e)
{
	if (e->lowered || !e->decoded)
		return;
	md_sieve_lower(e->low, e->text, e->used);
	for (size_t j = 0; j < e->n; j++) {
		e->lv[j] = e->low + e->off[j];
		md_sieve_bytes(e->lv[j],
		    (j + 1 < e->n ? e->off[j + 1] : e->used) - e->off[j] - 1,
		    e->bytes[j]);
	}
	e->lowered = 1;
}

/* Is E the field NAME? */
static int
same(const struct md_sieve_field *e, const char *name, int decoded)
{
	return e->decoded == decoded &&
	       (e->name[0] | 0x20) == (name[0] | 0x20) &&
	       strcasecmp(e->name, name) == 0;
}

/* The entry of NAME, or C->used. (An expanded name is compared, never
 * its address: its memory is used again for another.) */
static size_t
find(const struct md_sieve_fields *c, const char *name, int decoded)
{
	size_t i;

	for (i = 0; i < c->used; i++)
		if (same(&c->e[i], name, decoded))
			break;
	return i;
}

/* NAME not kept: its values into an entry, the oldest when all are
 * taken. Apart from md_sieve_fields_get, whose hit is then cheap. */
static __attribute__((noinline)) size_t
miss(struct md_sieve_fields *c, const struct md_header *h, struct md_decoder *d,
    const char *name, int fixed)
{
	struct md_sieve_field *e;
	size_t i, len = strlen(name);

	if (len >= sizeof(e->name))
		i = MD_SIEVE_FIELDS - 1; /* no real field: not kept */
	else if (c->used < MD_SIEVE_FIELDS)
		i = c->used++;
	else
		i = c->next++ % MD_SIEVE_FIELDS;
	e = &c->e[i];
	e->name[0] = '\0';
	e->key = c->key[i] = NULL;
	e->n = 0;
	e->gen++;
	if ((!c->indexed && index_names(c, h) < 0) ||
	    fill(c, e, h, d, name) < 0) {
		e->n = 0;
		return SIZE_MAX;
	}
	if (len < sizeof(e->name)) {
		memcpy(e->name, name, len + 1);
		e->key = fixed ? name : NULL;
	}
	e->decoded = d != NULL;
	return i;
}

/* md_sieve_fields_get when NAME is no fixed one kept: by its name, else
 * its values found. */
static __attribute__((noinline)) int
get(struct md_sieve_fields *c, const struct md_header *h, struct md_decoder *d,
    const char *name, int fixed, const struct md_sieve_field **f)
{
	size_t i = find(c, name, d != NULL);

	if (i == c->used && (i = miss(c, h, d, name, fixed)) == SIZE_MAX)
		return -1;
	c->key[i] = c->e[i].key;
	c->dec[i] = (unsigned char)c->e[i].decoded;
	*f = &c->e[i];
	return 0;
}

int
md_sieve_fields_get(struct md_sieve_fields *c, const struct md_header *h,
    struct md_decoder *d, const char *name, int fixed,
    const struct md_sieve_field **f)
{
	/* A FIXED name is found by its address: a script's own string, the
	 * same for every rule on that field. The addresses side by side,
	 * apart from the entries, for a short walk. */
	if (fixed)
		for (size_t i = 0; i < c->used; i++)
			if (c->key[i] == name && c->dec[i] == (d != NULL)) {
				*f = &c->e[i];
				return 0;
			}
	return get(c, h, d, name, fixed, f);
}
