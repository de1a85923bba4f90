/* SPDX-License-Identifier: MIT */
/*
 * debuginfo.c - where a module's debugging information is: the copies
 * that dhat-run prepared (decompressed), the build-ID tree, the
 * .gnu_debuglink places; debuginfod only when the user asked for it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <elfutils/libdwelf.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <stddef.h>
#include <stdint.h>

#include "debuginfo.h"
#include "frame_cache.h"
#include "symbolize.h"

/* DHAT_DEBUG_COPIES, as read at start-up; "" for none. */
static char copies_dir[PATH_MAX];

void
dhat__symbolize_copies(const char *dir)
{
	dhat__absolute_dir(copies_dir, sizeof(copies_dir), dir);
}

/*
 * The file open at FD is a whole ELF file whose build ID is ID: it is a
 * copy made for this module, not one for another build, and none that was
 * cut short (dhat-run renames a copy into place only once written, but the
 * directory is not ours to trust blindly).  Reading the headers through
 * libelf's mapping costs a few pages.
 */
static bool
copy_matches(int fd, const unsigned char *id, int len)
{
	struct stat st;
	const void *got;
	GElf_Ehdr eh;
	Elf_Scn *scn = NULL;
	Elf *elf;
	bool ok;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return false;
	(void)elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (elf == NULL)
		return false;
	ok = elf_kind(elf) == ELF_K_ELF && gelf_getehdr(elf, &eh) != NULL &&
	    eh.e_shoff <= (uint64_t)st.st_size &&
	    (uint64_t)eh.e_shnum * eh.e_shentsize <=
	    (uint64_t)st.st_size - eh.e_shoff &&
	    dwelf_elf_gnu_build_id(elf, &got) == len &&
	    memcmp(got, id, (size_t)len) == 0;
	while (ok && (scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;

		ok = gelf_getshdr(scn, &sh) != NULL &&
		    (sh.sh_type == SHT_NOBITS ||
		    (sh.sh_offset <= (uint64_t)st.st_size &&
		    sh.sh_size <= (uint64_t)st.st_size - sh.sh_offset));
	}
	elf_end(elf);
	return ok;
}

/* The LEN bytes of build ID ID in hexadecimal at OUT, which has room for
 * 2 * LEN + 1 bytes; returns 2 * LEN. */
size_t
dhat__build_id_hex(char *out, const unsigned char *id, int len)
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[id[i] >> 4];
		out[2 * i + 1] = digits[id[i] & 15];
	}
	out[2 * len] = '\0';
	return 2 * (size_t)len;
}

/*
 * Where a .gnu_debuglink file LINK of the object FILE_NAME may be, place
 * I of 3: beside the object, in its .debug directory, and under
 * /usr/lib/debug.  Into PATH (SIZE bytes); false when it does not fit or
 * FILE_NAME has no directory.
 */
bool
dhat__debuglink_place(char *path, size_t size, int i, const char *file_name,
    const char *link)
{
	const char *slash = strrchr(file_name, '/');
	int dirlen, n;

	if (slash == NULL)
		return false;
	dirlen = (int)(slash - file_name);
	if (i == 0)
		n = snprintf(path, size, "%.*s/%s", dirlen, file_name, link);
	else if (i == 1)
		n = snprintf(path, size, "%.*s/.debug/%s", dirlen, file_name,
		    link);
	else
		n = snprintf(path, size, "/usr/lib/debug%.*s/%s", dirlen,
		    file_name, link);
	return n >= 0 && (size_t)n < size;
}

/*
 * The prepared copy of MOD's separate debug file, when there is one: the
 * same debug information with its sections already inflated, so libdw
 * maps them instead of decompressing them (Debian's libc6-dbg compresses
 * libc's, and inflating it is a large part of writing a profile).  FILE_NAME
 * must be the module's own file: libdwfl calls back with the debug file's
 * name when it looks for a supplementary (dwz) file, which is not the
 * module's copy.  -1 when there is none: the normal search follows, and
 * finds the same information.
 */
static int
prepared_copy(Dwfl_Module *mod, const char *file_name,
    char **debuginfo_file_name)
{
	const unsigned char *id;
	const char *main_file = NULL;
	GElf_Addr vaddr;
	char path[PATH_MAX];
	size_t n;
	int len, fd;

	if (copies_dir[0] == '\0')
		return -1;
	len = dwfl_module_build_id(mod, &id, &vaddr);
	(void)dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, &main_file,
	    NULL);
	if (len <= 0 || len > 64 || file_name == NULL || main_file == NULL ||
	    strcmp(file_name, main_file) != 0)
		return -1;
	n = (size_t)snprintf(path, sizeof(path), "%s/", copies_dir);
	if (n + 2 * (size_t)len + sizeof(".debug") > sizeof(path))
		return -1;
	n += dhat__build_id_hex(path + n, id, len);
	memcpy(path + n, ".debug", sizeof(".debug"));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (!copy_matches(fd, id, len)) {
		close(fd);
		return -1;
	}
	/* libdwfl reads nothing else through the name; without it (out of
	 * memory) the descriptor is as good. */
	*debuginfo_file_name = strdup(path);
	return fd;
}

/*
 * Where separate debugging information is looked for.  A copy that
 * dhat-run prepared comes first (see prepared_copy).  libdw's standard
 * search ends by starting its debuginfod client, and starting it
 * initialises libcurl and OpenSSL even when no server is configured: too
 * heavy for every profile, and unsafe in the forked copy that writes a
 * snapshot, where they register atexit handlers under a lock that another
 * thread may have held at the fork and that is never released there.  So
 * the standard search, debuginfod included, runs only when DEBUGINFOD_URLS
 * names a server; otherwise the local places are all: the build-id tree,
 * then the .gnu_debuglink file beside the object, in its .debug
 * directory, and under /usr/lib/debug.
 */
int
dhat__find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname,
    Dwarf_Addr base, const char *file_name, const char *debuglink_file,
    GElf_Word debuglink_crc, char **debuginfo_file_name)
{
	const char *urls = secure_getenv("DEBUGINFOD_URLS");
	char path[PATH_MAX];
	int fd, i;

	fd = prepared_copy(mod, file_name, debuginfo_file_name);
	if (fd >= 0)
		return fd;
	if (urls != NULL && urls[0] != '\0')
		return dwfl_standard_find_debuginfo(mod, userdata, modname,
		    base, file_name, debuglink_file, debuglink_crc,
		    debuginfo_file_name);
	fd = dwfl_build_id_find_debuginfo(mod, userdata, modname, base,
	    file_name, debuglink_file, debuglink_crc, debuginfo_file_name);
	if (fd >= 0 || debuglink_file == NULL || file_name == NULL ||
	    strchr(file_name, '/') == NULL)
		return fd;
	for (i = 0; i < 3; i++) {
		/* The object itself is not its own debugging file. */
		if (!dhat__debuglink_place(path, sizeof path, i, file_name,
		    debuglink_file) || strcmp(path, file_name) == 0)
			continue;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			*debuginfo_file_name = strdup(path);
			return fd;
		}
	}
	errno = ENOENT;
	return -1;
}
