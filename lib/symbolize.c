/* SPDX-License-Identifier: MIT */
/*
 * symbolize.c - instruction pointers to DHAT frame strings, with elfutils.
 *
 * libdwfl is told about every module mapped in this process when the
 * symbolizer is made; each address is then resolved to its module, its
 * ELF symbol, its line-table row and its chain of inlined calls, giving one
 * frame string per inline level, innermost first.  A module unloaded
 * since (unload.c) is read from its file at its old address into a libdwfl
 * session of its own, when an address captured while it was mapped needs
 * it: another module may hold the same addresses now, so an address is
 * named in its era (the modules mapped when it was captured).  Results
 * are cached by address and era, because the writer meets the same frames
 * (main, the allocator wrappers) in many stacks.  Nothing here may crash on a strange address:
 * whatever cannot be found prints as "???".
 *
 * Frame strings (the shape of the Rust dhat crate's):
 *   0x<ip>: <function> (<file>:<line>:<col>)   debug information found
 *   0x<ip>: <symbol> (in <object>)             no line for the address
 *   0x<ip>: ??? (in <object>)                  not even an ELF symbol
 *   0x<ip>: ??? (in ???)                       the address is in no module
 * <file> keeps its last three path components; an unknown file is "???",
 * an unknown line or column 0.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>

#include "frame_cache.h"
#include "index.h"
#include "symbolize.h"

/* Separate literals: "??" followed by ")" would read as a trigraph. */
#define UNKNOWN "???"

/* One resolved address, kept for the next time it is asked for. */
struct cache_entry {
	uintptr_t ip;
	unsigned era;
	bool return_address;
	int kind;
	unsigned nframes;
	char *frames;			/* NFRAMES strings, each NUL-ended */
};

typedef char *(*demangle_fn)(const char *, char *, size_t *, int *);

/* A module's file of frames kept from earlier profiles (frame_cache.h). */
struct kept {
	Dwfl_Module *mod;
	Dwarf_Addr start;		/* offsets in the file are from here */
	struct dhat__frame_file *file;	/* NULL: none for this module */
};

/* A gone module, and its session once read (see era_dwfl). */
struct era {
	struct dhat__gone_module m;
	Dwfl *dwfl;
	bool tried;
};

struct dhat__symbolizer {
	Dwfl *dwfl;			/* the modules mapped now: era 0 */
	struct era *eras;		/* era k is eras[k - 1] */
	size_t neras;
	char *debuginfo_path;		/* libdwfl keeps a pointer to it */
	Dwfl_Callbacks callbacks;
	demangle_fn demangle;
	bool demangle_looked_up;
	struct cache_entry *cache;	/* resolved addresses */
	size_t ncache, capcache;
	struct dhat__index cache_index;
	struct symtab *symtabs;		/* sorted symbols, by module */
	size_t nsymtabs;
	struct kept *kept;		/* by module, as met */
	size_t nkept, capkept;
	bool keeping;			/* frame files in use */
};

/*
 * An object without DWARF (python3 as Debian ships it) names its frames
 * from the ELF symbol table, and dwfl_module_addrinfo scans that table
 * whole for every address: with 15,000 symbols and 2,000 addresses that
 * was a third of a Python profile's run time.  So each module's symbols
 * that hold code or data are sorted once, and looked up by bisection.
 * libdwfl is still asked when it could know better: when an earlier,
 * longer symbol may hold the address, or a sizeless symbol lies at or
 * below it.  An address in none of them (a static function of a stripped
 * program: most of python3's) is answered here, as libdwfl would answer,
 * with no name.
 */
struct symbol {
	GElf_Addr lo, hi;		/* [lo, hi) */
	GElf_Addr reach;		/* the highest hi up to this one */
	const char *name;		/* in libelf's string table */
	int rank;			/* local 0, weak 1, global 2 */
};

struct symtab {
	Dwfl_Module *mod;
	struct symbol *v;
	size_t n;
	GElf_Addr sizeless;		/* lowest sizeless symbol, or ~0 */
};

/* What the sorted table says of an address. */
enum { SYM_FOUND, SYM_NONE, SYM_ASK_LIBDWFL };

/* One inline level of an address, before it is formatted.  The strings
 * point into libdw's tables. */
