/*
 * Fuzz target "match": md-list's --match expressions (match.c). The
 * input is a byte of options, then two expressions, then the text fields
 * of a summary (MD_S_FROM on), all NUL apart. Option 1 compiles in the
 * C.UTF-8 locale, as md-list does in a UTF-8 one.
 *
 * Invariants:
 *  - md_match_add accepts an expression, or refuses it with EINVAL (or
 *    ENOMEM), a reason, and an offset and length inside it, leaving the
 *    conditions it had as they were; md_match_free releases all
 *    (LeakSanitizer);
 *  - an accepted condition makes the matcher need the summary and its
 *    field;
 *  - FIELD=TEXT holds exactly when TEXT is in the field in any ASCII
 *    case (by a plain search here), FIELD!=TEXT exactly when it is not;
 *    FIELD!~RE exactly when FIELD~RE does not;
 *  - both expressions together hold exactly when each holds alone, and
 *    testing again gives the same answer.
 */
#include <locale.h>

#include "fuzz.h"

/* The field names as md-list(1) gives them: the target's own table, not
 * match.c's, so that a wrong entry there is caught here. */
static const struct {
	const char *name;
	enum md_sfield field;
} names[] = {
	{ "from", MD_S_FROM },
	{ "to", MD_S_TO },
	{ "cc", MD_S_CC },
	{ "subject", MD_S_SUBJECT },
	{ "message-id", MD_S_MSGID },
	{ "in-reply-to", MD_S_IRT },
	{ "references", MD_S_REFS },
	{ "list-id", MD_S_LISTID },
};

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Is NEEDLE in the N bytes at TEXT, ASCII case aside? */
static int
contains(const char *text, size_t n, const char *needle)
{
	size_t len = strlen(needle);

	if (len == 0)
		return 1;
	for (size_t i = 0; i + len <= n; i++) {
		size_t k;

		for (k = 0; k < len; k++)
			if (lower((unsigned char)text[i + k]) !=
			    lower((unsigned char)needle[k]))
				break;
		if (k == len)
			return 1;
	}
	return 0;
}

/* The field EXPR names (as md_match_add parses it), or -1. */
static int
field_of(const char *expr)
{
	size_t n = strcspn(expr, "=~!");

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == n &&
		    strncasecmp(names[i].name, expr, n) == 0)
			return (int)names[i].field;
	return -1;
}

/* EXPR added to M: 1 accepted, 0 refused (M as it was). */
static int
add(struct md_match *m, const char *expr)
{
	struct md_compile_err ce = { 0 };
	size_t had = m->n;
	unsigned need = m->need;

	errno = 0;
	if (md_match_add(m, expr, &ce) == 0) {
		int fld = field_of(expr);

		FUZZ_CHECK(m->n == had + 1 && fld >= 0);
		FUZZ_CHECK((m->need & (MD_NEED_SUMMARY | 1u << fld)) ==
		           (MD_NEED_SUMMARY | 1u << fld));
		return 1;
	}
	FUZZ_CHECK(errno == EINVAL || errno == ENOMEM);
	if (errno == EINVAL)
		FUZZ_CHECK(ce.why != NULL && ce.off <= strlen(expr) &&
		           ce.len <= strlen(expr) - ce.off);
	FUZZ_CHECK(m->n == had && m->need == need);
	return 0;
}

/* What EXPR alone says of S (-1: refused), and its opposite's check. */
static int
alone(const char *expr, const struct md_summary *s)
{
	struct md_match m = { 0 }, neg = { 0 };
	size_t n = strcspn(expr, "=~!");
	int hit = -1, fld;
	char *opp;

	if (add(&m, expr)) {
		hit = md_match_test(&m, s);
		FUZZ_CHECK(hit == 0 || hit == 1);
		FUZZ_CHECK(md_match_test(&m, s) == hit);
		fld = field_of(expr);
		if (expr[n] == '=')
			FUZZ_CHECK(hit == contains(s->s[fld].p, s->s[fld].n,
			                      expr + n + 1));
		if (expr[n] == '!' && expr[n + 1] == '=')
			FUZZ_CHECK(hit == !contains(s->s[fld].p, s->s[fld].n,
			                      expr + n + 2));
		/* FIELD~RE against FIELD!~RE */
		opp = malloc(strlen(expr) + 2);
		FUZZ_CHECK(opp != NULL);
		memcpy(opp, expr, n);
		if (expr[n] == '~')
			sprintf(opp + n, "!%s", expr + n);
		else if (expr[n] == '!' && expr[n + 1] == '~')
			strcpy(opp + n, expr + n + 1);
		else
			opp[0] = '\0';
		if (opp[0] != '\0' && add(&neg, opp))
			FUZZ_CHECK(md_match_test(&neg, s) == !hit);
		free(opp);
	}
	md_match_free(&neg);
	md_match_free(&m);
	return hit;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	unsigned opt = fuzz_byte(&in);
	char *e1 = fuzz_take_str(&in), *e2 = fuzz_take_str(&in), *field[MD_S_N];
	struct md_summary s = { 0 };
	struct md_match m = { 0 };
	int a, b, ok1, ok2;

	for (int i = 0; i < MD_S_N; i++) {
		field[i] = fuzz_take_str(&in);
		s.s[i].p = field[i];
		s.s[i].n = strlen(field[i]);
		if (s.s[i].n >= MD_SUMMARY_FIELD) /* as a summary holds */
			s.s[i].n = MD_SUMMARY_FIELD - 1;
	}
	if (opt & 1)
		setlocale(LC_CTYPE, "C.UTF-8");

	a = alone(e1, &s);
	b = alone(e2, &s);
	ok1 = add(&m, e1);
	ok2 = add(&m, e2);
	FUZZ_CHECK(ok1 == (a >= 0) && ok2 == (b >= 0));
	FUZZ_CHECK(md_match_test(&m, &s) == ((!ok1 || a) && (!ok2 || b)));
	md_match_free(&m);

	if (opt & 1)
		setlocale(LC_CTYPE, "C");
	for (int i = 0; i < MD_S_N; i++)
		free(field[i]);
	free(e2);
	free(e1);
	return 0;
}
