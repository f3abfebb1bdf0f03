/*
 * match.c: md-list's --match expressions, conditions on the text fields
 * of a summary: FIELD=TEXT and FIELD!=TEXT look for TEXT in the field,
 * FIELD~REGEX and FIELD!~REGEX match an extended regular expression.
 * Compiled once, tested per message; an expression that does not
 * compile is told by a reason, never printed.
 */
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

struct md_match_cond {
	enum md_sfield field;
	int neg, isre;
	char *text; /* after the operator */
	size_t len;
	regex_t re;
};

static const struct {
	const char *name;
	enum md_sfield field;
} fields[] = {
	{ "from", MD_S_FROM },
	{ "to", MD_S_TO },
	{ "cc", MD_S_CC },
	{ "subject", MD_S_SUBJECT },
	{ "message-id", MD_S_MSGID },
	{ "in-reply-to", MD_S_IRT },
	{ "references", MD_S_REFS },
	{ "list-id", MD_S_LISTID },
};

#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static int
refuse(struct md_compile_err *ce, size_t off, size_t len, const char *why)
{
	ce->off = off;
	ce->len = len;
	ce->why = why;
	errno = EINVAL;
	return -1;
}

/* The field named by the N bytes at NAME, in any case: its index in
 * fields[], or NFIELDS. */
static size_t
field(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < NFIELDS; i++)
		if (strlen(fields[i].name) == n &&
		    strncasecmp(fields[i].name, name, n) == 0)
			break;
	return i;
}

/* C's regular expression compiled, if bounded in cost: regcomp can take
 * gigabytes for a few bytes, so md_regex_check judges it first. */
static int
compile_re(struct md_match_cond *c, size_t off, struct md_compile_err *ce)
{
	const char *why;
	int rc;

	if (md_regex_check(c->text, &why) == -1)
		return refuse(ce, off, c->len, why);
	rc = regcomp(&c->re, c->text, REG_EXTENDED | REG_ICASE | REG_NOSUB);
	if (rc != 0) {
		regerror(rc, &c->re, ce->buf, sizeof(ce->buf));
		return refuse(ce, off, c->len, ce->buf);
	}
	c->isre = 1;
	return 0;
}

/* EXPR into C (zeroed): its field, operator and text. */
static int
parse(struct md_match_cond *c, const char *expr, struct md_compile_err *ce)
{
	size_t nlen = strcspn(expr, "=~!"), i = field(expr, nlen), off;
	const char *op = expr + nlen;
	int isre;

	if (*op == '\0' || (*op == '!' && op[1] != '=' && op[1] != '~'))
		return refuse(ce, nlen, strlen(op),
		    "not FIELD=TEXT, FIELD~REGEX, FIELD!=TEXT or FIELD!~REGEX");
	if (i == NFIELDS)
		return refuse(ce, 0, nlen,
		    "unknown field (from, to, cc, subject, message-id, "
		    "in-reply-to, references, list-id)");
	c->field = fields[i].field;
	c->neg = *op == '!';
	op += c->neg;
	isre = *op == '~';
	off = (size_t)(op + 1 - expr);
	c->len = strlen(op + 1);
	if ((c->text = strdup(op + 1)) == NULL)
		return -1;
	return isre ? compile_re(c, off, ce) : 0;
}

int
md_match_add(struct md_match *m, const char *expr, struct md_compile_err *ce)
{
	struct md_match_cond *c;

	c = reallocarray(m->cond, m->n + 1, sizeof(*m->cond));
	if (c == NULL)
		return -1;
	m->cond = c;
	c = &m->cond[m->n];
	memset(c, 0, sizeof(*c));
	if (parse(c, expr, ce) == -1) {
		free(c->text);
		return -1;
	}
	if (c->isre && m->scratch == NULL &&
	    (m->scratch = malloc(MD_SUMMARY_FIELD + 1)) == NULL) {
		regfree(&c->re);
		free(c->text);
		return -1;
	}
	m->n++;
	m->need |= MD_NEED_SUMMARY | 1u << c->field;
	return 0;
}

static int
ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
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

/* Does the value V match C's regular expression? V is copied to be
 * NUL-terminated, as regexec wants. */
static int
re_hit(char *scratch, const struct md_match_cond *c, const struct md_str *v)
{
	size_t n = v->n < MD_SUMMARY_FIELD ? v->n : MD_SUMMARY_FIELD;

	memcpy(scratch, v->p, n);
	scratch[n] = '\0';
	return regexec(&c->re, scratch, 0, NULL, 0) == 0;
}

int
md_match_test(struct md_match *m, const struct md_summary *s)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct md_match_cond *c = &m->cond[i];
		const struct md_str *v = &s->s[c->field];
		int hit = c->isre ? re_hit(m->scratch, c, v)
		                  : has_text(v->p, v->n, c->text, c->len);

		if (hit == c->neg)
			return 0;
	}
	return 1;
}

void
md_match_free(struct md_match *m)
{
	for (size_t i = 0; i < m->n; i++) {
		if (m->cond[i].isre)
			regfree(&m->cond[i].re);
		free(m->cond[i].text);
	}
	free(m->cond);
	free(m->scratch);
	memset(m, 0, sizeof(*m));
}
