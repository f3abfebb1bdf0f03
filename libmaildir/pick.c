/*
 * pick.c: which messages a listing picks by their names alone: flags
 * all of one set and none of another, keywords by name, made letters
 * through each maildir's own dovecot-keywords, and new/ or cur/.
 */
#include <stdlib.h>

#include "internal.h"

/* S added to the list *LIST of *N. */
static int
add_name(char ***list, size_t *n, char *s)
{
	char **l = reallocarray(*list, *n + 1, sizeof(**list));

	if (l == NULL)
		return -1;
	l[(*n)++] = s;
	*list = l;
	return 0;
}

int
md_pick_option(struct md_pick *p, int c, char *arg)
{
	switch (c) {
	case 'N':
		p->only_new = 1;
		return 0;
	case 'n':
		p->not_new = 1;
		return 0;
	case 'C':
		p->only_cur = 1;
		return 0;
	case 'c':
		p->not_cur = 1;
		return 0;
	case 'K':
		return add_name(&p->kwith, &p->nkwith, arg);
	case 'k':
		return add_name(&p->kwithout, &p->nkwithout, arg);
	}
	return md_flags_option(c, arg, &p->with, &p->without);
}

enum md_pick_none
md_pick_check(const struct md_pick *p, size_t *kw)
{
	long i;

	if (md_flags_overlap(&p->with, &p->without))
		return MD_PICK_FLAGS;
	if ((i = md_keywords_clash(
	         p->kwith, p->nkwith, p->kwithout, p->nkwithout)) >= 0) {
		*kw = (size_t)i;
		return MD_PICK_KEYWORD;
	}
	if ((p->only_new && (p->not_new || p->only_cur)) ||
	    (p->only_cur && p->not_cur) || (p->not_new && p->not_cur))
		return MD_PICK_PLACE;
	return MD_PICK_SOME;
}

int
md_pick_flags(const struct md_pick *p)
{
	return !md_flags_empty(&p->with) || !md_flags_empty(&p->without) ||
	       p->nkwith > 0 || p->nkwithout > 0;
}

int
md_pick_sub(const struct md_pick *p, int in_new)
{
	if (in_new)
		return !p->only_cur && !p->not_new;
	return !p->only_new && !p->not_cur;
}

int
md_pick_load(struct md_pick_dir *d, const struct md_pick *p, const char *root,
    struct md_err *e)
{
	md_keywords_free(&d->kw);
	d->with = p->with;
	d->without = p->without;
	d->none = 0;
	if (!p->keywords && p->nkwith + p->nkwithout == 0)
		return 0;
	if (md_keywords_read(root, &d->kw) == -1) {
		/* unknown names: no message is known to pass */
		d->none = p->nkwith + p->nkwithout > 0;
		return md_err_set(e, "read", root, "dovecot-keywords");
	}
	for (size_t i = 0; i < p->nkwith; i++) {
		int l = md_keywords_find(&d->kw, p->kwith[i]);

		if (l == -1)
			d->none = 1;
		else
			md_flags_set(&d->with, (unsigned char)l, 1);
	}
	for (size_t i = 0; i < p->nkwithout; i++) {
		int l = md_keywords_find(&d->kw, p->kwithout[i]);

		if (l != -1)
			md_flags_set(&d->without, (unsigned char)l, 1);
	}
	return 0;
}

void
md_pick_free(struct md_pick_dir *d)
{
	md_keywords_free(&d->kw);
}

int
md_pick_test(const struct md_pick *p, const struct md_pick_dir *d,
    const struct md_flags *f, int in_new)
{
	if (!md_pick_sub(p, in_new) || d->none)
		return 0;
	return md_flags_contains(f, &d->with) &&
	       !md_flags_overlap(f, &d->without);
}
