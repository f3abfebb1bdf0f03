/*
 * sieve-match.c: comparators (i;octet, i;ascii-casemap, i;ascii-numeric)
 * and match types (:is, :contains, :matches, the relations of :value)
 * over NUL-terminated strings, and :matches with the strings its
 * wildcards took, for the variables extension's ${1}...
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* C as a small letter when it is an ASCII capital. */
static unsigned char
lower(char c)
{
	return (unsigned char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
}

static int
fold(int c, int cmp)
{
	return cmp == MD_CMP_CASEMAP && c >= 'a' && c <= 'z' ? c - 32 : c;
}

/* i;ascii-numeric: the leading digits' value; no digit is infinity,
 * returned as 1 in *INF. Digits beyond 19 saturate. */
static uint64_t
numeric(const char *s, int *inf)
{
	uint64_t v = 0;

	*inf = !(*s >= '0' && *s <= '9');
	for (; *s >= '0' && *s <= '9'; s++)
		v = v > (UINT64_MAX - 9) / 10 ? UINT64_MAX
		                              : v * 10 + (uint64_t)(*s - '0');
	return v;
}

int
md_sieve_order(const char *a, const char *b, int cmp)
{
	if (cmp == MD_CMP_NUMERIC) {
		int ia, ib;
		uint64_t va = numeric(a, &ia), vb = numeric(b, &ib);

		if (ia || ib)
			return ia - ib;
		return (va > vb) - (va < vb);
	}
	for (;; a++, b++) {
		int ca = fold((unsigned char)*a, cmp);
		int cb = fold((unsigned char)*b, cmp);

		if (ca != cb || ca == 0)
			return ca - cb;
	}
}

int
md_sieve_relation(int rel, int c)
{
	switch (rel) {
	case MD_REL_GT:
		return c > 0;
	case MD_REL_GE:
		return c >= 0;
	case MD_REL_LT:
		return c < 0;
	case MD_REL_LE:
		return c <= 0;
	case MD_REL_EQ:
		return c == 0;
	default:
		return c != 0;
	}
}

/* Does V contain the N bytes at KEY (no NUL among them) under CMP? */
static int
contains(const char *v, const char *key, size_t n, int cmp)
{
	char first[3] = { key[0], 0, 0 };

	if (n == 0)
		return 1;
	/* Only where the key's first byte is (in either case) can it
	 * start: strchr(3) or strcspn(3) find those places faster than a
	 * byte loop. */
	if (cmp == MD_CMP_CASEMAP &&
	    fold((unsigned char)key[0], cmp) != (unsigned char)key[0])
		first[1] = (char)fold((unsigned char)key[0], cmp);
	else if (cmp == MD_CMP_CASEMAP && key[0] >= 'A' && key[0] <= 'Z')
		first[1] = (char)(key[0] + 32);
	v = first[1] ? v + strcspn(v, first) : strchr(v, key[0]);
	while (v != NULL && *v) {
		size_t i = 1;

		while (i < n && v[i] &&
		       fold((unsigned char)v[i], cmp) ==
		           fold((unsigned char)key[i], cmp))
			i++;
		if (i == n)
			return 1;
		v = first[1] ? v + 1 + strcspn(v + 1, first)
		             : strchr(v + 1, key[0]);
	}
	return 0;
}

int
md_sieve_contains(const char *v, const char *key, int cmp)
{
	/* byte for byte (only i;ascii-casemap folds): strstr(3) is that */
	if (cmp != MD_CMP_CASEMAP)
		return strstr(v, key) != NULL;
	return contains(v, key, strlen(key), cmp);
}

void
md_sieve_lower(char *out, const char *v, size_t n)
{
	const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
	size_t i = 0;

	/* eight at a time: a byte's high bit tells "ASCII, 'A' to 'Z'",
	 * and a capital gains 0x20 (bit 5) */
	for (; n - i >= 8; i += 8) {
		uint64_t x, seven, ge_a, gt_z;

		memcpy(&x, v + i, 8);
		seven = x & ~high;
		ge_a = seven + (0x80 - 'A') * ones;
		gt_z = seven + (0x7f - 'Z') * ones;
		x |= ((ge_a ^ gt_z) & ~x & high) >> 2;
		memcpy(out + i, &x, 8);
	}
	for (; i < n; i++)
		out[i] = (char)lower(v[i]);
}

void
md_sieve_bytes(const char *s, size_t n, uint64_t m[2])
{
	m[0] = m[1] = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 128)
			m[c >> 6] |= (uint64_t)1 << (c & 63);
	}
}

/* contains() under i;ascii-casemap, LV made small already: only the key
 * is made small, a byte at a time as it is compared. */
static int
contains_low(const char *lv, const char *key, size_t n)
{
	if (n == 0)
		return 1;
	for (const char *p = strchr(lv, lower(key[0])); p != NULL;
	     p = strchr(p + 1, lower(key[0]))) {
		size_t i = 1;

		while (i < n && (unsigned char)p[i] == lower(key[i]))
			i++;
		if (i == n)
			return 1;
	}
	return 0;
}

int
md_sieve_contains_low(const char *v, const char *lv, const char *key, int cmp)
{
	if (cmp == MD_CMP_CASEMAP)
		return contains_low(lv, key, strlen(key));
	return md_sieve_contains(v, key, cmp);
}

/* One character of V: a whole UTF-8 sequence where there is one. (No
 * sequence is longer than 4 bytes: strlen(3) of all of V made a :matches
 * that backtracks quadratic in V.) */
