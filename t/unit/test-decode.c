/* Unit tests for decode.c: RFC 2047 B and Q words, whitespace between
 * words, multibyte characters split across words, charset aliases and
 * unknown charsets, bad base64, undeclared 8-bit bytes, U+FFFD for what
 * does not convert, control bytes, cutting at a character boundary, and
 * iconv descriptors reused. */
#include <errno.h>
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static struct md_decoder dec;

static const char *
dcd(const char *s)
{
	static char out[1024];

	md_decode_text(&dec, s, strlen(s), out, sizeof(out));
	return out;
}

static void
words(void **state)
{
	(void)state;
	assert_string_equal(dcd("plain text"), "plain text");
	assert_string_equal(dcd("=?UTF-8?B?w6l0w6k=?="), "\xc3\xa9t\xc3\xa9");
	/* the last digits, and the first ones of each kind */
	assert_string_equal(
	    dcd("=?ISO-8859-1?B?+/+/?="), "\xc3\xbb\xc3\xbf\xc2\xbf");
	assert_string_equal(dcd("=?US-ASCII?B?QWEwOQ==?="), "Aa09");
	assert_string_equal(
	    dcd("=?utf-8?q?=C3=A9t=C3=A9?="), "\xc3\xa9t\xc3\xa9");
	assert_string_equal(
	    dcd("=?ISO-8859-1?Q?Andr=E9?= Pirard"), "Andr\xc3\xa9 Pirard");
	assert_string_equal(dcd("=?iso-8859-1?q?a_b?="), "a b");
	assert_string_equal(dcd("=?US-ASCII?Q?Keith_Moore?= <moore@x>"),
	    "Keith Moore <moore@x>");
	/* lower-case encoding letter, RFC 2231 language */
	assert_string_equal(dcd("=?ISO-8859-1*fr?b?Y2Fm6Q==?="), "caf\xc3\xa9");
	/* the end of a long word is sought sixteen bytes at a time: a '?'
	 * inside it, its "?=" at each place near the sixteenth byte,
	 * whitespace after sixteen bytes (then it is no word) */
	assert_string_equal(dcd("=?UTF-8?Q?abcdefghij?klmnopqrstuvwxyz?0123?="),
	    "abcdefghij?klmnopqrstuvwxyz?0123");
	for (int i = 12; i < 20; i++) {
		char in[64], want[32];

		snprintf(in, sizeof(in), "=?UTF-8?Q?%.*s?= x", i,
		    "0123456789abcdefghijkl");
		snprintf(
		    want, sizeof(want), "%.*s x", i, "0123456789abcdefghijkl");
		assert_string_equal(dcd(in), want);
	}
	assert_string_equal(dcd("=?UTF-8?Q?0123456789abcdefg hi?="),
	    "=?UTF-8?Q?0123456789abcdefg hi?=");
	/* base64 four digits at a time: a long word, padding after two
	 * groups, a bad byte in the third (the word shown as it is) */
	assert_string_equal(dcd("=?UTF-8?B?SGVsbG8gV29ybGQgSGVsbG8gV29ybGQ=?="),
	    "Hello World Hello World");
	assert_string_equal(dcd("=?UTF-8?B?SGVsbG8gV28=?="), "Hello Wo");
	assert_string_equal(
	    dcd("=?UTF-8?B?SGVsbG8gV2!y?="), "=?UTF-8?B?SGVsbG8gV2!y?=");
}

static void
whitespace(void **state)
{
	(void)state;
	/* between two words: dropped; between word and text: kept */
	assert_string_equal(dcd("=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?="), "ab");
	assert_string_equal(
	    dcd("=?ISO-8859-1?Q?a?=\r\n   =?ISO-8859-1?Q?b?="), "ab");
	assert_string_equal(dcd("=?ISO-8859-1?Q?a?= b"), "a b");
	assert_string_equal(dcd("a =?ISO-8859-1?Q?b?="), "a b");
	assert_string_equal(dcd("(=?ISO-8859-1?Q?a?=)"), "(a)");
	/* an underscore in a word is a space even at its edge */
	assert_string_equal(
	    dcd("=?ISO-8859-1?Q?a_?= =?ISO-8859-1?Q?_b?="), "a  b");
}

