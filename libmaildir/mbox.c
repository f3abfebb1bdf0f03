/*
 * mbox.c: splitting an mbox stream into messages (mboxrd: one '>' comes
 * off every ">*From " line). A From_ line after an empty line starts a
 * message; one without the empty line does too if it carries a date.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "internal.h"

/* An empty line, LF or CRLF: its length, else 0. */
static size_t
is_blank(const char *p, size_t n)
{
	if (n == 1 && p[0] == '\n')
		return 1;
	return n == 2 && p[0] == '\r' && p[1] == '\n' ? 2 : 0;
}

static int
is_from(const char *p, size_t n)
{
	return n >= 5 && memcmp(p, "From ", 5) == 0;
}

/* Consume the rest of a line whose first piece was P. */
static int
finish_line(struct md_input *in, int complete)
{
	const char *p;
	size_t n;
	int r = 1;

	while (!complete && (r = md_input_line(in, &p, &n, &complete)) == 1)
		;
	return r == -1 ? -1 : 0;
}

int
md_mbox_begin(struct md_mbox *mb, struct md_input *in, struct md_err *e)
{
	const char *p;
	size_t n;
	int complete, r;

	mb->in = in;
	while ((r = md_input_line(in, &p, &n, &complete)) == 1) {
		if (is_blank(p, n))
			continue;
		if (!is_from(p, n)) {
			errno = EINVAL;
			return md_err_set(e, "mbox", "stdin", NULL);
		}
		if (md_date_from_line(p, n, &mb->next_date) == -1)
			mb->next_date = -1;
		return finish_line(in, complete) == -1 ? md_input_err(e) : 1;
	}
	return r == -1 ? md_input_err(e) : 0;
}

/* ">>From x" loses one '>'; ">x" and ">>>" stay as they are. */
static void
unquote(const char **p, size_t *n)
{
	size_t i = 0;

	while (i < *n && (*p)[i] == '>')
		i++;
	if (i > 0 && is_from(*p + i, *n - i)) {
		(*p)++;
		(*n)--;
	}
}

struct split {
	int bol, failed;
	size_t held; /* an empty line held back: the separator, or not */
};

/* Feed one piece unless an earlier error means we only skip ahead. */
static void
feed(struct split *s, struct md_filter *f, const char *p, size_t n,
    int complete, struct md_err *e)
{
	if (!s->failed && md_filter_line(f, p, n, s->bol, complete, e) == -1)
		s->failed = errno;
	s->bol = complete;
}

int
md_mbox_read(struct md_mbox *mb, struct md_filter *f, time_t *date, int *more,
    struct md_err *e)
{
	struct split s = { .bol = 1 };
	const char *p;
	size_t n;
	int complete, r;
	time_t d;

	*date = mb->next_date;
	*more = 0;
	while ((r = md_input_line(mb->in, &p, &n, &complete)) == 1) {
		int dated =
		    s.bol && is_from(p, n) && md_date_from_line(p, n, &d) == 0;

		if (s.bol && is_from(p, n) && (dated || s.held)) {
			mb->next_date = dated ? d : -1;
			if (finish_line(mb->in, complete) == -1)
				return md_input_err(e);
			*more = 1;
			break;
		}
		if (s.held) {
			feed(&s, f, &"\r\n"[2 - s.held], s.held, 1, e);
			s.held = 0;
		}
		if (s.bol && complete && is_blank(p, n)) {
			s.held = is_blank(p, n);
			continue;
		}
		if (s.bol)
			unquote(&p, &n);
		feed(&s, f, p, n, complete, e);
	}
	if (r == -1)
		return md_input_err(e);
	if (!s.failed && md_filter_end(f, e) == -1)
		s.failed = errno;
	if (s.failed) {
		errno = s.failed;
		return -1;
	}
	if (md_filter_loop_err(f, e) == -1)
		return -1;
	if (*date == -1 && f->date[0] != '\0' &&
	    md_date_parse(f->date, &d) == 0)
		*date = d;
	return 0;
}
