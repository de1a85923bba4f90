/* SPDX-License-Identifier: MIT */
/*
 * debuginfo.h - finding a module's separate debugging information.
 */
#ifndef DHAT_DEBUGINFO_H
#define DHAT_DEBUGINFO_H

#include <stdbool.h>
#include <stddef.h>

#include <elfutils/libdwfl.h>

/* libdwfl's find_debuginfo callback: the prepared copies first, then the
 * local places; debuginfod only when DEBUGINFOD_URLS names a server. */
int dhat__find_debuginfo(Dwfl_Module *mod, void **userdata,
    const char *modname, Dwarf_Addr base, const char *file_name,
    const char *debuglink_file, GElf_Word debuglink_crc,
    char **debuginfo_file_name);

/* The LEN bytes of build ID ID in hexadecimal at OUT, which has room for
 * 2 * LEN + 1 bytes; returns 2 * LEN. */
size_t dhat__build_id_hex(char *out, const unsigned char *id, int len);

/* Where a .gnu_debuglink file LINK of the object FILE_NAME may be, place
 * I of 3, into PATH (SIZE bytes); false when it does not fit or FILE_NAME
 * has no directory. */
bool dhat__debuglink_place(char *path, size_t size, int i,
    const char *file_name, const char *link);

#endif
