/* SPDX-License-Identifier: MIT */
/*
 * filter.c - --focus, --exclude, --hide and --suppressions (see
 * filter.h).  A filtered profile is built as a copy whose stacks may
 * repeat (hidden frames make them so), then merged with itself by the
 * merge of dhat-merge, which adds up the program points of one stack.
 */
#include "config.h"

#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/opts.h"
#include "filter.h"
#include "frame.h"
#include "merge/merge.h"

enum { FOCUS, EXCLUDE, HIDE, SUPPRESS, NKINDS };

/* The expressions of each kind, as the options gave them; whether the C
 * and C++ libraries' own leftovers are discounted, and the expressions
 * that tell them. */
static struct filter_state {
	regex_t *re[NKINDS];
	size_t n[NKINDS];
	bool discount;
	regex_t owner, helper, pool, ctor;
	bool compiled;
} fl;

/*
 * The C and C++ libraries' leftovers at exit: what glibc's
 * __libc_freeres and libstdc++'s __gnu_cxx::__freeres free when Valgrind
 * runs them, so that Valgrind's t-end shows none of it.  A block is one
 * when the first frame of its stack that is not the allocator's, nor a
 * string duplicator or glibc's allocate_once on the way, belongs to glibc
 * state that lives to the end (OWNER): stdio buffers, locale and
 * character-set data, the time zone, NSS modules and the static buffers
 * of getpwnam and its kin; or when it is the emergency pool that
 * libstdc++ allocates in its constructor (POOL under CTOR).  Names only
 * glibc's debugging information gives (libc6-dbg) are needed for some.
 */
static const char owner_re[] =
    "^(_IO_file_doallocate|_nl_[A-Za-z0-9_]+|setlocale|new_composite_name|"
    "read_alias_file|extend_alias_table|__wcsmbs_load_conv|"
    "__gconv_[a-z_]+|tzset_internal|__tzfile_read|__tzstring(_len)?|"
    "__nss_[a-z_]+|nss_[a-z_]+|global_state_allocate|"
    "getpwuid|getpwnam|getpwent|getgrgid|getgrnam|getgrent|getspnam|"
    "getspent|gethostbyname2?|gethostbyaddr|getservbyname|getservbyport|"
    "getprotobyname|getprotobynumber) ";
static const char helper_re[] =
    "^(__)?(strdup|strndup|libc_allocate_once_slow|allocate_once) ";
static const char pool_re[] = "\\(in [^)]*/libstdc\\+\\+\\.so";
static const char ctor_re[] = "^(call_init|_dl_init) ";

static void
add(int kind, const char *expr, const char *what)
{
	regex_t *re;
	char msg[256];
	int rc;

	fl.re[kind] = dtool_xreallocarray(fl.re[kind], fl.n[kind] + 1,
	    sizeof(*fl.re[kind]));
	re = &fl.re[kind][fl.n[kind]];
	rc = regcomp(re, expr, REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		regerror(rc, re, msg, sizeof(msg));
		dtool_usage_error("invalid regular expression '%s' %s: %s",
		    expr, what, msg);
	}
	fl.n[kind]++;
}

void
dtool_filter_take_focus(void *ctx, const char *arg)
{
	(void)ctx;
	add(FOCUS, arg, "in --focus");
}

void
dtool_filter_take_exclude(void *ctx, const char *arg)
{
	(void)ctx;
	add(EXCLUDE, arg, "in --exclude");
}

void
dtool_filter_take_hide(void *ctx, const char *arg)
{
	(void)ctx;
	add(HIDE, arg, "in --hide");
}

/* One line of a suppressions file: "leak:REGEX", a comment or blank. */
static void
suppression(const char *path, unsigned no, char *line)
{
	char where[600];
	size_t n = strlen(line);

	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' ||
	    line[n - 1] == ' ' || line[n - 1] == '\t'))
		line[--n] = '\0';
	while (*line == ' ' || *line == '\t')
		line++;
	if (*line == '\0' || *line == '#')
		return;
	if (strncmp(line, "leak:", 5) != 0 || line[5] == '\0')
		dtool_usage_error("%s:%u: expected leak:REGEX", path, no);
	snprintf(where, sizeof(where), "at %.500s:%u", path, no);
	add(SUPPRESS, line + 5, where);
}

