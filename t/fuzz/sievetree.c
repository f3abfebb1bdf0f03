/*
 * Fuzz target "sievetree": the reader of sieve-cache.c's records
 * (md_sieve_tree_decode) over any bytes. The input is the record; the
 * script text it must be a record of is taken from the record's own
 * text field (its length from the header, as far as the input goes),
 * so that the fuzzer need not guess it. The version field is set to
 * this build's before reading: the seeds (records of corpus scripts,
 * t/fuzz/corpus/sievetree/) outlive a release.
 *
 * Invariants:
 *  - the reader either refuses the record, or the tree it reads
 *    encodes to exactly the same words;
 *  - md_sieve_check of that tree returns 0, or -1 with an error that
 *    says what (a syntax, validity or limit error, with a message);
 *  - a tree that checks runs over a fixed small message, giving at
 *    least one action and at most MD_SIEVE_ACTIONS + 1, or failing as
 *    a runtime or limit error.
 *
 * Known faults of the reader, tolerated until sieve-cache.c is fixed
 * (t/unit/test-sieve-cache.c's padding and name_nul, both TODO): it
 * reads a record whose text NUL or padding, or the padding after its
 * strings, is not zero, and a node name holding a NUL; both encode to
 * other words. And its writer copies an empty array from NULL (no
 * nodes, or no arguments: undefined, UBSan stops there), so such a
 * tree is not encoded again (test-sieve-cache.c's empty_arrays).
 */
#include "fuzz.h"

#define HEAD_WORDS 17   /* magic 2, order 1, version 8, counts 6 */
#define VERSION_AT 3    /* its word */
#define VERSION_ROOM 32 /* its bytes */
enum { H_TEXT, H_CMDS, H_NODES, H_ARGS, H_STRS, H_BYTES };

static struct md_decoder dec;
static int dec_ready;

static const char msg[] = "From: Ann <ann@example.org>\r\n"
                          "To: bob+box@example.net\r\n"
                          "Subject: [project7] the ticket #88 is urgent\r\n"
                          "List-Id: <dev.lists.example.org>\r\n"
                          "X-Spam-Score: 9\r\n"
                          "Date: Wed, 2 Aug 2023 06:30:05 +0000\r\n"
                          "\r\n"
                          "click here to claim\r\n";

/* Is any of the N bytes at P not zero? */
static int
nonzero(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != '\0')
			return 1;
	return 0;
}

/* Does a node of S have a name holding a NUL: a name shorter, for
 * strlen(3), than the record W says? The strings are in the writer's
 * order: breadth-first, each node's name then its arguments'. */
static int
name_with_nul(const struct md_sieve_script *s, const uint32_t *lens)
{
	const struct md_sieve_node **q;
	size_t n = 0, str = 0, cap = s->ncmds + 1;
	int found = 0;

	FUZZ_CHECK((q = malloc(cap * sizeof(*q))) != NULL);
	for (size_t i = 0; i < s->ncmds; i++)
		q[n++] = &s->cmds[i];
	for (size_t i = 0; i < n && !found; i++) {
		const struct md_sieve_node *x = q[i];

		found = strlen(x->name) != lens[str++];
		for (size_t k = 0; k < x->nargs; k++)
			str += x->args[k].n;
		if (cap - n < (size_t)x->ntests + x->nblock) {
			cap = (cap + x->ntests + x->nblock) * 2;
			FUZZ_CHECK((q = realloc(q, cap * sizeof(*q))) != NULL);
		}
		for (size_t k = 0; k < x->ntests; k++)
			q[n++] = &x->tests[k];
		for (size_t k = 0; k < x->nblock; k++)
			q[n++] = &x->block[k];
	}
	free(q);
	return found;
}

/* Is the record W of N words, read into S, one of the known faults? */
static int
known_fault(const struct md_sieve_script *s, const uint32_t *w, size_t n)
{
	const uint32_t *h = w + HEAD_WORDS - 6;
	size_t tw = (h[H_TEXT] + 4) / 4, at;
	const char *text = (const char *)(w + HEAD_WORDS);

	if (nonzero(text + h[H_TEXT], tw * 4 - h[H_TEXT]))
		return 1;
	at = HEAD_WORDS + tw + (size_t)h[H_NODES] * 6 + (size_t)h[H_ARGS] * 7;
	if (nonzero((const char *)(w + at + h[H_STRS]) + h[H_BYTES],
	        (n - at - h[H_STRS]) * 4 - h[H_BYTES]))
		return 1;
	return name_with_nul(s, w + at);
}

static void
run(const struct md_sieve_script *s)
{
	struct md_sieve_result r = { 0 };
	struct md_sieve_err e;
	struct md_header h;
	struct md_sieve_msg m = { .h = &h,
		.d = &dec,
		.size = sizeof(msg) - 1,
		.msg = msg,
		.msglen = sizeof(msg) - 1,
		.from = "ann@example.org",
		.to = "bob+box@example.net",
		.now = 1690957805 };

	md_header_init(&h);
	FUZZ_CHECK(md_header_parse(&h, msg, sizeof(msg) - 1) == 0);
	if (md_sieve_run(s, &m, &r, &e) == 0)
		FUZZ_CHECK(r.n >= 1 && r.n <= MD_SIEVE_ACTIONS + 1);
	else
		FUZZ_CHECK(
		    e.kind == MD_SIEVE_RUNTIME || e.kind == MD_SIEVE_LIMIT);
	md_sieve_result_free(&r);
	md_header_free(&h);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char version[VERSION_ROOM] = { 0 };
	size_t n = size / 4, len = 0, m;
	struct md_sieve_script s = { 0 };
	struct md_sieve_err e;
	uint32_t *w, *again;
	char *text;

	if (!dec_ready) {
		md_decoder_init(&dec);
		dec_ready = 1;
	}
	/* Exactly the input's words, no more: a read past them is seen. */
	w = (uint32_t *)fuzz_dup(data, n * 4);
	if (n >= HEAD_WORDS) {
		strncpy(version, MDKIT_VERSION, sizeof(version) - 1);
		memcpy(w + VERSION_AT, version, VERSION_ROOM);
		len = w[HEAD_WORDS - 6 + H_TEXT];
		if (len > (n - HEAD_WORDS) * 4)
			len = (n - HEAD_WORDS) * 4;
	}
	text = fuzz_dup(
	    n >= HEAD_WORDS ? (const char *)(w + HEAD_WORDS) : "", len);
	if (md_sieve_tree_decode(&s, text, len, w, n) < 0) {
		md_sieve_free(&s);
		goto out;
	}
	if (w[HEAD_WORDS - 6 + H_NODES] > 0 && w[HEAD_WORDS - 6 + H_ARGS] > 0) {
		FUZZ_CHECK(
		    md_sieve_tree_encode(&s, text, len, &again, &m) == 0);
		FUZZ_CHECK((m == n && memcmp(again, w, n * 4) == 0) ||
		           known_fault(&s, w, n));
		free(again);
	}
	if (md_sieve_check(&s, &e) == 0)
		run(&s);
	else
		FUZZ_CHECK(e.msg[0] != '\0' && (e.kind == MD_SIEVE_SYNTAX ||
		                                   e.kind == MD_SIEVE_INVALID ||
		                                   e.kind == MD_SIEVE_LIMIT));
	md_sieve_free(&s);
out:
	free(text);
	free(w);
	return 0;
}
