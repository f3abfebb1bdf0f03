/*
 * format.c: md-list's --format language. A text is compiled once into
 * pieces (literal bytes, or an escape with its width) and rendered for
 * each message into the caller's buffer. Nothing is printed here: a
 * text that does not compile is told by the offset of its escape and a
 * reason, for the program to say.
 */
#include <errno.h>
#include <libutil.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define DATE_FORM "%Y-%m-%d %H:%M"

/* Where a rendering goes: LEN counts all of it, BUF gets what fits. */
struct out {
	char *buf;
	size_t size, len;
};

/* The escape letters, what each shows and which field. */
static const struct {
	char c;
	enum md_format_kind kind;
	enum md_sfield field;
} letters[] = {
	{ 'p', MD_FMT_PATH, 0 },
	{ 'b', MD_FMT_BASE, 0 },
	{ 'F', MD_FMT_FOLDER, 0 },
	{ 'X', MD_FMT_FLAGS, 0 },
	{ 'K', MD_FMT_KEYWORDS, 0 },
	{ 'z', MD_FMT_SIZE, 0 },
	{ 'Z', MD_FMT_HSIZE, 0 },
	{ 'd', MD_FMT_DATE, 0 },
	{ 'r', MD_FMT_RECEIVED, 0 },
	{ 'f', MD_FMT_FIELD, MD_S_NAME },
	{ 'A', MD_FMT_FIELD, MD_S_FROM },
	{ 't', MD_FMT_FIELD, MD_S_TO },
	{ 'c', MD_FMT_FIELD, MD_S_CC },
	{ 's', MD_FMT_FIELD, MD_S_SUBJECT },
	{ 'i', MD_FMT_FIELD, MD_S_MSGID },
	{ 'I', MD_FMT_FIELD, MD_S_IRT },
	{ 'R', MD_FMT_FIELD, MD_S_REFS },
	{ 'l', MD_FMT_FIELD, MD_S_LISTID },
};

/* The escape from FROM up to END of TEXT is refused for WHY: -1. */
static int
refuse(struct md_compile_err *ce, const char *text, const char *from,
    const char *end, const char *why)
{
	ce->off = (size_t)(from - text);
	ce->len = (size_t)(end - from);
	ce->why = why;
	errno = EINVAL;
	return -1;
}