struct level {
	const char *name;		/* raw, possibly mangled; NULL: ??? */
	const char *file;		/* NULL: no source position */
	int line;
	int col;
};

/* A frame string is formatted here, then into the cache entry. */
struct text {
	char *buf;
	size_t len;
	size_t cap;
	bool failed;			/* out of memory: do not cache */
	bool mangled;			/* a C++ name left mangled: not kept */
};

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
static size_t
build_id_hex(char *out, const unsigned char *id, int len)
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
static bool
debuglink_place(char *path, size_t size, int i, const char *file_name,
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
 * maps them instead of decompressing them (libc's, from Debian's
 * libc6-dbg, costs some 200 million instructions otherwise).  FILE_NAME
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
	n += build_id_hex(path + n, id, len);
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
static int
find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname,
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
		if (!debuglink_place(path, sizeof path, i, file_name,
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

struct dhat__symbolizer *
dhat__symbolizer_new(void)
{
	return dhat__symbolizer_new_with(NULL, 0);
}

struct dhat__symbolizer *
dhat__symbolizer_new_with(const struct dhat__gone_module *gone, size_t n)
{
	struct dhat__symbolizer *s;
	const char *urls;
	size_t i;

	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	/* NULL asks libdwfl for its default search path (the build-id
	 * tree under /usr/lib/debug); see find_debuginfo for the rest. */
	s->callbacks.find_elf = dwfl_linux_proc_find_elf;
	s->callbacks.find_debuginfo = find_debuginfo;
	s->callbacks.debuginfo_path = &s->debuginfo_path;
	s->dwfl = dwfl_begin(&s->callbacks);
	if (s->dwfl == NULL)
		goto fail;
	dwfl_report_begin(s->dwfl);
	if (dwfl_linux_proc_report(s->dwfl, getpid()) != 0)
		goto fail;
	if (dwfl_report_end(s->dwfl, NULL, NULL) != 0)
		goto fail;
	if (n > 0) {
		s->eras = calloc(n, sizeof(*s->eras));
		if (s->eras == NULL)
			goto fail;
		for (i = 0; i < n; i++)
			s->eras[i].m = gone[i];
		s->neras = n;
	}
	/* A debuginfod server could provide debugging information that
	 * the files on this machine do not show: nothing is kept then. */
	urls = secure_getenv("DEBUGINFOD_URLS");
	s->keeping = dhat__frame_cache_on() && (urls == NULL ||
	    urls[0] == '\0');
	return s;
fail:
	dhat__symbolizer_free(s);
	return NULL;
}

void
dhat__symbolizer_free(struct dhat__symbolizer *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nkept; i++)
		dhat__frame_file_close(s->kept[i].file);
	free(s->kept);
	if (s->dwfl != NULL)
		dwfl_end(s->dwfl);
	for (i = 0; i < s->neras; i++)
		if (s->eras[i].dwfl != NULL)
			dwfl_end(s->eras[i].dwfl);
	free(s->eras);
	for (i = 0; i < s->ncache; i++)
		free(s->cache[i].frames);
	free(s->cache);
	dhat__index_free(&s->cache_index);
	for (i = 0; i < s->nsymtabs; i++)
		free(s->symtabs[i].v);
	free(s->symtabs);
	/* A libstdc++ found for the demangler stays loaded: unloading the
	 * C++ runtime under a running program is never safe. */
	free(s);
}

unsigned
dhat__symbolize_era(const struct dhat__symbolizer *s, uintptr_t ip,
    uint64_t gen)
{
	unsigned era = 0;
	size_t i;

	/* Of the gone modules that held IP while or after the stack was
	 * captured, the first to go: the loader maps nothing over a module
	 * before it is gone, so that one was there at the capture.  None:
	 * IP is in a module mapped now (or in none). */
	for (i = 0; i < s->neras; i++) {
		const struct dhat__gone_module *m = &s->eras[i].m;

		if (ip >= m->lo && ip < m->hi && m->gen >= gen &&
		    (era == 0 || m->gen < s->eras[era - 1].m.gen))
			era = (unsigned)i + 1;
	}
	return era;
}

/* ERA's libdwfl session; for a gone module, made on first use by reading
 * its file at its old address.  NULL when it cannot be read (a relative
 * name, a file since removed or replaced by another build): its
 * addresses are then in no module. */
static Dwfl *
era_dwfl(struct dhat__symbolizer *s, unsigned era)
{
	const unsigned char *id;
	Dwfl_Module *mod;
	GElf_Addr vaddr;
	struct era *e;
	const char *base;
	size_t len;

	if (era == 0)
		return s->dwfl;
	e = &s->eras[era - 1];
	if (e->tried)
		return e->dwfl;
	e->tried = true;
	if (e->m.path[0] != '/' || (e->dwfl = dwfl_begin(&s->callbacks)) == NULL)
		return NULL;
	base = strrchr(e->m.path, '/') + 1;
	len = e->m.build_id_len;
	dwfl_report_begin(e->dwfl);
	mod = dwfl_report_elf(e->dwfl, base, e->m.path, -1, e->m.bias, false);
	if (mod == NULL || dwfl_report_end(e->dwfl, NULL, NULL) != 0 ||
	    (len > 0 && (dwfl_module_build_id(mod, &id, &vaddr) != (int)len ||
	    memcmp(id, e->m.build_id, len) != 0))) {
		dwfl_end(e->dwfl);
		e->dwfl = NULL;
	}
	return e->dwfl;
}

/*
 * __cxa_demangle without linking libstdc++ into libdhat (a C program would
 * then carry the C++ runtime).  A C++ program already has it; otherwise a
 * libstdc++ on the system is loaded, and without one names stay mangled.
 */
static demangle_fn
find_demangler(struct dhat__symbolizer *s)
{
	void *handle;
	void *sym;

	if (s->demangle_looked_up)
		return s->demangle;
	s->demangle_looked_up = true;
	sym = dlsym(RTLD_DEFAULT, "__cxa_demangle");
	if (sym == NULL) {
		handle = dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_NOLOAD);
		if (handle == NULL)
			handle = dlopen("libstdc++.so.6", RTLD_LAZY);
		if (handle != NULL)
			sym = dlsym(handle, "__cxa_demangle");
	}
	/* Converting a data pointer to a function pointer is what dlsym
	 * is for; POSIX guarantees it works. */
	memcpy(&s->demangle, &sym, sizeof(sym));
	return s->demangle;
}

static void
text_reserve(struct text *t, size_t more)
{
	size_t cap;
	char *buf;

	if (t->failed || t->len + more <= t->cap)
		return;
	cap = t->cap ? t->cap : 256;
	while (cap < t->len + more)
		cap *= 2;
	buf = realloc(t->buf, cap);
	if (buf == NULL) {
		t->failed = true;
		return;
	}
	t->buf = buf;
	t->cap = cap;
}

/* Appends formatted text; on failure T is marked failed and left alone. */
static void __attribute__((format(printf, 2, 3)))
text_printf(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		t->failed = true;
		return;
	}
	text_reserve(t, (size_t)n + 1);
	if (t->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(t->buf + t->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

/* Ends one frame string: the strings of a frame are stored back to back. */
static void
text_end(struct text *t)
{
	text_reserve(t, 1);
	if (!t->failed)
		t->buf[t->len++] = '\0';
}

/* The dhat-rs rule: keep the last three components, a leading "/"
 * counting as the separator before an empty one ("/cc/bb/aa.rs" ->
 * "cc/bb/aa.rs", "/bb/aa.rs" stays). */
static const char *
short_path(const char *path)
{
	const char *p;
	int slashes = 0;

	for (p = path + strlen(path); p > path; p--) {
		if (p[-1] == '/' && ++slashes == 3)
			return p;
	}
	return path;
}

/* "[vdso: 1234]" names the vDSO in libdwfl; the pid is noise in a
 * profile that already records it. */
static const char *
object_name(Dwfl_Module *mod)
{
	const char *name;

	name = dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	if (name == NULL || name[0] == '\0')
		return UNKNOWN;
	if (strncmp(name, "[vdso", 5) == 0)
		return "[vdso]";
	return name;
}

static bool
is_outer_name(const char *name)
{
	static const char *const exact[] = {
		"_start", "start_thread", "clone", "clone3",
		"__libc_start_call_main",
	};
	size_t i;

	if (name == NULL)
		return false;
	if (strncmp(name, "__libc_start_main", 17) == 0 ||
	    strncmp(name, "__clone", 7) == 0)
		return true;
	for (i = 0; i < sizeof(exact) / sizeof(exact[0]); i++) {
		if (strcmp(name, exact[i]) == 0)
			return true;
	}
	return false;
}

/*
 * The name to print for a subprogram or an inlined call.  C++ gets its
 * mangled linkage name, demangled later, for scopes and parameter lists;
 * C gets DW_AT_name, because a C linkage name is an assembler label such
 * as glibc's "__GI_qsort".  dwarf_attr_integrate follows abstract origins
 * and specifications, where C++ keeps both.
 */
static const char *
die_name(Dwarf_Die *die)
{
	static const unsigned int linkage[] = {
		DW_AT_linkage_name, DW_AT_MIPS_linkage_name,
	};
	Dwarf_Attribute attr;
	const char *name;
	size_t i;

	for (i = 0; i < sizeof(linkage) / sizeof(linkage[0]); i++) {
		name = dwarf_formstring(dwarf_attr_integrate(die, linkage[i],
		    &attr));
		if (name != NULL && strncmp(name, "_Z", 2) == 0)
			return name;
	}
	return dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &attr));
}

static int
die_udata(Dwarf_Die *die, unsigned int at)
{
	Dwarf_Attribute attr;
	Dwarf_Word value;

	if (dwarf_formudata(dwarf_attr(die, at, &attr), &value) != 0 ||
	    value > INT32_MAX)
		return 0;
	return (int)value;
}

/* Where the inlined call DIE was made from: DW_AT_call_file indexes the
 * file table of the unit holding the DIE. */
static const char *
call_file(Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	Dwarf_Word index;
	Dwarf_Files *files;
	Dwarf_Die cu;
	size_t nfiles;

	if (dwarf_formudata(dwarf_attr(die, DW_AT_call_file, &attr),
	    &index) != 0)
		return NULL;
	if (dwarf_diecu(die, &cu, NULL, NULL) == NULL ||
	    dwarf_getsrcfiles(&cu, &files, &nfiles) != 0 || index >= nfiles)
		return NULL;
	return dwarf_filesrc(files, index, NULL, NULL);
}

/*
 * Fills LEVELS (innermost first) from the DWARF scopes around ADDR and
 * returns how many, 0 when there is no debug information for it.  The
 * innermost level sits at the line-table row of the address; each inlined
 * call's DW_AT_call_* gives the position in the level around it.
 * dwarf_getscopes continues past an inlined call into the scopes of the
 * inlined function's own definition, so the concrete chain is taken from
 * dwarf_getscopes_die on the innermost scope instead.
 */
static size_t
dwarf_levels(Dwfl_Module *mod, Dwarf_Addr addr, struct level **levelsp)
{
	Dwarf_Die *cudie, *scopes = NULL, inner;
	Dwarf_Addr bias;
	Dwfl_Line *line;
	struct level *levels, cur = { NULL, NULL, 0, 0 };
	size_t n = 0;
	int i, nscopes;

	*levelsp = NULL;
	line = dwfl_module_getsrc(mod, addr);
	if (line != NULL)
		cur.file = dwfl_lineinfo(line, NULL, &cur.line, &cur.col,
		    NULL, NULL);
	cudie = dwfl_module_addrdie(mod, addr, &bias);
	nscopes = cudie ? dwarf_getscopes(cudie, addr - bias, &scopes) : 0;
	if (nscopes > 0) {
		inner = scopes[0];
		free(scopes);
		scopes = NULL;
		nscopes = dwarf_getscopes_die(&inner, &scopes);
	}
	if (nscopes <= 0) {
		free(scopes);
		scopes = NULL;
		if (cur.file == NULL)
			return 0;
		/* A line but no function DIE (assembly sources): one
		 * level, named from the symbol table by the caller. */
		nscopes = 0;
	}
	levels = calloc((size_t)nscopes + 1, sizeof(*levels));
	if (levels == NULL) {
		free(scopes);
		return 0;
	}
	for (i = 0; i < nscopes; i++) {
		int tag = dwarf_tag(&scopes[i]);

		if (tag != DW_TAG_inlined_subroutine &&
		    tag != DW_TAG_subprogram)
			continue;
		levels[n] = cur;
		levels[n].name = die_name(&scopes[i]);
		n++;
		if (tag == DW_TAG_subprogram)
			break;
		cur.file = call_file(&scopes[i]);
		cur.line = die_udata(&scopes[i], DW_AT_call_line);
		cur.col = die_udata(&scopes[i], DW_AT_call_column);
	}
	free(scopes);
	/* No subprogram around the address (or no scopes at all): the
	 * outermost level still gets a position and the ELF symbol. */
	if (n == 0 || i == nscopes)
		levels[n++] = cur;
	*levelsp = levels;
	return n;
}

static void
append_name(struct dhat__symbolizer *s, struct text *t, const char *name)
{
	demangle_fn demangle;
	char *plain;
	int status;

	if (name == NULL || name[0] == '\0') {
		text_printf(t, UNKNOWN);
		return;
	}
	if (strncmp(name, "_Z", 2) == 0 &&
	    (demangle = find_demangler(s)) != NULL) {
		plain = demangle(name, NULL, NULL, &status);
		if (plain != NULL && status == 0) {
			text_printf(t, "%s", plain);
			free(plain);
			return;
		}
		free(plain);
		t->mangled = true;
	}
	text_printf(t, "%s", name);
}

static int
symbol_cmp(const void *a, const void *b)
{
	const struct symbol *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->rank - y->rank;
}

/* MOD's sorted symbols, built on first use; NULL when out of memory. */
static struct symtab *
module_symtab(struct dhat__symbolizer *s, Dwfl_Module *mod)
{
	struct symtab *t, *grown;
	struct symbol *v;
	GElf_Sym sym;
	GElf_Addr value;
	size_t i;
	int n, k;

	for (i = 0; i < s->nsymtabs; i++)
		if (s->symtabs[i].mod == mod)
			return &s->symtabs[i];
	n = dwfl_module_getsymtab(mod);
	v = n > 0 ? malloc((size_t)n * sizeof(*v)) : NULL;
	grown = realloc(s->symtabs, (s->nsymtabs + 1) * sizeof(*grown));
	if (grown == NULL) {
		free(v);
		return NULL;
	}
	s->symtabs = grown;
	t = &s->symtabs[s->nsymtabs++];
	t->mod = mod;
	t->v = v;
	t->n = 0;
	t->sizeless = v == NULL ? 0 : ~(GElf_Addr)0;
	for (k = 1; v != NULL && k < n; k++) {
		const char *name = dwfl_module_getsym_info(mod, k, &sym, &value,
		    NULL, NULL, NULL);
		int type = GELF_ST_TYPE(sym.st_info);
		int bind = GELF_ST_BIND(sym.st_info);

		if (name == NULL || sym.st_shndx == SHN_UNDEF)
			continue;
		/* Any type: whether libdwfl would answer with it is its own
		 * business, and it is asked whenever one might apply. */
		if (sym.st_size == 0) {
			if (value < t->sizeless)
				t->sizeless = value;
			continue;
		}
		/* The symbols libdwfl itself would answer with, sized. */
		if (type == STT_SECTION || type == STT_FILE || type == STT_TLS)
			continue;
		v[t->n].lo = value;
		v[t->n].hi = value + sym.st_size;
		v[t->n].name = name;
		v[t->n].rank = bind == STB_GLOBAL ? 2 : bind == STB_WEAK;
		t->n++;
	}
	if (t->n > 0)
		qsort(v, t->n, sizeof(*v), symbol_cmp);
	for (i = 0; i < t->n; i++)
		v[i].reach = i > 0 && v[i - 1].reach > v[i].hi ?
		    v[i - 1].reach : v[i].hi;
	return t;
}

/*
 * The symbol holding ADDR into *NAMEP: of those starting highest at or
 * below it, the global, else weak, else local one.  SYM_NONE when no
 * symbol can name it; SYM_ASK_LIBDWFL when that symbol does not hold
 * ADDR but another might (overlaps, sizeless symbols), or when the table
 * could not be built.
 */
static int
symtab_name(struct dhat__symbolizer *s, Dwfl_Module *mod, Dwarf_Addr addr,
    const char **namep)
{
	struct symtab *t = module_symtab(s, mod);
	size_t lo = 0, hi, mid;

	if (t == NULL)
		return SYM_ASK_LIBDWFL;
	/* The last symbol with lo <= addr. */
	hi = t->n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t->v[mid].lo <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0 && addr < t->v[lo - 1].hi) {
		*namep = t->v[lo - 1].name;
		return SYM_FOUND;
	}
	if ((lo > 0 && addr < t->v[lo - 1].reach) || t->sizeless <= addr)
		return SYM_ASK_LIBDWFL;
	return SYM_NONE;
}

