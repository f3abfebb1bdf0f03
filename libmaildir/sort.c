/*
 * sort.c: md-list's --sort. Messages are kept until all are read, each
 * as a record of offsets into one arena of strings (a message's path,
 * name and the fields shown), then sorted by one key: a date, the size,
 * or a subject or name compared in one ASCII case, subjects without
 * their "Re:"-like prefixes. Equal keys go by path, so that the order
 * never depends on the order the directories gave.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define ARENA_MIN 65536
#define RECS_MIN 1024

/* A message kept: offsets into the arena, and its numbers. */
struct md_sort_rec {
	size_t path, name, folder, kw;
	size_t pathlen, kwn;
	uint64_t size;
	int64_t mtime, date;
	size_t f[MD_S_N];
	uint32_t fn[MD_S_N];
};

int
md_sort_parse(const char *name, enum md_sort_key *key)
{
	static const char *const keys[] = { "date", "received", "size",
		"subject", "from" };

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(name, keys[i]) == 0) {
			*key = (enum md_sort_key)(MD_SORT_DATE + i);
			return 0;
		}
	errno = EINVAL;
	return -1;
}

unsigned
md_sort_needs(enum md_sort_key key)
{
	if (key == MD_SORT_NONE)
		return 0;
	if (key == MD_SORT_SUBJECT)
		return MD_NEED_SUMMARY | 1u << MD_S_SUBJECT;
	if (key == MD_SORT_FROM)
		return MD_NEED_SUMMARY | 1u << MD_S_NAME;
	if (key == MD_SORT_SIZE || key == MD_SORT_RECEIVED)
		return MD_NEED_SUMMARY | MD_NEED_STAT;
	return MD_NEED_SUMMARY;
}

void
md_sorter_init(
    struct md_sorter *s, enum md_sort_key key, int reverse, unsigned keep)
{
	memset(s, 0, sizeof(*s));
	s->key = key;
	s->reverse = reverse;
	s->keep = keep | md_sort_needs(key);
	s->folder = (size_t)-1;
}

void
md_sorter_free(struct md_sorter *s)
{
	free(s->rec);
	free(s->arena);
	memset(s, 0, sizeof(*s));
}

/* Room for N more bytes in the arena and one more record. */
static int
reserve(struct md_sorter *s, size_t n)
{
	if (s->alen + n > s->acap) {
		size_t cap = s->acap ? s->acap : ARENA_MIN;
		char *a;

		while (cap < s->alen + n)
			cap *= 2;
		if ((a = realloc(s->arena, cap)) == NULL)
			return -1;
		s->arena = a;
		s->acap = cap;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : RECS_MIN;
		struct md_sort_rec *r;

		if ((r = reallocarray(s->rec, cap, sizeof(*r))) == NULL)
			return -1;
		s->rec = r;
		s->cap = cap;
	}
	return 0;
}

/* N bytes at P, and a NUL, into the reserved arena: their offset. */
static size_t
copy(struct md_sorter *s, const char *p, size_t n)
{
	size_t off = s->alen;

	memcpy(s->arena + off, p, n);
	s->arena[off + n] = '\0';
	s->alen += n + 1;
	return off;
}

/* Is the file name M's path's end, so that it need not be kept twice? */
static int
name_in_path(const struct md_listed *m, size_t namelen)
{
	return m->pathlen >= namelen &&
	       memcmp(m->path + m->pathlen - namelen, m->name, namelen) == 0;
}

/* Is M's folder the one kept last (messages come a folder at a time)? */
static int
same_folder(const struct md_sorter *s, const struct md_listed *m)
{
	return s->folder != (size_t)-1 &&
	       strcmp(s->arena + s->folder, m->folder) == 0;
}

/* The bytes M takes in the arena, its name (NAMELEN bytes) kept apart
 * unless IN_PATH. */
static size_t
arena_need(const struct md_sorter *s, const struct md_listed *m, size_t namelen,
    int in_path, int new_folder)
{
	size_t n = m->pathlen + 1;

	if (!in_path)
		n += namelen + 1;
	if (new_folder)
		n += strlen(m->folder) + 1;
	if (s->keep & MD_NEED_KEYWORDS)
		n += m->kwn + 1;
	for (unsigned f = s->keep & MD_NEED_FIELDS; f != 0; f &= f - 1)
		n += m->s.s[__builtin_ctz(f)].n + 1;
	return n;
}

