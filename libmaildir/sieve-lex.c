/*
 * sieve-lex.c: the tokens of a Sieve script (RFC 5228 section 8.1):
 * identifiers, tags, numbers with their K, M, G quantifiers, quoted
 * strings with their two escapes, multi-line "text:" strings with dot
 * stuffing, both kinds of comment. Each token knows its line and column
 * so that every later error can name its place.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>

#include "internal.h"

int
md_sieve_errf(struct md_sieve_err *e, enum md_sieve_err_kind kind,
    unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;

	if (e != NULL) {
		e->kind = kind;
		e->line = line;
		e->col = col;
		e->file[0] = '\0';
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	if (kind == MD_SIEVE_SYSTEM && errno == 0)
		errno = ENOMEM;
	else if (kind != MD_SIEVE_SYSTEM)
		errno = EINVAL;
	return -1;
}

struct md_sieve_chunk {
	struct md_sieve_chunk *next;
	size_t mapped; /* bytes mmap(2)ed, 0: malloc(3)ed */
	max_align_t data[];
};

#define CHUNK (32 * 1024)

void *
md_sieve_arena_grow(struct md_sieve_arena *a, size_t n)
{
	size_t cap = n > CHUNK / 4 ? n : CHUNK;
	struct md_sieve_chunk *c = malloc(sizeof(*c) + cap);

	if (c == NULL)
		return NULL;
	c->mapped = 0;
	if (cap == n && a->head != NULL) {
		/* a chunk of its own, behind the one being filled */
		c->next = a->head->next;
		a->head->next = c;
		return c->data;
	}
	c->next = a->head;
	a->head = c;
	a->next = (char *)c->data + n;
	a->end = (char *)c->data + cap;
	return c->data;
}

void
md_sieve_arena_free(struct md_sieve_arena *a)
{
	while (a->head != NULL) {
		struct md_sieve_chunk *c = a->head;

		a->head = c->next;
		if (c->mapped != 0)
			munmap(c, c->mapped);
		else
			free(c);
	}
	a->next = a->end = NULL;
}

int
md_sieve_arena_reserve(struct md_sieve_arena *a, size_t n)
{
	size_t len = (sizeof(struct md_sieve_chunk) + n + 4095) & ~(size_t)4095;
	struct md_sieve_chunk *c = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (c == MAP_FAILED)
		return -1;
	c->next = a->head;
	c->mapped = len;
	a->head = c;
	a->next = (char *)c->data;
	a->end = (char *)c + len;
	return 0;
}

/* N bytes for a token's string: from the arena, else malloc. */
static inline char *
token_mem(struct md_sieve_lexer *lx, size_t n)
{
	return lx->arena ? md_sieve_alloc_str(lx->arena, n) : malloc(n);
}

void
md_sieve_lex_init(struct md_sieve_lexer *lx, const char *buf, size_t len)
{
	lx->p = buf;
	lx->end = buf + len;
	lx->line = 1;
	lx->col = 1;
	lx->arena = NULL;
}

static int
peek(const struct md_sieve_lexer *lx, size_t k)
{
	return lx->p + k < lx->end ? (unsigned char)lx->p[k] : -1;
}

static void
step(struct md_sieve_lexer *lx)
{
	if (*lx->p == '\n') {
		lx->line++;
		lx->col = 1;
	} else
		lx->col++;
	lx->p++;
}

/* Move on to P, past no more than one line's worth of checks: the
 * line and column counted over the bytes skipped. */
static void
advance(struct md_sieve_lexer *lx, const char *p)
{
	const char *nl;

	while ((nl = memchr(lx->p, '\n', (size_t)(p - lx->p))) != NULL) {
		lx->line++;
		lx->col = 1;
		lx->p = nl + 1;
	}
	lx->col += (unsigned)(p - lx->p);
	lx->p = p;
}

/* One compare each: the lexer asks these of every byte of a word. */
static inline int
is_alpha(int c)
{
	return (unsigned)((c | 0x20) - 'a') < 26 || c == '_';
}

static inline int
is_digit(int c)
{
	return (unsigned)(c - '0') < 10;
}

/* The bytes of a word after its first (letters, digits, '_'): a load
 * each, not three compares. */
static const unsigned char word_byte[256] = {
	['0' ... '9'] = 1,
	['A' ... 'Z'] = 1,
	['_'] = 1,
	['a' ... 'z'] = 1,
};

