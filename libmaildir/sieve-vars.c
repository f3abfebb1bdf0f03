/*
 * sieve-vars.c: the variables extension (RFC 5229) at run time: the
 * variables a script sets, the match variables of the last successful
 * :matches or :regex, and "${name}" references in strings replaced by
 * their values. Expanded strings live in an arena the interpreter empties
 * after each command.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

void
md_sieve_vars_reset(struct md_sieve_vars *v)
{
	for (size_t i = 0; i < v->narena; i++)
		free(v->arena[i]);
	v->narena = 0;
}

void
md_sieve_vars_free(struct md_sieve_vars *v)
{
	md_sieve_vars_reset(v);
	free(v->arena);
	for (size_t i = 0; i < v->n; i++) {
		free(v->name[i]);
		free(v->value[i]);
	}
	free(v->name);
	free(v->value);
	for (size_t i = 0; i < v->nmatch; i++)
		free(v->match[i]);
	memset(v, 0, sizeof(*v));
}

/* The value of the variable NAME (LEN bytes): "" when never set. */
static const char *
lookup(const struct md_sieve_vars *v, const char *name, size_t len)
{
	int digits = 1;
	size_t k = 0;

	for (size_t i = 0; i < len; i++)
		digits = digits && name[i] >= '0' && name[i] <= '9';
	if (digits) { /* a match variable; leading zeroes do not count */
		for (size_t i = 0; i < len && k < MD_SIEVE_MATCHVARS; i++)
			k = k * 10 + (size_t)(name[i] - '0');
		return k < v->nmatch && v->match[k] ? v->match[k] : "";
	}
	for (size_t i = 0; i < v->n; i++)
		if (strlen(v->name[i]) == len &&
		    strncasecmp(v->name[i], name, len) == 0)
			return v->value[i];
	return "";
}

/* The reference at S ("${name}" or "${123}"): the name's length, with
 * *USED the reference's; 0 when S starts none, and stays as written. */
static size_t
reference(const char *s, size_t *used)
{
	size_t n = 0;

	if (s[0] != '$' || s[1] != '{')
		return 0;
	while (s[2 + n] != '\0' && s[2 + n] != '}')
		n++;
	if (s[2 + n] != '}' || n == 0)
		return 0;
	if (!md_sieve_var_name(s + 2, n)) {
		for (size_t i = 0; i < n; i++)
			if (s[2 + i] < '0' || s[2 + i] > '9')
				return 0;
	}
	*used = n + 3;
	return n;
}

static char *
keep(struct md_sieve_vars *v, char *s)
{
	if (v->narena == v->carena) {
		size_t cap = v->carena ? v->carena * 2 : 16;
		char **a = reallocarray(v->arena, cap, sizeof(*a));

		if (a == NULL) {
			free(s);
			return NULL;
		}
		v->arena = a;
		v->carena = cap;
	}
	return v->arena[v->narena++] = s;
}

const char *
md_sieve_expand(struct md_sieve_vars *v, const char *s)
{
	size_t cap = 0, n = 0, used;
	char *out;

	if (strstr(s, "${") == NULL)
		return s;
	for (const char *p = s; *p;) { /* the room it takes */
		size_t k = reference(p, &used);

		cap += k ? strlen(lookup(v, p + 2, k)) : 1;
		p += k ? used : 1;
	}
	if (cap > MD_SIEVE_VALUE)
		cap = MD_SIEVE_VALUE;
	if ((out = malloc(cap + 1)) == NULL)
		return NULL;
	for (const char *p = s; *p && n < cap;) {
		size_t k = reference(p, &used);
		const char *val = k ? lookup(v, p + 2, k) : p;
		size_t len = k ? strlen(val) : 1;

		len = len < cap - n ? len : cap - n;
		memcpy(out + n, val, len);
		n += len;
		p += k ? used : 1;
	}
	out[n] = '\0';
	return keep(v, out);
}

/* In place: the modifiers of MODS in their order of precedence. */
static size_t
modify(char *s, size_t n, int mods)
{
	char *q;
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (mods & MD_MOD_LOWER && s[i] >= 'A' && s[i] <= 'Z')
			s[i] += 32;
		if (mods & MD_MOD_UPPER && s[i] >= 'a' && s[i] <= 'z')
			s[i] -= 32;
	}
	if (n > 0 && mods & MD_MOD_LOWERFIRST && s[0] >= 'A' && s[0] <= 'Z')
		s[0] += 32;
	if (n > 0 && mods & MD_MOD_UPPERFIRST && s[0] >= 'a' && s[0] <= 'z')
		s[0] -= 32;
	if (mods & MD_MOD_QUOTE) { /* room: the caller gave 2N + 1 */
		q = s + n;
		memmove(q, s, n);
		for (size_t i = 0; i < n; i++) {
			if (q[i] == '*' || q[i] == '?' || q[i] == '\\')
				s[k++] = '\\';
			s[k++] = q[i];
		}
		n = k;
	}
	if (mods & MD_MOD_LENGTH) { /* in characters (UTF-8) */
		size_t chars = 0;

		for (size_t i = 0; i < n; chars++) {
			size_t l = md_utf8_len((unsigned char *)s + i, n - i);

			i += l ? l : 1;
		}
		n = (size_t)snprintf(s, 21, "%zu", chars); /* 22 of room */
	}
	s[n] = '\0';
	return n;
}

/* Room for more variables in V. */
static int
grow(struct md_sieve_vars *v)
{
	size_t cap = v->cap ? v->cap * 2 : 8;
	char **a;

	if (cap > MD_SIEVE_VARS)
		cap = MD_SIEVE_VARS;
	if ((a = reallocarray(v->name, cap, sizeof(*a))) == NULL)
		return -1;
	v->name = a;
	if ((a = reallocarray(v->value, cap, sizeof(*a))) == NULL)
		return -1;
	v->value = a;
	v->cap = cap;
	return 0;
}

int
md_sieve_set(
    struct md_sieve_vars *v, const char *name, const char *value, int mods)
{
	size_t len = strlen(value), i;
	char *s;

	if (len > MD_SIEVE_VARLEN) /* cut at a character's start */
		for (len = MD_SIEVE_VARLEN;
		     len > 0 && ((unsigned char)value[len] & 0xc0) == 0x80;)
			len--;
	if ((s = malloc(2 * len + 22)) == NULL)
		return -1;
	memcpy(s, value, len);
	modify(s, len, mods);
	for (i = 0; i < v->n && strcasecmp(v->name[i], name) != 0; i++)
		;
	if (i == v->n) {
		if (v->n == MD_SIEVE_VARS) {
			free(s);
			errno = E2BIG;
			return -1;
		}
		if (v->n == v->cap && grow(v) < 0) {
			free(s);
			return -1;
		}
		if ((v->name[i] = strdup(name)) == NULL) {
			free(s);
			return -1;
		}
		v->value[v->n++] = NULL;
	}
	free(v->value[i]);
	v->value[i] = s;
	return 0;
}

int
md_sieve_set_matches(struct md_sieve_vars *v, const char *value,
    const size_t (*cap)[2], size_t n)
{
	char *m[MD_SIEVE_MATCHVARS];

	for (size_t i = 0; i < n; i++)
		if ((m[i] = strndup(
		         value + cap[i][0], cap[i][1] - cap[i][0])) == NULL) {
			while (i-- > 0)
				free(m[i]);
			return -1;
		}
	for (size_t i = 0; i < v->nmatch; i++)
		free(v->match[i]);
	memcpy(v->match, m, n * sizeof(*m));
	v->nmatch = n;
	return 0;
}
