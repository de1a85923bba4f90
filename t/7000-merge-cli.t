#!/bin/sh
# SPDX-License-Identifier: MIT
# dhat-merge command line: --help, --version, usage errors (exit 2, no
# output file), standard input as an input and standard output as OUT.
. "${abs_top_srcdir:-.}/t/test-lib.sh"

M=$abs_top_builddir/dhat-merge
D=$srcdir_t/data
H=$D/valgrind-heap.json

plan 24

check_help "$M" '^Usage: dhat-merge -o OUT \[OPTION\]\.\.\. FILE\.\.\.$'
expect_exit 0 "-h exits 0" -- "$M" -h

check_version "$M"

expect_exit 2 "no -o is a usage error" -- "$M" "$H"
is "$(head -n 1 err)" "dhat-merge: no output given (-o OUT)" "no -o message"
expect_exit 2 "no input is a usage error" -- "$M" -o m.json
is "$(head -n 1 err)" "dhat-merge: no profile given" "no input message"
like "$(tail -n 1 err)" "^Try 'dhat-merge --help' for more information\.$" \
	"usage errors point at --help"
expect_exit 2 "unknown option" -- "$M" --bogus -o m.json "$H"
expect_exit 2 "-o twice" -- "$M" -o m.json -o n.json "$H"
expect_exit 2 "empty -o" -- "$M" -o '' "$H"
expect_exit 2 "standard input twice" -- "$M" -o m.json - - <"$H"
is "$(head -n 1 err)" "dhat-merge: standard input ('-') given twice" \
	"standard input twice: message"
test ! -e m.json && test ! -e n.json
ok $? "usage errors write no output file"
is "$(ls -a | grep -c '^\.dhat-tmp')" "0" "... and no temporary file"

# "-" is standard input, -o - standard output; both give the same profile
# as files do.
"$M" -o file.json "$H" "$D/gen-400.json"
"$M" -o stdin.json - "$D/gen-400.json" <"$H"
cmp -s file.json stdin.json
ok $? "'-' reads standard input"
"$M" -o - "$H" "$D/gen-400.json" >stdout.json
cmp -s file.json stdout.json
ok $? "-o - writes standard output"
"$M" --output=long.json "$H" "$D/gen-400.json"
cmp -s file.json long.json
ok $? "--output=OUT is -o OUT"
"$M" "$H" -o perm.json "$D/gen-400.json"
cmp -s file.json perm.json
ok $? "options may follow inputs"

# An existing OUT that is not an input is replaced whole.
cp "$D/dhat-rs-heap.json" old.json
expect_exit 0 "an existing output is replaced" -- "$M" -o old.json "$H"
"$M" -o fresh.json "$H"
cmp -s old.json fresh.json
ok $? "... by the merged profile"

done_testing
