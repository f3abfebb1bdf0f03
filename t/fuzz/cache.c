/*
 * Fuzz target "cache": the header cache reader (cacheread.c) over any
 * bytes, and what the writer (cachewrite.c) makes read back. The first
 * byte chooses:
 *   0  the rest is a cache file as it is (the checksum guards it);
 *   1  the same with its magic, version, length, entry count and
 *      checksum made right, so that the index and entries are reached;
 *   2  the rest describes entries: they are added, encoded and loaded;
 *   3  as 2, then the file changed and the checksum made right again:
 *      the second byte says how many changes (0-15) the input's end
 *      holds, three bytes each: an offset (little-endian) and a value
 *      for that byte, or, for the values 0 and 1, two index records
 *      (by the offset's bytes) swapped, or the first copied over the
 *      second.
 *
 * Invariants:
 *  - md_cache_load takes only what it can use: -1 with EBADMSG or
 *    ENOTSUP and a reason, or an index whose records all lie in the
 *    file; md_cache_entry, md_cache_find, md_cache_check and the walk
 *    never read outside it (a copy of just its size);
 *  - whatever md_cache_find or the walk answers has the base asked for;
 *    once md_cache_check passes, every entry is found where it is;
 *  - a cache encoded from entries loads and passes md_cache_check, has
 *    one entry per distinct base, finds each with the summary first
 *    added for it, and a walk in the order they were added finds every
 *    one by its first try.
 */
#include "cachefmt.h"
#include "fuzz.h"

static int
same_str(struct md_str a, const char *p, size_t n)
{
	return a.n == n && (n == 0 || memcmp(a.p, p, n) == 0);
}

static int
same_summary(const struct md_summary *a, const struct md_summary *b)
{
	if (a->size != b->size || a->mtime != b->mtime || a->date != b->date)
		return 0;
	for (int k = 0; k < MD_S_N; k++)
		if (!same_str(a->s[k], b->s[k].p, b->s[k].n))
			return 0;
	return 1;
}

/* Everything a reader does with the LEN bytes at BUF. */
static int
check_raw(const unsigned char *buf, size_t len)
{
	struct md_cache c;
	struct md_cache_walk w;
	const char *why = NULL;
	int checked;

	if (md_cache_load(&c, buf, len, &why) == -1) {
		FUZZ_CHECK(errno == EBADMSG || errno == ENOTSUP);
		FUZZ_CHECK(why != NULL);
		return -1;
	}
	FUZZ_CHECK(c.n <= (len - HEAD - TRAIL) / REC);
	checked = md_cache_check(&c, &why) == 0;
	FUZZ_CHECK(checked || (errno == EBADMSG && why != NULL));
	for (uint32_t i = 0; i < c.n; i++) {
		struct md_summary s, t;
		struct md_str base, b2;
		long j;

		if (md_cache_entry(&c, i, &base, &s) == -1) {
			FUZZ_CHECK(!checked && errno == EBADMSG);
			continue;
		}
		FUZZ_CHECK(base.n > 0);
		FUZZ_CHECK((const unsigned char *)base.p >= buf &&
		           (const unsigned char *)base.p + base.n <= buf + len);
		j = md_cache_find(&c, base.p, base.n, &t);
		FUZZ_CHECK(j >= -1 && j < (long)c.n);
		FUZZ_CHECK(!checked || j == (long)i);
		if (j >= 0) {
			FUZZ_CHECK(
			    md_cache_entry(&c, (uint32_t)j, &b2, &t) == 0);
			FUZZ_CHECK(same_str(b2, base.p, base.n));
		}
	}
	if (md_cache_walk_init(&w, &c) == 0) {
		for (size_t k = 0; k < c.n; k++) {
			struct md_summary s;
			struct md_str base, b2;
			long idx;

			if (md_cache_walk_entry(&w, (long)k, &base, &s) == -1) {
				FUZZ_CHECK(!checked);
				continue;
			}
			md_cache_walk_find_n(&w, &base.p, &base.n, 1, &idx);
			FUZZ_CHECK(idx >= -1 && idx < (long)c.n);
			FUZZ_CHECK(!checked || idx == (long)k);
			if (idx >= 0 &&
			    md_cache_walk_entry(&w, idx, &b2, &s) == 0)
				FUZZ_CHECK(same_str(b2, base.p, base.n));
		}
		md_cache_walk_free(&w);
	}
	md_cache_close(&c);
	return checked ? 0 : -1;
}

/* Magic, version, length, a possible count and the checksum made right. */
static void
fix(unsigned char *p, size_t len)
{
	if (len < HEAD + TRAIL)
		return;
	memcpy(p, MAGIC, 8);
	put32(p + 8, MD_CACHE_VERSION);
	put32(p + 12, get32(p + 12) % ((len - HEAD - TRAIL) / REC + 1));
	put64(p + 16, len);
	put64(p + len - TRAIL, md_cache_sum(p, len - TRAIL));
}

static void
raw(struct fuzz_in *in, int fixed)
{
	unsigned char *p = (unsigned char *)fuzz_dup(in->p, in->n);

	if (fixed)
		fix(p, in->n);
	check_raw(p, in->n);
	free(p);
}

#define MAX_ENTRIES 256

