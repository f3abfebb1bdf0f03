/*
 * cachewrite.c: building the header cache (entries added, one builder
 * per reader thread merged), encoding it (index sorted by key, entries
 * kept in the order added, the checksum fed as it goes) and writing it,
 * through tmp/ and a rename over the old one (commit.c). The format is
 * in cacheread.c and, byte for byte, in mdkit(7).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cachefmt.h"
#include "internal.h"

/* ---- building ---- */

void
md_cache_build_init(struct md_cache_build *b)
{
	memset(b, 0, sizeof(*b));
}

void
md_cache_build_free(struct md_cache_build *b)
{
	free(b->data);
	free(b->rec);
	md_cache_build_init(b);
}

static int
grow(struct md_cache_build *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 65536;
	unsigned char *p;

	if (need <= b->cap)
		return 0;
	while (cap < need)
		cap *= 2;
	if ((p = realloc(b->data, cap)) == NULL)
		return -1;
	b->data = p;
	b->cap = cap;
	return 0;
}

static void
put_str(struct md_cache_build *b, const char *p, size_t n)
{
	b->data[b->len] = (unsigned char)n;
	b->data[b->len + 1] = (unsigned char)(n >> 8);
	if (n > 0) /* P may be NULL then */
		memcpy(b->data + b->len + 2, p, n);
	b->len += 2 + n;
}

int
md_cache_add(struct md_cache_build *b, const char *base, size_t n,
    const struct md_summary *s)
{
	size_t need = FIXED + 2 * NSTR + n;
	struct md_cache_rec *r;

	if (n == 0 || n > UINT16_MAX) {
		errno = EINVAL;
		return -1;
	}
	for (int k = 0; k < MD_S_N; k++) {
		if (s->s[k].n > UINT16_MAX) {
			errno = EINVAL;
			return -1;
		}
		need += s->s[k].n;
	}
	if (b->n == b->rcap) {
		size_t cap = b->rcap ? b->rcap * 2 : 1024;

		if ((r = reallocarray(b->rec, cap, sizeof(*r))) == NULL)
			return -1;
		b->rec = r;
		b->rcap = cap;
	}
	if (grow(b, b->len + need) == -1)
		return -1;
	r = &b->rec[b->n++];
	r->hash = md_cache_base_hash(base, n);
	r->off = b->len;
	r->len = need;
	put64(b->data + b->len, s->size);
	put64(b->data + b->len + 8, (uint64_t)s->mtime);
	put64(b->data + b->len + 16, (uint64_t)s->date);
	b->len += FIXED;
	put_str(b, base, n);
	for (int k = 0; k < MD_S_N; k++)
		put_str(b, s->s[k].p, s->s[k].n);
	return 0;
}

int
md_cache_build_merge(
    struct md_cache_build *b, const struct md_cache_build *from)
{
	if (b->n + from->n > b->rcap) {
		size_t cap = b->n + from->n;
		struct md_cache_rec *r = reallocarray(b->rec, cap, sizeof(*r));

		if (r == NULL)
			return -1;
		b->rec = r;
		b->rcap = cap;
	}
	if (from->len > 0) {
		if (grow(b, b->len + from->len) == -1)
			return -1;
		memcpy(b->data + b->len, from->data, from->len);
	}
	for (size_t i = 0; i < from->n; i++) {
		b->rec[b->n] = from->rec[i];
		b->rec[b->n++].off += b->len;
	}
	b->len += from->len;
	return 0;
}

/* The base of a record: right after its fixed part and length. */
static const char *
rec_base(const unsigned char *data, const struct md_cache_rec *r, size_t *n)
{
	const unsigned char *p = data + r->off + FIXED;

	*n = (size_t)p[0] | (size_t)p[1] << 8;
	return (const char *)p + 2;
}

static int
rec_cmp(const void *x, const void *y, void *data)
{
	const struct md_cache_rec *a = x, *b = y;
	size_t na, nb;
	const char *pa = rec_base(data, a, &na);
	const char *pb = rec_base(data, b, &nb);
	int d = md_cache_key_cmp(a->hash, pa, na, b->hash, pb, nb);

	/* Equal bases: the first added wins, so keep them in order. */
	return d != 0 ? d : (a->off > b->off) - (a->off < b->off);
}

/* Sort the records and drop repeated bases (the later ones). */
static void
sort_recs(struct md_cache_build *b)
{
	size_t out = 0;

	if (b->n > 0)
		qsort_r(b->rec, b->n, sizeof(*b->rec), rec_cmp, b->data);
	for (size_t i = 0; i < b->n; i++) {
		size_t na, nb;
		const char *pa, *pb;

		if (out > 0) {
			pa = rec_base(b->data, &b->rec[out - 1], &na);
			pb = rec_base(b->data, &b->rec[i], &nb);
			if (na == nb && memcmp(pa, pb, na) == 0)
				continue;
		}
		b->rec[out++] = b->rec[i];
	}
	b->n = out;
}

