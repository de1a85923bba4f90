/* SPDX-License-Identifier: MIT */
/*
 * file_name.c - the name a profile is written under: the configured name
 * with its escapes expanded, and never the name of a profile that
 * another process of the same run wrote (a long make -j or test suite
 * reuses pids).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "eprint.h"
#include "lock.h"
#include "memory.h"
#include "profiler.h"
#include "file_name.h"
#include "settings.h"
#include "snapshot.h"

/* The program's base name, for "%n": the executable file's, read from
 * /proc/self/exe, which the program cannot change (its argv[0] it can,
 * and a login shell's is "-sh"); argv[0]'s when /proc cannot be read. */
void
dhat__program_name(char *buf, size_t size)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
	const char *base = program_invocation_short_name;

	if (n > 0) {
		path[n] = '\0';
		/* An executable removed since it started reads as
		 * "PATH (deleted)". */
		if (n > 10 && strcmp(path + n - 10, " (deleted)") == 0)
			path[n - 10] = '\0';
		base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 :
		    path;
	}
	n = (ssize_t)strnlen(base, size - 1);
	memcpy(buf, base, (size_t)n);
	buf[n] = '\0';
}

/* NAME with its escapes expanded into OUT (when not NULL); returns the
 * length.  An unknown escape is kept as it is (dhat_builder_file_name
 * has warned about it). */
static size_t
expand_into(char *out, const char *name, const char *pid, const char *prog)
{
	size_t n = 0;

	for (const char *s = name; *s != '\0'; s++) {
		char e = *s == '%' ? dhat__name_escape(s) : 0;
		const char *with = e == 'p' ? pid : e == 'n' ? prog :
		    e == '%' ? "%" : NULL;
		size_t k = with != NULL ? strlen(with) : 1;

		if (out != NULL)
			memcpy(out + n, with != NULL ? with : s, k);
		n += k;
		if (with != NULL)
			s++;
	}
	if (out != NULL)
		out[n] = '\0';
	return n;
}

/* NAME with "%p" replaced by PROCESS, "%n" by the program's name and
 * "%%" by "%". */
char *
dhat__file_expand(const char *name, pid_t process)
{
	char pid[24], prog[NAME_MAX + 1];
	char *out;

	snprintf(pid, sizeof pid, "%ld", (long)process);
	dhat__program_name(prog, sizeof prog);
	out = dhat__malloc(expand_into(NULL, name, pid, prog) + 1);
	if (out != NULL)
		expand_into(out, name, pid, prog);
	return out;
}

/* FILE is a profile written since START, by a process of the same run
 * then, whose pid this process may have been given again. */
static bool
written_since(const char *file, uint64_t start)
{
	static const char head[] = "{\"dhatFileVersion\"";
	char buf[sizeof head - 1];
	struct stat st;
	bool is;
	int fd;

	if (stat(file, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_mtim.tv_sec * 1000000000u +
	    (uint64_t)st.st_mtim.tv_nsec < start)
		return false;
	fd = open(file, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return false;
	is = read(fd, buf, sizeof buf) == (ssize_t)sizeof buf &&
	    memcmp(buf, head, sizeof buf) == 0;
	close(fd);
	return is;
}

/* The name this process chose for its profile last time, and what it
 * was asked for: a profile rewritten every interval, then written at the
 * end, keeps the name its first write chose.  Under the lock. */
static struct {
	pid_t pid;
	char *asked, *chosen;
} choice;

/* *FILE was asked for before by this process: replace it by the name
 * chosen then. */
static bool
chosen_before(char **file)
{
	char *copy = NULL;

	dhat__lock();
	if (choice.pid == getpid() && choice.asked != NULL &&
	    strcmp(choice.asked, *file) == 0 &&
	    (copy = dhat__malloc(strlen(choice.chosen) + 1)) != NULL)
		strcpy(copy, choice.chosen);
	dhat__unlock();
	if (copy == NULL)
		return false;
	dhat__own_free(*file);
	*file = copy;
	return true;
}

/* Remember that ASKED became CHOSEN (best effort); returns CHOSEN. */
static char *
remember_choice(const char *asked, char *chosen)
{
	char *a, *c;

	if (chosen == NULL)
		return NULL;
	a = dhat__malloc(strlen(asked) + 1);
	c = dhat__malloc(strlen(chosen) + 1);
	if (a == NULL || c == NULL) {
		dhat__own_free(a);
		dhat__own_free(c);
		return chosen;
	}
	strcpy(a, asked);
	strcpy(c, chosen);
	dhat__lock();
	dhat__own_free(choice.asked);
	dhat__own_free(choice.chosen);
	choice.pid = getpid();
	choice.asked = a;
	choice.chosen = c;
	dhat__unlock();
	return chosen;
}

/*
 * The name this process writes its profile to: FILE, unless a process of
 * the same run (CFG->run_start) has written a profile there, when the
 * first of FILE with ".2", ".3", ... inserted that none has; said on
 * stderr.  A profile of an earlier run is overwritten.  Takes FILE;
 * NULL when out of memory.
 */
char *
dhat__file_own(char *file, const struct dhat__config *cfg)
{
	char insert[16], line[4096];
	char *alt = NULL;

	if (chosen_before(&file))
		return file;
	if (cfg->run_start == 0 || !written_since(file, cfg->run_start))
		return remember_choice(file, file);
	for (unsigned i = 2; i < 10000; i++) {
		dhat__own_free(alt);
		snprintf(insert, sizeof insert, ".%u", i);
		alt = dhat__name_insert(file, insert);
		if (alt == NULL || !written_since(alt, cfg->run_start))
			break;
	}
	if (alt != NULL) {
		snprintf(line, sizeof line, "dhat: %s holds the profile of "
		    "another process of this run: writing %s instead\n",
		    file, alt);
		dhat__eprint(line);
	}
	alt = remember_choice(file, alt);
	dhat__own_free(file);
	return alt;
}
