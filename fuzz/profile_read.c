/* SPDX-License-Identifier: MIT */
/*
 * profile_read.c - libFuzzer harness for the tools' DHAT profile reader.
 *
 * Each input goes through dtool_profile_read_mem(), and on success through
 * the model's accessors, the checks and the writer (into /dev/null), so a
 * profile the reader accepts is also one the other tools can handle.  A
 * differential check follows: whatever our reader accepts must be valid
 * JSON for json-c's tokener in strict mode.  Our reader may be stricter
 * (it knows the schema), never looser; a looser answer aborts, and the
 * fuzzer keeps the input.  UTF-8 is not validated on either side: the
 * files Valgrind writes carry raw bytes from symbol and file names.
 */
#include "config.h"

#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile/profile.h"

/* Deeper than the reader's own nesting limit, so depth is never the
 * difference. */
#define JSONC_DEPTH 1024

static int
jsonc_accepts(const uint8_t *data, size_t size)
{
	struct json_tokener *tok;
	struct json_object *o;
	size_t off;
	int ok;

	if (size > INT32_MAX)
		return 0;
	tok = json_tokener_new_ex(JSONC_DEPTH);
	if (tok == NULL)
		abort();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, (const char *)data, (int)size);
	ok = o != NULL && json_tokener_get_error(tok) == json_tokener_success;
	/* json-c stops after the first value: the rest must be blank. */
	off = ok ? json_tokener_get_parse_end(tok) : size;
	for (; ok && off < size; off++)
		if (data[off] != ' ' && data[off] != '\t' &&
		    data[off] != '\n' && data[off] != '\r')
			ok = 0;
	json_object_put(o);
	json_tokener_free(tok);
	return ok;
}

static void
walk(const struct dtool_profile *p)
{
	const struct dtool_header *h = dtool_profile_header(p);
	size_t i, n = dtool_profile_npps(p), nf = dtool_profile_nframes(p);
	volatile uint64_t sink = h->te + h->pid;
	uint32_t k;

	for (i = 0; i < n; i++) {
		const struct dtool_pp *pp = dtool_profile_pp(p, i);

		sink += pp->tb + pp->tbk;
		for (k = 0; k < pp->nfs; k++) {
			if (pp->fs[k] == 0 || pp->fs[k] >= nf)
				abort();	/* the reader's promise */
			sink += strlen(dtool_profile_frame(p, pp->fs[k]));
		}
		for (k = 0; k < pp->nacc; k++)
			sink += (uint64_t)pp->acc[k];
	}
	(void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dtool_profile *p;
	char err[512];

	err[0] = '\0';
	p = dtool_profile_read_mem(data, size, err, sizeof(err));
	if (p == NULL) {
		/* One line of message, always. */
		if (err[0] == '\0' || strchr(err, '\n') != NULL)
			abort();
		return 0;
	}
	walk(p);
	if (dtool_profile_write(p, "/dev/null", err, sizeof(err)) != 0)
		abort();
	dtool_profile_free(p);
	if (!jsonc_accepts(data, size)) {
		fprintf(stderr, "profile_read accepted what json-c rejects\n");
		abort();
	}
	return 0;
}
