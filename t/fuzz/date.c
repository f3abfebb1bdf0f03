/*
 * Fuzz target "date": dates in headers and From_ lines (date.c). The
 * input is the text of a Date: field, and also a From_ line. TZ is set
 * to a zone with summer time, so that From_ lines' local times mean
 * something.
 *
 * Invariants:
 *  - md_date_parse and md_date_from_line are deterministic: the same
 *    answer twice;
 *  - md_date_parse does not depend on the local zone (it has none to
 *    use): the same under UTC;
 *  - what separates tokens changes nothing: blanks before and after a
 *    Date: value, a line end after a From_ line;
 *  - md_date_from_line reads only its N bytes (a copy of just that size)
 *    and takes only lines that begin "From ".
 */
#include <time.h>

#include "fuzz.h"

static const char *zone = "Europe/Berlin";

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("TZ", zone, 1);
	tzset();
	return 0;
}

/* md_date_parse of S: 0 or -1, the time into *T. */
static int
parse(const char *s, time_t *t)
{
	int r = md_date_parse(s, t);

	FUZZ_CHECK(r == 0 || (r == -1 && errno == EINVAL));
	return r;
}

static int
from_line(const char *p, size_t n, time_t *t)
{
	char *copy = fuzz_dup(p, n);
	int r = md_date_from_line(copy, n, t);

	FUZZ_CHECK(r == 0 || (r == -1 && errno == EINVAL));
	free(copy);
	return r;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size), *padded, *line;
	size_t n = strlen(s);
	time_t t1 = 0, t2 = 0;
	int r1, r2;

	r1 = parse(s, &t1);
	r2 = parse(s, &t2);
	FUZZ_CHECK(r1 == r2 && (r1 == -1 || t1 == t2));

	padded = malloc(n + 5);
	FUZZ_CHECK(padded != NULL);
	snprintf(padded, n + 5, " \t%s \n", s);
	r2 = parse(padded, &t2);
	FUZZ_CHECK(r1 == r2 && (r1 == -1 || t1 == t2));

	setenv("TZ", "UTC", 1);
	tzset();
	r2 = parse(s, &t2);
	FUZZ_CHECK(r1 == r2 && (r1 == -1 || t1 == t2));
	setenv("TZ", zone, 1);
	tzset();

	/* the input as a From_ line, as it is and with "From " put first */
	line = malloc(size + 7);
	FUZZ_CHECK(line != NULL);
	for (int k = 0; k < 2; k++) {
		size_t len = size;

		if (k == 1) {
			memcpy(line, "From ", 5);
			memcpy(line + 5, data, size);
			len += 5;
		} else if (size > 0)
			memcpy(line, data, size);
		r1 = from_line(line, len, &t1);
		r2 = from_line(line, len, &t2);
		FUZZ_CHECK(r1 == r2 && (r1 == -1 || t1 == t2));
		FUZZ_CHECK(
		    r1 == -1 || (len >= 5 && memcmp(line, "From ", 5) == 0));
		if (len > 0 && line[len - 1] != '\n' && line[len - 1] != '\r') {
			line[len] = '\n';
			r2 = from_line(line, len + 1, &t2);
			FUZZ_CHECK(r1 == r2 && (r1 == -1 || t1 == t2));
			memcpy(line + len, "\r\n", 2);
			r2 = from_line(line, len + 2, &t2);
			FUZZ_CHECK(r1 == r2 && (r1 == -1 || t1 == t2));
		}
	}
	free(line);
	free(padded);
	free(s);
	return 0;
}
