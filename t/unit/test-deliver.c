/*
 * Unit tests for the delivery path: input.c, filter.c, deliver.c,
 * mbox.c, and commit.c's md_tmp_* and md_place, driven through real
 * files in a scratch maildir.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"
#include "scratch.h"

static struct md_maildir md;
static struct md_namegen gen;

static int
setup(void **state)
{
	return scratch_setup_maildir(state, &md, &gen);
}

static int
teardown(void **state)
{
	return scratch_teardown_maildir(state, &md);
}

/* An fd that reads back S (a memfd: no pipe capacity limit). */
static int
input_fd(const char *s, size_t n)
{
	int fd = memfd_create("in", 0);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, s, n), (ssize_t)n);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static struct md_tmp *
new_tmp(void)
{
	struct md_tmp *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	assert_int_equal(md_tmp_create(t, &md, &gen, NULL), 0);
	return t;
}

static enum md_err_kind last_kind; /* of run's last refusal */

/* Deliver MSG with options O; return the delivered bytes (or NULL and
 * *err = errno when refused, its kind in last_kind). */
static char *
run(const char *msg, const struct md_filter_opts *o, int *err)
{
	struct md_err e;
	struct md_input *in = malloc(sizeof(*in));
	struct md_tmp *t = new_tmp();
	struct md_filter f;
	char name[NAME_MAX + 8];
	char *out = NULL;
	int fd = input_fd(msg, strlen(msg));

	*err = 0;
	md_input_init(in, fd, 0);
	md_filter_begin(&f, o, t);
	if (md_deliver_read(in, &f, &e) == -1) {
		*err = errno;
		last_kind = e.kind;
		md_tmp_remove(t);
	} else {
		assert_int_equal(md_tmp_finish(t, NULL, NULL), 0);
		assert_int_equal(
		    md_place(t, &md, NULL, &gen, name, sizeof(name), NULL), 0);
		out = scratch_slurp(scratch, name, NULL);
		unlinkat(md.fd, name, 0);
		md_tmp_remove(t);
	}
	close(fd);
	free(in);
	free(t);
	return out;
}

