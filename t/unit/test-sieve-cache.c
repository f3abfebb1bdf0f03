/* Unit tests for sieve-cache.c: every script of the Sieve fuzz corpus,
 * the bench's rules and scripts written for the format's corners
 * (nesting to the limit, empty blocks, test-lists, large numbers, tags,
 * lists, text:, NUL bytes, encoded-character) parsed, encoded and
 * decoded into a tree equal to the parse in every field, encoding again
 * to the same words, checked to the same verdict; hostile records (each
 * truncation, another text, every word changed five ways) refused or
 * read as exactly what they say; and the records of a scratch maildir:
 * saved, loaded, refused and removed when bad, never a hang on a fifo,
 * nothing left in tmp/ when mdkit-sieve/ cannot be written. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"
#include "scratch.h"

#define CORPUS "t/fuzz/corpus/sieve"
#define HEAD_WORDS 17 /* magic 2, order 1, version 8, counts 6 */

/* What is being compared, for a failure's message. */
static const char *what = "";

#define SAME(cond)                                                             \
	do {                                                                   \
		if (!(cond))                                                   \
			fail_msg("%s: not the same: %s", what, #cond);         \
	} while (0)

/* Skip the test, saying why (cmocka 1.1's skip() says nothing). */
#define skip_msg(...)                                                          \
	do {                                                                   \
		print_message("skipped: " __VA_ARGS__);                        \
		print_message("\n");                                           \
		skip();                                                        \
	} while (0)

/* Built with AddressSanitizer (make check-asan, with UBSan). */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

/* ---- trees ---- */

static void
same_arg(const struct md_sieve_arg *a, const struct md_sieve_arg *b)
{
	SAME(a->kind == b->kind);
	SAME(a->line == b->line && a->col == b->col);
	SAME(a->list == b->list);
	SAME(a->num == b->num);
	SAME(a->n == b->n);
	for (size_t i = 0; i < a->n; i++) {
		SAME(a->len[i] == b->len[i]);
		SAME(memcmp(a->s[i], b->s[i], a->len[i]) == 0);
		SAME(b->s[i][b->len[i]] == '\0');
	}
}

static void
same_nodes(
    const struct md_sieve_node *a, const struct md_sieve_node *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct md_sieve_node *x = &a[i], *y = &b[i];

		SAME(strcmp(x->name, y->name) == 0);
		SAME(x->line == y->line && x->col == y->col);
		SAME(x->testlist == y->testlist);
		SAME(x->has_block == y->has_block);
		SAME(x->nargs == y->nargs && x->ntests == y->ntests &&
		     x->nblock == y->nblock);
		for (size_t k = 0; k < x->nargs; k++)
			same_arg(&x->args[k], &y->args[k]);
		same_nodes(x->tests, y->tests, x->ntests);
		same_nodes(x->block, y->block, x->nblock);
	}
}

static void
same_tree(const struct md_sieve_script *a, const struct md_sieve_script *b)
{
	SAME(a->ncmds == b->ncmds);
	same_nodes(a->cmds, b->cmds, a->ncmds);
}

/* S (empty) decoded from a copy of the N words at W, of exactly their
 * size (AddressSanitizer sees a read past them) in *COPY, which the
 * caller frees after S; the same for the text, in *TCOPY. */
static int
decode_copy(struct md_sieve_script *s, const char *text, size_t len,
    const uint32_t *w, size_t n, uint32_t **copy, char **tcopy)
{
	assert_non_null(*copy = malloc(n > 0 ? n * 4 : 1));
	assert_non_null(*tcopy = malloc(len > 0 ? len : 1));
	if (n > 0)
		memcpy(*copy, w, n * 4);
	if (len > 0)
		memcpy(*tcopy, text, len);
	memset(s, 0, sizeof(*s));
	return md_sieve_tree_decode(s, *tcopy, len, *copy, n);
}

/* Does the tree S encode to the N words at W? */
static int
encodes_to(const struct md_sieve_script *s, const char *text, size_t len,
    const uint32_t *w, size_t n)
{
	uint32_t *again;
	size_t m;
	int same;

	assert_int_equal(md_sieve_tree_encode(s, text, len, &again, &m), 0);
	same = m == n && memcmp(again, w, n * 4) == 0;
	free(again);
	return same;
}

/* Has any of the N nodes at V, or a node within them, an argument? */
static int
any_arg(const struct md_sieve_node *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].nargs > 0 || any_arg(v[i].tests, v[i].ntests) ||
		    any_arg(v[i].block, v[i].nblock))
			return 1;
	return 0;
}

/* Would encoding S meet the fault empty_arrays shows (a memcpy from
 * NULL, which UBSan stops at)? Only sanitized builds step round it. */
static int
ub_trap(const struct md_sieve_script *s)
{
	return SANITIZED && (s->ncmds == 0 || !any_arg(s->cmds, s->ncmds));
}

/* The LEN bytes of TEXT (NAME in messages) parsed, encoded, decoded:
 * the same tree, the same words again, the same verdict of the checker
 * and the same tree after it. 0 when TEXT does not parse. */
