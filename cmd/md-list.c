/*
 * md-list: print the messages of maildirs, one path a line, filtered by
 * flags and by new/ or cur/; or, with -i, a summary per maildir. Reads
 * directories with big getdents64 buffers and never stats a message
 * unless -i needs a size its name does not carry. With --format, --sort
 * or --match it shows and selects by header fields, taken from the
 * maildir's header cache where it has the message, else from the file.
 */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <regex.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

#define OPTSTRING ":0CDFK:NPRSTX:cdfhik:nprstx:"
#define OUTBUF (256 * 1024)
#define WIDTH_MAX 4096  /* of a --format escape */
#define PATTERN_MAX 256 /* bytes of a %{...}d strftime pattern */
#define DATE_FORM "%Y-%m-%d %H:%M"

enum {
	OPT_TSV = 256,
	OPT_JSON,
	OPT_RECURSIVE,
	OPT_FORMAT,
	OPT_SORT,
	OPT_REVERSE,
	OPT_MATCH,
	OPT_NOCACHE
};

enum sortkey {
	SORT_NONE,
	SORT_DATE,
	SORT_RECEIVED,
	SORT_SIZE,
	SORT_SUBJECT,
	SORT_FROM
};

struct opts {
	struct md_flags with, without; /* all of / none of */
	char **kwith, **kwithout;      /* -K / -k names, letters per maildir */
	size_t nkwith, nkwithout;
	int only_new, not_new, only_cur, not_cur;
	int info, tsv, json, recursive;
	const char *format;
	enum sortkey sort;
	int reverse, nocache;
	char **match; /* --match expressions, in order */
	size_t nmatch;
	char eol;
};

struct stats {
	char *path;
	uint64_t messages, new, unseen, flagged, trashed, bytes;
	uint64_t kwn[26];      /* --json: messages with keyword 'a' + i */
	struct md_keywords kw; /* --json: their names */
};

/* The filters as one maildir reads them: the -K and -k names made its
 * letters, through its own dovecot-keywords. */
struct filt {
	struct md_keywords kw;
	struct md_flags with, without;
	int none; /* a -K name it does not know: no message passes */
};

/* One piece of --format: text, or an escape. */
enum fkind {
	F_TEXT,
	F_PATH,
	F_BASE,
	F_FOLDER,
	F_FLAGS,
	F_SIZE,
	F_HSIZE,
	F_DATE,
	F_RECEIVED,
	F_KEYWORDS,
	F_FIELD
};

struct fitem {
	enum fkind kind;
	enum md_sfield field; /* F_FIELD */
	int width, left;      /* 0: as it is */
	char *text;           /* F_TEXT: the bytes; dates: the pattern */
	size_t len;
};

/* One --match: FIELD=TEXT, FIELD~REGEX, or their negations. */
struct cond {
	enum md_sfield field;
	int neg, isre;
	const char *text;
	size_t len;
	regex_t re;
};

/* A message as shown: where it is, and its summary. */
struct msg {
	const char *path; /* as printed */
	size_t pathlen;
	const char *name;   /* its file name, NUL-terminated */
	const char *folder; /* %F */
	const char *kw;     /* %K */
	size_t kwn;
	struct md_summary s;
};

/* A message kept for --sort: offsets into the run's arena. */
struct rec {
	size_t path, name, folder, kw;
	size_t pathlen, kwn;
	uint64_t size;
	int64_t mtime, date;
	size_t f[MD_S_N];
	uint32_t fn[MD_S_N];
};

/* What a maildir (or the last root on stdin) gives its messages. */
struct src {
	struct md_cache cache;
	struct md_cache_walk walk; /* lookups in the cache's order */
	int cached;                /* both set up */
	char folder[NAME_MAX + 1];
	size_t folder_off; /* --sort: the name in the arena */
};

struct run {
	struct opts o;
	struct stats *st; /* -i: one per maildir listed */
	size_t nst;
	int failed;
	int need_flags;   /* a flag filter or -i: names must be parsed */
	int headers;      /* --format, --sort or --match: the summary path */
	int need_summary; /* header fields wanted, not only names */
	int need_folder;  /* %F is used */
	int need_kw;      /* keyword names: -K, -k, %K or --json */
	int need_kwnames; /* %K is used */
	uint32_t keep;    /* --sort: fields kept (bit per md_sfield) */
	struct fitem *fi;
	size_t nfi;
	struct cond *cond;
	size_t ncond;
	struct md_summarizer *z;
	struct src stdin_src; /* for the last root's messages on stdin */
	struct rec *rec;      /* --sort: the messages kept */
	size_t nrec, caprec;
	char *arena;
	size_t alen, acap;
	char last_root[PATH_MAX]; /* stdin: the last message's maildir */
	int last_root_ok;
	struct filt stdin_filt; /* and its filters */
	char *kwbuf;            /* %K of a message */
	size_t kwcap;
	char scratch[MD_SUMMARY_FIELD + 1]; /* a field for regexec */
	struct md_clock clock;              /* %d and %r: local times */
	size_t outlen;
	char out[OUTBUF];
};

static void
usage(void)
{
	printf("usage: md-list [-0CcDdFfhiNnPpRrSsTt] [-X flags] [-x flags] "
	       "[-K keyword]\n"
	       "               [-k keyword] [--recursive] [--tsv | --json]\n"
	       "               [maildir | folder ...]\n"
	       "       md-list [-0CcDdFfNnPpRrSsTt] [-X flags] [-x flags] "
	       "[-K keyword]\n"
	       "               [-k keyword] [--recursive] [--format fmt] "
	       "[--sort key]\n"
	       "               [--reverse] [--match expr] [--no-cache]\n"
	       "               [maildir | folder ...]\n");
	exit(EX_OK);
}

/* A path made readable for a message (md_shown); only on problems. */
static const char *
shown(const char *path)
{
	static char buf[4 * PATH_MAX + 1];

	return cmd_vis(path, buf, sizeof(buf));
}

static void
flush_out(struct run *r)
{
	for (size_t off = 0; off < r->outlen;) {
		ssize_t n = write(STDOUT_FILENO, r->out + off, r->outlen - off);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			err(1, "stdout");
		off += (size_t)n;
	}
	r->outlen = 0;
}

static void
put(struct run *r, const char *p, size_t n)
{
	if (r->outlen + n > sizeof(r->out))
		flush_out(r);
	if (n > sizeof(r->out)) { /* cannot happen with PATH_MAX paths */
		errno = ENAMETOOLONG;
		err(EX_SOFTWARE, "output");
	}
	memcpy(r->out + r->outlen, p, n);
	r->outlen += n;
}

