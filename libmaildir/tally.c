/* tally.c: what md-list -i counts of a maildir's messages. */
#include <sys/stat.h>

#include "internal.h"

void
md_tally_add(struct md_tally *t, int dirfd, const char *name,
    const struct md_flags *f, int in_new)
{
	uint64_t size;
	struct stat st;

	t->v[MD_T_MESSAGES]++;
	t->v[MD_T_NEW] += in_new != 0;
	t->v[MD_T_UNSEEN] += !md_flags_has(f, 'S');
	t->v[MD_T_FLAGGED] += md_flags_has(f, 'F');
	t->v[MD_T_TRASHED] += md_flags_has(f, 'T');
	for (int i = 0; i < 26; i++)
		t->kw[i] += md_flags_has(f, (unsigned char)('a' + i));
	/* S= spares a stat; a message gone meanwhile counts 0 bytes */
	if (md_name_field(name, 'S', &size) == 0)
		t->v[MD_T_BYTES] += size;
	else if (fstatat(dirfd, name, &st, 0) == 0)
		t->v[MD_T_BYTES] += (uint64_t)st.st_size;
}

void
md_tally_sum(struct md_tally *to, const struct md_tally *t)
{
	for (int k = 0; k < MD_T_N; k++)
		to->v[k] += t->v[k];
}