static int
round_trip(const char *name, const char *text, size_t len)
{
	struct md_sieve_script a, b;
	struct md_sieve_err ea, eb;
	uint32_t *w, *copy;
	char *tcopy;
	size_t n;
	int ra, rb;

	what = name;
	if (md_sieve_parse(&a, text, len, &ea) < 0)
		return 0;
	if (ub_trap(&a)) {
		md_sieve_free(&a);
		return 1;
	}
	assert_int_equal(md_sieve_tree_encode(&a, text, len, &w, &n), 0);
	if (decode_copy(&b, text, len, w, n, &copy, &tcopy) != 0)
		fail_msg("%s: its own record does not decode", name);
	same_tree(&a, &b);
	SAME(encodes_to(&b, text, len, w, n));
	ra = md_sieve_check(&a, &ea);
	rb = md_sieve_check(&b, &eb);
	SAME(ra == rb);
	if (ra < 0) {
		SAME(ea.kind == eb.kind && ea.line == eb.line &&
		     ea.col == eb.col);
		SAME(strcmp(ea.msg, eb.msg) == 0);
	} else {
		SAME(a.caps == b.caps);
		same_tree(&a, &b); /* encoded-character rewrote both alike */
	}
	md_sieve_free(&a);
	md_sieve_free(&b);
	free(copy);
	free(tcopy);
	free(w);
	return 1;
}

/* The corpus script NAME, its message (after a NUL) left out: malloc'd,
 * its length in *LEN. */
static char *
corpus_script(const char *name, size_t *len)
{
	char rel[512];
	char *buf, *nul;
	size_t n;

	snprintf(rel, sizeof(rel), "%s/%s", CORPUS, name);
	buf = scratch_slurp(".", rel, &n);
	if ((nul = memchr(buf, '\0', n)) != NULL)
		n = (size_t)(nul - buf);
	*len = n;
	return buf;
}

static void
corpus(void **state)
{
	struct dirent *de;
	size_t files = 0, parsed = 0;
	DIR *d;

	(void)state;
	if ((d = opendir(CORPUS)) == NULL)
		skip_msg("no %s here (run from the source tree)", CORPUS);
	while ((de = readdir(d)) != NULL) {
		char *text;
		size_t len;

		if (de->d_name[0] == '.')
			continue;
		text = corpus_script(de->d_name, &len);
		files++;
		parsed += (size_t)round_trip(de->d_name, text, len);
		free(text);
	}
	closedir(d);
	/* The corpus's bad scripts are few: most must have been tried. */
	assert_true(files >= 80);
	assert_true(parsed >= files * 3 / 4);
}

/* The output of COMMAND, malloc'd, its length in *LEN. */
static char *
output_of(const char *command, size_t *len)
{
	size_t cap = 65536, n = 0, k;
	char *buf = malloc(cap);
	FILE *f;

	assert_non_null(buf);
	assert_non_null(f = popen(command, "r"));
	while ((k = fread(buf + n, 1, cap - n, f)) > 0)
		if ((n += k) == cap)
			assert_non_null(buf = realloc(buf, cap *= 2));
	assert_int_equal(pclose(f), 0);
	*len = n;
	return buf;
}

static void
bench_rules(void **state)
{
	static const char *const commands[] = { "sh t/bench/rules.sh",
		"sh t/bench/rules.sh body" };

	(void)state;
	if (access("t/bench/rules.sh", R_OK) != 0)
		skip_msg("no t/bench/rules.sh here (run from the source tree)");
	for (size_t i = 0; i < 2; i++) {
		size_t len;
		char *text = output_of(commands[i], &len);

		assert_true(len > 4000);
		assert_int_equal(round_trip(commands[i], text, len), 1);
		free(text);
	}
}

static int hostile(const char *text, size_t len, const uint32_t *w, size_t n);

/* A growing string, for the generated scripts. */
struct text {
	char *s;
	size_t n, cap;
};

static void
add(struct text *t, const char *s, size_t n)
{
	if (t->cap - t->n < n + 1) {
		t->cap = (t->cap + n + 1) * 2;
		assert_non_null(t->s = realloc(t->s, t->cap));
	}
	memcpy(t->s + t->n, s, n);
	t->n += n;
	t->s[t->n] = '\0';
}

static void
adds(struct text *t, const char *s)
{
	add(t, s, strlen(s));
}

/* "if not not ... true { keep; }": NTESTS tests, one within the other. */
static void
nested_tests(struct text *t, int ntests)
{
	adds(t, "if ");
	for (int i = 1; i < ntests; i++)
		adds(t, i % 3 ? "not " : "anyof (false, ");
	adds(t, "exists \"x\"");
	for (int i = ntests - 1; i >= 1; i--)
		if (i % 3 == 0)
			adds(t, ")");
	adds(t, " { keep; }\n");
}

