#!/bin/sh
# 9010-man-libdhat: libdhat(3) lints clean and names every public function
# and macro of dhat.h (DHAT__* are the macros' internals).
. "$abs_top_srcdir/t/test-lib.sh"

[ -n "${MANDOC:-}" ] && [ -x "$MANDOC" ] || skip_all "mandoc not found"
page=$abs_top_srcdir/man/libdhat.3

plan 2
"$MANDOC" -Tlint -Wwarning "$page" 2>&1 | grep -v 'outdated mandoc.db' >lint.out
is "$(cat lint.out)" "" "mandoc -Tlint: no warnings"
missing=
for name in $(sed -n 's/^DHAT_API [^(]*[ *]\(dhat_[a-z_]*\)(.*/\1/p; s/^#define \(DHAT_[A-Z_]*\).*/\1/p' \
	"$abs_top_builddir/lib/dhat.h" | grep -v '^DHAT_H$\|^DHAT_API$\|^DHAT_PRINTF$\|^DHAT_NORETURN$\|^DHAT__' | sort -u); do
	grep -q "$name" "$page" || missing="$missing $name"
done
is "$missing" "" "every public function and macro is documented"
done_testing
