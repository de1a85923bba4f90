/* SPDX-License-Identifier: MIT */
/*
 * merge.c - profiles merged into one: program points with the same stack
 * (frames compared without their addresses, unless asked) combined,
 * counts added, peaks added as an upper bound, the header agreed by all.
 */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "merge.h"
#include "profile/frame.h"

struct dtool_merge {
	/* PPs are combined here under the first input's header; the header
	 * fields that depend on all inputs are settled in dtool_merge_finish(). */
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
	struct dtool_timeline_sum timeline;
};

struct dtool_merge *
dtool_merge_new(bool addresses)
{
	struct dtool_merge *m = dtool_xcalloc(1, sizeof(*m));

	m->addresses = addresses;
	return m;
}

/* Adds SRC into DST (same stack); -1 with ERR set on overflow. */
static int
combine(struct dtool_merge *m, struct dtool_pp *dst, const struct dtool_pp *src,
    size_t ppno, char *err, size_t errlen)
{
	unsigned have = dst->have & src->have;

	if (dtool_pp_add(dst, src, ppno, err, errlen) < 0)
		return -1;
	if (have & DTOOL_PP_ACC) {
		uint32_t n;
		int32_t *acc = dtool_acc_add(dst, src, &n);

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
add_cmd(struct dtool_merge *m, const char *cmd)
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
join_cmds(const struct dtool_merge *m)
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
join_header(struct dtool_merge *m, const char *name, const struct dtool_header *h,
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
merge_one(struct dtool_merge *m, const char *name, const struct dtool_profile *in,
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
struct dtool_profile *
dtool_merge_finish(struct dtool_merge *m)
{
	struct dtool_header h = *dtool_profile_header(m->work);
	struct dtool_profile *out;
	unsigned keep = DTOOL_PP_TL | DTOOL_PP_BKLT | DTOOL_PP_BKACC |
	    DTOOL_PP_ACC;
	size_t nframes = dtool_profile_nframes(m->work);
	uint32_t *map;
	char *cmd = join_cmds(m);
	uint64_t (*timeline)[3];

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
	h.ntimeline = dtool_timeline_sum_result(&m->timeline, &timeline);
	h.timeline = (const uint64_t (*)[3])timeline;
	out = dtool_profile_new(&h);
	free(cmd);
	free(timeline);
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

int
dtool_merge_add(struct dtool_merge *m, const char *name,
    const struct dtool_profile *in, char *err, size_t errlen)
{
	const struct dtool_header *h = dtool_profile_header(in);

	m->partial |= h->partial;
	m->ninputs++;
	dtool_timeline_sum_add(&m->timeline, h);
	if (h->incomplete != NULL && m->incomplete == NULL)
		m->incomplete = dtool_xstrdup(h->incomplete);
	return merge_one(m, name, in, err, errlen);
}

void
dtool_merge_free(struct dtool_merge *m)
{
	dtool_profile_free(m->work);
	dtool_profile_free(m->keys);
	for (size_t i = 0; i < m->naccs; i++)
		free(m->accs[i]);
	free(m->accs);
	free(m->key2work);
	free(m->fs);
	free(m->mode);
	free(m->tu);
	free(m->Mtu);
	free(m->incomplete);
	for (size_t i = 0; i < m->ncmds; i++)
		free(m->cmds[i]);
	free(m->cmds);
	dtool_timeline_sum_free(&m->timeline);
	free(m);
}

struct dtool_profile *
dtool_merge_self(const struct dtool_profile *p, char *err, size_t errlen)
{
	struct dtool_merge *m = dtool_merge_new(true);
	struct dtool_profile *out = NULL;

	if (dtool_merge_add(m, "", p, err, errlen) == 0)
		out = dtool_merge_finish(m);
	dtool_merge_free(m);
	return out;
}
