/* SPDX-License-Identifier: MIT */
/*
 * thread_stack.c - the calling thread's stack bounds, which the stack
 * walk keeps within.
 *
 * pthread_getattr_np gives them, but for the process's first thread
 * glibc finds them in /proc/self/maps through stdio and getline: a few
 * blocks of the program's heap allocated and freed, on the program's
 * first allocation, which change where the program's later blocks go,
 * and with them how often glibc gives memory back to the kernel and
 * takes it again.  The first thread's stack is found here the same way,
 * reading the file with plain system calls into a buffer on the stack.
 * Other threads' bounds come from pthread_getattr_np, which reads them
 * from the thread's descriptor (with a small allocation for the
 * attribute's CPU set, freed at once).
 */
#include "config.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <unistd.h>

#include "thread_stack.h"

/* Set by the dynamic linker: the top of the first thread's stack as the
 * process started. */
extern void *__libc_stack_end;

/* A line of /proc/self/maps as far as it matters here. */
struct mapline {
	uintptr_t from, to;
	int field;           /* 0 the start, 1 the end, 2 past them */
};

static void
line_char(struct mapline *m, char c)
{
	int v = c >= '0' && c <= '9' ? c - '0' :
	    c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;

	if (m->field == 0 && v >= 0)
		m->from = m->from << 4 | (uintptr_t)v;
	else if (m->field == 1 && v >= 0)
		m->to = m->to << 4 | (uintptr_t)v;
	else if (m->field < 2)
		m->field++;
}

/* The end of the mapping that holds ADDR, and of the one before it;
 * false when the file cannot be read or no mapping holds ADDR. */
static bool
find_mapping(uintptr_t addr, uintptr_t *to, uintptr_t *before)
{
	struct mapline m = { 0 };
	char buf[1024];
	ssize_t n, i;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	bool found = false;

	if (fd < 0)
		return false;
	*before = 0;
	while (!found && (n = read(fd, buf, sizeof buf)) > 0) {
		for (i = 0; i < n && !found; i++) {
			if (buf[i] != '\n') {
				line_char(&m, buf[i]);
				continue;
			}
			if (m.from <= addr && addr < m.to) {
				*to = m.to;
				found = true;
			} else if (m.to <= addr) {
				*before = m.to;
			}
			m = (struct mapline){ 0 };
		}
	}
	close(fd);
	return found;
}

/* The first thread's stack, as glibc computes it: it ends with the
 * page of __libc_stack_end, and it holds the stack's size limit less
 * what the mapping has above that end, in whole pages, but not past the
 * mapping below. */
static bool
first_thread_stack(uintptr_t *lo, uintptr_t *hi)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t end = (uintptr_t)__libc_stack_end, to, before, top;
	uintptr_t here = (uintptr_t)__builtin_frame_address(0), size;
	struct rlimit rl;

	if (getrlimit(RLIMIT_STACK, &rl) != 0 ||
	    !find_mapping(end, &to, &before))
		return false;
	top = (end & ~(page - 1)) + page;
	size = ((uintptr_t)rl.rlim_cur - (to - top)) & ~(page - 1);
	if (size > top - before)
		size = top - before;
	*hi = top;
	*lo = top - size;
	/* A child forked by another thread runs on that thread's stack. */
	return *lo <= here && here < *hi;
}

bool
dhat__thread_stack(uintptr_t *lo, uintptr_t *hi)
{
	pthread_attr_t a;
	void *addr;
	size_t size;
	bool ok = false;

	if (gettid() == getpid() && first_thread_stack(lo, hi))
		return true;
	if (pthread_getattr_np(pthread_self(), &a) != 0)
		return false;
	if (pthread_attr_getstack(&a, &addr, &size) == 0) {
		*lo = (uintptr_t)addr;
		*hi = (uintptr_t)addr + size;
		ok = true;
	}
	pthread_attr_destroy(&a);
	return ok;
}
