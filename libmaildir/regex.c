/*
 * regex.c: what a POSIX extended regular expression may cost before
 * regcomp(3) sees it, measured on glibc's. It writes every bounded
 * repetition out as copies of what it repeats (a{1,100} is a hundred
 * a's, a+ is aa*), so stacked or nested repetitions multiply: "b" and 24
 * '+' ask for 2^24 copies and gigabytes; its closure sets then grow
 * with the square of the copies. Three things make it slower still,
 * exponentially or with a high power of the size: repeating what can
 * match the empty string ((a*)*, (x?){1,9}), an expression that
 * matches it in two ways ((a?|b?)), and anchors, which it copies once
 * for each piece they can reach without a character. The first two are
 * refused, and anchors count as MD_REGEX_ANCHOR or MD_REGEX_WORDB pieces.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"

#define MANY (MD_REGEX_COST + 1) /* a count past every bound */

/* One group being read: what its closed alternatives, its sequence so
 * far and its last item (what a repetition applies to) cost, and in how
 * many ways each matches the empty string (0, 1, or 2 for more). */
struct level {
	uint64_t alts, seq, last;
	int alts_empty, seq_empty, last_empty;
};

/* A + B and A * B, stopped just past the bounds: no overflow. */
static uint64_t
add(uint64_t a, uint64_t b)
{
	return a + b > MANY ? MANY : a + b;
}

static uint64_t
mul(uint64_t a, uint64_t b)
{
	if (a != 0 && b > MANY / a)
		return MANY;
	return add(a * b, 0);
}

/* Ways to match the empty string: 0, 1, or 2 standing for more. */
static int
ways(int n)
{
	return n > 2 ? 2 : n;
}

static void
level_init(struct level *l)
{
	memset(l, 0, sizeof(*l));
	l->seq_empty = l->last_empty = 1; /* nothing matches it once */
}

/* A new item after L's last one: COST pieces, EMPTY ways. */
static void
level_next(struct level *l, uint64_t cost, int empty, struct md_regex_cost *c)
{
	l->seq = add(l->seq, l->last);
	l->seq_empty = ways(l->seq_empty * l->last_empty);
	l->last = cost;
	l->last_empty = empty;
	if (empty > 1)
		c->ambiguous = 1;
}

/* Past a bracket expression at P (just after its '['). */
static const char *
bracket_end(const char *p)
{
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	for (; *p != '\0' && *p != ']'; p++)
		if (*p == '[' && (p[1] == ':' || p[1] == '=' || p[1] == '.')) {
			const char *close = p + 2;
			char kind = p[1];

			while (*close != '\0' &&
			       !(close[0] == kind && close[1] == ']'))
				close++;
			if (*close == '\0')
				return close;
			p = close + 1;
		}
	return *p == ']' ? p + 1 : p;
}

static unsigned long
number(const char **p)
{
	unsigned long n = 0;

	for (; **p >= '0' && **p <= '9'; (*p)++)
		if (n <= MANY)
			n = n * 10 + (unsigned long)(**p - '0');
	return n;
}

/* An interval "{m}", "{m,}", "{m,n}" or "{,n}" at P: 1, with M, N, OPEN
 * (no upper bound) and where it ends; 0 when it is not one (regcomp
 * then judges the brace). glibc takes an escaped comma "\," for the
 * comma, so this does too. */
static int
interval(const char *p, unsigned long *m, unsigned long *n, int *open,
    const char **end)
{
	int has_m, comma;

	p++;
	has_m = *p >= '0' && *p <= '9';
	*m = number(&p);
	if ((comma = *p == ','))
		p++;
	else if ((comma = p[0] == '\\' && p[1] == ','))
		p += 2;
	*open = comma && !(*p >= '0' && *p <= '9');
	*n = comma ? number(&p) : *m;
	if (*p != '}' || (!has_m && !comma))
		return 0;
	*end = p + 1;
	return 1;
}

/* The repetition at *P of L's last item: applied, *P moved past it; 0
 * when there is none there. */
