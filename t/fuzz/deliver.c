/*
 * Fuzz target "deliver": one message from a stream into a tmp file of a
 * scratch maildir, through the delivery filter (deliver.c, filter.c,
 * input.c, and commit.c's md_tmp_*), as md-deliver does it. The input
 * is a byte of options, a byte for a size limit, then for each trace
 * field asked for a byte for the length of its value and the value (its
 * control bytes made '_', as md-deliver does), then the message through
 * fuzz_expand.
 *
 * Options: 1, 2, 4 ask for Return-Path, X-Original-To, Delivered-To; 8
 * gives them values made of a byte the message does not hold (so that
 * our lines can be told from the message's own) instead of the input's;
 * 16 sets a size limit.
 *
 * Invariants:
 *  - refused only as a loop (ELOOP, MD_ERR_LOOP, with a Delivered-To
 *    asked for) or as too big (EMSGSIZE, MD_ERR_TOO_BIG, with a limit);
 *  - delivered: the file is the size md_tmp counted, within the limit;
 *    the message (without a leading From_ line) is a subsequence of it;
 *    it is longer by exactly the trace lines added (those asked for and
 *    not at the message's top already), each in the file, plus at most
 *    one line end before each; Return-Path, when added, comes first;
 *  - with values of their own byte: taking our lines out (and such a
 *    line end before them) gives back the message exactly.
 */
#include "fuzz.h"

static struct md_maildir md;
static struct md_namegen gen;
static struct md_tmp t;
static struct md_input input;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[PATH_MAX];

	(void)argc;
	(void)argv;
	md_namegen_init(&gen);
	snprintf(path, sizeof(path), "%s/M", fuzz_scratch());
	FUZZ_CHECK(md_maildir_open(&md, path, MD_CREATE, NULL) == 0);
	return 0;
}

/* The delivered file's bytes, malloc'd; its size in *LEN. */
static char *
slurp(size_t *len)
{
	struct stat st;
	int fd = openat(md.tmpfd, t.name, O_RDONLY);
	char *buf;

	FUZZ_CHECK(fd >= 0 && fstat(fd, &st) == 0);
	buf = malloc((size_t)st.st_size + 1);
	FUZZ_CHECK(buf != NULL);
	FUZZ_CHECK(read(fd, buf, (size_t)st.st_size + 1) == st.st_size);
	close(fd);
	*len = (size_t)st.st_size;
	return buf;
}

/* Does OUT, with the lines at POS[i] (LEN[i] bytes) taken out, and the
 * line end EOL just before those that MASK names, equal WANT? */
