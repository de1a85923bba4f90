/* SPDX-License-Identifier: MIT */
/* run-lto.h - what run-lto-item.c gives run-lto-main.c. */
#ifndef RUN_LTO_H
#define RUN_LTO_H

#include <stddef.h>

char *lto_item(size_t n);
char *lto_pair(size_t n);

#endif
