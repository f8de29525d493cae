/*
 * bench/spawn-time.c - run one command and time it: posix_spawn to waitpid.
 *
 *   spawn-time OUT ERR CMD [ARG...]
 *
 * Runs CMD (searched in PATH) with stdin from /dev/null, stdout into OUT
 * and stderr into ERR (both created or truncated), waits for it, and
 * prints one line on stdout:
 *
 *   STATUS START END
 *
 * STATUS is the command's exit status (128 + N if signal N ended it, 127
 * if it could not start), START and END are CLOCK_MONOTONIC seconds with
 * nine decimals, taken just before posix_spawn() and just after waitpid().
 * SIGTERM, SIGINT and SIGHUP are passed on to the command.
 *
 * bench/live.sh times every tool with it.  glibc's posix_spawn() starts the
 * child with vfork semantics (no copy of the parent's memory), so what is
 * measured is the command's own exec, run and exit, plus a constant spawn
 * cost the same for every tool (the /bin/true row shows it); a shell's
 * fork of itself, several milliseconds on a VM, is not in it.
 *
 * Build: cc -O2 -Wall -o spawn-time bench/spawn-time.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static volatile sig_atomic_t child;

static void
pass_on(int sig)
{
	if (child > 0)
		kill((pid_t)child, sig);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	posix_spawn_file_actions_t fa;
	struct sigaction sa;
	double t0, t1;
	pid_t pid;
	int rc, st, status, in, out, err;

	if (argc < 4) {
		fprintf(stderr, "usage: spawn-time OUT ERR CMD [ARG...]\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = pass_on;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	/* the files are opened here, outside the timed span */
	if ((in = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0 ||
	    (out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) < 0 ||
	    (err = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) < 0) {
		fprintf(stderr, "spawn-time: %s\n", strerror(errno));
		return 2;
	}
	if ((rc = posix_spawn_file_actions_init(&fa)) != 0 ||
	    (rc = posix_spawn_file_actions_adddup2(&fa, in, 0)) != 0 ||
	    (rc = posix_spawn_file_actions_adddup2(&fa, out, 1)) != 0 ||
	    (rc = posix_spawn_file_actions_adddup2(&fa, err, 2)) != 0) {
		fprintf(stderr, "spawn-time: %s\n", strerror(rc));
		return 2;
	}
	t0 = now();
	rc = posix_spawnp(&pid, argv[3], &fa, NULL, argv + 3, environ);
	if (rc != 0) {
		t1 = now();
		fprintf(stderr, "spawn-time: %s: %s\n", argv[3], strerror(rc));
		printf("127 %.9f %.9f\n", t0, t1);
		return 0;
	}
	child = pid;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			fprintf(stderr, "spawn-time: waitpid: %s\n",
			    strerror(errno));
			return 2;
		}
	t1 = now();
	child = 0;
	status = WIFEXITED(st) ? WEXITSTATUS(st) :
	    WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 255;
	printf("%d %.9f %.9f\n", status, t0, t1);
	return 0;
}
