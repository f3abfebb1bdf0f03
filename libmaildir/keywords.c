/*
 * keywords.c: Dovecot's dovecot-keywords file, which maps keyword names
 * to the letters a-z in file names: one "ID NAME" line per keyword, ID
 * 0 for 'a'. Read only: Dovecot owns the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "internal.h"

/* 26 names: far less than this unless the file is not what it seems. */
#define KEYWORDS_MAX 65536

static ssize_t
read_small(const char *path, char *buf, size_t size)
{
	size_t n = 0;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd == -1)
		return -1;
	while (n < size && (r = read(fd, buf + n, size - n)) != 0) {
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			close(fd);
			return -1;
		}
		n += (size_t)r;
	}
	close(fd);
	return (ssize_t)n;
}

/* An IMAP keyword is an atom: no controls, no spaces. A line whose name
 * is not one was not written by Dovecot, and is passed over. */
static int
name_ok(const char *p, size_t len)
{
	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)p[i] <= ' ' || p[i] == 0x7f)
			return 0;
	return 1;
}

/* The line "ID NAME" at P (LEN bytes, its end cut to NUL): NAME into
 * KW for ids 0-25, unless an earlier line had that id. */
static void
take_line(struct md_keywords *kw, char *p, size_t len)
{
	int id = 0, digits = 0;

	while (len > 0 && *p >= '0' && *p <= '9' && digits < 3) {
		id = id * 10 + (*p++ - '0');
		len--;
		digits++;
	}
	if (digits == 0 || len == 0 || *p != ' ')
		return;
	p++, len--;
	if (len > 0 && p[len - 1] == '\r')
		p[--len] = '\0';
	if (id < 26 && kw->name[id] == NULL && name_ok(p, len))
		kw->name[id] = p;
}

int
md_keywords_read(const char *root, struct md_keywords *kw)
{
	char path[PATH_MAX];
	ssize_t n;

	memset(kw, 0, sizeof(*kw));
	if (snprintf(path, sizeof(path), "%s/dovecot-keywords", root) >=
	    (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((kw->buf = malloc(KEYWORDS_MAX + 1)) == NULL)
		return -1;
	if ((n = read_small(path, kw->buf, KEYWORDS_MAX)) == -1) {
		int saved = errno;

		md_keywords_free(kw);
		errno = saved;
		return saved == ENOENT ? 0 : -1;
	}
	kw->buf[n] = '\0';
	for (char *p = kw->buf, *end = kw->buf + n; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		p[len] = '\0';
		take_line(kw, p, len);
		p += len + 1;
	}
	return 0;
}

void
md_keywords_free(struct md_keywords *kw)
{
	free(kw->buf);
	memset(kw, 0, sizeof(*kw));
}

int
md_keywords_find(const struct md_keywords *kw, const char *name)
{
	/* IMAP keywords compare without regard to case. */
	for (int i = 0; i < 26; i++)
		if (kw->name[i] != NULL && strcasecmp(kw->name[i], name) == 0)
			return 'a' + i;
	errno = ENOENT;
	return -1;
}

void
md_keywords_map(
    const struct md_keywords *from, const struct md_keywords *to, char map[26])
{
	for (int i = 0; i < 26; i++) {
		int c = 'a' + i;

		if (from->name[i] != NULL)
			c = md_keywords_find(to, from->name[i]);
		map[i] = c == -1 ? '\0' : (char)c;
	}
}

int
md_keywords_map_dirs(
    const char *from, const char *to, char map[26], struct md_err *e)
{
	struct md_keywords a, b;

	if (md_keywords_read(from, &a) == -1)
		return md_err_set(e, "read", from, "dovecot-keywords");
	if (md_keywords_read(to, &b) == -1) {
		md_keywords_free(&a);
		return md_err_set(e, "read", to, "dovecot-keywords");
	}
	md_keywords_map(&a, &b, map);
	md_keywords_free(&a);
	md_keywords_free(&b);
	return 0;
}

size_t
md_keywords_format(const struct md_keywords *kw, const struct md_flags *f,
    char *buf, size_t size)
{
	size_t n = 0;

	for (int i = 0; i < 26; i++) {
		const char *name = kw->name[i];
		size_t len;

		if (name == NULL || !md_flags_has(f, (unsigned char)('a' + i)))
			continue;
		len = strlen(name);
		if (n > 0 && n < size)
			buf[n] = ' ';
		n += n > 0;
		if (n < size)
			memcpy(buf + n, name, len < size - n ? len : size - n);
		n += len;
	}
	if (size > 0)
		buf[n < size ? n : size - 1] = '\0';
	return n;
}

int
md_keyword_letter(const char *root, const char *name)
{
	struct md_keywords kw;
	int letter;

	if (md_keywords_read(root, &kw) == -1)
		return -1;
	letter = md_keywords_find(&kw, name);
	md_keywords_free(&kw);
	if (letter == -1)
		errno = ENOENT;
	return letter;
}

long
md_keywords_clash(char *const *a, size_t na, char *const *b, size_t nb)
{
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			if (strcasecmp(a[i], b[j]) == 0)
				return (long)i;
	return -1;
}
