/* SPDX-License-Identifier: MIT */
/*
 * build_id.h - the GNU build ID of a loaded object, read from its program
 * headers in memory.  A build ID names one build: a library rebuilt from
 * other sources keeps its path and its version string, not its build ID.
 */
#ifndef DHAT_BUILD_ID_H
#define DHAT_BUILD_ID_H

#include <link.h>
#include <stddef.h>

/* Longer build IDs are taken for none: linkers make 8 to 20 bytes. */
#define DHAT__BUILD_ID_MAX 64

/* The NT_GNU_BUILD_ID note of the object INFO describes, into ID
 * (DHAT__BUILD_ID_MAX bytes): its length, 0 when it has none.  Reads the
 * object's mapped notes, so only while it is loaded. */
size_t dhat__phdr_build_id(const struct dl_phdr_info *info,
    unsigned char *id);

/* The same for the loaded object whose code or data holds ADDR; 0 when
 * none does.  Takes the loader's lock (dl_iterate_phdr). */
size_t dhat__build_id_at(const void *addr, unsigned char *id);

#endif
