/*
 * Fuzz target "format": md-list's --format language (format.c). The
 * input is a byte of options (bits 0-3 and 4-7: the sizes of two small
 * buffers), 8 bytes of the message's size, 8 of its mtime, 8 of its
 * Date:, then the format text up to a NUL, then the message's path,
 * file name, folder, keywords and its text fields (MD_S_FROM on), one
 * after the other, NUL apart.
 *
 * Invariants:
 *  - md_format_compile accepts the text, or refuses it with EINVAL (or
 *    ENOMEM), a reason, and an offset and length inside the text;
 *    md_format_free then releases what it made (LeakSanitizer);
 *  - what it needs of a message is only MD_NEED_* bits;
 *  - md_format_render returns the same length whatever the buffer (none
 *    at all, a small one, a big one), NUL-terminates what it writes, and
 *    a cut rendering is a prefix of the whole; rendering again gives the
 *    same bytes;
 *  - a text without '%' or '\' renders as itself;
 *  - a single escape with a width renders exactly that many characters
 *    (md_utf8_len's, a stray byte counting as one).
 */
#include "fuzz.h"

#define BIG 64 /* cut renderings: SMALL is at most 46 bytes */

static int64_t
take_int(struct fuzz_in *in)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | fuzz_byte(in);
	return (int64_t)v;
}

/* Characters of the N bytes at P as put_width counts them. */
static size_t
chars(const char *p, size_t n)
{
	size_t c = 0;

	for (size_t i = 0, l; i < n; i += l ? l : 1, c++)
		l = md_utf8_len((const unsigned char *)p + i, n - i);
	return c;
}

static void
check_render(const struct md_format *f, const struct md_listed *m,
    struct md_clock *c, const char *text, size_t small)
{
	static char cut[BIG];
	char *whole, *again;
	size_t n, k;

	/* The length first, then buffers that hold it: a long format of
	 * wide fields renders more than any fixed buffer. */
	n = md_format_render(f, m, c, NULL, 0);
	whole = malloc(n + 1);
	again = malloc(n + 1);
	FUZZ_CHECK(whole != NULL && again != NULL);
	FUZZ_CHECK(md_format_render(f, m, c, whole, n + 1) == n);
	FUZZ_CHECK(whole[n] == '\0');
	k = md_format_render(f, m, c, cut, small);
	FUZZ_CHECK(k == n);
	k = n < small ? n : small - 1;
	FUZZ_CHECK(cut[k] == '\0' && memcmp(cut, whole, k) == 0);
	FUZZ_CHECK(md_format_render(f, m, c, again, n + 1) == n &&
	           memcmp(again, whole, n + 1) == 0);
	if (strpbrk(text, "%\\") == NULL)
		FUZZ_CHECK(n == strlen(text) && memcmp(whole, text, n) == 0);
	if (f->n == 1 && f->item[0].kind != MD_FMT_TEXT && f->item[0].width > 0)
		FUZZ_CHECK(chars(whole, n) == (size_t)f->item[0].width);
	free(whole);
	free(again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	unsigned opt = fuzz_byte(&in);
	size_t small = (opt & 0x0f) * 3 + 1, tiny = (opt >> 4) + 1;
	struct md_listed m = { 0 };
	char *text, *path, *name, *folder, *kw, *field[MD_S_N];
	struct md_compile_err ce = { 0 };
	struct md_format f;
	struct md_clock c;
	int rc;

	m.s.size = (uint64_t)take_int(&in);
	m.s.mtime = take_int(&in);
	m.s.date = take_int(&in);
	text = fuzz_take_str(&in);
	path = fuzz_take_str(&in);
	name = fuzz_take_str(&in);
	folder = fuzz_take_str(&in);
	kw = fuzz_take_str(&in);
	m.path = path;
	m.pathlen = strlen(path);
	m.name = name;
	m.folder = folder;
	m.kw = kw;
	m.kwn = strlen(kw);
	for (int i = 0; i < MD_S_N; i++) {
		field[i] = fuzz_take_str(&in);
		m.s.s[i].p = field[i];
		m.s.s[i].n = strlen(field[i]);
		if (m.s.s[i].n >= MD_SUMMARY_FIELD) /* as a summary holds */
			m.s.s[i].n = MD_SUMMARY_FIELD - 1;
	}

	md_clock_init(&c);
	errno = 0;
	rc = md_format_compile(&f, text, &ce);
	if (rc == -1) {
		FUZZ_CHECK(errno == EINVAL || errno == ENOMEM);
		if (errno == EINVAL)
			FUZZ_CHECK(ce.why != NULL && ce.off <= strlen(text) &&
			           ce.len <= strlen(text) - ce.off);
	} else {
		FUZZ_CHECK(rc == 0);
		FUZZ_CHECK((f.need & ~(MD_NEED_FIELDS | MD_NEED_SUMMARY |
		                         MD_NEED_FOLDER | MD_NEED_KEYWORDS |
		                         MD_NEED_STAT)) == 0);
		/* what needs the stat reads the summary too */
		FUZZ_CHECK(
		    !(f.need & MD_NEED_STAT) || (f.need & MD_NEED_SUMMARY));
		check_render(&f, &m, &c, text, small);
		check_render(&f, &m, &c, text, tiny);
	}
	md_format_free(&f);

	for (int i = 0; i < MD_S_N; i++)
		free(field[i]);
	free(kw);
	free(folder);
	free(name);
	free(path);
	free(text);
	return 0;
}
