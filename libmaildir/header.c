/*
 * header.c: the header of a message, read with a bound and indexed in
 * place. Real mail has NUL and 8-bit bytes, CRLF and LF mixed, fields
 * without a space after the colon or with one before it, and files that
 * end inside the header; none of that may stop the reader.
 */
#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "internal.h"

#define FIRST_READ 4096 /* most headers fit: one read for them */

void
md_header_init(struct md_header *h)
{
	memset(h, 0, sizeof(*h));
}

void
md_header_free(struct md_header *h)
{
	free(h->own);
	free(h->f);
	md_header_init(h);
}

static int
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* The end of the line at P (after its '\n'), or END. */
static const char *
line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl + 1 : end;
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* The bytes of X (little-endian) that are no field name's: below 33,
 * above 126, or ':'. Each test's lowest flagged byte is exact (a borrow
 * or carry can flag only bytes above a true one), which is all that is
 * used. */
static uint64_t
not_name(uint64_t x)
{
	uint64_t colon = x ^ (ONES * ':');

	return ((x - ONES * 33) & ~x & HIGHS) | (((x + ONES) | x) & HIGHS) |
	       ((colon - ONES) & ~colon & HIGHS);
}

/* The length of the run of field name bytes (printable ASCII but the
 * colon) at P, before E: sixteen or eight at a time while as many are
 * there (most names are shorter than sixteen). */
static size_t
name_run(const char *p, const char *e)
{
	size_t n = 0;

#ifdef __SSE2__
	for (; e - (p + n) >= 16; n += 16) {
		/* below 33 as signed bytes: also the 8-bit ones */
		__m128i x = _mm_loadu_si128((const __m128i *)(p + n));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_or_si128(_mm_cmpgt_epi8(_mm_set1_epi8(33), x),
		        _mm_cmpeq_epi8(x, _mm_set1_epi8(127))),
		    _mm_cmpeq_epi8(x, _mm_set1_epi8(':'))));

		if (m != 0)
			return n + (size_t)__builtin_ctz(m);
	}
#endif
	if (BYTE_ORDER == LITTLE_ENDIAN) {
		for (; e - (p + n) >= 8; n += 8) {
			uint64_t x, m;

			memcpy(&x, p + n, 8);
			if ((m = not_name(x)) != 0)
				return n + (size_t)__builtin_ctzll(m) / 8;
		}
	}
	while (p + n < e && (unsigned char)p[n] - 33u < 94u && p[n] != ':')
		n++;
	return n;
}

/* The length of a field name at the start of [P, E), with the colon at
 * P[*colon]; 0 when the line is no field. WSP may precede the colon. */
static size_t
field_name(const char *p, const char *e, size_t *colon)
{
	size_t n = name_run(p, e), i;

	for (i = n; p + i < e && is_wsp(p[i]); i++)
		;
	if (n == 0 || p + i >= e || p[i] != ':')
		return 0;
	*colon = i;
	return n;
}

static int
add_field(struct md_header *h, size_t name, size_t namelen, size_t value)
{
	if (h->nf == h->fcap) {
		size_t cap = h->fcap ? h->fcap * 2 : 32;
		struct md_field *f = reallocarray(h->f, cap, sizeof(*f));

		if (f == NULL)
			return -1;
		h->f = f;
		h->fcap = cap;
	}
	h->f[h->nf++] = (struct md_field){
		.name = name, .namelen = namelen, .value = value, .valuelen = 0
	};
	return 0;
}

/* Does [P, E) begin like an mbox From_ line? */
static int
is_from_line(const char *p, const char *e)
{
	return e - p >= 5 && memcmp(p, "From ", 5) == 0;
}

/* Does the '\n' at Q (before END) end a field, not being followed by a
 * line that continues it (one starting with SP or HTAB)? */
static inline int
ends_field(const char *q, const char *end)
{
	return end - q == 1 || !is_wsp(q[1]);
}