void
dtool_filter_take_suppressions(void *ctx, const char *arg)
{
	FILE *f = fopen(arg, "r");
	char *line = NULL;
	size_t cap = 0;
	unsigned no = 0;

	(void)ctx;
	if (f == NULL)
		dtool_usage_error("--suppressions: %s: %s", arg,
		    strerror(errno));
	while (getline(&line, &cap, f) >= 0)
		suppression(arg, ++no, line);
	if (ferror(f))
		dtool_usage_error("--suppressions: %s: %s", arg,
		    strerror(errno));
	free(line);
	fclose(f);
}

void
dtool_filter_discount_leftovers(bool on)
{
	fl.discount = on;
}

void
dtool_filter_take_libc_leftovers(void *ctx, const char *arg)
{
	(void)ctx;
	(void)arg;
	fl.discount = false;
}

bool
dtool_filter_active(void)
{
	for (int k = 0; k < NKINDS; k++)
		if (fl.n[k] > 0)
			return true;
	return fl.discount;
}

/* Whether frame I of P matches an expression of KIND. */
static bool
matches(const struct dtool_profile *p, uint32_t i, int kind)
{
	const char *s = dtool_frame_strip_address(dtool_profile_frame(p, i));

	for (size_t k = 0; k < fl.n[kind]; k++)
		if (regexec(&fl.re[kind][k], s, 0, NULL, 0) == 0)
			return true;
	return false;
}

/* Whether a frame of PP matches an expression of KIND. */
static bool
any_frame(const struct dtool_profile *p, const struct dtool_pp *pp,
    int kind)
{
	for (uint32_t k = 0; k < pp->nfs; k++)
		if (matches(p, pp->fs[k], kind))
			return true;
	return false;
}

/* What a frame is to the discount, worked out once per frame of a
 * profile: frames recur in thousands of stacks. */
enum {
	C_KNOWN = 1, C_SKIP = 2, C_OWNER = 4, C_POOL = 8, C_CTOR = 16,
	C_SUPPRESS = 32
};

static bool
frame_is(const char *s, const regex_t *re)
{
	return regexec(re, s, 0, NULL, 0) == 0;
}

/* Frame I's C_* bits, from CLASS[I] or worked out into it. */
static unsigned
class_of(const struct dtool_profile *p, unsigned char *class, uint32_t i)
{
	const char *f, *s;
	unsigned c;

	if (class[i] & C_KNOWN)
		return class[i];
	f = dtool_profile_frame(p, i);
	s = dtool_frame_strip_address(f);
	c = C_KNOWN;
	if (fl.discount) {
		if (dtool_frame_is_wrapper(f) || frame_is(s, &fl.helper))
			c |= C_SKIP;
		if (frame_is(s, &fl.owner))
			c |= C_OWNER;
		if (frame_is(s, &fl.pool))
			c |= C_POOL;
		if (frame_is(s, &fl.ctor))
			c |= C_CTOR;
	}
	if (matches(p, i, SUPPRESS))
		c |= C_SUPPRESS;
	class[i] = (unsigned char)c;
	return c;
}

/* Whether PP's blocks are the libraries' leftovers (see owner_re). */
static bool
leftover(const struct dtool_profile *p, unsigned char *class,
    const struct dtool_pp *pp)
{
	uint32_t k = 0;

	while (k < pp->nfs && (class_of(p, class, pp->fs[k]) & C_SKIP))
		k++;
	if (k == pp->nfs)
		return false;
	if (class_of(p, class, pp->fs[k]) & C_OWNER)
		return true;
	if (!(class_of(p, class, pp->fs[k]) & C_POOL))
		return false;
	for (uint32_t j = k + 1; j < pp->nfs; j++)
		if (class_of(p, class, pp->fs[j]) & C_CTOR)
			return true;
	return false;
}

/* Whether a frame of PP names an accepted leak. */
static bool
suppressed(const struct dtool_profile *p, unsigned char *class,
    const struct dtool_pp *pp)
{
	for (uint32_t k = 0; k < pp->nfs; k++)
		if (class_of(p, class, pp->fs[k]) & C_SUPPRESS)
			return true;
	return false;
}

