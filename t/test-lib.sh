# test-lib.sh - TAP helpers for the shell tests under t/ (sourced, POSIX sh).
#
# Each t/NNNN-name.t sources this file, then calls plan N (or nothing and
# done_testing at the end).  Every script runs in its own scratch directory
# t/trash-NNNN-name/ under the build tree; it is removed when every test
# passed and kept for inspection otherwise.

set -u
LC_ALL=C
export LC_ALL

: "${abs_top_srcdir:?run the tests through make check}"
: "${abs_top_builddir:?run the tests through make check}"
srcdir_t=$abs_top_srcdir/t
builddir_t=$abs_top_builddir/t

test_name=$(basename "$0" .t)
TRASH=$builddir_t/trash-$test_name
rm -rf "$TRASH"
mkdir -p "$TRASH"
cd "$TRASH" || exit 99

# DHAT_TEST_VALGRIND=1 (make check DHAT_TEST_VALGRIND=1): the tools that
# read and write profiles run under memcheck.  The test then sees, as
# abs_top_builddir, a directory of links to the build tree in which
# dhat-summarize, dhat-diff and dhat-merge are wrappers, so the test
# scripts need no change.  Any memcheck error (leaks: definite ones) turns
# the tool's exit status into 97 and is shown by done_testing.
vg_logs=
if [ -n "${DHAT_TEST_VALGRIND:-}" ] && [ -n "${VALGRIND:-}" ]; then
	vg_logs=$TRASH/.vg
	mkdir -p "$vg_logs/top"
	for f in "$abs_top_builddir"/* "$abs_top_builddir"/.libs; do
		[ -e "$f" ] && ln -s "$f" "$vg_logs/top/"
	done
	for tool in dhat-summarize dhat-diff dhat-merge; do
		[ -x "$abs_top_builddir/$tool" ] || continue
		rm -f "$vg_logs/top/$tool"
		cat >"$vg_logs/top/$tool" <<EOF
#!/bin/sh
exec "$VALGRIND" -q --error-exitcode=97 --leak-check=full \\
    --errors-for-leak-kinds=definite,indirect \\
    --log-file="$vg_logs/$tool.%p.log" "$abs_top_builddir/$tool" "\$@"
EOF
		chmod +x "$vg_logs/top/$tool"
	done
	abs_top_builddir=$vg_logs/top
fi

# dhat-run keeps decompressed debug files in $XDG_CACHE_HOME/dhat/debug:
# one cache for the test run, in the build tree (make clean removes it),
# and none in the real home.  One cache and not one per test: a copy
# that the first test's helper makes serves every later test, and no
# helper still copying after its test is done writes into a scratch
# directory being removed (t/4013 tests the cache itself in its own).
XDG_CACHE_HOME=$builddir_t/cache
export XDG_CACHE_HOME

# Profiles must not pick up settings from the developer's environment.
unset DHAT_RUN DHAT_OUTPUT DHAT_MODE DHAT_FRAMES DHAT_TIME_UNIT DHAT_QUIET \
	DHAT_FOLLOW DHAT_SIGNAL DHAT_STACK_CACHE DHAT_DEBUG_COPIES DHAT_INTERVAL \
	DHAT_FRAME_CACHE DHAT_STATUS_FILE DHAT_SKIP DHAT_ONLY NO_COLOR 2>/dev/null || :

tap_run=0
tap_failed=0
tap_planned=

plan() {
	tap_planned=$1
	echo "1..$1"
}

skip_all() {
	echo "1..0 # SKIP $*"
	cd "$builddir_t" && rm -rf "$TRASH"
	exit 0
}

diag() {
	printf '%s\n' "$@" | sed 's/^/# /'
}

# ok STATUS DESCRIPTION: STATUS 0 passes.
ok() {
	tap_run=$((tap_run + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_run - $2"
	else
		tap_failed=$((tap_failed + 1))
		echo "not ok $tap_run - $2"
	fi
}

# skip DESCRIPTION REASON: one skipped test.
skip() {
	tap_run=$((tap_run + 1))
	echo "ok $tap_run - $1 # SKIP $2"
}

# is GOT WANT DESCRIPTION
is() {
	if [ "x$1" = "x$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "     got: '$1'" "  wanted: '$2'"
	fi
}

# like GOT ERE DESCRIPTION: GOT matches the extended regular expression.
like() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "     got: '$1'" "  wanted match: /$2/"
	fi
}

# expect_exit STATUS DESCRIPTION -- COMMAND...: COMMAND exits with STATUS;
# its stdout and stderr are left in ./out and ./err.
expect_exit() {
	want=$1
	desc=$2
	shift 3
	"$@" >out 2>err
	got=$?
	if [ "$got" -eq "$want" ]; then
		ok 0 "$desc"
	else
		ok 1 "$desc"
		diag "exit status $got, wanted $want: $*"
		sed 's/^/#   stderr: /' err | head -n 20
	fi
}

# cmp_golden FILE GOLDEN DESCRIPTION: FILE equals the golden file.
cmp_golden() {
	# DHAT_REGEN_GOLDEN=1 rewrites the golden file (review the diff).
	if [ -n "${DHAT_REGEN_GOLDEN:-}" ]; then
		cp "$1" "$2"
	fi
	if diff -u "$2" "$1" >golden.diff 2>&1; then
		ok 0 "$3"
	else
		ok 1 "$3"
		sed 's/^/# /' golden.diff | head -n 60
	fi
}

# pp FILE ...: figures of a profile (t/ppfield.py; see there).  Needs
# python3: check ${PYTHON3:-} first.
pp() {
	"$PYTHON3" "$srcdir_t/ppfield.py" "$@"
}

# prog_ok STATUS WHAT: one test, that a program of t/prog (its output in
# ./prog.out and ./prog.err) ended with status 0, which the programs use
# when their own checks pass; its output as diagnostics when not.
prog_ok() {
	ok "$1" "$2"
	[ "$1" -eq 0 ] || sed 's/^/#   /' prog.out prog.err | head -n 60
}

# have_viewer: Node and Valgrind's dh_view.js are both installed.
have_viewer() {
	[ -n "${NODE:-}" ] && [ -x "$NODE" ] && [ -r "${DH_VIEW_JS:-}" ]
}

# browser_why: why the browser tests cannot run (nothing when they can):
# they need Node, Chromium and puppeteer-core (npm), found in t/node_modules
# or among npm's global packages.
browser_why() {
	if [ -z "${NODE:-}" ] || [ ! -x "$NODE" ]; then
		echo "node not installed"
	elif [ -z "${CHROMIUM:-}" ] || [ ! -x "$CHROMIUM" ]; then
		echo "chromium not installed"
	elif ! NODE_PATH=$(browser_node_path) "$NODE" -e \
	    'require.resolve("puppeteer-core")' 2>/dev/null; then
		echo "puppeteer-core not installed (npm install -g puppeteer-core)"
	fi
}

browser_node_path() {
	printf '%s:%s' "$srcdir_t/node_modules" \
	    "$(npm root -g 2>/dev/null || echo /usr/lib/node_modules)"
}

# browser_run SCENARIO FILE DESCRIPTION: one test, that t/browser.js
# passes SCENARIO on FILE in headless Chromium; its checks as diagnostics.
browser_run() {
	NODE_PATH=$(browser_node_path) CHROMIUM=$CHROMIUM "$NODE" \
	    "$srcdir_t/browser.js" "$1" "$2" >browser.out 2>&1
	ok $? "$3"
	sed 's/^/# /' browser.out
}

# view_check FILE [SORT_INDEX]: load FILE into Valgrind's DHAT viewer under
# Node; the rendered tree (or the viewer's error) is left in ./view.out.
view_check() {
	DH_VIEW_JS=$DH_VIEW_JS "$NODE" "$srcdir_t/dh-view-check.js" "$@" >view.out 2>&1
}

# viewer_loads FILE DESCRIPTION: one test, that the viewer loads FILE
# without an error (skipped without Node or dh_view.js).
viewer_loads() {
	if have_viewer; then
		view_check "$1"
		! grep -q '^ERROR' view.out
		ok $? "$2"
		sed -n '/^ERROR/s/^/# /p' view.out
	else
		skip "$2" "no node or dh_view.js"
	fi
}

# The viewer's sort metrics by name, in the order of its menu (0-13).
SORT_METRICS='total-bytes total-blocks tiny short-lived zero-rw-bytes
zero-rw-blocks low-access-bytes low-access-blocks at-tgmax at-tend reads
reads-high writes writes-high'

# check_help TOOL USAGE_ERE: three tests, that TOOL --help exits 0 and
# prints a first line matching USAGE_ERE on stdout, nothing on stderr; the
# help is left in ./out.
check_help() {
	expect_exit 0 "--help exits 0" -- "$1" --help
	like "$(head -n 1 out)" "$2" "--help prints usage on stdout"
	is "$(cat err)" "" "--help writes nothing on stderr"
}

# check_version TOOL: two tests, that TOOL --version exits 0 and prints
# "NAME (dhat) X.Y.Z", NAME being TOOL's file name.
check_version() {
	expect_exit 0 "--version exits 0" -- "$1" --version
	like "$(cat out)" "^${1##*/} \\(dhat\\) [0-9]+\\.[0-9]+\\.[0-9]+\$" \
	    "--version format"
}

