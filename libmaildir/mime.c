/*
 * mime.c: the MIME structure of a message (RFC 2045, 2046) for the Sieve
 * body test: one pass over the bytes, each part's header read for its
 * Content-Type and Content-Transfer-Encoding, multiparts split at their
 * boundaries, a message/rfc822 part walked into. Where mail is malformed
 * it reads as Dovecot's parser does, since scripts are tested there: a
 * multipart without a boundary is one text, a part ends at a boundary
 * line of any multipart it is in. Decoding a part's body is here too.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

struct walk {
	struct md_mime *m;
	const char *buf;
	size_t len, pos;
	/* The boundaries of the open multiparts, innermost last. */
	const char *bd[MD_MIME_DEPTH];
	size_t bdlen[MD_MIME_DEPTH], nbd;
};

/* Where the line at P ends (past its LF, or the end). */
static size_t
line_end(const struct walk *w, size_t p)
{
	const char *lf = memchr(w->buf + p, '\n', w->len - p);

	return lf ? (size_t)(lf - w->buf) + 1 : w->len;
}

/* Is the line at P a boundary line: the index of the longest open
 * boundary it begins with (innermost on a tie), else -1; *CLOSE when
 * "--" follows that boundary. */
static int
boundary_at(const struct walk *w, size_t p, int *close)
{
	size_t end = line_end(w, p), n;
	int best = -1;

	if (end - p < 2 || w->buf[p] != '-' || w->buf[p + 1] != '-')
		return -1;
	p += 2;
	n = end - p;
	for (int i = (int)w->nbd - 1; i >= 0; i--)
		if (w->bdlen[i] <= n &&
		    memcmp(w->buf + p, w->bd[i], w->bdlen[i]) == 0 &&
		    (best < 0 || w->bdlen[i] > w->bdlen[best]))
			best = i;
	if (best >= 0)
		*close = n >= w->bdlen[best] + 2 &&
		         memcmp(w->buf + p + w->bdlen[best], "--", 2) == 0;
	return best;
}

/* From P, the start of the next boundary line (or the end); *B its
 * boundary (-1 at the end). */
static size_t
next_boundary(const struct walk *w, size_t p, int *b, int *close)
{
	for (; p < w->len; p = line_end(w, p))
		if ((*b = boundary_at(w, p, close)) >= 0)
			return p;
	*b = -1;
	return w->len;
}

/* The text from START to a boundary line at END: the line break before
 * the boundary is the boundary's. */
static size_t
text_end(const struct walk *w, size_t start, size_t end)
{
	if (end == w->len || end == start)
		return end;
	end--; /* the LF */
	if (end > start && w->buf[end - 1] == '\r')
		end--;
	return end;
}

static int
tspecial(int c)
{
	return c <= ' ' || c >= 0x7f || strchr("()<>@,;:\\\"/[]?=", c) != NULL;
}

