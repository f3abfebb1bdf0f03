/* progress.c: the progress line of long work on a terminal; see common.h. */
#include <stdio.h>
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
	p->on = !quiet && isatty(STDERR_FILENO);
	p->shown = 0;
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

static void
put_left(double left)
{
	if (left >= 0)
		fprintf(stderr, ", %.0f s left", left);
}

void
cmd_progress_count(struct cmd_progress *p, const char *label, const char *what,
    uint64_t done, uint64_t total)
{
	double t = due(p, total != 0 && done >= total), rate;

	if (t < 0)
		return;
	rate = (double)done / t;
	fprintf(stderr, "\r\033[K%s: %llu", label, (unsigned long long)done);
	if (total != 0)
		fprintf(stderr, "/%llu", (unsigned long long)total);
	fprintf(stderr, " %s, %.0f/s", what, rate);
	if (total != 0)
		put_left(rate > 0 && done <= total
		             ? (double)(total - done) / rate
		             : 0.0);
	p->shown = 1;
}

void
cmd_progress_bytes(struct cmd_progress *p, const char *label, const char *what,
    uint64_t n, uint64_t bytes, uint64_t total)
{
	double t = due(p, total != 0 && bytes >= total), rate;
	char b[8], bt[8], br[8];

	if (t < 0)
		return;
	rate = (double)bytes / t;
	md_human_size(bytes, b, sizeof(b));
	md_human_size((uint64_t)rate, br, sizeof(br));
	fprintf(stderr, "\r\033[K%s: %llu %s, %s", label, (unsigned long long)n,
	    what, b);
	if (total != 0) {
		md_human_size(total, bt, sizeof(bt));
		fprintf(stderr, "/%s", bt);
	}
	fprintf(stderr, ", %s/s", br);
	if (total != 0)
		put_left(rate > 0 && bytes <= total
		             ? (double)(total - bytes) / rate
		             : 0.0);
	p->shown = 1;
}

void
cmd_progress_clear(struct cmd_progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = 0;
}
