/* SPDX-License-Identifier: MIT */
/*
 * write.c - writes a profile model as DHAT JSON (Valgrind's
 * compact comma-first layout) so that a crash or a full disk never
 * leaves half a profile where a whole one was expected; compressed
 * (lib/compress.c, which libdhat's writer uses too) when the name ends
 * in .gz, .zst or .xz.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/err.h"
#include "common/json_out.h"
#include "compress.h"
#include "profile_int.h"

static void
put_field_str(FILE *f, const char *name, const char *v)
{
	dtool_json_str(f, name, v != NULL ? v : "");
}

/* libdhat's "end", "partial" and "timeline" (dhat-json(5)), when the
 * profile has them. */
static void
put_end(FILE *f, const struct dtool_header *h)
{
	if (h->partial)
		fputs(",\"partial\":true\n", f);
	if (h->end.by != NULL) {
		fputs(",\"end\":", f);
		dtool_json_end(f, h);
		fputc('\n', f);
	}
	if (h->ntimeline == 0)
		return;
	dtool_json_timeline(f, h);
	fputc('\n', f);
}

static void
emit(const struct dtool_profile *p, FILE *f)
{
	const struct dtool_header *h = &p->h;

	fprintf(f, "{\"dhatFileVersion\":2\n");
	put_field_str(f, "mode", h->mode);
	put_field_str(f, "verb", h->verb);
	fprintf(f, "\n,\"bklt\":%s,\"bkacc\":%s\n", h->bklt ? "true" : "false",
	    h->bkacc ? "true" : "false");
	if (h->bu != NULL)
		put_field_str(f, "bu", h->bu);
	if (h->bsu != NULL)
		put_field_str(f, "bsu", h->bsu);
	if (h->bksu != NULL)
		put_field_str(f, "bksu", h->bksu);
	if (h->bu != NULL || h->bsu != NULL || h->bksu != NULL)
		putc('\n', f);
	put_field_str(f, "tu", h->tu);
	put_field_str(f, "Mtu", h->Mtu);
	putc('\n', f);
	if (h->have & DTOOL_H_TUTH)
		fprintf(f, ",\"tuth\":%" PRIu64 "\n", h->tuth);
	put_field_str(f, "cmd", h->cmd);
	fprintf(f, "\n,\"pid\":%" PRIu64 "\n", h->pid);
	fprintf(f, ",\"te\":%" PRIu64 "\n", h->te);
	if (h->have & DTOOL_H_TG)
		fprintf(f, ",\"tg\":%" PRIu64 "\n", h->tg);
	if (h->incomplete != NULL) {
		fprintf(f, ",\"incomplete\":true");
		put_field_str(f, "incompleteReason", h->incomplete);
		putc('\n', f);
	}
	put_end(f, h);
	fprintf(f, ",\"pps\":\n [");
	for (size_t i = 0; i < p->npps; i++) {
		const struct dtool_pp *pp = dtool_profile_pp(p, i);

		fprintf(f, "%s{\"tb\":%" PRIu64 ",\"tbk\":%" PRIu64,
		    i ? "\n ," : "", pp->tb, pp->tbk);
		if (pp->have & DTOOL_PP_TL)
			fprintf(f, "\n  ,\"tl\":%" PRIu64, pp->tl);
		if (pp->have & (DTOOL_PP_MB | DTOOL_PP_MBK))
			fprintf(f, "\n  ,\"mb\":%" PRIu64 ",\"mbk\":%" PRIu64,
			    pp->mb, pp->mbk);
		if (pp->have & (DTOOL_PP_GB | DTOOL_PP_GBK))
			fprintf(f, "\n  ,\"gb\":%" PRIu64 ",\"gbk\":%" PRIu64,
			    pp->gb, pp->gbk);
		if (pp->have & (DTOOL_PP_EB | DTOOL_PP_EBK))
			fprintf(f, "\n  ,\"eb\":%" PRIu64 ",\"ebk\":%" PRIu64,
			    pp->eb, pp->ebk);
		if (pp->have & (DTOOL_PP_RB | DTOOL_PP_WB))
			fprintf(f, "\n  ,\"rb\":%" PRIu64 ",\"wb\":%" PRIu64,
			    pp->rb, pp->wb);
		if (pp->have & DTOOL_PP_ACC) {
			fprintf(f, "\n  ,\"acc\":[");
			for (uint32_t k = 0; k < pp->nacc; k++)
				fprintf(f, "%s%" PRId32, k ? "," : "",
				    pp->acc[k]);
			putc(']', f);
		}
		fprintf(f, "\n  ,\"fs\":[");
		for (uint32_t k = 0; k < pp->nfs; k++)
			fprintf(f, "%s%" PRIu32, k ? "," : "", pp->fs[k]);
		fprintf(f, "]\n  }");
	}
	fprintf(f, "\n ]\n,\"ftbl\":\n [");
	for (size_t i = 0; i < p->nframes; i++) {
		fputs(i ? "\n ," : "", f);
		dtool_json_string(f, p->frames[i]);
	}
	fprintf(f, "\n ]\n}\n");
}

