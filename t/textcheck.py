# SPDX-License-Identifier: MIT
# textcheck.py - is a tool's output text that is safe to show?
#
#   textcheck.py [--json | --jsonl] [--tab] FILE...
#
# Each FILE must be strict UTF-8 and hold no control character but the
# newline (and the tab with --tab): no C0, no DEL, no C1 (U+0080..U+009F),
# so nothing in it can start a terminal escape sequence.  With --json each
# FILE must also be one JSON document that Python's json module loads
# strictly, with --jsonl one such document per line.  Prints one line per
# problem; exit 1 if any.
import json
import sys


def problems(path, want_json, tab):
    data = open(path, 'rb').read()
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError as e:
        yield 'not UTF-8: %s' % e
        return
    allowed = '\n\t' if tab else '\n'
    for i, ch in enumerate(text):
        c = ord(ch)
        if (c < 0x20 or 0x7f <= c < 0xa0) and ch not in allowed:
            yield 'control U+%04X at character %d' % (c, i)
            return
    docs = [text] if want_json == '--json' else text.splitlines()
    if want_json:
        for n, line in enumerate(docs, 1):
            try:
                json.loads(line)
            except ValueError as e:
                yield 'line %d: not JSON: %s' % (n, e)
                return


def main():
    args = sys.argv[1:]
    want_json = ('--json' in args and '--json') or \
        ('--jsonl' in args and '--jsonl')
    tab = '--tab' in args
    bad = 0
    for path in [a for a in args if not a.startswith('--')]:
        for p in problems(path, want_json, tab):
            print('%s: %s' % (path, p))
            bad = 1
    sys.exit(bad)


main()