int
md_sorter_add(struct md_sorter *s, const struct md_listed *m)
{
	size_t namelen = strlen(m->name);
	int in_path = name_in_path(m, namelen);
	int new_folder = (s->keep & MD_NEED_FOLDER) && !same_folder(s, m);
	struct md_sort_rec *c;

	if (reserve(s, arena_need(s, m, namelen, in_path, new_folder)) == -1)
		return -1;
	c = &s->rec[s->n++];
	memset(c, 0, sizeof(*c));
	c->path = copy(s, m->path, m->pathlen);
	c->pathlen = m->pathlen;
	if (in_path)
		c->name = c->path + m->pathlen - namelen;
	else
		c->name = copy(s, m->name, namelen);
	if (new_folder)
		s->folder = copy(s, m->folder, strlen(m->folder));
	c->folder = s->folder;
	if (s->keep & MD_NEED_KEYWORDS) {
		c->kw = copy(s, m->kw, m->kwn);
		c->kwn = m->kwn;
	}
	c->size = m->s.size;
	c->mtime = m->s.mtime;
	c->date = m->s.date;
	for (unsigned f = s->keep & MD_NEED_FIELDS; f != 0; f &= f - 1) {
		int k = __builtin_ctz(f);

		c->f[k] = copy(s, m->s.s[k].p, m->s.s[k].n);
		c->fn[k] = (uint32_t)m->s.s[k].n;
	}
	return 0;
}

void
md_sorter_get(const struct md_sorter *s, size_t i, struct md_listed *m)
{
	const struct md_sort_rec *c = &s->rec[i];

	m->path = s->arena + c->path;
	m->pathlen = c->pathlen;
	m->name = s->arena + c->name;
	m->folder = s->keep & MD_NEED_FOLDER ? s->arena + c->folder : "";
	m->kw = s->keep & MD_NEED_KEYWORDS ? s->arena + c->kw : "";
	m->kwn = c->kwn;
	m->s.size = c->size;
	m->s.mtime = c->mtime;
	m->s.date = c->date;
	for (int k = 0; k < MD_S_N; k++) { /* one not kept: 0 bytes */
		m->s.s[k].p = s->arena + c->f[k];
		m->s.s[k].n = c->fn[k];
	}
}

static int
ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Is the prefix PRE (lowercase, N bytes) at P, of which N bytes are
 * there, in any ASCII case? */
static int
has_prefix(const char *p, const char *pre, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ascii_lower((unsigned char)p[i]) != pre[i])
			return 0;
	return 1;
}

/* Where a subject starts without its "Re:", "Fwd:", "Fw:", "Aw:", in any
 * ASCII case. Lengths in the table and no strncasecmp(3): this runs for
 * both sides of every comparison. */
static size_t
subject_start(const char *p, size_t n)
{
	static const struct {
		char s[4];
		size_t n;
	} pre[] = { { "re", 2 }, { "fwd", 3 }, { "fw", 2 }, { "aw", 2 } };
	size_t i = 0, k;

	for (;;) {
		while (i < n && (p[i] == ' ' || p[i] == '\t'))
			i++;
		for (k = 0; k < sizeof(pre) / sizeof(pre[0]); k++)
			if (i + pre[k].n < n && p[i + pre[k].n] == ':' &&
			    has_prefix(p + i, pre[k].s, pre[k].n))
				break;
		if (k == sizeof(pre) / sizeof(pre[0]))
			return i;
		i += pre[k].n + 1;
	}
}

static int
text_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	for (size_t i = 0; i < an && i < bn; i++) {
		int x = ascii_lower((unsigned char)a[i]);
		int y = ascii_lower((unsigned char)b[i]);

		if (x != y)
			return x < y ? -1 : 1;
	}
	return (an > bn) - (an < bn);
}

static int
num_cmp(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

/* A's and B's keys; subjects and names in one function with the rest, as
 * qsort calls it some 17 times per message. */
static int
key_cmp(const struct md_sorter *s, const struct md_sort_rec *a,
    const struct md_sort_rec *b)
{
	int k = s->key == MD_SORT_SUBJECT ? MD_S_SUBJECT : MD_S_NAME;
	const char *pa = s->arena + a->f[k], *pb = s->arena + b->f[k];
	size_t sa = 0, sb = 0;

	switch (s->key) {
	case MD_SORT_DATE:
		return num_cmp(a->date, b->date);
	case MD_SORT_RECEIVED:
		return num_cmp(a->mtime, b->mtime);
	case MD_SORT_SIZE:
		return (a->size > b->size) - (a->size < b->size);
	case MD_SORT_SUBJECT:
		sa = subject_start(pa, a->fn[k]);
		sb = subject_start(pb, b->fn[k]);
		/* FALLTHROUGH */
	case MD_SORT_FROM:
		return text_cmp(pa + sa, a->fn[k] - sa, pb + sb, b->fn[k] - sb);
	default:
		return 0;
	}
}

static int
rec_cmp(const void *va, const void *vb, void *arg)
{
	const struct md_sorter *s = arg;
	const struct md_sort_rec *a = va, *b = vb;
	int c = key_cmp(s, a, b);

	if (c == 0) { /* the same key: by path, so the order is fixed */
		size_t n = a->pathlen < b->pathlen ? a->pathlen : b->pathlen;

		c = memcmp(s->arena + a->path, s->arena + b->path, n);
		if (c == 0)
			c = (a->pathlen > b->pathlen) -
			    (a->pathlen < b->pathlen);
	}
	return s->reverse ? -c : c;
}

void
md_sorter_sort(struct md_sorter *s)
{
	if (s->n > 0)
		qsort_r(s->rec, s->n, sizeof(*s->rec), rec_cmp, s);
}
