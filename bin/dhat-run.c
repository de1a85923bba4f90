/* SPDX-License-Identifier: MIT */
/*
 * dhat-run.c - run an unmodified program under libdhat.
 *
 * The launcher only prepares an environment: LD_PRELOAD gets libdhat in
 * front of whatever was there, and the DHAT_* variables carry the options
 * to libdhat's start-up code (lib/preload.c), which starts a profiler in
 * every process that loads it.  Then fork, exec, wait, and exit with the
 * program's status.  While it waits, a helper process of its own writes
 * decompressed copies of libc's debug files for the profiles to read,
 * into the user's cache unless they are there already (run/dbgcache.c).  dhat-run never links libdhat: it would profile itself.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run/dbgcache.h"
#include "run/unprofiled.h"
#include "settings.h"

#ifndef DHAT_RUN_LIBRARY
#error "DHAT_RUN_LIBRARY: the installed path of libdhat.so.0, from Makefile.am"
#endif

/* Exit statuses of our own, as env(1) and timeout(1) use them. */
enum {
	EXIT_USAGE = 2,     /* bad command line */
	EXIT_TROUBLE = 125, /* dhat-run itself failed */
	EXIT_CANNOT = 126,  /* PROGRAM found but not executable */
	EXIT_ENOENT = 127,  /* PROGRAM not found */
};

static const char progname[] = "dhat-run";

/* The pid of PROGRAM, read by the signal forwarder. */
static volatile sig_atomic_t child_pid;

/* Signals passed on to PROGRAM: these, and the snapshot signal. */
static int forwarded[5] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
static size_t nforwarded = 4;
#define NFORWARDED_MAX (sizeof(forwarded) / sizeof(forwarded[0]))

static void
usage(FILE *f)
{
	fprintf(f,
	    "Usage: %s [OPTION]... [--] PROGRAM [ARG]...\n"
	    "Run PROGRAM with libdhat preloaded: every process it starts writes "
	    "a DHAT\nheap profile when it exits.\n"
	    "\n"
	    "  -o, --output=PATTERN   write profiles to PATTERN (%%p: the pid, "
	    "%%n: the\n"
	    "                         program's name, %%%%: a %%; default "
	    "dhat-heap.%%p.json\n"
	    "                         or dhat-ad-hoc.%%p.json)\n"
	    "      --mode=MODE        heap (default) or ad-hoc\n"
	    "      --frames=N|all     keep at most N frames per stack "
	    "(default 10)\n"
	    "      --time-unit=UNIT   us (microseconds, default) or bytes "
	    "(allocated)\n"
	    "      --no-follow        do not profile programs that PROGRAM "
	    "executes\n"
	    "      --quiet            no summary on stderr\n"
	    "      --no-stack-cache   unwind every allocation's stack "
	    "(slower)\n"
	    "      --signal=SIG       write a snapshot on SIG (default USR2; "
	    "none: off)\n"
	    "      --interval=SECONDS rewrite each profile, marked partial, "
	    "every SECONDS\n"
	    "                         while its process runs\n"
	    "      --error-exitcode=N exit with N when a profile could not be "
	    "written\n"
	    "                         (default 0: with PROGRAM's status)\n"
	    "      --no-debug-cache   keep no decompressed debug files in "
	    "~/.cache/dhat/debug\n"
	    "                         (use a temporary directory, removed at "
	    "the end)\n"
	    "                         and no named frames in "
	    "~/.cache/dhat/frames\n"
	    "      --help             print this help and exit\n"
	    "      --version          print the version and exit\n"
	    "\n"
	    "Exit status: PROGRAM's (killed by PROGRAM's signal if one killed "
	    "it), 126 if it\ncannot be run, 127 if it was not found, 125 if dhat-run "
	    "failed, 2 for a usage error;\nN of --error-exitcode=N when a "
	    "profile could not be written.\n"
	    "See dhat-run(1).\n",
	    progname);
}

static _Noreturn void usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* One message and a hint on stderr, exit 2. */
static _Noreturn void
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n",
	    progname);
	exit(EXIT_USAGE);
}

