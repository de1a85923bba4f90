/* SPDX-License-Identifier: MIT */
/*
 * stack.c - capture the program's stack at an allocation.
 *
 * libunwind's unw_backtrace() only: it walks with cached unwind info and
 * no system calls (the cursor API, unw_step, costs syscalls per frame).
 * The walk starts inside libdhat; libdhat's own frames are recognised by
 * address (the executable segment of libdhat.so, found once when a
 * profiler starts), which stays right whatever the compiler inlines.  The
 * outermost of them is the entry point the program called (malloc,
 * calloc, ...) and is kept as the stack's first frame.
 */
#include "config.h"

#define UNW_LOCAL_ONLY
#include <link.h>
#include <libunwind.h>
#include <string.h>

#include "dhat_private.h"

/* Frames of libdhat's internals to allow for beyond the ones kept. */
#define SLACK 16

static uintptr_t text_lo, text_hi;

struct find_ctx {
	uintptr_t lo, hi;
};

static int
find_text(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct find_ctx *c = arg;
	int i;

	(void)size;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo, hi;

		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
			continue;
		lo = info->dlpi_addr + ph->p_vaddr;
		hi = lo + ph->p_memsz;
		/* The segment holding this very function. */
		if ((uintptr_t)&dhat__stack_init >= lo &&
		    (uintptr_t)&dhat__stack_init < hi) {
			c->lo = lo;
			c->hi = hi;
			return 1;
		}
	}
	return 0;
}

int
dhat__stack_init(void)
{
	struct find_ctx c;

	if (text_hi != 0)
		return 0;
	memset(&c, 0, sizeof c);
	/* The object whose executable segment holds this function. */
	if (dl_iterate_phdr(find_text, &c) == 0)
		return -1;
	text_lo = c.lo;
	text_hi = c.hi;
	return 0;
}

static inline bool
own(uintptr_t ip)
{
	return ip >= text_lo && ip < text_hi;
}

/* Index of the outermost frame of the first run of libdhat frames. */
static size_t
first_kept(const uintptr_t *ips, size_t n)
{
	size_t i = 0;

	while (i < n && !own(ips[i]))
		i++;
	if (i == n)
		return 0;
	while (i + 1 < n && own(ips[i + 1]))
		i++;
	return i;
}

void
dhat__stack_capture(struct dhat__stack *s, size_t max)
{
	size_t cap, n, k;
	uintptr_t *buf;

	s->heap = NULL;
	cap = max > DHAT__STACK_BUF - SLACK ? 256 : max + SLACK;
	buf = cap <= DHAT__STACK_BUF ? s->buf : NULL;
	for (;;) {
		if (buf == NULL) {
			buf = dhat__malloc(cap * sizeof *buf);
			if (buf == NULL) {
				s->ips = s->buf;
				s->n = 0;
				return;
			}
			s->heap = buf;
		}
		n = (size_t)unw_backtrace((void **)buf, (int)cap);
		/* A full buffer may have cut the stack: retry bigger when
		 * the caller wants more. */
		if (n < cap || cap - first_kept(buf, n) >= max)
			break;
		__libc_free(s->heap);
		s->heap = buf = NULL;
		cap *= 2;
	}
	k = first_kept(buf, n);
	s->ips = buf + k;
	s->n = n - k;
	if (s->n > max)
		s->n = max;
}

void
dhat__stack_release(struct dhat__stack *s)
{
	__libc_free(s->heap);
	s->heap = NULL;
}
