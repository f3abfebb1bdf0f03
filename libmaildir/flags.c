/* flags.c: flag sets and the info part ":2,FLAGS[,tail]" of a name. */
#include <errno.h>
#include <string.h>

#include "internal.h"

void
md_flags_zero(struct md_flags *f)
{
	memset(f, 0, sizeof(*f));
}

int
md_flags_has(const struct md_flags *f, unsigned char c)
{
	return (f->bits[c >> 6] >> (c & 63)) & 1;
}

void
md_flags_set(struct md_flags *f, unsigned char c, int on)
{
	if (on)
		f->bits[c >> 6] |= (uint64_t)1 << (c & 63);
	else
		f->bits[c >> 6] &= ~((uint64_t)1 << (c & 63));
}

int
md_flags_empty(const struct md_flags *f)
{
	return (f->bits[0] | f->bits[1] | f->bits[2] | f->bits[3]) == 0;
}

void
md_flags_merge(struct md_flags *to, const struct md_flags *from)
{
	for (int i = 0; i < 4; i++)
		to->bits[i] |= from->bits[i];
}

int
md_flags_equal(const struct md_flags *a, const struct md_flags *b)
{
	return memcmp(a->bits, b->bits, sizeof(a->bits)) == 0;
}

/* Does A hold every flag of B? */
int
md_flags_contains(const struct md_flags *a, const struct md_flags *b)
{
	for (int i = 0; i < 4; i++)
		if ((a->bits[i] & b->bits[i]) != b->bits[i])
			return 0;
	return 1;
}

int
md_flags_overlap(const struct md_flags *a, const struct md_flags *b)
{
	for (int i = 0; i < 4; i++)
		if (a->bits[i] & b->bits[i])
			return 1;
	return 0;
}

/* F = (F + SET) - CLEAR */
void
md_flags_apply(struct md_flags *f, const struct md_flags *set,
    const struct md_flags *clear)
{
	for (int i = 0; i < 4; i++)
		f->bits[i] = (f->bits[i] | set->bits[i]) & ~clear->bits[i];
}

/* Letters only: anything else in a flag string is a typo or an attack. */
int
md_flags_from_user(const char *s, struct md_flags *f)
{
	md_flags_zero(f);
	for (; *s; s++) {
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))) {
			errno = EINVAL;
			return -1;
		}
		md_flags_set(f, (unsigned char)*s, 1);
	}
	return 0;
}

/* mblaze's option letters, shared by md-list and md-flag. */
int
md_flags_option(
    int c, const char *arg, struct md_flags *upper, struct md_flags *lower)
{
	struct md_flags f;

	if (c == 'X' || c == 'x') {
		if (md_flags_from_user(arg, &f) == -1)
			return -1;
		md_flags_merge(c == 'X' ? upper : lower, &f);
	} else if (c >= 'A' && c <= 'Z')
		md_flags_set(upper, (unsigned char)c, 1);
	else if (c >= 'a' && c <= 'z')
		md_flags_set(lower, (unsigned char)(c - 'a' + 'A'), 1);
	else {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int
md_flags_format(const struct md_flags *f, char *buf, size_t size)
{
	size_t n = 0;

	/* The set bits only, lowest first: a name has a few of 255. */
	for (unsigned w = 0; w < 4; w++)
		for (uint64_t b = f->bits[w] & (w == 0 ? ~1ull : ~0ull); b != 0;
		     b &= b - 1) {
			if (n + 1 >= size) {
				errno = ENAMETOOLONG;
				return -1;
			}
			buf[n++] =
			    (char)(w * 64 + (unsigned)__builtin_ctzll(b));
		}
	if (size == 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	buf[n] = '\0';
	return (int)n;
}

/*
 * The base is everything before the first ':' (the identity); flags come
 * from the info after the last ':', as mutt and Dovecot read it, so an odd
 * name with several colons keeps its middle part untouched.
 */
/* The flags of the info after LAST (the last ':') into F when it is
 * ":2,"; where a ',' ends them, the tail after it, else NULL. */
static const char *
info_flags(const char *last, struct md_flags *f)
{
	md_flags_zero(f);
	if (last == NULL || last[1] != '2' || last[2] != ',')
		return NULL;
	for (const char *p = last + 3; *p; p++) {
		if (*p == ',')
			return p + 1;
		md_flags_set(f, (unsigned char)*p, 1);
	}
	return NULL;
}

void
md_name_parse(const char *name, struct md_name *n)
{
	const char *last = strrchr(name, ':');

	n->baselen = md_name_baselen(name);
	n->tail = info_flags(last, &n->flags);
	if (last == NULL) {
		n->keeplen = strlen(name);
		n->kind = MD_INFO_NONE;
		return;
	}
	n->keeplen = (size_t)(last - name);
	n->kind = last[1] == '2' && last[2] == ',' ? MD_INFO_2 : MD_INFO_OTHER;
}

/* The flags a name carries: those of ":2," info, none otherwise; its
 * base is not looked for (a listing asks this of every name). */
void
md_name_flags(const char *name, struct md_flags *f)
{
	info_flags(strrchr(name, ':'), f);
}

int
md_name_format(char *buf, size_t size, const char *name,
    const struct md_name *n, const struct md_flags *flags)
{
	char fl[257], *p = buf;
	int nf;
	size_t need, tl;

	if ((nf = md_flags_format(flags, fl, sizeof(fl))) == -1)
		return -1;
	tl = n->tail ? strlen(n->tail) : 0;
	need = n->keeplen + 3 + (size_t)nf + (n->tail ? 1 + tl : 0);
	if (need >= size || need > NAME_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* Lengths known and checked: copied, not scanned again. */
	p = mempcpy(p, name, n->keeplen);
	p = mempcpy(p, ":2,", 3);
	p = mempcpy(p, fl, (size_t)nf);
	if (n->tail) {
		*p++ = ',';
		p = mempcpy(p, n->tail, tl);
	}
	*p = '\0';
	return 0;
}
