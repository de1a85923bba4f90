/* SPDX-License-Identifier: MIT */
/* shapes-lib.c - a library whose constructor allocates, initialised
 * before libdhat when libdhat is preloaded (t/prog/stack-shapes.c). */
#include <stdlib.h>

void *volatile shapes_lib_block;

__attribute__((constructor)) static void
shapes_lib_init(void)
{
	shapes_lib_block = malloc(29);
}
