/*
 * decode.c: header text to UTF-8. RFC 2047 encoded words (B and Q) are
 * decoded, the bytes of adjacent words in one charset joined before the
 * conversion (mailers split multibyte characters across words), and
 * undeclared 8-bit bytes taken as UTF-8 where they are valid, else as
 * CP1252. What cannot be converted becomes U+FFFD; the output is always
 * valid UTF-8. iconv descriptors are opened once per charset and kept.
 */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "internal.h"

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

struct out {
	char *p;
	size_t size, n;
	int full;
};

void
md_decoder_init(struct md_decoder *d)
{
	memset(d, 0, sizeof(*d));
}

void
md_decoder_free(struct md_decoder *d)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->cd[i] != (iconv_t)-1)
			iconv_close(d->cd[i]);
	md_decoder_init(d);
}

/* Append N bytes that are whole UTF-8 characters, or none of them. */
static void
put(struct out *o, const char *s, size_t n)
{
	if (o->full || o->n + n >= o->size) {
		o->full = 1;
		return;
	}
	if (n <= 4) /* a character: no memcpy call for it */
		for (size_t i = 0; i < n; i++)
			o->p[o->n + i] = s[i];
	else
		memcpy(o->p + o->n, s, n);
	o->n += n;
}

/* md_utf8_len, inline where decoding checks text a character at a
 * time. */
static inline size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned min;
	unsigned c;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, min = 0x80, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, min = 0x800, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, min = 0x10000, c = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return len;
}

size_t
md_utf8_len(const unsigned char *s, size_t n)
{
	return utf8_len(s, n);
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Are the 8 bytes at S all ASCII? Most header text is. */
static int
ascii8(const char *s)
{
	uint64_t x;

	memcpy(&x, s, 8);
	return (x & HIGHS) == 0;
}

/* Might one of the 8 bytes at S be a control byte (below 0x20, or
 * 0x7f)? No when none is (a borrow may flag a byte past a true one). */
static int
control8(const char *s)
{
	uint64_t x, d;

	memcpy(&x, s, 8);
	d = x ^ (ONES * 0x7f);
	return ((((x - ONES * 0x20) & ~x) | ((d - ONES) & ~d)) & HIGHS) != 0;
}

/* What a byte is to a UTF-8 reader: 0 ASCII; 1, 2, 3 a continuation
 * byte 80-8F, 90-9F, A0-BF; 4 never in UTF-8 (C0, C1, F5-FF); 5 the lead
 * of two bytes (C2-DF); 6 E0; 7 E1-EC, EE, EF; 8 ED; 9 F0; 10 F1-F3;
 * 11 F4. */
/* clang-format off */
static const unsigned char u8class[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 00 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 40 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 80 */
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	4, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, /* C0 */
	5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
	6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 7, /* E0 */
	9, 10, 10, 10, 11, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
};

/* Where a UTF-8 reader is: 0 between characters; 1, 2, 3 continuation
 * bytes (80-BF) to come; after E0 one of A0-BF, then one; after ED one
 * of 80-9F, then one; after F0 one of 90-BF, then two; after F4 one of
 * 80-8F, then two; 8 in no character (overlong, surrogate, above
 * U+10FFFF, cut or stray). By state and byte class. */
enum { U8_OK, U8_1, U8_2, U8_3, U8_E0, U8_ED, U8_F0, U8_F4, U8_BAD };
static const unsigned char u8next[U8_BAD][12] = {
	[U8_OK] = { U8_OK, U8_BAD, U8_BAD, U8_BAD, U8_BAD, U8_1, U8_E0, U8_2,
	            U8_ED, U8_F0, U8_3, U8_F4 },
	[U8_1] = { U8_BAD, U8_OK, U8_OK, U8_OK, U8_BAD, U8_BAD, U8_BAD,
	           U8_BAD, U8_BAD, U8_BAD, U8_BAD, U8_BAD },
	[U8_2] = { U8_BAD, U8_1, U8_1, U8_1, U8_BAD, U8_BAD, U8_BAD, U8_BAD,
	           U8_BAD, U8_BAD, U8_BAD, U8_BAD },
	[U8_3] = { U8_BAD, U8_2, U8_2, U8_2, U8_BAD, U8_BAD, U8_BAD, U8_BAD,
	           U8_BAD, U8_BAD, U8_BAD, U8_BAD },
	[U8_E0] = { U8_BAD, U8_BAD, U8_BAD, U8_1, U8_BAD, U8_BAD, U8_BAD,
	            U8_BAD, U8_BAD, U8_BAD, U8_BAD, U8_BAD },
	[U8_ED] = { U8_BAD, U8_1, U8_1, U8_BAD, U8_BAD, U8_BAD, U8_BAD,
	            U8_BAD, U8_BAD, U8_BAD, U8_BAD, U8_BAD },
	[U8_F0] = { U8_BAD, U8_BAD, U8_2, U8_2, U8_BAD, U8_BAD, U8_BAD,
	            U8_BAD, U8_BAD, U8_BAD, U8_BAD, U8_BAD },
	[U8_F4] = { U8_BAD, U8_2, U8_BAD, U8_BAD, U8_BAD, U8_BAD, U8_BAD,
	            U8_BAD, U8_BAD, U8_BAD, U8_BAD, U8_BAD },
};
/* clang-format on */

/* Are the two bytes at S continuation bytes (80-BF)? */
static inline int
cont2(const unsigned char *s)
{
	return ((s[0] ^ 0x80) | (s[1] ^ 0x80)) < 0x40;
}

/* md_utf8_valid: eight bytes at a time while they are ASCII; the
 * characters most text is in, two bytes (C2-DF) and three bytes (E1-EC,
 * EE, EF, no overlong form or surrogate among them), tested at once;
 * the others a byte at a time through the states above. */
static int
valid_utf8(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		unsigned c = u[i], st;

		if (c < 0x80) {
			if (n - i >= 8 && ascii8(s + i))
				i += 8;
			else
				i++;
			continue;
		}
		if (c - 0xc2 < 0x1e && n - i >= 2 && (u[i + 1] ^ 0x80) < 0x40) {
			i += 2;
			continue;
		}
		if (c - 0xe1 < 0x0f && c != 0xed && n - i >= 3 &&
		    cont2(u + i + 1)) {
			i += 3;
			continue;
		}
		for (st = U8_OK;;) {
			if (i == n)
				return 0; /* cut short */
			st = u8next[st][u8class[u[i++]]];
			if (st == U8_OK)
				break;
			if (st == U8_BAD)
				return 0;
		}
	}
	return 1;
}

