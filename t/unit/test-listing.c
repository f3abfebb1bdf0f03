/* Unit tests for listing.c: --format, --match and --sort set up
 * together (compile errors with which text and where), and records made
 * from the header cache, else from the file: folder, keyword names,
 * summary, match. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "scratch.h"

static void
refused(void **state)
{
	char *bad[] = { "subject=x", "nosuch=x" };
	struct md_compile_err ce;
	struct md_listing l;
	long which = 7;

	(void)state;
	assert_int_equal(md_listing_init(&l, "ok %s %q", NULL, 0, MD_SORT_NONE,
	                     0, &ce, &which),
	    -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(which, -1);
	assert_int_equal(ce.off, 6); /* "%q", in the format */
	assert_int_equal(ce.len, 2);
	md_listing_free(&l);
	assert_int_equal(
	    md_listing_init(&l, NULL, bad, 2, MD_SORT_NONE, 0, &ce, &which),
	    -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(which, 1);
	assert_non_null(ce.why);
	md_listing_free(&l);
}

/* L set up for FORMAT and the N expressions MATCH, unsorted. */
static void
init(struct md_listing *l, const char *format, char **match, size_t n)
{
	struct md_compile_err ce;
	long which;

	assert_int_equal(
	    md_listing_init(l, format, match, n, MD_SORT_NONE, 0, &ce, &which),
	    0);
}

/* What the three need of a message, and whether headers are read. */
static void
needs(void **state)
{
	char *match[] = { "from~alice" };
	struct md_compile_err ce;
	struct md_listing l;
	long which;

	(void)state;
	init(&l, NULL, NULL, 0);
	assert_null(l.z); /* "%p": names only */
	md_listing_free(&l);
	assert_int_equal(md_listing_init(&l, "%F %K", match, 1, MD_SORT_SIZE, 1,
	                     &ce, &which),
	    0);
	assert_true(l.need & MD_NEED_FOLDER);
	assert_true(l.need & MD_NEED_KEYWORDS);
	assert_true(l.need & MD_NEED_SUMMARY);
	assert_true(l.need & (1u << MD_S_FROM));
	assert_non_null(l.z);
	assert_int_equal(l.z->want, 1u << MD_S_FROM);
	assert_int_equal(l.sorter.key, MD_SORT_SIZE);
	assert_int_equal(l.sorter.reverse, 1);
	md_listing_free(&l);
	/* sizes only: no header field is read */
	init(&l, "%z", NULL, 0);
	assert_non_null(l.z);
	assert_int_equal(l.z->want, 1u << MD_S_N);
	md_listing_free(&l);
}

/* The record of NAME in the maildir M's SUB: its fill's result. */
static int
fill(struct md_listing *l, struct md_listing_dir *d,
    const struct md_keywords *kw, const char *m, const char *sub,
    const char *name, struct md_listed *r)
{
	static char path[PATH_MAX + NAME_MAX + 8];
	struct md_err e;
	char dir[PATH_MAX + 8];
	int fd, rc;

	scratch_path(dir, sizeof(dir), m, sub);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	memset(r, 0, sizeof(*r));
	r->path = path;
	r->pathlen = strlen(path);
	r->name = strrchr(path, '/') + 1;
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	rc = md_listing_fill(l, d, kw, fd, name, DT_UNKNOWN, r, &e);
	close(fd);
	return rc;
}

static const char *
subject(const struct md_listed *r)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "%.*s", (int)r->s.s[MD_S_SUBJECT].n,
	    r->s.s[MD_S_SUBJECT].p);
	return buf;
}

/* Records from the files, then from the cache where it has them (a
 * subject changed in the file since shows which), and from the files
 * again with nocache. */
static void
cache_or_file(void **state)
{
	char m[PATH_MAX], *match[] = { "subject=lunch" };
	struct md_summarizer *z = malloc(sizeof(*z));
	struct md_namegen g;
	struct md_index ix = { .z = z, .g = &g };
	struct md_index_stats st;
	struct md_listing l;
	struct md_listing_dir d;
	struct md_listed r;
	struct md_err e;

	(void)state;
	assert_non_null(z);
	md_summarizer_init(z);
	md_namegen_init(&g);
	scratch_maildir(m, sizeof(m), "C");
	scratch_put(m, "cur/1.a.h:2,S", "Subject: Lunch today\n\nx\n");
	scratch_put(m, "cur/2.b.h:2,", "Subject: Budget\n\nx\n");
	init(&l, "%s", match, 1);
	/* no cache yet: the files */
	assert_int_equal(md_listing_open(&l, &d, m, 0, &e), 0);
	assert_int_equal(d.cached, 0);
	assert_int_equal(fill(&l, &d, NULL, m, "cur", "1.a.h:2,S", &r), 1);
	assert_string_equal(subject(&r), "Lunch today");
	assert_int_equal(r.s.size, 24);
	assert_int_equal(fill(&l, &d, NULL, m, "cur", "2.b.h:2,", &r), 0);
	errno = 0;
	assert_int_equal(fill(&l, &d, NULL, m, "cur", "3.c.h:2,", &r), -1);
	assert_int_equal(errno, ENOENT);
	md_listing_close(&d);
	/* a cache, then a file changed behind its back */
	assert_int_equal(md_index_update(&ix, m, &st, &e), 0);
	scratch_write(m, "cur/1.a.h:2,S", "Subject: Dinner\n\nx\n");
	assert_int_equal(md_listing_open(&l, &d, m, 0, &e), 0);
	assert_int_equal(d.cached, 1);
	/* the cache knows it under another flag: the same base */
	assert_int_equal(fill(&l, &d, NULL, m, "cur", "1.a.h:2,FS", &r), 1);
	assert_string_equal(subject(&r), "Lunch today");
	md_listing_close(&d);
	l.nocache = 1;
	assert_int_equal(md_listing_open(&l, &d, m, 0, &e), 0);
	assert_int_equal(d.cached, 0);
	assert_int_equal(fill(&l, &d, NULL, m, "cur", "1.a.h:2,S", &r), 0);
	assert_string_equal(subject(&r), "Dinner");
	md_listing_close(&d);
	md_listing_free(&l);
	md_summarizer_free(z);
	free(z);
}

