/*
 * Unit tests for commit.c: a file made durable and visible. New names
 * never replace a file (md_place_own, md_link, md_rename_durable); NFS's
 * EEXIST for a link that was made is success; files replaced on purpose
 * (md_tmp_replace) are; copies (md_tmp_copy) and directory syncs. The
 * delivery path's md_place is driven in test-deliver.c; the failures of
 * directory syncs, which need the fault shim, in t/0910-commit.t.
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

/* Write S as DIR/NAME (a new file). */
static void
put(int dir, const char *name, const char *s)
{
	int fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	assert_int_equal(close(fd), 0);
}

/* Does DIR/NAME hold exactly S? */
static void
holds(int dir, const char *name, const char *s)
{
	char buf[256];
	int fd = openat(dir, name, O_RDONLY);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n >= 0);
	buf[n] = '\0';
	assert_string_equal(buf, s);
}

static int
entries(int dir)
{
	struct md_scan s;
	const char *name;
	unsigned char type;
	int n = 0;

	assert_int_equal(md_scan_open(&s, dir, "."), 0);
	while (md_scan_next(&s, &name, &type) == 1)
		n++;
	md_scan_close(&s);
	return n;
}

static ino_t
inode(int dir, const char *name)
{
	struct stat st;

	assert_int_equal(fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW), 0);
	return st.st_ino;
}

/* A finished tmp file of M holding S. */
static struct md_tmp *
finished(const char *s)
{
	struct md_tmp *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	assert_int_equal(md_tmp_create(t, &md, &gen, NULL), 0);
	assert_int_equal(md_tmp_write(t, s, strlen(s), NULL), 0);
	assert_int_equal(md_tmp_finish(t, NULL, NULL), 0);
	return t;
}

/* ---- md_place_own: into its own maildir, never over a file ---- */

static void
place_own_info(void **state)
{
	struct md_tmp *t = finished("hello\n");
	char name[NAME_MAX + 8], want[NAME_MAX + 32];

	(void)state;
	snprintf(want, sizeof(want), "cur/%s,S=6:2,FS,tail", t->name);
	assert_int_equal(md_place_own(t, MD_CUR, ":2,FS,tail", &gen, name,
	                     sizeof(name), NULL),
	    0);
	assert_string_equal(name, want);
	holds(md.fd, name, "hello\n");
	md_tmp_remove(t);
	assert_int_equal(entries(md.tmpfd), 0);
	assert_int_equal(unlinkat(md.fd, name, 0), 0);
	free(t);
}

static void
place_own_never_replaces(void **state)
{
	struct md_tmp *t = finished("new\n");
	char name[NAME_MAX + 8], want[NAME_MAX + 32];

	(void)state;
	/* the name it would take holds another message */
	snprintf(want, sizeof(want), "new/%s,S=4", t->name);
	put(md.fd, want, "old\n");
	assert_int_equal(
	    md_place_own(t, MD_NEW, "", &gen, name, sizeof(name), NULL), 0);
	assert_string_not_equal(name, want);
	holds(md.fd, want, "old\n");
	holds(md.fd, name, "new\n");
	md_tmp_remove(t);
	assert_int_equal(entries(md.newfd), 2);
	unlinkat(md.fd, want, 0);
	unlinkat(md.fd, name, 0);
	free(t);
}

/* ---- md_link and md_rename_durable ---- */

static void
link_never_replaces(void **state)
{
	(void)state;
	put(md.tmpfd, "a", "a\n");
	put(md.newfd, "b", "b\n");
	errno = 0;
	assert_int_equal(md_link(md.tmpfd, "a", md.newfd, "b"), -1);
	assert_int_equal(errno, EEXIST);
	holds(md.newfd, "b", "b\n");
	assert_int_equal(md_link(md.tmpfd, "a", md.newfd, "c"), 0);
	assert_int_equal(inode(md.newfd, "c"), inode(md.tmpfd, "a"));
	unlinkat(md.tmpfd, "a", 0);
	unlinkat(md.newfd, "b", 0);
	unlinkat(md.newfd, "c", 0);
}

/* NFS: a retransmitted LINK says EEXIST for the link it made. The name
 * is already the same inode: that is success, not a clash. */
