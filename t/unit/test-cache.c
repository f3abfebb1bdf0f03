/* Unit tests for cacheread.c and cachewrite.c: entries survive encode and load
 * whole; every truncation, flipped bit, foreign version or crafted lie is
 * refused (never read past the bytes given); the file is written through tmp/
 * and a failed write leaves the old cache as it was. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"
#include "scratch.h"

/* The layout of mdkit(7), written out here on its own so that the tests
 * do not take the library's word for it. */
#define HEAD 24
#define REC 16
#define TRAIL 8

static struct md_namegen gen;

static void
le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++, v >>= 8)
		p[i] = (unsigned char)v;
}

static void
le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++, v >>= 8)
		p[i] = (unsigned char)v;
}

static uint32_t
rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* The key of a base, as mdkit(7) names it: the checksum of its bytes. */
static uint64_t
key(const char *p, size_t n)
{
	return md_cache_sum((const unsigned char *)p, n);
}

/* A new checksum for the LEN bytes at P, after they were changed. */
static void
reseal(unsigned char *p, size_t len)
{
	le64(p + len - TRAIL, md_cache_sum(p, len - TRAIL));
}

/* ---- summaries ---- */

static void
fill(struct md_summary *s, uint64_t size, int64_t mtime, int64_t date,
    const char *text)
{
	s->size = size;
	s->mtime = mtime;
	s->date = date;
	for (int k = 0; k < MD_S_N; k++) {
		s->s[k].p = text;
		s->s[k].n = strlen(text);
	}
}

static void
same(const struct md_summary *got, const struct md_summary *want)
{
	assert_int_equal(got->size, want->size);
	assert_int_equal(got->mtime, want->mtime);
	assert_int_equal(got->date, want->date);
	for (int k = 0; k < MD_S_N; k++) {
		assert_int_equal(got->s[k].n, want->s[k].n);
		assert_memory_equal(got->s[k].p, want->s[k].p, want->s[k].n);
	}
}

static void
add(struct md_cache_build *b, const char *base, const struct md_summary *s)
{
	assert_int_equal(md_cache_add(b, base, strlen(base), s), 0);
}

/* The entry for BASE matches WANT. */
static void
found(const struct md_cache *c, const char *base, const struct md_summary *want)
{
	struct md_summary s;

	assert_true(md_cache_find(c, base, strlen(base), &s) >= 0);
	same(&s, want);
}

static void
absent(const struct md_cache *c, const char *base, size_t n)
{
	struct md_summary s;

	assert_int_equal(md_cache_find(c, base, n, &s), -1);
}

/* Three entries, encoded, into *P and *LEN (the caller frees *P). */
static void
small_cache(unsigned char **p, size_t *len)
{
	struct md_cache_build b;
	struct md_summary s;

	md_cache_build_init(&b);
	fill(&s, 1234, 1000000000, 999999999, "alpha");
	add(&b, "1000000000.M1P1Q1.host", &s);
	fill(&s, 5, -1, INT64_MIN, "");
	add(&b, "1000000001.M2P2Q2.host", &s);
	fill(&s, UINT64_MAX, INT64_MAX, 0, "J\xc3\xb6rg <j@example.org>");
	add(&b, "b", &s);
	assert_int_equal(md_cache_encode(&b, p, len), 0);
	md_cache_build_free(&b);
}

/* What a listing does with a cache it loaded (checksum and index only):
 * every entry is whole or refused, and no read leaves the bytes. */
static void
use_all(const struct md_cache *c)
{
	unsigned sum = 0;

	for (uint32_t i = 0; i < c->n; i++) {
		struct md_summary s, t;
		struct md_str base;

		if (md_cache_entry(c, i, &base, &s) == -1) {
			assert_int_equal(errno, EBADMSG);
			continue;
		}
		assert_true(base.n > 0);
		for (int k = 0; k < MD_S_N; k++)
			for (size_t j = 0; j < s.s[k].n; j++)
				sum += (unsigned char)s.s[k].p[j];
		md_cache_find(c, base.p, base.n, &t); /* any answer */
	}
	(void)sum;
}

/* md_cache_load, then md_cache_check, of a private copy of exactly LEN
 * bytes (so that valgrind sees any read past them): the result, errno
 * in *ERR. */
static int
load_copy(const unsigned char *p, size_t len, int *err)
{
	unsigned char *q = malloc(len ? len : 1);
	struct md_cache c;
	const char *why = NULL;
	int rc;

	assert_non_null(q);
	if (len > 0)
		memcpy(q, p, len);
	errno = 0;
	rc = md_cache_load(&c, q, len, &why);
	if (rc == 0) {
		use_all(&c);
		errno = 0;
		rc = md_cache_check(&c, &why);
	}
	*err = errno;
	if (rc == -1)
		assert_non_null(why);
	else /* whatever passed the check must be readable */
		for (uint32_t i = 0; i < c.n; i++) {
			struct md_summary s;
			struct md_str base;

			assert_int_equal(md_cache_entry(&c, i, &base, &s), 0);
			assert_true(base.n > 0);
		}
	md_cache_close(&c); /* also after a refusal: C is cleared */
	free(q);
	return rc;
}

