/* input.c: reading a stream through one fixed buffer, with a deadline. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
md_input_init(struct md_input *in, int fd, unsigned timeout)
{
	in->fd = fd;
	in->eof = 0;
	in->pos = in->len = 0;
	in->taken = 0;
	in->deadline = timeout ? now_ms() + (int64_t)timeout * 1000 : 0;
}

/* Wait for data until the deadline: a stalled writer must not hold us. */
static int
wait_readable(struct md_input *in)
{
	struct pollfd pfd = { .fd = in->fd, .events = POLLIN };

	if (in->deadline == 0)
		return 0;
	for (;;) {
		int64_t left = in->deadline - now_ms();
		int r;

		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		r = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (r > 0)
			return 0;
		if (r == -1 && errno != EINTR)
			return -1;
	}
}

/* Append what one read() gives to the buffer; 0 at end of input. */
static int
fill(struct md_input *in)
{
	ssize_t r;

	if (in->pos > 0 && in->pos == in->len)
		in->pos = in->len = 0;
	if (in->pos > 0 && in->len == sizeof(in->buf)) {
		memmove(in->buf, in->buf + in->pos, in->len - in->pos);
		in->len -= in->pos;
		in->pos = 0;
	}
	for (;;) {
		if (wait_readable(in) == -1)
			return -1;
		r = read(in->fd, in->buf + in->len, sizeof(in->buf) - in->len);
		if (r >= 0)
			break;
		if (errno != EINTR && errno != EAGAIN)
			return -1;
	}
	if (r == 0)
		in->eof = 1;
	in->len += (size_t)r;
	in->taken += (uint64_t)r;
	return r > 0;
}

uint64_t
md_input_offset(const struct md_input *in)
{
	return in->taken - (in->len - in->pos);
}

int
md_input_line(struct md_input *in, const char **p, size_t *n, int *complete)
{
	size_t scanned = 0;

	for (;;) {
		const char *s = in->buf + in->pos + scanned;
		size_t avail = in->len - in->pos;
		const char *nl = memchr(s, '\n', avail - scanned);

		if (nl != NULL) {
			*n = (size_t)(nl - (in->buf + in->pos)) + 1;
			*complete = 1;
			break;
		}
		scanned = avail;
		if (in->eof || (in->pos == 0 && in->len == sizeof(in->buf))) {
			if (avail == 0)
				return 0;
			*n = avail;
			*complete = in->eof;
			break;
		}
		if (fill(in) == -1)
			return -1;
	}
	*p = in->buf + in->pos;
	in->pos += *n;
	return 1;
}

int
md_input_chunk(struct md_input *in, const char **p, size_t *n)
{
	if (in->pos == in->len) {
		if (in->eof)
			return 0;
		in->pos = in->len = 0;
		if (fill(in) == -1)
			return -1;
		if (in->len == 0)
			return 0;
	}
	*p = in->buf + in->pos;
	*n = in->len - in->pos;
	in->pos = in->len;
	return 1;
}

int
md_input_err(struct md_err *e)
{
	if (errno == ETIMEDOUT)
		return md_err_kind(e, MD_ERR_TIMEOUT, "read", "stdin", NULL);
	return md_err_set(e, "read", "stdin", NULL);
}
