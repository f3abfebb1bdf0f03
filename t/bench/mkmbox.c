/*
 * mkmbox: test mail for the benchmark, on stdout.
 *
 *	mkmbox [-s size] count	an mbox (mboxrd) of COUNT messages
 *	mkmbox -1 [-s size]	one message, no From_ line
 *
 * Every message is SIZE bytes (default 2048) as it is delivered: realistic
 * trace and MIME headers, a Date:, a Subject:, a body of text lines with
 * one ">From " line (quoted in the mbox, one '>' less once delivered).
 * In the mbox every fourth message carries "Status: RO", so an import
 * puts it in cur/ (":2,S") and the others in new/.
 */
#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BASE_TIME 813950012 /* Thu Oct 17 17:14:09 1995 UTC */

static const char filler[] =
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do "
    "eiusmod\ntempor incididunt ut labore et dolore magna aliqua. Ut enim "
    "ad minim\nveniam, quis nostrud exercitation ullamco laboris nisi ut "
    "aliquip ex ea\ncommodo consequat. Duis aute irure dolor in "
    "reprehenderit in voluptate\nvelit esse cillum dolore eu fugiat nulla "
    "pariatur. Excepteur sint\noccaecat cupidatat non proident, sunt in "
    "culpa qui officia deserunt\nmollit anim id est laborum.\n\n";

struct buf {
	char *p;
	size_t len, cap;
};

static void add(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
add(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->cap - b->len)
		errx(1, "message too large");
	b->len += (size_t)n;
}

/* Message I into B, SIZE bytes as delivered; MBOX adds the From_ line. */
static void
message(struct buf *b, long i, size_t size, int mbox)
{
	static const char sig[] = "\n-- \nSender Name\nExample Org\n";
	time_t t = BASE_TIME + (time_t)i * 37;
	struct tm tm;
	char date[64];
	size_t fill, start;

	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	b->len = 0;
	if (mbox) {
		char from[64];

		strftime(from, sizeof(from), "%a %b %e %H:%M:%S %Y", &tm);
		add(b, "From sender@example.org %s\n", from);
	}
	start = b->len;
	add(b,
	    "Return-Path: <sender@example.org>\n"
	    "Received: from mail.example.org (mail.example.org [192.0.2.25])\n"
	    "\tby mx.example.net (Postfix) with ESMTPS id 4B2C%07ld\n"
	    "\tfor <user@example.net>; %s\n"
	    "Received: from [10.0.0.7] (unknown [198.51.100.7])\n"
	    "\tby mail.example.org (Postfix) with ESMTPSA id 9F1A%07ld\n"
	    "\tfor <user@example.net>; %s\n"
	    "Date: %s\n"
	    "From: Sender Name <sender@example.org>\n"
	    "To: User Name <user@example.net>\n"
	    "Subject: Benchmark message %07ld: the quarterly figures\n"
	    "Message-ID: <%07ld.bench@mail.example.org>\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: 8bit\n",
	    i, date, i, date, date, i, i);
	if (mbox && i % 4 == 0) {
		add(b, "Status: RO\n");
		start += strlen("Status: RO\n");
	}
	add(b, "\nHello,\n\nthis is message %07ld of the benchmark.\n\n", i);
	/* Delivered as ">From ...": mboxrd quotes it once more. */
	add(b, "%s>From the archives, as quoted in 1995:\n\n", mbox ? ">" : "");
	if (mbox)
		start++;
	if (b->len - start + sizeof(sig) - 1 > size)
		errx(1, "-s %zu: too small for a message", size);
	fill = size - (b->len - start) - (sizeof(sig) - 1);
	while (fill > 0) {
		size_t n =
		    fill < sizeof(filler) - 1 ? fill : sizeof(filler) - 1;

		if (b->len + n >= b->cap)
			errx(1, "message too large");
		memcpy(b->p + b->len, filler, n);
		b->len += n;
		fill -= n;
		/* A cut filler must still end its line. */
		if (fill == 0 && b->p[b->len - 1] != '\n')
			b->p[b->len - 1] = '\n';
	}
	add(b, "%s", sig);
}

static void
usage(void)
{
	fprintf(stderr, "usage: mkmbox [-s size] count\n"
	                "       mkmbox -1 [-s size]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct buf b;
	long count = 1;
	size_t size = 2048;
	int one = 0, c;
	char *end;

	while ((c = getopt(argc, argv, "1s:")) != -1) {
		switch (c) {
		case '1':
			one = 1;
			break;
		case 's':
			size = (size_t)strtoul(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || size > 1 << 20)
				errx(2, "-s %s: not a size", optarg);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (one ? argc != 0 : argc != 1)
		usage();
	if (!one) {
		count = strtol(argv[0], &end, 10);
		if (*argv[0] == '\0' || *end != '\0' || count < 1)
			errx(2, "%s: not a count", argv[0]);
	}
	b.cap = size + 4096;
	if ((b.p = malloc(b.cap)) == NULL)
		err(1, "malloc");
	for (long i = 1; i <= count; i++) {
		message(&b, i, size, !one);
		/* mbox messages are separated by an empty line. */
		if (!one)
			b.p[b.len++] = '\n';
		if (fwrite(b.p, 1, b.len, stdout) != b.len)
			err(1, "stdout");
	}
	if (fflush(stdout) == EOF)
		err(1, "stdout");
	free(b.p);
	return 0;
}