int
md_utf8_valid(const char *s, size_t n)
{
	return valid_utf8(s, n);
}

/* The descriptor from CHARSET to UTF-8, opened once; -1 if unknown. */
static iconv_t
descriptor(struct md_decoder *d, const char *charset)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcasecmp(d->name[i], charset) == 0)
			return d->cd[i];
	if (d->n == MD_DECODER_SLOTS) { /* a rare flood of charsets */
		if (d->cd[0] != (iconv_t)-1)
			iconv_close(d->cd[0]);
		memmove(d->cd, d->cd + 1, sizeof(d->cd[0]) * (d->n - 1));
		memmove(d->name, d->name + 1, sizeof(d->name[0]) * (d->n - 1));
		d->n--;
		d->last_kind = 0; /* its descriptor may be the one closed */
	}
	i = d->n++;
	strlcpy(d->name[i], charset, sizeof(d->name[i]));
	d->cd[i] = iconv_open("UTF-8", charset);
	return d->cd[i];
}

/* What iconv made, N bytes at S, into O: whole characters, and U+FFFD
 * for one that is not UTF-8. glibc writes code points past U+10FFFF
 * (from UCS-4, or from "UTF-8//", whose decoder takes them) in 4 to 6
 * bytes, which RFC 3629 forbids: that lead byte and its continuation
 * bytes are one bad character. */
static void
checked(struct out *o, const char *s, size_t n)
{
	for (size_t i = 0, l; i < n && !o->full; i += l) {
		l = utf8_len((const unsigned char *)s + i, n - i);
		if (l > 0) {
			put(o, s + i, l);
			continue;
		}
		put(o, REPLACEMENT, 3);
		for (l = 1;
		     i + l < n && ((unsigned char)s[i + l] & 0xc0) == 0x80;)
			l++;
	}
}