/*
 * Builds the frame strings of ADDR, each NUL-ended, into T and returns
 * their number and kind.  IP is what the strings show.
 */
static unsigned
describe(struct dhat__symbolizer *s, Dwfl *dwfl, uintptr_t ip,
    Dwarf_Addr addr, struct text *t, int *kindp)
{
	Dwfl_Module *mod;
	Dwarf_Addr start, end;
	GElf_Sym sym;
	GElf_Off off;
	const char *symname = NULL, *object;
	struct level *levels = NULL;
	size_t i, n = 0;

	*kindp = DHAT__FRAME_NORMAL;
	/* libdwfl answers for addresses past the last module too. */
	mod = dwfl != NULL ? dwfl_addrmodule(dwfl, addr) : NULL;
	if (mod != NULL && (dwfl_module_info(mod, NULL, &start, &end, NULL,
	    NULL, NULL, NULL) == NULL || addr < start || addr >= end))
		mod = NULL;
	if (mod == NULL) {
		text_printf(t, "0x%" PRIxPTR ": " UNKNOWN " (in " UNKNOWN ")",
		    ip);
		text_end(t);
		return 1;
	}
	object = object_name(mod);
	/* The symbol table is searched only when DWARF has no name: libdwfl
	 * scans it whole for each address (a third of the time with libc's
	 * full .symtab from libc6-dbg). */
	n = dwarf_levels(mod, addr, &levels);
	if (n == 0 || levels[n - 1].name == NULL) {
		if (symtab_name(s, mod, addr, &symname) == SYM_ASK_LIBDWFL)
			symname = dwfl_module_addrinfo(mod, addr, &off, &sym,
			    NULL, NULL, NULL);
		if (n > 0)
			levels[n - 1].name = symname;
	}
	if (is_outer_name(symname))
		*kindp = DHAT__FRAME_OUTER;
	for (i = 0; i < n; i++) {
		if (is_outer_name(levels[i].name))
			*kindp = DHAT__FRAME_OUTER;
	}
	/* A function DIE but no line: the object says more than "???:0:0". */
	if (n == 1 && levels[0].file == NULL) {
		symname = levels[0].name;
		n = 0;
	}
	if (n == 0) {
		free(levels);
		text_printf(t, "0x%" PRIxPTR ": ", ip);
		append_name(s, t, symname);
		text_printf(t, " (in %s)", object);
		text_end(t);
		return 1;
	}
	for (i = 0; i < n; i++) {
		text_printf(t, "0x%" PRIxPTR ": ", ip);
		append_name(s, t, levels[i].name);
		text_printf(t, " (%s:%d:%d)",
		    levels[i].file ? short_path(levels[i].file) : UNKNOWN,
		    levels[i].line, levels[i].col);
		text_end(t);
	}
	free(levels);
	return (unsigned)n;
}

