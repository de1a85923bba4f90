/* SPDX-License-Identifier: MIT */
/*
 * unprofiled.c - programs that the dynamic loader will not preload libdhat
 * into.  A statically linked program has no loader at all.  A program
 * whose exec changes the process's user or group (the set-user-ID or
 * set-group-ID bit of a file owned by someone else) runs in the loader's
 * secure mode, which ignores LD_PRELOAD; libdhat would ignore the DHAT_*
 * variables there anyway.  And the loader skips a preloaded library of
 * another ELF class or machine than the program's.  Such a program runs
 * as it would without dhat-run, and dhat-run tells the user why no
 * profile will come, before it starts the program.
 */
#include "config.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "run/unprofiled.h"

/* PROGRAM's file as execvp(3) finds it, into BUF; false when not found. */
static bool
find_program(const char *program, char *buf, size_t size)
{
	const char *path = getenv("PATH"), *p, *end;
	struct stat st;

	if (strchr(program, '/') != NULL)
		return (size_t)snprintf(buf, size, "%s", program) < size;
	if (path == NULL)
		path = "/bin:/usr/bin";
	for (p = path;; p = end + 1) {
		int dirlen;

		end = strchr(p, ':');
		if (end == NULL)
			end = p + strlen(p);
		/* An empty entry is the working directory. */
		dirlen = (int)(end - p);
		if ((size_t)snprintf(buf, size, "%.*s%s%s", dirlen, p,
		    dirlen > 0 ? "/" : "", program) < size &&
		    stat(buf, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(buf, X_OK) == 0)
			return true;
		if (*end == '\0')
			return false;
	}
}

/* The exec of FILE (ST) changes the process's credentials: the loader's
 * secure mode.  A file system mounted nosuid ignores the bits. */
static const char *
secure_reason(const char *file, const struct stat *st)
{
	struct statvfs vfs;
	bool uid = (st->st_mode & S_ISUID) != 0 && st->st_uid != geteuid();
	bool gid = (st->st_mode & S_ISGID) != 0 && st->st_gid != getegid();

	if (!uid && !gid)
		return NULL;
	if (statvfs(file, &vfs) == 0 && (vfs.f_flag & ST_NOSUID) != 0)
		return NULL;
	return uid ? "set-user-ID" : "set-group-ID";
}

/* FILE's ELF header into *EH and whether it has a PT_INTERP program
 * header (a dynamic loader); false when FILE is not ELF. */
static bool
elf_facts(const char *file, GElf_Ehdr *eh, bool *interp)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	bool ok = false;
	size_t n = 0;
	Elf *e;

	if (fd < 0)
		return false;
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (e != NULL && elf_kind(e) == ELF_K_ELF && gelf_getehdr(e, eh) &&
	    elf_getphdrnum(e, &n) == 0) {
		GElf_Phdr ph;

		ok = true;
		*interp = false;
		for (size_t i = 0; i < n; i++)
			if (gelf_getphdr(e, (int)i, &ph) != NULL &&
			    ph.p_type == PT_INTERP)
				*interp = true;
	}
	elf_end(e);
	close(fd);
	return ok;
}

const char *
unprofiled_reason(const char *program, const char *lib)
{
	char file[PATH_MAX];
	const char *why, *base;
	GElf_Ehdr pe, le;
	struct stat st;
	bool interp, lib_interp;

	if (!find_program(program, file, sizeof(file)) ||
	    stat(file, &st) != 0)
		return NULL;
	if ((why = secure_reason(file, &st)) != NULL)
		return why;
	if (elf_version(EV_CURRENT) == EV_NONE ||
	    !elf_facts(file, &pe, &interp))
		return NULL;
	/* The loader itself, run as a program ("ld.so PROG"), has no
	 * PT_INTERP but preloads like any loader. */
	base = strrchr(file, '/') != NULL ? strrchr(file, '/') + 1 : file;
	if (!interp && strncmp(base, "ld-", 3) != 0 &&
	    strncmp(base, "ld.so", 5) != 0)
		return "statically linked";
	if (elf_facts(lib, &le, &lib_interp) &&
	    (pe.e_ident[EI_CLASS] != le.e_ident[EI_CLASS] ||
	    pe.e_machine != le.e_machine))
		return "built for another ELF class or machine than libdhat";
	return NULL;
}