/* NBLOCKS blocks one within the other, INNER in the last. */
static void
nested_blocks(struct text *t, int nblocks, const char *inner)
{
	for (int i = 0; i < nblocks; i++)
		adds(t, i % 2 ? "if exists \"x\" {\n"
		              : "if false { } elsif true {");
	adds(t, inner);
	for (int i = 0; i < nblocks; i++)
		adds(t, "}\n");
}

static void
deep(void **state)
{
	struct text t = { NULL, 0, 0 };
	struct md_sieve_script s;
	struct md_sieve_err e;

	(void)state;
	/* At the limit: a test 32 levels down, in each way. */
	nested_tests(&t, MD_SIEVE_DEPTH);
	assert_int_equal(round_trip("32 tests", t.s, t.n), 1);
	t.n = 0;
	nested_blocks(&t, MD_SIEVE_DEPTH, "keep; stop;");
	assert_int_equal(round_trip("32 blocks", t.s, t.n), 1);
	t.n = 0;
	nested_blocks(&t, MD_SIEVE_DEPTH - 2, "if not true { }");
	assert_int_equal(round_trip("30 blocks, 2 tests", t.s, t.n), 1);
	/* One deeper is refused by the parser, so never encoded. */
	t.n = 0;
	nested_tests(&t, MD_SIEVE_DEPTH + 1);
	assert_int_equal(md_sieve_parse(&s, t.s, t.n, &e), -1);
	assert_int_equal(e.kind, MD_SIEVE_LIMIT);
	md_sieve_free(&s);
	t.n = 0;
	nested_blocks(&t, MD_SIEVE_DEPTH + 1, "keep;");
	assert_int_equal(md_sieve_parse(&s, t.s, t.n, &e), -1);
	assert_int_equal(e.kind, MD_SIEVE_LIMIT);
	md_sieve_free(&s);
	free(t.s);
}

/* The innermost test of the 32 nested ones of S given a test or a block
 * of its own, X: deeper than any parse. */
static void
too_deep(struct md_sieve_script *s, struct md_sieve_node *x, int block)
{
	struct md_sieve_node *n = &s->cmds[0];

	while (n->ntests > 0)
		n = &n->tests[n->ntests - 1];
	if (block) {
		n->has_block = 1;
		n->block = x;
		n->nblock = 1;
	} else {
		n->tests = x;
		n->ntests = 1;
	}
}

/* A record of a tree 33 deep (only encode makes one) is refused. */
static void
deeper_records(void **state)
{
	struct text t = { NULL, 0, 0 };
	struct md_sieve_node x = { .name = "true", .line = 1, .col = 1 };

	(void)state;
	nested_tests(&t, MD_SIEVE_DEPTH);
	for (int block = 0; block < 2; block++) {
		struct md_sieve_script s;
		struct md_sieve_err e;
		uint32_t *w;
		size_t n;

		assert_int_equal(md_sieve_parse(&s, t.s, t.n, &e), 0);
		assert_int_equal(md_sieve_tree_encode(&s, t.s, t.n, &w, &n), 0);
		assert_int_equal(hostile(t.s, t.n, w, n), 1);
		free(w);
		too_deep(&s, &x, block);
		assert_int_equal(md_sieve_tree_encode(&s, t.s, t.n, &w, &n), 0);
		assert_int_equal(hostile(t.s, t.n, w, n), -1);
		free(w);
		md_sieve_free(&s);
	}
	free(t.s);
}

static void
large(void **state)
{
	struct text t = { NULL, 0, 0 };

	(void)state;
	/* More nodes, arguments and string bytes than the writer's first
	 * arrays hold. */
	adds(&t, "require [\"fileinto\", \"imap4flags\"];\n");
	for (int i = 0; i < 3000; i++) {
		char line[128];

		snprintf(line, sizeof(line),
		    "if header :is [\"x-%d\", \"y\"] \"%d\" "
		    "{ addflag \"f%d\"; fileinto \"F%d\"; }\n",
		    i, i, i, i);
		adds(&t, line);
	}
	adds(&t, "fileinto text:\n");
	for (int i = 0; i < 2000; i++)
		adds(&t, "a line of a long text: string\n");
	adds(&t, ".\n;\n");
	assert_int_equal(round_trip("3000 rules", t.s, t.n), 1);
	free(t.s);
}

