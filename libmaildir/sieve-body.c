/*
 * sieve-body.c: what the body test (RFC 5173) looks at. The message is
 * read once, at the first body test, no more than MD_SIEVE_BODY bytes
 * of it; its parts come from mime.c and each is decoded when a test
 * first wants it. Which parts and how, as Pigeonhole gives them (the
 * scripts were written against it): :raw the body after the header as
 * it is, :content each part of a listed type decoded (a multipart's
 * preamble and epilogue, a message/rfc822 part's header), :text each
 * text part (and XHTML) decoded, HTML made text. Parts without a body
 * give nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "internal.h"

/* HTML entities by name: HTML 4's Latin-1 set (U+00A0 on, in order) and
 * the few others mail uses most. One not listed gives nothing. */
static const char *const latin1[] = { "nbsp", "iexcl", "cent", "pound",
	"curren", "yen", "brvbar", "sect", "uml", "copy", "ordf", "laquo",
	"not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute",
	"micro", "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14",
	"frac12", "frac34", "iquest", "Agrave", "Aacute", "Acirc", "Atilde",
	"Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute", "Ecirc", "Euml",
	"Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve",
	"Oacute", "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave",
	"Uacute", "Ucirc", "Uuml", "Yacute", "THORN", "szlig", "agrave",
	"aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
	"egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc",
	"iuml", "eth", "ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml",
	"divide", "oslash", "ugrave", "uacute", "ucirc", "uuml", "yacute",
	"thorn", "yuml" };

static const struct {
	const char *name;
	unsigned cp;
} others[] = { { "quot", 0x22 }, { "amp", 0x26 }, { "apos", 0x27 },
	{ "lt", 0x3c }, { "gt", 0x3e }, { "ndash", 0x2013 },
	{ "mdash", 0x2014 }, { "lsquo", 0x2018 }, { "rsquo", 0x2019 },
	{ "ldquo", 0x201c }, { "rdquo", 0x201d }, { "bull", 0x2022 },
	{ "hellip", 0x2026 }, { "euro", 0x20ac }, { "trade", 0x2122 } };

