/* SPDX-License-Identifier: MIT */
/*
 * dhat-merge - one DHAT profile from the profiles of several processes or
 * runs: program points with the same stack, compared without addresses,
 * are combined; counts add, peaks add as an upper bound.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/err.h"
#include "profile/frame.h"
#include "common/opts.h"
#include "profile/profile.h"

struct merge {
	/* PPs are combined here under the first input's header; the header
	 * fields that depend on all inputs are settled in finish(). */
	struct dtool_profile *work;
	/* Address-free frame strings, interned; key index -> work frame. */
	struct dtool_profile *keys;
	uint32_t *key2work;
	size_t key2work_cap;
	/* The first input and what every later one must agree with. */
	const char *first;
	char *mode, *tu, *Mtu;
	char *incomplete;	/* the first input's, if any is incomplete */
	bool partial;		/* an input was written while its process ran */
	size_t ninputs;
	bool bklt, bkacc;
	uint64_t te, tg;
	/* Distinct commands, in order of first appearance. */
	char **cmds;
	size_t ncmds;
	/* Combined acc arrays, owned until the output copies them. */
	int32_t **accs;
	size_t naccs;
	uint32_t *fs;
	size_t fs_cap;
	bool addresses;		/* --addresses: compare whole frame texts */
};

static void
usage(FILE *f, int status)
{
	fprintf(f,
"Usage: %s -o OUT [OPTION]... FILE...\n"
"Merge DHAT profiles of one mode into one (\"-\" reads standard input).\n"
"Program points with the same stack, compared without addresses, are\n"
"combined: counts add; peaks add as an upper bound.\n"
"\n"
"  -o, --output=OUT       write the merged profile to OUT (\"-\": standard\n"
"                         output); OUT may not be one of the inputs\n"
"  -a, --addresses        compare frames with their addresses (profiles of\n"
"                         one binary at fixed addresses, as under Valgrind)\n"
"  -h, --help             display this help and exit\n"
"  -V, --version          output version information and exit\n"
"\n"
"Exit status: 0 success, 1 an input could not be read or merged (no\n"
"output is written), 2 usage error.\n", dtool_getprogname());
	exit(status);
}

/* One run of a run-length encoded acc array. */
struct acc_iter {
	const int32_t *a;
	uint32_t n, i;
	uint64_t count;		/* left in the current run */
	int32_t value;
};

static bool
acc_next(struct acc_iter *it)
{
	if (it->i >= it->n)
		return false;
	if (it->a[it->i] < 0 && it->i + 1 < it->n) {
		it->count = (uint64_t)-(int64_t)it->a[it->i];
		it->value = it->a[it->i + 1];
		it->i += 2;
	} else {
		it->count = 1;
		it->value = it->a[it->i];
		it->i++;
	}
	return true;
}

/* The number of bytes (offsets) an acc array covers: the block size. */
static uint64_t
acc_size(const int32_t *a, uint32_t n)
{
	struct acc_iter it = { a, n, 0, 0, 0 };
	uint64_t size = 0;

	while (acc_next(&it))
		size += it.count;
	return size;
}

static void
acc_push(int32_t **out, size_t *n, size_t *cap, int32_t v)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		*out = dtool_xreallocarray(*out, *cap, sizeof(**out));
	}
	(*out)[(*n)++] = v;
}

static void
acc_emit(int32_t **out, size_t *n, size_t *cap, uint64_t count, int32_t v)
{
	while (count > 0) {
		uint64_t c = count > INT32_MAX ? INT32_MAX : count;

		if (c > 1)
			acc_push(out, n, cap, -(int32_t)c);
		acc_push(out, n, cap, v);
		count -= c;
	}
}

/* The element-wise sum of two acc arrays of the same size, each count
 * latched at 65535 as the viewer latches it; NULL when the sizes differ
 * (blocks of different sizes: no per-offset sum makes sense) or the
 * result would not fit an acc array. */
