/* SPDX-License-Identifier: MIT */
/*
 * unload.h - the modules that dlclose() unloaded (unload.c).
 */
#ifndef DHAT_UNLOAD_H
#define DHAT_UNLOAD_H

#include <stddef.h>
#include <stdint.h>

struct dhat__gone_module;
/* The modules dlclose() unloaded, oldest first, in a new array (*OUT, to
 * dhat__own_free; NULL when none or out of memory). */
size_t dhat__gone_modules(struct dhat__gone_module **out);
/* How many times code was unloaded: a stack's addresses mean the modules
 * mapped at its generation (written under the lock, read relaxed). */
extern uint64_t dhat__module_gen;

#endif