static _Noreturn void
die(const char *what, int err)
{
	fprintf(stderr, "%s: %s: %s\n", progname, what, strerror(err));
	exit(EXIT_TROUBLE);
}

/*
 * Anchor a relative output pattern in the directory dhat-run was started
 * in, so that programs which change directory, and the programs they run,
 * all write next to each other.  A '%' in the directory's name is
 * doubled, being no escape.  Returns a malloc'ed string.
 */
static char *
absolute_pattern(const char *pattern)
{
	char *cwd, *out, *o;
	size_t n;

	if (pattern[0] == '/')
		return strdup(pattern);
	cwd = getcwd(NULL, 0);
	if (cwd == NULL)
		return strdup(pattern); /* libdhat resolves it later */
	n = 2 * strlen(cwd) + strlen(pattern) + 2;
	out = malloc(n);
	if (out == NULL) {
		free(cwd);
		return NULL;
	}
	o = out;
	for (const char *c = cwd; *c != '\0'; c++) {
		if (*c == '%')
			*o++ = '%';
		*o++ = *c;
	}
	if (o > out && o[-1] != '/')
		*o++ = '/';
	strcpy(o, pattern);
	free(cwd);
	return out;
}

/* "NAME=VALUE", malloc'ed; dies when out of memory. */
static char *
env_entry(const char *name, const char *value)
{
	size_t n = strlen(name) + strlen(value) + 2;
	char *s = malloc(n);

	if (s == NULL)
		die("environment", ENOMEM);
	snprintf(s, n, "%s=%s", name, value);
	return s;
}

/* Entries of LD_PRELOAD are separated by colons or spaces. */
static bool
preload_has(const char *list, const char *lib)
{
	size_t len = strlen(lib);

	for (const char *p = list; *p != '\0';) {
		size_t n = strcspn(p, ": ");
		if (n == len && strncmp(p, lib, n) == 0)
			return true;
		p += n;
		p += strspn(p, ": ");
	}
	return false;
}

/*
 * The environment of PROGRAM: ours without any DHAT_* setting (the options
 * decide, not what an outer dhat-run left behind), plus the settings, plus
 * LD_PRELOAD with LIB in front.
 */
static char **
child_environment(const char *lib, char **settings, size_t nsettings)
{
	extern char **environ;
	const char *old_preload = getenv("LD_PRELOAD");
	size_t n = 0, k = 0;
	char **env;

	for (char **e = environ; *e != NULL; e++)
		n++;
	env = calloc(n + nsettings + 2, sizeof(*env));
	if (env == NULL)
		die("environment", ENOMEM);
	for (char **e = environ; *e != NULL; e++) {
		if (strncmp(*e, "DHAT_", 5) == 0 &&
		    strncmp(*e, "DHAT_PRELOAD=", 13) != 0)
			continue;
		if (strncmp(*e, "LD_PRELOAD=", 11) == 0)
			continue;
		env[k++] = *e;
	}
	for (size_t i = 0; i < nsettings; i++)
		env[k++] = settings[i];
	if (old_preload == NULL || old_preload[strspn(old_preload, ": ")] ==
	    '\0') {
		env[k++] = env_entry("LD_PRELOAD", lib);
	} else if (preload_has(old_preload, lib)) {
		env[k++] = env_entry("LD_PRELOAD", old_preload);
	} else {
		size_t len = strlen(lib) + 1 + strlen(old_preload) + 1;
		char *v = malloc(len);
		if (v == NULL)
			die("environment", ENOMEM);
		snprintf(v, len, "%s:%s", lib, old_preload);
		env[k++] = env_entry("LD_PRELOAD", v);
		free(v);
	}
	env[k] = NULL;
	return env;
}

/*
 * Pass a signal on to PROGRAM, unless PROGRAM has it already: the kernel
 * sends signals from the terminal (SI_KERNEL) to the whole foreground
 * process group, PROGRAM included, and a second SIGINT would mean "hurry"
 * to many programs.  sudo(8) draws the same line.
 */
