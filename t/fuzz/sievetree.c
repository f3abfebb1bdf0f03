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
	FUZZ_CHECK(md_sieve_tree_encode(&s, text, len, &again, &m) == 0);
	FUZZ_CHECK(m == n && memcmp(again, w, n * 4) == 0);
	free(again);
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
