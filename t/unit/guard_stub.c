/* SPDX-License-Identifier: MIT */
/* guard_stub.c - the re-entrancy guard for unit tests that link the
 * allocator forwarding (lib/next.c) without the profiler. */
#include "config.h"

#include "guard.h"

__thread int dhat__guard __attribute__((tls_model("initial-exec")));