/* The bytes at P, LEN long, are refused with ERR. */
static void
refused(const unsigned char *p, size_t len, int want)
{
	int err;

	assert_int_equal(load_copy(p, len, &err), -1);
	assert_int_equal(err, want);
}

/* ---- round trips ---- */

static void
round_trip(void **state)
{
	static char big[UINT16_MAX + 1];
	struct md_summary s[4], dup, got;
	struct md_cache_build b;
	struct md_cache c;
	struct md_str base;
	const char *why;
	unsigned char *p;
	size_t len;

	(void)state;
	memset(big, 'x', sizeof(big));
	big[0] = '\0'; /* any byte: fields are counted, not terminated */
	big[UINT16_MAX - 1] = '\xff';
	md_cache_build_init(&b);
	/* every field its own text */
	fill(&s[0], 4096, 1700000000, 1699999000, "");
	{
		static const char *t[MD_S_N] = { "Alice <a@example.org>",
			"Alice", "Bob <b@example.org>", "c@example.org",
			"Gr\xc3\xbc\xc3\x9f\x65", "id@x", "p@x", "a@x b@x p@x",
			"dev.example.org" };

		for (int k = 0; k < MD_S_N; k++) {
			s[0].s[k].p = t[k];
			s[0].s[k].n = strlen(t[k]);
		}
	}
	add(&b, "1700000000.M1P1Q1R00.host,S=4096", &s[0]);
	/* every field empty, extreme numbers */
	fill(&s[1], 0, INT64_MIN, INT64_MAX, "");
	add(&b, "e", &s[1]);
	/* a field of the largest length a u16 holds */
	fill(&s[2], 1, 2, 3, "");
	s[2].s[MD_S_SUBJECT].p = big;
	s[2].s[MD_S_SUBJECT].n = UINT16_MAX;
	s[2].s[MD_S_REFS].p = big + 1;
	s[2].s[MD_S_REFS].n = UINT16_MAX;
	add(&b, "big", &s[2]);
	/* the same base again: the first one stays */
	fill(&dup, 99, 99, 99, "later");
	add(&b, "e", &dup);
	fill(&s[3], 7, 8, 9, "w\0x");
	s[3].s[MD_S_FROM].n = 3; /* a NUL inside a field survives */
	add(&b, "1700000000.M1P1Q1R00.hos", &s[3]);
	assert_int_equal(md_cache_encode(&b, &p, &len), 0);
	md_cache_build_free(&b);

	assert_int_equal(md_cache_load(&c, p, len, &why), 0);
	assert_int_equal(c.n, 4);
	found(&c, "1700000000.M1P1Q1R00.host,S=4096", &s[0]);
	found(&c, "e", &s[1]);
	found(&c, "big", &s[2]);
	found(&c, "1700000000.M1P1Q1R00.hos", &s[3]);
	/* each entry once through md_cache_entry too */
	for (uint32_t i = 0; i < c.n; i++) {
		assert_int_equal(md_cache_entry(&c, i, &base, &got), 0);
		assert_int_equal(
		    md_cache_find(&c, base.p, base.n, &got), (long)i);
	}
	md_cache_close(&c);
	free(p);
}

/* A zeroed summary: every field { NULL, 0 }, an empty string all the
 * same (memcpy from NULL is undefined even for 0 bytes: UBSan, make
 * check-asan, says so). */
static void
null_fields(void **state)
{
	struct md_cache_build b;
	struct md_summary s, want;
	struct md_cache c;
	const char *why;
	unsigned char *p;
	size_t len;

	(void)state;
	memset(&s, 0, sizeof(s));
	md_cache_build_init(&b);
	add(&b, "zero", &s);
	assert_int_equal(md_cache_encode(&b, &p, &len), 0);
	md_cache_build_free(&b);
	assert_int_equal(md_cache_load(&c, p, len, &why), 0);
	fill(&want, 0, 0, 0, "");
	found(&c, "zero", &want);
	md_cache_close(&c);
	free(p);
}

static void
empty_cache(void **state)
{
	struct md_cache_build b;
	struct md_cache c;
	const char *why;
	unsigned char *p;
	size_t len;

	(void)state;
	md_cache_build_init(&b);
	assert_int_equal(md_cache_encode(&b, &p, &len), 0);
	md_cache_build_free(&b);
	assert_int_equal(len, HEAD + TRAIL);
	assert_memory_equal(p, "mdkit-hc", 8);
	assert_int_equal(rd32(p + 8), MD_CACHE_VERSION);
	assert_int_equal(rd32(p + 12), 0);
	assert_int_equal(md_cache_load(&c, p, len, &why), 0);
	assert_int_equal(c.n, 0);
	absent(&c, "a", 1);
	{
		const char *b[1] = { "a" };
		size_t l[1] = { 1 };
		long idx[1] = { 5 };

		md_cache_find_n(&c, b, l, 1, idx);
		assert_int_equal(idx[0], -1);
	}
	md_cache_close(&c);
	free(p);
}

#define MANY 3000

/* Many entries, found by binary search over the hashes whatever order
 * they were added in; bases that share a prefix kept apart. */
