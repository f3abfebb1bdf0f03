/*
 * killat: run a program and SIGKILL it after a random delay, the way a
 * crash (power cut aside) stops a process at any instruction.
 *
 *	killat [-u maxus] [-s seed] [-i in] [-o out] [-e err] -- prog [arg ...]
 *
 * The delay is uniform in 0..maxus microseconds, drawn from seed (so a
 * run can be repeated) or from getrandom(2); -u 0, the default, never
 * kills. The program's standard input, output and error come from the
 * files in, out and err (out and err are truncated), else are left as
 * they are; prog is a path (execv, no PATH search). One line on
 * standard output says what happened:
 *
 *	killed DELAY          the SIGKILL came while it ran
 *	exit STATUS ELAPSED   it exited first, after ELAPSED microseconds
 *	signal N ELAPSED      something else killed it
 *
 * The wait is a ppoll(2) on a pidfd, so a program that exits before the
 * delay is over is seen at once, and a kill never hits a reaped PID.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void
usage(void)
{
	fprintf(stderr, "usage: killat [-u maxus] [-s seed] [-i in] [-o out] "
	                "[-e err] -- prog [arg ...]\n");
	exit(2);
}

/* splitmix64: a seed in, a well mixed number out. */
static uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint64_t
number(const char *s, const char *what)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s == '\0' || *s == '-' || *end != '\0' || errno != 0)
		errx(2, "%s %s: not a number", what, s);
	return (uint64_t)v;
}

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
redirect(const char *path, int fd, int flags)
{
	int f;

	if (path == NULL)
		return;
	if ((f = open(path, flags | O_CLOEXEC, 0600)) == -1) {
		fprintf(stderr, "killat: %s: %s\n", path, strerror(errno));
		_exit(126);
	}
	if (dup2(f, fd) == -1)
		_exit(126);
}

int
main(int argc, char *argv[])
{
	const char *in = NULL, *out = NULL, *errf = NULL;
	uint64_t maxus = 0, seed = 0, delay = 0;
	int c, have_seed = 0, sent = 0, pfd, st;
	int64_t t0;
	pid_t pid;

	while ((c = getopt(argc, argv, "+e:i:o:s:u:")) != -1) {
		switch (c) {
		case 'e':
			errf = optarg;
			break;
		case 'i':
			in = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 's':
			seed = number(optarg, "-s");
			have_seed = 1;
			break;
		case 'u':
			maxus = number(optarg, "-u");
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	if (!have_seed &&
	    getrandom(&seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
		err(1, "getrandom");
	if (maxus > 0)
		delay = mix(seed) % (maxus + 1);

	t0 = now_us();
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		redirect(in, STDIN_FILENO, O_RDONLY);
		redirect(out, STDOUT_FILENO, O_WRONLY | O_CREAT | O_TRUNC);
		redirect(errf, STDERR_FILENO, O_WRONLY | O_CREAT | O_TRUNC);
		signal(SIGPIPE, SIG_DFL);
		execv(argv[0], argv);
		fprintf(stderr, "killat: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if ((pfd = pidfd_open(pid, 0)) == -1)
		err(1, "pidfd_open");
	if (maxus > 0) {
		struct pollfd p = { .fd = pfd, .events = POLLIN };
		int64_t left;

		/* Restarted after EINTR with what is left of the delay. */
		while ((left = (int64_t)delay - (now_us() - t0)) >= 0) {
			struct timespec ts = { left / 1000000,
				(left % 1000000) * 1000 };
			int r = ppoll(&p, 1, &ts, NULL);

			if (r == -1 && errno == EINTR)
				continue;
			if (r == -1)
				err(1, "ppoll");
			if (r == 1)
				break; /* it exited first */
			/* Until reaped, the pidfd names this process. */
			if (pidfd_send_signal(pfd, SIGKILL, NULL, 0) == -1)
				err(1, "pidfd_send_signal");
			sent = 1;
			break;
		}
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			err(1, "waitpid");
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && sent)
		printf("killed %" PRIu64 "\n", delay);
	else if (WIFSIGNALED(st))
		printf("signal %d %" PRId64 "\n", WTERMSIG(st), now_us() - t0);
	else
		printf("exit %d %" PRId64 "\n", WEXITSTATUS(st), now_us() - t0);
	return fflush(stdout) == EOF;
}
