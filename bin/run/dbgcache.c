/* SPDX-License-Identifier: MIT */
/*
 * dbgcache.c - decompressed copies of libc's and ld.so's separate debug
 * files, written by a helper process of dhat-run while the program runs.
 *
 * Where the copies go.  A directory named to the program by
 * DHAT_DEBUG_COPIES, holding BUILD-ID.debug files: the user's cache,
 * $XDG_CACHE_HOME/dhat/debug or ~/.cache/dhat/debug, where a copy stays
 * for every later run (libc changes rarely, and the copy takes longer to
 * make than a short program runs); or, with --no-debug-cache or when the
 * cache cannot be used, a private directory made with mkdtemp(3) under
 * $TMPDIR and removed at the end.  The other way, memfds opened by the
 * program through /proc/PID/fd/N, was not taken: it depends on the program
 * being allowed to open another process's descriptors (not after a change
 * of user, not under a restrictive /proc), and needs a marker of its own
 * to tell a finished copy from one being written.  A directory needs
 * neither: a copy is written under a temporary name and renamed when
 * complete, so whatever is there under a final name is whole; the program
 * receives no descriptor; and every process the program executes finds the
 * same copies through the inherited variable.
 *
 * Who does the work.  A process forked from dhat-run once the program's
 * exec has succeeded, so the program's start waits for nothing, and
 * nothing runs inside the program: no thread, no process.  It runs at
 * SCHED_IDLE priority: the copies are worth having only if they cost the
 * program nothing, so the helper takes a core the program leaves idle and
 * never competes with it for one.  dhat-run itself goes on forwarding
 * signals and waiting as before.
 *
 * The cache.  Its two directories of dhat's own, dhat and dhat/debug, are
 * made with mode 0700 and used only if they are the user's, are not
 * symbolic links, and no one else may write to them: whoever can put a
 * file there chooses the DWARF that every profile parses.  dhat-run only
 * looks there before the program starts: a regular, non-empty file under a
 * copy's final name is taken as the copy (libdhat checks its build ID; a
 * crash just after a rename can leave an empty file, which is made anew);
 * when every copy is there, no helper is started.  The helper writes a
 * copy under a name of its own, .BUILD-ID.PID.tmp, and renames it into
 * place, so that whatever is under a final name is whole, even with
 * several dhat-runs at once (one helper at a time works, the others leave
 * it the work; were two to write, the last rename would win with a file as
 * whole as the other).  Unlike the private directory's, this helper is not
 * killed when the program ends: it finishes its copies, if need be after
 * dhat-run has exited, for a program that ends sooner than a copy is made
 * (python3 -c pass; two threads that keep both cores busy, leaving an
 * idle-priority helper no time) would otherwise never get one.  It gives
 * up after ten minutes.  Killed by a signal, it removes its temporary
 * file; one left by a SIGKILL is removed by the first dhat-run an hour
 * later.  Before writing, the helper removes the copies that are no longer
 * of the current libc or loader and were made more than 30 days ago
 * (mtime), so the cache holds about one generation of copies per
 * upgrade.  The cache must have room as $TMPDIR must (room_for): otherwise
 * the private directory is used.
 *
 * Who removes the private directory.  dhat-run, when the program has ended
 * and at any exit of its own (atexit), after it has killed and reaped the
 * helper.  If dhat-run is killed without a chance to do so (SIGKILL), the
 * helper, which holds the read end of a pipe whose only write end is
 * dhat-run's, sees end-of-file and removes it instead; that is why the
 * helper stays, asleep, after its work is done.  It never removes the
 * directory while dhat-run lives: the name could otherwise be reused by
 * another mkdtemp before dhat-run's own removal.
 *
 * What is copied.  The build-ID file under /usr/lib/debug/.build-id of
 * the object that holds __libc_start_main, and of the dynamic loader
 * (AT_BASE), when its own build ID note matches the object's and at least
 * one section is compressed.  dhat-run and the program it starts use the
 * same libc and loader; a program that does not simply finds no copy
 * with its build IDs.  A file that names a supplementary file
 * (.gnu_debugaltlink, .debug_sup) is not copied: libdw looks for that
 * relative to the debug file's own directory.
 */