#ifdef __SSE2__
/* The '\n' bits of the 16 bytes at P. */
static inline uint64_t
nl16(const char *p)
{
	return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
	    _mm_loadu_si128((const __m128i *)p), _mm_set1_epi8('\n')));
}
#endif

/* The first of the '\n's whose bits are in M, for the bytes at P, that
 * ends a field (before END); NULL when none does. */
static inline const char *
first_end(uint64_t m, const char *p, const char *end)
{
	for (; m != 0; m &= m - 1) {
		const char *q = p + __builtin_ctzll(m);

		if (ends_field(q, end))
			return q;
	}
	return NULL;
}

/* The '\n' that ends the field whose first line is at P: the first one
 * not followed by SP or HTAB, the lines that continue it joined; NULL
 * when it has none before END. The line ends of 64 bytes are found at
 * once, as a header's lines are about as long: folded Received: and
 * DKIM-Signature: fields make most of them. */
static inline const char *
field_nl(const char *p, const char *end)
{
	const char *q;

#ifdef __SSE2__
	for (; end - p >= 64; p += 64) {
		uint64_t m = nl16(p) | nl16(p + 16) << 16 | nl16(p + 32) << 32 |
		             nl16(p + 48) << 48;

		if (m != 0 && (q = first_end(m, p, end)) != NULL)
			return q;
	}
	for (; end - p >= 16; p += 16) {
		uint64_t m = nl16(p);

		if (m != 0 && (q = first_end(m, p, end)) != NULL)
			return q;
	}
#endif
	for (; p < end; p++)
		if (*p == '\n' && ends_field(p, end))
			return p;
	return NULL;
}

/* C as a lower-case ASCII letter when it is an upper-case one. */
static unsigned char
ascii_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c | 0x20 : c;
}

/* Is field I named NAME (LEN bytes), in any case? Field names are ASCII
 * (RFC 5322 2.2), compared as such: no strncasecmp(3) call a field, and
 * no locale's idea of case (a Turkish one's dotless i) in them. */
static int
is_named(const struct md_header *h, size_t i, const char *name, size_t len)
{
	const unsigned char *p = (const unsigned char *)h->buf + h->f[i].name;
	const unsigned char *q = (const unsigned char *)name;

	if (h->f[i].namelen != len)
		return 0;
	for (size_t k = 0; k < len; k++)
		if (p[k] != q[k] && ascii_lower(p[k]) != ascii_lower(q[k]))
			return 0;
	return 1;
}

/* The fields md_header_read_find looks for: N names of LEN bytes, the
 * index of the first field of each in IDX (-1 while not found), LEFT of
 * them not found yet; DONE once the parse stopped after the last. */
struct wanted {
	const char *const *names;
	size_t len[MD_HEADER_FIND_MAX], n, left;
	uint64_t lens; /* bit L: a name of L bytes (under 64) is sought */
	long *idx;
	int done;
};

/* Field I (just indexed): is it the first of a name W wants? */
static void
note(const struct md_header *h, size_t i, struct wanted *w)
{
	size_t len = h->f[i].namelen;

	/* most fields' names are of another length than any sought */
	if (len < 64 && !(w->lens & 1ull << len))
		return;
	for (size_t k = 0; k < w->n; k++)
		if (w->idx[k] == -1 && w->len[k] == h->f[i].namelen &&
		    is_named(h, i, w->names[k], w->len[k])) {
			w->idx[k] = (long)i;
			w->left--;
		}
}

/* md_header_parse; with W, stopping at the first field after the last
 * of W's names found (its value is whole then). */
