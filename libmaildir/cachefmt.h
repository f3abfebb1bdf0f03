/*
 * cachefmt.h: what the reading (cacheread.c) and the writing
 * (cachewrite.c) of the header cache share: the layout's sizes, its
 * little-endian integers, the checksum fed in pieces and the order of
 * keys. Private to the library; the format itself is in mdkit(7).
 */
#ifndef MDKIT_CACHEFMT_H
#define MDKIT_CACHEFMT_H

#include <endian.h>
#include <stdint.h>
#include <string.h>

#define MAGIC "mdkit-hc"
#define HEAD 24           /* magic, version, count, length */
#define REC 16            /* hash, offset, length */
#define FIXED 24          /* size, mtime, date */
#define NSTR (1 + MD_S_N) /* the base, then the fields */
#define TRAIL 8

/* A builder's entry: its key and where its bytes lie in the data. */
struct md_cache_rec {
	uint64_t hash;
	size_t off, len;
};

static inline uint64_t
get64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8); /* one load where the CPU allows it */
	return le64toh(v);
}

static inline uint32_t
get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return le32toh(v);
}

static inline void
put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++, v >>= 8)
		p[i] = (unsigned char)v;
}

static inline void
put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++, v >>= 8)
		p[i] = (unsigned char)v;
}

/* md_cache_sum fed in pieces, so that a writer need not join the file
 * in memory. */
struct md_cache_sumstate {
	uint64_t a[4];
	unsigned char buf[32]; /* a block begun in an earlier piece */
	size_t nbuf, len;
};

void md_cache_sum_init(struct md_cache_sumstate *s);
void md_cache_sum_add(
    struct md_cache_sumstate *s, const unsigned char *p, size_t n);
uint64_t md_cache_sum_end(struct md_cache_sumstate *s);

/* The key of a base in the index: its md_cache_sum. */
uint64_t md_cache_base_hash(const char *b, size_t n);
/* Below 0 when A sorts before B, 0 when equal, above 0 when after: by
 * hash, then base bytes, then length. */
int md_cache_key_cmp(uint64_t ha, const char *a, size_t na, uint64_t hb,
    const char *b, size_t nb);

#endif