static const char *
skip_ws(const char *s, const char *e)
{
	while (s < e && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
		s++;
	return s;
}

/* A token at *S into OUT (lower case), *S past it; its length. */
static size_t
token(const char **s, const char *e, char *out, size_t size)
{
	size_t n = 0;

	for (; *s < e && !tspecial((unsigned char)**s); (*s)++)
		if (n + 1 < size)
			out[n++] = (char)tolower((unsigned char)**s);
	out[n] = '\0';
	return n;
}

/* A parameter's value at *S (a token or a quoted string) into OUT. */
static void
param_value(const char **s, const char *e, char *out, size_t size)
{
	size_t n = 0;

	if (*s >= e || **s != '"') {
		for (; *s < e && !tspecial((unsigned char)**s); (*s)++)
			if (n + 1 < size)
				out[n++] = **s;
		out[n] = '\0';
		return;
	}
	for ((*s)++; *s < e && **s != '"'; (*s)++) {
		if (**s == '\\' && *s + 1 < e)
			(*s)++;
		if (n + 1 < size)
			out[n++] = **s;
	}
	if (*s < e)
		(*s)++;
	out[n] = '\0';
}

/* Content-Type's value V (N bytes) into P, and its boundary into BD. */
static void
content_type(
    struct md_mime_part *p, const char *v, size_t n, char *bd, size_t bdsize)
{
	const char *s = skip_ws(v, v + n), *e = v + n;
	char sub[64], name[64];
	size_t t;

	t = token(&s, e, p->type, sizeof(p->type) - sizeof(sub));
	if (t == 0 || s >= e || *s != '/') {
		p->type[0] = '\0';
		return;
	}
	s++;
	if (token(&s, e, sub, sizeof(sub)) == 0 ||
	    ((s = skip_ws(s, e)) < e && *s != ';')) {
		p->type[0] = '\0';
		return;
	}
	p->type[t] = '/';
	strlcpy(p->type + t + 1, sub, sizeof(p->type) - t - 1);
	while (s < e && *s == ';') {
		char val[MD_MIME_BOUNDARY + 1];

		s = skip_ws(s + 1, e);
		token(&s, e, name, sizeof(name));
		s = skip_ws(s, e);
		if (s >= e || *s != '=')
			break;
		s = skip_ws(s + 1, e);
		param_value(&s, e, val, sizeof(val));
		if (strcmp(name, "charset") == 0 && p->charset[0] == '\0')
			strlcpy(p->charset, val, sizeof(p->charset));
		else if (strcmp(name, "boundary") == 0 && bd[0] == '\0')
			strlcpy(bd, val, bdsize);
		s = skip_ws(s, e);
	}
}

static enum md_mime_cte
transfer_encoding(const char *v, size_t n)
{
	const char *s = skip_ws(v, v + n), *e = v + n;
	char t[32];
	size_t k = token(&s, e, t, sizeof(t));

	if ((s = skip_ws(s, e)) < e && *s != ';')
		return MD_CTE_UNKNOWN;
	if (k == 16 && strcmp(t, "quoted-printable") == 0)
		return MD_CTE_QP;
	if (k == 6 && strcmp(t, "base64") == 0)
		return MD_CTE_BASE64;
	if (strcmp(t, "7bit") == 0 || strcmp(t, "8bit") == 0 ||
	    strcmp(t, "binary") == 0)
		return MD_CTE_PLAIN;
	return MD_CTE_UNKNOWN;
}

/* One field at [P, END) (folded lines included) when it is NAME. */
static int
field_is(const struct walk *w, size_t p, size_t end, const char *name,
    const char **v, size_t *n)
{
	size_t k = strlen(name);
	const char *s = w->buf + p;

	if (end - p <= k || strncasecmp(s, name, k) != 0)
		return 0;
	s += k;
	while (s < w->buf + end && (*s == ' ' || *s == '\t'))
		s++;
	if (s >= w->buf + end || *s != ':')
		return 0;
	*v = s + 1;
	*n = (size_t)(w->buf + end - *v);
	return 1;
}

static struct md_mime_part *
add_part(struct walk *w)
{
	struct md_mime *m = w->m;
	struct md_mime_part *p;

	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 8;

		if ((p = reallocarray(m->p, cap, sizeof(*p))) == NULL)
			return NULL;
		m->p = p;
		m->cap = cap;
	}
	p = &m->p[m->n++];
	memset(p, 0, sizeof(*p));
	return p;
}

/* The header at w->pos for part I: its fields, whether a blank line ends
 * it (w->pos then past that line). BD gets a multipart's boundary. */