/* A growing string for a token's text. */
struct buf {
	char *s;
	size_t len, cap;
};

static int
put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 32;
		char *p;

		while (b->len + n + 1 > cap)
			cap *= 2;
		if ((p = realloc(b->s, cap)) == NULL)
			return -1;
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

/* The comment at the look-ahead, if any, skipped: 1, 0 for none, -1 for
 * a bracket comment left open. Apart from skip_space, and not inline:
 * few scripts have many comments, all have blanks. */
static __attribute__((noinline)) int
skip_comment(struct md_sieve_lexer *lx, struct md_sieve_err *e)
{
	int c = peek(lx, 0);

	if (c == '#') {
		while (peek(lx, 0) != -1 && peek(lx, 0) != '\n')
			step(lx);
		return 1;
	}
	if (c == '/' && peek(lx, 1) == '*') {
		unsigned line = lx->line, col = lx->col;

		step(lx);
		step(lx);
		while (!(peek(lx, 0) == '*' && peek(lx, 1) == '/')) {
			if (peek(lx, 0) == -1)
				return md_sieve_errf(e, MD_SIEVE_SYNTAX, line,
				    col, "comment not closed with */");
			step(lx);
		}
		step(lx);
		step(lx);
		return 1;
	}
	return 0;
}

/* Blanks and comments; -1 for a bracket comment left open. */
static inline int
skip_space(struct md_sieve_lexer *lx, struct md_sieve_err *e)
{
	for (;;) {
		const char *p = lx->p;
		unsigned line = lx->line, col = lx->col;
		int rc;

		/* Blanks in a tight loop, on locals: most of a script between
		 * tokens is indentation and line ends. */
		for (; p < lx->end; p++) {
			if (*p == ' ' || *p == '\t' || *p == '\r')
				col++;
			else if (*p == '\n')
				line++, col = 1;
			else
				break;
		}
		lx->p = p;
		lx->line = line;
		lx->col = col;
		if (p == lx->end || (*p != '#' && *p != '/'))
			return 0;
		if ((rc = skip_comment(lx, e)) <= 0)
			return rc;
	}
}

static __attribute__((noinline)) int
lex_number(
    struct md_sieve_lexer *lx, struct md_sieve_token *t, struct md_sieve_err *e)
{
	uint64_t n = 0, mul = 1;
	int c;

	while (is_digit(c = peek(lx, 0))) {
		if (n > (UINT64_MAX - (uint64_t)(c - '0')) / 10)
			return md_sieve_errf(e, MD_SIEVE_SYNTAX, t->line,
			    t->col, "number too large");
		n = n * 10 + (uint64_t)(c - '0');
		step(lx);
	}
	switch (c) {
	case 'K':
	case 'k':
		mul = 1ULL << 10;
		break;
	case 'M':
	case 'm':
		mul = 1ULL << 20;
		break;
	case 'G':
	case 'g':
		mul = 1ULL << 30;
		break;
	}
	if (mul != 1) {
		step(lx);
		if (n > UINT64_MAX / mul)
			return md_sieve_errf(e, MD_SIEVE_SYNTAX, t->line,
			    t->col, "number too large");
		n *= mul;
	}
	if (is_alpha(peek(lx, 0)) || is_digit(peek(lx, 0)))
		return md_sieve_errf(e, MD_SIEVE_SYNTAX, lx->line, lx->col,
		    "unexpected character after a number");
	t->kind = MD_TOK_NUMBER;
	t->num = n;
	return 0;
}

static int
lex_word(struct md_sieve_lexer *lx, struct md_sieve_token *t, int tag,
    struct md_sieve_err *e)
{
	const char *s;

	if (tag)
		step(lx);
	if (!is_alpha(peek(lx, 0)))
		return md_sieve_errf(e, MD_SIEVE_SYNTAX, lx->line, lx->col,
		    "':' not followed by a tag name");
	/* A word has no line end: its bytes only move the column. */
	const char *p = lx->p + 1, *end = lx->end;

	while (p < end && word_byte[(unsigned char)*p])
		p++;
	s = lx->p;
	lx->p = p;
	t->len = (size_t)(p - s);
	lx->col += (unsigned)t->len;
	if ((t->s = token_mem(lx, t->len + 1)) != NULL) {
		memcpy(t->s, s, t->len);
		t->s[t->len] = '\0';
	}
	if (t->s == NULL)
		return md_sieve_errf(e, MD_SIEVE_SYSTEM, 0, 0, "out of memory");
	t->kind = tag ? MD_TOK_TAG : MD_TOK_IDENT;
	return 0;
}

