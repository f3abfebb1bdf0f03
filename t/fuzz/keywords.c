/*
 * Fuzz target "keywords": Dovecot's dovecot-keywords file (keywords.c),
 * written into a scratch directory and read as md-list reads it. The
 * input is a byte for the size of md_keywords_format's buffer, then the
 * file (through fuzz_expand, so that it can pass its 64 KiB bound).
 *
 * Invariants:
 *  - every name read is an IMAP atom (no controls, no spaces, not
 *    empty), inside the file's buffer, and stands on a line of the file
 *    as "ID NAME" with ID its letter's number;
 *  - md_keywords_find finds each name again (any case), at its letter
 *    or at an earlier one of the same name;
 *  - md_keywords_format of every letter gives the names one space apart,
 *    and cut to a smaller buffer, the same length and a prefix of them.
 */
#include "fuzz.h"

static char dir[PATH_MAX], path[PATH_MAX + 32];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "%s/K", fuzz_scratch());
	FUZZ_CHECK(mkdir(dir, 0700) == 0);
	snprintf(path, sizeof(path), "%s/dovecot-keywords", dir);
	return 0;
}

/* Does the file hold a line "ID NAME" (a CR may end it) for id I? */
static int
on_a_line(const char *buf, size_t len, int i, const char *name)
{
	size_t nl = strlen(name);

	for (size_t at = 0; at < len;) {
		const char *l = buf + at, *e = memchr(l, '\n', len - at);
		size_t ll = e ? (size_t)(e - l) : len - at, d = 0;
		int id = 0;

		while (d < ll && d < 3 && l[d] >= '0' && l[d] <= '9')
			id = id * 10 + (l[d++] - '0');
		if (d > 0 && id == i && d + 1 + nl <= ll && l[d] == ' ' &&
		    memcmp(l + d + 1, name, nl) == 0 &&
		    (d + 1 + nl == ll ||
		        (d + 2 + nl == ll && l[ll - 1] == '\r')))
			return 1;
		at += ll + 1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	size_t small = fuzz_byte(&in), len, n, k, want = 0;
	char *file = fuzz_expand(in.p, in.n, &len);
	static char whole[26 * 65538], cut[256];
	struct md_keywords kw;
	struct md_flags all;
	int fd, named = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	FUZZ_CHECK(fd >= 0 && write(fd, file, len) == (ssize_t)len);
	close(fd);
	FUZZ_CHECK(md_keywords_read(dir, &kw) == 0);
	md_flags_zero(&all);
	for (int i = 0; i < 26; i++) {
		const char *name = kw.name[i];
		int c;

		md_flags_set(&all, (unsigned char)('a' + i), 1);
		if (name == NULL)
			continue;
		FUZZ_CHECK(name >= kw.buf && name < kw.buf + 65537);
		FUZZ_CHECK(name[0] != '\0');
		for (const char *p = name; *p; p++)
			FUZZ_CHECK((unsigned char)*p > ' ' && *p != 0x7f);
		FUZZ_CHECK(on_a_line(file, len < 65536 ? len : 65536, i, name));
		c = md_keywords_find(&kw, name);
		FUZZ_CHECK(c >= 'a' && c <= 'a' + i);
		FUZZ_CHECK(strcasecmp(kw.name[c - 'a'], name) == 0);
		want += strlen(name) + (named++ > 0);
	}
	n = md_keywords_format(&kw, &all, whole, sizeof(whole));
	FUZZ_CHECK(n == want && strlen(whole) == n);
	k = md_keywords_format(&kw, &all, cut, small);
	FUZZ_CHECK(k == n);
	if (small > 0) {
		size_t c = strlen(cut);

		FUZZ_CHECK(c < small && c == (n < small ? n : small - 1));
		FUZZ_CHECK(memcmp(cut, whole, c) == 0);
	}
	md_keywords_free(&kw);
	free(file);
	return 0;
}