static void
split_multibyte(void **state)
{
	(void)state;
	/* "日本" (E6 97 A5 E6 9C AC) split inside the first character */
	assert_string_equal(dcd("=?UTF-8?B?5pc=?= =?UTF-8?B?peacrA==?="),
	    "\xe6\x97\xa5\xe6\x9c\xac");
	/* ISO-2022-JP: shift state carried across words */
	assert_string_equal(
	    dcd("=?ISO-2022-JP?B?GyRCRnw=?= =?ISO-2022-JP?B?S1wbKEI=?="),
	    "\xe6\x97\xa5\xe6\x9c\xac");
	/* Shift_JIS split between words */
	assert_string_equal(
	    dcd("=?Shift_JIS?Q?=93?= =?Shift_JIS?Q?=FA?="), "\xe6\x97\xa5");
}

static void
charsets(void **state)
{
	(void)state;
	/* an alias glibc lacks: 한 = B0 A1 in CP949/EUC-KR */
	assert_string_equal(dcd("=?ks_c_5601-1987?Q?=C7=D1?="), "\xed\x95\x9c");
	/* unknown: the word stays as it was */
	assert_string_equal(
	    dcd("=?x-nonsense?Q?abc?="), "=?x-nonsense?Q?abc?=");
	/* the space before a word that stays undecoded stays too */
	assert_string_equal(
	    dcd("=?UTF-8?Q?a?= =?x-nonsense?Q?b?="), "a =?x-nonsense?Q?b?=");
	assert_string_equal(
	    dcd("=?UTF-8?Q?a?= =?UTF-8?B?!!?="), "a =?UTF-8?B?!!?=");
	/* unknown-8bit: the raw rule (UTF-8, else CP1252) */
	assert_string_equal(dcd("=?unknown-8bit?Q?caf=E9?="), "caf\xc3\xa9");
	assert_string_equal(dcd("=?unknown-8bit?Q?caf=C3=A9?="), "caf\xc3\xa9");
	/* windows-1252 letters Latin-1 lacks */
	assert_string_equal(
	    dcd("=?windows-1252?Q?=80=93?="), "\xe2\x82\xac\xe2\x80\x9c");
}

static void
broken(void **state)
{
	(void)state;
	/* bad base64: left undecoded */
	assert_string_equal(dcd("=?UTF-8?B?!!!?="), "=?UTF-8?B?!!!?=");
	/* not words: no end, spaces inside, unknown encoding */
	assert_string_equal(dcd("=?UTF-8?Q?abc"), "=?UTF-8?Q?abc");
	assert_string_equal(dcd("=?UTF-8?Q?a b?="), "=?UTF-8?Q?a b?=");
	assert_string_equal(dcd("=?UTF-8?X?abc?="), "=?UTF-8?X?abc?=");
	assert_string_equal(dcd("=??Q?abc?="), "=??Q?abc?=");
	/* invalid UTF-8 declared as UTF-8: U+FFFD for each bad byte */
	assert_string_equal(dcd("=?UTF-8?Q?a=FFb?="), "a\xef\xbf\xbd"
	                                              "b");
	/* a truncated multibyte character at the end of a run */
	assert_string_equal(
	    dcd("=?UTF-8?B?5pc=?="), "\xef\xbf\xbd\xef\xbf\xbd");
	/* a bad '=' escape in Q is literal */
	assert_string_equal(dcd("=?ISO-8859-1?Q?100=ZZ?="), "100=ZZ");
}

/* iconv's own output is checked: glibc's UTF-8 decoder (reached by a
 * charset named "utf-8//") and UCS-4 pass code points past U+10FFFF,
 * which it writes as 4 to 6 bytes that are not UTF-8 (found by the
 * decode fuzz target). Each is one U+FFFD. */
static void
beyond_unicode(void **state)
{
	(void)state;
	assert_string_equal(dcd("=?utf-8//?Q?a=F4=90=80=80b?="), "a\xef\xbf\xbd"
	                                                         "b");
	assert_string_equal(
	    dcd("=?utf-8/?Q?=F8=88=80=80=80?="), "\xef\xbf\xbd");
	assert_string_equal(dcd("=?UCS-4BE?B?ABEAAAAAAEE=?="), "\xef\xbf\xbd"
	                                                       "A");
	assert_string_equal(dcd("=?UCS-4BE?B?f////w==?="), "\xef\xbf\xbd");
	/* what is Unicode still passes */
	assert_string_equal(
	    dcd("=?utf-8//?Q?=F4=8F=BF=BF?="), "\xf4\x8f\xbf\xbf");
}

