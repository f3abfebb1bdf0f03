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

#include "maildir.h"

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

/* One line "ID NAME": the id when NAME matches, else -1. */
static int
line_id(const char *p, size_t len, const char *name)
{
	size_t nlen = strlen(name);
	int id = 0, digits = 0;

	while (len > 0 && *p >= '0' && *p <= '9' && digits < 3) {
		id = id * 10 + (*p++ - '0');
		len--;
		digits++;
	}
	if (digits == 0 || len == 0 || *p != ' ')
		return -1;
	p++, len--;
	if (len > 0 && p[len - 1] == '\r')
		len--;
	/* IMAP keywords compare without regard to case. */
	return len == nlen && strncasecmp(p, name, nlen) == 0 ? id : -1;
}

int
md_keyword_letter(const char *root, const char *name)
{
	char path[PATH_MAX], *buf;
	ssize_t n;
	int letter = -1;

	if (snprintf(path, sizeof(path), "%s/dovecot-keywords", root) >=
	    (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((buf = malloc(KEYWORDS_MAX)) == NULL)
		return -1;
	if ((n = read_small(path, buf, KEYWORDS_MAX)) == -1) {
		free(buf);
		return -1;
	}
	for (size_t pos = 0; pos < (size_t)n && letter == -1;) {
		char *nl = memchr(buf + pos, '\n', (size_t)n - pos);
		size_t len = nl ? (size_t)(nl - (buf + pos)) : (size_t)n - pos;
		int id = line_id(buf + pos, len, name);

		if (id >= 0 && id < 26)
			letter = 'a' + id;
		pos += len + 1;
	}
	free(buf);
	if (letter == -1)
		errno = ENOENT;
	return letter;
}
