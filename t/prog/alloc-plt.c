/* SPDX-License-Identifier: MIT */
/*
 * alloc-plt.c - a program that passes free's address along, built without
 * -fpie: the executable then exports free as an undefined symbol whose
 * value is its own call stub (gcc's cc1 is such a program), which a
 * lookup of free finds before libc's.  One block of 10 bytes.
 */
#include <stdlib.h>

__attribute__((noinline)) static void
call(void (*fn)(void *), void *p)
{
	fn(p);
}

int
main(void)
{
	call(free, malloc(10));
	return 0;
}
