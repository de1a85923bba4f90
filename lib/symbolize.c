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
 * (main, the allocator wrappers) in many stacks.  Nothing here may crash
 * on a strange address: whatever cannot be found prints as "???".
 *
 * Separate debugging information is found by debuginfo.c, names from the
 * ELF symbol table come from symtab.c, and frames named in earlier
 * profiles are read from the files that kept_frames.c finds.
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
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "debuginfo.h"
#include "frame_cache.h"
#include "index.h"
#include "kept_frames.h"
#include "scopes.h"
#include "symtab.h"
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
	struct dhat__symtabs symtabs;	/* sorted symbols, by module */
	struct dhat__scopes scopes;	/* indexed scopes, by compile unit */
	struct dhat__kept kept;		/* frame files, by module */
};

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
	 * tree under /usr/lib/debug); see dhat__find_debuginfo for the rest. */
	s->callbacks.find_elf = dwfl_linux_proc_find_elf;
	s->callbacks.find_debuginfo = dhat__find_debuginfo;
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
	s->kept.keeping = dhat__frame_cache_on() && (urls == NULL ||
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
	dhat__kept_free(&s->kept);
	dhat__scopes_free(&s->scopes);
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
	dhat__symtabs_free(&s->symtabs);
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
 * The compile unit around ADDR, found by asking each of the module's:
 * libdw finds it by the address ranges table (.debug_aranges), which
 * Clang does not write.  Its line into *CUR.
 */
static Dwarf_Die *
cu_by_scan(Dwfl_Module *mod, Dwarf_Addr addr, Dwarf_Addr *bias,
    struct level *cur)
{
	Dwarf_Die *cu = NULL;
	Dwarf_Line *line;

	while ((cu = dwfl_module_nextcu(mod, cu, bias)) != NULL)
		if (dwarf_haspc(cu, addr - *bias) > 0)
			break;
	if (cu != NULL && cur->file == NULL &&
	    (line = dwarf_getsrc_die(cu, addr - *bias)) != NULL) {
		cur->file = dwarf_linesrc(line, NULL, NULL);
		if (dwarf_lineno(line, &cur->line) != 0 ||
		    dwarf_linecol(line, &cur->col) != 0)
			cur->line = cur->col = 0;
	}
	return cu;
}

/*
 * The scopes around PC in CUDIE's unit, as scopes.c gives them; when it
 * runs out of memory for the unit's tree, libdw's answer, which needs
 * little memory but reads the unit anew for each address.
 */
static int
scopes_around(struct dhat__scopes *sc, Dwarf_Die *cudie, Dwarf_Addr pc,
    Dwarf_Die **scopesp)
{
	Dwarf_Die inner;
	int n = dhat__scopes_around(sc, cudie, pc, scopesp);

	if (n >= 0)
		return n;
	n = dwarf_getscopes(cudie, pc, scopesp);
	if (n <= 0)
		return n;
	inner = (*scopesp)[0];
	free(*scopesp);
	*scopesp = NULL;
	return dwarf_getscopes_die(&inner, scopesp);
}

/*
 * Fills LEVELS (innermost first) from the DWARF scopes around ADDR and
 * returns how many, 0 when there is no debug information for it.  The
 * innermost level sits at the line-table row of the address; each inlined
 * call's DW_AT_call_* gives the position in the level around it.  The
 * chain is the concrete one, the entries that hold the address
 * (scopes.c), not the scopes of an inlined function's own definition.
 */
static size_t
dwarf_levels(struct dhat__scopes *sc, Dwfl_Module *mod, Dwarf_Addr addr,
    struct level **levelsp)
{
	Dwarf_Die *cudie, *scopes = NULL;
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
	if (cudie == NULL)
		cudie = cu_by_scan(mod, addr, &bias, &cur);
	nscopes = cudie ? scopes_around(sc, cudie, addr - bias, &scopes) : 0;
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
	 * scans it whole for each address, slow with a large table such as
	 * libc's full .symtab from libc6-dbg. */
	n = dwarf_levels(&s->scopes, mod, addr, &levels);
	if (n == 0 || levels[n - 1].name == NULL) {
		if (dhat__symtab_name(&s->symtabs, mod, addr, &symname) ==
		    DHAT__SYM_ASK_LIBDWFL)
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
		kf = dhat__kept_for(&s->kept, dwfl, addr, &start);
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