static void
compile_leftovers(void)
{
	if (fl.compiled)
		return;
	if (regcomp(&fl.owner, owner_re, REG_EXTENDED | REG_NOSUB) != 0 ||
	    regcomp(&fl.helper, helper_re, REG_EXTENDED | REG_NOSUB) != 0 ||
	    regcomp(&fl.pool, pool_re, REG_EXTENDED | REG_NOSUB) != 0 ||
	    regcomp(&fl.ctor, ctor_re, REG_EXTENDED | REG_NOSUB) != 0)
		dtool_diex(dtool_trouble_status(), "cannot compile the "
		    "expressions of the libraries' leftovers");
	fl.compiled = true;
}

/* Accepted leaks and the libraries' leftovers, in P itself: not live at
 * t-end. */
static void
discount(struct dtool_profile *p)
{
	size_t nf = dtool_profile_nframes(p);
	unsigned char *class;

	if (!fl.discount && fl.n[SUPPRESS] == 0)
		return;
	if (fl.discount)
		compile_leftovers();
	class = dtool_xcalloc(nf ? nf : 1, 1);
	for (size_t i = 0; i < dtool_profile_npps(p); i++) {
		struct dtool_pp *pp = dtool_profile_pp_edit(p, i);

		if ((pp->eb > 0 || pp->ebk > 0) &&
		    ((fl.discount && leftover(p, class, pp)) ||
		    suppressed(p, class, pp)))
			pp->eb = pp->ebk = 0;
	}
	free(class);
}

/* The copy of P's kept program points, frames hidden; its stacks may
 * repeat. */
static struct dtool_profile *
copy(const struct dtool_profile *p)
{
	const struct dtool_header *h = dtool_profile_header(p);
	struct dtool_header nh = *h;
	struct dtool_profile *out;
	uint32_t *fs = NULL, cap = 0;

	/* The timeline is the whole program's: it does not describe a part
	 * of it. */
	if (fl.n[FOCUS] + fl.n[EXCLUDE] > 0) {
		nh.timeline = NULL;
		nh.ntimeline = 0;
	}
	out = dtool_profile_new(&nh);
	for (size_t i = 0; i < dtool_profile_npps(p); i++) {
		struct dtool_pp c = *dtool_profile_pp(p, i);
		uint32_t n = 0;

		if ((fl.n[FOCUS] > 0 && !any_frame(p, &c, FOCUS)) ||
		    any_frame(p, &c, EXCLUDE))
			continue;
		if (c.nfs > cap) {
			cap = c.nfs;
			fs = dtool_xreallocarray(fs, cap, sizeof(*fs));
		}
		for (uint32_t k = 0; k < c.nfs; k++)
			if (!matches(p, c.fs[k], HIDE))
				fs[n++] = dtool_profile_intern_frame(out,
				    dtool_profile_frame(p, c.fs[k]));
		/* A stack of hidden frames only keeps its outermost. */
		if (n == 0 && c.nfs > 0)
			fs[n++] = dtool_profile_intern_frame(out,
			    dtool_profile_frame(p, c.fs[c.nfs - 1]));
		c.fs = fs;
		c.nfs = n;
		dtool_profile_add_pp(out, &c);
	}
	free(fs);
	return out;
}

struct dtool_profile *
dtool_filter_apply(struct dtool_profile *p, char *err, size_t errlen)
{
	struct dtool_profile *tmp, *out;

	if (!dtool_filter_active())
		return p;
	discount(p);
	if (fl.n[FOCUS] + fl.n[EXCLUDE] + fl.n[HIDE] == 0)
		return p;
	tmp = copy(p);
	out = dtool_merge_self(tmp, err, errlen);
	dtool_profile_free(tmp);
	dtool_profile_free(p);
	return out;
}

struct dtool_profile *
dtool_filter_read(const char *path, char *err, size_t errlen)
{
	struct dtool_profile *p = dtool_profile_read(path, err, errlen);

	return p != NULL ? dtool_filter_apply(p, err, errlen) : NULL;
}

void
dtool_filter_free(void)
{
	if (fl.compiled) {
		regfree(&fl.owner);
		regfree(&fl.helper);
		regfree(&fl.pool);
		regfree(&fl.ctor);
		fl.compiled = false;
	}
	for (int k = 0; k < NKINDS; k++) {
		for (size_t i = 0; i < fl.n[k]; i++)
			regfree(&fl.re[k][i]);
		free(fl.re[k]);
		fl.re[k] = NULL;
		fl.n[k] = 0;
	}
}