#include "config.h"

#include <dirent.h>
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <link.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dbgcache.h"

/* libdwfl's build-ID tree, under its default debuginfo path (libdhat
 * passes no other). */
#define BUILD_ID_TREE "/usr/lib/debug/.build-id/"
#define BUILD_ID_MAX 64

/* The cache, under $XDG_CACHE_HOME or ~/.cache. */
#define CACHE_SUBDIR "dhat"
#define CACHE_DEBUG "debug"
#define CACHE_FRAMES "frames"   /* libdhat's, see dbgcache.h */
/* A temporary file older than this was left by a dhat-run killed with its
 * helper: no helper takes that long to write a copy. */
#define STALE_TMP_SECONDS (60 * 60)
/* Copies for another libc or loader go when they are older than this. */
#define PRUNE_SECONDS (30L * 24 * 60 * 60)
/* A helper filling the cache gives up after this (SIGALRM). */
#define HELPER_SECONDS (10 * 60)

struct target {
	unsigned char id[BUILD_ID_MAX];
	bool missing;		/* the helper is to write its copy */
	size_t len;
	char hex[2 * BUILD_ID_MAX + 1];
	char path[sizeof(BUILD_ID_TREE) + 2 * BUILD_ID_MAX + 8];
};

static struct {
	struct target t[2];	/* libc first: every profile needs it */
	size_t n;
	char dir[PATH_MAX];	/* "": no directory */
	bool persistent;	/* dir is the cache, kept at the end */
	pid_t owner;		/* dhat-run, the only one to remove it */
	pid_t helper;		/* 0: none running */
	int pipe_w;		/* dhat-run's end; -1: none */
} cache = { .pipe_w = -1 };

/* ---- build IDs of the loaded objects ------------------------------------ */

struct find {
	uintptr_t addr;		/* an address inside the object, or */
	bool by_base;		/* its load address (ld.so: AT_BASE) */
	struct target *t;
};

/* The NT_GNU_BUILD_ID note of a loaded object, from its PT_NOTE segments
 * (mapped read-only by the loader) into T. */
static void
note_build_id(const struct dl_phdr_info *info, struct target *t)
{
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const char *p, *end;
		size_t align;

		if (ph->p_type != PT_NOTE)
			continue;
		p = (const char *)(info->dlpi_addr + ph->p_vaddr);
		end = p + ph->p_memsz;
		align = ph->p_align == 8 ? 8 : 4;
		while ((size_t)(end - p) >= sizeof(ElfW(Nhdr))) {
			const ElfW(Nhdr) *nh = (const void *)p;
			size_t desc = (sizeof(*nh) + nh->n_namesz + align - 1) &
			    ~(align - 1);
			size_t next = (desc + nh->n_descsz + align - 1) &
			    ~(align - 1);

			if (nh->n_namesz > (size_t)(end - p) ||
			    nh->n_descsz > (size_t)(end - p) ||
			    next > (size_t)(end - p))
				break;
			if (nh->n_type == NT_GNU_BUILD_ID &&
			    nh->n_namesz == 4 &&
			    memcmp(p + sizeof(*nh), "GNU", 4) == 0 &&
			    nh->n_descsz >= 2 && nh->n_descsz <= BUILD_ID_MAX) {
				memcpy(t->id, p + desc, nh->n_descsz);
				t->len = nh->n_descsz;
				return;
			}
			p += next;
		}
	}
}

static int
find_object(struct dl_phdr_info *info, size_t size, void *ctx)
{
	struct find *f = ctx;

	(void)size;
	if (f->by_base) {
		if (info->dlpi_addr != f->addr)
			return 0;
	} else {
		bool inside = false;

		for (int i = 0; i < info->dlpi_phnum && !inside; i++) {
			const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
			uintptr_t lo = info->dlpi_addr + ph->p_vaddr;

			inside = ph->p_type == PT_LOAD && f->addr >= lo &&
			    f->addr - lo < ph->p_memsz;
		}
		if (!inside)
			return 0;
	}
	note_build_id(info, f->t);
	return 1;
}

