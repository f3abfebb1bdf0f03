/*
 * Fuzz target "quota": Maildir++ quota (quota.c): the maildirsize reader
 * over a file's bytes, the definition parser, and the arithmetic that
 * decides whether mail fits. The input is a maildirsize file (through
 * fuzz_expand, so that it can pass 5120 bytes); its first line is also a
 * definition for md_quota_parse.
 *
 * Invariants:
 *  - md_quota_read gives a known verdict, a bad line no further than the
 *    file's lines go, and for a sound file: a first line without NUL,
 *    every line ended by LF (no CR before it), each after the first two
 *    numbers; its sums are those strtoll(3)
 *    reads, not below zero, and there is at least one usage line;
 *  - md_quota_parse -> md_quota_format -> md_quota_parse gives the same
 *    limits, each below 2^63;
 *  - md_quota_over never overflows (UBSan), and is monotone: more bytes
 *    never fit where fewer did not.
 */
#include <inttypes.h>

#include "fuzz.h"

static void
check_sound(const char *buf, size_t len, const struct md_quota *q)
{
	int64_t bytes = 0, count = 0;
	long lines = 0;
	const char *p = memchr(buf, '\n', len);

	FUZZ_CHECK(len > 0 && len < 5120 && buf[len - 1] == '\n');
	for (size_t i = 1; i < len; i++)
		FUZZ_CHECK(buf[i] != '\n' || buf[i - 1] != '\r');
	FUZZ_CHECK(p != NULL && memchr(buf, '\0', (size_t)(p - buf)) == NULL);
	for (p++; p < buf + len; lines++) {
		const char *nl = memchr(p, '\n', (size_t)(buf + len - p));
		char line[5120], *end, *mid;
		long long a, b;

		FUZZ_CHECK(nl != NULL);
		memcpy(line, p, (size_t)(nl - p));
		line[nl - p] = '\0';
		FUZZ_CHECK(strchr(line, '+') == NULL);
		errno = 0;
		a = strtoll(line, &mid, 10);
		FUZZ_CHECK(mid != line && (*mid == ' ' || *mid == '\t'));
		b = strtoll(mid, &end, 10);
		FUZZ_CHECK(end != mid && errno == 0);
		end += strspn(end, " \t");
		FUZZ_CHECK(*end == '\0');
		FUZZ_CHECK(!__builtin_add_overflow(bytes, a, &bytes));
		FUZZ_CHECK(!__builtin_add_overflow(count, b, &count));
		p = nl + 1;
	}
	FUZZ_CHECK(lines == q->lines && lines > 0);
	FUZZ_CHECK(bytes == q->bytes && count == q->count);
	FUZZ_CHECK(bytes >= 0 && count >= 0);
}

static void
check_read(const char *buf, size_t len)
{
	struct md_quota q;
	long nlines = 1;
	int fd = fuzz_memfd(buf, len);

	memset(&q, 0xa5, sizeof(q));
	FUZZ_CHECK(md_quota_read(fd, &q) == 0);
	close(fd);
	FUZZ_CHECK(
	    q.verdict >= MD_QUOTA_SOUND && q.verdict <= MD_QUOTA_NEGATIVE);
	for (size_t i = 0; i < len && i < 5120; i++)
		nlines += buf[i] == '\n';
	FUZZ_CHECK(q.badline >= 0 && q.badline <= nlines);
	FUZZ_CHECK(q.max_bytes <= (uint64_t)INT64_MAX &&
	           q.max_count <= (uint64_t)INT64_MAX);
	FUZZ_CHECK(len < 5120 || q.verdict == MD_QUOTA_TOOBIG);
	if (q.verdict == MD_QUOTA_SOUND)
		check_sound(buf, len, &q);
}

static void
check_def(const char *def)
{
	struct md_quota q, r;
	char buf[64];
	int n;

	memset(&q, 0, sizeof(q));
	if (md_quota_parse(def, &q) == -1) {
		FUZZ_CHECK(errno == EINVAL);
		return;
	}
	FUZZ_CHECK(q.max_bytes <= (uint64_t)INT64_MAX &&
	           q.max_count <= (uint64_t)INT64_MAX);
	n = md_quota_format(&q, buf, sizeof(buf));
	FUZZ_CHECK(n > 0 && (size_t)n == strlen(buf));
	memset(&r, 0, sizeof(r));
	FUZZ_CHECK(md_quota_parse(buf, &r) == 0);
	FUZZ_CHECK(r.max_bytes == q.max_bytes && r.max_count == q.max_count);
}

/* md_quota_over with limits and sums from the input's first bytes. */
static void
check_over(const uint8_t *p, size_t n)
{
	struct md_quota q;
	uint64_t v[6] = { 0 };
	int64_t more;

	for (size_t i = 0; i < n && i < 48; i++)
		v[i / 8] |= (uint64_t)p[i] << (i % 8 * 8);
	memset(&q, 0, sizeof(q));
	q.max_bytes = v[0] >> 1;
	q.max_count = v[1] >> 1;
	q.bytes = (int64_t)v[2];
	q.count = (int64_t)v[3];
	more = (int64_t)v[4];
	if (md_quota_over(&q, more, 0) == 0 && more < INT64_MAX)
		FUZZ_CHECK(
		    md_quota_over(&q, more - (more > INT64_MIN), 0) == 0);
	md_quota_over(&q, (int64_t)v[5], (int64_t)v[4]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len;
	char *buf = fuzz_expand(data, size, &len), *def, *nl;

	check_read(buf, len);
	nl = memchr(buf, '\n', len);
	def = fuzz_str(buf, nl ? (size_t)(nl - buf) : len);
	check_def(def);
	check_over(data, size);
	free(def);
	free(buf);
	return 0;
}
