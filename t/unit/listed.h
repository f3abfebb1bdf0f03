/*
 * listed.h: one message as a listing shows it, every part known (m1 of
 * t/0510-md-list-format.t), for the tests of format.c and match.c.
 */
#include <string.h>

#include "internal.h"

static void
listed_m1(struct md_listed *m)
{
	static const char *const text[MD_S_N] = {
		[MD_S_FROM] = "\"Alice Able\" <alice@example.org>",
		[MD_S_NAME] = "Alice Able",
		[MD_S_TO] = "bob@example.org",
		[MD_S_CC] = "",
		[MD_S_SUBJECT] = "Re: Lunch",
		[MD_S_MSGID] = "m1@example.org",
		[MD_S_IRT] = "m0@example.org",
		[MD_S_REFS] = "r@example.org m0@example.org",
		[MD_S_LISTID] = "<food.example.org>",
	};

	memset(m, 0, sizeof(*m));
	m->path = "M/cur/m1:2,FSa";
	m->pathlen = strlen(m->path);
	m->name = m->path + 6;
	m->folder = "Work.Lists";
	m->kw = "$Label1";
	m->kwn = 7;
	m->s.size = 4800;
	m->s.date = 1672653600;  /* 2023-01-02 10:00:00 UTC */
	m->s.mtime = 1700000300; /* 2023-11-14 22:18:20 UTC */
	for (int k = 0; k < MD_S_N; k++) {
		m->s.s[k].p = text[k];
		m->s.s[k].n = strlen(text[k]);
	}
}