struct entry {
	const char *base;
	size_t n;
	struct md_summary s;
};

/* Entries from IN: a base (a byte for its length, 0-31, then it), a
 * byte saying which fields follow (a byte for the length, 0-63, then
 * it), and a byte for size, mtime and date. */
static void
built(struct fuzz_in *in, struct fuzz_in *changes)
{
	struct entry e[MAX_ENTRIES], uniq[MAX_ENTRIES];
	size_t ne = 0, nu = 0, len;
	struct md_cache_build b;
	struct md_cache c;
	struct md_cache_walk w;
	const char *why;
	unsigned char *file;
	const char *bases[MAX_ENTRIES];
	size_t lens[MAX_ENTRIES];
	long idx[MAX_ENTRIES];

	md_cache_build_init(&b);
	while (in->n > 0 && ne < MAX_ENTRIES) {
		struct entry *x = &e[ne];
		unsigned mask, v;
		size_t k;
		int r;

		x->base =
		    (const char *)fuzz_take(in, fuzz_byte(in) % 32, &x->n);
		mask = fuzz_byte(in);
		for (int f = 0; f < MD_S_N; f++) {
			struct md_str *t = &x->s.s[f];

			if (mask & 1u << (f % 8)) {
				t->p = (const char *)fuzz_take(
				    in, fuzz_byte(in) % 64, &t->n);
			} else {
				t->p = NULL;
				t->n = 0;
			}
		}
		v = fuzz_byte(in);
		x->s.size = (uint64_t)v * 1000003;
		x->s.mtime = (int64_t)(int8_t)v * 86400 * 366;
		x->s.date = (int64_t)(v * 7919) - 1000000;
		r = md_cache_add(&b, x->base, x->n, &x->s);
		if (x->n == 0) {
			FUZZ_CHECK(r == -1 && errno == EINVAL);
			continue;
		}
		FUZZ_CHECK(r == 0);
		for (k = 0; k < nu; k++)
			if (uniq[k].n == x->n &&
			    memcmp(uniq[k].base, x->base, x->n) == 0)
				break;
		if (k == nu)
			uniq[nu++] = *x;
		ne++;
	}
	FUZZ_CHECK(md_cache_encode(&b, &file, &len) == 0);
	FUZZ_CHECK(md_cache_load(&c, file, len, &why) == 0);
	FUZZ_CHECK(md_cache_check(&c, &why) == 0);
	FUZZ_CHECK(c.n == nu);
	for (size_t k = 0; k < nu; k++) {
		struct md_summary s;
		struct md_str base;
		long i = md_cache_find(&c, uniq[k].base, uniq[k].n, &s);

		FUZZ_CHECK(i >= 0);
		FUZZ_CHECK(same_summary(&s, &uniq[k].s));
		FUZZ_CHECK(md_cache_entry(&c, (uint32_t)i, &base, &s) == 0);
		FUZZ_CHECK(same_str(base, uniq[k].base, uniq[k].n));
		bases[k] = uniq[k].base;
		lens[k] = uniq[k].n;
	}
	FUZZ_CHECK(md_cache_walk_init(&w, &c) == 0);
	md_cache_walk_find_n(&w, bases, lens, nu, idx);
	FUZZ_CHECK(w.hits == nu);
	for (size_t k = 0; k < nu; k++) {
		struct md_summary s;
		struct md_str base;

		FUZZ_CHECK(idx[k] == (long)k);
		FUZZ_CHECK(md_cache_walk_entry(&w, idx[k], &base, &s) == 0);
		FUZZ_CHECK(same_str(base, bases[k], lens[k]));
		FUZZ_CHECK(same_summary(&s, &uniq[k].s));
	}
	md_cache_walk_free(&w);
	md_cache_close(&c);
	FUZZ_CHECK(check_raw(file, len) == 0);

	if (changes->n > 0 && len > HEAD + TRAIL) {
		unsigned char *m = (unsigned char *)fuzz_dup(file, len);

		while (changes->n >= 3) {
			size_t lo = fuzz_byte(changes), hi = fuzz_byte(changes);
			unsigned v = fuzz_byte(changes);

			if (v <= 1 && nu >= 2) {
				unsigned char *a = m + HEAD + lo % nu * REC;
				unsigned char *z = m + HEAD + hi % nu * REC;
				unsigned char r[REC];

				memcpy(r, z, REC);
				memcpy(z, a, REC);
				if (v == 0)
					memcpy(a, r, REC);
			} else
				m[(lo | hi << 8) % (len - TRAIL)] =
				    (unsigned char)v;
		}
		put64(m + len - TRAIL, md_cache_sum(m, len - TRAIL));
		check_raw(m, len);
		free(m);
	}
	free(file);
	md_cache_build_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	unsigned mode = fuzz_byte(&in) % 4;

	if (mode < 2)
		raw(&in, mode == 1);
	else {
		struct fuzz_in changes = { NULL, 0 };

		if (mode == 3) {
			changes.n = fuzz_byte(&in) % 16 * 3;
			if (changes.n > in.n)
				changes.n = in.n;
			in.n -= changes.n;
			changes.p = in.p + in.n;
		}
		built(&in, &changes);
	}
	return 0;
}
