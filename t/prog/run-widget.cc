// SPDX-License-Identifier: MIT
//
// run-widget.cc - C++ allocations for dhat-run: new and delete through
// libstdc++, a std::vector and a std::string, in named member functions
// whose demangled names ("Widget::make") must appear in the frames, and
// one block at the end of a 16-deep recursion (nest) for --frames.
#include <cstddef>
#include <string>
#include <vector>

class Widget {
public:
	static Widget *make(std::size_t n);
	void fill();
	~Widget() = default;

private:
	explicit Widget(std::size_t n) : size_(n) {}
	std::size_t size_;
	std::vector<long> parts_;
	std::string name_;
};

Widget *
Widget::make(std::size_t n)
{
	return new Widget(n);
}

void
Widget::fill()
{
	for (std::size_t i = 0; i < size_; i++)
		parts_.push_back(static_cast<long>(i));
	name_.assign(100, 'w');
}

static char *
nest(int depth)
{
	if (depth == 0)
		return new char[10];
	char *p = nest(depth - 1);
	return p;
}

int
main()
{
	std::vector<Widget *> all;

	delete[] nest(16);

	for (std::size_t i = 0; i < 10; i++) {
		Widget *w = Widget::make(50 + i);
		w->fill();
		all.push_back(w);
	}
	for (std::size_t i = 0; i < all.size(); i += 2)
		delete all[i];
	return 0;
}
