/* SPDX-License-Identifier: MIT */
/*
 * kept_frames.h - the files of frames kept from earlier profiles, found
 * for the modules a symbolizer meets.
 */
#ifndef DHAT_KEPT_FRAMES_H
#define DHAT_KEPT_FRAMES_H

#include <stdbool.h>
#include <stddef.h>

#include <elfutils/libdwfl.h>

/* A module's file of frames kept from earlier profiles (frame_cache.h). */
struct kept {
	Dwfl_Module *mod;
	Dwarf_Addr start;		/* offsets in the file are from here */
	struct dhat__frame_file *file;	/* NULL: none for this module */
};

/* The files of the modules met so far.  Zeroed: none, and not in use. */
struct dhat__kept {
	struct kept *v;
	size_t n, cap;
	bool keeping;			/* frame files in use */
};

/* The frame file of the module of DWFL holding ADDR, and the module's
 * start (offsets in the file are from there); NULL when there is none. */
struct dhat__frame_file *dhat__kept_for(struct dhat__kept *s, Dwfl *dwfl,
    Dwarf_Addr addr, Dwarf_Addr *start);
void dhat__kept_free(struct dhat__kept *s);

#endif