static int
repeat(struct level *l, const char **p, struct md_regex_cost *c)
{
	unsigned long m = 0, n = 1;
	uint64_t times;
	const char *end = *p + 1;
	int open = **p == '*' || **p == '+';

	if (l->last == 0)
		return 0; /* nothing to repeat: an atom to us */
	if (**p == '{' && !interval(*p, &m, &n, &open, &end))
		return 0;
	if (**p == '+')
		m = 1;
	/* copies written out: x* and x? one, x+ two (xx*), x{m,} m + 1 */
	times = open ? m + 1 : n > m ? n : m > 0 ? m : 1;
	if (l->last_empty > 0)
		c->empty_repeat = 1;
	l->last = add(mul(l->last, times), 1);
	l->last_empty = m == 0 ? 1 : 0;
	*p = end;
	return 1;
}

/* The atom at P, added to L: a character, an escape, a bracket
 * expression (an unmatched ')' too: regcomp's to judge). Anchors and
 * GNU's word boundaries match the empty string, a back reference may
 * (as its group did); \b and \B cost most, glibc's closures growing
 * exponentially with them. Returns what follows the atom. */
static const char *
atom(struct level *l, const char *p, struct md_regex_cost *c)
{
	if (*p == '[') {
		level_next(l, 1, 0, c);
		return bracket_end(p + 1);
	}
	if (*p == '^' || *p == '$')
		level_next(l, MD_REGEX_ANCHOR, 1, c);
	else if (*p != '\\' || p[1] == '\0')
		level_next(l, 1, 0, c);
	else if (p[1] == 'b' || p[1] == 'B')
		level_next(l, MD_REGEX_WORDB, 1, c);
	else if (strchr("<>`'", p[1]) != NULL)
		level_next(l, MD_REGEX_ANCHOR, 1, c);
	else
		level_next(l, 1, p[1] >= '1' && p[1] <= '9', c);
	return p + (*p == '\\' && p[1] != '\0' ? 2 : 1);
}

/* Close the group L (one deeper than its parent, which gets it). */
static void
level_close(struct level *l, struct md_regex_cost *c)
{
	struct level *in = l + 1;
	int empty = ways(in->alts_empty + ways(in->seq_empty * in->last_empty));

	/* the group, and its open and close nodes */
	level_next(l, add(add(in->alts, add(in->seq, in->last)), 2), empty, c);
}

void
md_regex_cost(const char *re, struct md_regex_cost *c)
{
	struct level lv[MD_REGEX_DEPTH + 1], *l = lv;
	const char *p = re;

	memset(c, 0, sizeof(*c));
	level_init(l);
	while (*p != '\0') {
		if (*p == '(') {
			if (l == &lv[MD_REGEX_DEPTH]) {
				c->depth = MD_REGEX_DEPTH + 1;
				break;
			}
			level_init(++l);
			if ((unsigned)(l - lv) > c->depth)
				c->depth = (unsigned)(l - lv);
			p++;
		} else if (*p == ')' && l > lv) {
			level_close(--l, c);
			p++;
		} else if (*p == '|') {
			l->alts = add(l->alts, add(add(l->seq, l->last), 1));
			l->alts_empty = ways(
			    l->alts_empty + ways(l->seq_empty * l->last_empty));
			l->seq = l->last = 0;
			l->seq_empty = l->last_empty = 1;
			p++;
		} else if (strchr("*+?{", *p) == NULL || !repeat(l, &p, c))
			p = atom(l, p, c);
	}
	/* groups left open: regcomp will refuse them, but count them */
	for (; l > lv; l--)
		l[-1].seq = add(l[-1].seq, add(l->alts, add(l->seq, l->last)));
	c->pieces = add(lv[0].alts, add(lv[0].seq, lv[0].last));
	if (lv[0].alts_empty + ways(lv[0].seq_empty * lv[0].last_empty) > 1)
		c->ambiguous = 1; /* as in a?|b? */
}

int
md_regex_check(const char *re, const char **why)
{
	struct md_regex_cost c;

	*why = NULL;
	if (strlen(re) > MD_REGEX_LEN) {
		*why = "longer than 4096 bytes";
		errno = E2BIG;
		return -1;
	}
	md_regex_cost(re, &c);
	if (c.depth > MD_REGEX_DEPTH)
		*why = "groups nested more than 100 deep";
	else if (c.empty_repeat)
		*why = "it repeats what can match the empty string, as "
		       "(a*)*, (x?)+ and a?? do";
	else if (c.ambiguous)
		*why = "it can match the empty string in two ways, as "
		       "(a?|b*) can";
	else if (c.pieces > MD_REGEX_COST)
		*why = "with its repetitions written out it would be more "
		       "than 2000 pieces";
	if (*why == NULL)
		return 0;
	errno = E2BIG;
	return -1;
}
