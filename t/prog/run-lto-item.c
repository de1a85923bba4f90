/* SPDX-License-Identifier: MIT */
/*
 * run-lto-item.c - the allocating functions of run-lto-main.c, in a unit
 * of their own: only link-time optimisation can inline them there.
 */
#include <stdlib.h>
#include <string.h>

#include "run-lto.h"

char *
lto_item(size_t n)
{
	char *p = malloc(n);

	if (p != NULL)
		memset(p, 'i', n);
	return p;
}

char *
lto_pair(size_t n)
{
	char *p = lto_item(n);

	if (p != NULL)
		p[0] = 'p';
	return p;
}