static void
undeclared_8bit(void **state)
{
	(void)state;
	assert_string_equal(dcd("caf\xc3\xa9"), "caf\xc3\xa9"); /* UTF-8 */
	assert_string_equal(dcd("caf\xe9"), "caf\xc3\xa9");     /* CP1252 */
	assert_string_equal(
	    dcd("\x93quoted\x94"), "\xe2\x80\x9cquoted\xe2\x80\x9d");
	/* bytes CP1252 leaves undefined */
	assert_string_equal(dcd("a\x81z"), "a\xef\xbf\xbdz");
}

static void
controls(void **state)
{
	static const char nul[] = "=?UTF-8?Q?a=00b=0D=0Ac=1Bd=7F?=";

	(void)state;
	assert_string_equal(dcd(nul), "a b  c?d?");
	assert_string_equal(dcd("tab\there"), "tab here");
	/* text is checked eight bytes at a time: a control byte at each
	 * place of a word of eight, after a longer run, and 8-bit text */
	for (int i = 0; i < 8; i++) {
		char in[32], want[32];

		snprintf(in, sizeof(in), "%.*s%c%sxyz", i, "abcdefgh",
		    i % 2 ? '\x7f' : '\t', "01234567" + i);
		snprintf(want, sizeof(want), "%.*s%c%sxyz", i, "abcdefgh",
		    i % 2 ? '?' : ' ', "01234567" + i);
		assert_string_equal(dcd(in), want);
	}
	assert_string_equal(dcd("0123456789abcdef\x01"), "0123456789abcdef?");
	assert_string_equal(dcd("caf\xc3\xa9 au lait\r\nsucr\xc3\xa9"),
	    "caf\xc3\xa9 au lait  sucr\xc3\xa9");
}

static void
cutting(void **state)
{
	char out[6];
	size_t n;

	(void)state;
	/* "ééé" is 6 bytes: only two fit with the NUL */
	n = md_decode_text(
	    &dec, "=?UTF-8?Q?=C3=A9=C3=A9=C3=A9?=", 30, out, sizeof(out));
	assert_int_equal(n, 4);
	assert_string_equal(out, "\xc3\xa9\xc3\xa9");
	n = md_decode_text(&dec, "caf\xe9 caf\xe9", 9, out, sizeof(out));
	assert_true(n <= 5);
	assert_int_equal(out[n], '\0');
	/* plain text longer than the room: cut, not dropped */
	n = md_decode_text(&dec, "Hello world", 11, out, sizeof(out));
	assert_int_equal(n, 5);
	assert_string_equal(out, "Hello");
	n = md_decode_text(
	    &dec, "\xc3\xa9\xc3\xa9\xc3\xa9", 6, out, sizeof(out));
	assert_string_equal(out, "\xc3\xa9\xc3\xa9");
	assert_int_equal(md_decode_text(&dec, "abc", 3, out, 0), 0);
	assert_int_equal(md_decode_text(&dec, "abc", 3, out, 1), 0);
	assert_string_equal(out, "");
}

static void
descriptors_reused(void **state)
{
	struct md_decoder d;
	char out[64];

	(void)state;
	md_decoder_init(&d);
	for (int i = 0; i < 100; i++)
		md_decode_text(
		    &d, "=?ISO-8859-2?Q?=B1?=", 20, out, sizeof(out));
	assert_string_equal(out, "\xc4\x85");
	assert_int_equal(d.n, 1);
	/* more charsets than slots: still right */
	for (int i = 1; i <= 20; i++) {
		char w[64];

		snprintf(w, sizeof(w), "=?ISO-8859-%d?Q?A?=", i);
		md_decode_text(&d, w, strlen(w), out, sizeof(out));
		assert_string_equal(out, i == 12 || i > 16 ? w : "A");
	}
	assert_true(d.n <= MD_DECODER_SLOTS);
	md_decoder_free(&d);
}

/* ISO-8859-1 under its names, converted without iconv: what iconv
 * makes of every byte, and no descriptor opened; cut to whole
 * characters like the rest. */