static void
many_entries(void **state)
{
	static const char *prefixed[] = { "a", "ab", "abc", "abcd",
		"1700000000.M5P5Q5.h", "1700000000.M5P5Q5.ho",
		"1700000000.M5P5Q5.host" };
	struct md_cache_build b;
	struct md_summary s, got;
	struct md_cache c;
	const char *why;
	unsigned char *p;
	char base[64];
	size_t len, inorder = 0;
	struct md_str prev = { NULL, 0 }, cur;

	(void)state;
	md_cache_build_init(&b);
	for (int i = 0; i < MANY; i++) {
		snprintf(base, sizeof(base), "17000%05d.M%dP%dQ1.host", i, i,
		    MANY - i);
		fill(&s, (uint64_t)i, i, -i, "");
		add(&b, base, &s);
	}
	for (size_t i = 0; i < sizeof(prefixed) / sizeof(*prefixed); i++) {
		fill(&s, 100000 + i, 0, 0, prefixed[i]);
		add(&b, prefixed[i], &s);
	}
	assert_int_equal(md_cache_encode(&b, &p, &len), 0);
	md_cache_build_free(&b);
	assert_int_equal(md_cache_load(&c, p, len, &why), 0);
	assert_int_equal(c.n, MANY + sizeof(prefixed) / sizeof(*prefixed));

	/* stored by hash: not the order they were added in */
	for (uint32_t i = 0; i < c.n; i++) {
		assert_int_equal(md_cache_entry(&c, i, &cur, &got), 0);
		if (prev.p != NULL && prev.n <= cur.n &&
		    memcmp(prev.p, cur.p, prev.n) < 0)
			inorder++;
		prev = cur;
	}
	assert_true(inorder < c.n - 1);

	for (int i = 0; i < MANY; i++) {
		snprintf(base, sizeof(base), "17000%05d.M%dP%dQ1.host", i, i,
		    MANY - i);
		assert_true(md_cache_find(&c, base, strlen(base), &got) >= 0);
		assert_int_equal(got.size, (uint64_t)i);
		assert_int_equal(got.mtime, i);
		assert_int_equal(got.date, -i);
		/* one byte more or less is another base */
		absent(&c, base, strlen(base) - 1);
		base[strlen(base) - 1] = 'x';
		absent(&c, base, strlen(base));
	}
	for (size_t i = 0; i < sizeof(prefixed) / sizeof(*prefixed); i++) {
		assert_int_equal(md_cache_find(&c, prefixed[i],
		                     strlen(prefixed[i]), &got) >= 0,
		    1);
		assert_int_equal(got.size, 100000 + i);
		assert_int_equal(got.s[MD_S_SUBJECT].n, strlen(prefixed[i]));
		assert_memory_equal(
		    got.s[MD_S_SUBJECT].p, prefixed[i], strlen(prefixed[i]));
	}
	/* the same answers in batches, present and absent mixed */
	{
		const char *bases[40];
		char buf[40][64];
		size_t lens[40];
		long idx[40];

		for (int i = 0; i < MANY; i += 40) {
			int k = 0;

			for (; k < 40 && i + k < MANY; k++) {
				snprintf(buf[k], sizeof(buf[k]),
				    "17000%05d.M%dP%dQ1.host%s", i + k, i + k,
				    MANY - i - k, k % 3 == 2 ? "x" : "");
				bases[k] = buf[k];
				lens[k] = strlen(buf[k]);
			}
			md_cache_find_n(&c, bases, lens, (size_t)k, idx);
			for (int j = 0; j < k; j++) {
				assert_int_equal(idx[j],
				    md_cache_find(&c, bases[j], lens[j], &got));
				assert_true((idx[j] >= 0) == (j % 3 != 2));
			}
		}
		md_cache_find_n(&c, bases, lens, 0, idx);
	}
	/* B is counted by N, not read to a NUL */
	assert_true(md_cache_find(&c, "abcdefg", 4, &got) >= 0);
	assert_int_equal(got.size, 100003);
	absent(&c, "abcde", 5);
	absent(&c, "abd", 3);
	absent(&c, "1700000000.M5P5Q5.hos", 21);
	absent(&c, "", 0);
	md_cache_close(&c);
	free(p);
}