static int
rebuilt(const char *out, size_t outlen, const size_t *pos, const size_t *len,
    int k, unsigned mask, const char *eol, const char *want, size_t wantlen)
{
	char *b = malloc(outlen + 1);
	size_t n = 0, at = 0, el = strlen(eol);
	int same;

	FUZZ_CHECK(b != NULL);
	for (int i = 0; i < k; i++) {
		size_t end = pos[i];

		if (mask & 1u << i) {
			if (end < at + el ||
			    memcmp(out + end - el, eol, el) != 0) {
				free(b);
				return 0;
			}
			end -= el;
		}
		memcpy(b + n, out + at, end - at);
		n += end - at;
		at = pos[i] + len[i];
	}
	memcpy(b + n, out + at, outlen - at);
	n += outlen - at;
	same = n == wantlen && memcmp(b, want, n) == 0;
	free(b);
	return same;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[3] = { "Return-Path", "X-Original-To",
		"Delivered-To" };
	struct fuzz_in in = { data, size };
	unsigned opt = fuzz_byte(&in), lim = fuzz_byte(&in);
	char value[3][64], line[3][128], *msg, *out;
	const char *v[3] = { NULL, NULL, NULL }, *body;
	struct md_filter_opts o = { 0 };
	struct md_filter f;
	struct md_err e;
	size_t len, bodylen, outlen, pos[3], plen[3], added = 0;
	int k = 0, sentinel = -1, fd, r, ok = 0;
	int have[3];

	for (int i = 0; i < 3; i++) {
		size_t n;
		const uint8_t *p;

		if (!(opt & 1u << i) || (opt & 8))
			continue;
		p = fuzz_take(&in, fuzz_byte(&in) % 48, &n);
		for (size_t j = 0; j < n; j++)
			value[i][j] =
			    p[j] < 0x20 || p[j] == 0x7f ? '_' : (char)p[j];
		value[i][n] = '\0';
		v[i] = value[i];
	}
	msg = fuzz_expand(in.p, in.n, &len);
	if (opt & 8) {
		int seen[256] = { 0 };

		for (size_t j = 0; j < len; j++)
			seen[(unsigned char)msg[j]] = 1;
		for (int c = 0x21; c < 0x7f && sentinel == -1; c++)
			if (!seen[c])
				sentinel = c;
		for (int i = 0; i < 3 && sentinel != -1; i++)
			if (opt & 1u << i) {
				snprintf(value[i], sizeof(value[i]), "%c%d%c",
				    sentinel, i, sentinel);
				v[i] = value[i];
			}
	}
	o.return_path = v[0];
	o.original_to = v[1];
	o.delivered_to = v[2];

	FUZZ_CHECK(md_tmp_create(&t, &md, &gen, &e) == 0);
	if (opt & 16)
		t.limit = (uint64_t)lim * lim * 4 + 1;
	fd = fuzz_memfd(msg, len);
	md_input_init(&input, fd, 0);
	md_filter_begin(&f, &o, &t);
	r = md_deliver_read(&input, &f, &e);
	close(fd);
	if (r == -1) {
		FUZZ_CHECK((errno == ELOOP && e.kind == MD_ERR_LOOP &&
		               o.delivered_to != NULL) ||
		           (errno == EMSGSIZE && e.kind == MD_ERR_TOO_BIG &&
		               t.limit != 0));
		md_tmp_remove(&t);
		free(msg);
		return 0;
	}
	FUZZ_CHECK(md_tmp_finish(&t, NULL, &e) == 0);
	out = slurp(&outlen);
	md_tmp_remove(&t);
	FUZZ_CHECK(outlen == t.size);
	FUZZ_CHECK(t.limit == 0 || outlen <= t.limit);

	/* the message as the filter saw it: without a leading From_ line */
	body = msg;
	bodylen = len;
	if (len >= 5 && memcmp(msg, "From ", 5) == 0) {
		const char *nl = memchr(msg, '\n', len);

		bodylen = nl ? len - (size_t)(nl + 1 - msg) : 0;
		body = msg + len - bodylen;
	}
	FUZZ_CHECK(fuzz_subsequence(body, bodylen, out, outlen));

	have[0] = f.have_rp;
	have[1] = f.have_xot;
	have[2] = f.have_dt;
	for (int i = 0; i < 3; i++) {
		const char *hit;

		if (v[i] == NULL || have[i])
			continue;
		snprintf(line[i], sizeof(line[i]), "%s: %s%s", names[i], v[i],
		    f.crlf ? "\r\n" : "\n");
		plen[k] = strlen(line[i]);
		hit = memmem(out, outlen, line[i], plen[k]);
		FUZZ_CHECK(hit != NULL);
		FUZZ_CHECK(i != 0 || hit == out);
		pos[k++] = (size_t)(hit - out);
		added += strlen(line[i]);
	}
	FUZZ_CHECK(outlen >= bodylen + added);
	FUZZ_CHECK((outlen - bodylen - added) % (f.crlf ? 2 : 1) == 0);
	FUZZ_CHECK(outlen - bodylen - added <= (size_t)k * (f.crlf ? 2 : 1));

	if (sentinel != -1) {
		/* in the order they stand in the file */
		for (int i = 1; i < k; i++)
			for (int j = i; j > 0 && pos[j - 1] > pos[j]; j--) {
				size_t tp = pos[j], tl = plen[j];

				pos[j] = pos[j - 1];
				plen[j] = plen[j - 1];
				pos[j - 1] = tp;
				plen[j - 1] = tl;
			}
		for (unsigned mask = 0; mask < 1u << k && !ok; mask++)
			ok = rebuilt(out, outlen, pos, plen, k, mask,
			    f.crlf ? "\r\n" : "\n", body, bodylen);
		FUZZ_CHECK(ok);
	}
	free(out);
	free(msg);
	return 0;
}
