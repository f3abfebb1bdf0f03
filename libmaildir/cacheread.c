/*
 * cacheread.c: the header cache file, MAILDIR/mdkit-cache, as readers
 * use it: mapped, checked, looked up and walked; its checksum and the
 * order of its keys (cachewrite.c builds and writes it). The format is
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
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cachefmt.h"
#include "internal.h"

/* ---- the checksum and the order of keys ---- */

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
 */
void
md_cache_sum_init(struct md_cache_sumstate *s)
{
	*s = (struct md_cache_sumstate){ .a = { K1, K2, ~K1, ~K2 } };
}

static void
sum_block(struct md_cache_sumstate *s, const unsigned char *p)
{
	for (int j = 0; j < 4; j++)
		s->a[j] = rotl((s->a[j] ^ get64(p + 8 * j)) * K1, 31);
}

void
md_cache_sum_add(struct md_cache_sumstate *s, const unsigned char *p, size_t n)
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

uint64_t
md_cache_sum_end(struct md_cache_sumstate *s)
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
	struct md_cache_sumstate s;

	md_cache_sum_init(&s);
	md_cache_sum_add(&s, p, len);
	return md_cache_sum_end(&s);
}

/* The same function: a few dozen cycles for a base where a
 * byte-at-a-time hash (FNV-1a, version 1) took hundreds. */
uint64_t
md_cache_base_hash(const char *b, size_t n)
{
	return md_cache_sum((const unsigned char *)b, n);
}

int
md_cache_key_cmp(uint64_t ha, const char *a, size_t na, uint64_t hb,
    const char *b, size_t nb)
{
	int d;

	if (ha != hb)
		return ha < hb ? -1 : 1;
	d = memcmp(a, b, na < nb ? na : nb);
	if (d != 0)
		return d;
	return na < nb ? -1 : na > nb;
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
	if (hash_at(c, i) != md_cache_base_hash(base.p, base.n))
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
		if (md_cache_key_cmp(ha, a.p, a.n, hb, b.p, b.n) >= 0)
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
		uint64_t h = md_cache_base_hash(base[i], len[i]);

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