/* A cache written by hand from mdkit(7) alone is read back. */
static void
format_by_hand(void **state)
{
	unsigned char f[512];
	const char *base = "x.M1P1.h", *subj = "Hi";
	struct md_summary s;
	struct md_cache c;
	const char *why;
	size_t at, entry, len;

	(void)state;
	memset(f, 0, sizeof(f));
	memcpy(f, "mdkit-hc", 8);
	le32(f + 8, MD_CACHE_VERSION);
	le32(f + 12, 1);
	entry = HEAD + REC;
	at = entry;
	le64(f + at, 42);                /* size */
	le64(f + at + 8, 1000000000);    /* mtime */
	le64(f + at + 16, (uint64_t)-5); /* date */
	at += 24;
	le32(f + at, 0); /* u16 lengths: write two bytes at a time */
	f[at] = (unsigned char)strlen(base);
	memcpy(f + at + 2, base, strlen(base));
	at += 2 + strlen(base);
	for (int k = 0; k < MD_S_N; k++) {
		const char *t = k == MD_S_SUBJECT ? subj : "";

		f[at] = (unsigned char)strlen(t);
		f[at + 1] = 0;
		memcpy(f + at + 2, t, strlen(t));
		at += 2 + strlen(t);
	}
	le64(f + HEAD, key(base, strlen(base)));
	le32(f + HEAD + 8, (uint32_t)entry);
	le32(f + HEAD + 12, (uint32_t)(at - entry));
	len = at + TRAIL;
	le64(f + 16, len);
	reseal(f, len);
	assert_int_equal(md_cache_load(&c, f, len, &why), 0);
	assert_int_equal(c.n, 1);
	assert_true(md_cache_find(&c, base, strlen(base), &s) == 0);
	assert_int_equal(s.size, 42);
	assert_int_equal(s.mtime, 1000000000);
	assert_int_equal(s.date, -5);
	assert_int_equal(s.s[MD_S_SUBJECT].n, 2);
	assert_memory_equal(s.s[MD_S_SUBJECT].p, "Hi", 2);
	assert_int_equal(s.s[MD_S_FROM].n, 0);
	md_cache_close(&c);

	/* the same entry under an empty base (its own hash right): no */
	memmove(f + entry + 24 + 2, f + entry + 24 + 2 + strlen(base),
	    at - (entry + 24 + 2 + strlen(base)));
	f[entry + 24] = 0;
	at -= strlen(base);
	le64(f + HEAD, key("", 0));
	le32(f + HEAD + 12, (uint32_t)(at - entry));
	len = at + TRAIL;
	le64(f + 16, len);
	reseal(f, len);
	refused(f, len, EBADMSG);
}

/* ---- damage ---- */

static void
truncated(void **state)
{
	unsigned char *p;
	size_t len;
	int err;

	(void)state;
	small_cache(&p, &len);
	assert_int_equal(load_copy(p, len, &err), 0);
	for (size_t n = 0; n < len; n++)
		refused(p, n, EBADMSG);
	/* and a byte too many */
	{
		unsigned char *q = malloc(len + 1);

		assert_non_null(q);
		memcpy(q, p, len);
		q[len] = 0;
		refused(q, len + 1, EBADMSG);
		free(q);
	}
	free(p);
}

static void
flipped_bits(void **state)
{
	unsigned char *p;
	size_t len;
	int err;

	(void)state;
	small_cache(&p, &len);
	for (size_t i = 0; i < len; i++)
		for (int bit = 0; bit < 8; bit++) {
			p[i] ^= (unsigned char)(1 << bit);
			assert_int_equal(load_copy(p, len, &err), -1);
			/* the version field: a cache of another version */
			if (i >= 8 && i < 12)
				assert_int_equal(err, ENOTSUP);
			else
				assert_int_equal(err, EBADMSG);
			p[i] ^= (unsigned char)(1 << bit);
		}
	assert_int_equal(load_copy(p, len, &err), 0);
	free(p);
}

static void
other_version(void **state)
{
	static const uint32_t v[] = { 0, MD_CACHE_VERSION + 1, UINT32_MAX };
	unsigned char *p;
	size_t len;

	(void)state;
	small_cache(&p, &len);
	for (size_t i = 0; i < sizeof(v) / sizeof(*v); i++) {
		le32(p + 8, v[i]);
		reseal(p, len);
		refused(p, len, ENOTSUP);
	}
	free(p);
}

/* xorshift64: the same "random" bytes on every run. */
static uint64_t
next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void
random_bytes(void **state)
{
	unsigned char buf[1024];
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	int err;

	(void)state;
	for (int round = 0; round < 4000; round++) {
		size_t len = (size_t)(next(&x) % sizeof(buf));

		for (size_t i = 0; i < len; i++)
			buf[i] = (unsigned char)next(&x);
		switch (round % 4) {
		case 0: /* just random */
			refused(buf, len, EBADMSG);
			break;
		case 1: /* with the magic */
			if (len >= 8)
				memcpy(buf, "mdkit-hc", 8);
			assert_int_equal(load_copy(buf, len, &err), -1);
			assert_true(err == EBADMSG || err == ENOTSUP);
			break;
		default: /* all the header right, even the checksum */
			if (len < HEAD + TRAIL)
				len = HEAD + TRAIL + REC + 24;
			memcpy(buf, "mdkit-hc", 8);
			le32(buf + 8, MD_CACHE_VERSION);
			/* a few entries, so the index is looked at */
			le32(buf + 12, 1 + (uint32_t)(next(&x) % 4));
			if (round % 4 == 3) /* offsets inside the file */
				for (uint32_t i = 0; i < rd32(buf + 12); i++)
					le32(buf + HEAD + i * REC + 8,
					    (uint32_t)(next(&x) % len));
			le64(buf + 16, len);
			reseal(buf, len);
			refused(buf, len, EBADMSG);
		}
	}
}

/* Index record I of the cache at P. */
static unsigned char *
rec(unsigned char *p, uint32_t i)
{
	return p + HEAD + (size_t)i * REC;
}