static void
expect(const char *msg, const struct md_filter_opts *o, const char *want)
{
	int err;
	char *got = run(msg, o, &err);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
from_line_and_trace(void **state)
{
	struct md_filter_opts none = { 0 };
	struct md_filter_opts all = { .return_path = "<s@x>",
		.original_to = "o@x",
		.delivered_to = "r@x" };

	(void)state;
	expect("", &none, "");
	expect("From a Thu Oct 17 17:14:09 1995\nS: 1\n\nb\n", &none,
	    "S: 1\n\nb\n");
	expect("S: 1\n\nFrom x\n", &none, "S: 1\n\nFrom x\n");
	expect("S: 1\n\nb\n", &all,
	    "Return-Path: <s@x>\nX-Original-To: o@x\nDelivered-To: r@x\n"
	    "S: 1\n\nb\n");
	expect("", &all,
	    "Return-Path: <s@x>\nX-Original-To: o@x\nDelivered-To: r@x\n");
	/* Postfix mailbox_command input: nothing added twice */
	expect("From s@x Thu Oct 17 17:14:09 1995\nReturn-Path: <s@x>\n"
	       "X-Original-To: o@x\nDelivered-To: r@x\nS: 1\n\nb\n",
	    &all,
	    "Return-Path: <s@x>\nX-Original-To: o@x\nDelivered-To: r@x\n"
	    "S: 1\n\nb\n");
	/* the MTA's Return-Path kept first; ours follow its block */
	expect("Return-Path: <z@y>\nS: 1\n\n", &all,
	    "Return-Path: <z@y>\nX-Original-To: o@x\nDelivered-To: r@x\n"
	    "S: 1\n\n");
	/* a Delivered-To for someone else at the top is no reason to skip */
	expect("Delivered-To: q@x\nS: 1\n\n", &all,
	    "Return-Path: <s@x>\nDelivered-To: q@x\nX-Original-To: o@x\n"
	    "Delivered-To: r@x\nS: 1\n\n");
	/* CRLF messages get CRLF trace lines */
	expect("S: 1\r\n\r\nb\r\n", &all,
	    "Return-Path: <s@x>\r\nX-Original-To: o@x\r\nDelivered-To: r@x\r\n"
	    "S: 1\r\n\r\nb\r\n");
}

static void
loops(void **state)
{
	struct md_filter_opts o = { .delivered_to = "r@x" };
	int err;

	(void)state;
	assert_null(run("S: 1\nDelivered-To: r@x\n\n", &o, &err));
	assert_int_equal(err, ELOOP);
	assert_int_equal(last_kind, MD_ERR_LOOP);
	assert_true(md_err_permanent(last_kind));
	assert_null(run("S: 1\ndelivered-to:  <R@X> \n\n", &o, &err));
	assert_int_equal(err, ELOOP);
	/* the MTA's own line at the top is not a loop; a second one is */
	expect("Delivered-To: r@x\nS: 1\n\nDelivered-To: r@x\n", &o,
	    "Delivered-To: r@x\nS: 1\n\nDelivered-To: r@x\n");
	assert_null(run("Delivered-To: r@x\nDelivered-To: r@x\n\n", &o, &err));
	assert_int_equal(err, ELOOP);
	assert_null(
	    run("Delivered-To: r@x\nS: 1\nDelivered-To: r@x\n", &o, &err));
	assert_int_equal(err, ELOOP);
	/* someone else, or in the body: fine */
	expect("S: 1\nDelivered-To: r@xy\n\n", &o,
	    "Delivered-To: r@x\nS: 1\nDelivered-To: r@xy\n\n");
	/* no recipient known: no check */
	o.delivered_to = NULL;
	expect("Delivered-To: r@x\n\n", &o, "Delivered-To: r@x\n\n");
	/* nothing is left in tmp/ by a refusal */
	o.delivered_to = "r@x";
	assert_null(run("Delivered-To: r@x\nDelivered-To: r@x\n\n", &o, &err));
	assert_int_equal(unlinkat(md.tmpfd, "x", 0), -1);
}

static void
size_limit(void **state)
{
	struct md_tmp *t = new_tmp();
	char buf[100] = { 0 };
	struct md_err e;

	(void)state;
	t->limit = 150;
	assert_int_equal(md_tmp_write(t, buf, 100, NULL), 0);
	assert_int_equal(md_tmp_write(t, buf, 50, NULL), 0);
	assert_int_equal(md_tmp_write(t, buf, 1, &e), -1);
	assert_int_equal(errno, EMSGSIZE);
	assert_int_equal(e.kind, MD_ERR_TOO_BIG);
	assert_true(md_err_permanent(e.kind));
	md_tmp_remove(t);
	assert_int_equal(scratch_entries(scratch, "tmp"), 0);
	free(t);
}

/* Long lines come in pieces; bytes are never lost between them. */
static void
long_lines(void **state)
{
	size_t n = 3 * MD_INPUT_SIZE + 17, got = 0, pieces = 0;
	char *s = malloc(n + 3);
	struct md_input *in = malloc(sizeof(*in));
	const char *p;
	size_t len;
	int complete, fd;

	(void)state;
	memset(s, 'x', n);
	memcpy(s + n, "\ny", 3);
	fd = input_fd(s, n + 2);
	md_input_init(in, fd, 0);
	while (md_input_line(in, &p, &len, &complete) == 1) {
		assert_memory_equal(p, s + got, len);
		got += len;
		pieces++;
		if (got == n + 1) {
			assert_true(complete);
			assert_int_equal(p[len - 1], '\n');
		} else if (got < n + 1)
			assert_false(complete);
	}
	assert_int_equal(got, n + 2);
	assert_int_equal(pieces, 5);
	close(fd);
	free(in);
	free(s);
}

static void
place_collision(void **state)
{
	struct md_tmp *t = new_tmp();
	char name[NAME_MAX + 8], want[NAME_MAX + 32];
	char *old;
	int fd;

	(void)state;
	assert_int_equal(md_tmp_write(t, "new\n", 4, NULL), 0);
	assert_int_equal(md_tmp_finish(t, NULL, NULL), 0);
	/* someone already has the name we would take */
	snprintf(want, sizeof(want), "new/%s,S=4", t->name);
	fd = openat(md.fd, want, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "old\n", 4), 4);
	close(fd);
	assert_int_equal(
	    md_place(t, &md, NULL, &gen, name, sizeof(name), NULL), 0);
	assert_string_not_equal(name, want);
	old = scratch_slurp(scratch, want, NULL);
	assert_string_equal(old, "old\n");
	free(old);
	old = scratch_slurp(scratch, name, NULL);
	assert_string_equal(old, "new\n");
	free(old);
	unlinkat(md.fd, want, 0);
	unlinkat(md.fd, name, 0);
	md_tmp_remove(t);
	free(t);
}