static void
forward(int sig, siginfo_t *info, void *uctx)
{
	int saved = errno;
	pid_t pid = child_pid;

	(void)uctx;
	if (pid > 0 && !(info != NULL && info->si_code == SI_KERNEL) &&
	    !(info != NULL && info->si_pid == pid))
		kill(pid, sig);
	errno = saved;
}

/*
 * The status file of --error-exitcode: an empty file of our own, under
 * TMPDIR, to which libdhat appends a line for each profile it could not
 * write (lib/writer.c).  A file rather than a descriptor: PROGRAM sees no
 * descriptor it did not open, and a process that outlives dhat-run
 * finds the file gone and writes nothing.  Dies when none can be made.
 */
static char *
status_file_make(void)
{
	const char *dir = getenv("TMPDIR");
	char *path;
	int fd;

	if (dir == NULL || dir[0] != '/')
		dir = "/tmp";
	if (asprintf(&path, "%s/dhat-run-status.XXXXXX", dir) < 0)
		die("status file", ENOMEM);
	fd = mkstemp(path);
	if (fd < 0)
		die(path, errno);
	close(fd);
	return path;
}

/* Some profile could not be written: the status file is not empty. */
static bool
status_file_failed(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && st.st_size > 0;
}

/* "0" to "255"; -1 for anything else. */
static int
exit_code_parse(const char *s)
{
	char *end;
	long n;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtol(s, &end, 10);
	return *end != '\0' || errno != 0 || n > 255 ? -1 : (int)n;
}

/*
 * PROGRAM was killed by SIG: end the same way, so that whoever waits for
 * dhat-run sees what it would have seen of PROGRAM (a shell that stops a
 * script on Ctrl-C, a make that reports the signal).  PROGRAM has dumped
 * its core if it was to: dhat-run dumps none of its own.  Exit 128 + SIG
 * if the signal does not end dhat-run after all.
 */
static _Noreturn void
die_of(int sig)
{
	struct rlimit none = { 0, 0 };
	sigset_t set;

	fflush(NULL);
	(void)setrlimit(RLIMIT_CORE, &none);
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	raise(sig);
	(void)sigprocmask(SIG_UNBLOCK, &set, NULL);
	exit(128 + sig);
}

/* Read the errno that the child sends when exec failed; 0 when it did not
 * fail (the pipe closed on exec). */
static int
exec_errno(int fd)
{
	int err = 0;
	ssize_t r;

	do
		r = read(fd, &err, sizeof(err));
	while (r < 0 && errno == EINTR);
	return r == (ssize_t)sizeof(err) ? err : 0;
}