/* Where the u16 length of string K (0: the base, then the fields) of
 * the entry at OFF in P is. */
static size_t
str_at(const unsigned char *p, size_t off, int k)
{
	size_t at = off + 24;

	for (int i = 0; i < k; i++)
		at += 2 + ((size_t)p[at] | (size_t)p[at + 1] << 8);
	return at;
}

/* A crafted lie with a good checksum: refused all the same. */
static void
crafted(void **state)
{
	unsigned char *p, *q;
	size_t len, sum = 0;
	uint32_t off[3], n[3], F = 3, L = 3; /* the first and last entry */

	(void)state;
	small_cache(&p, &len);
	assert_non_null(q = malloc(len));
	/* entries in any order, but packed between index and trailer */
	for (uint32_t i = 0; i < 3; i++) {
		off[i] = rd32(rec(p, i) + 8);
		n[i] = rd32(rec(p, i) + 12);
		sum += n[i];
		if (off[i] == HEAD + 3 * REC)
			F = i;
		if (off[i] + n[i] == len - TRAIL)
			L = i;
	}
	assert_int_equal(sum, len - TRAIL - HEAD - 3 * REC);
	assert_true(F < 3 && L < 3 && F != L);

#define LIE(stmt)                                                              \
	do {                                                                   \
		memcpy(q, p, len);                                             \
		stmt;                                                          \
		reseal(q, len);                                                \
		refused(q, len, EBADMSG);                                      \
	} while (0)

	/* resealing alone changes nothing */
	memcpy(q, p, len);
	reseal(q, len);
	assert_memory_equal(q, p, len);

	/* offsets: into the header, into the index, at and past the end */
	LIE(le32(rec(q, F) + 8, 0));
	LIE(le32(rec(q, F) + 8, off[F] - 1));
	LIE(le32(rec(q, L) + 8, (uint32_t)(len - TRAIL)));
	LIE(le32(rec(q, L) + 8, (uint32_t)len));
	LIE(le32(rec(q, L) + 8, UINT32_MAX));
	/* lengths: into the trailer, short, long, none, huge */
	LIE(le32(rec(q, L) + 12, n[L] + 1));
	LIE(le32(rec(q, F) + 12, n[F] - 1));
	LIE(le32(rec(q, F) + 12, n[F] + 1));
	LIE(le32(rec(q, F) + 12, 0));
	LIE(le32(rec(q, F) + 12, UINT32_MAX));
	LIE(le32(rec(q, L) + 8, off[L] + 1); le32(rec(q, L) + 12, n[L] - 1));
	/* a record pointing at another's entry, under its own hash */
	LIE(memcpy(rec(q, 0) + 8, rec(q, 1) + 8, 8));
	/* a wrong hash */
	LIE(rec(q, 1)[0] ^= 1);
	/* order: two records swapped, one twice */
	LIE(memcpy(rec(q, 0), rec(p, 1), REC);
	    memcpy(rec(q, 1), rec(p, 0), REC));
	LIE(memcpy(rec(q, 1), rec(p, 0), REC));
	LIE(memcpy(rec(q, 2), rec(p, 1), REC));
	/* the count: more records than the index, than the file */
	LIE(le32(q + 12, 4));
	LIE(le32(q + 12, UINT32_MAX));
	LIE(le32(q + 12, (uint32_t)((len - HEAD - TRAIL) / REC + 1)));
	/* the file length field */
	LIE(le64(q + 16, len + 1));
	LIE(le64(q + 16, len - 1));
	LIE(le64(q + 16, (uint64_t)1 << 63));
	/* the strings of an entry: base longer, none, far too long */
	LIE(q[off[F] + 24] += 1);
	LIE(q[off[F] + 24] = 0);
	LIE(q[off[F] + 25] = 0xff);
	LIE(q[str_at(q, off[L], MD_S_N)] += 1); /* the last one runs over */
	LIE(q[str_at(q, off[L], MD_S_N)] -= 1); /* or leaves a byte over */
	LIE(q[str_at(q, off[1], 3) + 1] = 0xff);
#undef LIE
	free(q);
	free(p);
}

/* A listing loads a cache without splitting every entry: one malformed
 * behind a good checksum is found when it is used, and refused alone;
 * md_cache_check refuses the cache. */