static void
read_header(struct walk *w, size_t i, char *bd, size_t bdsize)
{
	int seen_ct = 0, seen_cte = 0, close;
	size_t p = w->pos;

	while (p < w->len) {
		size_t end = line_end(w, p), l = end - p;
		const char *v;
		size_t n;

		if (w->buf[p] == '\n' ||
		    (l >= 2 && w->buf[p] == '\r' && w->buf[p + 1] == '\n')) {
			w->m->p[i].has_body = 1;
			w->pos = end;
			return;
		}
		if (boundary_at(w, p, &close) >= 0)
			break;
		while (
		    end < w->len && (w->buf[end] == ' ' || w->buf[end] == '\t'))
			end = line_end(w, end); /* folded */
		if (!seen_ct && field_is(w, p, end, "Content-Type", &v, &n)) {
			seen_ct = 1;
			w->m->p[i].type[0] = '\0';
			content_type(&w->m->p[i], v, n, bd, bdsize);
		} else if (!seen_cte &&
		           field_is(w, p, end, "Content-Transfer-Encoding", &v,
		               &n)) {
			seen_cte = 1;
			w->m->p[i].cte = transfer_encoding(v, n);
		}
		p = end;
	}
	w->pos = p;
}

static int walk_entity(struct walk *w, unsigned depth);

/* The header of the message part C, from START, without the blank line
 * that ends it. */
static size_t
header_len(const struct walk *w, size_t start, const struct md_mime_part *c)
{
	const char *end;

	if (!c->has_body) /* its header runs to where it stopped */
		return w->pos - start;
	end = c->body - 1; /* each kind's body begins past the blank line */
	if (end > w->buf + start && end[-1] == '\r')
		end--;
	return (size_t)(end - (w->buf + start));
}

/* The parts of the multipart I (its boundary BD), from w->pos: its
 * preamble, each part, its epilogue; w->pos left at the boundary line
 * that ends it (of an outer multipart) or the end. */
static int
walk_multipart(struct walk *w, size_t i, const char *bd, unsigned depth)
{
	size_t start = w->pos, at, own = w->nbd;
	int b, close = 0;

	w->bd[own] = bd;
	w->bdlen[own] = strlen(bd);
	w->nbd++;
	at = next_boundary(w, start, &b, &close);
	w->m->p[i].body = w->buf + start;
	w->m->p[i].len = text_end(w, start, at) - start;
	while (b == (int)own && !close) {
		w->pos = line_end(w, at);
		if (walk_entity(w, depth + 1) < 0)
			return -1;
		at = w->pos;
		b = at < w->len ? boundary_at(w, at, &close) : -1;
	}
	w->nbd = own;
	if (b != (int)own) { /* the end, or an outer boundary: no epilogue */
		w->pos = at;
		return 0;
	}
	start = line_end(w, at);
	at = next_boundary(w, start, &b, &close);
	w->pos = at;
	if (text_end(w, start, at) > start) {
		struct md_mime_part *p = add_part(w);

		if (p == NULL)
			return -1;
		*p = w->m->p[i];
		p->kind = MD_MIME_EPILOGUE;
		p->cte = MD_CTE_PLAIN; /* Dovecot reads it as no header said */
		p->charset[0] = '\0';
		p->body = w->buf + start;
		p->len = text_end(w, start, at) - start;
	}
	return 0;
}

/* One entity (header and body) from w->pos; w->pos left where it ends. */
static int
walk_entity(struct walk *w, unsigned depth)
{
	char bd[MD_MIME_BOUNDARY + 1] = "";
	struct md_mime_part *p = add_part(w);
	size_t i, start;
	int b, close;

	if (p == NULL)
		return -1;
	i = w->m->n - 1;
	strlcpy(p->type, "text/plain", sizeof(p->type));
	p->depth = depth;
	read_header(w, i, bd, sizeof(bd));
	p = &w->m->p[i];
	if (!p->has_body)
		return 0;
	start = w->pos;
	if (depth + 1 < MD_MIME_DEPTH && w->m->n < MD_MIME_PARTS &&
	    w->nbd < MD_MIME_DEPTH) {
		if (strncmp(p->type, "multipart/", 10) == 0 && bd[0] != '\0')
			return walk_multipart(w, i, bd, depth);
		if (strcmp(p->type, "message/rfc822") == 0) {
			if (walk_entity(w, depth + 1) < 0)
				return -1;
			p = &w->m->p[i];
			p->kind = MD_MIME_HEADER;
			p->body = w->buf + start;
			/* the header of the message in it, without its end */
			p->len = header_len(w, start, &w->m->p[i + 1]);
			return 0;
		}
	}
	w->pos = next_boundary(w, start, &b, &close);
	p->body = w->buf + start;
	p->len = text_end(w, start, w->pos) - start;
	return 0;
}