static void
latin1_direct(void **state)
{
	static const char *const names[] = { "ISO-8859-1", "latin1",
		"iso_8859-1", "Iso8859-1" };
	char all[255], want[512], out[1024], w[1024];
	iconv_t cd = iconv_open("UTF-8", "ISO-8859-1");
	char *in = all, *op = want;
	size_t inleft = sizeof(all), oleft = sizeof(want);
	struct md_decoder d;

	(void)state;
	assert_true(cd != (iconv_t)-1);
	for (int c = 1; c < 256; c++)
		all[c - 1] = (char)c;
	assert_int_not_equal(iconv(cd, &in, &inleft, &op, &oleft), (size_t)-1);
	iconv_close(cd);
	md_decoder_init(&d);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = md_decode_charset(
		    &d, names[i], all, sizeof(all), out, sizeof(out));

		assert_int_equal(n, (size_t)(op - want));
		assert_memory_equal(out, want, n);
	}
	snprintf(w, sizeof(w), "=?latin1?Q?a=E9=FF?=");
	assert_int_equal(md_decode_text(&d, w, strlen(w), out, sizeof(out)), 5);
	assert_string_equal(out, "a\xc3\xa9\xc3\xbf");
	/* room for "a" and half of the e-acute: "a" alone */
	assert_int_equal(md_decode_text(&d, w, strlen(w), out, 3), 1);
	assert_string_equal(out, "a");
	assert_int_equal(d.n, 0);
	md_decoder_free(&d);
}

/* md_utf8_valid says what md_utf8_len reading one character after
 * another says, for every string of up to four of the bytes where
 * UTF-8's ranges begin and end, alone and after and before ASCII runs
 * (read eight bytes at a time) of every length. */
static int
valid_by_len(const char *s, size_t n)
{
	for (size_t i = 0, l; i < n; i += l)
		if ((l = md_utf8_len((const unsigned char *)s + i, n - i)) == 0)
			return 0;
	return 1;
}

static void
utf8_valid(void **state)
{
	static const unsigned char edge[] = { 0x00, 0x41, 0x7f, 0x80, 0x8f,
		0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1,
		0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff };
	const size_t ne = sizeof(edge);
	char b[32];

	(void)state;
	for (size_t len = 1; len <= 4; len++) {
		size_t total = 1;

		for (size_t k = 0; k < len; k++)
			total *= ne;
		for (size_t v = 0; v < total; v++) {
			size_t pre = len == 4 ? 0 : v % 10, post = v / 7 % 10;

			memset(b, 'a', sizeof(b));
			for (size_t k = 0, x = v; k < len; k++, x /= ne)
				b[pre + k] = (char)edge[x % ne];
			assert_int_equal(md_utf8_valid(b, pre + len),
			    valid_by_len(b, pre + len));
			assert_int_equal(md_utf8_valid(b, pre + len + post),
			    valid_by_len(b, pre + len + post));
		}
	}
	/* the longest of each, and each cut short */
	assert_true(md_utf8_valid("\xf4\x8f\xbf\xbf", 4));
	assert_false(md_utf8_valid("\xf4\x8f\xbf", 3));
	assert_true(md_utf8_valid("\xef\xbf\xbf\xc2\x80", 5));
	assert_false(md_utf8_valid("\xef\xbf\xbf\xc2", 4));
	assert_true(md_utf8_valid("", 0));
}

/* Printable ASCII without a '=' is given back as it is, checked eight
 * bytes at a time: a byte that is not so at each place gives what the
 * byte-at-a-time decoding gives (which a '=' at the end forces). */
static void
plain_fast(void **state)
{
	static const char odd[] = { '\0', '\t', '\n', 0x1f, 0x7f, '=', '?',
		(char)0x80, (char)0xc3, (char)0xff, ' ', '~' };
	char in[40], in2[41], a[256], b[256];

	(void)state;
	for (size_t len = 1; len <= 24; len++)
		for (size_t at = 0; at < len; at++)
			for (size_t k = 0; k < sizeof(odd); k++) {
				size_t na, nb;

				memset(in, 'x', len);
				in[at] = odd[k];
				memcpy(in2, in, len);
				in2[len] = '=';
				na =
				    md_decode_text(&dec, in, len, a, sizeof(a));
				nb = md_decode_text(
				    &dec, in2, len + 1, b, sizeof(b));
				assert_int_equal(nb, na + 1);
				assert_memory_equal(a, b, na);
				assert_int_equal(b[na], '=');
			}
}

/* ISO-8859-1 with room for two bytes a character (all at once), or
 * less: the same whole characters, as many as fit. */
static void
latin1_room(void **state)
{
	char in[40], full[128], out[128];

	(void)state;
	for (size_t len = 1; len <= sizeof(in); len++) {
		size_t n;

		for (size_t i = 0; i < len; i++)
			in[i] = (char)(i % 3 ? 'a' + i : 0xa0 + i);
		n = md_decode_charset(
		    &dec, "latin1", in, len, full, sizeof(full));
		for (size_t size = 1; size <= 2 * len + 2; size++) {
			size_t want = 0, got;

			/* the characters that fit before the NUL */
			for (size_t i = 0, l; i < n; i += l) {
				l = (unsigned char)full[i] < 0x80 ? 1 : 2;
				if (i + l >= size)
					break;
				want = i + l;
			}
			got = md_decode_charset(
			    &dec, "latin1", in, len, out, size);
			assert_int_equal(got, want);
			assert_memory_equal(out, full, got);
			assert_int_equal(out[got], '\0');
		}
	}
}