static void
malformed_entry(void **state)
{
	unsigned char *p;
	size_t len, off;
	struct md_summary s;
	struct md_str base;
	struct md_cache c;
	const char *why = NULL;
	const char *b0 = "1000000000.M1P1Q1.host";
	const char *b1 = "1000000001.M2P2Q2.host";
	long i0, i1;

	(void)state;
	small_cache(&p, &len);
	assert_int_equal(md_cache_load(&c, p, len, &why), 0);
	i0 = md_cache_find(&c, b0, strlen(b0), &s);
	i1 = md_cache_find(&c, b1, strlen(b1), &s);
	assert_true(i0 >= 0 && i1 >= 0);
	md_cache_close(&c);
	/* the last field of b0's entry runs past its end */
	off = rd32(rec(p, (uint32_t)i0) + 8);
	p[str_at(p, off, MD_S_N)] += 1;
	reseal(p, len);
	assert_int_equal(md_cache_load(&c, p, len, &why), 0);
	errno = 0;
	assert_int_equal(md_cache_entry(&c, (uint32_t)i0, &base, &s), -1);
	assert_int_equal(errno, EBADMSG);
	assert_int_equal(md_cache_find(&c, b0, strlen(b0), &s), -1);
	assert_int_equal(md_cache_find(&c, b1, strlen(b1), &s), i1);
	assert_int_equal(s.size, 5);
	assert_int_equal(md_cache_check(&c, &why), -1);
	assert_int_equal(errno, EBADMSG);
	assert_string_equal(why, "a malformed entry");
	{ /* a walk finds the base, and refuses the entry all the same */
		struct md_cache_walk w;
		size_t n0 = strlen(b0);
		long k;

		assert_int_equal(md_cache_walk_init(&w, &c), 0);
		md_cache_walk_find_n(&w, &b0, &n0, 1, &k);
		assert_true(k >= 0);
		errno = 0;
		assert_int_equal(md_cache_walk_entry(&w, k, &base, &s), -1);
		assert_int_equal(errno, EBADMSG);
		md_cache_walk_free(&w);
	}
	md_cache_close(&c);
	free(p);
}

/* A walk: bases asked in the order they were added are found entry after
 * entry (the spot after the last one); asked in another order, or with
 * some missing or unknown, through the index; every answer the entry
 * md_cache_find gives. */
static void
walk(void **state)
{
	enum { N = 3000 };
	struct md_cache_build b;
	struct md_cache_walk w;
	struct md_summary s, got, want;
	struct md_str base;
	struct md_cache c;
	const char *why;
	unsigned char *p;
	static char names[N + 1][48];
	const char *bases[N + 1];
	size_t lens[N + 1], len;
	long idx[N + 1];

	(void)state;
	md_cache_build_init(&b);
	for (int i = 0; i < N; i++) {
		snprintf(
		    names[i], sizeof(names[i]), "1700%06d.M%dP1Q1.h", i, i);
		fill(&s, (uint64_t)i, i, -i, names[i]);
		add(&b, names[i], &s);
	}
	assert_int_equal(md_cache_encode(&b, &p, &len), 0);
	md_cache_build_free(&b);
	assert_int_equal(md_cache_load(&c, p, len, &why), 0);
	assert_int_equal(md_cache_walk_init(&w, &c), 0);

	/* in order: each the spot after the one before */
	for (int i = 0; i < N; i++) {
		bases[i] = names[i];
		lens[i] = strlen(names[i]);
	}
	md_cache_walk_find_n(&w, bases, lens, N, idx);
	for (int i = 0; i < N; i++) {
		assert_int_equal(idx[i], i);
		assert_int_equal(
		    md_cache_walk_entry(&w, idx[i], &base, &got), 0);
		assert_int_equal(base.n, lens[i]);
		assert_memory_equal(base.p, names[i], lens[i]);
		assert_true(md_cache_find(&c, bases[i], lens[i], &want) >= 0);
		same(&got, &want);
	}
	/* backwards, every third one left out, an unknown one in between */
	{
		size_t m = 0;

		for (int i = N - 1; i >= 0; i--) {
			if (i % 3 == 0)
				continue;
			bases[m] = names[i];
			lens[m++] = strlen(names[i]);
			if (i == N / 2) {
				bases[m] = "no-such-base";
				lens[m++] = 12;
			}
		}
		md_cache_walk_find_n(&w, bases, lens, m, idx);
		for (size_t j = 0; j < m; j++) {
			if (strcmp(bases[j], "no-such-base") == 0) {
				assert_int_equal(idx[j], -1);
				continue;
			}
			assert_true(idx[j] >= 0);
			assert_int_equal(
			    md_cache_walk_entry(&w, idx[j], &base, &got), 0);
			assert_int_equal(base.n, lens[j]);
			assert_memory_equal(base.p, bases[j], lens[j]);
		}
	}
	/* a base that is the start of the next one's is no match */
	bases[0] = "1700000001";
	lens[0] = 10;
	md_cache_walk_find_n(&w, bases, lens, 1, idx);
	assert_int_equal(idx[0], -1);
	md_cache_walk_free(&w);
	md_cache_close(&c);
	free(p);

	/* an empty cache */
	md_cache_build_init(&b);
	assert_int_equal(md_cache_encode(&b, &p, &len), 0);
	md_cache_build_free(&b);
	assert_int_equal(md_cache_load(&c, p, len, &why), 0);
	assert_int_equal(md_cache_walk_init(&w, &c), 0);
	bases[0] = names[0];
	lens[0] = strlen(names[0]);
	md_cache_walk_find_n(&w, bases, lens, 1, idx);
	assert_int_equal(idx[0], -1);
	md_cache_walk_free(&w);
	md_cache_close(&c);
	free(p);
}

/* ---- the checksum ---- */