static void
link_nfs_same_inode(void **state)
{
	(void)state;
	put(md.tmpfd, "a", "a\n");
	assert_int_equal(linkat(md.tmpfd, "a", md.curfd, "a2", 0), 0);
	assert_int_equal(md_link(md.tmpfd, "a", md.curfd, "a2"), 0);
	/* a symbolic link to it is another file: a clash */
	assert_int_equal(symlinkat("../tmp/a", md.curfd, "s"), 0);
	errno = 0;
	assert_int_equal(md_link(md.tmpfd, "a", md.curfd, "s"), -1);
	assert_int_equal(errno, EEXIST);
	unlinkat(md.tmpfd, "a", 0);
	unlinkat(md.curfd, "a2", 0);
	unlinkat(md.curfd, "s", 0);
}

static void
rename_durable(void **state)
{
	ino_t ino;

	(void)state;
	put(md.newfd, "x", "x\n");
	put(md.curfd, "y", "y\n");
	ino = inode(md.newfd, "x");
	/* never over a file: nothing moves */
	errno = 0;
	assert_int_equal(md_rename_durable(md.newfd, "x", md.curfd, "y"), -1);
	assert_int_equal(errno, EEXIST);
	holds(md.newfd, "x", "x\n");
	holds(md.curfd, "y", "y\n");
	/* new/ -> cur/, and within one directory */
	assert_int_equal(md_rename_durable(md.newfd, "x", md.curfd, "x"), 0);
	assert_int_equal(inode(md.curfd, "x"), ino);
	assert_int_equal(md_rename_durable(md.curfd, "x", md.curfd, "z"), 0);
	assert_int_equal(inode(md.curfd, "z"), ino);
	assert_int_equal(entries(md.newfd), 0);
	/* a source that is gone */
	errno = 0;
	assert_int_equal(md_rename_durable(md.newfd, "x", md.curfd, "w"), -1);
	assert_int_equal(errno, ENOENT);
	unlinkat(md.curfd, "y", 0);
	unlinkat(md.curfd, "z", 0);
}

/* ---- files replaced on purpose ---- */

static void
replace_on_purpose(void **state)
{
	struct md_maildir root;
	struct md_tmp *t = calloc(1, sizeof(*t));
	ino_t old;

	(void)state;
	assert_non_null(t);
	put(md.fd, "state", "old\n");
	old = inode(md.fd, "state");
	assert_int_equal(md_replace_open(&root, md.path, NULL), 0);
	assert_true(root.fd >= 0 && root.tmpfd >= 0);
	assert_int_equal(root.newfd, -1);
	assert_int_equal(root.curfd, -1);
	assert_int_equal(md_tmp_create(t, &root, &gen, NULL), 0);
	assert_int_equal(md_tmp_write(t, "new\n", 4, NULL), 0);
	assert_int_equal(md_tmp_finish(t, NULL, NULL), 0);
	assert_int_equal(md_tmp_replace(t, "state", NULL), 0);
	/* the name is replaced whole: a new inode, nothing left in tmp/ */
	holds(md.fd, "state", "new\n");
	assert_true(inode(md.fd, "state") != old);
	assert_string_equal(t->name, "");
	md_tmp_remove(t);
	assert_int_equal(entries(md.tmpfd), 0);
	/* a first file: made */
	assert_int_equal(md_tmp_create(t, &root, &gen, NULL), 0);
	assert_int_equal(md_tmp_finish(t, NULL, NULL), 0);
	assert_int_equal(md_tmp_replace(t, "first", NULL), 0);
	holds(md.fd, "first", "");
	md_tmp_remove(t);
	md_maildir_close(&root);
	unlinkat(md.fd, "state", 0);
	unlinkat(md.fd, "first", 0);
	free(t);
}

