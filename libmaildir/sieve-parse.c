/*
 * sieve-parse.c: the grammar of RFC 5228 section 8.2 into a tree of
 * nodes (commands and tests alike: a name, arguments, tests, a block),
 * with one token of look-ahead. Whether a name means anything is
 * sieve-check.c's question; here only the shape is judged, and nesting
 * is bounded so that no script can exhaust the stack.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct parser {
	struct md_sieve_lexer lx;
	struct md_sieve_token t; /* the look-ahead */
	struct md_sieve_err *e;
	unsigned depth;
	/* The lists being read, one above the other (a command's block
	 * above the list of commands it is in), each copied into the arena
	 * at its length once it ends: arrays grown in the arena left their
	 * old copies and three unused places of four behind, and a
	 * delivery's compile paid a page fault for each 4 KiB of that. */
	char *stk;
	size_t top, cap;
};

static int
next(struct parser *p)
{
	return md_sieve_lex(&p->lx, &p->t, p->e);
}

static int
is_punct(const struct parser *p, char c)
{
	return p->t.kind == MD_TOK_PUNCT && p->t.punct == c;
}

static const char *
describe(const struct md_sieve_token *t)
{
	switch (t->kind) {
	case MD_TOK_EOF:
		return "end of script";
	case MD_TOK_IDENT:
		return "identifier";
	case MD_TOK_TAG:
		return "tag";
	case MD_TOK_NUMBER:
		return "number";
	case MD_TOK_STRING:
		return "string";
	default:
		return "punctuation";
	}
}

static int
expected(struct parser *p, const char *what)
{
	if (p->t.kind == MD_TOK_PUNCT)
		return md_sieve_errf(p->e, MD_SIEVE_SYNTAX, p->t.line, p->t.col,
		    "expected %s, found '%c'", what, p->t.punct);
	return md_sieve_errf(p->e, MD_SIEVE_SYNTAX, p->t.line, p->t.col,
	    "expected %s, found %s", what, describe(&p->t));
}

void
md_sieve_free(struct md_sieve_script *s)
{
	md_sieve_arena_free(&s->arena);
	md_sieve_incl_free(s->incl);
	memset(s, 0, sizeof(*s));
}

static int
nomem(struct parser *p)
{
	return md_sieve_errf(p->e, MD_SIEVE_SYSTEM, 0, 0, "out of memory");
}

/* Room for SIZE more bytes on the stack. */
static int
room(struct parser *p, size_t size)
{
	/* Large at once: a page is touched only once used, and a doubling
	 * from small ones touched every copy. */
	size_t cap = p->cap ? p->cap * 2 : 64 * 1024;
	char *s;

	while (cap - p->top < size)
		cap *= 2;
	if ((s = realloc(p->stk, cap)) == NULL)
		return nomem(p);
	p->stk = s;
	p->cap = cap;
	return 0;
}

/* One more element (SIZE bytes at V) of the list on top of the stack;
 * inline, for a copy of a size known where it is called. */
static inline int
push(struct parser *p, const void *v, size_t size)
{
	if (p->cap - p->top < size && room(p, size) < 0)
		return -1;
	memcpy(p->stk + p->top, v, size);
	p->top += size;
	return 0;
}

/* The list that began at BASE, taken off the stack into the arena in
 * *V: its number of elements of SIZE bytes. */
static inline int
pop_list(struct parser *p, size_t base, size_t size, void **v, size_t *n)
{
	*v = NULL;
	*n = 0;
	if (p->top == base) /* most: a command's tests, a test's tests */
		return 0;
	if ((*v = md_sieve_alloc(p->lx.arena, p->top - base)) == NULL)
		return nomem(p);
	*n = (p->top - base) / size;
	memcpy(*v, p->stk + base, p->top - base);
	p->top = base;
	return 0;
}

struct str {
	char *s;
	size_t len;
};

/* Take the look-ahead string onto the stack. */
static int
take_string(struct parser *p)
{
	struct str x = { p->t.s, p->t.len };

	if (push(p, &x, sizeof(x)) < 0)
		return -1;
	p->t.s = NULL;
	return next(p);
}

/* The strings from BASE on taken off the stack into A: their pointers
 * and lengths in one piece of the arena. */
static int
strings_of(struct parser *p, size_t base, struct md_sieve_arg *a)
{
	struct str x;

	a->n = (p->top - base) / sizeof(x);
	if ((a->s = md_sieve_alloc(p->lx.arena,
	         a->n * (sizeof(*a->s) + sizeof(*a->len)))) == NULL)
		return nomem(p);
	a->len = (size_t *)(a->s + a->n);
	for (size_t i = 0; i < a->n; i++) {
		memcpy(&x, p->stk + base + i * sizeof(x), sizeof(x));
		a->s[i] = x.s;
		a->len[i] = x.len;
	}
	p->top = base;
	return 0;
}

/* string-list = "[" string *("," string) "]" / string */
static int
parse_strings(struct parser *p)
{
	if (p->t.kind == MD_TOK_STRING)
		return take_string(p);
	if (next(p) < 0)
		return -1;
	for (;;) {
		if (p->t.kind != MD_TOK_STRING)
			return expected(p, "a string");
		if (take_string(p) < 0)
			return -1;
		if (is_punct(p, ']'))
			return next(p);
		if (!is_punct(p, ','))
			return expected(p, "',' or ']'");
		if (next(p) < 0)
			return -1;
	}
}

