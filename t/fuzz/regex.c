/*
 * Fuzz target "regex": the cost check md-list runs before regcomp(3)
 * (regex.c). The input is a byte of options, then an extended regular
 * expression (up to a NUL). Option 1 compiles in the C.UTF-8 locale, as
 * md-list does in a UTF-8 one; 2 leaves out REG_ICASE.
 *
 * Invariants:
 *  - md_regex_check accepts exactly what md_regex_cost finds within the
 *    bounds, and says why it refuses (E2BIG);
 *  - what it accepts, regcomp compiles in little memory and time: the
 *    compiled expression holds at most FUZZ_REGEX_MB of the heap, and
 *    compiling takes at most FUZZ_REGEX_SECONDS (libFuzzer's
 *    -rss_limit_mb and -timeout watch the whole run as well).
 */
#include <locale.h>
#include <malloc.h>
#include <regex.h>
#include <time.h>

#include "fuzz.h"

#define FUZZ_REGEX_MB 64
#define FUZZ_REGEX_SECONDS 2

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define FUZZ_ASAN 1
#endif

#ifdef FUZZ_ASAN
#include <sanitizer/allocator_interface.h>
#endif

/* Bytes of the heap in use now. */
static size_t
heap_used(void)
{
#ifdef FUZZ_ASAN
	return __sanitizer_get_current_allocated_bytes();
#else
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
#endif
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	unsigned opt = fuzz_byte(&in);
	char *re = fuzz_str(in.p, in.n);
	struct md_regex_cost c;
	const char *why = "unset";
	int ok, flags = REG_EXTENDED | REG_NOSUB;
	size_t before;
	double t0, took;
	regex_t r;

	md_regex_cost(re, &c);
	errno = 0;
	ok = md_regex_check(re, &why) == 0;
	FUZZ_CHECK(ok == (strlen(re) <= MD_REGEX_LEN &&
	                     c.depth <= MD_REGEX_DEPTH && !c.empty_repeat &&
	                     !c.ambiguous && c.pieces <= MD_REGEX_COST));
	FUZZ_CHECK(ok ? why == NULL : (why != NULL && errno == E2BIG));
	FUZZ_CHECK(c.pieces <= MD_REGEX_COST + 1);
	if (!ok) {
		free(re);
		return 0;
	}
	if (!(opt & 2))
		flags |= REG_ICASE;
	if (opt & 1)
		setlocale(LC_CTYPE, "C.UTF-8");
	before = heap_used();
	t0 = now();
	if (regcomp(&r, re, flags) == 0) {
		size_t used = heap_used();

		took = now() - t0;
		if (used > before && used - before > (size_t)FUZZ_REGEX_MB
		                                         << 20) {
			fprintf(stderr, "regex: %zu bytes compiled\n",
			    used - before);
			FUZZ_CHECK(!"the compiled expression is too big");
		}
		regfree(&r);
	} else
		took = now() - t0;
	if (took > FUZZ_REGEX_SECONDS) {
		fprintf(stderr, "regex: compiled in %.1f s\n", took);
		FUZZ_CHECK(!"regcomp took too long");
	}
	if (opt & 1)
		setlocale(LC_CTYPE, "C");
	free(re);
	return 0;
}