struct cache_key {
	const struct dhat__symbolizer *s;
	uintptr_t ip;
	unsigned era;
	bool return_address;
};

static uint64_t
cache_hash(const struct cache_key *k)
{
	uint64_t key[2] = { k->ip, (uint64_t)k->era << 1 | k->return_address };

	return dhat__hash(key, sizeof key);
}

static bool
same_address(const void *ctx, uint32_t pos)
{
	const struct cache_key *k = ctx;
	const struct cache_entry *e = &k->s->cache[pos];

	return e->ip == k->ip && e->era == k->era &&
	    e->return_address == k->return_address;
}

/* The cached frames of K's address; NULL when it was not resolved yet. */
static const struct cache_entry *
cache_find(const struct cache_key *k)
{
	uint32_t pos = dhat__index_find(&k->s->cache_index, cache_hash(k),
	    same_address, k);

	return pos != DHAT__INDEX_NONE ? &k->s->cache[pos] : NULL;
}

/* Keeps K's NFRAMES FRAMES (taken over); false, FRAMES untouched, when
 * out of memory. */
static bool
cache_add(struct dhat__symbolizer *s, const struct cache_key *k, int kind,
    unsigned nframes, char *frames)
{
	struct cache_entry *e;

	if (s->ncache == s->capcache) {
		size_t cap = s->capcache ? 2 * s->capcache : 256;

		e = realloc(s->cache, cap * sizeof(*e));
		if (e == NULL)
			return false;
		s->cache = e;
		s->capcache = cap;
	}
	if (!dhat__index_add(&s->cache_index, cache_hash(k),
	    (uint32_t)s->ncache))
		return false;
	e = &s->cache[s->ncache++];
	e->ip = k->ip;
	e->era = k->era;
	e->return_address = k->return_address;
	e->kind = kind;
	e->nframes = nframes;
	e->frames = frames;
	return true;
}

