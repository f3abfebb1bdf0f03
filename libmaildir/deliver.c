/* deliver.c: one message from a stream into a tmp file. */
#include <errno.h>
#include <string.h>

#include "internal.h"

/* Postfix and Exim put an mbox "From " line first: it is no header. */
static int
skip_from_line(struct md_input *in, const char **p, size_t *n, int *complete)
{
	int r = md_input_line(in, p, n, complete);

	if (r != 1 || *n < 5 || memcmp(*p, "From ", 5) != 0)
		return r;
	while (!*complete) {
		if ((r = md_input_line(in, p, n, complete)) != 1)
			return r;
	}
	return md_input_line(in, p, n, complete);
}

int
md_deliver_read(struct md_input *in, struct md_filter *f, struct md_err *e)
{
	const char *p;
	size_t n;
	int complete, bol = 1, r;

	r = skip_from_line(in, &p, &n, &complete);
	while (r == 1) {
		if (md_filter_line(f, p, n, bol, complete, e) == -1)
			return -1;
		bol = complete;
		if (md_filter_in_body(f))
			break;
		r = md_input_line(in, &p, &n, &complete);
	}
	if (r == -1)
		return md_input_err(e);
	if (md_filter_loop_err(f, e) == -1)
		return -1;
	while ((r = md_input_chunk(in, &p, &n)) == 1) {
		if (md_filter_body(f, p, n, e) == -1)
			return -1;
	}
	if (r == -1)
		return md_input_err(e);
	return md_filter_end(f, e);
}
