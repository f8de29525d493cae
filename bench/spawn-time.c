/*
 * bench/spawn-time.c - run one command and time it: posix_spawn to waitpid.
 *
 *   spawn-time OUT ERR CMD [ARG...]
 *
 * Runs CMD (searched in PATH) with stdin from /dev/null, stdout on a
 * pseudo-terminal (raw mode) whose output is copied into OUT, and stderr
 * into ERR (both created or truncated), waits for it, and prints one line
 * on stdout:
 *
 *   STATUS START END LAST
 *
 * STATUS is the command's exit status (128 + N if signal N ended it, 127
 * if it could not start), START and END are CLOCK_MONOTONIC seconds with
 * nine decimals, taken just before posix_spawn() and just after waitpid()
 * (what a script waits for), LAST the time its last output arrived (what
 * a user watching a terminal waits for; END when it printed nothing).
 * stdout is a terminal so that every tool prints as it does for a user
 * (stdio line-buffers a terminal; a file or pipe would hold every line to
 * the end).  SIGTERM, SIGINT and SIGHUP are passed on to the command.
 *
 * bench/live.sh times every tool with it.  glibc's posix_spawn() starts the
 * child with vfork semantics (no copy of the parent's memory), so what is
 * measured is the command's own exec, run and exit, plus a constant spawn
 * cost the same for every tool (the /bin/true row shows it); a shell's
 * fork of itself, several milliseconds on a VM, is not in it.
 *
 * Build: cc -O2 -Wall -o spawn-time bench/spawn-time.c (-lutil before glibc 2.34)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
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

/* Copy what the terminal has for us into out; 0 at its end (EIO). */
static int
copy_out(int master, int out, double *last)
{
	char buf[4096];
	ssize_t n;

	for (;;) {
		n = read(master, buf, sizeof(buf));
		if (n > 0) {
			*last = now();
			if (write(out, buf, (size_t)n) != n)
				return -1;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 1;
		return 0;	/* EIO: every writer has closed it */
	}
}

int
main(int argc, char **argv)
{
	posix_spawn_file_actions_t fa;
	struct sigaction sa;
	struct termios tio;
	struct pollfd pf[2];
	double t0, t1 = 0, last = 0;
	pid_t pid;
	int rc, st = 0, status, in, out, err, master, slave, pidfd, open_out = 1;
	int exited = 0;

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
	    0644)) < 0 ||
	    openpty(&master, &slave, NULL, NULL, NULL) < 0) {
		fprintf(stderr, "spawn-time: %s\n", strerror(errno));
		return 2;
	}
	if (tcgetattr(slave, &tio) == 0) {
		cfmakeraw(&tio);
		tcsetattr(slave, TCSANOW, &tio);
	}
	fcntl(master, F_SETFD, FD_CLOEXEC);
	fcntl(master, F_SETFL, O_NONBLOCK);
	fcntl(slave, F_SETFD, FD_CLOEXEC);
	if ((rc = posix_spawn_file_actions_init(&fa)) != 0 ||
	    (rc = posix_spawn_file_actions_adddup2(&fa, in, 0)) != 0 ||
	    (rc = posix_spawn_file_actions_adddup2(&fa, slave, 1)) != 0 ||
	    (rc = posix_spawn_file_actions_adddup2(&fa, err, 2)) != 0) {
		fprintf(stderr, "spawn-time: %s\n", strerror(rc));
		return 2;
	}
	t0 = now();
	rc = posix_spawnp(&pid, argv[3], &fa, NULL, argv + 3, environ);
	if (rc != 0) {
		t1 = now();
		fprintf(stderr, "spawn-time: %s: %s\n", argv[3], strerror(rc));
		printf("127 %.9f %.9f %.9f\n", t0, t1, t1);
		return 0;
	}
	child = pid;
	close(slave);
	if ((pidfd = (int)syscall(SYS_pidfd_open, pid, 0)) < 0) {
		fprintf(stderr, "spawn-time: pidfd_open: %s\n", strerror(errno));
		return 2;
	}
	/* until the command has exited and its output has ended */
	while (!exited || open_out) {
		pf[0].fd = open_out ? master : -1;
		pf[0].events = POLLIN;
		pf[1].fd = exited ? -1 : pidfd;
		pf[1].events = POLLIN;
		if (poll(pf, 2, exited ? 2000 : -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "spawn-time: poll: %s\n", strerror(errno));
			return 2;
		}
		if (open_out && (pf[0].revents & (POLLIN | POLLHUP | POLLERR)))
			if ((open_out = copy_out(master, out, &last)) < 0) {
				fprintf(stderr, "spawn-time: %s: %s\n", argv[1],
				    strerror(errno));
				return 2;
			}
		if (!exited && (pf[1].revents & POLLIN)) {
			while (waitpid(pid, &st, 0) < 0)
				if (errno != EINTR) {
					fprintf(stderr, "spawn-time: waitpid: "
					    "%s\n", strerror(errno));
					return 2;
				}
			t1 = now();
			child = 0;
			exited = 1;
		} else if (exited && pf[0].revents == 0)
			break;	/* something else holds the terminal: 2 s */
	}
	if (last == 0 || last > t1)
		last = t1;
	status = WIFEXITED(st) ? WEXITSTATUS(st) :
	    WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 255;
	printf("%d %.9f %.9f %.9f\n", status, t0, t1, last);
	return 0;
}