# man_lint PAGE...: one test per page, that mandoc -Tlint finds nothing
# at warning level or above (skipped when mandoc is not installed).
man_lint() {
	for _page in "$@"; do
		if [ -n "${MANDOC:-}" ] && [ -x "$MANDOC" ]; then
			"$MANDOC" -Tlint -W warning "$_page" >lint 2>&1
			ok $? "${_page##*/}: mandoc -Tlint is clean"
			sed 's/^/# /' lint
		else
			skip "${_page##*/}: mandoc -Tlint is clean" \
			    "mandoc not installed"
		fi
	done
}

# man_options TOOL PAGE: two tests, that every long option and every
# short option TOOL --help lists has its item in the mdoc source PAGE.
man_options() {
	: >missing
	: >smissing
	"$1" --help >help.out
	grep -o -- '--[a-z-]*[a-z]' help.out | sort -u >opts
	[ -s opts ] || echo "(no long options in $1 --help)" >missing
	for _o in $(cat opts); do
		grep -q -- "Fl \\\\-${_o#--}" "$2" || echo "$_o" >>missing
	done
	is "$(cat missing)" "" "every long option is documented"
	grep -o -- '^  -[a-zA-Z],' help.out | tr -d ' ,-' >short
	[ -s short ] || echo "(no short options in $1 --help)" >smissing
	for _o in $(cat short); do
		grep -q -- "^\\.It Fl $_o " "$2" || echo "-$_o" >>smissing
	done
	is "$(cat smissing)" "" "every short option is documented"
}

done_testing() {
	if [ -z "$tap_planned" ]; then
		echo "1..$tap_run"
	elif [ "$tap_planned" -ne "$tap_run" ]; then
		diag "planned $tap_planned tests but ran $tap_run"
		tap_failed=$((tap_failed + 1))
	fi
	if [ -n "$vg_logs" ]; then
		for f in "$vg_logs"/*.log; do
			[ -s "$f" ] || continue
			diag "memcheck: $f"
			sed 's/^/#   /' "$f" | head -n 40
			tap_failed=$((tap_failed + 1))
		done
	fi
	if [ "$tap_failed" -eq 0 ]; then
		cd "$builddir_t" && rm -rf "$TRASH"
		exit 0
	fi
	diag "scratch directory kept: $TRASH"
	exit 1
}
