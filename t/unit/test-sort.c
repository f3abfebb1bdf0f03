/* Unit tests for sort.c: md-list's --sort keys by name, each key both
 * ways, equal keys by path whatever the order they came in, subjects
 * without their prefixes, and what a sorter keeps of each message. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

/* A message: PATH (its name after the last '/'), numbers, subject and
 * sender's name. */
struct one {
	const char *path;
	uint64_t size;
	int64_t date, mtime;
	const char *subject, *name;
};

/* The three messages of t/0510-md-list-format.t. */
static const struct one three[] = {
	{ "M/cur/m1:2,FS", 400, 1672653600, 1700000300, "Re: Lunch",
	    "Alice Able" },
	{ "M/cur/m2:2,S", 4900, 1672563600, 1700000100, "budget",
	    "bob builder" },
	{ "M/new/m3", 120, 1672732800, 1700000200, "Fwd: AW: agenda", "Carol" },
};

static void
listed(const struct one *o, struct md_listed *m)
{
	memset(m, 0, sizeof(*m));
	m->path = o->path;
	m->pathlen = strlen(o->path);
	m->name = strrchr(o->path, '/') + 1;
	m->folder = "INBOX";
	m->s.size = o->size;
	m->s.date = o->date;
	m->s.mtime = o->mtime;
	m->s.s[MD_S_SUBJECT].p = o->subject;
	m->s.s[MD_S_SUBJECT].n = strlen(o->subject);
	m->s.s[MD_S_NAME].p = o->name;
	m->s.s[MD_S_NAME].n = strlen(o->name);
	for (int k = 0; k < MD_S_N; k++)
		if (m->s.s[k].p == NULL)
			m->s.s[k].p = "";
}

/* N messages sorted by KEY (REVERSE): their bases, one space apart. */
static const char *
order(const struct one *v, size_t n, enum md_sort_key key, int reverse)
{
	static char buf[4096];
	struct md_sorter s;
	struct md_listed m;
	size_t len = 0;

	md_sorter_init(&s, key, reverse, 0);
	for (size_t i = 0; i < n; i++) {
		listed(&v[i], &m);
		assert_int_equal(md_sorter_add(&s, &m), 0);
	}
	md_sorter_sort(&s);
	buf[0] = '\0';
	for (size_t i = 0; i < s.n; i++) {
		md_sorter_get(&s, i, &m);
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%.*s",
		    i ? " " : "", (int)md_name_baselen(m.name), m.name);
	}
	md_sorter_free(&s);
	return buf;
}

static void
keys_by_name(void **state)
{
	static const char *const names[] = { "date", "received", "size",
		"subject", "from" };
	static const char *const bad[] = { "", "day", "Date", "date ", "none",
		"sizes" };
	enum md_sort_key k;

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_int_equal(md_sort_parse(names[i], &k), 0);
		assert_int_equal(k, MD_SORT_DATE + (int)i);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		assert_int_equal(md_sort_parse(bad[i], &k), -1);
		assert_int_equal(errno, EINVAL);
	}
	assert_int_equal(md_sort_needs(MD_SORT_NONE), 0);
	assert_int_equal(md_sort_needs(MD_SORT_DATE), MD_NEED_SUMMARY);
	assert_int_equal(
	    md_sort_needs(MD_SORT_SIZE), MD_NEED_SUMMARY | MD_NEED_STAT);
	assert_int_equal(
	    md_sort_needs(MD_SORT_RECEIVED), MD_NEED_SUMMARY | MD_NEED_STAT);
	assert_int_equal(md_sort_needs(MD_SORT_SUBJECT),
	    MD_NEED_SUMMARY | 1u << MD_S_SUBJECT);
	assert_int_equal(
	    md_sort_needs(MD_SORT_FROM), MD_NEED_SUMMARY | 1u << MD_S_NAME);
}