/* One argument onto the stack. */
static int
parse_arg(struct parser *p)
{
	struct md_sieve_arg a = { .line = p->t.line, .col = p->t.col };
	size_t base = p->top;

	if (p->t.kind == MD_TOK_NUMBER) {
		a.kind = MD_ARG_NUMBER;
		a.num = p->t.num;
		if (next(p) < 0)
			return -1;
	} else {
		a.kind = p->t.kind == MD_TOK_TAG ? MD_ARG_TAG : MD_ARG_STRINGS;
		a.list = is_punct(p, '[');
		if ((a.kind == MD_ARG_TAG ? take_string(p) : parse_strings(p)) <
		        0 ||
		    strings_of(p, base, &a) < 0)
			return -1;
	}
	return push(p, &a, sizeof(a));
}

static int parse_test(struct parser *p, struct md_sieve_node *n);

static int
deeper(struct parser *p)
{
	if (++p->depth > MD_SIEVE_DEPTH)
		return md_sieve_errf(p->e, MD_SIEVE_LIMIT, p->t.line, p->t.col,
		    "nested deeper than %d", MD_SIEVE_DEPTH);
	return 0;
}

/* One test onto the stack. */
static int
add_test(struct parser *p)
{
	struct md_sieve_node t = { .nargs = 0 };

	return parse_test(p, &t) < 0 ? -1 : push(p, &t, sizeof(t));
}

/* The tests of N: one, or a test-list. */
static int
parse_tests(struct parser *p, struct md_sieve_node *n)
{
	if (p->t.kind == MD_TOK_IDENT)
		return add_test(p);
	if (!is_punct(p, '('))
		return 0;
	n->testlist = 1;
	if (next(p) < 0)
		return -1;
	for (;;) {
		if (p->t.kind != MD_TOK_IDENT)
			return expected(p, "a test");
		if (add_test(p) < 0)
			return -1;
		if (is_punct(p, ')'))
			return next(p);
		if (!is_punct(p, ','))
			return expected(p, "',' or ')'");
		if (next(p) < 0)
			return -1;
	}
}

/* A name's arguments, then a test or a test-list. */
static int
parse_args(struct parser *p, struct md_sieve_node *n)
{
	size_t base = p->top, k;
	void *v;

	while (p->t.kind == MD_TOK_NUMBER || p->t.kind == MD_TOK_TAG ||
	       p->t.kind == MD_TOK_STRING || is_punct(p, '['))
		if (parse_arg(p) < 0)
			return -1;
	if (pop_list(p, base, sizeof(*n->args), &v, &k) < 0)
		return -1;
	n->args = v;
	n->nargs = (unsigned)k;
	if (parse_tests(p, n) < 0 ||
	    pop_list(p, base, sizeof(*n->tests), &v, &k) < 0)
		return -1;
	n->tests = v;
	n->ntests = (unsigned)k;
	return 0;
}

/* Take the look-ahead identifier as N's name. */
static int
take_name(struct parser *p, struct md_sieve_node *n)
{
	n->name = p->t.s;
	n->line = p->t.line;
	n->col = p->t.col;
	p->t.s = NULL;
	return next(p);
}

static int
parse_test(struct parser *p, struct md_sieve_node *n)
{
	if (deeper(p) < 0 || take_name(p, n) < 0 || parse_args(p, n) < 0)
		return -1;
	p->depth--;
	return 0;
}

static int parse_commands(
    struct parser *p, struct md_sieve_node **v, size_t *nv, int block);

/* command = identifier arguments (";" / block) */
static int
parse_command(struct parser *p, struct md_sieve_node *n)
{
	size_t k;

	if (take_name(p, n) < 0 || parse_args(p, n) < 0)
		return -1;
	if (is_punct(p, ';'))
		return next(p);
	if (!is_punct(p, '{'))
		return expected(p, "';' or '{'");
	n->has_block = 1;
	if (deeper(p) < 0 || next(p) < 0 ||
	    parse_commands(p, &n->block, &k, 1) < 0)
		return -1;
	n->nblock = (unsigned)k;
	p->depth--;
	return next(p);
}

/* Commands up to the end, or (BLOCK) up to a '}', left as look-ahead. */
static int
parse_commands(
    struct parser *p, struct md_sieve_node **v, size_t *nv, int block)
{
	size_t base = p->top;
	void *w;

	for (;;) {
		struct md_sieve_node c = { .nargs = 0 };

		if ((block && is_punct(p, '}')) ||
		    (!block && p->t.kind == MD_TOK_EOF))
			break;
		if (p->t.kind != MD_TOK_IDENT)
			return expected(
			    p, block ? "a command or '}'" : "a command");
		if (parse_command(p, &c) < 0 || push(p, &c, sizeof(c)) < 0)
			return -1;
	}
	if (pop_list(p, base, sizeof(**v), &w, nv) < 0)
		return -1;
	*v = w;
	return 0;
}

int
md_sieve_parse(struct md_sieve_script *s, const char *buf, size_t len,
    struct md_sieve_err *e)
{
	struct parser p = { .e = e };
	int rc;

	memset(s, 0, sizeof(*s));
	if (len > MD_SIEVE_SIZE)
		return md_sieve_errf(e, MD_SIEVE_LIMIT, 0, 0,
		    "script larger than %d bytes", MD_SIEVE_SIZE);
	md_sieve_lex_init(&p.lx, buf, len);
	p.lx.arena = &s->arena;
	/* The tree and its strings take about ten times the script: made at
	 * once, their pages cost one call, not a fault each. Without, the
	 * arena grows as it would. */
	(void)md_sieve_arena_reserve(&s->arena, len * 12);
	rc = md_sieve_lex(&p.lx, &p.t, e) < 0
	         ? -1
	         : parse_commands(&p, &s->cmds, &s->ncmds, 0);
	free(p.stk);
	if (rc < 0) {
		int saved = errno;

		md_sieve_free(s);
		errno = saved;
	}
	return rc;
}