/* NFS: the link was made but the reply said EEXIST: same inode, success. */
static void
place_nfs_eexist(void **state)
{
	struct md_tmp *t = new_tmp();
	struct md_flags fl;
	char name[NAME_MAX + 8], want[NAME_MAX + 32];
	struct stat st;

	(void)state;
	md_flags_zero(&fl);
	md_flags_set(&fl, 'S', 1);
	assert_int_equal(md_tmp_finish(t, NULL, NULL), 0);
	snprintf(want, sizeof(want), "cur/%s,S=0:2,S", t->name);
	assert_int_equal(linkat(md.tmpfd, t->name, md.fd, want, 0), 0);
	assert_int_equal(
	    md_place(t, &md, &fl, &gen, name, sizeof(name), NULL), 0);
	assert_string_equal(name, want);
	assert_int_equal(fstatat(md.fd, want, &st, 0), 0);
	assert_int_equal(st.st_nlink, 2);
	unlinkat(md.fd, want, 0);
	md_tmp_remove(t);
	free(t);
}

static void
place_many_one_inode(void **state)
{
	struct md_maildir other;
	char path[PATH_MAX], a[NAME_MAX + 8], b[NAME_MAX + 8];
	struct md_tmp *t = new_tmp();
	struct stat sa, sb;
	struct timespec ts = { .tv_sec = 813950049 };

	(void)state;
	snprintf(path, sizeof(path), "%s2", scratch);
	assert_int_equal(md_maildir_open(&other, path, MD_CREATE, NULL), 0);
	assert_int_equal(md_tmp_write(t, "hi\n", 3, NULL), 0);
	assert_int_equal(md_tmp_finish(t, &ts, NULL), 0);
	assert_int_equal(md_place(t, &md, NULL, &gen, a, sizeof(a), NULL), 0);
	assert_int_equal(
	    md_place(t, &other, NULL, &gen, b, sizeof(b), NULL), 0);
	md_tmp_remove(t);
	assert_int_equal(fstatat(md.fd, a, &sa, 0), 0);
	assert_int_equal(fstatat(other.fd, b, &sb, 0), 0);
	assert_int_equal(sa.st_ino, sb.st_ino);
	assert_int_equal(sa.st_nlink, 2);
	assert_int_equal(sa.st_mode & 07777, 0600);
	assert_int_equal(sa.st_mtime, 813950049);
	assert_int_equal(md_maildir_sync(&other, MD_NEW | MD_CUR, NULL), 0);
	unlinkat(md.fd, a, 0);
	md_maildir_close(&other);
	free(t);
}

/* Read every message of an mbox; join them with '|' and flags. */
static char *
split(const char *mbox, time_t *dates)
{
	static char out[4096];
	struct md_input *in = malloc(sizeof(*in));
	struct md_filter_opts o = { .mbox = 1 };
	struct md_mbox mb;
	int fd = input_fd(mbox, strlen(mbox)), more = 1, i = 0;

	out[0] = '\0';
	md_input_init(in, fd, 0);
	if (md_mbox_begin(&mb, in, NULL) != 1)
		more = 0;
	while (more) {
		struct md_tmp *t = new_tmp();
		struct md_filter f;
		char fl[64], name[NAME_MAX + 8], *body;

		md_filter_begin(&f, &o, t);
		assert_int_equal(
		    md_mbox_read(&mb, &f, &dates[i++], &more, NULL), 0);
		assert_int_equal(md_tmp_finish(t, NULL, NULL), 0);
		assert_int_equal(
		    md_place(t, &md, NULL, &gen, name, sizeof(name), NULL), 0);
		body = scratch_slurp(scratch, name, NULL);
		md_flags_format(&f.flags, fl, sizeof(fl));
		strlcat(out, body, sizeof(out));
		strlcat(out, "[", sizeof(out));
		strlcat(out, fl, sizeof(out));
		strlcat(out, f.old ? "O]|" : "]|", sizeof(out));
		free(body);
		unlinkat(md.fd, name, 0);
		md_tmp_remove(t);
		free(t);
	}
	close(fd);
	free(in);
	return out;
}

