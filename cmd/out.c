/* out.c: standard output through one large buffer; see common.h. */
#include <err.h>
#include <errno.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "common.h"

/* All N bytes of P on standard output, or exit 1. */
static void
write_all(const char *p, size_t n)
{
	for (size_t off = 0; off < n;) {
		ssize_t k = write(STDOUT_FILENO, p + off, n - off);

		if (k == -1 && errno == EINTR)
			continue;
		if (k == -1)
			err(1, "stdout");
		off += (size_t)k;
	}
}

void
cmd_out_flush(struct cmd_out *o)
{
	write_all(o->buf, o->len);
	o->len = 0;
}

void
cmd_out_overflow(void)
{
	/* longer than any line it is given: a bug */
	errno = ENAMETOOLONG;
	err(EX_SOFTWARE, "output");
}

void
cmd_out_write(struct cmd_out *o, const void *p, size_t n)
{
	cmd_out_flush(o);
	write_all(p, n);
}
