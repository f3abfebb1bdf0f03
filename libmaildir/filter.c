/*
 * filter.c: what delivery does to a message's header section, streaming:
 * add trace fields (Return-Path, X-Original-To, Delivered-To) unless the
 * MTA already put them at the top, notice a Delivered-To loop, and for
 * mbox import turn Status:/X-Status: into flags.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

enum { TOP, HEADER, BODY };

void
md_filter_begin(
    struct md_filter *f, const struct md_filter_opts *o, struct md_tmp *out)
{
	memset(f, 0, offsetof(struct md_filter, top));
	f->o = o;
	f->out = out;
	f->state = TOP;
	md_flags_zero(&f->flags);
}

int
md_filter_in_body(const struct md_filter *f)
{
	return f->state == BODY;
}

/* Does the line start field NAME? Obsolete syntax allows WSP before ':'. */
static const char *
field_value(const char *p, size_t n, const char *name)
{
	size_t len = strlen(name);

	if (n <= len || strncasecmp(p, name, len) != 0)
		return NULL;
	for (p += len, n -= len; n > 0 && (*p == ' ' || *p == '\t'); p++, n--)
		;
	return n > 0 && *p == ':' ? p + 1 : NULL;
}

/* Value between VALUE and END, trimmed of blanks, CR/LF and <>. */
static int
value_is(const char *v, const char *end, const char *want)
{
	size_t wlen = strlen(want);

	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && strchr(" \t\r\n", end[-1]) != NULL)
		end--;
	if (end - v >= 2 && *v == '<' && end[-1] == '>') {
		v++;
		end--;
	}
	if (wlen >= 2 && want[0] == '<' && want[wlen - 1] == '>') {
		want++;
		wlen -= 2;
	}
	return (size_t)(end - v) == wlen && strncasecmp(v, want, wlen) == 0;
}

static int
put(struct md_filter *f, const char *p, size_t n, struct md_err *e)
{
	if (n > 0)
		f->lastc = (unsigned char)p[n - 1];
	return md_tmp_write(f->out, p, n, e);
}

static int
put_field(
    struct md_filter *f, const char *name, const char *value, struct md_err *e)
{
	const char *eol = f->crlf ? "\r\n" : "\n";

	/* After a last line without a newline, ours starts a line of its own.
	 */
	if (f->lastc != 0 && f->lastc != '\n' &&
	    put(f, eol, strlen(eol), e) == -1)
		return -1;
	if (put(f, name, strlen(name), e) == -1 || put(f, ": ", 2, e) == -1 ||
	    put(f, value, strlen(value), e) == -1)
		return -1;
	return put(f, eol, strlen(eol), e);
}

/* The top block is over: Return-Path goes before what was held, the
 * other trace fields after it, once its last field's continuation lines
 * (if any could not be held) have passed. */
static int
decide(struct md_filter *f, struct md_err *e)
{
	f->state = HEADER;
	f->post_pending = 1;
	if (f->o->return_path && !f->have_rp &&
	    put_field(f, "Return-Path", f->o->return_path, e) == -1)
		return -1;
	return put(f, f->top, f->toplen, e);
}

static int
decide_post(struct md_filter *f, struct md_err *e)
{
	const struct md_filter_opts *o = f->o;

	f->post_pending = 0;
	if (o->original_to && !f->have_xot &&
	    put_field(f, "X-Original-To", o->original_to, e) == -1)
		return -1;
	if (o->delivered_to && !f->have_dt &&
	    put_field(f, "Delivered-To", o->delivered_to, e) == -1)
		return -1;
	return 0;
}

/* Delivered-To for our recipient: the MTA's own (first, at the top), or
 * a sign that this message has been here before. An mbox import brings
 * back mail that was delivered once already, so it never loops. */
static void
check_loop(struct md_filter *f, const char *p, size_t n, int top)
{
	const char *v = field_value(p, n, "Delivered-To");

	if (v == NULL || f->o->delivered_to == NULL)
		return;
	if (!value_is(v, p + n, f->o->delivered_to))
		return;
	if (top && !f->have_dt)
		f->have_dt = 1;
	else if (!f->o->mbox) /* mbox messages were delivered once already */
		f->loop = 1;
}