static struct md_format_item *
add_item(struct md_format *f, enum md_format_kind kind)
{
	struct md_format_item *it;

	it = reallocarray(f->item, f->n + 1, sizeof(*f->item));
	if (it == NULL)
		return NULL;
	f->item = it;
	it = &f->item[f->n++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	return it;
}

/* Literal bytes: appended to the text piece at the end, or a new one. */
static int
add_text(struct md_format *f, const char *p, size_t n)
{
	struct md_format_item *it = f->n > 0 ? &f->item[f->n - 1] : NULL;
	char *t;

	if ((it == NULL || it->kind != MD_FMT_TEXT) &&
	    (it = add_item(f, MD_FMT_TEXT)) == NULL)
		return -1;
	if ((t = realloc(it->text, it->len + n + 1)) == NULL)
		return -1;
	memcpy(t + it->len, p, n);
	it->text = t;
	it->len += n;
	t[it->len] = '\0';
	return 0;
}

/* The escape letter C into IT's kind and field; 0 when there is none. */
static int
letter(int c, struct md_format_item *it)
{
	for (size_t i = 0; i < sizeof(letters) / sizeof(letters[0]); i++)
		if (letters[i].c == c) {
			it->kind = letters[i].kind;
			it->field = letters[i].field;
			return 1;
		}
	return 0;
}

/* What showing IT needs of a message. */
static unsigned
item_needs(const struct md_format_item *it)
{
	switch (it->kind) {
	case MD_FMT_FIELD:
		return MD_NEED_SUMMARY | 1u << it->field;
	case MD_FMT_SIZE:
	case MD_FMT_HSIZE:
	case MD_FMT_RECEIVED:
		return MD_NEED_SUMMARY | MD_NEED_STAT;
	case MD_FMT_DATE: /* the mtime only when Date: will not do */
		return MD_NEED_SUMMARY;
	case MD_FMT_FOLDER:
		return MD_NEED_FOLDER;
	case MD_FMT_KEYWORDS:
		return MD_NEED_KEYWORDS;
	default:
		return 0;
	}
}

/* The width and alignment after the '%' at FROM into IT; *P moves past
 * them. 0, or -1 refused. */
static int
width(struct md_format_item *it, const char *text, const char *from,
    const char **pp, struct md_compile_err *ce)
{
	static const char bad[] = "bad width (1 to 4096)";
	const char *p = *pp;
	int digits = 0;

	if (*p == '-')
		it->left = 1, p++;
	for (; *p >= '0' && *p <= '9'; p++, digits++)
		if ((digits == 0 && *p == '0') ||
		    (it->width = it->width * 10 + (*p - '0')) > MD_FORMAT_WIDTH)
			return refuse(ce, text, from, p + 1, bad);
	if (it->left && digits == 0)
		return refuse(ce, text, from, p + (*p != '\0'), bad);
	*pp = p;
	return 0;
}

/* A "{pattern}" at *PP into *PAT and *PATLEN (none: NULL); *PP moves
 * past it. 0, or -1 refused. */
static int
pattern(const char *text, const char *from, const char **pp, const char **pat,
    size_t *patlen, struct md_compile_err *ce)
{
	const char *p = *pp, *close;

	*pat = NULL;
	if (*p != '{')
		return 0;
	if ((close = strchr(p, '}')) == NULL)
		return refuse(
		    ce, text, from, p + strlen(p), "no closing brace");
	*pat = p + 1;
	*patlen = (size_t)(close - *pat);
	if (*patlen > MD_FORMAT_PATTERN)
		return refuse(ce, text, from, p + 1, "pattern too long");
	*pp = close + 1;
	return 0;
}

/* The %-escape at *PP of TEXT into F; *PP moves past it. */
static int
escape(struct md_format *f, const char *text, const char **pp,
    struct md_compile_err *ce)
{
	const char *from = *pp, *p = from + 1, *pat;
	struct md_format_item it = { 0 };
	size_t patlen = 0;

	if (width(&it, text, from, &p, ce) == -1 ||
	    pattern(text, from, &p, &pat, &patlen, ce) == -1)
		return -1;
	if (*p == '\0')
		return refuse(ce, text, from, p, "unfinished escape");
	*pp = p + 1;
	if (*p == '%' && it.width == 0 && pat == NULL)
		return add_text(f, "%", 1);
	if (!letter(*p, &it))
		return refuse(ce, text, from, p + 1, "unknown escape");
	if (pat != NULL && it.kind != MD_FMT_DATE && it.kind != MD_FMT_RECEIVED)
		return refuse(
		    ce, text, from, p + 1, "only %d and %r take a {pattern}");
	if (it.kind == MD_FMT_DATE || it.kind == MD_FMT_RECEIVED) {
		if (pat == NULL)
			pat = DATE_FORM, patlen = strlen(DATE_FORM);
		if ((it.text = strndup(pat, patlen)) == NULL)
			return -1;
		it.len = patlen;
	}
	f->need |= item_needs(&it);
	if (add_item(f, it.kind) == NULL) {
		free(it.text);
		return -1;
	}
	f->item[f->n - 1] = it;
	return 0;
}

/* The backslash escape at *PP of TEXT into F; *PP moves past it. */
static int
backslash(struct md_format *f, const char *text, const char **pp,
    struct md_compile_err *ce)
{
	static const char from[] = "tn\\", to[] = "\t\n\\";
	const char *p = *pp, *c = p[1] ? strchr(from, p[1]) : NULL;

	if (c == NULL)
		return refuse(ce, text, p, p + 1 + (p[1] != '\0'),
		    p[1] ? "unknown escape" : "unfinished escape");
	*pp = p + 2;
	return add_text(f, &to[c - from], 1);
}

int
md_format_compile(
    struct md_format *f, const char *text, struct md_compile_err *ce)
{
	const char *p = text;
	int rc = 0;

	memset(f, 0, sizeof(*f));
	while (*p != '\0' && rc == 0) {
		size_t n = strcspn(p, "%\\");

		if (n > 0) {
			rc = add_text(f, p, n);
			p += n;
		} else if (*p == '%')
			rc = escape(f, text, &p, ce);
		else
			rc = backslash(f, text, &p, ce);
	}
	return rc;
}

void
md_format_free(struct md_format *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->item[i].text);
	free(f->item);
	memset(f, 0, sizeof(*f));
}

