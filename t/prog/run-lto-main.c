/* SPDX-License-Identifier: MIT */
/*
 * run-lto-main.c - with run-lto-item.c, a program whose allocations come
 * from calls that link-time optimisation inlines across the two units,
 * for t/4025.  Built by the test with -O2 -g -flto.
 */
#include <stdio.h>
#include <stdlib.h>

#include "run-lto.h"

int
main(void)
{
	char *a = lto_item(10);
	char *b = lto_pair(20);

	if (a == NULL || b == NULL)
		return 1;
	printf("%d %d\n", a[0], b[0]);
	free(a);
	free(b);
	return 0;
}
