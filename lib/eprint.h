/* SPDX-License-Identifier: MIT */
/*
 * eprint.h - libdhat's messages on the standard error (eprint.c).
 */
#ifndef DHAT_EPRINT_H
#define DHAT_EPRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "1,234,567" into BUF (at least 32 bytes); returns BUF. */
char *dhat__commas(char *buf, uint64_t v);
/* write(2) all of S to FD; -1 on error. */
int dhat__write_all(int fd, const char *s, size_t n);
/* S on the standard error, unless descriptor 2 no longer is the file it
 * was when dhat__stderr_remember() ran (closed, or reused by the program
 * for a file of its own): then nothing. */
void dhat__eprint(const char *s);
void dhat__stderr_remember(void);
bool dhat__stderr_ok(void);

#endif
