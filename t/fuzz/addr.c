/*
 * Fuzz target "addr": the name shown for a From: field, and message ids
 * (addr.c). The input is a byte for the output's size, then the value.
 *
 * Invariants:
 *  - md_from_name gives what md_decode_text gives: valid UTF-8 without
 *    control bytes, NUL-terminated at its length, below the size; the
 *    same again with the same decoder;
 *  - md_msgids returns as many ids as it writes, one space apart, none
 *    empty and none holding a blank, '<' or '>'; each is found in the
 *    value (blanks aside); cut to a smaller size it keeps the first ids
 *    whole and leaves the rest out.
 */
#include "fuzz.h"

#define BIG 20000

static void
check_text(const char *out, size_t n, size_t size)
{
	FUZZ_CHECK(n < size && out[n] == '\0' && strlen(out) == n);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK((unsigned char)out[i] >= 0x20 && out[i] != 0x7f);
	FUZZ_CHECK(fuzz_utf8_valid((const unsigned char *)out, n));
}

/* The value without blanks: where an id must be found. */
static char *
squeezed(const char *v)
{
	char *s = fuzz_str(v, strlen(v)), *o = s;

	for (const char *p = v; *p; p++)
		if (!strchr(" \t\r\n", *p))
			*o++ = *p;
	*o = '\0';
	return s;
}

static void
check_ids(const char *value, size_t small)
{
	static char out[BIG], cut[BIG];
	int count = md_msgids(value, out, sizeof(out)), k, words = 0;
	char *sq = squeezed(value);
	size_t n = strlen(out);

	FUZZ_CHECK(count >= 0 && n < sizeof(out));
	FUZZ_CHECK(n == 0 || (out[0] != ' ' && out[n - 1] != ' '));
	FUZZ_CHECK(strstr(out, "  ") == NULL);
	FUZZ_CHECK(strpbrk(out, "\t\r\n<>") == NULL);
	for (char *p = out; *p;) {
		size_t len = strcspn(p, " ");
		char id[BIG];

		words++;
		memcpy(id, p, len);
		id[len] = '\0';
		FUZZ_CHECK(strstr(sq, id) != NULL);
		p += len + (p[len] == ' ');
	}
	FUZZ_CHECK(words == count);
	k = md_msgids(value, cut, small);
	FUZZ_CHECK(k >= 0 && k <= count);
	FUZZ_CHECK(small == 0 || strlen(cut) < small);
	if (small > 0) {
		size_t c = strlen(cut);
		int cwords = 0;

		FUZZ_CHECK(strncmp(cut, out, c) == 0);
		FUZZ_CHECK(c == 0 || out[c] == ' ' || out[c] == '\0');
		for (size_t i = 0; i < c; i++)
			cwords += i == 0 || cut[i - 1] == ' ';
		FUZZ_CHECK(cwords == k);
	}
	free(sq);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	size_t small = fuzz_byte(&in) * 2, n, k;
	char *value = fuzz_str(in.p, in.n);
	static char whole[BIG], again[BIG], cut[BIG];
	struct md_decoder d;

	md_decoder_init(&d);
	n = md_from_name(&d, value, whole, sizeof(whole));
	check_text(whole, n, sizeof(whole));
	k = md_from_name(&d, value, again, sizeof(again));
	FUZZ_CHECK(k == n && memcmp(again, whole, n) == 0);
	k = md_from_name(&d, value, cut, small);
	if (small == 0)
		FUZZ_CHECK(k == 0);
	else {
		check_text(cut, k, small);
		FUZZ_CHECK(k <= n && memcmp(cut, whole, k) == 0);
	}
	md_decoder_free(&d);

	check_ids(value, small);
	free(value);
	return 0;
}