/* Scripts for the format's corners; each must parse. */
static const struct {
	const char *name, *text;
	size_t len; /* 0: strlen */
} corners[] = {
	{ "empty", "", 0 },
	{ "comment only", "# nothing\n/* at all */\n", 0 },
	{ "empty blocks", "if true {} elsif false { } else {\n}\nif true {}",
	    0 },
	{ "test-lists",
	    "if anyof (true, false, not allof (true, exists [\"a\", \"b\"]),"
	    " allof (anyof (true), not false)) { stop; }",
	    0 },
	{ "numbers",
	    "if size :over 1K {} if size :under 2M {} if size :over 3G {}\n"
	    "if size :over 0 {} if size :over 5G {}\n"
	    "if size :over 18446744073709551615 { discard; }",
	    0 },
	{ "tags",
	    "require [\"relational\", \"comparator-i;ascii-numeric\"];\n"
	    "if header :comparator \"i;ascii-numeric\" :VALUE \"ge\" "
	    ":Matches [\"a\"] \"b\" {}\nif address :all :is \"to\" \"x\" {}",
	    0 },
	{ "lists",
	    "if header :is [\"a\", \"b\", \"\"] [\"\"] { }\n"
	    "if header :is [\"one\"] \"\" { }\n"
	    "if exists [\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\"] { }",
	    0 },
	{ "text",
	    "require \"fileinto\";\nfileinto text: # a comment\r\n"
	    "line one\r\n..dotted\r\n\r\n.\r\n;\nkeep;",
	    0 },
	{ "text of nothing", "require \"fileinto\";\nfileinto text:\n.\n;", 0 },
	{ "NUL in a string",
	    "require \"fileinto\";\nfileinto \"a\0b\";\n"
	    "if header :is \"x\" [\"\0\", \"\0\0\"] {}",
	    sizeof("require \"fileinto\";\nfileinto \"a\0b\";\n"
	           "if header :is \"x\" [\"\0\", \"\0\0\"] {}") -
	        1 },
	{ "encoded-character",
	    "require [\"encoded-character\", \"fileinto\"];\n"
	    "fileinto \"${hex:41 00 42}\";\n"
	    "fileinto \"x${unicode:2603}y${hex:zz}\";\n"
	    "if header :is \"subject\" \"${hex: 4e 55 4c}\" { discard; }",
	    0 },
	{ "places", "\t\tkeep\t;\r\n  \t  if\r\n  true\r\n  {\r\n\tstop ;}",
	    0 },
	{ "unknown but parses", "frobnicate 1 :x \"y\" [\"z\"] (true, false);",
	    0 },
	{ "include",
	    "require [\"include\", \"variables\"];\n"
	    "global \"v\";\ninclude :personal :once \"other\";\n"
	    "include :global :optional \"g\"; return;",
	    0 },
	{ "escapes", "require \"fileinto\"; fileinto \"a\\\"b\\\\c\\d\";", 0 },
};

static void
corner_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(corners) / sizeof(corners[0]); i++) {
		size_t len =
		    corners[i].len ? corners[i].len : strlen(corners[i].text);

		if (round_trip(corners[i].name, corners[i].text, len) != 1)
			fail_msg("%s: does not parse", corners[i].name);
	}
}

/* A tree without nodes, or without arguments, has an empty array, which
 * the writer copies from NULL: undefined, if harmless with glibc, and
 * UBSan stops there. In a sanitized build a child shows it; elsewhere
 * they must round-trip. */
static void
empty_arrays(void **state)
{
	(void)state;
	if (!SANITIZED) {
		assert_int_equal(round_trip("empty", "", 0), 1);
		assert_int_equal(round_trip("no argument", "keep;", 5), 1);
		return;
	}
	/* SANITIZED: round_trip steps round it; the child must not. */
	{
		pid_t pid;
		int st;

		fflush(NULL);
		if ((pid = fork()) == 0) {
			struct md_sieve_script s;
			struct md_sieve_err e;
			uint32_t *w;
			size_t n;

			assert_int_equal(md_sieve_parse(&s, "keep;", 5, &e), 0);
			(void)md_sieve_tree_encode(&s, "keep;", 5, &w, &n);
			_exit(0);
		}
		assert_true(pid > 0);
		assert_int_equal(waitpid(pid, &st, 0), pid);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			fail_msg("encoding \"keep;\" stopped: an empty array "
			         "copied from NULL (undefined, UBSan aborts)");
	}
}

/* ---- hostile records ---- */

/* The record of TEXT into *W, *N. */
static void
record_of(const char *text, size_t len, uint32_t **w, size_t *n)
{
	struct md_sieve_script s;
	struct md_sieve_err e;

	assert_int_equal(md_sieve_parse(&s, text, len, &e), 0);
	assert_int_equal(md_sieve_tree_encode(&s, text, len, w, n), 0);
	md_sieve_free(&s);
}

/* Decode the N words at W as a record of TEXT: -1 when refused, 1 when
 * read as a tree that encodes to exactly those words, 0 when read as
 * one that encodes to other words. The tree read is checked (its
 * verdict does not matter: only that it is one). */
static int
hostile(const char *text, size_t len, const uint32_t *w, size_t n)
{
	struct md_sieve_script s;
	struct md_sieve_err e;
	uint32_t *copy;
	char *tcopy;
	int rc = -1;

	if (decode_copy(&s, text, len, w, n, &copy, &tcopy) == 0) {
		rc = encodes_to(&s, text, len, w, n);
		if (md_sieve_check(&s, &e) < 0)
			assert_true(e.kind == MD_SIEVE_INVALID ||
			            e.kind == MD_SIEVE_LIMIT ||
			            e.kind == MD_SIEVE_SYNTAX);
	}
	md_sieve_free(&s);
	free(copy);
	free(tcopy);
	return rc;
}

