/* progress.c: the progress line of long work on a terminal; see common.h. */
#include <stdarg.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

#define PROGRESS_AFTER 1.0  /* seconds of work before the line shows */
#define PROGRESS_EVERY 0.25 /* seconds between redraws */

static double
since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	       (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

void
cmd_progress_init(struct cmd_progress *p, int quiet)
{
	struct winsize ws;

	p->on = !quiet && isatty(STDERR_FILENO);
	p->shown = 0;
	/* A line longer than the terminal would wrap, and "\r" then wipes
	 * only its last row: each line is cut to the width. */
	p->width = 80;
	if (p->on && ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col > 1)
		p->width = ws.ws_col;
	cmd_progress_start(p);
}

void
cmd_progress_start(struct cmd_progress *p)
{
	clock_gettime(CLOCK_MONOTONIC, &p->t0);
	p->last = 0;
}

/* Seconds the work has lasted, when a line is due now; else -1: never
 * before a second, and at most four times a second but for the last. */
static double
due(struct cmd_progress *p, int last)
{
	double t;

	if (!p->on)
		return -1;
	t = since(&p->t0);
	if (t < PROGRESS_AFTER || (t - p->last < PROGRESS_EVERY && !last))
		return -1;
	p->last = t;
	return t;
}

/* Append to the line in BUF (of SIZE, *LEN used so far). */
__attribute__((format(printf, 4, 5))) static void
add(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*len >= size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len += (size_t)n;
}

/* The line in place of the last one, cut to the terminal's width. */
static void
draw(struct cmd_progress *p, const char *line, size_t len)
{
	if (len >= p->width)
		len = p->width - 1;
	fprintf(stderr, "\r\033[K%.*s", (int)len, line);
	p->shown = 1;
}

static void
add_left(char *buf, size_t size, size_t *len, double rate, uint64_t done,
    uint64_t total)
{
	add(buf, size, len, ", %.0f s left",
	    rate > 0 && done <= total ? (double)(total - done) / rate : 0.0);
}

void
cmd_progress_count(struct cmd_progress *p, const char *label, const char *what,
    uint64_t done, uint64_t total)
{
	double t = due(p, total != 0 && done >= total), rate;
	char line[512];
	size_t len = 0;

	if (t < 0)
		return;
	rate = (double)done / t;
	add(line, sizeof(line), &len, "%s: %llu", cmd_shown(label, 0),
	    (unsigned long long)done);
	if (total != 0)
		add(line, sizeof(line), &len, "/%llu",
		    (unsigned long long)total);
	add(line, sizeof(line), &len, " %s, %.0f/s", what, rate);
	if (total != 0)
		add_left(line, sizeof(line), &len, rate, done, total);
	draw(p, line, len);
}

void
cmd_progress_bytes(struct cmd_progress *p, const char *label, const char *what,
    uint64_t n, uint64_t bytes, uint64_t total)
{
	double t = due(p, total != 0 && bytes >= total), rate;
	char line[512], b[8], bt[8], br[8];
	size_t len = 0;

	if (t < 0)
		return;
	rate = (double)bytes / t;
	md_human_size(bytes, b, sizeof(b));
	md_human_size((uint64_t)rate, br, sizeof(br));
	add(line, sizeof(line), &len, "%s: %llu %s, %s", cmd_shown(label, 0),
	    (unsigned long long)n, what, b);
	if (total != 0) {
		md_human_size(total, bt, sizeof(bt));
		add(line, sizeof(line), &len, "/%s", bt);
	}
	add(line, sizeof(line), &len, ", %s/s", br);
	if (total != 0)
		add_left(line, sizeof(line), &len, rate, bytes, total);
	draw(p, line, len);
}

void
cmd_progress_clear(struct cmd_progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = 0;
}
