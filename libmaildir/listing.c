/*
 * listing.c: the records of a listing (md-list --format, --match and
 * --sort): the three set up together, so that what they need of each
 * message is known once, and each message's record made from its
 * maildir's header cache where it has the message, else from its file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int
md_listing_init(struct md_listing *l, const char *format, char *const *match,
    size_t n, enum md_sort_key key, int reverse, struct md_compile_err *ce,
    long *bad)
{
	memset(l, 0, sizeof(*l));
	*bad = -1;
	if (md_format_compile(&l->fmt, format ? format : "%p", ce) == -1)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (md_match_add(&l->match, match[i], ce) == -1) {
			*bad = (long)i;
			return -1;
		}
	md_sorter_init(&l->sorter, key, reverse, l->fmt.need);
	l->need = l->fmt.need | l->match.need | md_sort_needs(key);
	if (!(l->need & MD_NEED_SUMMARY))
		return 0;
	/* big (its field buffers): not on the stack */
	if ((l->z = malloc(sizeof(*l->z))) == NULL)
		return -1;
	md_summarizer_init(l->z);
	/* Read only the fields shown, sorted or matched; a cache entry has
	 * them all, and they are the same strings. */
	l->z->want = l->need & MD_NEED_FIELDS;
	if (l->z->want == 0)
		l->z->want = 1u << MD_S_N; /* dates or sizes only */
	return 0;
}

void
md_listing_free(struct md_listing *l)
{
	md_format_free(&l->fmt);
	md_match_free(&l->match);
	md_sorter_free(&l->sorter);
	free(l->kw);
	if (l->z != NULL) {
		md_summarizer_free(l->z);
		free(l->z);
	}
	memset(l, 0, sizeof(*l));
}

/* %F of the maildir DIR into D: INBOX, or (it being a folder, or FOLDER
 * said so) its name without the leading dot. */
static void
folder_name(struct md_listing_dir *d, const char *dir, int folder)
{
	char real[PATH_MAX];
	const char *base = strrchr(dir, '/');

	base = base ? base + 1 : dir;
	/* "." or "..": the folder is the directory's real name */
	if ((strcmp(base, ".") == 0 || strcmp(base, "..") == 0) &&
	    realpath(dir, real) != NULL) {
		base = strrchr(real, '/');
		base = base ? base + 1 : real;
		folder = folder || md_folder_is(real);
	} else
		folder = folder || md_folder_is(dir);
	strlcpy(d->folder, folder ? base + 1 : "INBOX", sizeof(d->folder));
}

int
md_listing_open(const struct md_listing *l, struct md_listing_dir *d,
    const char *dir, int folder, struct md_err *e)
{
	d->cached = 0;
	d->folder[0] = '\0';
	if (l->need & MD_NEED_FOLDER)
		folder_name(d, dir, folder);
	if (l->z == NULL || l->nocache)
		return 0;
	if (md_cache_open(&d->cache, dir, e) == 0) {
		if (md_cache_walk_init(&d->walk, &d->cache) == 0) {
			d->cached = 1;
			return 0;
		}
		md_err_set(e, "malloc", dir, MD_CACHE_NAME);
		md_cache_close(&d->cache);
		errno = ENOMEM;
		return -1;
	}
	if (errno == ENOENT) /* no cache: the files are read */
		return 0;
	/* the cache's path, whichever step failed */
	md_err_kind(e, e->kind, e->step, dir, MD_CACHE_NAME);
	return -1;
}

void
md_listing_close(struct md_listing_dir *d)
{
	if (d->cached) {
		md_cache_walk_free(&d->walk);
		md_cache_close(&d->cache);
	}
	d->cached = 0;
}

/* The summary of base NAME from D's cache into *S: 1, or 0 when it has
 * no entry (or a malformed one, which is then read from the file). */
static int
from_cache(struct md_listing_dir *d, const char *name, struct md_summary *s)
{
	const char *base = name;
	struct md_str b;
	size_t n;
	long k;

	if (!d->cached)
		return 0;
	n = md_name_baselen(name);
	md_cache_walk_find_n(&d->walk, &base, &n, 1, &k);
	return k >= 0 && md_cache_walk_entry(&d->walk, k, &b, s) == 0;
}

/* The names KW gives the keyword letters of NAME, into L's buffer. */
static int
keyword_names(struct md_listing *l, const struct md_keywords *kw,
    const char *name, struct md_listed *m)
{
	struct md_flags f;
	size_t n;

	md_name_flags(name, &f);
	while ((n = md_keywords_format(kw, &f, l->kw, l->kwcap)) >= l->kwcap) {
		size_t cap = n + 1 > 256 ? n + 1 : 256;
		char *b = realloc(l->kw, cap);

		if (b == NULL)
			return -1;
		l->kw = b;
		l->kwcap = cap;
	}
	m->kw = l->kw;
	m->kwn = n;
	return 0;
}

int
md_listing_fill(struct md_listing *l, struct md_listing_dir *d,
    const struct md_keywords *kw, int dirfd, const char *read,
    unsigned char type, struct md_listed *m, struct md_err *e)
{
	m->folder = d->folder;
	m->kw = "";
	m->kwn = 0;
	if ((l->need & MD_NEED_KEYWORDS) &&
	    keyword_names(l, kw, m->name, m) == -1)
		return -1;
	memset(&m->s, 0, sizeof(m->s));
	if (l->z != NULL && !from_cache(d, m->name, &m->s) &&
	    md_summary_read_entry(l->z, dirfd, read, type,
	        (l->need & MD_NEED_STAT) != 0, &m->s, e) == -1)
		return -1;
	return md_match_test(&l->match, &m->s);
}