/* ---- frames kept from earlier profiles ---------------------------------- */

/* PATH, and what stat says of it: the file it names, and its version. */
static uint64_t
mix_file(uint64_t h, const char *path)
{
	struct stat st;
	int64_t v[5];

	h = dhat__hash_more(h, path, strlen(path) + 1);
	if (stat(path, &st) != 0)
		return dhat__hash_more(h, "-", 1);
	v[0] = (int64_t)st.st_dev;
	v[1] = (int64_t)st.st_ino;
	v[2] = (int64_t)st.st_size;
	v[3] = (int64_t)st.st_mtim.tv_sec;
	v[4] = (int64_t)st.st_mtim.tv_nsec;
	return dhat__hash_more(h, v, sizeof v);
}

/*
 * The frame file of MOD, named after everything its frames depend on:
 * this build of libdhat (its build ID), the module's build ID, its file
 * (path, device, inode, size, modification time), and the same of each
 * file where find_debuginfo would look for its debugging information,
 * present or not.  A frame named with another libdhat, from another
 * build, or before a debug package was installed or upgraded is then in
 * another file, never consulted.  The prepared copies (DHAT_DEBUG_COPIES)
 * hold the same information as the files they copy.  NULL: no build ID,
 * or no file for it.
 */
static struct dhat__frame_file *
open_kept(Dwfl_Module *mod)
{
	const unsigned char *id, *self;
	const char *main_file = NULL, *link;
	GElf_Addr vaddr;
	Dwarf_Addr bias;
	GElf_Word crc;
	char name[2 * 64 + 32], path[PATH_MAX];
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	size_t n;
	Elf *elf;
	size_t self_len;
	int len, i;

	elf = dwfl_module_getelf(mod, &bias);
	len = dwfl_module_build_id(mod, &id, &vaddr);
	(void)dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, &main_file,
	    NULL);
	if (elf == NULL || len <= 0 || len > 64 || main_file == NULL ||
	    main_file[0] != '/')
		return NULL;
	self_len = dhat__frame_cache_build(&self);
	h = dhat__hash_more(h, "dhat frames", sizeof("dhat frames"));
	h = dhat__hash_more(h, self, self_len);
	h = dhat__hash_more(h, id, (size_t)len);
	h = mix_file(h, main_file);
	n = build_id_hex(name, id, len);
	if (len > 1 && snprintf(path, sizeof path,
	    "/usr/lib/debug/.build-id/%.2s/%s.debug", name, name + 2) > 0)
		h = mix_file(h, path);
	link = dwelf_elf_gnu_debuglink(elf, &crc);
	for (i = 0; link != NULL && i < 3; i++)
		if (debuglink_place(path, sizeof path, i, main_file, link))
			h = mix_file(h, path);
	snprintf(name + n, sizeof name - n, "-%016" PRIx64, h);
	return dhat__frame_file_open(name);
}