/* Scripts whose records are attacked: every kind of node, argument and
 * string, and a text whose length is a multiple of four. */
static const char *const victims[] = {
	"require [\"fileinto\", \"relational\"];\n"
	"if anyof (header :value \"gt\" \"x\" [\"a\", \"bb\"], size :over 5G,"
	" not exists \"y\") { fileinto \"A\"; stop; }\n"
	"elsif true { } else { keep; }\n",
	/* 76 bytes: a word of padding */
	("require \"fileinto\";\nif address :is \"from\" \"a@b\" {\n"
	 "\tfileinto text:\nx\n.\n;\n}\n#!"),
	"keep :x;\n", /* :x: a node with an argument (see empty_arrays) */
};

static void
truncated(void **state)
{
	(void)state;
	for (size_t v = 0; v < sizeof(victims) / sizeof(victims[0]); v++) {
		const char *text = victims[v];
		size_t len = strlen(text), n;
		uint32_t *w;

		record_of(text, len, &w, &n);
		assert_int_equal(hostile(text, len, w, n), 1);
		for (size_t k = 0; k < n; k++)
			if (hostile(text, len, w, k) != -1)
				fail_msg("victim %zu: %zu of %zu words read", v,
				    k, n);
		free(w);
	}
}

static void
other_text(void **state)
{
	(void)state;
	for (size_t v = 0; v < sizeof(victims) / sizeof(victims[0]); v++) {
		const char *text = victims[v];
		size_t len = strlen(text), n;
		uint32_t *w;
		char *t2;

		record_of(text, len, &w, &n);
		assert_non_null(t2 = malloc(len + 1));
		for (size_t i = 0; i < len; i++) {
			memcpy(t2, text, len + 1);
			t2[i] ^= 1;
			if (hostile(t2, len, w, n) != -1)
				fail_msg("victim %zu: read for a text changed "
				         "at byte %zu",
				    v, i);
			t2[i] ^= 1;
		}
		/* One byte more or less. */
		assert_int_equal(hostile(text, len - 1, w, n), -1);
		memcpy(t2, text, len);
		t2[len] = '\n';
		assert_int_equal(hostile(t2, len + 1, w, n), -1);
		free(t2);
		free(w);
	}
}

/* Where the string bytes of the record W of a text of LEN bytes begin
 * (sieve-cache.c's head comment's layout). */
static size_t
bytes_at(const uint32_t *w, size_t len)
{
	const uint32_t *h = w + HEAD_WORDS - 6;

	return HEAD_WORDS + (len + 4) / 4 + (size_t)h[2] * 6 +
	       (size_t)h[3] * 7 + h[4];
}

/* Each word of each victim's record replaced by 0, 1, all ones, one
 * more and one less: refused, or read as exactly what it says (a change
 * to the text's padding, or a NUL put into a node's name, once read as
 * a tree that encodes to other words). */
static void
words(void **state)
{
	(void)state;
	for (size_t v = 0; v < sizeof(victims) / sizeof(victims[0]); v++) {
		const char *text = victims[v];
		size_t len = strlen(text), n;
		uint32_t *w, *m;

		record_of(text, len, &w, &n);
		assert_non_null(m = malloc(n * 4));
		for (size_t i = 0; i < n; i++) {
			const uint32_t was = w[i], vals[] = { 0, 1, UINT32_MAX,
				was + 1, was - 1 };

			for (size_t k = 0; k < 5; k++) {
				if (vals[k] == was)
					continue;
				memcpy(m, w, n * 4);
				m[i] = vals[k];
				if (hostile(text, len, m, n) == 0)
					fail_msg("victim %zu: word %zu of %zu "
					         "(%#x) as %#x: read, and "
					         "encodes to other words",
					    v, i, n, was, vals[k]);
			}
		}
		free(m);
		free(w);
	}
}

/* The byte AT of the record of TEXT set to C: is it refused? */
static int
refused_with(const char *text, size_t at, char c)
{
	size_t len = strlen(text), n;
	uint32_t *w;
	int rc;

	record_of(text, len, &w, &n);
	assert_true(at < n * 4);
	((char *)w)[at] = c;
	rc = hostile(text, len, w, n);
	free(w);
	return rc == -1;
}

/* The text's NUL and padding, and the string bytes' padding, are part
 * of the record: the writer makes them zero, and a record where they
 * are not is no record it wrote. */