int
md_mime_parse(struct md_mime *m, const char *msg, size_t len)
{
	struct walk w = { .m = m, .buf = msg, .len = len };

	return walk_entity(&w, 0);
}

void
md_mime_free(struct md_mime *m)
{
	free(m->p);
	memset(m, 0, sizeof(*m));
}

/* Quoted-printable: soft line breaks and white space at a line's end
 * dropped, "=XX" decoded, any other '=' kept as it is. */
static size_t
unqp(const char *s, size_t n, char *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		int hi, lo;

		if (s[i] == ' ' || s[i] == '\t') {
			size_t j = i;

			while (j < n && (s[j] == ' ' || s[j] == '\t'))
				j++;
			if (j == n || s[j] == '\n' ||
			    (s[j] == '\r' && j + 1 < n && s[j + 1] == '\n')) {
				i = j - 1; /* trailing white space */
				continue;
			}
			out[k++] = s[i];
		} else if (s[i] != '=')
			out[k++] = s[i];
		else if (i + 2 < n &&
		         (hi = md_hexval((unsigned char)s[i + 1])) >= 0 &&
		         (lo = md_hexval((unsigned char)s[i + 2])) >= 0) {
			out[k++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			size_t j = i + 1;

			while (j < n && (s[j] == ' ' || s[j] == '\t'))
				j++;
			if (j < n && s[j] == '\r' && j + 1 < n &&
			    s[j + 1] == '\n')
				j++;
			if (j < n && s[j] == '\n')
				i = j; /* a soft line break */
			else if (j == n)
				i = n; /* '=' at the end: nothing */
			else
				out[k++] = '=';
		}
	}
	return k;
}

/* Base64: white space skipped; '=' or a bad character ends it. */
static size_t
unbase64(const char *s, size_t n, char *out)
{
	unsigned acc = 0;
	int bits = 0;
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		int v = md_b64val((unsigned char)s[i]);

		if (v < 0) {
			if (strchr(" \t\r\n", s[i]) != NULL && s[i] != '\0')
				continue;
			break;
		}
		acc = acc << 6 | (unsigned)v;
		if ((bits += 6) >= 8) {
			bits -= 8;
			out[k++] = (char)(acc >> bits & 0xff);
		}
	}
	return k;
}

/* A header's lines with CRLF line ends, as Dovecot gives them. */
static size_t
crlf(const char *s, size_t n, char *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			out[k++] = '\r';
		out[k++] = s[i];
	}
	return k;
}

int
md_mime_decode(struct md_decoder *d, const struct md_mime_part *p, char **out,
    size_t *outlen)
{
	char *raw = malloc(p->len * 2 + 1), *o;
	size_t n;

	if (raw == NULL)
		return -1;
	if (p->kind == MD_MIME_HEADER) {
		*outlen = crlf(p->body, p->len, raw);
		raw[*outlen] = '\0';
		*out = raw;
		return 0;
	}
	switch (p->cte) {
	case MD_CTE_QP:
		n = unqp(p->body, p->len, raw);
		break;
	case MD_CTE_BASE64:
		n = unbase64(p->body, p->len, raw);
		break;
	case MD_CTE_UNKNOWN:
		n = 0; /* Dovecot passes such a body over */
		break;
	default:
		memcpy(raw, p->body, n = p->len);
	}
	if ((o = malloc(n * 3 + 1)) == NULL) {
		free(raw);
		return -1;
	}
	*outlen = md_decode_charset(d, p->charset, raw, n, o, n * 3 + 1);
	free(raw);
	*out = o;
	return 0;
}