static void
put_spaces(struct run *r, int n)
{
	static const char sp[] = "                                ";

	for (; n > 0; n -= (int)sizeof(sp) - 1)
		put(r, sp,
		    n < (int)sizeof(sp) - 1 ? (size_t)n : sizeof(sp) - 1);
}

/* ---- --format ---- */

static int
ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Text of an escape as given, for a usage error: FROM up to END. */
static void __attribute__((noreturn))
fmt_error(const char *from, const char *end, const char *why)
{
	char esc[PATTERN_MAX + 32], b[4 * sizeof(esc) + 1];
	size_t n = (size_t)(end - from);

	if (n >= sizeof(esc))
		n = sizeof(esc) - 1;
	memcpy(esc, from, n);
	esc[n] = '\0';
	errx(EX_USAGE, "--format: %s: %s", cmd_vis(esc, b, sizeof(b)), why);
}

static struct fitem *
fmt_add(struct run *r, enum fkind kind)
{
	struct fitem *f = reallocarray(r->fi, r->nfi + 1, sizeof(*r->fi));

	if (f == NULL)
		err(EX_OSERR, "reallocarray");
	r->fi = f;
	f = &r->fi[r->nfi++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	return f;
}

/* Literal bytes: appended to the text item at the end, or a new one. */
static void
fmt_text(struct run *r, const char *p, size_t n)
{
	struct fitem *f = r->nfi > 0 ? &r->fi[r->nfi - 1] : NULL;
	char *t;

	if (f == NULL || f->kind != F_TEXT)
		f = fmt_add(r, F_TEXT);
	if ((t = realloc(f->text, f->len + n + 1)) == NULL)
		err(EX_OSERR, "realloc");
	memcpy(t + f->len, p, n);
	f->text = t;
	f->len += n;
	t[f->len] = '\0';
}

/* The escape letter C: its kind and field; 0 when there is none. */
static int
fmt_letter(int c, enum fkind *kind, enum md_sfield *field)
{
	static const struct {
		char c;
		enum fkind kind;
		enum md_sfield field;
	} tab[] = {
		{ 'p', F_PATH, 0 },
		{ 'b', F_BASE, 0 },
		{ 'F', F_FOLDER, 0 },
		{ 'X', F_FLAGS, 0 },
		{ 'K', F_KEYWORDS, 0 },
		{ 'z', F_SIZE, 0 },
		{ 'Z', F_HSIZE, 0 },
		{ 'd', F_DATE, 0 },
		{ 'r', F_RECEIVED, 0 },
		{ 'f', F_FIELD, MD_S_NAME },
		{ 'A', F_FIELD, MD_S_FROM },
		{ 't', F_FIELD, MD_S_TO },
		{ 'c', F_FIELD, MD_S_CC },
		{ 's', F_FIELD, MD_S_SUBJECT },
		{ 'i', F_FIELD, MD_S_MSGID },
		{ 'I', F_FIELD, MD_S_IRT },
		{ 'R', F_FIELD, MD_S_REFS },
		{ 'l', F_FIELD, MD_S_LISTID },
	};

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (tab[i].c == c) {
			*kind = tab[i].kind;
			*field = tab[i].field;
			return 1;
		}
	return 0;
}

/* One %-escape at P: an item added; returns what follows it. */
static const char *
fmt_escape(struct run *r, const char *p)
{
	const char *from = p++, *pat = NULL;
	enum md_sfield field;
	enum fkind kind;
	struct fitem *f;
	size_t patlen = 0;
	int left = 0, width = 0, digits = 0;

	if (*p == '-')
		left = 1, p++;
	for (; *p >= '0' && *p <= '9'; p++, digits++)
		if (digits == 0 && *p == '0')
			fmt_error(from, p + 1, "bad width (1 to 4096)");
		else if ((width = width * 10 + (*p - '0')) > WIDTH_MAX)
			fmt_error(from, p + 1, "bad width (1 to 4096)");
	if (left && digits == 0)
		fmt_error(from, p + (*p != '\0'), "bad width (1 to 4096)");
	if (*p == '{') {
		const char *close = strchr(p, '}');

		if (close == NULL)
			fmt_error(from, p + strlen(p), "no closing brace");
		pat = p + 1;
		patlen = (size_t)(close - pat);
		if (patlen > PATTERN_MAX)
			fmt_error(from, p + 1, "pattern too long");
		p = close + 1;
	}
	if (*p == '\0')
		fmt_error(from, p, "unfinished escape");
	if (*p == '%' && digits == 0 && pat == NULL) {
		fmt_text(r, "%", 1);
		return p + 1;
	}
	if (!fmt_letter(*p, &kind, &field))
		fmt_error(from, p + 1, "unknown escape");
	if (pat != NULL && kind != F_DATE && kind != F_RECEIVED)
		fmt_error(from, p + 1, "only %d and %r take a {pattern}");
	f = fmt_add(r, kind);
	f->field = field;
	f->width = width;
	f->left = left;
	if (kind == F_DATE || kind == F_RECEIVED) {
		if (pat == NULL)
			pat = DATE_FORM, patlen = strlen(DATE_FORM);
		if ((f->text = strndup(pat, patlen)) == NULL)
			err(EX_OSERR, "strndup");
		f->len = patlen;
	}
	return p + 1;
}

static void
fmt_compile(struct run *r, const char *fmt)
{
	const char *p = fmt;

	while (*p != '\0') {
		size_t n = strcspn(p, "%\\");

		if (n > 0) {
			fmt_text(r, p, n);
			p += n;
		} else if (*p == '%')
			p = fmt_escape(r, p);
		else {
			static const char from[] = "tn\\", to[] = "\t\n\\";
			const char *c = p[1] ? strchr(from, p[1]) : NULL;

			if (c == NULL)
				fmt_error(p, p + 1 + (p[1] != '\0'),
				    p[1] ? "unknown escape"
				         : "unfinished escape");
			fmt_text(r, &to[c - from], 1);
			p += 2;
		}
	}
}

/* N bytes at P, or (WIDTH) exactly WIDTH characters: cut, or padded
 * with spaces on the left or (LEFT) on the right. A byte that is not
 * part of a UTF-8 character (a path may hold one) counts as one. */
static void
put_field(struct run *r, const struct fitem *f, const char *p, size_t n)
{
	size_t i = 0;
	int chars = 0;

	if (f->width == 0) {
		put(r, p, n);
		return;
	}
	while (i < n && chars < f->width) {
		size_t l = md_utf8_len((const unsigned char *)p + i, n - i);

		i += l ? l : 1;
		chars++;
	}
	if (!f->left)
		put_spaces(r, f->width - chars);
	put(r, p, i);
	if (f->left)
		put_spaces(r, f->width - chars);
}

static void
put_msg(struct run *r, const struct msg *m)
{
	char buf[4 * PATTERN_MAX + 256];
	struct md_flags fl;
	size_t n = 0;

	for (size_t i = 0; i < r->nfi; i++) {
		const struct fitem *f = &r->fi[i];

		switch (f->kind) {
		case F_TEXT:
			put(r, f->text, f->len);
			continue;
		case F_PATH:
			put_field(r, f, m->path, m->pathlen);
			continue;
		case F_BASE:
			put_field(r, f, m->name, md_name_baselen(m->name));
			continue;
		case F_FOLDER:
			put_field(r, f, m->folder, strlen(m->folder));
			continue;
		case F_FIELD:
			put_field(r, f, m->s.s[f->field].p, m->s.s[f->field].n);
			continue;
		case F_KEYWORDS:
			put_field(r, f, m->kw, m->kwn);
			continue;
		case F_FLAGS:
			md_name_flags(m->name, &fl);
			n = (size_t)md_flags_format(&fl, buf, sizeof(buf));
			break;
		case F_SIZE:
			n = (size_t)snprintf(buf, sizeof(buf), "%llu",
			    (unsigned long long)m->s.size);
			break;
		case F_HSIZE:
			cmd_human_size(m->s.size, buf, sizeof(buf));
			n = strlen(buf);
			break;
		case F_DATE:
		case F_RECEIVED:
			n = md_strftime(&r->clock, buf, sizeof(buf), f->text,
			    f->kind == F_DATE ? m->s.date : m->s.mtime);
			break;
		}
		put_field(r, f, buf, n);
	}
	put(r, &r->o.eol, 1);
}

/* ---- --match ---- */

static const struct {
	const char *name;
	enum md_sfield field;
} match_fields[] = {
	{ "from", MD_S_FROM },
	{ "to", MD_S_TO },
	{ "cc", MD_S_CC },
	{ "subject", MD_S_SUBJECT },
	{ "message-id", MD_S_MSGID },
	{ "in-reply-to", MD_S_IRT },
	{ "references", MD_S_REFS },
	{ "list-id", MD_S_LISTID },
};

static void
match_compile(const char *expr, struct cond *c)
{
	size_t nlen = strcspn(expr, "=~!"), i;
	const char *op = expr + nlen, *why;
	char b[4 * 256 + 1], msg[256];
	int rc;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < sizeof(match_fields) / sizeof(match_fields[0]); i++)
		if (strlen(match_fields[i].name) == nlen &&
		    strncasecmp(match_fields[i].name, expr, nlen) == 0)
			break;
	if (*op == '\0' || (*op == '!' && op[1] != '=' && op[1] != '~'))
		errx(EX_USAGE,
		    "--match %s: not FIELD=TEXT, FIELD~REGEX, FIELD!=TEXT "
		    "or FIELD!~REGEX",
		    cmd_vis(expr, b, sizeof(b)));
	if (i == sizeof(match_fields) / sizeof(match_fields[0]))
		errx(EX_USAGE,
		    "--match %s: unknown field (from, to, cc, subject, "
		    "message-id, in-reply-to, references, list-id)",
		    cmd_vis(expr, b, sizeof(b)));
	c->field = match_fields[i].field;
	c->neg = *op == '!';
	op += c->neg;
	c->isre = *op == '~';
	c->text = op + 1;
	c->len = strlen(c->text);
	if (!c->isre)
		return;
	/* regcomp can take gigabytes for a few bytes: refuse that first */
	if (md_regex_check(c->text, &why) == -1)
		errx(EX_USAGE, "--match %s: %s", cmd_vis(expr, b, sizeof(b)),
		    why);
	rc = regcomp(&c->re, c->text, REG_EXTENDED | REG_ICASE | REG_NOSUB);
	if (rc != 0) {
		regerror(rc, &c->re, msg, sizeof(msg));
		errx(EX_USAGE, "--match %s: %s", cmd_vis(expr, b, sizeof(b)),
		    msg);
	}
}