static int32_t *
acc_add(const struct dtool_pp *a, const struct dtool_pp *b, uint32_t *nout)
{
	struct acc_iter x = { a->acc, a->nacc, 0, 0, 0 };
	struct acc_iter y = { b->acc, b->nacc, 0, 0, 0 };
	int32_t *out = NULL, run_v = 0;
	size_t n = 0, cap = 0;
	uint64_t run_n = 0;

	if (acc_size(a->acc, a->nacc) != acc_size(b->acc, b->nacc))
		return NULL;
	acc_next(&x);
	acc_next(&y);
	while (x.count > 0 && y.count > 0) {
		uint64_t c = x.count < y.count ? x.count : y.count;
		int32_t v = x.value + y.value > 65535 ? 65535 :
		    x.value + y.value;

		if (run_n > 0 && v != run_v) {
			acc_emit(&out, &n, &cap, run_n, run_v);
			run_n = 0;
		}
		run_v = v;
		run_n += c;
		if ((x.count -= c) == 0 && !acc_next(&x))
			x.count = 0;
		if ((y.count -= c) == 0 && !acc_next(&y))
			y.count = 0;
	}
	acc_emit(&out, &n, &cap, run_n, run_v);
	if (n > UINT32_MAX) {
		free(out);
		return NULL;
	}
	*nout = (uint32_t)n;
	return out;
}

/* Adds SRC into DST (same stack); -1 with ERR set on overflow. */
static int
combine(struct merge *m, struct dtool_pp *dst, const struct dtool_pp *src,
    size_t ppno, char *err, size_t errlen)
{
	unsigned have = dst->have & src->have;

	if (dtool_pp_add(dst, src, ppno, err, errlen) < 0)
		return -1;
	if (have & DTOOL_PP_ACC) {
		uint32_t n;
		int32_t *acc = acc_add(dst, src, &n);

		if (acc != NULL) {
			m->accs = dtool_xreallocarray(m->accs, m->naccs + 1,
			    sizeof(*m->accs));
			m->accs[m->naccs++] = acc;
			dst->acc = acc;
			dst->nacc = n;
		} else {
			have &= ~DTOOL_PP_ACC;
		}
	}
	if (!(have & DTOOL_PP_ACC)) {
		dst->acc = NULL;
		dst->nacc = 0;
	}
	dst->have = have;
	return 0;
}

/* Lists CMD unless it is listed already: the processes of one forking
 * program usually share their command line. */
static void
add_cmd(struct merge *m, const char *cmd)
{
	for (size_t i = 0; i < m->ncmds; i++)
		if (strcmp(m->cmds[i], cmd) == 0)
			return;
	m->cmds = dtool_xreallocarray(m->cmds, m->ncmds + 1,
	    sizeof(*m->cmds));
	m->cmds[m->ncmds++] = dtool_xstrdup(cmd);
}

/* The commands joined by " + ". */
static char *
join_cmds(const struct merge *m)
{
	size_t len = 1;
	char *s;

	for (size_t i = 0; i < m->ncmds; i++)
		len += strlen(m->cmds[i]) + 3;
	s = dtool_xmalloc(len);
	*s = '\0';
	for (size_t i = 0; i < m->ncmds; i++)
		strcat(strcat(s, i ? " + " : ""), m->cmds[i]);
	return s;
}

/* Checks that input NAME may join the merge and takes its header in. */
static int
join_header(struct merge *m, const char *name, const struct dtool_header *h,
    char *err, size_t errlen)
{
	if (m->work == NULL) {
		m->work = dtool_profile_new(h);
		m->keys = dtool_profile_new(h);
		m->first = name;
		m->mode = dtool_xstrdup(h->mode);
		m->tu = dtool_xstrdup(h->tu);
		m->Mtu = dtool_xstrdup(h->Mtu);
		m->bklt = h->bklt;
		m->bkacc = h->bkacc;
		m->te = h->te;
		m->tg = h->tg;
		add_cmd(m, h->cmd);
		return 0;
	}
	if (strcmp(dtool_mode_kind(h->mode), dtool_mode_kind(m->mode)) != 0) {
		snprintf(err, errlen, "mode '%s' cannot be merged with mode "
		    "'%s' of %s", h->mode, m->mode, m->first);
		return -1;
	}
	if (strcmp(h->tu, m->tu) != 0 || strcmp(h->Mtu, m->Mtu) != 0) {
		snprintf(err, errlen, "times in '%s' ('%s') cannot be added to "
		    "times in '%s' ('%s') of %s", h->tu, h->Mtu, m->tu,
		    m->Mtu, m->first);
		return -1;
	}
	m->bklt = m->bklt && h->bklt;
	m->bkacc = m->bkacc && h->bkacc;
	if (h->te > m->te)
		m->te = h->te;
	if ((h->have & DTOOL_H_TG) && h->tg > m->tg)
		m->tg = h->tg;
	add_cmd(m, h->cmd);
	return 0;
}

