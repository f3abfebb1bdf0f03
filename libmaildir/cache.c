/*
 * cache.c: the header cache file, MAILDIR/mdkit-cache. The format is
 * documented byte for byte in mdkit(7) so that other tools can read it:
 *
 *	header	"mdkit-hc", u32 version, u32 entries N, u64 file length
 *	index	N x (u64 hash of the base, u32 offset, u32 length),
 *		sorted by hash, then base
 *	entries	in any order (md-index: the order of the directory, which
 *		is the order a listing looks them up in, so that it
 *		reads the file forwards); each one
 *		u64 size, i64 mtime, i64 date, then the base and the
 *		MD_S_N fields, each a u16 length and that many bytes
 *	trailer	u64 md_cache_sum() of everything before it
 *
 * Integers are little-endian. A reader checks the header, the checksum
 * and that every index record lies inside the file when it maps it, and
 * each entry when it uses it (md_cache_check: all of them at once).
 * Writers never change a cache in place: a complete new file replaces
 * it by rename(2), so a reader's map is never torn.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "maildir.h"

#define MAGIC "mdkit-hc"
#define HEAD 24           /* magic, version, count, length */
#define REC 16            /* hash, offset, length */
#define FIXED 24          /* size, mtime, date */
#define NSTR (1 + MD_S_N) /* the base, then the fields */
#define TRAIL 8

struct md_cache_rec {
	uint64_t hash;
	size_t off, len; /* in the builder's data */
};

/* ---- little-endian integers ---- */

static uint64_t
get64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8); /* one load where the CPU allows it */
	return le64toh(v);
}

static uint32_t
get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return le32toh(v);
}

static void
put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++, v >>= 8)
		p[i] = (unsigned char)v;
}

static void
put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++, v >>= 8)
		p[i] = (unsigned char)v;
}

/* ---- hashes ---- */

#define K1 0x9e3779b97f4a7c15ULL
#define K2 0xc2b2ae3d27d4eb4fULL

static uint64_t
rotl(uint64_t v, int r)
{
	return v << r | v >> (64 - r);
}

/*
 * Four lanes over the little-endian 64-bit words (the last one padded
 * with zero bytes), word i into lane i mod 4; then the length and the
 * lanes mixed in. Each step is invertible, so any change to one word is
 * always seen; four lanes let the multiplies overlap (GB/s, not MB/s).
 * Fed in pieces, so that a writer need not join the file in memory.
 */
struct sum {
	uint64_t a[4];
	unsigned char buf[32]; /* a block begun in an earlier piece */
	size_t nbuf, len;
};

static void
sum_init(struct sum *s)
{
	*s = (struct sum){ .a = { K1, K2, ~K1, ~K2 } };
}

static void
sum_block(struct sum *s, const unsigned char *p)
{
	for (int j = 0; j < 4; j++)
		s->a[j] = rotl((s->a[j] ^ get64(p + 8 * j)) * K1, 31);
}

static void
sum_add(struct sum *s, const unsigned char *p, size_t n)
{
	s->len += n;
	if (n == 0)
		return; /* P may be NULL */
	if (s->nbuf > 0) {
		size_t k = n < 32 - s->nbuf ? n : 32 - s->nbuf;

		memcpy(s->buf + s->nbuf, p, k);
		s->nbuf += k;
		p += k;
		n -= k;
		if (s->nbuf < 32)
			return;
		sum_block(s, s->buf);
		s->nbuf = 0;
	}
	for (; n >= 32; p += 32, n -= 32)
		sum_block(s, p);
	memcpy(s->buf, p, n);
	s->nbuf = n;
}

static uint64_t
sum_end(struct sum *s)
{
	uint64_t h = s->len;

	for (size_t i = 0, w = 0; i < s->nbuf; i += 8, w++) {
		unsigned char last[8] = { 0 };

		memcpy(last, s->buf + i, s->nbuf - i < 8 ? s->nbuf - i : 8);
		s->a[w] = rotl((s->a[w] ^ get64(last)) * K1, 31);
	}
	for (int j = 0; j < 4; j++) {
		h = (h ^ s->a[j]) * K2;
		h ^= h >> 29;
	}
	return h;
}