static void
match_compile_all(struct run *r)
{
	for (size_t i = 0; i < r->o.nmatch; i++)
		if (strchr(r->o.match[i], '~') != NULL) {
			/* Regexes see characters of the user's locale. */
			setlocale(LC_CTYPE, "");
			break;
		}
	if (r->o.nmatch == 0)
		return;
	if ((r->cond = calloc(r->o.nmatch, sizeof(*r->cond))) == NULL)
		err(EX_OSERR, "calloc");
	for (r->ncond = 0; r->ncond < r->o.nmatch; r->ncond++)
		match_compile(r->o.match[r->ncond], &r->cond[r->ncond]);
}

/* Does TEXT (N bytes) hold NEEDLE (LEN bytes), ignoring ASCII case? */
static int
has_text(const char *text, size_t n, const char *needle, size_t len)
{
	for (size_t i = 0; i + len <= n; i++) {
		size_t k = 0;

		while (k < len && ascii_lower((unsigned char)text[i + k]) ==
		                      ascii_lower((unsigned char)needle[k]))
			k++;
		if (k == len)
			return 1;
	}
	return 0;
}

static int
matches(struct run *r, const struct md_summary *s)
{
	for (size_t i = 0; i < r->ncond; i++) {
		const struct cond *c = &r->cond[i];
		const struct md_str *v = &s->s[c->field];
		int hit;

		if (c->isre) {
			size_t n =
			    v->n < MD_SUMMARY_FIELD ? v->n : MD_SUMMARY_FIELD;

			memcpy(r->scratch, v->p, n);
			r->scratch[n] = '\0';
			hit = regexec(&c->re, r->scratch, 0, NULL, 0) == 0;
		} else
			hit = has_text(v->p, v->n, c->text, c->len);
		if (hit == c->neg)
			return 0;
	}
	return 1;
}

/* ---- --sort ---- */

static size_t
arena_add(struct run *r, const char *p, size_t n)
{
	size_t off = r->alen;

	if (r->alen + n + 1 > r->acap) {
		size_t cap = r->acap ? r->acap : 65536;
		char *a;

		while (cap < r->alen + n + 1)
			cap *= 2;
		if ((a = realloc(r->arena, cap)) == NULL)
			err(EX_OSERR, "realloc");
		r->arena = a;
		r->acap = cap;
	}
	memcpy(r->arena + off, p, n);
	r->arena[off + n] = '\0';
	r->alen += n + 1;
	return off;
}