/* Look up the object and keep it as a target when it has a build ID and
 * its separate debug file exists. */
static void
add_target(uintptr_t addr, bool by_base)
{
	static const char digits[] = "0123456789abcdef";
	struct target *t = &cache.t[cache.n];
	struct find f = { addr, by_base, t };
	char path[sizeof(t->path)];
	int n;

	if (addr == 0)
		return;
	memset(t, 0, sizeof(*t));
	dl_iterate_phdr(find_object, &f);
	if (t->len == 0)
		return;
	for (size_t i = 0; i < cache.n; i++)
		if (cache.t[i].len == t->len &&
		    memcmp(cache.t[i].id, t->id, t->len) == 0)
			return;
	for (size_t i = 0; i < t->len; i++) {
		t->hex[2 * i] = digits[t->id[i] >> 4];
		t->hex[2 * i + 1] = digits[t->id[i] & 15];
	}
	n = snprintf(path, sizeof(path), "%s%.2s/%s.debug", BUILD_ID_TREE,
	    t->hex, t->hex + 2);
	if (n < 0 || (size_t)n >= sizeof(path) || access(path, R_OK) != 0)
		return;
	memcpy(t->path, path, (size_t)n + 1);
	cache.n++;
}

/* ---- the directory ------------------------------------------------------ */

/* The name T's copy has while helper PID writes it: unique to the helper,
 * so that two dhat-runs sharing the cache never write the same file. */
static void
tmp_name(char *buf, size_t size, const struct target *t, pid_t pid)
{
	snprintf(buf, size, ".%s.%ld.tmp", t->hex, (long)pid);
}

/* A directory stream on the descriptor FD, which it then owns; NULL, FD
 * closed, when there is none. */
static DIR *
dir_stream(int fd)
{
	DIR *d;

	if (fd < 0)
		return NULL;
	if ((d = fdopendir(fd)) == NULL)
		close(fd);
	return d;
}

/* Remove each regular file in the directory DFD for which DOOMED says so;
 * NOW is the time to compare its mtime with. */
static void
sweep(int dfd, bool (*doomed)(const char *, const struct stat *, time_t))
{
	time_t now = time(NULL);
	struct dirent *e;
	struct stat st;
	DIR *d = dir_stream(dup(dfd));

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode) && doomed(e->d_name, &st, now))
			(void)unlinkat(dfd, e->d_name, 0);
	}
	closedir(d);
}

static bool
ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);

	return n > k && strcmp(s + n - k, tail) == 0;
}

/* A temporary copy left by a helper that was killed with its dhat-run. */
static bool
stale_tmp(const char *name, const struct stat *st, time_t now)
{
	return name[0] == '.' && ends_with(name, ".tmp") &&
	    st->st_mtime < now - STALE_TMP_SECONDS;
}

/* A frame file that no profile has used for a month (libdhat refreshes
 * the modification time of those it reads), or a temporary one left by a
 * process killed while writing it. */
static bool
unused_frames(const char *name, const struct stat *st, time_t now)
{
	return name[0] == '.' ? ends_with(name, ".tmp") &&
	    st->st_mtime < now - STALE_TMP_SECONDS :
	    st->st_mtime < now - PRUNE_SECONDS;
}

/* An old copy for a libc or loader that is no longer the current one. */
static bool
outdated_copy(const char *name, const struct stat *st, time_t now)
{
	if (name[0] == '.' || !ends_with(name, ".debug") ||
	    st->st_mtime >= now - PRUNE_SECONDS)
		return false;
	for (size_t i = 0; i < cache.n; i++) {
		size_t k = strlen(cache.t[i].hex);

		if (strncmp(name, cache.t[i].hex, k) == 0 &&
		    strcmp(name + k, ".debug") == 0)
			return false;
	}
	return true;
}

