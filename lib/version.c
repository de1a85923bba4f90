/* SPDX-License-Identifier: MIT */
/* version.c - the version of the library that is actually loaded, which can
 * differ from the DHAT_VERSION_* macros a program was compiled with. */
#include "config.h"

#include "dhat.h"

const char *
dhat_version(void)
{
	return PACKAGE_VERSION;
}