/* Keep a copy of what printing and sorting M need. */
static void
keep(struct run *r, const struct msg *m, const struct src *src)
{
	size_t namelen = strlen(m->name);
	struct rec *c;

	if (r->nrec == r->caprec) {
		size_t cap = r->caprec ? 2 * r->caprec : 1024;

		if ((c = reallocarray(r->rec, cap, sizeof(*c))) == NULL)
			err(EX_OSERR, "reallocarray");
		r->rec = c;
		r->caprec = cap;
	}
	c = &r->rec[r->nrec++];
	memset(c, 0, sizeof(*c));
	c->path = arena_add(r, m->path, m->pathlen);
	c->pathlen = m->pathlen;
	if (m->pathlen >= namelen &&
	    memcmp(m->path + m->pathlen - namelen, m->name, namelen) == 0)
		c->name = c->path + m->pathlen - namelen;
	else
		c->name = arena_add(r, m->name, namelen);
	c->folder = src->folder_off;
	if (r->need_kwnames) {
		c->kw = arena_add(r, m->kw, m->kwn);
		c->kwn = m->kwn;
	}
	c->size = m->s.size;
	c->mtime = m->s.mtime;
	c->date = m->s.date;
	for (int k = 0; k < MD_S_N; k++)
		if (r->keep & (1u << k)) {
			c->f[k] = arena_add(r, m->s.s[k].p, m->s.s[k].n);
			c->fn[k] = (uint32_t)m->s.s[k].n;
		}
}

static void
rec_msg(const struct run *r, const struct rec *c, struct msg *m)
{
	m->path = r->arena + c->path;
	m->pathlen = c->pathlen;
	m->name = r->arena + c->name;
	m->folder = r->arena + c->folder;
	m->kw = r->arena + c->kw;
	m->kwn = c->kwn;
	m->s.size = c->size;
	m->s.mtime = c->mtime;
	m->s.date = c->date;
	for (int k = 0; k < MD_S_N; k++) {
		m->s.s[k].p = r->arena + c->f[k];
		m->s.s[k].n = c->fn[k];
	}
}

