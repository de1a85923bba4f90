/* SPDX-License-Identifier: MIT */
/*
 * preload.h - the profiler of an unmodified program, started by
 * dhat-run's settings (preload.c).
 */
#ifndef DHAT_PRELOAD_H
#define DHAT_PRELOAD_H

#include <stdint.h>

#include "dhat.h"

/* Start dhat-run's profiler if this process is to have one, once: at its
 * first allocation or at libdhat's constructor, whichever comes first.
 * Leaves dhat__heap_running decided. */
void dhat__preload_decide(void);

/* When dhat-run's profiler runs in this process (a program linked with
 * libdhat, which is about to start a profiler of its own): its profile
 * written now, with a line on stderr that says why it ends here. */
void dhat__preload_yield(void);

/* No summary on stderr: errors only. */
struct dhat_builder *dhat__builder_quiet(struct dhat_builder *b);
/* The profile belongs to a run that started at START (run_start): it
 * overwrites no profile written since. */
struct dhat_builder *dhat__builder_run_start(struct dhat_builder *b,
    uint64_t start);
/* Record profiles that could not be written in FILE (status_file), which
 * must outlive the profiler. */
struct dhat_builder *dhat__builder_status_file(struct dhat_builder *b,
    const char *file);

#endif