void
md_human_size(uint64_t bytes, char *buf, size_t size)
{
	/* 5 bytes: "1.5M", "482B": one decimal below 10, as du -h. */
	if (humanize_number(buf, size < 5 ? size : 5, (int64_t)bytes, "",
	        HN_AUTOSCALE, HN_B | HN_NOSPACE | HN_DECIMAL) == -1)
		snprintf(buf, size, "%llu", (unsigned long long)bytes);
}

static inline void
put(struct out *o, const char *p, size_t n)
{
	if (o->len < o->size) /* BUF may be NULL when SIZE is 0 */
		memcpy(o->buf + o->len, p,
		    n < o->size - o->len ? n : o->size - o->len);
	o->len += n;
}

static void
put_spaces(struct out *o, int n)
{
	static const char sp[] = "                                ";

	for (; n > 0; n -= (int)sizeof(sp) - 1)
		put(o, sp,
		    n < (int)sizeof(sp) - 1 ? (size_t)n : sizeof(sp) - 1);
}

/* N bytes at P in exactly IT's width of characters: cut, or padded with
 * spaces on the left or (LEFT) on the right. A byte that is not part of
 * a UTF-8 character (a path may hold one) counts as one. */
static void
put_width(
    struct out *o, const struct md_format_item *it, const char *p, size_t n)
{
	size_t i = 0;
	int chars = 0;

	while (i < n && chars < it->width) {
		size_t l = md_utf8_len((const unsigned char *)p + i, n - i);

		i += l ? l : 1;
		chars++;
	}
	if (!it->left)
		put_spaces(o, it->width - chars);
	put(o, p, i);
	if (it->left)
		put_spaces(o, it->width - chars);
}

/* N bytes at P as IT shows them; without a width (most often) inline. */
static inline void
put_field(
    struct out *o, const struct md_format_item *it, const char *p, size_t n)
{
	if (it->width == 0)
		put(o, p, n);
	else
		put_width(o, it, p, n);
}

/* The value of the escape IT that is made, not taken, into BUF: its
 * length. */
static size_t
made(const struct md_format_item *it, const struct md_listed *m,
    struct md_clock *c, char *buf, size_t size)
{
	struct md_flags fl;

	switch (it->kind) {
	case MD_FMT_FLAGS:
		md_name_flags(m->name, &fl);
		return (size_t)md_flags_format(&fl, buf, size);
	case MD_FMT_SIZE:
		return (size_t)snprintf(
		    buf, size, "%llu", (unsigned long long)m->s.size);
	case MD_FMT_HSIZE:
		md_human_size(m->s.size, buf, size);
		return strlen(buf);
	case MD_FMT_DATE:
		return md_strftime(c, buf, size, it->text, m->s.date);
	case MD_FMT_RECEIVED:
		return md_strftime(c, buf, size, it->text, m->s.mtime);
	default:
		return 0;
	}
}

size_t
md_format_render(const struct md_format *f, const struct md_listed *m,
    struct md_clock *c, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };
	char v[4 * MD_FORMAT_PATTERN + 256];

	/* One switch in the loop, as a listing calls this per message. */
	for (size_t i = 0; i < f->n; i++) {
		const struct md_format_item *it = &f->item[i];

		switch (it->kind) {
		case MD_FMT_TEXT:
			put(&o, it->text, it->len);
			break;
		case MD_FMT_PATH:
			put_field(&o, it, m->path, m->pathlen);
			break;
		case MD_FMT_BASE:
			put_field(&o, it, m->name, md_name_baselen(m->name));
			break;
		case MD_FMT_FOLDER:
			put_field(&o, it, m->folder, strlen(m->folder));
			break;
		case MD_FMT_FIELD:
			put_field(
			    &o, it, m->s.s[it->field].p, m->s.s[it->field].n);
			break;
		case MD_FMT_KEYWORDS:
			put_field(&o, it, m->kw, m->kwn);
			break;
		default:
			put_field(&o, it, v, made(it, m, c, v, sizeof(v)));
		}
	}
	if (size > 0)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len;
}
