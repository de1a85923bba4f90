/* SPDX-License-Identifier: MIT */
/* version.c - the library reports the version its headers were made for. */
#include <string.h>

#include "dhat.h"
#include "tap.h"

int
main(void)
{
	plan(2);
	is_string(dhat_version(), DHAT_VERSION_STRING,
	    "dhat_version() matches the header");
	ok(DHAT_VERSION_NUMBER == DHAT_VERSION_MAJOR * 1000000 +
		DHAT_VERSION_MINOR * 1000 + DHAT_VERSION_MICRO,
	    "DHAT_VERSION_NUMBER is built from the parts");
	return done_testing();
}