/* Where a subject starts without its "Re:", "Fwd:", "Fw:", "Aw:". */
static size_t
subject_start(const char *p, size_t n)
{
	static const char *const pre[] = { "re", "fwd", "fw", "aw" };
	size_t i = 0, k;

	for (;;) {
		while (i < n && (p[i] == ' ' || p[i] == '\t'))
			i++;
		for (k = 0; k < sizeof(pre) / sizeof(pre[0]); k++) {
			size_t l = strlen(pre[k]);

			if (i + l < n && p[i + l] == ':' &&
			    strncasecmp(p + i, pre[k], l) == 0)
				break;
		}
		if (k == sizeof(pre) / sizeof(pre[0]))
			return i;
		i += strlen(pre[k]) + 1;
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

static int
rec_cmp(const void *va, const void *vb, void *arg)
{
	const struct run *r = arg;
	const struct rec *a = va, *b = vb;
	const char *pa, *pb;
	size_t sa, sb;
	int c = 0, k;

	switch (r->o.sort) {
	case SORT_DATE:
		c = num_cmp(a->date, b->date);
		break;
	case SORT_RECEIVED:
		c = num_cmp(a->mtime, b->mtime);
		break;
	case SORT_SIZE:
		c = (a->size > b->size) - (a->size < b->size);
		break;
	case SORT_SUBJECT:
	case SORT_FROM:
		k = r->o.sort == SORT_SUBJECT ? MD_S_SUBJECT : MD_S_NAME;
		pa = r->arena + a->f[k];
		pb = r->arena + b->f[k];
		sa = k == MD_S_SUBJECT ? subject_start(pa, a->fn[k]) : 0;
		sb = k == MD_S_SUBJECT ? subject_start(pb, b->fn[k]) : 0;
		c = text_cmp(pa + sa, a->fn[k] - sa, pb + sb, b->fn[k] - sb);
		break;
	case SORT_NONE:
		break;
	}
	if (c == 0) { /* the same key: by path, so the order is fixed */
		size_t n = a->pathlen < b->pathlen ? a->pathlen : b->pathlen;

		c = memcmp(r->arena + a->path, r->arena + b->path, n);
		if (c == 0)
			c = (a->pathlen > b->pathlen) -
			    (a->pathlen < b->pathlen);
	}
	return r->o.reverse ? -c : c;
}

static void
print_sorted(struct run *r)
{
	struct msg m;

	if (r->nrec > 0)
		qsort_r(r->rec, r->nrec, sizeof(*r->rec), rec_cmp, r);
	for (size_t i = 0; i < r->nrec; i++) {
		rec_msg(r, &r->rec[i], &m);
		put_msg(r, &m);
	}
}

/* ---- keywords ---- */

/* The filters for the maildir ROOT into FT: its dovecot-keywords read
 * once, as its messages begin. A -K name it does not list is on no
 * message; a -k name it does not list is on all. */
static void
filt_load(struct run *r, struct filt *ft, const char *root)
{
	char path[PATH_MAX + 32];

	md_keywords_free(&ft->kw);
	ft->with = r->o.with;
	ft->without = r->o.without;
	ft->none = 0;
	if (!r->need_kw)
		return;
	if (md_keywords_read(root, &ft->kw) == -1) {
		snprintf(path, sizeof(path), "%s/dovecot-keywords", root);
		warn("%s", shown(path));
		r->failed = 1;
		/* unknown names: no message is known to pass */
		ft->none = r->o.nkwith + r->o.nkwithout > 0;
		return;
	}
	for (size_t i = 0; i < r->o.nkwith; i++) {
		int l = md_keywords_find(&ft->kw, r->o.kwith[i]);

		if (l == -1)
			ft->none = 1;
		else
			md_flags_set(&ft->with, (unsigned char)l, 1);
	}
	for (size_t i = 0; i < r->o.nkwithout; i++) {
		int l = md_keywords_find(&ft->kw, r->o.kwithout[i]);

		if (l != -1)
			md_flags_set(&ft->without, (unsigned char)l, 1);
	}
}

/* %K of the message NAME: the names FT knows of its letters. */
static void
keyword_names(
    struct run *r, const struct filt *ft, const char *name, struct msg *m)
{
	struct md_flags f;
	size_t n;

	md_name_flags(name, &f);
	while ((n = md_keywords_format(&ft->kw, &f, r->kwbuf, r->kwcap)) >=
	       r->kwcap) {
		size_t cap = n + 1 > 256 ? n + 1 : 256;

		if ((r->kwbuf = realloc(r->kwbuf, cap)) == NULL)
			err(EX_OSERR, "realloc");
		r->kwcap = cap;
	}
	m->kw = r->kwbuf;
	m->kwn = n;
}

/* ---- where summaries come from ---- */

/* The cache of the maildir DIR into SRC, unless --no-cache; one line
 * when it is there but cannot be used (the files are read instead). */
static void
src_open(struct run *r, struct src *src, const char *dir, int folder)
{
	char real[PATH_MAX], b[4 * PATH_MAX + 1];
	const char *base = strrchr(dir, '/'), *cache;
	struct md_err e = { 0 };
	int saved;

	src->cached = 0;
	src->folder[0] = '\0';
	if (r->need_folder) {
		base = base ? base + 1 : dir;
		/* "." or "..": the folder is the directory's real name */
		if ((strcmp(base, ".") == 0 || strcmp(base, "..") == 0) &&
		    realpath(dir, real) != NULL) {
			base = strrchr(real, '/');
			base = base ? base + 1 : real;
			folder = folder || md_folder_is(real);
		} else
			folder = folder || md_folder_is(dir);
		strlcpy(src->folder, folder ? base + 1 : "INBOX",
		    sizeof(src->folder));
	}
	if (r->o.sort != SORT_NONE)
		src->folder_off =
		    arena_add(r, src->folder, strlen(src->folder));
	if (!r->need_summary || r->o.nocache)
		return;
	if (md_cache_open(&src->cache, dir, &e) == 0) {
		if (md_cache_walk_init(&src->walk, &src->cache) == 0) {
			src->cached = 1;
			return;
		}
		saved = errno;
		md_cache_close(&src->cache);
		errno = saved;
	} else if (errno == ENOENT)
		return;
	saved = errno;
	snprintf(real, sizeof(real), "%s/%s", dir, MD_CACHE_NAME);
	cache = cmd_vis(real, b, sizeof(b));
	if (saved == EBADMSG)
		warnx("%s: damaged (%s), ignored: run md-index --rebuild",
		    cache, e.step ? e.step : "?");
	else if (saved == ENOTSUP)
		warnx("%s: written by another version, ignored: run md-index "
		      "--rebuild",
		    cache);
	else
		warnx("%s: %s, ignored", cache, strerror(saved));
}

static void
src_close(struct src *src)
{
	if (src->cached) {
		md_cache_walk_free(&src->walk);
		md_cache_close(&src->cache);
	}
	src->cached = 0;
}

/* The summary of base NAME from SRC's cache into *S: 1, or 0 when it has
 * no entry (or a malformed one, which is then read from the file). */
static int
from_cache(struct src *src, const char *name, struct md_summary *s)
{
	const char *base = name;
	size_t n = md_name_baselen(name);
	struct md_str b;
	long k;

	if (!src->cached)
		return 0;
	md_cache_walk_find_n(&src->walk, &base, &n, 1, &k);
	return k >= 0 && md_cache_walk_entry(&src->walk, k, &b, s) == 0;
}

/*
 * The message PATH (printed as it is), named NAME in the directory
 * DIRFD where READ is found: its summary from the cache or the file,
 * then --match, then printed or kept for --sort.
 */
static void
message(struct run *r, struct src *src, const struct filt *ft, const char *path,
    size_t pathlen, const char *name, int dirfd, const char *read)
{
	struct msg m;
	struct md_err e;

	m.path = path;
	m.pathlen = pathlen;
	m.name = name;
	m.folder = src->folder;
	m.kw = "";
	m.kwn = 0;
	if (r->need_kwnames)
		keyword_names(r, ft, name, &m);
	memset(&m.s, 0, sizeof(m.s));
	if (r->need_summary && !from_cache(src, name, &m.s) &&
	    md_summary_read(r->z, dirfd, read, &m.s, &e) == -1) {
		if (errno == ENOENT) /* moved or removed meanwhile */
			return;
		if (errno == EINVAL)
			warnx("%s: not a regular file", shown(path));
		else
			warn("%s", shown(path));
		r->failed = 1;
		return;
	}
	if (!matches(r, &m.s))
		return;
	if (r->o.sort != SORT_NONE)
		keep(r, &m, src);
	else
		put_msg(r, &m);
}

/* Does a message with flags F, in new/ when IN_NEW, pass the filters
 * as FT has them for its maildir? */
static int
wanted(const struct opts *o, const struct filt *ft, const struct md_flags *f,
    int in_new)
{
	if ((o->only_new && !in_new) || (o->not_new && in_new) ||
	    (o->only_cur && in_new) || (o->not_cur && !in_new) || ft->none)
		return 0;
	return md_flags_contains(f, &ft->with) &&
	       !md_flags_overlap(f, &ft->without);
}

static void
count(struct stats *s, int dirfd, const char *name, const struct md_flags *f,
    int in_new)
{
	uint64_t size;
	struct stat st;

	s->messages++;
	s->new += in_new;
	s->unseen += !md_flags_has(f, 'S');
	s->flagged += md_flags_has(f, 'F');
	s->trashed += md_flags_has(f, 'T');
	for (int i = 0; i < 26; i++)
		s->kwn[i] += md_flags_has(f, (unsigned char)('a' + i));
	if (md_name_field(name, 'S', &size) == 0)
		s->bytes += size;
	else if (fstatat(dirfd, name, &st, 0) == 0) /* gone: counts 0 */
		s->bytes += (uint64_t)st.st_size;
}

/* One of new/ or cur/ of the maildir at PATH, filtered as FT says; SRC
 * for --format etc. */
static int
list_sub(struct run *r, const char *path, int in_new, const struct filt *ft,
    struct stats *s, struct src *src)
{
	const char *sub = in_new ? "new" : "cur", *name;
	char prefix[PATH_MAX + NAME_MAX + 8];
	struct md_scan sc;
	struct md_flags f;
	unsigned char type;
	size_t plen;
	int rc;

	if ((in_new && (r->o.only_cur || r->o.not_new)) ||
	    (!in_new && (r->o.only_new || r->o.not_cur)))
		return 0;
	plen = (size_t)snprintf(prefix, PATH_MAX + 8, "%s/%s/", path, sub);
	prefix[plen - 1] = '\0'; /* the directory, then the prefix again */
	if (md_scan_open(&sc, AT_FDCWD, prefix) == -1) {
		warn("%s", shown(prefix));
		return -1;
	}
	prefix[plen - 1] = '/';
	md_flags_zero(&f);
	while ((rc = md_scan_next(&sc, &name, &type)) == 1) {
		if (type != DT_REG && type != DT_UNKNOWN && type != DT_LNK)
			continue;
		/* A plain listing needs no flags: the name is not parsed. */
		if (r->need_flags)
			md_name_flags(name, &f);
		if (!wanted(&r->o, ft, &f, in_new))
			continue;
		if (s != NULL) {
			count(s, sc.fd, name, &f, in_new);
			continue;
		}
		if (src != NULL) {
			size_t n = strlen(name);

			memcpy(prefix + plen, name, n + 1);
			message(r, src, ft, prefix, plen + n, prefix + plen,
			    sc.fd, name);
			continue;
		}
		put(r, prefix, plen);
		put(r, name, strlen(name));
		put(r, &r->o.eol, 1);
	}
	if (rc == -1)
		warn("%s/%s", shown(path), sub);
	md_scan_close(&sc);
	return rc;
}

static struct stats *
new_stats(struct run *r, const char *path)
{
	struct stats *s;

	s = reallocarray(r->st, r->nst + 1, sizeof(*r->st));
	if (s == NULL)
		err(EX_OSERR, "reallocarray");
	r->st = s;
	s = &r->st[r->nst++];
	memset(s, 0, sizeof(*s));
	if ((s->path = strdup(path)) == NULL)
		err(EX_OSERR, "strdup");
	return s;
}

/* The maildir PATH; FOLDER says --recursive found it as a folder. */
static int
list_maildir(struct run *r, const char *path, int folder)
{
	struct md_err e;
	struct stats *s = NULL;
	struct src src, *sp = NULL;
	struct filt ft = { 0 };

	/* Checked, not opened: each of new/ and cur/ is opened once, to be
	 * read. */
	if (md_maildir_check(path, &e) == -1) {
		cmd_warn_maildir(path, &e);
		r->failed = 1;
		return -1;
	}
	if (r->o.info)
		s = new_stats(r, path);
	filt_load(r, &ft, path);
	if (r->headers) {
		src_open(r, &src, path, folder);
		sp = &src;
	}
	/* cur/ is read even when new/ could not be. */
	if (list_sub(r, path, 1, &ft, s, sp) == -1)
		r->failed = 1;
	if (list_sub(r, path, 0, &ft, s, sp) == -1)
		r->failed = 1;
	if (sp != NULL)
		src_close(sp);
	if (s != NULL && r->o.json) { /* the names, for print_info */
		s->kw = ft.kw;
		memset(&ft.kw, 0, sizeof(ft.kw));
	}
	md_keywords_free(&ft.kw);
	return 0;
}

static const char *
default_root(void)
{
	static char buf[PATH_MAX];

	if (md_maildir_default(buf, sizeof(buf)) == -1) {
		if (errno == ENOENT)
			errx(1, "no MAILDIR and no home directory: name a "
			        "maildir");
		err(1, "MAILDIR or home directory");
	}
	return buf;
}

/* ARG is a maildir path, or a folder name under the default root; with
 * --recursive its folders follow. */
static void
list_target(struct run *r, const char *arg)
{
	char path[PATH_MAX], **folders;
	size_t n;

	if (md_target_path(arg, path, sizeof(path)) == -1) {
		warn("%s", shown(arg));
		r->failed = 1;
		return;
	}
	if (list_maildir(r, path, 0) == -1 && !md_folder_is(path))
		return;
	if (!r->o.recursive)
		return;
	if (md_target_folders(path, 0, &folders, &n) == -1) {
		if (errno == ENOMEM)
			err(EX_OSERR, "%s", shown(path));
		warn("%s", shown(path));
		r->failed = 1;
		return;
	}
	for (size_t i = 0; i < n; i++)
		list_maildir(r, folders[i], 1);
	md_strings_free(folders, n);
}

/* Is ROOT a maildir? Checked once for a run of lines with one root, and
 * its cache (for --format and the like) opened once. */
static int
root_ok(struct run *r, const char *root)
{
	if (strcmp(r->last_root, root) != 0) {
		strlcpy(r->last_root, root, sizeof(r->last_root));
		r->last_root_ok = md_maildir_check(root, NULL) == 0;
		if (r->last_root_ok)
			filt_load(r, &r->stdin_filt, root);
		if (r->headers) {
			src_close(&r->stdin_src);
			if (r->last_root_ok)
				src_open(r, &r->stdin_src, root, 0);
		}
	}
	return r->last_root_ok;
}

/* A line from stdin: a message path (filtered, printed) or a maildir. */
static void
stdin_item(struct run *r, const char *line)
{
	struct md_msgpath mp;
	struct md_flags f;

	/* A message when its root is a maildir: checked once per root,
	 * not once per line ("/srv/new/Maildir" is no message). */
	if (md_msgpath_parse(line, &mp) == 0 && root_ok(r, mp.root)) {
		if (r->o.info) {
			warnx("%s: -i counts maildirs, not messages",
			    shown(line));
			r->failed = 1;
			return;
		}
		md_name_flags(mp.name, &f);
		if (!wanted(&r->o, &r->stdin_filt, &f, mp.sub == MD_NEW))
			return;
		if (r->headers) {
			size_t n = strlen(line);

			message(r, &r->stdin_src, &r->stdin_filt, line, n,
			    line + n - strlen(mp.name), AT_FDCWD, line);
			return;
		}
		put(r, line, strlen(line));
		put(r, &r->o.eol, 1);
		return;
	}
	list_target(r, line);
}

static void
read_stdin(struct run *r)
{
	struct cmd_pathlist pl;
	const char *line;
	size_t n;
	int rc;

	cmd_pathlist_init(&pl, stdin, r->o.eol);
	while ((rc = cmd_pathlist_next(&pl, &line, &n)) != 0) {
		if (rc == -1 && errno != EINVAL) {
			warn("stdin");
			r->failed = 1;
			break;
		}
		if (rc == -1) {
			warnx("stdin: a line holds a NUL byte (use -0?)");
			r->failed = 1;
		} else if (n > 0)
			stdin_item(r, line);
	}
	cmd_pathlist_free(&pl);
	src_close(&r->stdin_src);
	md_keywords_free(&r->stdin_filt.kw);
}

/* Paths from a pipe or file on stdin; a terminal or /dev/null (cron)
 * means the default maildir. */
static int
stdin_has_paths(void)
{
	struct stat st;

	if (isatty(STDIN_FILENO) || fstat(STDIN_FILENO, &st) == -1)
		return 0;
	return S_ISFIFO(st.st_mode) || S_ISREG(st.st_mode) ||
	       S_ISSOCK(st.st_mode);
}

static enum sortkey
sort_key(const char *arg)
{
	static const char *const keys[] = { "date", "received", "size",
		"subject", "from" };
	char b[4 * 64 + 1];

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(arg, keys[i]) == 0)
			return (enum sortkey)(SORT_DATE + i);
	errx(EX_USAGE,
	    "--sort %s: not one of date, received, size, subject, from",
	    cmd_vis(arg, b, sizeof(b)));
}

/* One more of --match's expressions, or of -K's or -k's names. */
static void
add_arg(char ***list, size_t *n, char *arg)
{
	char **l = reallocarray(*list, *n + 1, sizeof(**list));

	if (l == NULL)
		err(EX_OSERR, "reallocarray");
	l[(*n)++] = arg;
	*list = l;
}

static void
parse_opts(struct opts *o, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		CMD_VERSION_OPTION,
		{ "info", no_argument, NULL, 'i' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "keyword", required_argument, NULL, 'K' },
		{ "match", required_argument, NULL, OPT_MATCH },
		{ "no-cache", no_argument, NULL, OPT_NOCACHE },
		{ "no-keyword", required_argument, NULL, 'k' },
		{ "recursive", no_argument, NULL, OPT_RECURSIVE },
		{ "reverse", no_argument, NULL, OPT_REVERSE },
		{ "sort", required_argument, NULL, OPT_SORT },
		{ "tsv", no_argument, NULL, OPT_TSV },
		{ NULL, 0, NULL, 0 },
	};
	char msg[PATH_MAX + 64];
	int c;

	memset(o, 0, sizeof(*o));
	o->eol = '\n';
	opterr = 0;
	while ((c = getopt_long(argc, argv, OPTSTRING, longopts, NULL)) != -1) {
		switch (c) {
		case '0':
			o->eol = '\0';
			break;
		case 'C':
			o->only_cur = 1;
			break;
		case 'c':
			o->not_cur = 1;
			break;
		case 'N':
			o->only_new = 1;
			break;
		case 'n':
			o->not_new = 1;
			break;
		case 'i':
			o->info = 1;
			break;
		case CMD_OPT_VERSION:
			cmd_version();
		case 'h':
			usage();
			break;
		case OPT_JSON:
			o->json = o->info = 1;
			break;
		case OPT_TSV:
			o->tsv = o->info = 1;
			break;
		case OPT_RECURSIVE:
			o->recursive = 1;
			break;
		case OPT_FORMAT:
			o->format = optarg;
			break;
		case OPT_SORT:
			o->sort = sort_key(optarg);
			break;
		case OPT_REVERSE:
			o->reverse = 1;
			break;
		case OPT_MATCH:
			add_arg(&o->match, &o->nmatch, optarg);
			break;
		case 'K':
			add_arg(&o->kwith, &o->nkwith, optarg);
			break;
		case 'k':
			add_arg(&o->kwithout, &o->nkwithout, optarg);
			break;
		case OPT_NOCACHE:
			o->nocache = 1;
			break;
		case ':':
		case '?':
			errx(EX_USAGE, "%s (see md-list -h)",
			    cmd_opt_error(c, argv, longopts, msg, sizeof(msg)));
		default: /* D F P R S T X: with; d f p r s t x: without */
			if (md_flags_option(c, optarg, &o->with, &o->without) ==
			    -1)
				errx(EX_USAGE,
				    "-%c %s: flags are letters "
				    "(keywords a-z too)",
				    c, optarg);
		}
	}
	if (md_flags_overlap(&o->with, &o->without))
		errx(EX_USAGE, "a flag both required and excluded "
		               "(as in -S -s): nothing could match");
	for (size_t i = 0; i < o->nkwith; i++)
		for (size_t j = 0; j < o->nkwithout; j++)
			if (strcasecmp(o->kwith[i], o->kwithout[j]) == 0)
				errx(EX_USAGE,
				    "keyword \"%s\" both required and "
				    "excluded: nothing could match",
				    cmd_vis(o->kwith[i], msg, sizeof(msg)));
	if ((o->only_new && (o->not_new || o->only_cur)) ||
	    (o->only_cur && o->not_cur) || (o->not_new && o->not_cur))
		errx(EX_USAGE, "-N, -n, -C and -c as given exclude every "
		               "message: nothing could match");
	if (o->tsv && o->json)
		errx(EX_USAGE, "--tsv and --json: choose one");
	if (o->info && (o->format || o->sort || o->nmatch))
		errx(EX_USAGE, "-i, --tsv and --json count maildirs: not with "
		               "--format, --sort or --match");
	if (o->reverse && o->sort == SORT_NONE)
		errx(EX_USAGE, "--reverse: only with --sort");
}