/* Each key both ways, as t/0510-md-list-format.t has them. */
static void
each_key(void **state)
{
	static const struct {
		enum md_sort_key key;
		const char *up, *down;
	} tab[] = {
		{ MD_SORT_DATE, "m2 m1 m3", "m3 m1 m2" },
		{ MD_SORT_RECEIVED, "m2 m3 m1", "m1 m3 m2" },
		{ MD_SORT_SIZE, "m3 m1 m2", "m2 m1 m3" },
		{ MD_SORT_SUBJECT, "m3 m2 m1", "m1 m2 m3" },
		{ MD_SORT_FROM, "m1 m2 m3", "m3 m2 m1" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		assert_string_equal(order(three, 3, tab[i].key, 0), tab[i].up);
		assert_string_equal(
		    order(three, 3, tab[i].key, 1), tab[i].down);
	}
}

/* Equal keys: by path (bytes, a prefix first), whatever the order they
 * came in; reversed too with REVERSE. */
static void
ties_by_path(void **state)
{
	struct one v[5];
	static const char *const paths[] = { "E/new/c", "E/cur/b:2,S",
		"E/new/a", "E/cur/a:2,S", "E/cur/a" };

	(void)state;
	for (size_t i = 0; i < 5; i++) {
		v[i] = (struct one){ paths[i], 10, 5, 5, "same", "same" };
	}
	for (int k = MD_SORT_DATE; k <= MD_SORT_FROM; k++) {
		assert_string_equal(order(v, 5, (enum md_sort_key)k, 0),
		    "a a b a c"); /* E/cur/a E/cur/a:2,S E/cur/b E/new/a ... */
		assert_string_equal(
		    order(v, 5, (enum md_sort_key)k, 1), "c a b a a");
	}
	/* the same whatever order they were added in */
	for (size_t i = 0; i < 5; i++)
		v[i].path = paths[4 - i];
	assert_string_equal(order(v, 5, MD_SORT_SUBJECT, 0), "a a b a c");
	assert_string_equal(order(v, 5, MD_SORT_NONE, 0), "a a b a c");
}

/* Subjects without Re:, Fwd:, Fw:, Aw: in any case, repeated, with
 * blanks; and in one ASCII case. */
static void
subjects(void **state)
{
	static const char *const subj[] = { "RE:  re: Fw: delta", "Beta",
		"Aw: gamma", "fwd: Fwd:alpha", "Re  : not a prefix",
		"Reply: epsilon", "\tre:\tAlpha", "", "Re:", "re:zeta" };
	struct one v[10];
	char path[10][16];

	(void)state;
	for (size_t i = 0; i < 10; i++) {
		snprintf(path[i], sizeof(path[i]), "S/cur/s%zu", i);
		v[i] = (struct one){ path[i], 0, 0, 0, subj[i], "" };
	}
	/* "", "Re:" (nothing left), "alpha" twice (s3 before s6 by path),
	 * ...; "Re  :" and "Reply:" are no prefixes */
	assert_string_equal(
	    order(v, 10, MD_SORT_SUBJECT, 0), "s7 s8 s3 s6 s1 s0 s2 s4 s5 s9");
}

/* Senders' names in one ASCII case, bytes beyond ASCII as they are. */
static void
names(void **state)
{
	static const char *const who[] = { "bob", "Alice", "\xc3\x89mile",
		"alice", "Zed", "" };
	struct one v[6];
	char path[6][16];

	(void)state;
	for (size_t i = 0; i < 6; i++) {
		snprintf(path[i], sizeof(path[i]), "F/cur/f%zu", i);
		v[i] = (struct one){ path[i], 0, 0, 0, "", who[i] };
	}
	assert_string_equal(order(v, 6, MD_SORT_FROM, 0), "f5 f1 f3 f0 f4 f2");
}

/* Dates before 1970 and sizes beyond 32 bits compare as numbers. */
static void
numbers(void **state)
{
	struct one v[4] = {
		{ "N/cur/n0", 5000000000ull, 100, 3, "", "" },
		{ "N/cur/n1", 4, -100, 2, "", "" },
		{ "N/cur/n2", 4294967296ull, 0, 1, "", "" },
		{ "N/cur/n3", 0, INT64_MAX, INT64_MIN, "", "" },
	};

	(void)state;
	assert_string_equal(order(v, 4, MD_SORT_DATE, 0), "n1 n2 n0 n3");
	assert_string_equal(order(v, 4, MD_SORT_RECEIVED, 0), "n3 n2 n1 n0");
	assert_string_equal(order(v, 4, MD_SORT_SIZE, 0), "n3 n1 n2 n0");
}

/* What a sorter gives back: what it was told to keep, the rest empty. */
static void
kept(void **state)
{
	struct md_sorter s;
	struct md_listed m, got;

	(void)state;
	listed(&three[0], &m);
	m.s.s[MD_S_TO].p = "bob@example.org";
	m.s.s[MD_S_TO].n = 15;
	m.kw = "$Label1 Junk";
	m.kwn = 7; /* the first name only */
	md_sorter_init(&s, MD_SORT_DATE, 0,
	    MD_NEED_FOLDER | MD_NEED_KEYWORDS | 1u << MD_S_TO);
	assert_int_equal(md_sorter_add(&s, &m), 0);
	m.folder = "Work";
	m.name = "elsewhere:2,S"; /* not the end of its path (stdin) */
	assert_int_equal(md_sorter_add(&s, &m), 0);
	md_sorter_get(&s, 0, &got);
	assert_string_equal(got.path, "M/cur/m1:2,FS");
	assert_int_equal(got.pathlen, 13);
	assert_string_equal(got.name, "m1:2,FS");
	assert_string_equal(got.folder, "INBOX");
	assert_int_equal(got.kwn, 7);
	assert_string_equal(got.kw, "$Label1");
	assert_int_equal(got.s.size, 400);
	assert_int_equal(got.s.date, 1672653600);
	assert_int_equal(got.s.mtime, 1700000300);
	assert_int_equal(got.s.s[MD_S_TO].n, 15);
	assert_memory_equal(got.s.s[MD_S_TO].p, "bob@example.org", 15);
	assert_int_equal(got.s.s[MD_S_SUBJECT].n, 0); /* not kept */
	assert_int_equal(got.s.s[MD_S_NAME].n, 0);
	md_sorter_get(&s, 1, &got);
	assert_string_equal(got.name, "elsewhere:2,S");
	assert_string_equal(got.folder, "Work");
	md_sorter_free(&s);

	/* nothing asked for: folder and keywords empty */
	md_sorter_init(&s, MD_SORT_SUBJECT, 1, 0);
	assert_int_equal(md_sorter_add(&s, &m), 0);
	md_sorter_sort(&s);
	md_sorter_get(&s, 0, &got);
	assert_string_equal(got.folder, "");
	assert_int_equal(got.kwn, 0);
	assert_int_equal(got.s.s[MD_S_SUBJECT].n, 9); /* the key's own */
	md_sorter_free(&s);
}

/* Many messages: the arena and the records grow; the order holds. */
static void
many(void **state)
{
	enum { N = 30000 };
	struct md_sorter s;
	struct md_listed m, prev, got;
	static char paths[N][24];
	static char subj[N][8];

	(void)state;
	md_sorter_init(&s, MD_SORT_SIZE, 0, 1u << MD_S_SUBJECT);
	md_sorter_sort(&s); /* nothing: no harm */
	for (size_t i = 0; i < N; i++) {
		struct one o = { paths[i], (i * 7919) % 1000, 0, 0, subj[i],
			"" };

		snprintf(paths[i], sizeof(paths[i]), "B/cur/%05zu:2,S", i);
		snprintf(subj[i], sizeof(subj[i]), "%zu", i % 97);
		listed(&o, &m);
		assert_int_equal(md_sorter_add(&s, &m), 0);
	}
	assert_int_equal(s.n, N);
	md_sorter_sort(&s);
	for (size_t i = 0; i < N; i++) {
		md_sorter_get(&s, i, &got);
		if (i > 0) {
			assert_true(prev.s.size <= got.s.size);
			if (prev.s.size == got.s.size)
				assert_true(strcmp(prev.path, got.path) < 0);
		}
		/* the subject still its message's */
		assert_int_equal(
		    atoi(got.s.s[MD_S_SUBJECT].p), atoi(got.path + 6) % 97);
		prev = got;
	}
	md_sorter_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keys_by_name),
		cmocka_unit_test(each_key),
		cmocka_unit_test(ties_by_path),
		cmocka_unit_test(subjects),
		cmocka_unit_test(names),
		cmocka_unit_test(numbers),
		cmocka_unit_test(kept),
		cmocka_unit_test(many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