uint64_t
md_cache_sum(const unsigned char *p, size_t len)
{
	struct sum s;

	sum_init(&s);
	sum_add(&s, p, len);
	return sum_end(&s);
}

/* The key of a base in the index: the same function, a few dozen cycles
 * for a base where a byte-at-a-time hash (FNV-1a, version 1) took
 * hundreds. */
static uint64_t
base_hash(const char *b, size_t n)
{
	return md_cache_sum((const unsigned char *)b, n);
}

/* ---- reading ---- */

/* Entry I's offset and length, from the index. */
static void
rec_at(const struct md_cache *c, uint32_t i, size_t *off, size_t *len)
{
	const unsigned char *r = c->map + HEAD + (size_t)i * REC;

	*off = get32(r + 8);
	*len = get32(r + 12);
}

/* Record I's hash. */
static uint64_t
hash_at(const struct md_cache *c, size_t i)
{
	return get64(c->map + HEAD + i * REC);
}

/* Split the entry of LEN bytes at P; -1 when its strings do not fill it
 * exactly. */
static int
split(const unsigned char *p, size_t len, struct md_str *base,
    struct md_summary *s)
{
	size_t at = FIXED;

	if (len < FIXED)
		return -1;
	s->size = get64(p);
	s->mtime = (int64_t)get64(p + 8);
	s->date = (int64_t)get64(p + 16);
	for (int k = 0; k < NSTR; k++) {
		struct md_str *t = k == 0 ? base : &s->s[k - 1];

		if (len - at < 2)
			return -1;
		t->n = (size_t)p[at] | (size_t)p[at + 1] << 8;
		t->p = (const char *)p + at + 2;
		at += 2;
		if (len - at < t->n)
			return -1;
		at += t->n;
	}
	return at == len ? 0 : -1;
}

/* Below 0 when A sorts before B, 0 when equal, above 0 when after:
 * by hash, then base bytes, then length. */
static int
key_cmp(uint64_t ha, const char *a, size_t na, uint64_t hb, const char *b,
    size_t nb)
{
	int d;

	if (ha != hb)
		return ha < hb ? -1 : 1;
	d = memcmp(a, b, na < nb ? na : nb);
	if (d != 0)
		return d;
	return na < nb ? -1 : na > nb;
}

static int
bad(const char **why, const char *what, int err)
{
	*why = what;
	errno = err;
	return -1;
}

/* Every index record points inside the entries. What an entry holds is
 * checked when it is used (md_cache_entry) or by md_cache_check: a
 * listing then touches each entry once, not twice. */
static int
check_index(const struct md_cache *c, const char **why)
{
	size_t start = HEAD + (size_t)c->n * REC, end = c->len - TRAIL;

	for (uint32_t i = 0; i < c->n; i++) {
		size_t off, len;

		rec_at(c, i, &off, &len);
		if (off < start || off > end || len > end - off)
			return bad(why, "an entry out of bounds", EBADMSG);
	}
	return 0;
}

/* The top bits of H that pick its bucket (none when there is one). */
static uint32_t
prefix(const struct md_cache *c, uint64_t h)
{
	return c->shift == 64 ? 0 : (uint32_t)(h >> c->shift);
}

/*
 * The start of each bucket of records by the top bits of their hashes,
 * about four records a bucket: a lookup reads one line of the table
 * (small enough to stay in the CPU's cache) and one or two of the index,
 * where a search of the index itself misses the cache at every step.
 * Built from the index as it is: if a writer left it unsorted, lookups
 * miss (and files are read), nothing worse.
 */