/* Convert N bytes with CD into O, through a buffer that checked()
 * empties; bad bytes as U+FFFD. */
static void
convert(struct out *o, iconv_t cd, const char *s, size_t n)
{
	char *in = (char *)s, buf[1024];
	size_t inleft = n;

	iconv(cd, NULL, NULL, NULL, NULL);
	while (inleft > 0 && !o->full) {
		char *op = buf;
		size_t oleft = sizeof(buf), rc;
		int e;

		rc = iconv(cd, &in, &inleft, &op, &oleft);
		e = errno;
		checked(o, buf, (size_t)(op - buf));
		if (rc != (size_t)-1 || e == E2BIG)
			continue;       /* all of it done, or more to come */
		put(o, REPLACEMENT, 3); /* EILSEQ, or EINVAL: cut short */
		if (e == EINVAL)
			break;
		in++;
		inleft--;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
}

/* Declared UTF-8: invalid bytes become U+FFFD one by one. */
static void
utf8(struct out *o, const char *s, size_t n)
{
	/* Valid and room for it, as most is: all of it at once. */
	if (!o->full && o->n + n < o->size && valid_utf8(s, n)) {
		put(o, s, n);
		return;
	}
	for (size_t i = 0, l; i < n; i += l) {
		l = utf8_len((const unsigned char *)s + i, n - i);
		if (l == 0) {
			put(o, REPLACEMENT, 3);
			l = 1;
		} else
			put(o, s + i, l);
	}
}

/* Bytes whose charset is unknown or undeclared: UTF-8 where they are
 * that, else CP1252. */
static void
raw(struct md_decoder *d, struct out *o, const char *s, size_t n)
{
	iconv_t cd;

	if (valid_utf8(s, n)) {
		if (!o->full && o->n + n < o->size)
			put(o, s, n); /* all of it, at once */
		else
			utf8(o, s, n); /* whole characters, as many as fit */
		return;
	}
	if ((cd = descriptor(d, "CP1252")) == (iconv_t)-1) {
		for (size_t i = 0; i < n; i++)
			put(o, (unsigned char)s[i] < 0x80 ? s + i : REPLACEMENT,
			    (unsigned char)s[i] < 0x80 ? 1 : 3);
		return;
	}
	convert(o, cd, s, n);
}

/* Charset names mail uses that glibc does not know, or that lie. */
static const char *
alias(const char *cs)
{
	static const struct {
		const char *name, *is;
	} t[] = {
		{ "ks_c_5601-1987", "CP949" },
		{ "ks_c_5601", "CP949" },
		{ "x-gbk", "GBK" },
		{ "gb2312", "GB18030" }, /* a superset: real mail needs it */
		{ "iso-8859-8-i", "ISO-8859-8" },
		{ "windows-874", "CP874" },
		{ "x-mac-roman", "MACINTOSH" },
		/* no real charset: the raw rule decides */
		{ "unknown-8bit", NULL },
		{ "x-unknown", NULL },
		{ "x-user-defined", NULL },
		{ "unknown", NULL },
		{ "us-ascii", NULL },
		{ "ascii", NULL },
		{ "default", NULL },
	};

	/* The names begin with a lower-case letter: the first byte, case
	 * folded, rules out most before strcasecmp(3) is called. */
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if ((cs[0] | 0x20) == t[i].name[0] &&
		    strcasecmp(cs, t[i].name) == 0)
			return t[i].is;
	return cs;
}

enum cs_kind { CS_UTF8 = 1, CS_RAW, CS_ICONV, CS_UNKNOWN, CS_LATIN1 };

/* Is CS the lower-case ASCII name LIT in any case? Charset names are
 * ASCII, compared without strcasecmp(3)'s call and locale: a listing
 * resolves a charset or two a message. */
static int
named(const char *cs, const char *lit)
{
	for (; *lit != '\0'; cs++, lit++)
		if ((*cs >= 'A' && *cs <= 'Z' ? *cs | 0x20 : *cs) != *lit)
			return 0;
	return *cs == '\0';
}

/* Is CS a name of ISO-8859-1, whose bytes are the first 256 code points
 * (as iconv has it)? Then no iconv: most 8-bit words in Western mail
 * are in it, and iconv's calls cost more than the conversion. */
static int
is_latin1(const char *cs)
{
	return named(cs, "iso-8859-1") || named(cs, "iso8859-1") ||
	       named(cs, "iso_8859-1") || named(cs, "latin1");
}

/* ISO-8859-1 bytes into O, a character at a time, as convert() does. */
static void
latin1(struct out *o, const char *s, size_t n)
{
	/* Room for two bytes each, as there mostly is: no test a byte. */
	if (!o->full && o->n + 2 * n < o->size) {
		char *q = o->p + o->n;

		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)s[i];

			if (c < 0x80)
				*q++ = (char)c;
			else {
				*q++ = (char)(0xc0 | c >> 6);
				*q++ = (char)(0x80 | (c & 0x3f));
			}
		}
		o->n = (size_t)(q - o->p);
		return;
	}
	for (size_t i = 0; i < n && !o->full; i++) {
		unsigned char c = (unsigned char)s[i];
		char u[2] = { (char)(0xc0 | c >> 6),
			(char)(0x80 | (c & 0x3f)) };

		if (c < 0x80)
			put(o, s + i, 1);
		else
			put(o, u, 2);
	}
}

