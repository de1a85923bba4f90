/* SPDX-License-Identifier: MIT */
/*
 * dhat-run.c - run an unmodified program under libdhat.
 *
 * The launcher only prepares an environment (run/environ.c): LD_PRELOAD
 * gets libdhat in front of whatever was there, and the DHAT_* variables
 * carry the options to libdhat's start-up code (lib/preload.c), which
 * starts a profiler in every process that loads it.  Then fork, exec,
 * wait, and exit with the program's status (run/launch.c).  While it
 * waits, a helper process of its own writes decompressed copies of libc's
 * debug files for the profiles to read, into the user's cache unless they
 * are there already (run/dbgcache.c).  dhat-run never links libdhat: it
 * would profile itself.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "common/opts.h"
#include "run/dbgcache.h"
#include "run/environ.h"
#include "run/launch.h"
#include "run/status.h"
#include "run/unprofiled.h"
#include "settings.h"

#ifndef DHAT_RUN_LIBRARY
#error "DHAT_RUN_LIBRARY: the installed path of libdhat.so.0, from Makefile.am"
#endif

/* What the command line asks; NULL: libdhat's default. */
struct args {
	const char *output, *mode, *frames, *time_unit, *signame, *interval;
	const char *skip, *only;	/* --skip, --follow: GLOB,... */
	bool no_follow, quiet, no_stack_cache, no_debug_cache;
	int error_exitcode;
};

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

static void
take_output(void *ctx, const char *arg)
{
	const char *bad = dhat__name_bad_escape(arg);

	if (arg[0] == '\0')
		dtool_usage_error("%s", "--output: empty pattern");
	if (bad != NULL)
		dtool_usage_error("--output: '%s': unknown escape '%.*s' "
		    "(known: %%p, %%n, %%%%)", arg, bad[1] != '\0' ? 2 : 1,
		    bad);
	((struct args *)ctx)->output = arg;
}

static void
take_mode(void *ctx, const char *arg)
{
	if (strcmp(arg, "heap") != 0 && strcmp(arg, "ad-hoc") != 0 &&
	    strcmp(arg, "copy") != 0)
		dtool_usage_error("--mode: '%s': expected heap, ad-hoc or copy",
		    arg);
	((struct args *)ctx)->mode = arg;
}

static void
take_frames(void *ctx, const char *arg)
{
	size_t n;

	if (!dhat__frames_parse(arg, &n))
		dtool_usage_error("--frames: '%s': expected a positive number "
		    "or all", arg);
	((struct args *)ctx)->frames = arg;
}

static void
take_time_unit(void *ctx, const char *arg)
{
	if (strcmp(arg, "us") != 0 && strcmp(arg, "bytes") != 0)
		dtool_usage_error("--time-unit: '%s': expected us or bytes",
		    arg);
	((struct args *)ctx)->time_unit = arg;
}

static void
take_signal(void *ctx, const char *arg)
{
	if (dhat__signal_parse(arg) < 0)
		dtool_usage_error("--signal: '%s': expected none, HUP, USR1, "
		    "USR2, ALRM, URG, VTALRM, PROF, WINCH, IO, PWR, RTMIN+N "
		    "or its number", arg);
	((struct args *)ctx)->signame = arg;
}

static void
take_interval(void *ctx, const char *arg)
{
	unsigned long ms;

	if (!dhat__interval_parse(arg, &ms))
		dtool_usage_error("--interval: '%s': expected a number of "
		    "seconds", arg);
	((struct args *)ctx)->interval = arg;
}

static void
take_error_exitcode(void *ctx, const char *arg)
{
	int n = exit_code_parse(arg);

	if (n < 0)
		dtool_usage_error("--error-exitcode: '%s': expected a number "
		    "from 0 to 255", arg);
	((struct args *)ctx)->error_exitcode = n;
}

static void
take_no_follow(void *ctx, const char *arg)
{
	(void)arg;
	((struct args *)ctx)->no_follow = true;
}

static void
take_quiet(void *ctx, const char *arg)
{
	(void)arg;
	((struct args *)ctx)->quiet = true;
}

static void
take_no_stack_cache(void *ctx, const char *arg)
{
	(void)arg;
	((struct args *)ctx)->no_stack_cache = true;
}

/* A list of globs, "GLOB,GLOB,...", for OPT: no glob empty. */
static const char *
globs(const char *opt, const char *arg)
{
	size_t n = strlen(arg);

	if (n == 0 || arg[0] == ',' || arg[n - 1] == ',' ||
	    strstr(arg, ",,") != NULL)
		dtool_usage_error("--%s: '%s': expected GLOB,GLOB,... with no "
		    "empty glob", opt, arg);
	return arg;
}