static int
make_buckets(struct md_cache *c)
{
	uint32_t nb = 1, b = 0;

	c->shift = 64;
	while (nb < c->n / 4) {
		nb *= 2;
		c->shift--;
	}
	if ((c->bucket = reallocarray(NULL, (size_t)nb + 1, 4)) == NULL)
		return -1;
	for (uint32_t i = 0; i < c->n; i++) {
		uint32_t k = prefix(c, hash_at(c, i));

		while (b <= k)
			c->bucket[b++] = i;
	}
	while (b <= nb)
		c->bucket[b++] = c->n;
	return 0;
}

/* Record I's entry: whole, under the key of its base. */
static int
check_entry(const struct md_cache *c, uint32_t i, const char **why)
{
	struct md_summary s;
	struct md_str base;

	if (md_cache_entry(c, i, &base, &s) == -1)
		return bad(why, "a malformed entry", EBADMSG);
	if (hash_at(c, i) != base_hash(base.p, base.n))
		return bad(why, "an entry under the wrong key", EBADMSG);
	return 0;
}

int
md_cache_check(const struct md_cache *c, const char **why)
{
	struct md_cache_walk w;
	int rc = 0;

	/* Every entry, in the order of the file where memory allows: read
	 * forwards, not in the random order of the keys. */
	if (md_cache_walk_init(&w, c) == 0) {
		for (size_t k = 0; k < c->n && rc == 0; k++)
			rc = check_entry(c, w.spot[k].rec, why);
		md_cache_walk_free(&w);
	} else
		for (uint32_t i = 0; i < c->n && rc == 0; i++)
			rc = check_entry(c, i, why);
	if (rc == -1)
		return -1;
	/* The records in order: by key, and by base where keys are equal. */
	for (uint32_t i = 1; i < c->n; i++) {
		struct md_summary s;
		struct md_str a, b;
		uint64_t ha = hash_at(c, i - 1), hb = hash_at(c, i);

		if (ha < hb)
			continue;
		md_cache_entry(c, i - 1, &a, &s); /* both checked above */
		md_cache_entry(c, i, &b, &s);
		if (key_cmp(ha, a.p, a.n, hb, b.p, b.n) >= 0)
			return bad(why, "entries out of order", EBADMSG);
	}
	return 0;
}

int
md_cache_load(struct md_cache *c, const void *buf, size_t len, const char **why)
{
	const unsigned char *p = buf;
	uint32_t version;

	memset(c, 0, sizeof(*c));
	if (len < 8 || memcmp(p, MAGIC, 8) != 0)
		return bad(why, "not a cache", EBADMSG);
	if (len < HEAD + TRAIL)
		return bad(why, "truncated", EBADMSG);
	if ((version = get32(p + 8)) != MD_CACHE_VERSION)
		return bad(why, "another version", ENOTSUP);
	if (get64(p + 16) != len)
		return bad(why,
		    get64(p + 16) > len ? "truncated" : "bytes after its end",
		    EBADMSG);
	if (get64(p + len - TRAIL) != md_cache_sum(p, len - TRAIL))
		return bad(why, "bad checksum", EBADMSG);
	c->map = p;
	c->len = len;
	c->n = get32(p + 12);
	if ((len - HEAD - TRAIL) / REC < c->n)
		bad(why, "an index longer than the file", EBADMSG);
	else if (check_index(c, why) == 0) {
		if (make_buckets(c) == 0)
			return 0;
		*why = "no memory";
	}
	memset(c, 0, sizeof(*c)); /* nothing of it to be used */
	return -1;
}