int
main(int argc, char **argv)
{
	enum { OPT_MODE = 256, OPT_FRAMES, OPT_TIME_UNIT, OPT_NO_FOLLOW,
		OPT_QUIET, OPT_SIGNAL, OPT_NO_STACK_CACHE, OPT_NO_DEBUG_CACHE,
		OPT_INTERVAL, OPT_ERROR_EXITCODE, OPT_HELP,
		OPT_VERSION };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "frames", required_argument, NULL, OPT_FRAMES },
		{ "time-unit", required_argument, NULL, OPT_TIME_UNIT },
		{ "no-follow", no_argument, NULL, OPT_NO_FOLLOW },
		{ "quiet", no_argument, NULL, OPT_QUIET },
		{ "signal", required_argument, NULL, OPT_SIGNAL },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "no-stack-cache", no_argument, NULL, OPT_NO_STACK_CACHE },
		{ "no-debug-cache", no_argument, NULL, OPT_NO_DEBUG_CACHE },
		{ "error-exitcode", required_argument, NULL,
		    OPT_ERROR_EXITCODE },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = NULL, *mode = "heap", *frames = NULL;
	const char *time_unit = NULL, *signame = NULL, *interval = NULL;
	bool follow = true, quiet = false, debug_cache = true;
	bool stack_cache = true;
	char *settings[16], *pattern, *lib, **env, *status_file = NULL;
	const char *copies, *kept, *bad, *why;
	size_t nsettings = 0, nframes;
	unsigned long interval_ms;
	struct sigaction sa, old[NFORWARDED_MAX];
	sigset_t block, saved_mask;
	int c, pfd[2], status, err, sig, error_exitcode = 0;
	pid_t pid;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (optarg[0] == '\0')
				usage_error("%s", "--output: empty pattern");
			if ((bad = dhat__name_bad_escape(optarg)) != NULL)
				usage_error("--output: '%s': unknown escape "
					    "'%.*s' (known: %%p, %%n, %%%%)",
				    optarg, bad[1] != '\0' ? 2 : 1, bad);
			output = optarg;
			break;
		case OPT_MODE:
			if (strcmp(optarg, "heap") != 0 &&
			    strcmp(optarg, "ad-hoc") != 0)
				usage_error("--mode: '%s': expected heap or "
					    "ad-hoc", optarg);
			mode = optarg;
			break;
		case OPT_FRAMES:
			if (!dhat__frames_parse(optarg, &nframes))
				usage_error("--frames: '%s': expected a "
					    "positive number or all", optarg);
			frames = optarg;
			break;
		case OPT_TIME_UNIT:
			if (strcmp(optarg, "us") != 0 &&
			    strcmp(optarg, "bytes") != 0)
				usage_error("--time-unit: '%s': expected us "
					    "or bytes", optarg);
			time_unit = optarg;
			break;
		case OPT_NO_FOLLOW:
			follow = false;
			break;
		case OPT_QUIET:
			quiet = true;
			break;
		case OPT_NO_STACK_CACHE:
			stack_cache = false;
			break;
		case OPT_SIGNAL:
			if (dhat__signal_parse(optarg) < 0)
				usage_error("--signal: '%s': expected none, "
					    "HUP, USR1, USR2, ALRM, URG, "
					    "VTALRM, PROF, WINCH, IO, PWR, "
					    "RTMIN+N or its number", optarg);
			signame = optarg;
			break;
		case OPT_INTERVAL:
			if (!dhat__interval_parse(optarg, &interval_ms))
				usage_error("--interval: '%s': expected a "
					    "number of seconds", optarg);
			interval = optarg;
			break;
		case OPT_NO_DEBUG_CACHE:
			debug_cache = false;
			break;
		case OPT_ERROR_EXITCODE:
			error_exitcode = exit_code_parse(optarg);
			if (error_exitcode < 0)
				usage_error("--error-exitcode: '%s': expected "
					    "a number from 0 to 255", optarg);
			break;
		case OPT_HELP:
			usage(stdout);
			return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
		case OPT_VERSION:
			printf("%s (dhat) %s\n", progname, PACKAGE_VERSION);
			return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
		case ':':
			usage_error("option '%s' requires an argument",
			    argv[optind - 1]);
		default:
			if (optopt != 0 && optopt < 256) {
				char opt[3] = { '-', (char)optopt, '\0' };
				usage_error("unknown option '%s'", opt);
			}
			usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		usage_error("%s", "no PROGRAM to run");

	lib = getenv("DHAT_PRELOAD");
	if (lib == NULL || *lib == '\0')
		lib = DHAT_RUN_LIBRARY;
	if (strpbrk(lib, ": ") != NULL) {
		fprintf(stderr, "%s: %s: a preloaded library's path cannot "
				"contain ':' or ' '\n", progname, lib);
		return EXIT_TROUBLE;
	}
	if (access(lib, R_OK) != 0)
		die(lib, errno);
	why = unprofiled_reason(argv[optind], lib);
	if (why != NULL)
		fprintf(stderr, "%s: warning: %s: %s: libdhat cannot be "
				"preloaded, running it unprofiled\n",
		    progname, argv[optind], why);

	pattern = absolute_pattern(output != NULL ? output :
		strcmp(mode, "heap") == 0 ? "dhat-heap.%p.json" :
					    "dhat-ad-hoc.%p.json");
	if (pattern == NULL)
		die("output", ENOMEM);
	settings[nsettings++] = env_entry("DHAT_RUN", "1");
	settings[nsettings++] = env_entry("DHAT_OUTPUT", pattern);
	settings[nsettings++] = env_entry("DHAT_MODE", mode);
	if (frames != NULL)
		settings[nsettings++] = env_entry("DHAT_FRAMES", frames);
	if (time_unit != NULL)
		settings[nsettings++] = env_entry("DHAT_TIME_UNIT", time_unit);
	if (!follow)
		settings[nsettings++] = env_entry("DHAT_FOLLOW", "0");
	if (quiet)
		settings[nsettings++] = env_entry("DHAT_QUIET", "1");
	if (signame != NULL)
		settings[nsettings++] = env_entry("DHAT_SIGNAL", signame);
	if (interval != NULL)
		settings[nsettings++] = env_entry("DHAT_INTERVAL", interval);
	if (!stack_cache)
		settings[nsettings++] = env_entry("DHAT_STACK_CACHE", "0");
	if (error_exitcode != 0) {
		status_file = status_file_make();
		settings[nsettings++] = env_entry("DHAT_STATUS_FILE",
		    status_file);
	}
	/* Decompressed debug files, kept in the user's cache or prepared
	 * while the program runs (run/dbgcache.c): only the directory is
	 * made now. */
	copies = dbgcache_prepare(debug_cache);
	if (copies != NULL)
		settings[nsettings++] = env_entry(DBGCACHE_ENV, copies);
	/* The frames named in earlier profiles, in the same cache. */
	if (debug_cache && (kept = dbgcache_frames()) != NULL)
		settings[nsettings++] = env_entry(FRAMES_ENV, kept);
	/* "kill -USR2 $!" after "dhat-run server &" reaches the server. */
	sig = dhat__signal_parse(signame != NULL ? signame : "USR2");
	if (sig > 0 && sig != SIGHUP)
		forwarded[nforwarded++] = sig;
	env = child_environment(lib, settings, nsettings);

	/*
	 * Forward signals from the moment the child exists: block them
	 * across fork so that neither process runs the forwarder too early
	 * (in the child it would signal process 0, the whole group).  A
	 * signal that we were started ignoring stays ignored, in the child
	 * too, as a shell's "cmd &" expects.
	 */
	sigemptyset(&block);
	for (size_t i = 0; i < nforwarded; i++)
		sigaddset(&block, forwarded[i]);
	sigprocmask(SIG_BLOCK, &block, &saved_mask);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = forward;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigfillset(&sa.sa_mask);
	for (size_t i = 0; i < nforwarded; i++) {
		sigaction(forwarded[i], NULL, &old[i]);
		if (old[i].sa_handler != SIG_IGN)
			sigaction(forwarded[i], &sa, NULL);
	}

	if (pipe2(pfd, O_CLOEXEC) != 0)
		die("pipe", errno);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die("fork", errno);
	if (pid == 0) {
		for (size_t i = 0; i < nforwarded; i++)
			sigaction(forwarded[i], &old[i], NULL);
		sigprocmask(SIG_SETMASK, &saved_mask, NULL);
		close(pfd[0]);
		execvpe(argv[optind], argv + optind, env);
		err = errno;
		/* Nothing buffered can be lost: write(2), then _exit. */
		while (write(pfd[1], &err, sizeof(err)) < 0 && errno == EINTR)
			;
		_exit(err == ENOENT ? EXIT_ENOENT : EXIT_CANNOT);
	}
	child_pid = pid;
	sigprocmask(SIG_SETMASK, &saved_mask, NULL);
	close(pfd[1]);
	err = exec_errno(pfd[0]);
	close(pfd[0]);
	/* The program has started: the copies cannot delay it now. */
	if (err == 0)
		dbgcache_start();

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			die("waitpid", errno);
	}
	dbgcache_finish();
	if (status_file != NULL) {
		bool failed = status_file_failed(status_file);

		unlink(status_file);
		if (failed && err == 0)
			return error_exitcode;
	}
	if (err != 0) {
		fprintf(stderr, "%s: %s: %s\n", progname, argv[optind],
		    strerror(err));
		return err == ENOENT ? EXIT_ENOENT : EXIT_CANNOT;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		die_of(WTERMSIG(status));
	return EXIT_TROUBLE;
}