/* "...": \" and \\ stand for the character; any other \x for x. */
static int
lex_quoted(
    struct md_sieve_lexer *lx, struct md_sieve_token *t, struct md_sieve_err *e)
{
	const char *q = memchr(lx->p + 1, '"', (size_t)(lx->end - lx->p - 1)),
	           *bs = NULL;
	size_t n = 0;
	char *out;

	/* To the closing quote first: one allocation for the string. Most
	 * strings have no backslash: found by memchr(3), copied at once. */
	if (q != NULL &&
	    (bs = memchr(lx->p + 1, '\\', (size_t)(q - lx->p - 1))) == NULL) {
		n = (size_t)(q - lx->p - 1);
		if ((out = token_mem(lx, n + 1)) == NULL)
			return md_sieve_errf(
			    e, MD_SIEVE_SYSTEM, 0, 0, "out of memory");
		memcpy(out, lx->p + 1, n);
	} else {
		/* before the first backslash, no quote: on from there */
		for (q = bs ? bs : lx->p + 1; q < lx->end && *q != '"';)
			q += *q == '\\' && q + 1 < lx->end ? 2 : 1;
		if (q >= lx->end)
			return md_sieve_errf(e, MD_SIEVE_SYNTAX, t->line,
			    t->col, "string not closed with \"");
		if ((out = token_mem(lx, (size_t)(q - lx->p))) == NULL)
			return md_sieve_errf(
			    e, MD_SIEVE_SYSTEM, 0, 0, "out of memory");
		for (const char *r = lx->p + 1; r < q; r++) {
			if (*r == '\\' && r + 1 < q)
				r++;
			out[n++] = *r;
		}
	}
	out[n] = '\0';
	advance(lx, q + 1);
	t->kind = MD_TOK_STRING;
	t->s = out;
	t->len = n;
	return 0;
}

/* The end of the line at P: past its LF, or the end of the script. */
static const char *
line_end(const struct md_sieve_lexer *lx)
{
	const char *nl = memchr(lx->p, '\n', (size_t)(lx->end - lx->p));

	return nl ? nl + 1 : lx->end;
}

/* text: [blanks] [# comment] CRLF, then lines up to one of a lone ".";
 * a line starting ".." loses one dot. Lines end in CRLF in the value. */
static __attribute__((noinline)) int
lex_text(
    struct md_sieve_lexer *lx, struct md_sieve_token *t, struct md_sieve_err *e)
{
	struct buf b = { 0 };

	for (int i = 0; i < 5; i++)
		step(lx);
	while (peek(lx, 0) == ' ' || peek(lx, 0) == '\t')
		step(lx);
	if (peek(lx, 0) == '#')
		while (peek(lx, 0) != -1 && peek(lx, 0) != '\n')
			step(lx);
	if (peek(lx, 0) == '\r')
		step(lx);
	if (peek(lx, 0) != '\n')
		return md_sieve_errf(e, MD_SIEVE_SYNTAX, lx->line, lx->col,
		    "text: must end its line");
	step(lx);
	for (;;) {
		const char *s = lx->p, *end = line_end(lx);
		size_t n = (size_t)(end - s);

		if (s == lx->end) {
			free(b.s);
			return md_sieve_errf(e, MD_SIEVE_SYNTAX, t->line,
			    t->col, "text: not ended by a line with a dot");
		}
		while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
			n--;
		while (lx->p < end)
			step(lx);
		if (n == 1 && s[0] == '.')
			break;
		if (n > 0 && s[0] == '.')
			s++, n--;
		if (put(&b, s, n) < 0 || put(&b, "\r\n", 2) < 0) {
			free(b.s);
			return md_sieve_errf(
			    e, MD_SIEVE_SYSTEM, 0, 0, "out of memory");
		}
	}
	t->s = token_mem(lx, b.len + 1);
	if (t->s != NULL) {
		memcpy(t->s, b.s ? b.s : "", b.len);
		t->s[b.len] = '\0';
	}
	free(b.s);
	if (t->s == NULL)
		return md_sieve_errf(e, MD_SIEVE_SYSTEM, 0, 0, "out of memory");
	t->kind = MD_TOK_STRING;
	t->len = b.len;
	return 0;
}

int
md_sieve_lex(
    struct md_sieve_lexer *lx, struct md_sieve_token *t, struct md_sieve_err *e)
{
	int c;

