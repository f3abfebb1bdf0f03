/*
 * replay.c: a fuzz target without libFuzzer. Linked with one target
 * (t/fuzz/NAME.c) as build/fuzz/replay-NAME, it calls the target's
 * LLVMFuzzerTestOneInput once for each file named, and for each file in
 * each directory named (in name order, dot files left out), so that
 * make check replays the seeds and the saved crashes with the ordinary
 * compiler, and check-asan with the sanitizers.
 *
 *	replay-NAME [-v] FILE|DIR...
 *
 * Each input's path is printed before it runs (with -v), so that the
 * last line names the input that crashed; at the end, how many ran.
 * Exit 0 when all of them returned; a broken invariant aborts.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static int verbose;
static unsigned long ran;

static int
run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;

	if (f == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		size_t r;

		if (len == cap) {
			uint8_t *b = realloc(buf, cap = cap ? cap * 2 : 65536);

			if (b == NULL) {
				fprintf(stderr, "replay: %s: out of memory\n",
				    path);
				exit(1);
			}
			buf = b;
		}
		r = fread(buf + len, 1, cap - len, f);
		len += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "replay: %s: read error\n", path);
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	if (verbose) {
		printf("%s\n", path);
		fflush(stdout);
	}
	/* exactly LEN bytes, as libFuzzer gives them: a copy of just that
	 * size, so that AddressSanitizer sees a read past the end */
	{
		uint8_t *exact = malloc(len > 0 ? len : 1);

		if (exact == NULL)
			exit(1);
		if (len > 0)
			memcpy(exact, buf, len);
		free(buf);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	ran++;
	return 0;
}

static int
skip_dot(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static int
run_dir(const char *path)
{
	struct dirent **list;
	int n = scandir(path, &list, skip_dot, alphasort), rc = 0;

	if (n == -1) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char p[4096];
		struct stat st;

		snprintf(p, sizeof(p), "%s/%s", path, list[i]->d_name);
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode) &&
		    run_file(p) == -1)
			rc = -1;
		free(list[i]);
	}
	free(list);
	return rc;
}

int
main(int argc, char **argv)
{
	int rc = 0;

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (strcmp(argv[i], "-v") == 0) {
			verbose = 1;
			continue;
		}
		if (stat(argv[i], &st) == -1) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
			    strerror(errno));
			rc = 1;
		} else if (S_ISDIR(st.st_mode) ? run_dir(argv[i]) == -1
		                               : run_file(argv[i]) == -1)
			rc = 1;
	}
	printf("%lu inputs\n", ran);
	return rc;
}