/* What --format, --sort and --match need of each message. */
static void
setup_headers(struct run *r)
{
	r->headers = r->o.format || r->o.sort || r->o.nmatch;
	if (!r->headers)
		return;
	fmt_compile(r, r->o.format ? r->o.format : "%p");
	match_compile_all(r);
	r->need_summary = r->o.sort != SORT_NONE || r->ncond > 0;
	for (size_t i = 0; i < r->nfi; i++) {
		enum fkind k = r->fi[i].kind;

		if (k == F_FIELD)
			r->keep |= 1u << r->fi[i].field;
		if (k == F_FOLDER)
			r->need_folder = 1;
		if (k == F_KEYWORDS)
			r->need_kwnames = r->need_kw = 1;
		if (k == F_FIELD || k == F_SIZE || k == F_HSIZE ||
		    k == F_DATE || k == F_RECEIVED)
			r->need_summary = 1;
	}
	if (r->o.sort == SORT_SUBJECT)
		r->keep |= 1u << MD_S_SUBJECT;
	if (r->o.sort == SORT_FROM)
		r->keep |= 1u << MD_S_NAME;
	if (r->need_summary) {
		/* big (its field buffers): not on the stack */
		if ((r->z = malloc(sizeof(*r->z))) == NULL)
			err(EX_OSERR, "malloc");
		md_summarizer_init(r->z);
		/* Read only the fields shown, sorted or matched; a cache
		 * entry has them all, and they are the same strings. */
		r->z->want = r->keep;
		for (size_t i = 0; i < r->ncond; i++)
			r->z->want |= 1u << r->cond[i].field;
		if (r->z->want == 0)
			r->z->want = 1u << MD_S_N; /* dates or sizes only */
	}
}

