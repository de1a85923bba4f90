/* SPDX-License-Identifier: MIT */
/*
 * build_id.c - the GNU build ID of a loaded object, from the PT_NOTE
 * segments the loader mapped: no file is opened, so the answer is about
 * the code in memory even when its file has since been replaced.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "build_id.h"

static size_t
align_up(size_t n, size_t a)
{
	return (n + a - 1) & ~(a - 1);
}

/* The build ID among the notes of [P, P + LEN), aligned to ALIGN. */
static size_t
in_notes(const unsigned char *p, size_t len, size_t align, unsigned char *id)
{
	size_t at = 0, desc, next;
	ElfW(Nhdr) nh;

	while (len - at >= sizeof nh) {
		memcpy(&nh, p + at, sizeof nh);
		desc = align_up(at + sizeof nh + nh.n_namesz, align);
		next = align_up(desc + nh.n_descsz, align);
		if (nh.n_namesz > len || nh.n_descsz > len || next > len)
			return 0;
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    memcmp(p + at + sizeof nh, "GNU", 4) == 0 &&
		    nh.n_descsz > 0 && nh.n_descsz <= DHAT__BUILD_ID_MAX) {
			memcpy(id, p + desc, nh.n_descsz);
			return nh.n_descsz;
		}
		at = next;
	}
	return 0;
}

size_t
dhat__phdr_build_id(const struct dl_phdr_info *info, unsigned char *id)
{
	size_t n;
	int i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_NOTE)
			continue;
		n = in_notes((const unsigned char *)(info->dlpi_addr +
		    ph->p_vaddr), ph->p_filesz, ph->p_align == 8 ? 8 : 4, id);
		if (n > 0)
			return n;
	}
	return 0;
}

struct at {
	uintptr_t addr;
	unsigned char *id;
	size_t len;
};

static int
holder(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct at *a = arg;
	int i;

	(void)size;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type == PT_LOAD && a->addr >= lo &&
		    a->addr - lo < ph->p_memsz) {
			a->len = dhat__phdr_build_id(info, a->id);
			return 1;
		}
	}
	return 0;
}

size_t
dhat__build_id_at(const void *addr, unsigned char *id)
{
	struct at a = { (uintptr_t)addr, id, 0 };

	(void)dl_iterate_phdr(holder, &a);
	return a.len;
}
