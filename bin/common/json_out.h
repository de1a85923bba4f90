/* SPDX-License-Identifier: MIT */
/*
 * json_out.h - the few JSON writers the tools share: strings escaped by
 * one rule, and ,"key": members after the first.  Every tool writes its
 * objects by hand in a fixed member order, so this is no JSON library.
 */
#ifndef DTOOL_JSON_OUT_H
#define DTOOL_JSON_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "profile/budget.h"
#include "profile/profile.h"

/* "S" by the rule of format.h (DTOOL_S_JSON): valid UTF-8 whatever S
 * holds, '"', '\\' and every control character escaped. */
void dtool_json_string(FILE *f, const char *s);

/* How the process ended, H's "end" (H->end.by not NULL), as a JSON
 * object. */
void dtool_json_end(FILE *f, const struct dtool_header *h);

/* Members after the first: ,"K": for the caller's value, or the whole
 * ,"K":V for a number, a boolean or a string. */
void dtool_json_key(FILE *f, const char *k);
void dtool_json_u64(FILE *f, const char *k, uint64_t v);
void dtool_json_bool(FILE *f, const char *k, bool v);
void dtool_json_str(FILE *f, const char *k, const char *v);

/* Open a tool's JSON object for one profile: '{"file":NAME' and the
 * header fields every tool reports (mode, verb, cmd, pid, bklt, bkacc,
 * tu), in that order.  The caller adds its own fields and the '}'. */
void dtool_json_profile_head(FILE *f, const char *name,
    const struct dtool_header *h);

/* A PP's figures as members, the first without a comma: "tb":N,"tbk":N,
 * then when BKLT tl, mb and mbk (only with MAX), gb, gbk, eb and ebk, and
 * when BKACC rb and wb. */
void dtool_json_figures(FILE *f, const struct dtool_pp *pp, bool bklt,
    bool bkacc, bool max);

/* ,"timeline":[[t,bytes,blocks],...] from H, or ,"timeline":null when H
 * has none. */
void dtool_json_timeline(FILE *f, const struct dtool_header *h);

/* ,"frames":[...]: the first NF frames of PP, innermost first. */
void dtool_json_frames(FILE *f, const struct dtool_profile *p,
    const struct dtool_pp *pp, size_t nf);

/* Open a budget's object: '{"budget":TEXT,"metric":M,"op":">"' (or
 * ">=").  The caller adds the figures and the '}'. */
void dtool_json_budget(FILE *f, const struct dtool_budget *b);

#endif
