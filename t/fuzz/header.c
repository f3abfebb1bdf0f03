/*
 * Fuzz target "header": the header reader (header.c). The input, through
 * fuzz_expand (so that headers pass the first read's 4 KiB and the 256
 * KiB bound), is a message.
 *
 * Invariants:
 *  - md_header_parse indexes fields inside the header, in order, each
 *    name printable ASCII without ':', each value inside the header;
 *  - the header is self-delimiting: parsing just its bytes again gives
 *    the same fields;
 *  - md_header_read of the message from a file gives the same header as
 *    md_header_parse of its first MD_HEADER_MAX bytes;
 *  - a value (md_header_value, md_header_field) has no CR, LF or NUL and
 *    no blanks at either end; cut to a smaller buffer it is a prefix of
 *    the whole; md_header_field finds the first field of a name, and the
 *    Nth, as md_header_find does.
 */
#include "fuzz.h"

static char whole[MD_HEADER_MAX + 1], cut[MD_HEADER_MAX + 1];

static int
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

static void
check_fields(const struct md_header *h, size_t len)
{
	FUZZ_CHECK(h->len <= len);
	for (size_t i = 0; i < h->nf; i++) {
		const struct md_field *f = &h->f[i];

		FUZZ_CHECK(f->namelen > 0);
		FUZZ_CHECK(f->name + f->namelen < f->value);
		FUZZ_CHECK(f->value + f->valuelen <= h->len);
		FUZZ_CHECK(i == 0 ||
		           h->f[i - 1].value + h->f[i - 1].valuelen <= f->name);
		FUZZ_CHECK(h->buf[f->value - 1] == ':');
		for (size_t k = 0; k < f->namelen; k++) {
			unsigned char c = (unsigned char)h->buf[f->name + k];

			FUZZ_CHECK(c > 32 && c < 127 && c != ':');
		}
	}
}

static int
same_fields(const struct md_header *a, const struct md_header *b)
{
	if (a->nf != b->nf || a->len != b->len)
		return 0;
	for (size_t i = 0; i < a->nf; i++)
		if (memcmp(&a->f[i], &b->f[i], sizeof(a->f[i])) != 0)
			return 0;
	return 1;
}

/* Value I, whole and cut to SMALL bytes. */
static void
check_value(const struct md_header *h, size_t i, size_t small)
{
	size_t n = md_header_value(h, i, whole, sizeof(whole)), k;

	FUZZ_CHECK(n < sizeof(whole) && n == strlen(whole));
	FUZZ_CHECK(n <= h->f[i].valuelen);
	FUZZ_CHECK(strpbrk(whole, "\r\n") == NULL);
	FUZZ_CHECK(n == 0 || (!is_wsp(whole[0]) && !is_wsp(whole[n - 1])));
	k = md_header_value(h, i, cut, small);
	FUZZ_CHECK(small == 0 || (k < small && k == strlen(cut)));
	FUZZ_CHECK(k <= n && memcmp(cut, whole, k) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	size_t small = fuzz_byte(&in), len;
	char *msg = fuzz_expand(in.p, in.n, &len), *copy;
	struct md_header h, again, rd, rf;
	static const char *const names[] = { "From", "Subject", "Date",
		"Message-ID", "To", "Cc", "References", "In-Reply-To",
		"List-Id", "Received", "Status", "X-Status", "Content-Type",
		"Return-Path", "Delivered-To", "X-Original-To", "MIME-Version",
		"X" };
	long idx[sizeof(names) / sizeof(names[0])];
	const size_t nskip =
	    sizeof(names) / sizeof(names[0]) - MD_HEADER_FIND_MAX;
	int fd;

	md_header_init(&h);
	md_header_init(&again);
	md_header_init(&rd);
	md_header_init(&rf);
	FUZZ_CHECK(md_header_parse(&h, msg, len) == 0);
	check_fields(&h, len);

	/* its own bytes alone, in a buffer of just that size */
	copy = fuzz_dup(msg, h.len);
	FUZZ_CHECK(md_header_parse(&again, copy, h.len) == 0);
	FUZZ_CHECK(same_fields(&h, &again));

	for (size_t i = 0; i < h.nf; i++)
		check_value(&h, i, small);

	/* every field by name: the first of its name, then the Nth */
	for (size_t i = 0; i < h.nf && i < 64; i++) {
		char name[256];
		size_t nl = h.f[i].namelen, nth = 0;
		const char *nm[1] = { name };
		long first;

		if (nl >= sizeof(name))
			continue;
		memcpy(name, h.buf + h.f[i].name, nl);
		name[nl] = '\0';
		md_header_find(&h, nm, 1, &first);
		FUZZ_CHECK(first >= 0 && (size_t)first <= i);
		for (size_t j = 0; j < i; j++)
			nth += h.f[j].namelen == nl &&
			       strncasecmp(h.buf + h.f[j].name, name, nl) == 0;
		FUZZ_CHECK(nth > 0 || (size_t)first == i);
		FUZZ_CHECK(md_header_field(&h, name, nth, cut, sizeof(cut)) ==
		           (int)md_header_value(&h, i, whole, sizeof(whole)));
		FUZZ_CHECK(strcmp(cut, whole) == 0);
	}
	md_header_find(&h, names, sizeof(names) / sizeof(names[0]), idx);
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		int r = md_header_field(&h, names[k], 0, cut, sizeof(cut));

		FUZZ_CHECK((r == -1) == (idx[k] == -1));
		FUZZ_CHECK(
		    r == -1 || r == (int)md_header_value(&h, (size_t)idx[k],
		                        whole, sizeof(whole)));
	}

	/* read from a file: what the parse of its first bytes gives */
	fd = fuzz_memfd(msg, len);
	FUZZ_CHECK(md_header_read(&rd, fd) == 0);
	close(fd);
	if (len > MD_HEADER_MAX)
		FUZZ_CHECK(md_header_parse(&again, msg, MD_HEADER_MAX) == 0);
	else
		FUZZ_CHECK(md_header_parse(&again, msg, len) == 0);
	FUZZ_CHECK(same_fields(&rd, &again));
	FUZZ_CHECK(memcmp(rd.buf, msg, rd.len) == 0);

	/* read looking for the last MD_HEADER_FIND_MAX of NAMES (as many
	 * as it takes), stopping after the last: each found where the whole
	 * read has it first, with the same value */
	fd = fuzz_memfd(msg, len);
	FUZZ_CHECK(md_header_read_find(
	               &rf, fd, names + nskip, MD_HEADER_FIND_MAX, idx) == 0);
	close(fd);
	for (size_t k = 0; k < MD_HEADER_FIND_MAX; k++) {
		int r =
		    md_header_field(&rd, names[nskip + k], 0, cut, sizeof(cut));

		FUZZ_CHECK((r == -1) == (idx[k] == -1));
		FUZZ_CHECK(
		    r == -1 || (r == (int)md_header_value(&rf, (size_t)idx[k],
		                         whole, sizeof(whole)) &&
		                   strcmp(cut, whole) == 0));
	}
	md_header_free(&rf);

	md_header_free(&h);
	md_header_free(&again);
	md_header_free(&rd);
	free(copy);
	free(msg);
	return 0;
}