static void
sum(void **state)
{
	unsigned char buf[100], zero[40] = { 0 };
	uint64_t base;

	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 7 + 3);
	base = md_cache_sum(buf, sizeof(buf));
	assert_true(base == md_cache_sum(buf, sizeof(buf)));
	for (size_t i = 0; i < sizeof(buf); i++) {
		static const unsigned char delta[] = { 1, 0x80, 0xff, 0x5a };

		for (size_t d = 0; d < sizeof(delta); d++) {
			buf[i] ^= delta[d];
			assert_true(md_cache_sum(buf, sizeof(buf)) != base);
			buf[i] ^= delta[d];
		}
	}
	assert_true(md_cache_sum(buf, sizeof(buf)) == base);
	/* the length counts: zero bytes more are another text */
	for (size_t n = 0; n < sizeof(zero); n++)
		assert_true(md_cache_sum(zero, n) != md_cache_sum(zero, n + 1));
	assert_true(md_cache_sum(buf, 99) != base);
	/* two words swapped within a lane group, and across */
	{
		unsigned char t[100];

		memcpy(t, buf, sizeof(t));
		memcpy(t, buf + 8, 8);
		memcpy(t + 8, buf, 8);
		assert_true(md_cache_sum(t, sizeof(t)) != base);
		memcpy(t, buf, sizeof(t));
		memcpy(t, buf + 32, 8);
		memcpy(t + 32, buf, 8);
		assert_true(md_cache_sum(t, sizeof(t)) != base);
	}
}

/* ---- building ---- */

static void
add_refuses(void **state)
{
	static char big[UINT16_MAX + 2];
	struct md_cache_build b;
	struct md_summary s;

	(void)state;
	md_cache_build_init(&b);
	fill(&s, 1, 1, 1, "");
	errno = 0;
	assert_int_equal(md_cache_add(&b, "", 0, &s), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(md_cache_add(&b, big, UINT16_MAX + 1, &s), -1);
	assert_int_equal(errno, EINVAL);
	for (int k = 0; k < MD_S_N; k++) {
		fill(&s, 1, 1, 1, "");
		s.s[k].p = big;
		s.s[k].n = UINT16_MAX + 1;
		errno = 0;
		assert_int_equal(md_cache_add(&b, "a", 1, &s), -1);
		assert_int_equal(errno, EINVAL);
	}
	/* nothing half-added */
	assert_int_equal(b.n, 0);
	md_cache_build_free(&b);
}

/* ---- files ---- */

static void
cache_path(char *buf, size_t size, const char *m)
{
	assert_true(
	    (size_t)snprintf(buf, size, "%s/%s", m, MD_CACHE_NAME) < size);
}

static void
write_open(void **state)
{
	struct md_cache_build b;
	struct md_summary s;
	struct md_cache c;
	struct md_err e;
	char path[PATH_MAX], m[PATH_MAX];
	struct stat st;

	(void)state;
	scratch_maildir(m, sizeof(m), "W");
	md_cache_build_init(&b);
	fill(&s, 10, 20, 30, "first");
	add(&b, "one", &s);
	add(&b, "two", &s);
	assert_int_equal(md_cache_write(&b, m, &gen, &e), 0);
	md_cache_build_free(&b);
	cache_path(path, sizeof(path), m);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(scratch_entries(m, "tmp"), 0);
	assert_int_equal(md_cache_open(&c, m, &e), 0);
	assert_int_equal(c.n, 2);
	found(&c, "one", &s);
	found(&c, "two", &s);

	/* a second write replaces the file; the old map stays whole */
	md_cache_build_init(&b);
	fill(&s, 11, 21, 31, "second");
	add(&b, "three", &s);
	assert_int_equal(md_cache_write(&b, m, &gen, &e), 0);
	md_cache_build_free(&b);
	fill(&s, 10, 20, 30, "first");
	found(&c, "one", &s);
	md_cache_close(&c);
	assert_int_equal(md_cache_open(&c, m, &e), 0);
	assert_int_equal(c.n, 1);
	absent(&c, "one", 3);
	fill(&s, 11, 21, 31, "second");
	found(&c, "three", &s);
	md_cache_close(&c);
	assert_int_equal(scratch_entries(m, "tmp"), 0);

	/* into what is no maildir: an error, nothing written */
	md_cache_build_init(&b);
	add(&b, "x", &s);
	snprintf(path, sizeof(path), "%s/none", scratch);
	assert_int_equal(md_cache_write(&b, path, &gen, &e), -1);
	assert_int_equal(errno, ENOENT);
	md_cache_build_free(&b);
}

/* md_cache_open of M fails with ERR at STEP (NULL: any); E names the
 * cache. */
static void
open_fails(const char *m, int err, const char *step)
{
	char path[PATH_MAX];
	struct md_cache c;
	struct md_err e;

	errno = 0;
	assert_int_equal(md_cache_open(&c, m, &e), -1);
	assert_int_equal(errno, err);
	/* none, or one that fails its checks: what md-index tells apart */
	assert_int_equal(e.kind, err == ENOENT   ? MD_ERR_NO_CACHE
	                         : err == ENOMEM ? MD_ERR_SYSTEM
	                         : err == EBADMSG || err == ENOTSUP
	                             ? MD_ERR_DAMAGED
	                             : MD_ERR_SYSTEM);
	assert_non_null(e.step);
	if (step != NULL)
		assert_string_equal(e.step, step);
	cache_path(path, sizeof(path), m);
	assert_string_equal(e.path, path);
	assert_null(c.map);
}

static void
open_damaged(void **state)
{
	char m[PATH_MAX], path[PATH_MAX];
	unsigned char junk[300], *p;
	uint64_t x = 12345;
	struct md_cache c;
	struct md_err e;
	size_t len;

	(void)state;
	scratch_maildir(m, sizeof(m), "D");
	cache_path(path, sizeof(path), m);
	open_fails(m, ENOENT, "open");

	scratch_replace(m, MD_CACHE_NAME, "", 0);
	open_fails(m, EBADMSG, NULL);

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)next(&x);
	scratch_replace(m, MD_CACHE_NAME, junk, sizeof(junk));
	open_fails(m, EBADMSG, NULL);
	memcpy(junk, "mdkit-hc", 8);
	scratch_replace(m, MD_CACHE_NAME, junk, sizeof(junk));
	open_fails(m, ENOTSUP, NULL);

	small_cache(&p, &len);
	scratch_replace(m, MD_CACHE_NAME, p, len - 1);
	open_fails(m, EBADMSG, NULL);
	le32(p + 8, MD_CACHE_VERSION + 1);
	reseal(p, len);
	scratch_replace(m, MD_CACHE_NAME, p, len);
	open_fails(m, ENOTSUP, NULL);
	free(p);

	/* not a file at all: a directory, a FIFO (no hang) */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0700), 0);
	open_fails(m, EBADMSG, NULL);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(mkfifo(path, 0600), 0);
	open_fails(m, EBADMSG, NULL);
	assert_int_equal(unlink(path), 0);

	/* a maildir that is not there */
	snprintf(path, sizeof(path), "%s/none", scratch);
	assert_int_equal(md_cache_open(&c, path, &e), -1);
	assert_int_equal(errno, ENOENT);
}

