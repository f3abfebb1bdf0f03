/*
 * fuzz.h: what the fuzz targets (t/fuzz/NAME.c) share. Each target
 * defines LLVMFuzzerTestOneInput; libFuzzer drives it (make fuzz), and
 * replay.c drives it over the seeds and saved crashes (make check).
 *
 * FUZZ_CHECK is the targets' assert: it stays in every build and aborts,
 * which libFuzzer reports as a crash and saves the input of.
 */
#ifndef MDKIT_FUZZ_H
#define MDKIT_FUZZ_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_CHECK(cond)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: invariant broken: %s\n",       \
			    __FILE__, __LINE__, #cond);                        \
			abort();                                               \
		}                                                              \
	} while (0)

/* An input taken apart from the front: option bytes, then the rest. */
struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

/* The next byte of IN, 0 when it is used up. */
static inline unsigned
fuzz_byte(struct fuzz_in *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

/* The next N bytes of IN (fewer at its end) into *LEN: their start. */
static inline const uint8_t *
fuzz_take(struct fuzz_in *in, size_t n, size_t *len)
{
	const uint8_t *p = in->p;

	*len = n < in->n ? n : in->n;
	in->p += *len;
	in->n -= *len;
	return p;
}

/* A malloc'd NUL-terminated copy of the N bytes at P (which may hold a
 * NUL: C strings then end there). */
static inline char *
fuzz_str(const void *p, size_t n)
{
	char *s = malloc(n + 1);

	FUZZ_CHECK(s != NULL);
	if (n > 0)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* The next NUL-terminated string of IN (its rest, at its end): a
 * malloc'd copy; IN moves past it and its NUL. */
static inline char *
fuzz_take_str(struct fuzz_in *in)
{
	const uint8_t *nul = memchr(in->p, '\0', in->n);
	size_t len = nul != NULL ? (size_t)(nul - in->p) : in->n;
	char *s = fuzz_str(in->p, len);

	in->p += len + (nul != NULL);
	in->n -= len + (nul != NULL);
	return s;
}

/* A malloc'd copy of exactly the N bytes at P: reading past them is an
 * error AddressSanitizer sees. */
static inline char *
fuzz_dup(const void *p, size_t n)
{
	char *s = malloc(n > 0 ? n : 1);

	FUZZ_CHECK(s != NULL);
	if (n > 0)
		memcpy(s, p, n);
	return s;
}

/* A file descriptor that reads back the N bytes at P from its start. */
static inline int
fuzz_memfd(const void *p, size_t n)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);
	const char *c = p;

	FUZZ_CHECK(fd >= 0);
	for (size_t done = 0; done < n;) {
		ssize_t w = write(fd, c + done, n - done);

		FUZZ_CHECK(w > 0);
		done += (size_t)w;
	}
	FUZZ_CHECK(lseek(fd, 0, SEEK_SET) == 0);
	return fd;
}

/*
 * Stream targets read more than a fuzzer's inputs are long (a 64 KiB
 * input buffer, a 256 KiB header bound): their bytes are the input, but
 * for the escape NUL B LO HI, which stands for byte B repeated LO + 256 *
 * HI times (NUL NUL is one NUL byte). The result is malloc'd, at most
 * FUZZ_STREAM_MAX bytes, its length in *LEN.
 */
#define FUZZ_STREAM_MAX (320 * 1024)

static inline char *
fuzz_expand(const uint8_t *p, size_t n, size_t *len)
{
	size_t cap = n + 1, k = 0;
	char *out = malloc(cap);

	FUZZ_CHECK(out != NULL);
	for (size_t i = 0; i < n && k < FUZZ_STREAM_MAX;) {
		size_t times = 1;
		char c = (char)p[i];

		if (p[i] == 0 && i + 1 < n && p[i + 1] == 0)
			i += 2; /* a NUL */
		else if (p[i] == 0 && i + 3 < n) {
			c = (char)p[i + 1];
			times = (size_t)p[i + 2] | (size_t)p[i + 3] << 8;
			i += 4;
		} else
			i++;
		if (times > FUZZ_STREAM_MAX - k)
			times = FUZZ_STREAM_MAX - k;
		if (k + times > cap) {
			while (cap < k + times)
				cap *= 2;
			FUZZ_CHECK((out = realloc(out, cap)) != NULL);
		}
		memset(out + k, c, times);
		k += times;
	}
	*len = k;
	return out;
}

/* Is [A, A + NA) a subsequence of [B, B + NB): B with bytes taken out? */
static inline int
fuzz_subsequence(const char *a, size_t na, const char *b, size_t nb)
{
	size_t i = 0;

	for (size_t j = 0; j < nb && i < na; j++)
		if (b[j] == a[i])
			i++;
	return i == na;
}

/* Is the UTF-8 of the N bytes at S valid, by the RFC 3629 table itself
 * (not md_utf8_len, which the decode target checks against it)? */
static inline int
fuzz_utf8_valid(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i], lo = 0x80, hi = 0xbf;
		size_t len;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			len = 2;
		else if (c >= 0xe0 && c <= 0xef)
			len = 3;
		else if (c >= 0xf0 && c <= 0xf4)
			len = 4;
		else
			return 0;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
		else if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
		if (n - i < len || s[i + 1] < lo || s[i + 1] > hi)
			return 0;
		for (size_t k = 2; k < len; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
		i += len;
	}
	return 1;
}

/* ---- a scratch directory for the targets that need files ---- */

static char fuzz_scratch_dir[256];

static int
fuzz_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
fuzz_scratch_remove(void)
{
	if (fuzz_scratch_dir[0] != '\0')
		nftw(fuzz_scratch_dir, fuzz_rm, 16, FTW_DEPTH | FTW_PHYS);
}

/* The scratch directory, made at the first call (in /dev/shm where
 * there is one: memory, so that fsync costs nothing) and removed at
 * exit; a run that crashes leaves it behind (mdkit-fuzz-*). */
static __attribute__((unused)) const char *
fuzz_scratch(void)
{
	const char *tmp = getenv("TMPDIR");
	struct stat st;

	if (fuzz_scratch_dir[0] != '\0')
		return fuzz_scratch_dir;
	if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
	    access("/dev/shm", W_OK) == 0)
		tmp = "/dev/shm";
	else if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(fuzz_scratch_dir, sizeof(fuzz_scratch_dir),
	    "%s/mdkit-fuzz-XXXXXX", tmp);
	FUZZ_CHECK(mkdtemp(fuzz_scratch_dir) != NULL);
	atexit(fuzz_scratch_remove);
	return fuzz_scratch_dir;
}

#endif