static void
free_headers(struct run *r)
{
	for (size_t i = 0; i < r->nfi; i++)
		free(r->fi[i].text);
	free(r->fi);
	for (size_t i = 0; i < r->ncond; i++)
		if (r->cond[i].isre)
			regfree(&r->cond[i].re);
	free(r->cond);
	free(r->o.match);
	free(r->o.kwith);
	free(r->o.kwithout);
	free(r->kwbuf);
	free(r->rec);
	free(r->arena);
	if (r->z != NULL) {
		md_summarizer_free(r->z);
		free(r->z);
	}
}

/* ---- -i output ---- */

static void
add_stats(struct stats *to, const struct stats *s)
{
	to->messages += s->messages;
	to->new += s->new;
	to->unseen += s->unseen;
	to->flagged += s->flagged;
	to->trashed += s->trashed;
	to->bytes += s->bytes;
}

static uint64_t *
fields(struct stats *s, uint64_t v[6])
{
	v[0] = s->messages, v[1] = s->new, v[2] = s->unseen;
	v[3] = s->flagged, v[4] = s->trashed, v[5] = s->bytes;
	return v;
}

static const char *const heads[] = { "messages", "new", "unseen", "flagged",
	"trashed", "size" };

static void
print_table(struct stats *st, size_t n, struct stats *total)
{
	int w[6];
	char num[6][32];
	uint64_t v[6];

	for (int k = 0; k < 6; k++)
		w[k] = (int)strlen(heads[k]);
	for (size_t i = 0; i <= n; i++) {
		struct stats *s = i < n ? &st[i] : total;

		fields(s, v);
		for (int k = 0; k < 6; k++) {
			int len;

			if (k == 5)
				cmd_human_size(v[k], num[k], sizeof(num[k]));
			else
				snprintf(num[k], sizeof(num[k]), "%llu",
				    (unsigned long long)v[k]);
			if ((len = (int)strlen(num[k])) > w[k])
				w[k] = len;
		}
	}
	for (int k = 0; k < 6; k++)
		printf("%*s  ", w[k], heads[k]);
	printf("maildir\n");
	for (size_t i = 0; i < n + (n > 1); i++) {
		struct stats *s = i < n ? &st[i] : total;

		fields(s, v);
		for (int k = 0; k < 6; k++) {
			if (k == 5)
				cmd_human_size(v[k], num[k], sizeof(num[k]));
			else
				snprintf(num[k], sizeof(num[k]), "%llu",
				    (unsigned long long)v[k]);
			printf("%*s  ", w[k], num[k]);
		}
		printf("%s\n", i < n ? s->path : "(total)");
	}
}