/* Empty the directory at PATH (it only ever holds files) and remove it. */
static void
remove_dir(const char *path)
{
	int dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct dirent *e;
	bool removed = true;
	DIR *d = dir_stream(dfd);

	if (d == NULL)
		return;
	/* readdir may or may not show entries removed while it reads:
	 * go round until a pass removes nothing. */
	for (int pass = 0; pass < 4 && removed; pass++) {
		removed = false;
		rewinddir(d);
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			if (unlinkat(dfd, e->d_name, 0) == 0)
				removed = true;
		}
	}
	closedir(d);
	(void)rmdir(path);
}

/*
 * The directory NAME in DFD, made with mode 0700 if it is missing; opened
 * without following a symbolic link, and refused unless it is the user's
 * and no one else may write to it.  Returns its descriptor, or -1.
 */
static int
private_subdir(int dfd, const char *name)
{
	struct stat st;
	int fd;

	/* On a read-only file system, an existing NAME gives EEXIST. */
	(void)mkdirat(dfd, name, 0700);
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || st.st_uid != geteuid() ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* mkdir -p PATH: what is made gets mode 0700, as the XDG base directory
 * specification asks of $XDG_CACHE_HOME; what exists is left alone. */
static void
make_path(char *path)
{
	for (char *p = path + 1; *p != '\0'; p++) {
		if (*p != '/' || p[-1] == '/')
			continue;
		*p = '\0';
		(void)mkdir(path, 0700);
		*p = '/';
	}
	(void)mkdir(path, 0700);
}

/*
 * Open the cache directory dhat/LEAF, making it if need be, and put its
 * path in OUT (SIZE bytes).  The base is $XDG_CACHE_HOME when it is
 * absolute, else $HOME/.cache (the XDG base directory specification's
 * rule); symbolic links above dhat/ are followed, as users link ~/.cache
 * elsewhere.  Returns its descriptor, or -1 with OUT empty.
 */
static int
open_cache(const char *leaf, char *out, size_t size)
{
	const char *base = secure_getenv("XDG_CACHE_HOME"), *sub = "";
	char path[PATH_MAX];
	int bfd, dfd, fd, n;
	size_t len;

	if (base == NULL || base[0] != '/') {
		base = secure_getenv("HOME");
		sub = "/.cache";
		if (base == NULL || base[0] != '/')
			return -1;
	}
	len = strlen(base);
	while (len > 1 && base[len - 1] == '/')
		len--;
	n = snprintf(path, sizeof(path), "%.*s%s", (int)len, base, sub);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -1;
	bfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (bfd < 0 && errno == ENOENT) {
		make_path(path);
		bfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (bfd < 0)
		return -1;
	dfd = private_subdir(bfd, CACHE_SUBDIR);
	close(bfd);
	if (dfd < 0)
		return -1;
	fd = private_subdir(dfd, leaf);
	close(dfd);
	if (fd < 0)
		return -1;
	n = snprintf(out, size, "%s/%s/%s", path, CACHE_SUBDIR, leaf);
	/* access(2) also tells a read-only file system. */
	if (n < 0 || (size_t)n >= size || access(out, W_OK) != 0) {
		out[0] = '\0';
		close(fd);
		return -1;
	}
	return fd;
}

static bool worth_copying(Elf *, const struct target *, uint64_t *);
static bool room_for(int, uint64_t);

/* T's debug file is worth a copy (see worth_copying); *SIZE gets the
 * copy's size.  Reads the section headers only. */
static bool
copy_size(const struct target *t, uint64_t *size)
{
	int fd = open(t->path, O_RDONLY | O_CLOEXEC);
	bool ok = false;
	Elf *elf;

	if (fd < 0)
		return false;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (elf != NULL) {
		ok = worth_copying(elf, t, size);
		elf_end(elf);
	}
	close(fd);
	return ok;
}

/*
 * Use the cache: keep the targets whose copy it has (nothing to do) or
 * that are worth one (the helper's work; the others would start a helper
 * at every run for nothing), and remove stale temporary files.  False,
 * with cache.dir empty, when the cache cannot be used or has no room.
 */
static bool
use_cache(void)
{
	int dfd = open_cache(CACHE_DEBUG, cache.dir, sizeof(cache.dir));
	uint64_t need = 0, size;
	struct stat st;
	size_t k = 0;
	char name[2 * BUILD_ID_MAX + 16];
	bool ok;

	if (dfd < 0)
		return false;
	sweep(dfd, stale_tmp);
	for (size_t i = 0; i < cache.n; i++) {
		struct target *t = &cache.t[i];

		snprintf(name, sizeof(name), "%s.debug", t->hex);
		t->missing = !(fstatat(dfd, name, &st,
		    AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
		    st.st_size > 0);
		if (t->missing) {
			if (elf_version(EV_CURRENT) == EV_NONE ||
			    !copy_size(t, &size))
				continue;
			need += size;
		}
		if (k != i)
			cache.t[k] = *t;
		k++;
	}
	cache.n = k;
	ok = need == 0 || room_for(dfd, need);
	close(dfd);
	if (!ok)
		cache.dir[0] = '\0';
	return ok;
}

/* Make the private directory under $TMPDIR, for every target. */
static bool
make_private_dir(void)
{
	const char *tmp = secure_getenv("TMPDIR");
	size_t len;
	int n;

	/* The program may change directory: the path must be absolute. */
	if (tmp == NULL || tmp[0] != '/')
		tmp = "/tmp";
	len = strlen(tmp);
	while (len > 1 && tmp[len - 1] == '/')
		len--;
	n = snprintf(cache.dir, sizeof(cache.dir), "%.*s/dhat-run.XXXXXX",
	    (int)len, tmp);
	if (n < 0 || (size_t)n >= sizeof(cache.dir) ||
	    mkdtemp(cache.dir) == NULL) {
		cache.dir[0] = '\0';
		return false;
	}
	for (size_t i = 0; i < cache.n; i++)
		cache.t[i].missing = true;
	return true;
}

const char *
dbgcache_prepare(bool persistent)
{
	if (cache.dir[0] != '\0')
		return cache.dir;
	/* libc: the definition dlsym finds is the one in the loaded libc,
	 * where the address of a function named in this file could be a
	 * PLT entry of dhat-run's own. */
	add_target((uintptr_t)dlsym(RTLD_DEFAULT, "__libc_start_main"), false);
	add_target((uintptr_t)getauxval(AT_BASE), true);
	if (cache.n == 0)
		return NULL;
	if (persistent && use_cache()) {
		if (cache.n == 0) {
			/* Nothing worth a copy. */
			cache.dir[0] = '\0';
			return NULL;
		}
		cache.persistent = true;
	} else if (!make_private_dir()) {
		return NULL;
	}
	cache.owner = getpid();
	/* die() and every other exit of dhat-run's */
	atexit(dbgcache_finish);
	return cache.dir;
}

const char *
dbgcache_frames(void)
{
	static char dir[PATH_MAX];
	int dfd;

	if (dir[0] != '\0')
		return dir;
	dfd = open_cache(CACHE_FRAMES, dir, sizeof(dir));
	if (dfd < 0)
		return NULL;
	sweep(dfd, unused_frames);
	close(dfd);
	return dir;
}

void
dbgcache_finish(void)
{
	int status;

	/* The helper, and the program's child before its exec, have the
	 * same memory: only dhat-run itself cleans up. */
	if (cache.dir[0] == '\0' || getpid() != cache.owner)
		return;
	/* A helper writing into the cache finishes its copy on its own
	 * (see the top of this file); reaped now if it is done. */
	if (cache.helper > 0 && cache.persistent) {
		(void)waitpid(cache.helper, &status, WNOHANG);
		cache.helper = 0;
	}
	if (cache.helper > 0) {
		(void)kill(cache.helper, SIGKILL);
		while (waitpid(cache.helper, &status, 0) < 0 && errno == EINTR)
			;
		cache.helper = 0;
	}
	if (cache.pipe_w >= 0) {
		(void)close(cache.pipe_w);
		cache.pipe_w = -1;
	}
	if (!cache.persistent)
		remove_dir(cache.dir);
	cache.dir[0] = '\0';
}

/* ---- the copies --------------------------------------------------------- */

/*
 * The debug file ELF is worth a copy for T: its build ID is T's, it has a
 * compressed section, and it names no supplementary file.  *SIZE gets the
 * copy's size, near enough to decide whether there is room for it.
 */
static bool
worth_copying(Elf *elf, const struct target *t, uint64_t *size)
{
	bool compressed = false, matches = false;
	size_t shstrndx, shnum;
	Elf_Scn *scn = NULL;

	if (elf_kind(elf) != ELF_K_ELF || elf_getshdrnum(elf, &shnum) != 0 ||
	    elf_getshdrstrndx(elf, &shstrndx) != 0 ||
	    shnum >= SHN_LORESERVE || shstrndx >= SHN_LORESERVE)
		return false;
	*size = 0;
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;
		GElf_Chdr ch;
		const char *name;

		if (gelf_getshdr(scn, &sh) == NULL)
			return false;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (name == NULL || strcmp(name, ".gnu_debugaltlink") == 0 ||
		    strcmp(name, ".debug_sup") == 0)
			return false;
		if (sh.sh_flags & SHF_COMPRESSED) {
			if (gelf_getchdr(scn, &ch) == NULL)
				return false;
			compressed = true;
			*size += ch.ch_size;
		} else if (sh.sh_type != SHT_NOBITS) {
			*size += sh.sh_size;
		}
		if (sh.sh_type == SHT_NOTE && !matches) {
			Elf_Data *d = elf_getdata(scn, NULL);
			GElf_Nhdr nh;
			size_t off = 0, name_off, desc_off;

			while (d != NULL && (off = gelf_getnote(d, off, &nh,
			    &name_off, &desc_off)) > 0) {
				if (nh.n_type == NT_GNU_BUILD_ID &&
				    nh.n_namesz == 4 &&
				    memcmp((char *)d->d_buf + name_off, "GNU",
				    4) == 0 && nh.n_descsz == t->len &&
				    memcmp((char *)d->d_buf + desc_off, t->id,
				    t->len) == 0)
					matches = true;
			}
		}
	}
	return compressed && matches;
}

/*
 * The program's temporary files come first: a copy is written only when
 * it takes at most a quarter of the free space, so that it never turns a
 * nearly full $TMPDIR into a full one under the program's feet.
 */
static bool
room_for(int dfd, uint64_t size)
{
	struct statvfs vfs;

	if (fstatvfs(dfd, &vfs) != 0)
		return false;
	return size <= (uint64_t)vfs.f_bavail * vfs.f_frsize / 4;
}

/*
 * Build OUT as IN with its compressed sections decompressed: the same
 * ELF header and program headers, the same sections in the same order
 * (so every sh_link and sh_info still holds), each with the same type,
 * flags less SHF_COMPRESSED, address, alignment and contents once
 * inflated.  libelf lays the file out anew, the sizes having changed;
 * the program headers of a debug file describe the original object's
 * memory, which libdw reads from them (p_vaddr, p_memsz), and are kept
 * as they are.
 */
static bool
copy_elf(Elf *in, Elf *out)
{
	GElf_Ehdr eh;
	size_t phnum;
	Elf_Scn *scn = NULL;

	if (gelf_getehdr(in, &eh) == NULL ||
	    gelf_newehdr(out, gelf_getclass(in)) == NULL ||
	    elf_getphdrnum(in, &phnum) != 0)
		return false;
	if (phnum > 0) {
		if (gelf_newphdr(out, phnum) == NULL)
			return false;
		for (size_t i = 0; i < phnum; i++) {
			GElf_Phdr ph;

			if (gelf_getphdr(in, (int)i, &ph) == NULL ||
			    gelf_update_phdr(out, (int)i, &ph) == 0)
				return false;
		}
	}
	while ((scn = elf_nextscn(in, scn)) != NULL) {
		Elf_Scn *os = elf_newscn(out);
		Elf_Data *d = NULL, *od;
		GElf_Shdr sh;

		if (os == NULL || gelf_getshdr(scn, &sh) == NULL)
			return false;
		/* The data stays in IN's mapping until written. */
		while ((d = elf_getdata(scn, d)) != NULL) {
			if ((od = elf_newdata(os)) == NULL)
				return false;
			*od = *d;
		}
		if (gelf_update_shdr(os, &sh) == 0)
			return false;
		/* Inflates into a buffer of libelf's, clears the flag and
		 * sets the size and alignment from the compression header. */
		if ((sh.sh_flags & SHF_COMPRESSED) &&
		    elf_compress(os, 0, 0) < 0)
			return false;
	}
	/* The section numbers are IN's, so its e_shstrndx holds; libelf
	 * sets the offsets and counts. */
	return gelf_update_ehdr(out, &eh) != 0;
}

/* The helper's temporary file, for on_signal: its name ("" for none) in
 * the directory helper_dfd. */
static char helper_tmp[2 * BUILD_ID_MAX + 32];
static int helper_dfd = -1;

/* Write T's copy into the directory DFD: under a temporary name, renamed
 * to BUILD-ID.debug once complete.  Any failure leaves no file. */
static void
make_copy(int dfd, const struct target *t)
{
	char *tmp = helper_tmp, name[2 * BUILD_ID_MAX + 16];
	uint64_t size;
	Elf *in = NULL, *out = NULL;
	int ifd, ofd = -1;
	bool ok = false;

	snprintf(name, sizeof(name), "%s.debug", t->hex);
	/* Named before it exists: on_signal then never misses it. */
	tmp_name(tmp, sizeof(helper_tmp), t, getpid());
	helper_dfd = dfd;
	ifd = open(t->path, O_RDONLY | O_CLOEXEC);
	if (ifd < 0)
		return;
	in = elf_begin(ifd, ELF_C_READ_MMAP, NULL);
	if (in == NULL || !worth_copying(in, t, &size) || !room_for(dfd, size))
		goto done;
	ofd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (ofd < 0)
		goto done;
	/* ELF_C_WRITE writes with write(2), whose errors (ENOSPC) libelf
	 * reports; a shared mapping (ELF_C_WRITE_MMAP) would take SIGBUS. */
	out = elf_begin(ofd, ELF_C_WRITE, NULL);
	if (out == NULL || !copy_elf(in, out) ||
	    elf_update(out, ELF_C_WRITE) < 0)
		goto done;
	elf_end(out);
	out = NULL;
	ok = close(ofd) == 0;
	ofd = -1;
	ok = ok && renameat(dfd, tmp, dfd, name) == 0;
done:
	if (out != NULL)
		elf_end(out);
	if (ofd >= 0)
		close(ofd);
	if (!ok)
		(void)unlinkat(dfd, tmp, 0);
	tmp[0] = '\0';
	if (in != NULL)
		elf_end(in);
	close(ifd);
}

/* dhat-run has gone (its end of the pipe closed); TIMEOUT as poll's. */
static bool
owner_gone(int fd, int timeout)
{
	struct pollfd p = { fd, POLLIN, 0 };
	int r;

	while ((r = poll(&p, 1, timeout)) < 0 && errno == EINTR)
		;
	return r != 0;
}

/*
 * The helper keeps no descriptor of dhat-run's but its pipe: a reader
 * of "dhat-run ... | cat" or of the test harness's pipes waits for
 * end-of-file, which must not depend on the helper, and it reads or
 * writes no terminal.
 */
static void
release_files(int keep)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	for (int i = 0; i < 3 && null >= 0; i++)
		if (i != null)
			(void)dup2(null, i);
	if (null > 2)
		close(null);
#ifdef HAVE_CLOSE_RANGE
	if ((keep <= 3 || close_range(3, (unsigned)keep - 1, 0) == 0) &&
	    close_range((unsigned)keep + 1, ~0U, 0) == 0)
		return;
#endif
	for (int i = 3; i < 1024; i++)
		if (i != keep)
			(void)close(i);
}

/* A helper writing into the cache, killed by a signal (^C, SIGTERM to
 * the process group, its alarm): no unfinished copy stays behind. */
static void
on_signal(int sig)
{
	if (helper_tmp[0] != '\0')
		(void)unlinkat(helper_dfd, helper_tmp, 0);
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * The helper's work in the cache, which it finishes whether dhat-run
 * lives or not: a copy made after a short program has ended serves every
 * later run.  One helper at a time per cache: the others leave it the
 * work (flock on the directory), and a copy made meanwhile is not made
 * again.  Its life is bounded: SCHED_IDLE on a busy machine may never
 * get to run, and an orphan must not wait for ever.
 */
static void
fill_cache(int dfd)
{
	static const int sigs[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM,
		SIGALRM };
	char name[2 * BUILD_ID_MAX + 16];
	struct sigaction sa;
	struct stat st;

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (sigaction(sigs[i], NULL, &sa) != 0 ||
		    sa.sa_handler == SIG_IGN)
			continue;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigfillset(&sa.sa_mask);
		(void)sigaction(sigs[i], &sa, NULL);
	}
	alarm(HELPER_SECONDS);
	/* An orphan must not keep a directory busy (umount); its paths
	 * are absolute, and where it stays when it cannot is no matter. */
	if (chdir("/") != 0)
		errno = 0;
	if (flock(dfd, LOCK_EX | LOCK_NB) != 0)
		return;
	/* Before writing: what it frees counts for room_for. */
	sweep(dfd, outdated_copy);
	for (size_t i = 0; i < cache.n; i++) {
		if (!cache.t[i].missing)
			continue;
		snprintf(name, sizeof(name), "%s.debug", cache.t[i].hex);
		if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode) && st.st_size > 0)
			continue;
		make_copy(dfd, &cache.t[i]);
	}
}

