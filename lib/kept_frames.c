/* SPDX-License-Identifier: MIT */
/*
 * kept_frames.c - which file of kept frames (frame_cache.c) holds a
 * module's: the one named after everything the module's frame strings
 * depend on.
 */
#include "config.h"

#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <elfutils/libdwelf.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <stddef.h>
#include <stdint.h>

#include "debuginfo.h"
#include "frame_cache.h"
#include "index.h"
#include "kept_frames.h"

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
 * file where dhat__find_debuginfo would look for its debugging information,
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
	n = dhat__build_id_hex(name, id, len);
	if (len > 1 && snprintf(path, sizeof path,
	    "/usr/lib/debug/.build-id/%.2s/%s.debug", name, name + 2) > 0)
		h = mix_file(h, path);
	link = dwelf_elf_gnu_debuglink(elf, &crc);
	for (i = 0; link != NULL && i < 3; i++)
		if (dhat__debuglink_place(path, sizeof path, i, main_file,
		    link))
			h = mix_file(h, path);
	snprintf(name + n, sizeof name - n, "-%016" PRIx64, h);
	return dhat__frame_file_open(name);
}

struct dhat__frame_file *
dhat__kept_for(struct dhat__kept *s, Dwfl *dwfl, Dwarf_Addr addr,
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
	for (i = 0; i < s->n; i++)
		if (s->v[i].mod == mod) {
			*start = s->v[i].start;
			return s->v[i].file;
		}
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;

		k = realloc(s->v, cap * sizeof(*k));
		if (k == NULL)
			return NULL;
		s->v = k;
		s->cap = cap;
	}
	k = &s->v[s->n++];
	k->mod = mod;
	k->start = lo;
	k->file = open_kept(mod);
	*start = lo;
	return k->file;
}

void
dhat__kept_free(struct dhat__kept *s)
{
	for (size_t i = 0; i < s->n; i++)
		dhat__frame_file_close(s->v[i].file);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}
