/*
 * msg: messages that say who they are and whether they are whole, for
 * the crash and stress tests.
 *
 *	msg gen [-z max] ID          one message on standard output
 *	msg mbox [-z max] PFX FIRST COUNT
 *	                             an mbox of PFX-FIRST .. PFX-(FIRST+COUNT-1)
 *	msg scan [-p prefix] DIR ... one line per file of each DIR
 *
 * A message is, for an ID without blanks and a size drawn from the ID
 * (at most max bytes of body, 1 MiB by default):
 *
 *	Subject: crash ID
 *	X-Id: ID
 *	X-Size: SIZE
 *
 *	ID 000001 <filler>          lines of 77 bytes, about SIZE bytes
 *	...
 *	END ID
 *
 * so every byte of it follows from its first three lines. In an mbox a
 * `From ' line comes first, and every fourth message has a `Status: RO'
 * field after its Subject, which md-deliver -M turns into the flag S
 * (into cur) and removes: what is stored is again the message above.
 *
 * scan reads every file of each DIR (names beginning with a dot, and
 * files gone meanwhile, are passed over) and prints `ID<TAB>PATH' when
 * the file is prefix (the trace fields md-deliver was told to add; C
 * escapes \n and \\ are read) followed by message ID whole, byte for
 * byte, else `partial<TAB>PATH'.
 */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LINE 77 /* bytes of a body line with its newline */

struct buf {
	char *p;
	size_t len, cap;
};

