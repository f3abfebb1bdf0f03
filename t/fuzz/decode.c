/*
 * Fuzz target "decode": header text to UTF-8 (decode.c). The input is a
 * byte for the output's size, then header text (encoded words, 8-bit
 * bytes, anything).
 *
 * Invariants:
 *  - md_decode_text's output is valid UTF-8 (by md_utf8_len over it,
 *    and by the RFC 3629 table), NUL-terminated at the length returned,
 *    below the size given, without control bytes;
 *  - cut to a smaller size it is a prefix of the whole, ending on a
 *    character boundary;
 *  - decoding again with the same decoder (its charsets now open, its
 *    last charset remembered) gives the same bytes;
 *  - md_utf8_len agrees with the RFC 3629 table on every position of the
 *    input.
 */
#include "fuzz.h"

#define BIG 20000 /* more than 4 KiB of CP1252, 3 bytes a character */

/* The length of the character at S by the table, 0 when invalid. */
static size_t
ref_len(const unsigned char *s, size_t n)
{
	size_t len = s[0] < 0x80                    ? 1
	             : s[0] >= 0xc2 && s[0] <= 0xdf ? 2
	             : s[0] >= 0xe0 && s[0] <= 0xef ? 3
	             : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4
	                                            : 0;

	return len > 0 && len <= n && fuzz_utf8_valid(s, len) ? len : 0;
}

static void
check_text(const char *out, size_t n, size_t size)
{
	FUZZ_CHECK(n < size && out[n] == '\0' && strlen(out) == n);
	for (size_t i = 0, l; i < n; i += l) {
		unsigned char c = (unsigned char)out[i];

		FUZZ_CHECK(c >= 0x20 && c != 0x7f);
		l = md_utf8_len((const unsigned char *)out + i, n - i);
		FUZZ_CHECK(l > 0);
	}
	FUZZ_CHECK(fuzz_utf8_valid((const unsigned char *)out, n));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	size_t small = fuzz_byte(&in) * 4 + 1, n, k, again;
	char *text = fuzz_dup(in.p, in.n);
	static char whole[BIG], cut[BIG], second[BIG];
	struct md_decoder d;

	/* md_utf8_len against the table, at every byte of the input */
	for (size_t i = 0; i < in.n; i++)
		FUZZ_CHECK(md_utf8_len(in.p + i, in.n - i) ==
		           ref_len(in.p + i, in.n - i));

	md_decoder_init(&d);
	n = md_decode_text(&d, text, in.n, whole, sizeof(whole));
	check_text(whole, n, sizeof(whole));
	k = md_decode_text(&d, text, in.n, cut, small);
	check_text(cut, k, small);
	FUZZ_CHECK(k <= n && memcmp(cut, whole, k) == 0);
	again = md_decode_text(&d, text, in.n, second, sizeof(second));
	FUZZ_CHECK(again == n && memcmp(second, whole, n) == 0);
	md_decoder_free(&d);
	free(text);
	return 0;
}
