/* SPDX-License-Identifier: MIT */
/*
 * formats.c - the table of dhat-diff's output formats.
 */
#include "config.h"

#include <string.h>

#include "diff.h"

static const struct dtool_diff_format *const formats[] = {
	&dtool_diff_text, &dtool_diff_json, &dtool_diff_tap,
	&dtool_diff_junit, &dtool_diff_markdown,
};

const struct dtool_diff_format *
dtool_diff_format_find(const char *name)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(formats[i]->name, name) == 0)
			return formats[i];
	return NULL;
}