/* What CHARSET is: UTF-8, no real charset (the raw rule), one iconv
 * converts (*CD), or one nobody knows. */
static enum cs_kind
resolve(struct md_decoder *d, const char *charset, iconv_t *cd)
{
	const char *cs;
	size_t n;

	if (d->last_kind == 0 || strcmp(d->last, charset) != 0) {
		d->last_cd = (iconv_t)-1;
		/* the two most mail is in first: no alias is either */
		if (named(charset, "utf-8") || named(charset, "utf8"))
			d->last_kind = CS_UTF8;
		else if (is_latin1(charset))
			d->last_kind = CS_LATIN1;
		else if ((cs = alias(charset)) == NULL)
			d->last_kind = CS_RAW;
		else if ((d->last_cd = descriptor(d, cs)) == (iconv_t)-1)
			d->last_kind = CS_UNKNOWN;
		else
			d->last_kind = CS_ICONV;
		if ((n = strlen(charset)) < sizeof(d->last))
			memcpy(d->last, charset, n + 1);
		else
			strlcpy(d->last, charset, sizeof(d->last));
	}
	*cd = d->last_cd;
	return (enum cs_kind)d->last_kind;
}

static void
flush(struct md_decoder *d, struct out *o, struct md_decode_run *r)
{
	iconv_t cd;
	enum cs_kind kind = (enum cs_kind)r->open; /* what add_word found */

	if (!r->open)
		return;
	r->open = 0;
	/* Only iconv's charsets are resolved again, for the descriptor
	 * (the others' kind is the name's alone) */
	switch (kind == CS_ICONV ? resolve(d, r->charset, &cd) : kind) {
	case CS_UTF8:
		utf8(o, r->buf, r->len);
		break;
	case CS_ICONV:
		convert(o, cd, r->buf, r->len);
		break;
	case CS_LATIN1:
		latin1(o, r->buf, r->len);
		break;
	default:
		raw(d, o, r->buf, r->len);
	}
	r->len = 0;
}

/* Each hex digit's value plus one (either case), 0 for any other byte:
 * Q words of non-Latin text are mostly "=XX". */
/* clang-format off */
static const unsigned char hex_1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6,
	['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};
/* clang-format on */

int
md_hexval(int c)
{
	return c >= 0 && c < 256 ? hex_1[c] - 1 : -1;
}

static size_t
decode_q(const char *s, size_t n, char *out, size_t size)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t k = 0;

	for (size_t i = 0; i < n && k < size; i++) {
		unsigned hi, lo;

		if (s[i] == '_')
			out[k++] = ' ';
		else if (s[i] == '=' && i + 2 < n &&
		         (hi = hex_1[u[i + 1]]) != 0 &&
		         (lo = hex_1[u[i + 2]]) != 0) {
			out[k++] = (char)((hi - 1) << 4 | (lo - 1));
			i += 2;
		} else
			out[k++] = s[i];
	}
	return k;
}