static void
take_skip(void *ctx, const char *arg)
{
	((struct args *)ctx)->skip = globs("skip", arg);
}

static void
take_follow(void *ctx, const char *arg)
{
	((struct args *)ctx)->only = globs("follow", arg);
}

static void
take_no_debug_cache(void *ctx, const char *arg)
{
	(void)arg;
	((struct args *)ctx)->no_debug_cache = true;
}

static const struct dtool_option options[] = {
	{ "output", 'o', "PATTERN", "write profiles to PATTERN (%p: the pid, "
	  "%n: the\nprogram's name, %%: a %; default dhat-heap.%p.json\n"
	  "or dhat-ad-hoc.%p.json)", take_output },
	{ "mode", 0, "MODE", "heap (default), ad-hoc or copy", take_mode },
	{ "frames", 0, "N|all", "keep at most N frames per stack (default 10)",
	  take_frames },
	{ "time-unit", 0, "UNIT", "us (microseconds, default) or bytes "
	  "(allocated)", take_time_unit },
	{ "no-follow", 0, NULL, "do not profile programs that PROGRAM "
	  "executes", take_no_follow },
	{ "skip", 0, "GLOB,...", "run the programs named GLOB unprofiled, "
	  "their\nchildren still followed (as sh,make)", take_skip },
	{ "follow", 0, "GLOB,...", "profile only the programs named GLOB, the "
	  "others'\nchildren still followed", take_follow },
	{ "quiet", 0, NULL, "no summary on stderr", take_quiet },
	{ "no-stack-cache", 0, NULL, "unwind every allocation's stack "
	  "(slower)", take_no_stack_cache },
	{ "signal", 0, "SIG", "write a snapshot on SIG (default USR2; none: "
	  "off)", take_signal },
	{ "interval", 0, "SECONDS", "rewrite each profile, marked partial, "
	  "every SECONDS\nwhile its process runs", take_interval },
	{ "error-exitcode", 0, "N", "exit with N when a profile could not be "
	  "written\n(default 0: with PROGRAM's status)", take_error_exitcode },
	{ "no-debug-cache", 0, NULL, "keep no decompressed debug files in "
	  "~/.cache/dhat/debug\n(use a temporary directory, removed at the "
	  "end)\nand no named frames in ~/.cache/dhat/frames",
	  take_no_debug_cache },
	{ NULL, 0, NULL, NULL, NULL },
};

static const struct dtool_command command = {
	.synopsis = "[OPTION]... [--] PROGRAM [ARG]...",
	.purpose = "Run PROGRAM with libdhat preloaded: every process it "
	    "starts writes a DHAT\nheap profile when it exits.",
	.epilogue =
"Exit status: PROGRAM's (killed by PROGRAM's signal if one killed it), 126 if it\n"
"cannot be run, 127 if it was not found, 125 if dhat-run failed, 2 for a usage error;\n"
"N of --error-exitcode=N when a profile could not be written.\n"
"See dhat-run(1).\n",
	.options = options,
	.stop_at_operand = true,
};

/* What --mode=copy preloads besides LIB: libdhat-copy, installed next to
 * libdhat under the same kind of name (libdhat.so.0, libdhat-copy.so.0). */
static char *
copy_library(const char *lib)
{
	const char *base = strrchr(lib, '/'), *soname = "libdhat.so";
	size_t dir, n;
	char *copy;

	base = base != NULL ? base + 1 : lib;
	if (strncmp(base, soname, strlen(soname)) != 0)
		dtool_diex(RUN_EXIT_TROUBLE, "%s: cannot tell where libdhat-copy "
		    "is: the library's name does not start with %s", lib,
		    soname);
	dir = (size_t)(base - lib);
	n = strlen(lib) + sizeof "-copy";
	copy = dtool_xmalloc(n);
	snprintf(copy, n, "%.*slibdhat-copy.so%s", (int)dir, lib,
	    base + strlen(soname));
	if (access(copy, R_OK) != 0)
		run_die(copy, errno);
	return copy;
}

/* LIB and, with --mode=copy, libdhat-copy: LD_PRELOAD's new entries. */
static char *
preload_list(const char *lib, const char *mode)
{
	char *copy, *list;
	size_t n;

	if (mode == NULL || strcmp(mode, "copy") != 0)
		return dtool_xstrdup(lib);
	copy = copy_library(lib);
	n = strlen(lib) + strlen(copy) + 2;
	list = dtool_xmalloc(n);
	snprintf(list, n, "%s:%s", lib, copy);
	free(copy);
	return list;
}