/* Code point CP as UTF-8 into OUT; its length. */
static size_t
utf8_put(unsigned cp, char *out)
{
	if (cp < 0x80)
		return out[0] = (char)cp, 1;
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static int
hexdigit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

/* The entity NAME (without & and ;) as a code point; 0 if unknown. */
static unsigned
entity(const char *name)
{
	if (name[0] == '#') {
		int hex = name[1] == 'x';
		const char *p = name + 1 + hex;
		unsigned long v = 0;

		if (*p == '\0')
			return 0;
		for (; *p; p++) {
			int c = hex                      ? hexdigit(*p)
			        : *p >= '0' && *p <= '9' ? *p - '0'
			                                 : -1;

			if (c < 0 ||
			    (v = v * (hex ? 16 : 10) + (unsigned)c) > 0x10ffff)
				return 0;
		}
		return v >= 0xd800 && v <= 0xdfff ? 0 : (unsigned)v;
	}
	for (size_t i = 0; i < sizeof(latin1) / sizeof(latin1[0]); i++)
		if (strcmp(latin1[i], name) == 0)
			return 0xa0 + (unsigned)i;
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		if (strcmp(others[i].name, name) == 0)
			return others[i].cp;
	return 0;
}

static int
html_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A space unless the text so far ends in one or a line break. */
static void
add_space(char *out, size_t *k)
{
	if (*k > 0 && out[*k - 1] != ' ' && out[*k - 1] != '\n')
		out[(*k)++] = ' ';
}

/* Does the text at S (N bytes) begin with PREFIX, in any case? */
static int
starts(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && strncasecmp(s, prefix, k) == 0;
}

/* Past the end of a construct that ends with END, from S; N if none. */
static size_t
skip_to(const char *s, size_t n, size_t i, const char *end)
{
	for (; i < n; i++)
		if (starts(s + i, n - i, end))
			return i + strlen(end);
	return n;
}

/* Is the tag name at S (N bytes) NAME, followed by white space or '>'? */
static int
tag_is(const char *s, size_t n, const char *name)
{
	size_t k = strlen(name);

	return n > k && strncasecmp(s, name, k) == 0 &&
	       (html_ws((unsigned char)s[k]) || s[k] == '>');
}

/* The end of the tag whose name begins at I: past its '>', quotes
 * (with backslash escapes) skipped. */
static size_t
tag_end(const char *s, size_t n, size_t i)
{
	char q = 0;

	for (; i < n; i++) {
		if (q && s[i] == '\\')
			i++;
		else if (q && s[i] == q)
			q = 0;
		else if (!q && (s[i] == '"' || s[i] == '\''))
			q = s[i];
		else if (!q && s[i] == '>')
			return i + 1;
	}
	return n;
}

/*
 * HTML as text, as Dovecot's html2text makes it for Pigeonhole: tags
 * become one space, comments, scripts, styles vanish, CDATA is kept,
 * entities are decoded (an unknown one, or a '&' that starts none,
 * gives nothing), and inside blockquote each tag's end starts a line
 * "\n>". OUT has room for N + N / 2 + 1 bytes.
 */
static size_t
html_text(const char *s, size_t n, char *out)
{
	size_t k = 0, i = 0;
	unsigned quote = 0;
	int add_newline = 0;

	while (i < n) {
		if (s[i] == '&') {
			size_t j = i + 1;
			char name[10];

			while (j < n && !html_ws((unsigned char)s[j]) &&
			       s[j] != ';' && j - i - 1 < sizeof(name))
				j++;
			if (j >= n || s[j] != ';' ||
			    j - i - 1 >= sizeof(name)) {
				i++; /* a broken entity: the '&' goes */
				continue;
			}
			memcpy(name, s + i + 1, j - i - 1);
			name[j - i - 1] = '\0';
			if (entity(name) != 0)
				k += utf8_put(entity(name), out + k);
			i = j + 1;
			continue;
		}
		if (s[i] != '<') {
			out[k++] = s[i++];
			continue;
		}
		i++;
		if (starts(s + i, n - i, "!--")) {
			i = skip_to(s, n, i + 3, "--");
			while (i < n && s[i] != '>') /* "--" then '>' */
				i = html_ws((unsigned char)s[i])
				        ? i + 1
				        : skip_to(s, n, i, "--");
			i += i < n;
			continue;
		}
		if (tag_is(s + i, n - i, "script") ||
		    tag_is(s + i, n - i, "style")) {
			i = skip_to(s, n, i,
			    starts(s + i, n - i, "script") ? "</script>"
			                                   : "</style>");
			add_space(out, &k);
			continue;
		}
		if (starts(s + i, n - i, "![CDATA[")) {
			size_t e = skip_to(s, n, i + 8, "]]>");

			memcpy(
			    out + k, s + i + 8, (e == n ? n : e - 3) - (i + 8));
			k += (e == n ? n : e - 3) - (i + 8);
			i = e;
			continue;
		}
		if (tag_is(s + i, n - i, "blockquote"))
			quote++;
		else if (quote > 0 && starts(s + i, n - i, "/blockquote>")) {
			quote--;
			add_newline = 1;
		}
		if ((i = tag_end(s, n, i)) > n || s[i - 1] != '>')
			break; /* a tag cut short ends the text */
		if (quote > 0) {
			out[k++] = '\n';
			out[k++] = '>';
		} else if (add_newline)
			out[k++] = '\n';
		add_newline = 0;
		add_space(out, &k);
	}
	out[k] = '\0';
	return k;
}

void
md_sieve_body_free(struct md_sieve_body *b)
{
	for (size_t i = 0; i < b->mime.n; i++) {
		free(b->dec[i]);
		free(b->txt[i]);
	}
	free(b->dec);
	free(b->txt);
	free(b->declen);
	free(b->txtlen);
	free(b->own);
	free(b->raw);
	md_mime_free(&b->mime);
	memset(b, 0, sizeof(*b));
}

/* The first MD_SIEVE_BODY bytes of the file PATH into B. */
static int
read_file(struct md_sieve_body *b, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW), e;
	ssize_t k = 1;

	if (fd < 0)
		return -1;
	if ((b->own = malloc(MD_SIEVE_BODY)) == NULL)
		goto fail;
	while (b->len < MD_SIEVE_BODY &&
	       (k = read(fd, b->own + b->len, MD_SIEVE_BODY - b->len)) != 0) {
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			goto fail;
		b->len += (size_t)k;
	}
	close(fd);
	b->msg = b->own;
	return 0;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

int
md_sieve_body_load(struct md_sieve_body *b, const struct md_sieve_msg *m)
{
	size_t n;

	if (b->loaded)
		return 0;
	if (m->msg != NULL) {
		b->msg = m->msg;
		b->len = m->msglen < MD_SIEVE_BODY ? m->msglen : MD_SIEVE_BODY;
	} else if (m->path != NULL && read_file(b, m->path) < 0)
		return -1;
	if (md_mime_parse(&b->mime, b->msg ? b->msg : "", b->len) < 0)
		return -1;
	n = b->mime.n;
	if ((b->dec = calloc(n, sizeof(*b->dec))) == NULL ||
	    (b->txt = calloc(n, sizeof(*b->txt))) == NULL ||
	    (b->declen = calloc(n, sizeof(*b->declen))) == NULL ||
	    (b->txtlen = calloc(n, sizeof(*b->txtlen))) == NULL)
		return -1;
	b->loaded = 1;
	return 0;
}

/* Is TYPE ("type/subtype") one of the N WANTED (RFC 5173 5.2: "" any,
 * "type" any of its subtypes, "type/subtype" that one; any case)? */
static int
wanted(const char *type, const char *const *want, size_t n)
{
	size_t tlen = strcspn(type, "/");

	for (size_t i = 0; i < n; i++) {
		if (want[i][0] == '\0')
			return 1;
		if (strchr(want[i], '/') == NULL
		        ? strlen(want[i]) == tlen &&
		              strncasecmp(want[i], type, tlen) == 0
		        : strcasecmp(want[i], type) == 0)
			return 1;
	}
	return 0;
}

static int
is_html(const struct md_mime_part *p)
{
	return p->kind == MD_MIME_BODY &&
	       (strcmp(p->type, "text/html") == 0 ||
	           strcmp(p->type, "application/xhtml+xml") == 0);
}

/* Part I decoded (and for :text, HTML made text) into *V. */
static int
part_value(struct md_sieve_body *b, struct md_decoder *d, size_t i, int text,
    const char **v)
{
	const struct md_mime_part *p = &b->mime.p[i];

	if (b->dec[i] == NULL &&
	    md_mime_decode(d, p, &b->dec[i], &b->declen[i]) < 0)
		return -1;
	if (!text || !is_html(p) || b->declen[i] == 0) {
		*v = b->dec[i];
		return 0;
	}
	if (b->txt[i] == NULL) {
		if ((b->txt[i] = malloc(b->declen[i] * 3 / 2 + 2)) == NULL)
			return -1;
		b->txtlen[i] = html_text(b->dec[i], b->declen[i], b->txt[i]);
	}
	*v = b->txt[i];
	return 0;
}

int
md_sieve_body_next(struct md_sieve_body *b, struct md_decoder *d, int transform,
    const char *const *types, size_t ntypes, size_t *i, const char **v)
{
	static const char *const text[] = { "application/xhtml+xml", "text" };
	const struct md_mime_part *p0 = b->mime.n ? &b->mime.p[0] : NULL;

	if (transform == MD_BODY_RAW) {
		size_t off;

		if (*i > 0 || p0 == NULL || !p0->has_body)
			return 0;
		off = (size_t)(p0->body - b->msg);
		if (off >= b->len)
			return 0; /* an empty body is no value */
		if (b->raw == NULL) {
			if ((b->raw = malloc(b->len - off + 1)) == NULL)
				return -1;
			memcpy(b->raw, b->msg + off, b->len - off);
			b->raw[b->len - off] = '\0';
		}
		*v = b->raw;
		(*i)++;
		return 1;
	}
	if (transform == MD_BODY_TEXT) {
		types = text;
		ntypes = 2;
	}
	for (; *i < b->mime.n; (*i)++) {
		const struct md_mime_part *p = &b->mime.p[*i];

		if (!p->has_body || !wanted(p->type, types, ntypes))
			continue;
		if (part_value(b, d, *i, transform == MD_BODY_TEXT, v) < 0)
			return -1;
		(*i)++;
		return 1;
	}
	return 0;
}