static void
put(struct buf *b, const void *p, size_t n)
{
	if (b->cap - b->len < n) {
		size_t cap = b->cap * 2 + n + 4096;

		if ((b->p = realloc(b->p, cap)) == NULL)
			err(1, "realloc");
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void
puts_buf(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint64_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return mix(h);
}

/* Mostly small, as mail is; now and then large, so that a kill finds a
 * writer in the middle of its message. */
static uint64_t
size_for(const char *id, uint64_t max)
{
	uint64_t h = hash(id), r = h % 100, s;

	if (r < 30)
		s = 100 + (h >> 8) % 400;
	else if (r < 80)
		s = 1024 + (h >> 8) % (15 * 1024);
	else if (r < 95)
		s = 16384 + (h >> 8) % (240 * 1024);
	else
		s = 262144 + (h >> 8) % (768 * 1024);
	return s > max ? 100 + s % (max > 100 ? max - 99 : 1) : s;
}

/* Message ID of SIZE into B, an optional STATUS field after Subject. */
static void
make(struct buf *b, const char *id, uint64_t size, const char *status)
{
	char line[LINE + 64];
	uint64_t h = hash(id), nlines = size / LINE;

	snprintf(line, sizeof(line), "Subject: crash %s\n", id);
	puts_buf(b, line);
	if (status != NULL)
		puts_buf(b, status);
	snprintf(line, sizeof(line), "X-Id: %s\nX-Size: %llu\n\n", id,
	    (unsigned long long)size);
	puts_buf(b, line);
	for (uint64_t i = 1; i <= nlines || i == 1; i++) {
		int n = snprintf(line, sizeof(line), "%s %06llu ", id,
		    (unsigned long long)i);
		uint64_t x = mix(h + i);

		while (n < LINE - 1) {
			line[n++] = (char)('a' + x % 26);
			x = x / 26 ? x / 26 : mix(x + (uint64_t)n);
		}
		line[n++] = '\n';
		put(b, line, (size_t)n);
	}
	snprintf(line, sizeof(line), "END %s\n", id);
	puts_buf(b, line);
}

static void
out(const struct buf *b)
{
	if (fwrite(b->p, 1, b->len, stdout) != b->len || fflush(stdout) == EOF)
		err(1, "stdout");
}

static uint64_t
number(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s == '\0' || *s == '-' || *end != '\0' || errno != 0)
		errx(2, "%s: not a number", s);
	return (uint64_t)v;
}

/* -z max, then the rest. */
static uint64_t
max_opt(int *argc, char ***argv)
{
	uint64_t max = 1024 * 1024;

	if (*argc >= 2 && strcmp((*argv)[0], "-z") == 0) {
		max = number((*argv)[1]);
		*argc -= 2;
		*argv += 2;
	}
	return max;
}

static int
gen(int argc, char **argv)
{
	struct buf b = { 0 };
	uint64_t max = max_opt(&argc, &argv);

	if (argc != 1)
		errx(2, "usage: msg gen [-z max] ID");
	make(&b, argv[0], size_for(argv[0], max), NULL);
	out(&b);
	free(b.p);
	return 0;
}

static int
mbox(int argc, char **argv)
{
	struct buf b = { 0 };
	uint64_t max = max_opt(&argc, &argv), first, count;
	char id[256];

	if (argc != 3)
		errx(2, "usage: msg mbox [-z max] PFX FIRST COUNT");
	first = number(argv[1]);
	count = number(argv[2]);
	for (uint64_t i = first; i < first + count; i++) {
		snprintf(id, sizeof(id), "%s-%06llu", argv[0],
		    (unsigned long long)i);
		if (i > first)
			puts_buf(&b, "\n");
		puts_buf(
		    &b, "From crash@example.org Mon Jan  1 00:00:00 2024\n");
		make(&b, id, size_for(id, max),
		    i % 4 == 0 ? "Status: RO\n" : NULL);
		if (b.len > (1 << 20)) {
			out(&b);
			b.len = 0;
		}
	}
	out(&b);
	free(b.p);
	return 0;
}

/* The prefix with \n and \\ read. */
static char *
unescape(const char *s)
{
	char *r = malloc(strlen(s) + 1), *o = r;

	if (r == NULL)
		err(1, "malloc");
	for (; *s; s++) {
		if (*s == '\\' && s[1] == 'n')
			*o++ = '\n', s++;
		else if (*s == '\\' && s[1] == '\\')
			*o++ = '\\', s++;
		else
			*o++ = *s;
	}
	*o = '\0';
	return r;
}

/* Reads PATH into B; 0, or -1 when it is gone or no regular file. */
static int
slurp(int dir, const char *name, const char *path, struct buf *b)
{
	struct stat st;
	char tmp[65536];
	ssize_t r;
	int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	b->len = 0;
	if (fd == -1) {
		if (errno == ENOENT)
			return -1;
		err(1, "%s", path);
	}
	if (fstat(fd, &st) == -1)
		err(1, "%s", path);
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	while ((r = read(fd, tmp, sizeof(tmp))) != 0) {
		if (r == -1)
			err(1, "%s", path);
		put(b, tmp, (size_t)r);
	}
	close(fd);
	return 0;
}

/* Is F (LEN bytes) PREFIX and then a whole message? Its ID into ID. */
static int
whole(const char *f, size_t len, const char *prefix, char *id, size_t idsize,
    struct buf *want)
{
	size_t pl = strlen(prefix), n;
	const char *p, *nl;
	char *end;
	uint64_t size;

	if (len < pl || memcmp(f, prefix, pl) != 0)
		return 0;
	f += pl;
	len -= pl;
	if (len < 15 || memcmp(f, "Subject: crash ", 15) != 0)
		return 0;
	p = f + 15;
	if ((nl = memchr(p, '\n', len - 15)) == NULL)
		return 0;
	n = (size_t)(nl - p);
	if (n == 0 || n >= idsize)
		return 0;
	memcpy(id, p, n);
	id[n] = '\0';
	p = nl + 1;
	n = (size_t)(f + len - p);
	/* X-Id: ID\nX-Size: N\n */
	if (n < 6 + strlen(id) + 9 || memcmp(p, "X-Id: ", 6) != 0 ||
	    memcmp(p + 6, id, strlen(id)) != 0 || p[6 + strlen(id)] != '\n')
		return 0;
	p += 6 + strlen(id) + 1;
	if (memcmp(p, "X-Size: ", 8) != 0)
		return 0;
	errno = 0;
	size = strtoull(p + 8, &end, 10);
	if (errno != 0 || end == p + 8 || end >= f + len || *end != '\n')
		return 0;
	want->len = 0;
	make(want, id, size, NULL);
	return want->len == len && memcmp(want->p, f, len) == 0;
}

static int
scan(int argc, char **argv)
{
	struct buf f = { 0 }, want = { 0 };
	const char *prefix = "";
	char *owned = NULL, id[256], path[4096];

	if (argc >= 2 && strcmp(argv[0], "-p") == 0) {
		prefix = owned = unescape(argv[1]);
		argc -= 2;
		argv += 2;
	}
	for (int i = 0; i < argc; i++) {
		DIR *d = opendir(argv[i]);
		struct dirent *de;

		if (d == NULL)
			err(1, "%s", argv[i]);
		while ((errno = 0, de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(
			    path, sizeof(path), "%s/%s", argv[i], de->d_name);
			if (slurp(dirfd(d), de->d_name, path, &f) == -1)
				continue;
			if (whole(f.p, f.len, prefix, id, sizeof(id), &want))
				printf("%s\t%s\n", id, path);
			else
				printf("partial\t%s\n", path);
		}
		if (errno != 0)
			err(1, "%s", argv[i]);
		closedir(d);
	}
	free(f.p);
	free(want.p);
	free(owned);
	return fflush(stdout) == EOF;
}

int
main(int argc, char *argv[])
{
	if (argc >= 2 && strcmp(argv[1], "gen") == 0)
		return gen(argc - 2, argv + 2);
	if (argc >= 2 && strcmp(argv[1], "mbox") == 0)
		return mbox(argc - 2, argv + 2);
	if (argc >= 2 && strcmp(argv[1], "scan") == 0)
		return scan(argc - 2, argv + 2);
	fprintf(stderr, "usage: msg gen [-z max] ID\n"
	                "       msg mbox [-z max] PFX FIRST COUNT\n"
	                "       msg scan [-p prefix] DIR ...\n");
	return 2;
}