/* A maildir's keywords: each its dovecot-keywords names, and each letter
 * a message has that it does not name (its "name" null), with counts. */
static void
json_keywords(const struct stats *s)
{
	int first = 1;

	printf(",\"keywords\":[");
	for (int i = 0; i < 26; i++) {
		if (s->kw.name[i] == NULL && s->kwn[i] == 0)
			continue;
		printf("%s{\"letter\":\"%c\",\"name\":", first ? "" : ",",
		    'a' + i);
		if (s->kw.name[i] != NULL)
			cmd_put_json(stdout, s->kw.name[i]);
		else
			printf("null");
		printf(",\"messages\":%llu}", (unsigned long long)s->kwn[i]);
		first = 0;
	}
	putchar(']');
}

static void
json_obj(struct stats *s)
{
	uint64_t v[6];
	const char *keys[] = { "messages", "new", "unseen", "flagged",
		"trashed", "bytes" };

	fields(s, v);
	putchar('{');
	if (s->path) {
		printf("\"path\":");
		cmd_put_json(stdout, s->path);
		putchar(',');
	}
	for (int k = 0; k < 6; k++)
		printf("\"%s\":%llu%s", keys[k], (unsigned long long)v[k],
		    k < 5 ? "," : "");
	if (s->path) /* letters mean other names in each maildir */
		json_keywords(s);
	putchar('}');
}

static void
print_info(struct run *r)
{
	struct stats total = { 0 };
	uint64_t v[6];

	for (size_t i = 0; i < r->nst; i++)
		add_stats(&total, &r->st[i]);
	if (r->o.json) {
		printf("{\"maildirs\":[");
		for (size_t i = 0; i < r->nst; i++) {
			if (i > 0)
				putchar(',');
			json_obj(&r->st[i]);
		}
		printf("],\"total\":");
		json_obj(&total);
		printf("}\n");
	} else if (r->o.tsv) {
		printf("maildir\tmessages\tnew\tunseen\tflagged\ttrashed\t"
		       "bytes\n");
		for (size_t i = 0; i < r->nst; i++) {
			cmd_put_tsv(stdout, r->st[i].path);
			fields(&r->st[i], v);
			for (int k = 0; k < 6; k++)
				printf("\t%llu", (unsigned long long)v[k]);
			putchar('\n');
		}
	} else if (r->nst > 0)
		print_table(r->st, r->nst, &total);
	for (size_t i = 0; i < r->nst; i++) {
		free(r->st[i].path);
		md_keywords_free(&r->st[i].kw);
	}
	free(r->st);
}

int
main(int argc, char *argv[])
{
	struct run *r;
	int c;

	if ((r = malloc(sizeof(*r))) == NULL)
		err(EX_OSERR, "malloc");
	memset(r, 0, offsetof(struct run, out));
	md_clock_init(&r->clock);
	parse_opts(&r->o, argc, argv);
	r->need_kw = r->o.nkwith > 0 || r->o.nkwithout > 0 || r->o.json;
	r->need_flags = r->o.info || !md_flags_empty(&r->o.with) ||
	                !md_flags_empty(&r->o.without) || r->need_kw;
	setup_headers(r);
	argc -= optind;
	argv += optind;
	if (argc > 0)
		for (int i = 0; i < argc; i++)
			list_target(r, argv[i]);
	else if (stdin_has_paths())
		read_stdin(r);
	else
		list_target(r, default_root());
	if (r->o.sort != SORT_NONE)
		print_sorted(r);
	flush_out(r);
	if (r->o.info)
		print_info(r);
	if (fflush(stdout) == EOF)
		err(1, "stdout");
	c = r->failed ? 1 : 0;
	free_headers(r);
	free(r);
	return c;
}
