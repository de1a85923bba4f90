/* SPDX-License-Identifier: MIT */
/*
 * compiler.h - hints to the compiler for libdhat's hot path.
 */
#ifndef DHAT_COMPILER_H
#define DHAT_COMPILER_H


#define DHAT__LIKELY(x) __builtin_expect(!!(x), 1)
#define DHAT__UNLIKELY(x) __builtin_expect(!!(x), 0)

#endif