/* Merges input IN (read from NAME); -1 with ERR set. */
static int
merge_one(struct merge *m, const char *name, const struct dtool_profile *in,
    char *err, size_t errlen)
{
	size_t nframes = dtool_profile_nframes(in);
	uint32_t *map;

	if (join_header(m, name, dtool_profile_header(in), err, errlen) < 0)
		return -1;
	/* Input frame -> work frame, through the address-free text: the
	 * first text seen for a key is the one written. */
	map = dtool_xcalloc(nframes, sizeof(*map));
	for (size_t i = 1; i < nframes; i++) {
		const char *f = dtool_profile_frame(in, (uint32_t)i);
		uint32_t k = dtool_profile_intern_frame(m->keys,
		    m->addresses ? f : dtool_frame_strip_address(f));

		if (k >= m->key2work_cap) {
			size_t cap = m->key2work_cap ? m->key2work_cap : 256;

			while (cap <= k)
				cap *= 2;
			m->key2work = dtool_xreallocarray(m->key2work, cap,
			    sizeof(*m->key2work));
			memset(m->key2work + m->key2work_cap, 0,
			    (cap - m->key2work_cap) * sizeof(*m->key2work));
			m->key2work_cap = cap;
		}
		if (m->key2work[k] == 0)
			m->key2work[k] = dtool_profile_intern_frame(m->work,
			    f);
		map[i] = m->key2work[k];
	}
	for (size_t i = 0; i < dtool_profile_npps(in); i++) {
		const struct dtool_pp *pp = dtool_profile_pp(in, i);
		struct dtool_pp *dst;

		if (pp->nfs > m->fs_cap) {
			m->fs_cap = pp->nfs;
			m->fs = dtool_xreallocarray(m->fs, m->fs_cap,
			    sizeof(*m->fs));
		}
		for (uint32_t k = 0; k < pp->nfs; k++)
			m->fs[k] = map[pp->fs[k]];
		dst = dtool_profile_find_pp(m->work, m->fs, pp->nfs);
		if (dst == NULL) {
			struct dtool_pp c = *pp;

			c.fs = m->fs;
			dtool_profile_add_pp(m->work, &c);
		} else if (combine(m, dst, pp, i + 1, err, errlen) < 0) {
			free(map);
			return -1;
		}
	}
	free(map);
	return 0;
}

/* The output: the work profile under the merged header, keeping only
 * the fields every input had. */
static struct dtool_profile *
finish(struct merge *m)
{
	struct dtool_header h = *dtool_profile_header(m->work);
	struct dtool_profile *out;
	unsigned keep = DTOOL_PP_TL | DTOOL_PP_BKLT | DTOOL_PP_BKACC |
	    DTOOL_PP_ACC;
	size_t nframes = dtool_profile_nframes(m->work);
	uint32_t *map;
	char *cmd = join_cmds(m);

	h.bklt = m->bklt;
	h.bkacc = m->bkacc;
	h.te = m->te;
	h.cmd = cmd;
	/* One incomplete input makes the merge incomplete, one partial
	 * input partial; the processes of several ended each in its own
	 * way, one keeps how it ended. */
	h.incomplete = m->incomplete;
	h.partial = m->partial;
	if (m->ninputs > 1) {
		memset(&h.end, 0, sizeof(h.end));
		h.have &= ~(DTOOL_H_STATUS | DTOOL_H_SIGNAL);
	}
	if (h.bklt) {
		h.tg = m->tg;
	} else {
		h.have &= ~(DTOOL_H_TG | DTOOL_H_TUTH);
		h.tg = h.tuth = 0;
		keep &= ~(DTOOL_PP_TL | DTOOL_PP_BKLT);
	}
	if (!h.bkacc)
		keep &= ~(DTOOL_PP_BKACC | DTOOL_PP_ACC);
	out = dtool_profile_new(&h);
	free(cmd);
	map = dtool_xcalloc(nframes, sizeof(*map));
	for (size_t i = 1; i < nframes; i++)
		map[i] = dtool_profile_intern_frame(out,
		    dtool_profile_frame(m->work, (uint32_t)i));
	for (size_t i = 0; i < dtool_profile_npps(m->work); i++) {
		struct dtool_pp c = *dtool_profile_pp(m->work, i);

		if (c.nfs > m->fs_cap) {
			m->fs_cap = c.nfs;
			m->fs = dtool_xreallocarray(m->fs, m->fs_cap,
			    sizeof(*m->fs));
		}
		for (uint32_t k = 0; k < c.nfs; k++)
			m->fs[k] = map[c.fs[k]];
		c.fs = m->fs;
		c.have &= keep;
		if (!(c.have & DTOOL_PP_TL))
			c.tl = 0;
		if (!(c.have & DTOOL_PP_ACC)) {
			c.acc = NULL;
			c.nacc = 0;
		}
		dtool_profile_add_pp(out, &c);
	}
	free(map);
	return out;
}