/* The library to preload: DHAT_PRELOAD (the tests') or the installed one. */
static const char *
preload_library(void)
{
	const char *lib = getenv("DHAT_PRELOAD");

	if (lib == NULL || *lib == '\0')
		lib = DHAT_RUN_LIBRARY;
	if (strpbrk(lib, ": ") != NULL)
		dtool_diex(RUN_EXIT_TROUBLE, "%s: a preloaded library's path "
		    "cannot contain ':' or ' '", lib);
	if (access(lib, R_OK) != 0)
		run_die(lib, errno);
	return lib;
}

/* The settings of A for libdhat; *STATUS_FILE: the status file of
 * --error-exitcode, or NULL. */
static void
settings_of(const struct args *a, struct run_settings *s,
    char **status_file)
{
	const char *mode = a->mode != NULL ? a->mode : "heap";
	char *pattern = run_absolute_pattern(a->output != NULL ? a->output :
	    strcmp(mode, "heap") == 0 ? "dhat-heap.%p.json" :
	    strcmp(mode, "copy") == 0 ? "dhat-copy.%p.json" :
	    "dhat-ad-hoc.%p.json");

	if (pattern == NULL)
		run_die("output", ENOMEM);
	run_setting(s, "DHAT_RUN", "1");
	run_setting(s, "DHAT_OUTPUT", pattern);
	free(pattern);
	run_setting(s, "DHAT_MODE", mode);
	if (a->frames != NULL)
		run_setting(s, "DHAT_FRAMES", a->frames);
	if (a->time_unit != NULL)
		run_setting(s, "DHAT_TIME_UNIT", a->time_unit);
	if (a->no_follow)
		run_setting(s, "DHAT_FOLLOW", "0");
	if (a->skip != NULL)
		run_setting(s, "DHAT_SKIP", a->skip);
	if (a->only != NULL)
		run_setting(s, "DHAT_ONLY", a->only);
	if (a->quiet)
		run_setting(s, "DHAT_QUIET", "1");
	if (a->signame != NULL)
		run_setting(s, "DHAT_SIGNAL", a->signame);
	if (a->interval != NULL)
		run_setting(s, "DHAT_INTERVAL", a->interval);
	if (a->no_stack_cache)
		run_setting(s, "DHAT_STACK_CACHE", "0");
	*status_file = NULL;
	if (a->error_exitcode != 0) {
		*status_file = run_status_file_make();
		run_setting(s, "DHAT_STATUS_FILE", *status_file);
	}
}

/* The debug files' copies and the named frames, kept in the user's cache
 * or prepared while the program runs (run/dbgcache.c): only the
 * directory is made now. */
static void
cache_settings(const struct args *a, struct run_settings *s)
{
	const char *copies = dbgcache_prepare(!a->no_debug_cache);
	const char *kept;

	if (copies != NULL)
		run_setting(s, DBGCACHE_ENV, copies);
	if (!a->no_debug_cache && (kept = dbgcache_frames()) != NULL)
		run_setting(s, FRAMES_ENV, kept);
}

int
main(int argc, char **argv)
{
	struct run_settings s = { .n = 0 };
	char **env;
	struct args a = { 0 };
	const char *lib, *why;
	char *status_file, *preload;
	int first, status, err, sig;
	pid_t pid;

	dtool_setprogname(argv[0]);
	first = dtool_options_parse(&command, argc, argv, &a);
	if (first >= argc)
		dtool_usage_error("%s", "no PROGRAM to run");
	if (a.no_follow && a.only != NULL)
		dtool_usage_error("%s", "--follow=GLOB,... profiles some of the "
		    "programs executed: it cannot be combined with --no-follow");
	lib = preload_library();
	why = unprofiled_reason(argv[first], lib);
	if (why != NULL)
		dtool_warnx("warning: %s: %s: libdhat cannot be preloaded, "
		    "running it unprofiled", argv[first], why);
	settings_of(&a, &s, &status_file);
	cache_settings(&a, &s);
	/* "kill -USR2 $!" after "dhat-run server &" reaches the server. */
	sig = dhat__signal_parse(a.signame != NULL ? a.signame : "USR2");
	if (sig > 0)
		run_forward(sig);

	preload = preload_list(lib, a.mode);
	env = run_environment(preload, &s);
	free(preload);
	pid = run_start(argv + first, env, &err);
	run_environment_free(env, &s);
	/* The program has started: the copies cannot delay it now. */
	if (err == 0)
		dbgcache_start();
	status = run_wait(pid);
	dbgcache_finish();
	if (status_file != NULL) {
		bool failed = run_status_file_failed(status_file);

		unlink(status_file);
		free(status_file);
		if (failed && err == 0)
			return a.error_exitcode;
	}
	if (err != 0) {
		errno = err;
		dtool_warn("%s", argv[first]);
		return err == ENOENT ? RUN_EXIT_ENOENT : RUN_EXIT_CANNOT;
	}
	run_end_as(status);
}
