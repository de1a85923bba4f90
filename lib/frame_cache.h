/* SPDX-License-Identifier: MIT */
/*
 * frame_cache.h - frame strings kept from one profile to the next, one file
 * per build of a module, in the directory dhat-run names
 * (DHAT_FRAME_CACHE: ~/.cache/dhat/frames).
 *
 * Naming a frame reads the module's symbol table and, where there is
 * debugging information, its DWARF: most of the time it takes to write a
 * small program's profile, and the same work at every run of the same
 * programs.  symbolize.c asks here first.  The caller names the file
 * after everything the strings depend on (the build of libdhat, the
 * module's build ID, its file, its debugging files: see kept_frames.c),
 * so a file is never consulted for another build or another state of its
 * debugging information; this file only reads, checks and writes the
 * records.  Everything fails silently: without the file, the frames are
 * named from the module, as they would have been anyway.
 */
#ifndef DHAT_FRAME_CACHE_H
#define DHAT_FRAME_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dhat__frame_file;

/* The directory, as read at start-up (lib/preload.c); NULL, empty or a
 * relative path: none, and dhat__frame_file_open always fails.  None as
 * well when libdhat itself has no build ID. */
void dhat__frame_cache_dir(const char *dir);
/* libdhat's own build ID (*ID, the length returned), which the names of
 * the files include: one build never reads another's frames. */
size_t dhat__frame_cache_build(const unsigned char **id);
/* DIR into OUT (SIZE bytes) when it is absolute and fits, else "". */
void dhat__absolute_dir(char *out, size_t size, const char *dir);
bool dhat__frame_cache_on(void);

/* The records of file NAME in the directory (none if it is missing or
 * not a sound file of ours).  NULL: no directory, or out of memory. */
struct dhat__frame_file *dhat__frame_file_open(const char *name);

/* The frames of the address at offset OFF in the module (RA: a return
 * address): *N strings, each NUL-ended, one after the other from *DATA,
 * without their "0x<ip>: " prefix, valid until the file is closed. */
bool dhat__frame_file_get(struct dhat__frame_file *f, uint64_t off, bool ra,
    int *kind, unsigned *n, const char **data);

/* Add the record that get would give back; LEN bytes from DATA. */
void dhat__frame_file_put(struct dhat__frame_file *f, uint64_t off, bool ra,
    int kind, unsigned n, const char *data, size_t len);

/* Write the file back if records were added, and free F. */
void dhat__frame_file_close(struct dhat__frame_file *f);

#endif
