/*
 * sendmail.c: hand a message to the MTA as sendmail(8) takes it, for
 * Sieve's redirect and vacation: the program run directly (no shell),
 * the message on its stdin, its exit status the verdict.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* HEAD, then the file IN from its start (none when -1) less a first
 * line that starts with SKIP (NULL: none), into OUT. */
static int
feed(int out, const char *head, int in, const char *skip)
{
	char buf[65536];
	off_t at = 0;
	ssize_t k;
	int first = 1;

	if (head != NULL && write_all(out, head, strlen(head)) == -1)
		return -1;
	while (in >= 0 && (k = pread(in, buf, sizeof(buf), at)) != 0) {
		size_t off = 0;

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		at += k;
		if (first && skip != NULL &&
		    strncasecmp(buf, skip, strlen(skip)) == 0) {
			char *nl = memchr(buf, '\n', (size_t)k);

			off = nl ? (size_t)(nl + 1 - buf) : 0;
		}
		first = 0;
		if (write_all(out, buf + off, (size_t)k - off) == -1)
			return -1;
	}
	return 0;
}

int
md_sendmail(const char *const *argv, const char *head, int in, const char *skip,
    unsigned seconds)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	int p[2], status, rc, saved = 0;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) == -1)
		return -1;
	if ((pid = fork()) == -1) {
		saved = errno;
		close(p[0]);
		close(p[1]);
		errno = saved;
		return -1;
	}
	if (pid == 0) {
		/* The alarm outlives exec: a sendmail that hangs is ended by
		 * it, and the delivery goes on. */
		alarm(seconds);
		if (dup2(p[0], STDIN_FILENO) == -1)
			_exit(127);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(p[0]);
	/* A sendmail that stops reading must not kill the delivery. */
	sigaction(SIGPIPE, &ign, &old);
	rc = feed(p[1], head, in, skip);
	if (rc == -1)
		saved = errno;
	close(p[1]);
	sigaction(SIGPIPE, &old, NULL);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return -1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	if (WEXITSTATUS(status) != 0)
		return WEXITSTATUS(status);
	if (rc == -1) {
		errno = saved;
		return -1;
	}
	return 0;
}