/* OUT may not be an input, by whatever name: the merge reads every input
 * before writing, but the atomic rename would still destroy the input
 * (and a symbolic link is written through). */
static void
check_output(const char *out, char **files, int nfiles)
{
	struct stat so, si;

	if (strcmp(out, "-") == 0 ? fstat(STDOUT_FILENO, &so) < 0 :
	    stat(out, &so) < 0)
		return;
	if (!S_ISREG(so.st_mode))
		return;
	for (int i = 0; i < nfiles; i++) {
		int r = strcmp(files[i], "-") == 0 ?
		    fstat(STDIN_FILENO, &si) : stat(files[i], &si);

		if (r == 0 && si.st_dev == so.st_dev &&
		    si.st_ino == so.st_ino)
			dtool_diex(1, "%s: the output is also the input %s",
			    out, files[i]);
	}
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "addresses", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct merge m;
	struct dtool_profile *out;
	const char *outpath = NULL;
	char err[512];
	bool stdin_seen = false;
	int c;

	dtool_setprogname(argv[0]);
	memset(&m, 0, sizeof(m));
	while ((c = getopt_long(argc, argv, "o:ahV", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (outpath != NULL)
				dtool_usage_error("more than one output given");
			if (*optarg == '\0')
				dtool_usage_error("empty output file name");
			outpath = optarg;
			break;
		case 'a':
			m.addresses = true;
			break;
		case 'h':
			usage(stdout, 0);
			break;
		case 'V':
			dtool_version("dhat-merge");
		default:
			dtool_try_help();
		}
	}
	if (outpath == NULL)
		dtool_usage_error("no output given (-o OUT)");
	if (optind == argc)
		dtool_usage_error("no profile given");
	for (int i = optind; i < argc; i++)
		if (strcmp(argv[i], "-") == 0) {
			if (stdin_seen)
				dtool_usage_error("standard input ('-') "
				    "given twice");
			stdin_seen = true;
		}
	check_output(outpath, argv + optind, argc - optind);

	for (int i = optind; i < argc; i++) {
		struct dtool_profile *in;

		in = dtool_profile_read(argv[i], err, sizeof(err));
		if (in == NULL)
			dtool_diex(1, "%s: %s", argv[i], err);
		m.partial |= dtool_profile_header(in)->partial;
		m.ninputs++;
		if (dtool_profile_header(in)->incomplete != NULL &&
		    m.incomplete == NULL)
			m.incomplete = dtool_xstrdup(
			    dtool_profile_header(in)->incomplete);
		if (merge_one(&m, argv[i], in, err, sizeof(err)) < 0) {
			/* Freed before exiting: memcheck runs of the tests
			 * count a lost input as a leak. */
			dtool_profile_free(in);
			dtool_diex(1, "%s: %s", argv[i], err);
		}
		dtool_profile_free(in);
	}
	out = finish(&m);
	/* The inputs were valid, but two of them may name one frame by
	 * texts that a third reading would reject (say "[root]" inside a
	 * stack); never write what the readers refuse. */
	if (dtool_profile_check(out, err, sizeof(err)) < 0)
		dtool_diex(1, "%s: the merged profile would be invalid: %s",
		    outpath, err);
	if (dtool_profile_write(out, outpath, err, sizeof(err)) < 0)
		dtool_diex(1, "%s", err);
	dtool_profile_free(out);
	dtool_profile_free(m.work);
	dtool_profile_free(m.keys);
	for (size_t i = 0; i < m.naccs; i++)
		free(m.accs[i]);
	free(m.accs);
	free(m.key2work);
	free(m.fs);
	free(m.mode);
	free(m.tu);
	free(m.Mtu);
	free(m.incomplete);
	for (size_t i = 0; i < m.ncmds; i++)
		free(m.cmds[i]);
	free(m.cmds);
	return 0;
}