/* Q words' hex digits are read from a table: every pair of printable
 * bytes after a '=' gives what md_hexval reading them says (a byte when
 * both are hex digits of either case, else the three as they are). */
static void
q_hex(void **state)
{
	(void)state;
	for (int c = 0x21; c < 0x7f; c++)
		for (int e = 0x21; e < 0x7f; e++) {
			char in[32], want[16];
			int hi = md_hexval(c), lo = md_hexval(e);
			size_t n = 0;

			if (c == '?' || e == '?')
				continue;
			snprintf(in, sizeof(in), "=?UTF-8?Q?a=%c%c?=", c, e);
			want[n++] = 'a';
			if (hi >= 0 && lo >= 0) {
				unsigned char b = (unsigned char)(hi << 4 | lo);

				/* a lone byte: ASCII, else U+FFFD */
				if (b >= 0x80)
					n += (size_t)sprintf(
					    want + n, "\xef\xbf\xbd");
				else if (b == '\t' || b == '\r' || b == '\n' ||
				         b == '\0')
					want[n++] = ' ';
				else
					want[n++] = b < 0x20 || b == 0x7f
					                ? '?'
					                : (char)b;
			} else {
				want[n++] = '=';
				want[n++] = c == '_' ? ' ' : (char)c;
				want[n++] = e == '_' ? ' ' : (char)e;
			}
			want[n] = '\0';
			assert_string_equal(dcd(in), want);
		}
}

/* Runs of adjacent words: a word in another charset ends the run (also
 * when it does not decode: then it is shown as it is, after the run),
 * iconv's charsets among them, and runs longer than a run holds. */
static void
runs(void **state)
{
	static char in[8192], want[8192], out[8192];
	size_t n = 0, w = 0;

	(void)state;
	assert_string_equal(
	    dcd("=?UTF-8?Q?a?= =?ISO-8859-1?Q?=E9?="), "a\xc3\xa9");
	assert_string_equal(dcd("=?ISO-8859-2?Q?=B1?= =?UTF-8?Q?=C3=A9?= "
	                        "=?ISO-8859-2?Q?=B1?="),
	    "\xc4\x85\xc3\xa9\xc4\x85");
	assert_string_equal(dcd("=?UTF-8?Q?a?= =?ISO-8859-1?B?!!!!?="),
	    "a =?ISO-8859-1?B?!!!!?=");
	assert_string_equal(dcd("=?ISO-8859-2?Q?=B1?= =?UTF-8?B?!!!!?= x"),
	    "\xc4\x85 =?UTF-8?B?!!!!?= x");
	assert_string_equal(dcd("=?UTF-8?Q?a?= =?NO-SUCH-CHARSET?Q?b?="),
	    "a =?NO-SUCH-CHARSET?Q?b?=");
	/* 150 words of 40 bytes in one charset: more than a run holds */
	for (int i = 0; i < 150; i++) {
		n += (size_t)sprintf(
		    in + n, "%s=?UTF-8?Q?%040d?=", i ? " " : "", i);
		w += (size_t)sprintf(want + w, "%040d", i);
	}
	assert_int_equal(md_decode_text(&dec, in, n, out, sizeof(out)), w);
	assert_string_equal(out, want);
}

static int
setup(void **state)
{
	(void)state;
	md_decoder_init(&dec);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	md_decoder_free(&dec);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(words),
		cmocka_unit_test(whitespace),
		cmocka_unit_test(split_multibyte),
		cmocka_unit_test(charsets),
		cmocka_unit_test(broken),
		cmocka_unit_test(beyond_unicode),
		cmocka_unit_test(undeclared_8bit),
		cmocka_unit_test(controls),
		cmocka_unit_test(cutting),
		cmocka_unit_test(latin1_direct),
		cmocka_unit_test(descriptors_reused),
		cmocka_unit_test(utf8_valid),
		cmocka_unit_test(plain_fast),
		cmocka_unit_test(latin1_room),
		cmocka_unit_test(q_hex),
		cmocka_unit_test(runs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
