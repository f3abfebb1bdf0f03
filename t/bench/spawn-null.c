/*
 * spawn-null: run a program N times, one after the other, with its stdin
 * and stdout on /dev/null, and print the wall time it took (spawn's -i
 * mode, but with the runs' output thrown away while this program's own
 * line still reaches its stdout).
 *
 *	spawn-null -n N -- PROG [ARG ...]
 *
 * Any run that does not exit 0 stops everything with exit 1. PROG is a
 * path (execv, no PATH search); its stderr is left alone. Prints one
 * line: "N runs, T s, U us/run".
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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
	fprintf(stderr, "usage: spawn-null -n runs -- prog [arg ...]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	char *end;
	long n = 0;
	int c, null;
	double t0, t;

	while ((c = getopt(argc, argv, "+n:")) != -1) {
		switch (c) {
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
	if (argc < 1 || n < 1)
		usage();
	if ((null = open("/dev/null", O_RDWR)) == -1)
		err(1, "/dev/null");

	t0 = now();
	for (long i = 1; i <= n; i++) {
		pid_t pid;
		int st;

		if ((pid = fork()) == -1)
			err(1, "fork");
		if (pid == 0) {
			if (dup2(null, STDIN_FILENO) == -1 ||
			    dup2(null, STDOUT_FILENO) == -1)
				_exit(126);
			close(null);
			execv(argv[0], argv);
			fprintf(stderr, "spawn-null: %s: %s\n", argv[0],
			    strerror(errno));
			_exit(127);
		}
		while (waitpid(pid, &st, 0) == -1)
			if (errno != EINTR)
				err(1, "waitpid");
		if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
			errx(1, "run %ld: %s exited %d", i, argv[0],
			    WEXITSTATUS(st));
		if (!WIFEXITED(st))
			errx(1, "run %ld: %s killed by signal %d", i, argv[0],
			    WIFSIGNALED(st) ? WTERMSIG(st) : -1);
	}
	t = now() - t0;

	printf("%ld runs, %.6f s, %.1f us/run\n", n, t, t * 1e6 / (double)n);
	return 0;
}