/* The frame file of the module holding ADDR, and its start; NULL when
 * there is none. */
static struct dhat__frame_file *
kept_for(struct dhat__symbolizer *s, Dwfl *dwfl, Dwarf_Addr addr,
    Dwarf_Addr *start)
{
	Dwfl_Module *mod;
	Dwarf_Addr lo, hi;
	struct kept *k;
	size_t i;

	if (!s->keeping || dwfl == NULL)
		return NULL;
	mod = dwfl_addrmodule(dwfl, addr);
	if (mod == NULL || dwfl_module_info(mod, NULL, &lo, &hi, NULL, NULL,
	    NULL, NULL) == NULL || addr < lo || addr >= hi)
		return NULL;
	for (i = 0; i < s->nkept; i++)
		if (s->kept[i].mod == mod) {
			*start = s->kept[i].start;
			return s->kept[i].file;
		}
	if (s->nkept == s->capkept) {
		size_t cap = s->capkept ? 2 * s->capkept : 16;

		k = realloc(s->kept, cap * sizeof(*k));
		if (k == NULL)
			return NULL;
		s->kept = k;
		s->capkept = cap;
	}
	k = &s->kept[s->nkept++];
	k->mod = mod;
	k->start = lo;
	k->file = open_kept(mod);
	*start = lo;
	return k->file;
}

