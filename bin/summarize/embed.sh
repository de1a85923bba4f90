#!/bin/sh
# SPDX-License-Identifier: MIT
#
# embed.sh NAME FILE [NAME FILE]...: C definitions "const char NAME[]"
# holding the text of each FILE, for the report's script and style
# (report.js, report.css), which stay readable files of their own.
set -e
echo "/* Made by bin/summarize/embed.sh from its inputs: not to be edited. */"
echo '#include "summarize/assets.h"'
while [ $# -ge 2 ]; do
	printf 'const char %s[] =\n' "$1"
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$/\\n"/' "$2"
	printf ';\n'
	shift 2
done