static ssize_t
z_write(void *z, const char *buf, size_t n)
{
	int e = dhat__compress_write(z, buf, n);

	if (e != 0) {
		errno = e;
		return -1;
	}
	return (ssize_t)n;
}

static int
z_close(void *z)
{
	int e = dhat__compress_close(z);

	if (e != 0) {
		errno = e;
		return -1;
	}
	return 0;
}

/* A stream that writes to FD, compressed as NAME asks; NULL with errno
 * set.  FD stays open when the stream is closed if it is compressed
 * (*Z set), and is closed with it if not. */
static FILE *
open_out(int fd, const char *name, bool *z)
{
	enum dhat__codec codec = dhat__codec_of(name);
	struct dhat__compressor *c;
	FILE *f;

	*z = codec != DHAT__PLAIN;
	if (!*z)
		return fdopen(fd, "w");
	c = dhat__compress_open(codec, fd);
	if (c == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	f = fopencookie(c, "w", (cookie_io_functions_t){ .write = z_write,
	    .close = z_close });
	if (f == NULL)
		(void)dhat__compress_close(c);
	return f;
}

/* Finishes stream F on FD (compressed when Z); -1 with errno when
 * anything failed.  FD is closed. */
static int
write_finish(FILE *f, int fd, bool z, bool sync)
{
	int e = 0;

	if (fflush(f) != 0 || ferror(f))
		e = errno ? errno : EIO;
	/* A compressed stream writes its end when it is closed. */
	if (z && fclose(f) != 0 && e == 0)
		e = errno;
	if (e == 0 && sync && fsync(fd) != 0 && errno != EINVAL)
		e = errno;
	if ((z ? close(fd) : fclose(f)) != 0 && e == 0)
		e = errno;
	if (e != 0) {
		errno = e;
		return -1;
	}
	return 0;
}

int
dtool_profile_write(const struct dtool_profile *p, const char *path,
    char *err, size_t errlen)
{
	struct stat st;
	char *tmp, *dir, *dcopy;
	FILE *f;
	int fd, e;
	bool z;

	/* Only a plain regular file (or a new name) is replaced by rename.
	 * Anything else is written in place: FIFOs and devices, and symbolic
	 * links, since renaming over /dev/stdout -> /proc/self/fd/1 would
	 * replace the link itself, whatever it points to. */
	if (strcmp(path, "-") == 0 ||
	    (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))) {
		if (strcmp(path, "-") == 0)
			fd = dup(STDOUT_FILENO);
		else
			fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
		if (fd < 0 || (f = open_out(fd, path, &z)) == NULL) {
			snprintf(err, errlen, "writing %s: %s", path,
			    strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		emit(p, f);
		if (write_finish(f, fd, z, false) < 0) {
			snprintf(err, errlen, "writing %s: %s", path,
			    strerror(errno));
			return -1;
		}
		return 0;
	}
	dcopy = dtool_xstrdup(path);
	dir = dirname(dcopy);
	tmp = dtool_xmalloc(strlen(dir) + 32);
	sprintf(tmp, "%s/.dhat-tmp.XXXXXX", dir);
	free(dcopy);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0 || (f = open_out(fd, path, &z)) == NULL) {
		snprintf(err, errlen, "writing %s: %s", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		free(tmp);
		return -1;
	}
	/* mkostemp makes 0600; a profile is an ordinary file. */
	{
		mode_t um = umask(0);

		umask(um);
		(void)fchmod(fd, 0666 & ~um);
	}
	emit(p, f);
	if (write_finish(f, fd, z, true) < 0 || rename(tmp, path) < 0) {
		e = errno;
		unlink(tmp);
		free(tmp);
		snprintf(err, errlen, "writing %s: %s", path, strerror(e));
		return -1;
	}
	free(tmp);
	return 0;
}