static int
parse(struct md_header *h, const char *buf, size_t len, struct wanted *w)
{
	const char *p = buf, *end = buf + len;
	struct md_field *cur = NULL;

	h->buf = buf;
	h->nf = 0;
	if (w != NULL) {
		for (size_t k = 0; k < w->n; k++)
			w->idx[k] = -1;
		w->left = w->n;
		w->done = 0;
	}
	/* A first "From " line is an mbox envelope (Postfix and Exim put
	 * one in front), whatever follows. */
	if (is_from_line(p, end))
		p = line_end(p, end);
	while (p < end) {
		const char *nl, *e, *stop;
		size_t colon, n;

		if (w != NULL && w->left == 0 && !is_wsp(*p)) {
			w->done = 1; /* the last one found is whole */
			break;
		}
		/* A line that starts with CR or LF is the blank line ("\n",
		 * "\r\n") or no field at all ("\r\r\n"): the header ends. */
		if (*p == '\n' || *p == '\r')
			break;
		/* The line and the lines that continue it, at once. */
		nl = field_nl(p, end);
		e = nl ? nl + 1 : end;
		stop = nl ? nl : end;
		while (stop > p && stop[-1] == '\r')
			stop--;
		if (is_wsp(*p)) { /* continuing the field before, if any */
			if (cur != NULL)
				cur->valuelen =
				    (size_t)(stop - buf) - cur->value;
		} else if ((n = field_name(p, e, &colon)) > 0) {
			if (add_field(h, (size_t)(p - buf), n,
			        (size_t)(p - buf) + colon + 1) == -1)
				return -1;
			cur = &h->f[h->nf - 1];
			cur->valuelen = (size_t)(stop - buf) - cur->value;
			if (w != NULL)
				note(h, h->nf - 1, w);
		} else if (is_from_line(p, e)) {
			/* A misplaced one, which is no field ("From : x" is):
			 * MUAs that export mail write their own lines, then
			 * the envelope, then the real header. Read on; what
			 * follows continues no field. */
			cur = NULL;
		} else
			break; /* no field, no blank line: the body began */
		p = e;
	}
	h->len = (size_t)(p - buf);
	return 0;
}

int
md_header_parse(struct md_header *h, const char *buf, size_t len)
{
	return parse(h, buf, len, NULL);
}

/* Is the header in H, parsed from LEN bytes, whole: did the parse stop
 * at a line that is there entirely (a blank line, or the body's first),
 * rather than at the end of what was read so far? */
static int
is_whole(const struct md_header *h, size_t len)
{
	return h->len < len && memchr(h->buf + h->len, '\n', len - h->len);
}

/* md_header_read, and md_header_read_find when W is not NULL. */
static int
read_header(struct md_header *h, int fd, struct wanted *w)
{
	size_t len = 0, want = FIRST_READ;

	for (;;) {
		ssize_t r;

		if (h->owncap < want) {
			char *b = realloc(h->own, want);

			if (b == NULL)
				return -1;
			h->own = b;
			h->owncap = want;
		}
		r = read(fd, h->own + len, want - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		len += (size_t)r;
		/* Parsed after each read: most headers need one of each. */
		if (parse(h, h->own, len, w) == -1)
			return -1;
		if (r == 0 || len == MD_HEADER_MAX || (w != NULL && w->done) ||
		    is_whole(h, len))
			return 0;
		if (len == want)
			want =
			    want * 4 > MD_HEADER_MAX ? MD_HEADER_MAX : want * 4;
	}
}

int
md_header_read(struct md_header *h, int fd)
{
	return read_header(h, fd, NULL);
}

int
md_header_read_find(
    struct md_header *h, int fd, const char *const *names, size_t n, long *idx)
{
	struct wanted w; /* not zeroed: len[] is written as far as used */

	w.names = names;
	w.n = n;
	w.idx = idx;
	if (n > MD_HEADER_FIND_MAX) {
		errno = EINVAL;
		return -1;
	}
	w.lens = 0;
	for (size_t k = 0; k < n; k++) {
		w.len[k] = strlen(names[k]);
		w.lens |= w.len[k] < 64 ? 1ull << w.len[k] : 0;
	}
	return read_header(h, fd, &w);
}

#ifdef __SSE2__
/* The line ends, CRs and NULs of the 16 bytes at P, a bit each. */
static inline unsigned
breaks16(const char *p)
{
	__m128i x = _mm_loadu_si128((const __m128i *)p);

	return (unsigned)_mm_movemask_epi8(
	    _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\n')),
	                     _mm_cmpeq_epi8(x, _mm_set1_epi8('\r'))),
	        _mm_cmpeq_epi8(x, _mm_setzero_si128())));
}
#endif