static void
padding(void **state)
{
	const char *t4 = victims[1], *t3 = victims[0];
	size_t l4 = strlen(t4), l3 = strlen(t3), n;
	char why[256] = "";
	uint32_t *w;
	int bad = 0;

	(void)state;
	assert_int_equal(l4 % 4, 0);
	assert_int_equal(l3 % 4, 3);
	/* The text's NUL, and a whole word of padding after it. */
	if (!refused_with(t4, HEAD_WORDS * 4 + l4, 'x') ||
	    !refused_with(t3, HEAD_WORDS * 4 + l3, 'x'))
		strlcat(why, " text-NUL", sizeof(why));
	for (size_t k = 1; k < 4; k++)
		bad |= !refused_with(t4, HEAD_WORDS * 4 + l4 + k, 'x');
	if (bad)
		strlcat(why, " text-padding", sizeof(why));
	/* After the last string's NUL: "keep\0x\0" and a byte. */
	record_of("keep :x;", 8, &w, &n);
	{
		size_t nb = w[HEAD_WORDS - 1], end = bytes_at(w, 8) * 4 + nb;

		free(w);
		assert_int_equal(nb, 7);
		bad = 0;
		for (size_t k = end; k % 4 != 0; k++)
			bad |= !refused_with("keep :x;", k, 'x');
		if (bad)
			strlcat(why, " string-padding", sizeof(why));
	}
	if (why[0] != '\0')
		fail_msg("a record with 'x' in:%s is read", why);
}

/* A node's name with a NUL in it: no parse makes one. The reader takes
 * its length from the record, the writer from strlen(3). */
static void
name_nul(void **state)
{
	const char *text = "keep :x;";
	size_t n;
	uint32_t *w;
	char *b;

	(void)state;
	record_of(text, 8, &w, &n);
	b = (char *)(w + bytes_at(w, 8));
	assert_memory_equal(b, "keep", 5);
	b[1] = '\0'; /* "k\0ep", 4 bytes */
	if (hostile(text, 8, w, n) != -1) {
		free(w);
		fail_msg("the name \"k\\0ep\" (length 4) is read, and "
		         "would encode as \"k\"");
	}
	free(w);
}

/* ---- the fuzz target's seeds ---- */

#define SEEDS "t/fuzz/corpus/sievetree"

/* The corpus scripts whose records are t/fuzz/sievetree.c's seeds. */
static const char *const seeded[] = { "04-fileinto", "17-allof-anyof",
	"18-elsif", "22-relational", "27-imap4flags", "28-text", "31-encoded",
	"32-variables", "38-numeric-edge", "51-body-text-nested", "60-vacation",
	"61-duplicate", "date-03-index", "rfc6609-include" };

/* With MDKIT_SIEVETREE_SEEDS=DIR, the seeds are written there; else
 * each seed of SEEDS must be a record this build reads (its version
 * field set to this build's, as the target does): a change of format
 * strands them, and they are to be written again. */
static void
seeds(void **state)
{
	const char *out = getenv("MDKIT_SIEVETREE_SEEDS");
	char version[32] = { 0 };

	(void)state;
	if (access(CORPUS, R_OK) != 0)
		skip_msg("no %s here (run from the source tree)", CORPUS);
	strncpy(version, MDKIT_VERSION, sizeof(version) - 1);
	for (size_t i = 0; i < sizeof(seeded) / sizeof(seeded[0]); i++) {
		char rel[256], *text, *seed;
		size_t len, n, size;
		uint32_t *w;

		text = corpus_script(seeded[i], &len);
		record_of(text, len, &w, &n);
		snprintf(rel, sizeof(rel), "%s/%s", SEEDS, seeded[i]);
		if (out != NULL && *out != '\0')
			scratch_file_(out, seeded[i], O_TRUNC, w, n * 4, 0);
		else {
			seed = scratch_slurp(".", rel, &size);
			assert_int_equal(size % 4, 0);
			memcpy(seed + 12, version, sizeof(version));
			if (size != n * 4 || memcmp(seed, w, size) != 0)
				fail_msg("%s is not the record of its script: "
				         "write the seeds again "
				         "(MDKIT_SIEVETREE_SEEDS=%s %s)",
				    rel, SEEDS, "build/unit/test-sieve-cache");
			free(seed);
		}
		free(w);
		free(text);
	}
}

/* ---- records in a maildir ---- */

static const char script[] =
    "require \"fileinto\";\nif header :contains \"subject\" \"x\" {\n"
    "\tfileinto \"Aaaa\";\n}\n";
static const char other[] = "require \"fileinto\"; fileinto \"Bbbb\";";

/* A new maildir scratch/NAME opened into M. */
static void
open_new(struct md_maildir *m, const char *name)
{
	char root[PATH_MAX];

	scratch_maildir(root, sizeof(root), name);
	assert_int_equal(md_maildir_open(m, root, 0, NULL), 0);
}

/* The name of M's one record ("mdkit-sieve/c-..."), into OUT. */
static void
record_name(const struct md_maildir *m, char *out, size_t size)
{
	char dir[PATH_MAX];
	struct dirent *de;
	int found = 0;
	DIR *d;

	scratch_path(dir, sizeof(dir), m->path, MD_SIEVE_STATE_DIR);
	assert_non_null(d = opendir(dir));
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, "c-", 2) == 0) {
			assert_int_equal(found++, 0);
			assert_int_equal(strlen(de->d_name), 2 + 16);
			snprintf(
			    out, size, "%s/%s", MD_SIEVE_STATE_DIR, de->d_name);
		}
	closedir(d);
	assert_int_equal(found, 1);
}