static int
off_cmp(const void *x, const void *y, void *rec)
{
	const struct md_cache_rec *r = rec;
	size_t a = r[*(const size_t *)x].off, b = r[*(const size_t *)y].off;

	return (a > b) - (a < b);
}

/* Close up the data behind the entries sort_recs dropped, the kept ones
 * staying in the order they were added: the order a listing reads them
 * in, so that it walks the file forwards. */
static int
compact(struct md_cache_build *b)
{
	size_t total = 0, at = 0, *ix;

	for (size_t i = 0; i < b->n; i++)
		total += b->rec[i].len;
	if (total == b->len)
		return 0; /* nothing was dropped */
	if ((ix = reallocarray(NULL, b->n + 1, sizeof(*ix))) == NULL)
		return -1;
	for (size_t i = 0; i < b->n; i++)
		ix[i] = i;
	qsort_r(ix, b->n, sizeof(*ix), off_cmp, b->rec);
	for (size_t i = 0; i < b->n; i++) {
		struct md_cache_rec *r = &b->rec[ix[i]];

		memmove(b->data + at, b->data + r->off, r->len);
		r->off = at;
		at += r->len;
	}
	b->len = at;
	free(ix);
	return 0;
}

/* The file in three pieces: the header and index (malloc'd), the
 * entries (the builder's own data) and the trailer. */
struct pieces {
	unsigned char *head;
	size_t headlen;
	unsigned char trail[TRAIL];
};

static int
encode(struct md_cache_build *b, struct pieces *o)
{
	struct md_cache_sumstate sum;
	unsigned char *p;

	sort_recs(b);
	if (compact(b) == -1)
		return -1;
	o->headlen = HEAD + b->n * REC;
	if (b->n > UINT32_MAX || o->headlen + b->len + TRAIL > UINT32_MAX) {
		errno = EFBIG; /* offsets are 32 bits */
		return -1;
	}
	if ((o->head = p = malloc(o->headlen)) == NULL)
		return -1;
	memcpy(p, MAGIC, 8);
	put32(p + 8, MD_CACHE_VERSION);
	put32(p + 12, (uint32_t)b->n);
	put64(p + 16, o->headlen + b->len + TRAIL);
	for (size_t i = 0; i < b->n; i++) {
		unsigned char *r = p + HEAD + i * REC;

		put64(r, b->rec[i].hash);
		put32(r + 8, (uint32_t)(o->headlen + b->rec[i].off));
		put32(r + 12, (uint32_t)b->rec[i].len);
	}
	md_cache_sum_init(&sum);
	md_cache_sum_add(&sum, p, o->headlen);
	md_cache_sum_add(&sum, b->data, b->len);
	put64(o->trail, md_cache_sum_end(&sum));
	return 0;
}

int
md_cache_encode(struct md_cache_build *b, unsigned char **out, size_t *len)
{
	struct pieces o;
	unsigned char *p;

	if (encode(b, &o) == -1)
		return -1;
	*len = o.headlen + b->len + TRAIL;
	if ((p = malloc(*len)) == NULL) {
		free(o.head);
		return -1;
	}
	memcpy(p, o.head, o.headlen);
	if (b->len > 0)
		memcpy(p + o.headlen, b->data, b->len);
	memcpy(p + o.headlen + b->len, o.trail, TRAIL);
	free(o.head);
	*out = p;
	return 0;
}

/* Written in tmp/, synced, renamed over the old cache, the root synced. */
static int
write_file(const struct md_maildir *m, const struct md_cache_build *b,
    const struct pieces *o, struct md_namegen *g, struct md_err *e)
{
	struct md_tmp *t;
	int rc = -1;

	if ((t = malloc(sizeof(*t))) == NULL)
		return md_err_set(e, "malloc", m->path, NULL);
	if (md_tmp_create(t, m, g, e) == -1) {
		free(t);
		return -1;
	}
	if (md_tmp_write(t, o->head, o->headlen, e) == 0 &&
	    (b->len == 0 || md_tmp_write(t, b->data, b->len, e) == 0) &&
	    md_tmp_write(t, o->trail, TRAIL, e) == 0 &&
	    md_tmp_finish(t, NULL, e) == 0 &&
	    md_tmp_replace(t, MD_CACHE_NAME, e) == 0)
		rc = 0;
	md_tmp_remove(t);
	free(t);
	return rc;
}

int
md_cache_write(struct md_cache_build *b, const char *dir, struct md_namegen *g,
    struct md_err *e)
{
	struct md_maildir m;
	struct pieces o;
	int rc;

	if (encode(b, &o) == -1)
		return md_err_set(e, "encode", dir, MD_CACHE_NAME);
	if (md_replace_open(&m, dir, e) == -1) {
		free(o.head);
		return -1;
	}
	rc = write_file(&m, b, &o, g, e);
	md_maildir_close(&m);
	free(o.head);
	return rc;
}
