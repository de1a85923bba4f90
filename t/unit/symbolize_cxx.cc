// SPDX-License-Identifier: MIT
//
// symbolize_cxx.cc - C++ frames come out demangled, with scopes and
// parameter lists, although libdhat itself never links libstdc++: the
// demangler is the one this C++ program already carries.

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <exception>

extern "C" {
#include "symbolize.h"
#include "tap.h"
}

namespace {

struct frames {
	int n;
	char s[8][1024];
};

int
collect(void *ctx, const char *frame)
{
	frames *f = static_cast<frames *>(ctx);

	if (f->n < 8)
		std::snprintf(f->s[f->n], sizeof(f->s[0]), "%s", frame);
	f->n++;
	return 0;
}

} // namespace

namespace ns {

struct Widget {
	int size;
	static Widget *make(int size);
};

std::uintptr_t probe_ip;

void __attribute__((noinline))
probe()
{
	void *ra = __builtin_return_address(0);

	probe_ip = reinterpret_cast<std::uintptr_t>(ra);
}

const int make_line = __LINE__ + 5;

Widget * __attribute__((noinline))
Widget::make(int size)
{
	probe();
	static Widget w;
	w.size = size;
	return &w;
}

template <typename T> T __attribute__((noinline))
twice(T x)
{
	return x + x;
}

} // namespace ns

int
main()
{
	dhat__symbolizer *s;
	frames f;
	char want[256];
	std::uintptr_t ip;

	plan(4);
	s = dhat__symbolizer_new();
	if (s == nullptr)
		bail("no symbolizer");

	// g++ places a call at its opening parenthesis: column 7.
	ns::Widget::make(3);
	ip = ns::probe_ip;
	f.n = 0;
	dhat__symbolize(s, ip, 0, true, collect, &f);
	std::snprintf(want, sizeof(want), "0x%" PRIxPTR
	    ": ns::Widget::make(int) (t/unit/symbolize_cxx.cc:%d:7)", ip,
	    ns::make_line);
	is_string(f.s[0], want, "member function: demangled with its scope");

	ip = reinterpret_cast<std::uintptr_t>(&ns::twice<long>);
	f.n = 0;
	dhat__symbolize(s, ip, 0, false, collect, &f);
	std::snprintf(want, sizeof(want), "0x%" PRIxPTR
	    ": long ns::twice<long>(long) (t/unit/symbolize_cxx.cc:", ip);
	ok(f.n == 1 && std::strncmp(f.s[0], want, std::strlen(want)) == 0,
	    "template: demangled with its arguments: %s", f.s[0]);

	// libstdc++ usually has no debug information: the ELF symbol is
	// demangled too.
	ip = reinterpret_cast<std::uintptr_t>(&std::terminate);
	f.n = 0;
	dhat__symbolize(s, ip, 0, false, collect, &f);
	std::snprintf(want, sizeof(want), "0x%" PRIxPTR
	    ": std::terminate() (", ip);
	ok(f.n >= 1 && std::strncmp(f.s[f.n - 1], want,
	    std::strlen(want)) == 0, "libstdc++: %s", f.s[f.n - 1]);

	// extern "C" main keeps its plain name.
	ip = reinterpret_cast<std::uintptr_t>(&main);
	f.n = 0;
	dhat__symbolize(s, ip, 0, false, collect, &f);
	std::snprintf(want, sizeof(want), "0x%" PRIxPTR ": main (", ip);
	ok(f.n == 1 && std::strncmp(f.s[0], want, std::strlen(want)) == 0,
	    "main: %s", f.s[0]);
	dhat__symbolizer_free(s);
	return done_testing();
}