/* A complete, short trace line at the very top is held back. */
static int
take_top(struct md_filter *f, const char *p, size_t n, int bol, int complete)
{
	if (!bol || !complete || n > sizeof(f->top) - f->toplen)
		return 0;
	/* A held field's continuation line stays with it. */
	if ((*p == ' ' || *p == '\t') && f->toplen > 0)
		;
	else if (field_value(p, n, "Return-Path"))
		f->have_rp = 1;
	else if (field_value(p, n, "X-Original-To"))
		f->have_xot = 1;
	else if (field_value(p, n, "Delivered-To"))
		check_loop(f, p, n, 1);
	else
		return 0;
	memcpy(f->top + f->toplen, p, n);
	f->toplen += n;
	return 1;
}

static void
map_status(struct md_filter *f, const char *v, const char *end, int x)
{
	for (; v < end; v++) {
		switch (*v) {
		case 'R':
			if (!x)
				md_flags_set(&f->flags, 'S', 1);
			break;
		case 'O':
			if (!x)
				f->old = 1;
			break;
		case 'A':
		case 'F':
		case 'D':
			if (x)
				md_flags_set(&f->flags,
				    *v == 'A'   ? 'R'
				    : *v == 'D' ? 'T'
				                : 'F',
				    1);
			break;
		}
	}
}

/* mbox only: Status: and X-Status: become flags and leave the header. */
static int
mbox_field(struct md_filter *f, const char *p, size_t n)
{
	const char *v;

	if ((v = field_value(p, n, "Status")) != NULL)
		map_status(f, v, p + n, 0);
	else if ((v = field_value(p, n, "X-Status")) != NULL)
		map_status(f, v, p + n, 1);
	else
		return 0;
	return 1;
}

static void
keep_date(struct md_filter *f, const char *p, size_t n)
{
	const char *v = field_value(p, n, "Date");
	size_t len;

	if (v == NULL || f->date[0] != '\0')
		return;
	len = (size_t)(p + n - v);
	if (len >= sizeof(f->date))
		len = sizeof(f->date) - 1;
	memcpy(f->date, v, len);
	f->date[len] = '\0';
}

/* One piece of a header line; returns 1 when it ended the header. */
static int
header_line(struct md_filter *f, const char *p, size_t n, int bol)
{
	if (!bol || *p == ' ' || *p == '\t')
		return f->dropping ? -1 : 0;
	f->dropping = 0;
	if ((n == 1 && *p == '\n') || (n == 2 && p[0] == '\r' && p[1] == '\n'))
		return 1;
	/* A line that is no field ends the header (robustness rule), but
	 * a misplaced mbox "From " line does not: header.c reads on too. */
	if (memchr(p, ':', n) == NULL && (n < 5 || memcmp(p, "From ", 5) != 0))
		return 1;
	check_loop(f, p, n, 0);
	keep_date(f, p, n);
	if (f->o->mbox && mbox_field(f, p, n)) {
		f->dropping = 1;
		return -1;
	}
	return 0;
}

int
md_filter_line(struct md_filter *f, const char *p, size_t n, int bol,
    int complete, struct md_err *e)
{
	int r;

	if (f->state == BODY)
		return put(f, p, n, e);
	if (bol && !f->seen_line) {
		f->seen_line = 1;
		f->crlf = complete && n >= 2 && p[n - 2] == '\r';
	}
	if (f->state == TOP) {
		if (take_top(f, p, n, bol, complete))
			return 0;
		if (decide(f, e) == -1)
			return -1;
	}
	if (f->post_pending && bol && *p != ' ' && *p != '\t' &&
	    decide_post(f, e) == -1)
		return -1;
	r = header_line(f, p, n, bol);
	if (r == -1)
		return 0;
	if (r == 1)
		f->state = BODY;
	return put(f, p, n, e);
}

int
md_filter_body(struct md_filter *f, const char *p, size_t n, struct md_err *e)
{
	return put(f, p, n, e);
}

int
md_filter_end(struct md_filter *f, struct md_err *e)
{
	if (f->state == TOP && decide(f, e) == -1)
		return -1;
	if (f->post_pending)
		return decide_post(f, e);
	return 0;
}

int
md_filter_loop_err(const struct md_filter *f, struct md_err *e)
{
	if (!f->loop)
		return 0;
	errno = ELOOP;
	return md_err_kind(
	    e, MD_ERR_LOOP, "loop check", "Delivered-To", f->o->delivered_to);
}