static void
mbox_split(void **state)
{
	time_t d[8];

	(void)state;
	assert_string_equal(split("", d), "");
	assert_string_equal(split("\n\n", d), "");
	assert_string_equal(
	    split("From a Thu Oct 17 17:14:09 1995\nS: 1\n\nx\n\n"
	          "From b Thu Oct 17 17:14:10 1995\nS: 2\n\ny\n",
	        d),
	    "S: 1\n\nx\n[]|S: 2\n\ny\n[]|");
	assert_int_equal(d[0], 813950049);
	assert_int_equal(d[1], 813950050);
	/* mboxrd: one '>' comes off; others stay */
	assert_string_equal(split("From a Thu Oct 17 17:14:09 1995\nS: 1\n\n"
	                          ">From x\n>>From y\n>not\nFrom\n> From z\n",
	                        d),
	    "S: 1\n\nFrom x\n>From y\n>not\nFrom\n> From z\n[]|");
	/* no blank line before a dated From_ line: still a new message;
	 * an undated one is a body line */
	assert_string_equal(split("From a Thu Oct 17 17:14:09 1995\n\nx\n"
	                          "From here on\n"
	                          "From b Thu Oct 17 17:14:09 1995\n\ny\n",
	                        d),
	    "\nx\nFrom here on\n[]|\ny\n[]|");
	/* two blank lines: one is the message's */
	assert_string_equal(split("From a Thu Oct 17 17:14:09 1995\n\nx\n\n\n"
	                          "From b Thu Oct 17 17:14:09 1995\n\ny",
	                        d),
	    "\nx\n\n[]|\ny[]|");
	/* Status and X-Status become flags and go */
	assert_string_equal(
	    split("From a Thu Oct 17 17:14:09 1995\nStatus: RO\nS: 1\n"
	          "X-Status: AF\n  continued\nX-Other: 1\n\nStatus: R\n",
	        d),
	    "S: 1\nX-Other: 1\n\nStatus: R\n[FRSO]|");
	/* no From_ date: Date: gives the mtime */
	assert_string_equal(split("From a\nDate: Thu, 17 Oct 1995 17:14:09 "
	                          "+0000\n\nx\n",
	                        d),
	    "Date: Thu, 17 Oct 1995 17:14:09 +0000\n\nx\n[]|");
	assert_int_equal(d[0], 813950049);
}

static void
mbox_not_mbox(void **state)
{
	struct md_input *in = malloc(sizeof(*in));
	struct md_mbox mb;
	int fd = input_fd("Subject: x\n\n", 12);

	(void)state;
	md_input_init(in, fd, 0);
	assert_int_equal(md_mbox_begin(&mb, in, NULL), -1);
	assert_int_equal(errno, EINVAL);
	close(fd);
	free(in);
}

/* A reader that never writes: the deadline ends the wait. */
static void
input_deadline(void **state)
{
	struct md_input *in = malloc(sizeof(*in));
	struct md_err e;
	const char *p;
	size_t n;
	int fds[2], complete;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	md_input_init(in, fds[0], 1);
	assert_int_equal(md_input_line(in, &p, &n, &complete), -1);
	assert_int_equal(errno, ETIMEDOUT);
	assert_int_equal(md_input_err(&e), -1);
	assert_int_equal(e.kind, MD_ERR_TIMEOUT);
	assert_false(md_err_permanent(e.kind));
	errno = EIO;
	md_input_err(&e);
	assert_int_equal(e.kind, MD_ERR_SYSTEM);
	assert_string_equal(e.step, "read");
	close(fds[0]);
	close(fds[1]);
	free(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(from_line_and_trace),
		cmocka_unit_test(loops),
		cmocka_unit_test(size_limit),
		cmocka_unit_test(long_lines),
		cmocka_unit_test(place_collision),
		cmocka_unit_test(place_nfs_eexist),
		cmocka_unit_test(place_many_one_inode),
		cmocka_unit_test(mbox_split),
		cmocka_unit_test(mbox_not_mbox),
		cmocka_unit_test(input_deadline),
	};

	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(tests, setup, teardown);
}