/* Each base64 digit's value plus one, 0 for any other byte: a look-up,
 * not five tests, as B words are half of a listing's From: and Subject:
 * fields and each is decoded twice (checked, then decoded). */
/* clang-format off */
static const unsigned char b64_1[256] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6,
	['G'] = 7, ['H'] = 8, ['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12,
	['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16, ['Q'] = 17, ['R'] = 18,
	['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24,
	['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30,
	['e'] = 31, ['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36,
	['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42,
	['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48,
	['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54,
	['2'] = 55, ['3'] = 56, ['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60,
	['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64,
};
/* clang-format on */

int
md_b64val(int c)
{
	return b64_1[c] - 1;
}

/* Base64 without padding rules: bad characters are skipped, a dangling
 * partial byte dropped. -1 when nothing decodes. */
static long
decode_b(const char *s, size_t n, char *out, size_t size)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned acc = 0;
	int bits = 0;
	size_t k = 0, i = 0;

	/* Four digits to three bytes at once while they are digits and
	 * fit; then (a '=', a bad byte, the end) a digit at a time, from
	 * the same state: none left over after four. */
	for (; n - i >= 4 && size - k >= 3; i += 4, k += 3) {
		/* a digit's value, or all bits set for a byte that is none */
		unsigned a = b64_1[u[i]] - 1u, b = b64_1[u[i + 1]] - 1u,
		         c = b64_1[u[i + 2]] - 1u, d = b64_1[u[i + 3]] - 1u, v;

		if ((a | b | c | d) & 0x40)
			break;
		v = a << 18 | b << 12 | c << 6 | d;
		out[k] = (char)(v >> 16);
		out[k + 1] = (char)(v >> 8 & 0xff);
		out[k + 2] = (char)(v & 0xff);
	}
	for (; i < n && s[i] != '='; i++) {
		int v = md_b64val((unsigned char)s[i]);

		if (v < 0)
			return -1;
		acc = acc << 6 | (unsigned)v;
		if ((bits += 6) >= 8) {
			bits -= 8;
			if (k < size)
				out[k++] = (char)(acc >> bits & 0xff);
		}
	}
	return (long)k;
}

#ifdef __SSE2__
/* The bytes of the 16 at P that are '?' (*Q) and whitespace (*WS). */
static inline void
marks16(const char *p, unsigned *q, unsigned *ws)
{
	__m128i x = _mm_loadu_si128((const __m128i *)p);

	*q = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('?')));
	*ws = (unsigned)_mm_movemask_epi8(
	    _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')),
	                     _mm_cmpeq_epi8(x, _mm_set1_epi8('\t'))),
	        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\r')),
	            _mm_cmpeq_epi8(x, _mm_set1_epi8('\n')))));
}
#endif

/* The "?=" that ends an encoded word's text at P (before E), or NULL
 * when whitespace or E comes first. Sixteen bytes at a time where
 * there are as many: a listing decodes a few words a message. */
static const char *
word_end(const char *p, const char *e)
{
#ifdef __SSE2__
	for (; e - p > 16; p += 16) { /* a byte after the 16: '?' + 1 */
		unsigned q, ws;

		marks16(p, &q, &ws);
		for (; q != 0; q &= q - 1) {
			unsigned at = (unsigned)__builtin_ctz(q);

			if (ws & ((1u << at) - 1))
				return NULL; /* whitespace before this '?' */
			if (p[at + 1] == '=')
				return p + at;
		}
		if (ws != 0)
			return NULL;
	}
#endif
	for (; p + 1 < e; p++) {
		if (*p == '?' && p[1] == '=')
			return p;
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			return NULL;
	}
	return NULL;
}

/* An encoded word at S: "=?charset?B?text?=" (or Q, any case). Fills
 * CHARSET (language after '*' dropped) and the text; its length or 0. */
static size_t
word(const char *s, size_t n, char *charset, char *enc, const char **text,
    size_t *textlen)
{
	const char *q1, *q2, *end, *star;
	size_t cslen;

	if (n < 8 || s[0] != '=' || s[1] != '?')
		return 0;
	if ((q1 = memchr(s + 2, '?', n - 2)) == NULL)
		return 0;
	cslen = (size_t)(q1 - s - 2);
	if (cslen == 0 || (size_t)(s + n - q1) < 5 || q1[2] != '?')
		return 0;
	*enc = (char)toupper((unsigned char)q1[1]);
	if (*enc != 'B' && *enc != 'Q')
		return 0;
	q2 = q1 + 3;
	if ((end = word_end(q2, s + n)) == NULL)
		return 0;
	star = NULL;
	for (size_t i = 0; i < cslen; i++) {
		if (isspace((unsigned char)s[2 + i]))
			return 0;
		if (s[2 + i] == '*' && star == NULL)
			star = s + 2 + i;
	}
	if (star != NULL)
		cslen = (size_t)(star - s - 2); /* RFC 2231 language */
	if (cslen >= MD_CHARSET_MAX)
		cslen = MD_CHARSET_MAX - 1; /* iconv knows no such name */
	memcpy(charset, s + 2, cslen);
	charset[cslen] = '\0';
	*text = q2;
	*textlen = (size_t)(end - q2);
	return (size_t)(end + 2 - s);
}

/* Add one word's decoded bytes to the run, starting a new run when the
 * charset changes. 0 when the text does not decode. */
static int
add_word(struct md_decoder *d, struct out *o, struct md_decode_run *r,
    const char *charset, char enc, const char *text, size_t len)
{
	char buf[MD_DECODE_RUN], *to;
	enum cs_kind kind;
	size_t room;
	iconv_t cd;
	long k;

	/* A charset iconv does not know: the word is shown as it is. So is
	 * bad base64 (decode_b says so as it decodes). */
	if ((kind = resolve(d, charset, &cd)) == CS_UNKNOWN)
		return 0;
	/* The run of another charset is written first; if this word does
	 * not decode, the caller writes it before anything else all the
	 * same. */
	if (r->open && strcasecmp(r->charset, charset) != 0)
		flush(d, o, r);
	/* Straight into the run where it has room for the most a word
	 * gives (as many bytes as its text), else through BUF. */
	to = r->len + len <= sizeof(r->buf) ? r->buf + r->len : buf;
	room = to == buf ? sizeof(buf) : sizeof(r->buf) - r->len;
	if (enc == 'B')
		k = decode_b(text, len, to, room);
	else
		k = (long)decode_q(text, len, to, room);
	if (k < 0)
		return 0;
	if (to == buf) {
		if (r->open && r->len + (size_t)k > sizeof(r->buf))
			flush(d, o, r);
		memcpy(r->buf + r->len, buf, (size_t)k);
	}
	if (!r->open) {
		/* word() cut it to fit: a copy, not libbsd's byte loop */
		memcpy(r->charset, charset, strlen(charset) + 1);
		r->open = (int)kind; /* for flush(), not resolved again */
	}
	r->len += (size_t)k;
	return 1;
}

/* The encoded words after the one that ended at *I, with only
 * whitespace between them, which goes: their bytes added to the run,
 * *I past the last. Each is read and decoded once, here. */
static void
words_after(struct md_decoder *d, struct out *o, struct md_decode_run *r,
    const char *in, size_t len, size_t *i)
{
	while (!o->full) {
		const char *s = in + *i, *text;
		size_t n = len - *i, g = 0, w, tl;
		char cs[MD_CHARSET_MAX], enc;

		while (g < n && (s[g] == ' ' || s[g] == '\t' || s[g] == '\r' ||
		                    s[g] == '\n'))
			g++;
		/* a word that does not decode keeps the whitespace before
		 * it; add_word changes nothing then */
		if (g == 0 ||
		    (w = word(s + g, n - g, cs, &enc, &text, &tl)) == 0 ||
		    !add_word(d, o, r, cs, enc, text, tl))
			return;
		*i += g + w;
	}
}

/* Might one of the 8 bytes at S be no printable ASCII (below 0x20,
 * 0x7f or above) or a '='? No when none is (a borrow or carry may flag
 * a byte past a true one, never a byte alone). */
static int
unplain8(const char *s)
{
	uint64_t x, eq;

	memcpy(&x, s, 8);
	eq = x ^ (ONES * '=');
	return ((((x - ONES * 0x20) & ~x) | (x + ONES) | x |
	            ((eq - ONES) & ~eq)) &
	           HIGHS) != 0;
}

/* Are the N bytes at S printable ASCII without a '=' (no encoded word
 * can begin)? Eight at a time: most values are. */
static int
plain_ascii(const char *s, size_t n)
{
	size_t i = 0;

	for (; n - i >= 8; i += 8)
		if (unplain8(s + i))
			break;
	for (; i < n; i++)
		if ((unsigned char)s[i] - 0x20u >= 0x5fu || s[i] == '=')
			return 0;
	return 1;
}

/* The control bytes of the N at S made ' ' (line breaks, tab, NUL) or
 * '?'. */
static void
no_controls(char *s, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		unsigned char c = (unsigned char)s[k];

		if (c == '\0' || c == '\r' || c == '\n' || c == '\t')
			s[k] = ' ';
		else if (c < 0x20 || c == 0x7f)
			s[k] = '?';
	}
}

size_t
md_decode_text(
    struct md_decoder *d, const char *in, size_t len, char *out, size_t size)
{
	struct out o = { out, size, 0, size == 0 };
	struct md_decode_run *r = &d->run;
	size_t i = 0, plain = 0;

	if (size == 0)
		return 0;
	/* Most values are printable ASCII with no word in them: all that
	 * follows would give them back as they are. */
	if (len < size && plain_ascii(in, len)) {
		memcpy(out, in, len);
		out[len] = '\0';
		return len;
	}
	r->open = 0;
	r->len = 0;
	while (i < len && !o.full) {
		char cs[MD_CHARSET_MAX], enc;
		const char *text;
		size_t tl, w = 0;

		if (in[i] != '=') { /* only at a '=' may a word begin */
			const char *eq = memchr(in + i, '=', len - i);
			size_t k = eq ? (size_t)(eq - in) : len;

			if (plain == 0)
				flush(d, &o, r);
			plain += k - i;
			i = k;
			continue;
		}
		w = word(in + i, len - i, cs, &enc, &text, &tl);

		if (w > 0 && add_word(d, &o, r, cs, enc, text, tl)) {
			if (plain > 0) /* text before the word */
				raw(d, &o, in + i - plain, plain);
			plain = 0;
			i += w;
			/* whitespace between two words goes */
			words_after(d, &o, r, in, len, &i);
			continue;
		}
		if (plain == 0)
			flush(d, &o, r);
		plain++;
		i++;
	}
	flush(d, &o, r);
	if (plain > 0)
		raw(d, &o, in + len - plain, plain);
	out[o.n] = '\0';
	/* No control byte reaches a terminal: line breaks and NUL are
	 * spaces, the others '?'. Byte for byte, so UTF-8 stays valid. */
	for (size_t k = 0; k < o.n; k += 8) /* eight at a time: mostly none */
		if (o.n - k < 8 || control8(out + k))
			no_controls(out + k, o.n - k < 8 ? o.n - k : 8);
	return o.n;
}

size_t
md_decode_charset(struct md_decoder *d, const char *charset, const char *in,
    size_t len, char *out, size_t size)
{
	struct out o = { out, size, 0, 0 };
	enum cs_kind k = 0;
	iconv_t cd;

	if (size == 0)
		return 0;
	if (charset != NULL && *charset != '\0')
		k = resolve(d, charset, &cd);
	/* What iconv does not know is read as UTF-8, as Dovecot reads it. */
	if (k == CS_ICONV)
		convert(&o, cd, in, len);
	else if (k == CS_LATIN1)
		latin1(&o, in, len);
	else
		utf8(&o, in, len);
	out[o.n] = '\0';
	return o.n;
}
