# SPDX-License-Identifier: MIT
# gen-bigc.py - a large C file for cc1 to compile (bench/cache-exact.sh):
#
#   gen-bigc.py [UNITS] >big.c
#
# UNITS (default 1500) groups of a struct and a function with loops, a
# switch, recursion, calls through pointers and floating point: 1500 make
# about 35,000 lines, which gcc -O2 compiles in some 20 seconds.  The
# same UNITS always give the same file.
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1500
r = random.Random(1)
out = ["typedef unsigned long size_t;", "int printf(const char *, ...);",
       "void *malloc(size_t); void free(void *);"]
for i in range(n):
    k = r.randint(3, 9)
    out.append("struct s%d { int a[%d]; double d; struct s%d *next; "
               "char name[%d]; };" % (i, k, i, r.randint(4, 40)))
    out.append("static int f%d(int x, int y) {" % i)
    out.append("  int acc = %d; struct s%d v = {0};" % (r.randint(0, 99), i))
    out.append("  for (int j = 0; j < x %% %d; j++) {" % r.randint(2, 30))
    out.append("    v.a[j %% %d] += j * y + acc;" % k)
    out.append("    switch ((j + y) %% %d) {" % (k + 3))
    for c in range(k + 3):
        op = r.choice(["+", "-", "^", "*", "|"])
        out.append("    case %d: acc = acc %s (v.a[%d] << %d); "
                   "v.d += acc * %d.5; break;" % (c, op, c % k, c % 7, c))
    out.append("    default: acc ^= j; }")
    out.append("  }")
    if i > 0:
        out.append("  if (x > 1) acc += f%d(x / 2, y + acc %% 7);" %
                   r.randint(0, i - 1))
    if i > 1:
        out.append("  int (*fp)(int, int) = (acc & 1) ? f%d : f%d;" %
                   (r.randint(0, i - 1), r.randint(0, i - 1)))
        out.append("  if (x > 3) acc += fp(x - 3, acc);")
    out.append('  if (acc == %d) printf("f%d %%d %%s\\n", acc, v.name);' %
               (r.randint(0, 10**6), i))
    out.append("  return acc + (int)v.d;")
    out.append("}")
out.append("int main(int argc, char **argv) { (void)argv; int t = 0;")
for i in range(0, n, 7):
    out.append("  t += f%d(argc + %d, %d);" % (i, i % 13, i))
out.append("  return t & 1; }")
print("\n".join(out))
