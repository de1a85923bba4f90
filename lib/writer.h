/* SPDX-License-Identifier: MIT */
/*
 * writer.h - writing a profile and its summary (writer.c).
 */
#ifndef DHAT_WRITER_H
#define DHAT_WRITER_H

#include <sys/types.h>

#include "heap.h"
#include "profiler.h"

/* How long a profile written through a FIFO or a terminal waits for a
 * reader to open it or make room, in seconds (dhat-run(1)). */
#define DHAT__OUTPUT_WAIT_S 10
#define DHAT__STRINGIFY_(x) #x
#define DHAT__STRINGIFY(x) DHAT__STRINGIFY_(x)

/* Write the profile C, closed by CFG's profiler (of process OWNER_PID),
 * and print the summary.  SIGPIPE and SIGXFSZ that writing raises are
 * taken away: the program's signal state is left as it was.  A failure
 * is recorded in cfg->status_file. */
void dhat__write_profile(const struct dhat__config *cfg,
    const struct dhat__closed *c, pid_t owner_pid);

#endif