/* In the child: a write into the read-only root must fail at the
 * rename, with EACCES. Exit 0 when it does. */
static int
write_denied(void *arg)
{
	struct md_cache_build b;
	struct md_summary s;
	struct md_namegen g;
	struct md_err e;
	int rc;

	if (md_namegen_init(&g) == -1)
		return 10;
	md_cache_build_init(&b);
	fill(&s, 1, 2, 3, "new");
	if (md_cache_add(&b, "newer", 5, &s) == -1)
		return 11;
	rc = md_cache_write(&b, arg, &g, &e);
	md_cache_build_free(&b);
	if (rc != -1)
		return 1;
	if (errno != EACCES)
		return 2;
	return strcmp(e.step, "rename") == 0 ? 0 : 3;
}

static void
write_unwritable_root(void **state)
{
	/* static: reachable still in the child scratch_unprivileged forks,
	 * whose leaks valgrind checks too */
	static unsigned char *before;
	unsigned char *after;
	struct md_cache_build b;
	struct md_summary s;
	struct md_cache c;
	struct md_err e;
	char m[PATH_MAX];
	size_t n, n2;
	int rc;

	(void)state;
	scratch_maildir(m, sizeof(m), "RO");
	md_cache_build_init(&b);
	fill(&s, 1, 2, 3, "old");
	add(&b, "old", &s);
	assert_int_equal(md_cache_write(&b, m, &gen, &e), 0);
	md_cache_build_free(&b);
	before = scratch_slurp(m, MD_CACHE_NAME, &n);
	scratch_give_away(m);
	assert_int_equal(chmod(m, 0500), 0);
	rc = scratch_unprivileged(write_denied, m);
	assert_int_equal(chmod(m, 0700), 0);
	assert_int_equal(chmod(scratch, 0700), 0);
	if (rc == 125) {
		free(before);
		skip(); /* no user to drop root's privileges to */
	}
	assert_int_equal(rc, 0);
	assert_int_equal(scratch_entries(m, "tmp"), 0);
	after = scratch_slurp(m, MD_CACHE_NAME, &n2);
	assert_int_equal(n2, n);
	assert_memory_equal(after, before, n);
	assert_int_equal(md_cache_open(&c, m, &e), 0);
	found(&c, "old", &s);
	md_cache_close(&c);
	free(before);
	free(after);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(null_fields),
		cmocka_unit_test(empty_cache),
		cmocka_unit_test(many_entries),
		cmocka_unit_test(format_by_hand),
		cmocka_unit_test(truncated),
		cmocka_unit_test(flipped_bits),
		cmocka_unit_test(other_version),
		cmocka_unit_test(random_bytes),
		cmocka_unit_test(crafted),
		cmocka_unit_test(malformed_entry),
		cmocka_unit_test(walk),
		cmocka_unit_test(sum),
		cmocka_unit_test(add_refuses),
		cmocka_unit_test(write_open),
		cmocka_unit_test(open_damaged),
		cmocka_unit_test(write_unwritable_root),
	};

	umask(022);
	md_namegen_init(&gen);
	return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