int
md_cache_open(struct md_cache *c, const char *dir, struct md_err *e)
{
	const char *why;
	struct stat st;
	void *map;
	int fd, saved;

	memset(c, 0, sizeof(*c));
	fd = openat(AT_FDCWD, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return md_err_set(e, "open", dir, NULL);
	saved = fd;
	fd = openat(fd, MD_CACHE_NAME, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	close(saved);
	if (fd == -1)
		return md_err_kind(e,
		    errno == ENOENT ? MD_ERR_NO_CACHE : MD_ERR_SYSTEM, "open",
		    dir, MD_CACHE_NAME);
	if (fstat(fd, &st) == -1) {
		md_err_set(e, "stat", dir, MD_CACHE_NAME);
		goto fail;
	}
	if (!S_ISREG(st.st_mode) || st.st_size == 0) {
		errno = EBADMSG; /* damaged: what a writer never leaves */
		md_err_kind(e, MD_ERR_DAMAGED,
		    S_ISREG(st.st_mode) ? "empty" : "not a file", dir,
		    MD_CACHE_NAME);
		goto fail;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	saved = errno;
	close(fd);
	if (map == MAP_FAILED) {
		errno = saved;
		return md_err_set(e, "mmap", dir, MD_CACHE_NAME);
	}
	if (md_cache_load(c, map, (size_t)st.st_size, &why) == -1) {
		saved = errno;
		munmap(map, (size_t)st.st_size);
		errno = saved;
		/* ENOMEM is of the lookup table, not of the file. */
		return md_err_kind(e,
		    saved == ENOMEM ? MD_ERR_SYSTEM : MD_ERR_DAMAGED, why, dir,
		    MD_CACHE_NAME);
	}
	c->mapped = 1;
	return 0;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

void
md_cache_close(struct md_cache *c)
{
	free(c->bucket);
	if (c->mapped)
		munmap((void *)c->map, c->len);
	memset(c, 0, sizeof(*c));
}

int
md_cache_entry(const struct md_cache *c, uint32_t i, struct md_str *base,
    struct md_summary *s)
{
	size_t off, len;

	rec_at(c, i, &off, &len); /* in bounds: checked when loaded */
	if (split(c->map + off, len, base, s) == -1 || base->n == 0) {
		errno = EBADMSG;
		return -1;
	}
	return 0;
}

/* The records whose hashes share H's top bits: [*lo, return). */
static size_t
bucket_of(const struct md_cache *c, uint64_t h, size_t *lo)
{
	uint32_t k = prefix(c, h);

	*lo = c->bucket[k];
	return c->bucket[k + 1];
}

/* The first record with a hash >= H (c->n when none): in H's bucket,
 * or the next bucket's first. */
static size_t
lower_bound(const struct md_cache *c, uint64_t h)
{
	size_t lo, hi = bucket_of(c, h, &lo);

	while (lo < hi && hash_at(c, lo) < h)
		lo++;
	return lo;
}

/* The index of base B (N bytes, hash H), searched from record AT (the
 * first with a hash >= H), or -1; the entry itself is not split. */
static long
find_from(
    const struct md_cache *c, size_t at, uint64_t h, const char *b, size_t n)
{
	for (size_t i = at; i < c->n && hash_at(c, i) == h; i++) {
		size_t off, len;
		const unsigned char *p;

		rec_at(c, (uint32_t)i, &off, &len);
		p = c->map + off + FIXED; /* the base's length, then it */
		if (len >= FIXED + 2 + n &&
		    ((size_t)p[0] | (size_t)p[1] << 8) == n &&
		    memcmp(p + 2, b, n) == 0)
			return (long)i;
	}
	return -1;
}

long
md_cache_find(
    const struct md_cache *c, const char *b, size_t n, struct md_summary *s)
{
	struct md_str base;
	long i;

	md_cache_find_n(c, &b, &n, 1, &i);
	if (i >= 0 && md_cache_entry(c, (uint32_t)i, &base, s) == -1)
		return -1; /* a malformed entry: as if there were none */
	return i;
}

void
md_cache_find_n(const struct md_cache *c, const char *const *base,
    const size_t *len, size_t n, long *idx)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t h = base_hash(base[i], len[i]);

		idx[i] = c->n > 0 ? find_from(c, lower_bound(c, h), h, base[i],
		                        len[i])
		                  : -1;
	}
}

/* ---- walking: lookups in the order of the entries ---- */

/* Sort the spots by offset: LSD radix, 11 bits a pass (offsets are
 * below 2^32), through TMP. */
static void
sort_spots(struct md_cache_spot *a, struct md_cache_spot *tmp, size_t n)
{
	for (int shift = 0; shift < 32; shift += 11) {
		size_t count[2049] = { 0 };

		for (size_t i = 0; i < n; i++)
			count[(a[i].off >> shift & 2047) + 1]++;
		for (size_t b = 1; b <= 2048; b++)
			count[b] += count[b - 1];
		for (size_t i = 0; i < n; i++)
			tmp[count[a[i].off >> shift & 2047]++] = a[i];
		memcpy(a, tmp, n * sizeof(*a));
	}
}

int
md_cache_walk_init(struct md_cache_walk *w, const struct md_cache *c)
{
	size_t n = c->n;
	struct md_cache_spot *tmp;

	memset(w, 0, sizeof(*w));
	w->c = c;
	w->spot = reallocarray(NULL, n + 1, sizeof(*w->spot));
	w->at = reallocarray(NULL, n + 1, sizeof(*w->at));
	tmp = reallocarray(NULL, n + 1, sizeof(*tmp));
	if (w->spot == NULL || w->at == NULL || tmp == NULL) {
		free(tmp);
		md_cache_walk_free(w);
		return -1;
	}
	for (uint32_t i = 0; i < n; i++) {
		size_t off, len;

		rec_at(c, i, &off, &len);
		w->spot[i] =
		    (struct md_cache_spot){ (uint32_t)off, (uint32_t)len, i };
	}
	sort_spots(w->spot, tmp, n);
	free(tmp);
	for (size_t k = 0; k < n; k++)
		w->at[w->spot[k].rec] = (uint32_t)k;
	return 0;
}

void
md_cache_walk_free(struct md_cache_walk *w)
{
	free(w->spot);
	free(w->at);
	memset(w, 0, sizeof(*w));
}

/* Is the base of the entry at spot K B (N bytes)? */
static int
spot_is(const struct md_cache_walk *w, size_t k, const char *b, size_t n)
{
	const struct md_cache_spot *e = &w->spot[k];
	const unsigned char *p = w->c->map + e->off + FIXED;

	return e->len >= FIXED + 2 + n &&
	       ((size_t)p[0] | (size_t)p[1] << 8) == n &&
	       memcmp(p + 2, b, n) == 0;
}

/*
 * md-index writes the entries in the order it found the messages, the
 * order a listing finds them in: the entry after the last one found is
 * tried first, a comparison of bases with no hash, no index record and
 * memory read forwards. Only when it is not the one is the index
 * searched, and the walk goes on from there.
 */
void
md_cache_walk_find_n(struct md_cache_walk *w, const char *const *base,
    const size_t *len, size_t n, long *idx)
{
	const struct md_cache *c = w->c;

	for (size_t i = 0; i < n; i++) {
		long r;

		if (w->next < c->n && spot_is(w, w->next, base[i], len[i])) {
			idx[i] = (long)w->next++;
			w->hits++;
			continue;
		}
		md_cache_find_n(c, base + i, len + i, 1, &r);
		idx[i] = r < 0 ? -1 : (long)w->at[r];
		if (r >= 0)
			w->next = (size_t)idx[i] + 1;
	}
}

int
md_cache_walk_entry(const struct md_cache_walk *w, long k, struct md_str *base,
    struct md_summary *s)
{
	const struct md_cache_spot *e = &w->spot[k];

	if (split(w->c->map + e->off, e->len, base, s) == -1 || base->n == 0) {
		errno = EBADMSG;
		return -1;
	}
	return 0;
}

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
	r->hash = base_hash(base, n);
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
	int d = key_cmp(a->hash, pa, na, b->hash, pb, nb);

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
	struct sum sum;
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
	sum_init(&sum);
	sum_add(&sum, p, o->headlen);
	sum_add(&sum, b->data, b->len);
	put64(o->trail, sum_end(&sum));
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