	t->kind = MD_TOK_EOF;
	t->punct = 0;
	t->num = 0;
	t->s = NULL;
	t->len = 0;
	if (skip_space(lx, e) < 0)
		return -1;
	t->line = lx->line;
	t->col = lx->col;
	c = peek(lx, 0);
	if (c == -1) {
		t->kind = MD_TOK_EOF;
		return 0;
	}
	switch (c) {
	case ';':
	case ',':
	case '(':
	case ')':
	case '[':
	case ']':
	case '{':
	case '}':
		t->kind = MD_TOK_PUNCT;
		t->punct = (char)c;
		step(lx);
		return 0;
	}
	if (is_digit(c))
		return lex_number(lx, t, e);
	if (c == ':')
		return lex_word(lx, t, 1, e);
	if (c == '"')
		return lex_quoted(lx, t, e);
	if ((c == 't' || c == 'T') && lx->end - lx->p >= 5 &&
	    strncasecmp(lx->p, "text:", 5) == 0)
		return lex_text(lx, t, e);
	if (is_alpha(c))
		return lex_word(lx, t, 0, e);
	if (c >= 0x21 && c < 0x7f)
		return md_sieve_errf(e, MD_SIEVE_SYNTAX, t->line, t->col,
		    "unexpected character '%c'", c);
	return md_sieve_errf(e, MD_SIEVE_SYNTAX, t->line, t->col,
	    "unexpected byte 0x%02x", (unsigned)c);
}

static size_t
put_utf8(char *out, unsigned long c)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | c >> 12);
		out[1] = (char)(0x80 | (c >> 6 & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | c >> 18);
	out[1] = (char)(0x80 | (c >> 12 & 0x3f));
	out[2] = (char)(0x80 | (c >> 6 & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* One "${hex:...}" or "${unicode:...}" at S (up to END): its decoded
 * bytes into OUT and its length in *USED; 0 when S starts none (or a
 * malformed one, which stays as written), -1 for a code point out of
 * range. OUT has room: no encoding is shorter than what it encodes. */
static int
encoded_one(const char *s, const char *end, char *out, size_t *n, size_t *used)
{
	int uni;
	const char *p;

	if (end - s > 6 && strncasecmp(s, "${hex:", 6) == 0)
		uni = 0, p = s + 6;
	else if (end - s > 10 && strncasecmp(s, "${unicode:", 10) == 0)
		uni = 1, p = s + 10;
	else
		return 0;
	*n = 0;
	for (;;) {
		unsigned long v = 0;
		int digits = 0;

		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p < end && *p == '}' && digits == 0 && *n > 0)
			break;
		while (p < end && md_hexval((unsigned char)*p) >= 0) {
			if (v <= 0x10ffff)
				v = v << 4 |
				    (unsigned long)md_hexval((unsigned char)*p);
			p++;
			digits++;
		}
		if (digits == 0 || (!uni && digits != 2) ||
		    (p < end && *p != ' ' && *p != '\t' && *p != '}'))
			return 0; /* not well formed: left as it is */
		if (uni && (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)))
			return -1;
		if (uni)
			*n += put_utf8(out + *n, v);
		else
			out[(*n)++] = (char)v;
	}
	*used = (size_t)(p + 1 - s);
	return 1;
}

int
md_sieve_decode_encoded(char *s, size_t *len)
{
	const char *end = s + *len;
	char *out = malloc(*len + 1), *w = out;

	if (out == NULL)
		return -1;
	for (const char *r = s; r < end;) {
		size_t n, used;
		int rc = *r == '$' ? encoded_one(r, end, w, &n, &used) : 0;

		if (rc < 0) {
			free(out);
			errno = EINVAL;
			return -1;
		}
		if (rc == 0) {
			*w++ = *r++;
			continue;
		}
		w += n;
		r += used;
	}
	*len = (size_t)(w - out);
	memcpy(s, out, *len);
	s[*len] = '\0';
	free(out);
	return 0;
}

int
md_sieve_var_name(const char *s, size_t len)
{
	if (len == 0 || len > MD_SIEVE_NAMELEN ||
	    !is_alpha((unsigned char)s[0]))
		return 0;
	for (size_t i = 1; i < len; i++)
		if (!is_alpha((unsigned char)s[i]) &&
		    !is_digit((unsigned char)s[i]))
			return 0;
	return 1;
}
