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

/* Room for one more element of V (N used, element SIZE bytes), from the
 * arena: a new array, twice as large, when it runs out at 4, 8, 16... */
static void *
grow(struct parser *p, void *v, size_t n, size_t size)
{
	void *w;

	if (n != 0 && (n < 4 || (n & (n - 1)) != 0))
		return v;
	if ((w = md_sieve_alloc(p->lx.arena, (n == 0 ? 4 : n * 2) * size)) !=
	        NULL &&
	    n > 0)
		memcpy(w, v, n * size);
	return w;
}

static int
nomem(struct parser *p)
{
	return md_sieve_errf(p->e, MD_SIEVE_SYSTEM, 0, 0, "out of memory");
}

/* Take the look-ahead string into A. */
static int
take_string(struct parser *p, struct md_sieve_arg *a)
{
	char **s = grow(p, a->s, a->n, sizeof(*s));
	size_t *len;

	if (s == NULL)
		return nomem(p);
	a->s = s;
	if ((len = grow(p, a->len, a->n, sizeof(*len))) == NULL)
		return nomem(p);
	a->len = len;
	a->s[a->n] = p->t.s;
	a->len[a->n++] = p->t.len;
	p->t.s = NULL;
	return next(p);
}

/* string-list = "[" string *("," string) "]" / string */
static int
parse_strings(struct parser *p, struct md_sieve_arg *a)
{
	a->kind = MD_ARG_STRINGS;
	if (p->t.kind == MD_TOK_STRING)
		return take_string(p, a);
	a->list = 1;
	if (next(p) < 0)
		return -1;
	for (;;) {
		if (p->t.kind != MD_TOK_STRING)
			return expected(p, "a string");
		if (take_string(p, a) < 0)
			return -1;
		if (is_punct(p, ']'))
			return next(p);
		if (!is_punct(p, ','))
			return expected(p, "',' or ']'");
		if (next(p) < 0)
			return -1;
	}
}

static int
parse_arg(struct parser *p, struct md_sieve_node *n)
{
	struct md_sieve_arg *args = grow(p, n->args, n->nargs, sizeof(*args)),
	                    *a;

	if (args == NULL)
		return nomem(p);
	n->args = args;
	a = &n->args[n->nargs++];
	memset(a, 0, sizeof(*a));
	a->line = p->t.line;
	a->col = p->t.col;
	if (p->t.kind == MD_TOK_NUMBER) {
		a->kind = MD_ARG_NUMBER;
		a->num = p->t.num;
		return next(p);
	}
	if (p->t.kind == MD_TOK_TAG) {
		a->kind = MD_ARG_TAG;
		return take_string(p, a);
	}
	return parse_strings(p, a);
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

static int
add_test(struct parser *p, struct md_sieve_node *n)
{
	struct md_sieve_node *t = grow(p, n->tests, n->ntests, sizeof(*t));

	if (t == NULL)
		return nomem(p);
	n->tests = t;
	memset(&t[n->ntests], 0, sizeof(*t));
	return parse_test(p, &n->tests[n->ntests++]);
}

/* A name's arguments, then a test or a test-list. */
static int
parse_args(struct parser *p, struct md_sieve_node *n)
{
	while (p->t.kind == MD_TOK_NUMBER || p->t.kind == MD_TOK_TAG ||
	       p->t.kind == MD_TOK_STRING || is_punct(p, '['))
		if (parse_arg(p, n) < 0)
			return -1;
	if (p->t.kind == MD_TOK_IDENT)
		return add_test(p, n);
	if (!is_punct(p, '('))
		return 0;
	n->testlist = 1;
	if (next(p) < 0)
		return -1;
	for (;;) {
		if (p->t.kind != MD_TOK_IDENT)
			return expected(p, "a test");
		if (add_test(p, n) < 0)
			return -1;
		if (is_punct(p, ')'))
			return next(p);
		if (!is_punct(p, ','))
			return expected(p, "',' or ')'");
		if (next(p) < 0)
			return -1;
	}
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
	if (take_name(p, n) < 0 || parse_args(p, n) < 0)
		return -1;
	if (is_punct(p, ';'))
		return next(p);
	if (!is_punct(p, '{'))
		return expected(p, "';' or '{'");
	n->has_block = 1;
	if (deeper(p) < 0 || next(p) < 0 ||
	    parse_commands(p, &n->block, &n->nblock, 1) < 0)
		return -1;
	p->depth--;
	return next(p);
}

/* Commands up to the end, or (BLOCK) up to a '}', left as look-ahead. */
static int
parse_commands(
    struct parser *p, struct md_sieve_node **v, size_t *nv, int block)
{
	for (;;) {
		struct md_sieve_node *c;

		if (block && is_punct(p, '}'))
			return 0;
		if (!block && p->t.kind == MD_TOK_EOF)
			return 0;
		if (p->t.kind != MD_TOK_IDENT)
			return expected(
			    p, block ? "a command or '}'" : "a command");
		if ((c = grow(p, *v, *nv, sizeof(*c))) == NULL)
			return nomem(p);
		*v = c;
		memset(&c[*nv], 0, sizeof(*c));
		if (parse_command(p, &(*v)[(*nv)++]) < 0)
			return -1;
	}
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
	rc = md_sieve_lex(&p.lx, &p.t, e) < 0
	         ? -1
	         : parse_commands(&p, &s->cmds, &s->ncmds, 0);
	if (rc < 0) {
		int saved = errno;

		md_sieve_free(s);
		errno = saved;
	}
	return rc;
}