/* Save the parse of TEXT in M. */
static void
save(const struct md_maildir *m, const char *text)
{
	struct md_sieve_script s;
	struct md_sieve_err e;
	uint32_t *w;
	size_t n;

	assert_int_equal(md_sieve_parse(&s, text, strlen(text), &e), 0);
	assert_int_equal(
	    md_sieve_tree_encode(&s, text, strlen(text), &w, &n), 0);
	md_sieve_cache_save(m, text, strlen(text), w, n);
	free(w);
	md_sieve_free(&s);
}

/* md_sieve_cache_load of TEXT from M: its answer; when 1, the tree must
 * be the parse of TEXT. Never more than ten seconds. */
static int
load(const struct md_maildir *m, const char *text)
{
	struct md_sieve_script s, p;
	struct md_sieve_err e;
	int rc;

	alarm(10); /* a hang is a failure, not a stuck test run */
	rc = md_sieve_cache_load(&s, m, text, strlen(text));
	alarm(0);
	if (rc == 1) {
		what = text;
		assert_int_equal(md_sieve_parse(&p, text, strlen(text), &e), 0);
		same_tree(&p, &s);
		md_sieve_free(&p);
	} else {
		assert_int_equal(rc, 0);
		assert_null(s.cmds);
	}
	md_sieve_free(&s);
	return rc;
}

static void
save_load(void **state)
{
	struct md_maildir m;
	char rec[64];
	uint32_t *w;
	size_t n, size;
	char *file;

	(void)state;
	open_new(&m, "saved");
	assert_int_equal(load(&m, script), 0); /* none yet */
	save(&m, script);
	record_name(&m, rec, sizeof(rec));
	assert_int_equal(scratch_entries(m.path, "tmp"), 0);
	/* The file is the record, and the record is the parse. */
	record_of(script, strlen(script), &w, &n);
	file = scratch_slurp(m.path, rec, &size);
	assert_int_equal(size, n * 4);
	assert_memory_equal(file, w, size);
	free(file);
	free(w);
	assert_int_equal(load(&m, script), 1);
	assert_int_equal(load(&m, script), 1);
	/* Another text has another record: none. */
	assert_int_equal(load(&m, other), 0);
	/* Saved again: the one record, nothing left behind. */
	save(&m, script);
	record_name(&m, rec, sizeof(rec));
	assert_int_equal(scratch_entries(m.path, "tmp"), 0);
	assert_int_equal(scratch_entries(m.path, MD_SIEVE_STATE_DIR), 1);
	/* Another text: a second record beside it. */
	save(&m, other);
	assert_int_equal(scratch_entries(m.path, MD_SIEVE_STATE_DIR), 2);
	assert_int_equal(load(&m, other), 1);
	assert_int_equal(load(&m, script), 1);
	md_maildir_close(&m);
}

/* M's record of script with its contents replaced by the LEN bytes at
 * DATA (NULL: LEN zeroes): load refuses it and removes it. */
static void
bad_record(struct md_maildir *m, const void *data, size_t len, const char *why)
{
	char rec[64];
	char *zero = NULL;

	save(m, script);
	record_name(m, rec, sizeof(rec));
	if (data == NULL)
		assert_non_null(data = zero = calloc(1, len + 1));
	scratch_replace(m->path, rec, data, len);
	free(zero);
	if (load(m, script) != 0)
		fail_msg("%s: read", why);
	if (scratch_exists(m->path, rec, NULL))
		fail_msg("%s: not removed", why);
}

static void
bad_records(void **state)
{
	struct md_maildir m;
	uint32_t *w, *o;
	size_t n, no;
	char rec[64];

	(void)state;
	open_new(&m, "bad");
	record_of(script, strlen(script), &w, &n);
	bad_record(&m, w, n * 4 - 1, "a byte short");
	bad_record(&m, w, n * 4 - 4, "a word short");
	bad_record(&m, w, HEAD_WORDS * 4, "its header only");
	bad_record(&m, w, 7, "seven bytes");
	bad_record(&m, w, 0, "empty");
	bad_record(&m, NULL, n * 4, "zeroes");
	bad_record(&m, "\xff\xfe garbage garbage garbage", 24, "garbage");
	{
		char *more = malloc(n * 4 + 4);

		assert_non_null(more);
		memcpy(more, w, n * 4);
		memset(more + n * 4, 0, 4);
		bad_record(&m, more, n * 4 + 4, "a word more");
		for (size_t i = 0; i < n * 4; i += 37) {
			memcpy(more, w, n * 4);
			more[i] ^= 0x55;
			if (i >= HEAD_WORDS * 4 && i < HEAD_WORDS * 4 + 8)
				bad_record(&m, more, n * 4, "text changed");
		}
		free(more);
	}
	/* The record of another text under this text's name. */
	record_of(other, strlen(other), &o, &no);
	bad_record(&m, o, no * 4, "another text's");
	free(o);
	/* Too large to be one: refused without being read. */
	save(&m, script);
	record_name(&m, rec, sizeof(rec));
	{
		char p[PATH_MAX + 64];

		scratch_path(p, sizeof(p), m.path, rec);
		assert_int_equal(truncate(p, 16 * MD_SIEVE_SIZE + 4), 0);
		assert_int_equal(load(&m, script), 0);
		assert_false(scratch_exists(m.path, rec, NULL));
	}
	/* After all that, a save makes a good one again. */
	save(&m, script);
	assert_int_equal(load(&m, script), 1);
	assert_int_equal(scratch_entries(m.path, "tmp"), 0);
	free(w);
	md_maildir_close(&m);
}

