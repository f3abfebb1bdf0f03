/*
 * spawn: run a program N times, one process per message, the way an MTA
 * runs a delivery agent, and print the wall time it took.
 *
 *	spawn -n N -m MSGFILE -- PROG [ARG ...]
 *	spawn -n N -i FILE -- PROG [ARG ...]
 *	spawn ... -o OUTFILE ...
 *
 * -m: each run gets the message on a pipe (pipe, fork, execv, write the
 * message, close, waitpid). -i: each run gets FILE itself as stdin (as
 * with "< FILE"). Any run that does not exit 0 stops everything with
 * exit 1. -o: each run's stdout goes to OUTFILE (/dev/null for a
 * listing), else it is left alone, as is stderr. PROG is a path (execv,
 * no PATH search). Prints one line: "N runs, T s, U us/run".
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char *
slurp(const char *path, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);
	ssize_t r;
	int fd;

	if (buf == NULL)
		err(1, "malloc");
	if ((fd = open(path, O_RDONLY)) == -1)
		err(1, "%s", path);
	while ((r = read(fd, buf + n, cap - n)) != 0) {
		if (r == -1)
			err(1, "read %s", path);
		n += (size_t)r;
		if (n == cap && (buf = realloc(buf, cap *= 2)) == NULL)
			err(1, "realloc");
	}
	close(fd);
	*len = n;
	return buf;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
usage(void)
{
	fprintf(stderr, "usage: spawn -n runs (-m msgfile | -i stdinfile) "
	                "[-o outfile] -- prog [arg ...]\n");
	exit(2);
}

/* One run: the child's stdin is IN_FD, or a pipe fed MSG when IN_FD < 0;
 * its stdout OUT_FD unless that is < 0. */
static void
run_one(char **av, int in_fd, int out_fd, const char *msg, size_t len, long i)
{
	int p[2] = { -1, -1 }, st;
	pid_t pid;

	if (in_fd < 0 && pipe(p) == -1)
		err(1, "pipe");
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		int fd = in_fd >= 0 ? in_fd : p[0];

		if (in_fd >= 0 && lseek(fd, 0, SEEK_SET) == -1)
			_exit(126);
		if (dup2(fd, STDIN_FILENO) == -1)
			_exit(126);
		if (fd != STDIN_FILENO)
			close(fd);
		if (p[1] >= 0)
			close(p[1]);
		if (out_fd >= 0 && dup2(out_fd, STDOUT_FILENO) == -1)
			_exit(126);
		signal(SIGPIPE, SIG_DFL);
		execv(av[0], av);
		fprintf(stderr, "spawn: %s: %s\n", av[0], strerror(errno));
		_exit(127);
	}
	if (in_fd < 0) {
		close(p[0]);
		for (size_t off = 0; off < len;) {
			ssize_t w = write(p[1], msg + off, len - off);

			if (w == -1 && errno == EINTR)
				continue;
			if (w == -1) {
				/* Reported below with the exit status. */
				warn("run %ld: write to %s", i, av[0]);
				break;
			}
			off += (size_t)w;
		}
		close(p[1]);
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			err(1, "waitpid");
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return;
	if (WIFEXITED(st))
		errx(1, "run %ld: %s exited %d", i, av[0], WEXITSTATUS(st));
	errx(1, "run %ld: %s killed by signal %d", i, av[0],
	    WIFSIGNALED(st) ? WTERMSIG(st) : -1);
}

int
main(int argc, char *argv[])
{
	const char *msgfile = NULL, *infile = NULL, *outfile = NULL;
	char *msg = NULL, *end;
	size_t len = 0;
	long n = 0;
	int c, in_fd = -1, out_fd = -1;
	double t0, t, cpu;
	struct rusage ru;

	while ((c = getopt(argc, argv, "+i:m:n:o:")) != -1) {
		switch (c) {
		case 'i':
			infile = optarg;
			break;
		case 'm':
			msgfile = optarg;
			break;
		case 'o':
			outfile = optarg;
			break;
		case 'n':
			n = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || n < 1)
				errx(2, "-n %s: not a count", optarg);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || n < 1 || (msgfile == NULL) == (infile == NULL))
		usage();
	/* A child that dies early must show up as its exit status. */
	signal(SIGPIPE, SIG_IGN);
	if (msgfile != NULL)
		msg = slurp(msgfile, &len);
	else if ((in_fd = open(infile, O_RDONLY)) == -1)
		err(1, "%s", infile);
	if (outfile != NULL && (out_fd = open(outfile, O_WRONLY)) == -1)
		err(1, "%s", outfile);

	t0 = now();
	for (long i = 1; i <= n; i++)
		run_one(argv, in_fd, out_fd, msg, len, i);
	t = now() - t0;

	/* and the CPU time (user and system) the runs took, all threads */
	if (getrusage(RUSAGE_CHILDREN, &ru) == -1)
		err(1, "getrusage");
	cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	      (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	printf("%ld runs, %.6f s, %.1f us/run, %.6f s cpu\n", n, t,
	    t * 1e6 / (double)n, cpu);
	free(msg);
	return 0;
}