static _Noreturn void
helper(int fd)
{
	struct sched_param sp = { 0 };
	struct sigaction sa;
	sigset_t none;
	int dfd;

	/* dhat-run's forwarder must not run here (it would signal the
	 * program); ignored signals stay ignored, as in the program. */
	for (int sig = 1; sig < NSIG; sig++) {
		if (sigaction(sig, NULL, &sa) == 0 &&
		    sa.sa_handler != SIG_IGN && sa.sa_handler != SIG_DFL) {
			sa.sa_handler = SIG_DFL;
			sa.sa_flags = 0;
			(void)sigaction(sig, &sa, NULL);
		}
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	release_files(fd);
	if (sched_setscheduler(0, SCHED_IDLE, &sp) != 0)
		(void)setpriority(PRIO_PROCESS, 0, 19);

	dfd = open(cache.dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (cache.persistent) {
		if (dfd >= 0 && elf_version(EV_CURRENT) != EV_NONE)
			fill_cache(dfd);
		_exit(0);
	}
	if (dfd >= 0 && elf_version(EV_CURRENT) != EV_NONE) {
		for (size_t i = 0; i < cache.n && !owner_gone(fd, 0); i++)
			make_copy(dfd, &cache.t[i]);
	}
	(void)owner_gone(fd, -1);
	remove_dir(cache.dir);
	_exit(0);
}

void
dbgcache_start(void)
{
	sigset_t all, saved;
	bool work = false;
	int p[2];
	pid_t pid;

	/* Nothing missing from the cache: no helper at all. */
	for (size_t i = 0; i < cache.n; i++)
		work = work || cache.t[i].missing;
	if (cache.dir[0] == '\0' || cache.helper != 0 || !work)
		return;
	/* Made after the program's fork: only dhat-run holds the write
	 * end, so its death is the pipe's end-of-file. */
	if (pipe2(p, O_CLOEXEC) != 0)
		return;
	/* No forwarder may run in the helper before it resets them. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &saved);
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		helper(p[0]);
	}
	sigprocmask(SIG_SETMASK, &saved, NULL);
	close(p[0]);
	if (pid < 0) {
		close(p[1]);
		return;
	}
	cache.helper = pid;
	cache.pipe_w = p[1];
}