static size_t
char_len(const char *v)
{
	size_t n = md_utf8_len((const unsigned char *)v, strnlen(v, 4));

	return n ? n : 1;
}

/* The pattern element at *P: '*', '?' or a literal (an escaped one too);
 * returns its kind, the literal in *LIT, *P moved past it. */
static int
element(const char **p, int *lit)
{
	int c = (unsigned char)*(*p)++;

	if (c == '\\' && **p != '\0') {
		*lit = (unsigned char)*(*p)++;
		return 'l';
	}
	*lit = c;
	return c == '*' || c == '?' ? c : 'l';
}

/* A walk that returns to the last '*' on a mismatch: never worse than
 * |pattern| x |value|. */
/* A key "*text*" with no other wildcard or escape is :contains "text",
 * which skips to where the text may begin instead of stepping back
 * through V: 1 or 0, or -1 when PAT is no such key. */
static int
starred(const char *pat, const char *v, int cmp)
{
	size_t n;

	if (pat[0] != '*')
		return -1;
	n = strlen(pat);
	if (n < 2 || pat[n - 1] != '*' || strcspn(pat + 1, "*?\\") != n - 2)
		return -1;
	return contains(v, pat + 1, n - 2, cmp);
}

int
md_sieve_glob_low(const char *pat, const char *v, const char *lv, int cmp)
{
	size_t n;

	/* "*text*", as starred() reads it */
	if (cmp == MD_CMP_CASEMAP && pat[0] == '*' && (n = strlen(pat)) >= 2 &&
	    pat[n - 1] == '*' && strcspn(pat + 1, "*?\\") == n - 2)
		return contains_low(lv, pat + 1, n - 2);
	return md_sieve_glob(pat, v, cmp);
}

int
md_sieve_glob(const char *pat, const char *v, int cmp)
{
	const char *star = NULL, *resume = NULL;
	int rc = starred(pat, v, cmp);

	if (rc >= 0)
		return rc;

	for (;;) {
		const char *p = pat;
		int lit, k = *p ? element(&p, &lit) : 0;

		if (k == '*') {
			star = pat = p;
			resume = v;
			continue;
		}
		if (k == '?' && *v) {
			v += char_len(v);
			pat = p;
			continue;
		}
		if (k == 'l' && *v &&
		    fold((unsigned char)*v, cmp) == fold(lit, cmp)) {
			v++;
			pat = p;
			continue;
		}
		if (k == 0 && *v == '\0')
			return 1;
		if (star == NULL || *resume == '\0')
			return 0;
		resume += char_len(resume);
		v = resume;
		pat = star;
	}
}

#define CAPTURE_CELLS (16u << 20) /* bytes of the table, at most */

/* can[i * (nv + 1) + j]: do the elements from I on match V from J? */
static void
fill(unsigned char *can, const int *kind, const int *lit, size_t np,
    const char *v, size_t nv, int cmp)
{
	size_t w = nv + 1;

	for (size_t j = 0; j <= nv; j++)
		can[np * w + j] = j == nv;
	for (size_t i = np; i-- > 0;)
		for (size_t j = nv + 1; j-- > 0;) {
			size_t cl = j < nv ? char_len(v + j) : 0;
			unsigned char *c = &can[i * w + j];

			if (kind[i] == '*')
				*c = can[(i + 1) * w + j] ||
				     (j < nv && can[i * w + j + cl]);
			else if (kind[i] == '?')
				*c = j < nv && can[(i + 1) * w + j + cl];
			else
				*c = j < nv &&
				     fold((unsigned char)v[j], cmp) ==
				         fold(lit[i], cmp) &&
				     can[(i + 1) * w + j + 1];
		}
}

int
md_sieve_glob_capture(const char *pat, const char *v, int cmp, size_t (*cap)[2],
    size_t ncap, size_t *n)
{
	size_t np = 0, nv = strlen(v), w = nv + 1, j = 0;
	int *kind, *lit, rc = 0;
	unsigned char *can;

	*n = 0;
	for (const char *p = pat; *p; np++)
		element(&p, &(int){ 0 });
	if ((np + 1) > CAPTURE_CELLS / w) {
		errno = E2BIG;
		return -1;
	}
	kind = calloc(np + 1, sizeof(*kind));
	lit = calloc(np + 1, sizeof(*lit));
	can = malloc((np + 1) * w);
	if (kind == NULL || lit == NULL || can == NULL) {
		rc = -1;
		goto out;
	}
	np = 0;
	for (const char *p = pat; *p; np++)
		kind[np] = element(&p, &lit[np]);
	fill(can, kind, lit, np, v, nv, cmp);
	if (!can[0])
		goto out;
	rc = 1;
	if (ncap > 0) {
		cap[0][0] = 0;
		cap[0][1] = nv;
		*n = 1;
	}
	for (size_t i = 0; i < np; i++) {
		size_t k = j;

		if (kind[i] == 'l') {
			j++;
			continue;
		}
		if (kind[i] == '?')
			k += char_len(v + j);
		else /* as little as will do (RFC 5229 3.2) */
			while (!can[(i + 1) * w + k])
				k += char_len(v + k);
		if (*n < ncap) {
			cap[*n][0] = j;
			cap[(*n)++][1] = k;
		}
		j = k;
	}
out:
	free(kind);
	free(lit);
	free(can);
	return rc;
}