/* The first line end, CR or NUL in [P, E), or E: most values have
 * none, or a few line ends; found sixteen bytes at a time, not a byte,
 * the last ones too where the bytes up to LIM (the header's end) make
 * sixteen. */
static const char *
find_break(const char *p, const char *e, const char *lim)
{
#ifdef __SSE2__
	for (; e - p >= 16; p += 16) {
		unsigned m = breaks16(p);

		if (m != 0)
			return p + __builtin_ctz(m);
	}
	if (p < e && lim - p >= 16) {
		unsigned m = breaks16(p) & ((1u << (e - p)) - 1);

		return m != 0 ? p + __builtin_ctz(m) : e;
	}
#else
	(void)lim;
#endif
	for (; p < e; p++)
		if (*p == '\n' || *p == '\r' || *p == '\0')
			return p;
	return e;
}

/* Field I's value unfolded into OUT: line ends before WSP dropped, NUL
 * bytes made spaces, outer WSP trimmed. Returns the length. */
static size_t
unfold(const struct md_header *h, size_t i, char *out, size_t size)
{
	const char *p = h->buf + h->f[i].value;
	const char *e = p + h->f[i].valuelen;
	size_t n = 0;

	while (p < e && n + 1 < size) {
		size_t k;

		/* a NUL is a space, and leading ones go with the rest */
		if (*p == '\r' || *p == '\n' ||
		    (n == 0 && (is_wsp(*p) || *p == '\0'))) {
			p++;
			continue;
		}
		if (*p == '\0') {
			out[n++] = ' ';
			p++;
			continue;
		}
		/* the bytes up to the next line end, CR or NUL, at once */
		k = (size_t)(find_break(p, e, h->buf + h->len) - p);
		if (k > size - 1 - n)
			k = size - 1 - n;
		memcpy(out + n, p, k);
		n += k;
		p += k;
	}
	while (n > 0 && is_wsp(out[n - 1]))
		n--;
	if (size > 0)
		out[n] = '\0';
	return n;
}

size_t
md_header_value(const struct md_header *h, size_t i, char *out, size_t size)
{
	return unfold(h, i, out, size);
}

int
md_header_field(const struct md_header *h, const char *name, size_t nth,
    char *out, size_t size)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < h->nf; i++)
		if (is_named(h, i, name, len) && nth-- == 0)
			return (int)unfold(h, i, out, size);
	errno = ENOENT;
	return -1;
}

/* md_header_find for at most FIND_AT_ONCE names. */
#define FIND_AT_ONCE 16

static void
find_some(
    const struct md_header *h, const char *const *names, size_t n, long *idx)
{
	size_t len[FIND_AT_ONCE], left = n;

	for (size_t k = 0; k < n; k++) {
		len[k] = strlen(names[k]);
		idx[k] = -1;
	}
	/* One pass over the fields, however many names: a header has
	 * dozens of fields and a listing looks for about ten. */
	for (size_t i = 0; i < h->nf && left > 0; i++)
		for (size_t k = 0; k < n; k++)
			if (idx[k] == -1 && is_named(h, i, names[k], len[k])) {
				idx[k] = (long)i;
				left--;
			}
}

void
md_header_find(
    const struct md_header *h, const char *const *names, size_t n, long *idx)
{
	for (size_t at = 0; at < n; at += FIND_AT_ONCE)
		find_some(h, names + at,
		    n - at < FIND_AT_ONCE ? n - at : FIND_AT_ONCE, idx + at);
}
