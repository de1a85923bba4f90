/* SPDX-License-Identifier: MIT */
/*
 * unprofiled.h - programs that dhat-run can start but that libdhat cannot
 * be preloaded into.
 */
#ifndef DHAT_RUN_UNPROFILED_H
#define DHAT_RUN_UNPROFILED_H

/*
 * Why PROGRAM, as execvp(3) would find it, will run without LIB loaded
 * into it: "statically linked", "set-user-ID", "set-group-ID", or "built
 * for another ELF class or machine than libdhat"; NULL when it will be
 * profiled, or when that cannot be told (not found, not ELF: a script's
 * interpreter is what runs).  The string is static.
 */
const char *unprofiled_reason(const char *program, const char *lib);

#endif
