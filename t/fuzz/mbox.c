/*
 * Fuzz target "mbox": the mbox splitter (mbox.c) over an md_input that
 * reads a memfd, each message through the delivery filter into an
 * md_tmp writing to a memfd of its own, as md-deliver -M does into
 * tmp/. The input is a byte of options, then the mbox through
 * fuzz_expand (so that lines can pass the 64 KiB input buffer).
 *
 * Options: 1 maps and drops Status:/X-Status: (md-deliver -M); 2 asks
 * for the three trace fields.
 *
 * Invariants:
 *  - md_mbox_begin says "no mbox" (EINVAL) only when the first line that
 *    is not blank does not begin "From ", and "empty" only when there is
 *    no such line; md_mbox_read fails only where that is said: never
 *    here (no limit, no loop for mbox import), except for a Delivered-To
 *    loop with option 2 alone, which is no import (md-deliver -M always
 *    sets option 1's mbox) and checks loops as a single delivery does;
 *  - each message starts at a line that begins "From ": there are never
 *    more messages than such lines;
 *  - without trace fields, the messages one after another are a
 *    subsequence of the mbox: the splitter only takes bytes out; and it
 *    takes out no more than it may: From_ lines, blank lines, one '>'
 *    of a quoted line (and, with option 1, Status: and X-Status:).
 */
#include "fuzz.h"

static struct md_input input;
static struct md_tmp t;
static struct md_maildir home = {
	.fd = -1, .tmpfd = -1, .newfd = -1, .curfd = -1, .path = "fuzz"
};

/* Lines of the mbox: those that begin "From ", and what the splitter may
 * take out of the others (blank lines whole, one '>'). */
static void
count_lines(const char *p, size_t n, size_t *froms, size_t *droppable)
{
	*froms = *droppable = 0;
	for (size_t i = 0; i < n;) {
		const char *nl = memchr(p + i, '\n', n - i);
		size_t len = nl ? (size_t)(nl - (p + i)) + 1 : n - i;
		const char *l = p + i;

		if (len >= 5 && memcmp(l, "From ", 5) == 0) {
			(*froms)++;
			*droppable += len;
		} else if ((len == 1 && l[0] == '\n') ||
		           (len == 2 && l[0] == '\r' && l[1] == '\n'))
			*droppable += len;
		else if (l[0] == '>')
			(*droppable)++;
		i += len;
	}
}

/* The first line that is not blank: does it begin "From "? -1 when
 * every line is blank. */
static int
first_is_from(const char *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		if (p[i] == '\n')
			i++;
		else if (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n')
			i += 2;
		else
			return n - i >= 5 && memcmp(p + i, "From ", 5) == 0;
	}
	return -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	unsigned opt = fuzz_byte(&in);
	struct md_filter_opts o = { .mbox = opt & 1 };
	struct md_mbox mb;
	struct md_err e;
	size_t len, froms, droppable, total = 0, count = 0;
	char *mbox = fuzz_expand(in.p, in.n, &len), *all;
	int fd = fuzz_memfd(mbox, len), r, more, first;

	if (opt & 2) {
		o.return_path = "<fuzz@example.org>";
		o.original_to = "fuzz@example.org";
		o.delivered_to = "fuzz@example.org";
	}
	count_lines(mbox, len, &froms, &droppable);
	first = first_is_from(mbox, len);
	all = malloc(len + 1);
	FUZZ_CHECK(all != NULL);

	md_input_init(&input, fd, 0);
	r = md_mbox_begin(&mb, &input, &e);
	if (r == -1)
		FUZZ_CHECK(errno == EINVAL);
	FUZZ_CHECK(r == (first == 1 ? 1 : first == 0 ? -1 : 0));
	for (more = r == 1; more;) {
		struct md_filter f;
		struct stat st;
		time_t date;
		int keep, mfd = memfd_create("msg", MFD_CLOEXEC);

		FUZZ_CHECK(mfd >= 0 && (keep = dup(mfd)) >= 0);
		memset(&t, 0, offsetof(struct md_tmp, buf));
		t.fd = mfd;
		t.home = &home;
		strcpy(t.name, "msg");
		md_filter_begin(&f, &o, &t);
		if (md_mbox_read(&mb, &f, &date, &more, &e) == -1) {
			FUZZ_CHECK(errno == ELOOP && (opt & 3) == 2);
			close(keep);
			close(mfd);
			break;
		}
		FUZZ_CHECK(md_tmp_finish(&t, NULL, &e) == 0);
		FUZZ_CHECK(
		    fstat(keep, &st) == 0 && (uint64_t)st.st_size == t.size);
		count++;
		FUZZ_CHECK(count <= froms);
		if (!(opt & 2)) {
			FUZZ_CHECK(total + t.size <= len);
			FUZZ_CHECK(pread(keep, all + total, t.size, 0) ==
			           (ssize_t)t.size);
			total += t.size;
		}
		close(keep);
	}
	close(fd);
	if (!(opt & 2)) {
		FUZZ_CHECK(fuzz_subsequence(all, total, mbox, len));
		if (!(opt & 1) && r != -1)
			FUZZ_CHECK(total + droppable >= len);
	}
	free(all);
	free(mbox);
	return 0;
}