/* Keep the NFRAMES strings at FRAMES, without their "0x<ip>: ". */
static void
keep(struct dhat__frame_file *f, uint64_t off, bool return_address,
    int kind, unsigned nframes, const char *frames)
{
	struct text t = { NULL, 0, 0, false, false };
	const char *rest;
	unsigned i;

	for (i = 0; i < nframes; i++) {
		rest = strstr(frames, ": ");
		if (rest == NULL || strncmp(frames, "0x", 2) != 0)
			break;
		text_printf(&t, "%s", rest + 2);
		text_end(&t);
		frames += strlen(frames) + 1;
	}
	if (i == nframes && !t.failed)
		dhat__frame_file_put(f, off, return_address, kind, nframes,
		    t.buf, t.len);
	free(t.buf);
}

static int
emit_all(const char *frames, unsigned nframes, int kind, dhat__frame_fn emit,
    void *ctx)
{
	unsigned i;

	for (i = 0; i < nframes; i++) {
		if (emit(ctx, frames) != 0)
			return -1;
		frames += strlen(frames) + 1;
	}
	return kind;
}

int
dhat__symbolize(struct dhat__symbolizer *s, uintptr_t ip, unsigned era,
    bool return_address, dhat__frame_fn emit, void *ctx)
{
	struct text t = { NULL, 0, 0, false, false };
	struct cache_key key = { s, ip, era, return_address };
	const struct cache_entry *e;
	struct dhat__frame_file *kf = NULL;
	Dwarf_Addr addr = return_address && ip > 0 ? ip - 1 : ip, start = 0;
	const char *kept;
	unsigned nframes, i;
	int kind, ret;
	char fallback[64];
	Dwfl *dwfl;

	if (era > s->neras)
		key.era = era = 0;
	e = cache_find(&key);
	if (e != NULL)
		return emit_all(e->frames, e->nframes, e->kind, emit, ctx);
	dwfl = era_dwfl(s, era);
	if (ip != 0)
		kf = kept_for(s, dwfl, addr, &start);
	if (kf != NULL && dhat__frame_file_get(kf, ip - start, return_address,
	    &kind, &nframes, &kept)) {
		for (i = 0; i < nframes; i++) {
			text_printf(&t, "0x%" PRIxPTR ": %s", ip, kept);
			text_end(&t);
			kept += strlen(kept) + 1;
		}
	} else {
		nframes = describe(s, dwfl, ip, addr, &t, &kind);
		if (kf != NULL && !t.failed && !t.mangled)
			keep(kf, ip - start, return_address, kind, nframes,
			    t.buf);
	}
	if (t.failed) {
		/* Out of memory: still one frame, so the stack keeps its
		 * depth; this string needs no allocation. */
		free(t.buf);
		snprintf(fallback, sizeof(fallback), "0x%" PRIxPTR ": "
		    UNKNOWN " (in " UNKNOWN ")", ip);
		return emit_all(fallback, 1, kind, emit, ctx);
	}
	ret = emit_all(t.buf, nframes, kind, emit, ctx);
	if (!cache_add(s, &key, kind, nframes, t.buf))
		free(t.buf);
	return ret;
}
