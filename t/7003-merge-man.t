#!/bin/sh
# SPDX-License-Identifier: MIT
# dhat-merge(1) passes mandoc's lint without warnings and documents every
# option the program accepts.
. "${abs_top_srcdir:-.}/t/test-lib.sh"

M=$abs_top_builddir/dhat-merge
P=$abs_top_srcdir/man/dhat-merge.1

plan 3

man_lint "$P"
man_options "$M" "$P"

done_testing