/* What is not a record under a record's name: a fifo, a directory, a
 * symbolic link (to a good record): none, no hang, left alone, and a
 * save leaves nothing in tmp/. */
static void
not_files(void **state)
{
	struct md_maildir m;
	char rec[64], p[PATH_MAX + 64], good[PATH_MAX + 64];

	(void)state;
	open_new(&m, "odd");
	save(&m, script);
	record_name(&m, rec, sizeof(rec));
	scratch_path(p, sizeof(p), m.path, rec);
	scratch_path(good, sizeof(good), m.path, "good-record");
	assert_int_equal(rename(p, good), 0);

	assert_int_equal(mkfifo(p, 0600), 0);
	assert_int_equal(load(&m, script), 0);
	save(&m, script);
	assert_int_equal(load(&m, script), 0);
	assert_true(scratch_exists(m.path, rec, NULL));
	assert_int_equal(unlink(p), 0);

	assert_int_equal(mkdir(p, 0700), 0);
	assert_int_equal(load(&m, script), 0);
	save(&m, script);
	assert_int_equal(load(&m, script), 0);
	assert_true(scratch_exists(m.path, rec, NULL));
	assert_int_equal(rmdir(p), 0);

	assert_int_equal(symlink(good, p), 0);
	assert_int_equal(load(&m, script), 0);
	save(&m, script);
	assert_int_equal(load(&m, script), 0);
	assert_true(scratch_exists(m.path, rec, NULL));
	assert_int_equal(unlink(p), 0);

	assert_int_equal(scratch_entries(m.path, "tmp"), 0);
	/* The good record back under its name is read. */
	assert_int_equal(rename(good, p), 0);
	assert_int_equal(load(&m, script), 1);
	md_maildir_close(&m);
}

/* Run as a user who cannot write mdkit-sieve/: 77 when they can. */
static int
save_unwritable(void *arg)
{
	const struct md_maildir *m = arg;
	char dir[PATH_MAX + 16];

	scratch_path(dir, sizeof(dir), m->path, MD_SIEVE_STATE_DIR);
	if (access(dir, W_OK) == 0)
		return 77;
	save(m, script);
	return 0;
}

static void
unwritable(void **state)
{
	struct md_maildir m;
	char dir[PATH_MAX + 16];
	int rc;

	(void)state;
	open_new(&m, "ro");
	scratch_path(dir, sizeof(dir), m.path, MD_SIEVE_STATE_DIR);
	assert_int_equal(mkdir(dir, 0700), 0);
	scratch_give_away(m.path); /* root's child runs as nobody */
	assert_int_equal(chmod(dir, 0500), 0);
	rc = scratch_unprivileged(save_unwritable, &m);
	assert_int_equal(chmod(scratch, 0700), 0);
	assert_int_equal(chmod(dir, 0700), 0);
	if (rc == 77 || rc == 125)
		skip_msg("mdkit-sieve/ stays writable here (privileges kept)");
	assert_int_equal(rc, 0);
	assert_int_equal(scratch_entries(m.path, MD_SIEVE_STATE_DIR), 0);
	assert_int_equal(scratch_entries(m.path, "tmp"), 0);
	assert_int_equal(load(&m, script), 0);
	md_maildir_close(&m);
}

/* mdkit-sieve a file: no record, nothing in tmp/, the file untouched. */
static void
state_not_dir(void **state)
{
	struct md_maildir m;

	(void)state;
	open_new(&m, "file");
	scratch_put(m.path, MD_SIEVE_STATE_DIR, "not a directory\n");
	save(&m, script);
	assert_int_equal(load(&m, script), 0);
	assert_int_equal(scratch_entries(m.path, "tmp"), 0);
	assert_int_equal(scratch_mode(m.path, MD_SIEVE_STATE_DIR), 0600);
	md_maildir_close(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(corpus),
		cmocka_unit_test(bench_rules),
		cmocka_unit_test(deep),
		cmocka_unit_test(large),
		cmocka_unit_test(corner_cases),
		cmocka_unit_test(empty_arrays),
		cmocka_unit_test(truncated),
		cmocka_unit_test(other_text),
		cmocka_unit_test(words),
		cmocka_unit_test(deeper_records),
		cmocka_unit_test(padding),
		cmocka_unit_test(name_nul),
		cmocka_unit_test(seeds),
		cmocka_unit_test(save_load),
		cmocka_unit_test(bad_records),
		cmocka_unit_test(not_files),
		cmocka_unit_test(unwritable),
		cmocka_unit_test(state_not_dir),
	};

	return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
