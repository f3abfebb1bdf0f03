/*
 * Fuzz target "sieve": a Sieve script through the lexer, parser and
 * checker (sieve-lex.c, sieve-parse.c, sieve-check.c), and when it
 * compiles, through the interpreter (sieve-run.c) over a message. The
 * input is the script, a NUL, then the message (its header and, for
 * body, its MIME parts); the envelope is fixed.
 *
 * Invariants:
 *  - a script that does not compile says why, as a syntax, validity or
 *    limit error with a place inside the script, and EINVAL;
 *  - compiling the same bytes again gives the same verdict and place;
 *  - a script that parses is encoded as sieve-cache.c's record, which
 *    reads back as a tree that encodes to the same words and that the
 *    checker gives the same verdict and place as the compile;
 *  - a run either fails as a runtime or limit error, or gives at least
 *    one action (something cancelled the implicit keep, or it is there)
 *    and at most MD_SIEVE_ACTIONS + 1, no folder stored in twice, no
 *    address redirected to twice;
 *  - the same run kept from run to run (md_sieve_msg.keep, as md-sieve
 *    runs over many messages), twice, gives the same verdict and actions.
 */
#include "fuzz.h"

static struct md_decoder dec;
static int dec_ready;

static void
check_place(const struct md_sieve_err *e, const char *src, size_t len)
{
	unsigned lines = 1;

	for (size_t i = 0; i < len; i++)
		lines += src[i] == '\n';
	FUZZ_CHECK(e->msg[0] != '\0');
	FUZZ_CHECK(e->line <= lines);
	FUZZ_CHECK(e->kind == MD_SIEVE_SYNTAX || e->kind == MD_SIEVE_INVALID ||
	           e->kind == MD_SIEVE_LIMIT);
}

static void
check_result(const struct md_sieve_result *r)
{
	FUZZ_CHECK(r->n >= 1 && r->n <= MD_SIEVE_ACTIONS + 1);
	for (size_t i = 0; i < r->n; i++)
		for (size_t k = i + 1; k < r->n; k++) {
			const struct md_sieve_action *a = &r->a[i],
			                             *b = &r->a[k];

			FUZZ_CHECK(!(
			    a->kind == MD_ACT_KEEP && b->kind == MD_ACT_KEEP));
			FUZZ_CHECK(!(a->kind == b->kind && a->arg && b->arg &&
			             strcmp(a->arg, b->arg) == 0));
		}
}

/* The parse of SRC through a record and back (sieve-cache.c), checked:
 * as the compile's verdict RC and error E. */
static void
check_record(const char *src, size_t len, int rc, const struct md_sieve_err *e)
{
	struct md_sieve_script p, d = { 0 };
	struct md_sieve_err pe;
	uint32_t *w, *copy, *again;
	size_t n, m;

	if (md_sieve_parse(&p, src, len, &pe) < 0)
		return;
	FUZZ_CHECK(md_sieve_tree_encode(&p, src, len, &w, &n) == 0);
	md_sieve_free(&p);
	copy = (uint32_t *)fuzz_dup(w, n * 4);
	FUZZ_CHECK(md_sieve_tree_decode(&d, src, len, copy, n) == 0);
	FUZZ_CHECK(md_sieve_tree_encode(&d, src, len, &again, &m) == 0);
	FUZZ_CHECK(m == n && memcmp(again, w, n * 4) == 0);
	FUZZ_CHECK(md_sieve_check(&d, &pe) == rc);
	FUZZ_CHECK(rc == 0 || (pe.line == e->line && pe.col == e->col &&
	                          pe.kind == e->kind));
	md_sieve_free(&d);
	free(again);
	free(copy);
	free(w);
}

/* Do A and B ask for the same actions? */
static int
same_result(const struct md_sieve_result *a, const struct md_sieve_result *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++) {
		const struct md_sieve_action *x = &a->a[i], *y = &b->a[i];

		if (x->kind != y->kind || x->implicit != y->implicit ||
		    (x->arg == NULL) != (y->arg == NULL) ||
		    (x->arg != NULL && strcmp(x->arg, y->arg) != 0) ||
		    (x->flags == NULL) != (y->flags == NULL) ||
		    (x->flags != NULL && strcmp(x->flags, y->flags) != 0))
			return 0;
	}
	return 1;
}

/* The run of S over M kept from run to run (md-sieve's -e and -t way:
 * md_sieve_msg.keep), twice: each as the plain run gave (RC, R, E). */
static void
check_kept(const struct md_sieve_script *s, struct md_sieve_msg *m, int rc,
    const struct md_sieve_result *r, const struct md_sieve_err *e)
{
	struct md_sieve_keep keep = { 0 };
	struct md_sieve_err ke;

	m->keep = &keep;
	for (int round = 0; round < 2; round++) {
		struct md_sieve_result kr = { 0 };
		int krc = md_sieve_run(s, m, &kr, &ke);

		FUZZ_CHECK(krc == rc);
		FUZZ_CHECK(rc != 0 || same_result(r, &kr));
		FUZZ_CHECK(rc == 0 || ke.kind == e->kind);
		md_sieve_result_free(&kr);
	}
	md_sieve_keep_free(&keep);
	m->keep = NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *src = (const char *)data;
	const uint8_t *nul = memchr(data, 0, size);
	size_t len = nul ? (size_t)(nul - data) : size;
	const char *msg = nul ? (const char *)nul + 1 : "";
	size_t mlen = nul ? size - len - 1 : 0;
	struct md_sieve_script s, again;
	struct md_sieve_result r = { 0 };
	struct md_sieve_err e, e2;
	struct md_header h;
	struct md_sieve_msg m = { .h = &h,
		.d = &dec,
		.size = mlen,
		.msg = msg,
		.msglen = mlen,
		.from = "sender@example.org",
		.to = "rcpt+box@example.net",
		.now = 1690957805 }; /* currentdate: a fixed moment */
	int rc, rc2, errno2;

	if (!dec_ready) {
		md_decoder_init(&dec);
		dec_ready = 1;
	}
	errno = 0;
	rc = md_sieve_compile(&s, src, len, &e);
	rc2 = md_sieve_compile(&again, src, len, &e2);
	FUZZ_CHECK(rc == rc2);
	errno2 = errno; /* the compile's, looked at below */
	check_record(src, len, rc, &e);
	errno = errno2;
	if (rc != 0) {
		FUZZ_CHECK(errno == EINVAL);
		check_place(&e, src, len);
		FUZZ_CHECK(e.line == e2.line && e.col == e2.col);
		return 0;
	}
	md_sieve_free(&again);
	md_header_init(&h);
	if (md_header_parse(&h, msg, mlen) == 0) {
		if ((rc = md_sieve_run(&s, &m, &r, &e)) == 0)
			check_result(&r);
		else
			FUZZ_CHECK(e.kind == MD_SIEVE_RUNTIME ||
			           e.kind == MD_SIEVE_LIMIT);
		check_kept(&s, &m, rc, &r, &e);
		md_sieve_result_free(&r);
	}
	md_header_free(&h);
	md_sieve_free(&s);
	return 0;
}