/* A damaged cache is said, with the cache's path and how; the files are
 * read instead. */
static void
damaged(void **state)
{
	char m[PATH_MAX], cache[PATH_MAX + 32];
	struct md_listing l;
	struct md_listing_dir d;
	struct md_listed r;
	struct md_err e;

	(void)state;
	scratch_maildir(m, sizeof(m), "D");
	scratch_put(m, "new/1.a.h", "Subject: Hello\n\n");
	scratch_put(m, MD_CACHE_NAME, "not a cache at all, not one bit");
	scratch_path(cache, sizeof(cache), m, MD_CACHE_NAME);
	init(&l, "%s", NULL, 0);
	errno = 0;
	assert_int_equal(md_listing_open(&l, &d, m, 0, &e), -1);
	assert_int_equal(errno, EBADMSG);
	assert_string_equal(e.path, cache);
	assert_non_null(e.step);
	assert_int_equal(d.cached, 0);
	assert_int_equal(fill(&l, &d, NULL, m, "new", "1.a.h", &r), 1);
	assert_string_equal(subject(&r), "Hello");
	md_listing_close(&d);
	md_listing_free(&l);
	/* names only: the cache is not even looked at */
	init(&l, "%p", NULL, 0);
	assert_int_equal(md_listing_open(&l, &d, m, 0, &e), 0);
	md_listing_close(&d);
	md_listing_free(&l);
}

/* %F: INBOX, a folder (its maildirfolder file) by its name or as said,
 * "." by its real name. */
static void
folders(void **state)
{
	char m[PATH_MAX], f[PATH_MAX + 16], cwd[PATH_MAX];
	struct md_listing l;
	struct md_listing_dir d;
	struct md_err e;

	(void)state;
	init(&l, "%F", NULL, 0);
	scratch_maildir(m, sizeof(m), "F");
	scratch_maildir(f, sizeof(f), "F/.Work.Lists");
	scratch_put(f, "maildirfolder", ""); /* as md-mkdir leaves it */
	assert_int_equal(md_listing_open(&l, &d, m, 0, &e), 0);
	assert_string_equal(d.folder, "INBOX");
	assert_int_equal(md_listing_open(&l, &d, f, 0, &e), 0);
	assert_string_equal(d.folder, "Work.Lists");
	/* no maildirfolder: a folder only when --recursive found it so */
	scratch_maildir(f, sizeof(f), "F/.Other");
	assert_int_equal(md_listing_open(&l, &d, f, 0, &e), 0);
	assert_string_equal(d.folder, "INBOX");
	assert_int_equal(md_listing_open(&l, &d, f, 1, &e), 0);
	assert_string_equal(d.folder, "Other");
	scratch_path(f, sizeof(f), m, ".Work.Lists");
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(f), 0);
	assert_int_equal(md_listing_open(&l, &d, ".", 0, &e), 0);
	assert_string_equal(d.folder, "Work.Lists");
	assert_int_equal(chdir(cwd), 0);
	md_listing_free(&l);
}

/* %K: the names the maildir gives a name's letters; none without %K. */
static void
keyword_names(void **state)
{
	char m[PATH_MAX];
	struct md_keywords kw;
	struct md_listing l;
	struct md_listing_dir d;
	struct md_listed r;
	struct md_err e;

	(void)state;
	scratch_maildir(m, sizeof(m), "K");
	scratch_put(m, "dovecot-keywords", "0 $Label1\n1 Work\n");
	scratch_put(m, "cur/1.a.h:2,Sab", "\n");
	assert_int_equal(md_keywords_read(m, &kw), 0);
	init(&l, "%K", NULL, 0);
	assert_null(l.z);
	assert_int_equal(md_listing_open(&l, &d, m, 0, &e), 0);
	assert_int_equal(fill(&l, &d, &kw, m, "cur", "1.a.h:2,Sab", &r), 1);
	assert_int_equal(r.kwn, strlen("$Label1 Work"));
	assert_memory_equal(r.kw, "$Label1 Work", r.kwn);
	md_listing_free(&l);
	init(&l, "%p", NULL, 0);
	assert_int_equal(fill(&l, &d, &kw, m, "cur", "1.a.h:2,Sab", &r), 1);
	assert_int_equal(r.kwn, 0);
	md_listing_free(&l);
	md_keywords_free(&kw);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refused),
		cmocka_unit_test(needs),
		cmocka_unit_test(cache_or_file),
		cmocka_unit_test(damaged),
		cmocka_unit_test(folders),
		cmocka_unit_test(keyword_names),
	};

	return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
