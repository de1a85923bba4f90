// SPDX-License-Identifier: MIT
//
// naming.cc - a C++ program whose allocations come through deep chains
// of inlined library templates, for bench/naming.sh.  Built with
// g++ -O2 -g, every allocation site is some ten inlined frames inside
// large compile units (the standard containers, streams and <regex>), the
// case where naming a profile's frames from the debugging information
// costs the most.
#include <algorithm>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

static volatile size_t sink;

template <int N>
struct bag {
	std::vector<std::string> v;
	std::map<int, std::deque<long>> m;

	void add(int i)
	{
		v.push_back(std::to_string(i * N));
		m[i % (N * 7 + 3)].push_back(i);
	}
	size_t size() const { return v.size() + m.size(); }
};

template <int N>
static size_t
fill(int n)
{
	bag<N> b;

	for (int i = 0; i < n; i++)
		b.add(i);
	return b.size() + fill<N - 1>(n / 2 + 1);
}

template <>
size_t
fill<0>(int)
{
	return 0;
}

int
main()
{
	std::map<std::string, std::vector<int>> words;
	std::unordered_map<int, std::string> names;
	std::list<std::shared_ptr<int>> shared;
	std::set<long> seen;
	std::ostringstream out;
	std::smatch match;
	size_t total = fill<24>(4000);

	for (int i = 0; i < 20000; i++) {
		words[std::to_string(i % 977)].push_back(i);
		names[i] = std::string(static_cast<size_t>(i % 50 + 1), 'x');
		shared.push_back(std::make_shared<int>(i));
		seen.insert(i * 7L);
	}
	for (const auto &w : words)
		out << w.first << ' ' << w.second.size() << '\n';
	std::string text = out.str().substr(0, 4000);
	std::regex re("([0-9]+) ([0-9]+)");
	for (auto it = std::sregex_iterator(text.begin(), text.end(), re);
	    it != std::sregex_iterator(); ++it)
		total += (*it)[1].length();
	std::regex_search(text, match, re);
	sink = total + match.size() + names.size() + seen.size();
	return 0;
}
