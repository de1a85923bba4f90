/* SPDX-License-Identifier: MIT */
/*
 * run-libc.c - allocations made inside libc, for the tests of dhat-run's
 * decompressed debug files (t/4011): their stacks have libc frames that
 * only libc's debug information names with a file and a line.
 *
 *   run-libc build-id        print libc's build ID (hex) and exit
 *   run-libc [wait] [hold F] print "pid: N"; with wait, first wait (up to
 *                            two minutes) until DHAT_DEBUG_COPIES holds
 *                            libc's copy and print "copy: yes" or "copy:
 *                            no"; with hold, wait until file F exists;
 *                            then allocate through strdup, setlocale,
 *                            fopen and stdio, and exit.
 *
 * Reports use write(2): stdio's buffers would be allocations of their
 * own, different from run to run.  The waiting allocates nothing either.
 */
#define _GNU_SOURCE 1 /* RTLD_DEFAULT, dl_iterate_phdr */

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <locale.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "put.h"

static char libc_id[129];


/* The build ID note of the object holding *CTX's address. */
static int
find(struct dl_phdr_info *info, size_t size, void *ctx)
{
	uintptr_t addr = *(uintptr_t *)ctx;
	int inside = 0;

	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type == PT_LOAD && addr >= lo &&
		    addr - lo < ph->p_memsz)
			inside = 1;
	}
	if (!inside)
		return 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const char *p = (const char *)(info->dlpi_addr + ph->p_vaddr);
		const char *end = p + ph->p_memsz;
		size_t a = ph->p_align == 8 ? 8 : 4;

		if (ph->p_type != PT_NOTE)
			continue;
		while (end - p >= (ptrdiff_t)sizeof(ElfW(Nhdr))) {
			const ElfW(Nhdr) *nh = (const void *)p;
			size_t d = (sizeof(*nh) + nh->n_namesz + a - 1) &
			    ~(a - 1);
			size_t next = (d + nh->n_descsz + a - 1) & ~(a - 1);

			if (nh->n_type == NT_GNU_BUILD_ID &&
			    nh->n_namesz == 4 &&
			    memcmp(p + sizeof(*nh), "GNU", 4) == 0 &&
			    nh->n_descsz <= 64) {
				for (size_t k = 0; k < nh->n_descsz; k++)
					snprintf(libc_id + 2 * k, 3, "%02x",
					    (unsigned char)p[d + k]);
				return 1;
			}
			p += next;
		}
	}
	return 1;
}

static void
nap(void)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

int
main(int argc, char **argv)
{
	uintptr_t addr = (uintptr_t)dlsym(RTLD_DEFAULT, "__libc_start_main");
	const char *hold = NULL, *dir;
	char buf[4096];
	int wait = 0;
	FILE *f;
	char *s;

	dl_iterate_phdr(find, &addr);
	if (argc == 2 && strcmp(argv[1], "build-id") == 0) {
		put(libc_id);
		put("\n");
		return libc_id[0] != '\0' ? 0 : 1;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "wait") == 0)
			wait = 1;
		else if (strcmp(argv[i], "hold") == 0 && i + 1 < argc)
			hold = argv[++i];
	}
	snprintf(buf, sizeof(buf), "pid: %ld\n", (long)getpid());
	put(buf);
	dir = getenv("DHAT_DEBUG_COPIES");
	if (wait) {
		int found = 0;

		snprintf(buf, sizeof(buf), "%s/%s.debug", dir ? dir : "",
		    libc_id);
		for (int i = 0; dir != NULL && i < 12000 && !found; i++) {
			found = access(buf, R_OK) == 0;
			if (!found)
				nap();
		}
		put(found ? "copy: yes\n" : "copy: no\n");
	}
	while (hold != NULL && access(hold, F_OK) != 0)
		nap();

	/* The allocations: each one's stack goes through libc. */
	s = strdup("a string kept to the end");
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		(void)setlocale(LC_ALL, "POSIX");
	f = fopen("/dev/null", "w");
	if (f != NULL) {
		fprintf(f, "%s %d\n", s, 42);
		fclose(f);
	}
	return s != NULL ? 0 : 1;
}
