/*
 * floor-rename: the floor for md-flag -S's benchmark. What marking
 * messages seen cannot avoid: one rename(2) per message not seen yet,
 * none for one that is. Reads the message paths, one a line, from
 * stdin (all of it, with read(2)), computes each new name by string
 * operations and renames:
 *
 *	DIR/cur/BASE:2,FR	-> DIR/cur/BASE:2,FRS	(S among the flags, in
 *	DIR/cur/BASE:2,Ta	-> DIR/cur/BASE:2,STa	 ASCII order, as
 *md-flag) DIR/new/BASE		-> DIR/cur/BASE:2,S DIR/cur/BASE:2,RS	   left
 *alone
 *
 * No checks beyond failing loudly, no maildir checks, no libmaildir.
 *
 *	floor-rename < PATHS
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *
slurp(int fd, size_t *len)
{
	size_t cap = 1 << 20, n = 0;
	char *buf = malloc(cap + 1);
	ssize_t r;

	if (buf == NULL)
		err(1, "malloc");
	while ((r = read(fd, buf + n, cap - n)) != 0) {
		if (r == -1)
			err(1, "read stdin");
		n += (size_t)r;
		if (n == cap && (buf = realloc(buf, (cap *= 2) + 1)) == NULL)
			err(1, "realloc");
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* The new path of PATH (LEN bytes) into TO; 0 when S is there already. */
static int
seen_path(const char *path, size_t len, char *to, size_t size)
{
	const char *slash = memrchr(path, '/', len), *name, *colon, *fl, *end;
	size_t keep;

	if (slash == NULL || slash - path < 3 || len + 4 >= size)
		errx(1, "%.*s: not a message path", (int)len, path);
	name = slash + 1;
	colon = memrchr(name, ':', len - (size_t)(name - path));
	if (colon != NULL && colon[1] == '2' && colon[2] == ',') {
		fl = colon + 3;
		end = memchr(fl, ',', len - (size_t)(fl - path));
		if (end == NULL)
			end = path + len;
		while (fl < end && (unsigned char)*fl < 'S')
			fl++;
		if (fl < end && *fl == 'S')
			return 0;
		/* Everything up to fl, an S, the rest. */
		keep = (size_t)(fl - path);
		memcpy(to, path, keep);
		to[keep] = 'S';
		memcpy(to + keep + 1, fl, len - keep);
		to[len + 1] = '\0';
	} else {
		keep = colon != NULL ? (size_t)(colon - path) : len;
		memcpy(to, path, keep);
		memcpy(to + keep, ":2,S", 5);
	}
	if (memcmp(slash - 3, "new", 3) == 0)
		memcpy(to + (slash - 3 - path), "cur", 3);
	return 1;
}

int
main(int argc, char *argv[])
{
	char from[4096], to[4096 + 8];
	size_t len;
	char *in = slurp(STDIN_FILENO, &len), *p = in, *end = in + len;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: floor-rename < paths\n");
		return 2;
	}
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (nl ? nl : end) - p;

		if (n >= sizeof(from))
			errx(1, "a path too long");
		if (seen_path(p, n, to, sizeof(to))) {
			memcpy(from, p, n);
			from[n] = '\0';
			if (rename(from, to) == -1)
				err(1, "rename %s", from);
		}
		p += n + 1;
	}
	free(in);
	return 0;
}