static void
replace_failures(void **state)
{
	char dir[PATH_MAX + 16];
	struct md_maildir root;
	struct md_tmp *t = calloc(1, sizeof(*t));
	struct md_err e;

	(void)state;
	assert_non_null(t);
	/* a root without tmp/: nowhere to write, said as the create */
	snprintf(dir, sizeof(dir), "%s/../notmp", md.path);
	assert_int_equal(mkdir(dir, 0700), 0);
	errno = 0;
	assert_int_equal(md_replace_open(&root, dir, &e), -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(e.step, "create");
	assert_int_equal(root.fd, -1);
	/* no directory at all */
	errno = 0;
	assert_int_equal(md_replace_open(&root, "/nonexistent/x", &e), -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(e.step, "open");
	/* a directory where the name is: the rename fails, the directory
	 * is as it was, and the tmp file is removed */
	assert_int_equal(mkdirat(md.fd, "adir", 0700), 0);
	assert_int_equal(md_replace_open(&root, md.path, NULL), 0);
	assert_int_equal(md_tmp_create(t, &root, &gen, NULL), 0);
	assert_int_equal(md_tmp_finish(t, NULL, NULL), 0);
	assert_int_equal(md_tmp_replace(t, "adir", &e), -1);
	assert_int_equal(errno, EISDIR);
	assert_string_equal(e.step, "rename");
	md_tmp_remove(t);
	assert_int_equal(entries(md.tmpfd), 0);
	md_maildir_close(&root);
	assert_int_equal(unlinkat(md.fd, "adir", AT_REMOVEDIR), 0);
	free(t);
}

/* ---- md_tmp_copy ---- */

static void
copy(void **state)
{
	struct md_tmp *t = calloc(1, sizeof(*t));
	struct timespec mt = { .tv_sec = 813950049 };
	struct md_err e;
	struct stat st;
	size_t big = 3 * MD_TMP_BUF + 17;
	char *buf = malloc(big);
	int fd;

	(void)state;
	assert_non_null(t);
	assert_non_null(buf);
	/* more than a buffer's worth, and what was read before stays out */
	for (size_t i = 0; i < big; i++)
		buf[i] = (char)('a' + i % 26);
	fd = openat(md.fd, "src", O_RDWR | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, big), (ssize_t)big);
	assert_int_equal(lseek(fd, 5, SEEK_SET), 5);
	assert_int_equal(md_tmp_copy(t, &md, fd, "src", &mt, &gen, NULL), 0);
	close(fd);
	assert_int_equal(t->fd, -1); /* finished */
	assert_int_equal((size_t)t->size, big - 5);
	assert_int_equal(fstatat(md.tmpfd, t->name, &st, 0), 0);
	assert_int_equal((size_t)st.st_size, big - 5);
	assert_int_equal(st.st_mtime, 813950049);
	assert_int_equal(st.st_mode & 07777, 0600);
	fd = openat(md.tmpfd, t->name, O_RDONLY);
	assert_true(fd >= 0);
	{
		char *got = malloc(big);

		assert_non_null(got);
		assert_int_equal(read(fd, got, big), (ssize_t)(big - 5));
		assert_memory_equal(got, buf + 5, big - 5);
		free(got);
	}
	close(fd);
	md_tmp_remove(t);
	/* a read that fails: said, and nothing left in tmp/ */
	fd = open(md.path, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	errno = 0;
	assert_int_equal(md_tmp_copy(t, &md, fd, "a dir", NULL, &gen, &e), -1);
	assert_int_equal(errno, EISDIR);
	assert_string_equal(e.step, "read");
	assert_string_equal(e.path, "a dir");
	close(fd);
	assert_int_equal(entries(md.tmpfd), 0);
	unlinkat(md.fd, "src", 0);
	free(buf);
	free(t);
}

/* ---- directory syncs ---- */

static void
dir_sync(void **state)
{
	(void)state;
	assert_int_equal(md_dir_sync(md.newfd, NULL), 0);
	assert_int_equal(md_dir_sync(md.fd, "cur"), 0);
	assert_int_equal(md_dir_sync(AT_FDCWD, md.path), 0);
	assert_int_equal(md_maildir_sync(&md, MD_NEW | MD_CUR, NULL), 0);
	errno = 0;
	assert_int_equal(md_dir_sync(md.fd, "nothing"), -1);
	assert_int_equal(errno, ENOENT);
	/* a file is no directory to sync */
	put(md.fd, "file", "");
	errno = 0;
	assert_int_equal(md_dir_sync(md.fd, "file"), -1);
	assert_int_equal(errno, ENOTDIR);
	unlinkat(md.fd, "file", 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(place_own_info),
		cmocka_unit_test(place_own_never_replaces),
		cmocka_unit_test(link_never_replaces),
		cmocka_unit_test(link_nfs_same_inode),
		cmocka_unit_test(rename_durable),
		cmocka_unit_test(replace_on_purpose),
		cmocka_unit_test(replace_failures),
		cmocka_unit_test(copy),
		cmocka_unit_test(dir_sync),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
