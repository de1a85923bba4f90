/* SPDX-License-Identifier: MIT */
/*
 * unwind.c - walk the calling thread's stack by the unwind tables, without
 * libunwind's locks (x86-64, glibc 2.35 or later).
 *
 * libunwind's unw_backtrace is fast for return addresses it has met before
 * (its per-thread cache of frame layouts) and slow for new ones: each new
 * frame is looked up with dl_iterate_phdr and through libunwind's caches
 * and memory pool, every one of them entered with all signals blocked,
 * eight rt_sigprocmask system calls a frame.  Python's start-up alone
 * meets 2,500 new return addresses: 20,000 system calls, the largest part
 * of the profiler's fixed cost.  Here an address is looked up with
 * _dl_find_object (lock-free, no system call), its FDE found by bisecting
 * the object's .eh_frame_hdr, and the FDE's call frame program run up to
 * the address.  What it says (where the caller's CFA, return address and
 * rbp are) is kept, per address, in a table that every thread reads
 * without a lock and writes once per address.
 *
 * Each frame's lookup in that table waits on the frame before it, whose
 * return address it needs.  A walk can be given the return addresses it
 * will likely find (the stack cache's guess, stack.c): their rules are
 * looked up all at once first, and a frame takes one only when its
 * return address is the one expected, so that a wrong guess costs
 * lookups and never changes a stack.
 *
 * Only the shapes compilers emit for ordinary code are handled: the CFA
 * at rsp or rbp plus an offset, the return address and rbp saved at
 * offsets from it (or rbp left alone), and the outermost frame, whose
 * return address the tables call undefined.  Anything else (a signal
 * frame, a CFA computed by a DWARF expression, code without an FDE, a
 * thread outside its own stack) ends the walk with -1, and the caller
 * asks libunwind for the whole stack: both give the same return
 * addresses, libunwind only later.  Every word read is checked to lie
 * between the frame's stack pointer and the top of the thread's stack,
 * so tables that no longer describe the code (a module unloaded behind
 * libdhat's back, another mapped at its address) could give a wrong
 * stack, never a fault.  The table is forgotten when libdhat's dlclose
 * sees a module's code go.
 */
#include "config.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lock.h"
#include "memory.h"
#include "pages.h"
#include "stack.h"
#include "unwind.h"

#if defined(__x86_64__) && defined(HAVE__DL_FIND_OBJECT)

enum { R_NONE, R_SP, R_BP, R_END };   /* how to find the caller */

/* A frame at a code address: the CFA is rsp or rbp (KIND) + CFA_OFF; the
 * return address is at CFA + 8 * RA_AT, the caller's rbp at CFA + 8 *
 * BP_AT or, with BP_AT 0, rbp itself.  R_NONE: libunwind must walk it.
 * Eight bytes: a slot of the table is sixteen. */
struct rule {
	int32_t cfa_off;
	int8_t ra_at;
	int8_t bp_at;
	uint8_t kind;
};

struct rslot {
	uintptr_t key;          /* the address; 0: empty, BUSY: being written */
	struct rule r;
};

struct rtable {
	size_t mask;
	size_t used;
	struct rtable *older;   /* replaced, but readers may be in it */
	struct rslot slot[];
};

#define BUSY UINTPTR_MAX
#define FIRST_SLOTS 1024
#define STATES 8                /* DW_CFA_remember_state depth */

/* A table of SIZE slots: pages of libdhat's own (pages.c). */
static size_t
rtable_bytes(size_t size)
{
	return sizeof(struct rtable) + size * sizeof(struct rslot);
}

static struct rtable *table;
static int growing;

static inline size_t
slot_of(uintptr_t key, size_t mask)
{
	uint64_t h = key * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h >> 40) & mask;
}

static inline __attribute__((always_inline)) bool
rules_lookup(const struct rtable *t, uintptr_t key, struct rule *r)
{
	size_t i = slot_of(key, t->mask), n;

	for (n = 0; n <= t->mask; n++, i = (i + 1) & t->mask) {
		uintptr_t k = __atomic_load_n(&t->slot[i].key,
		    __ATOMIC_ACQUIRE);

		if (k == key) {
			*r = t->slot[i].r;
			return true;
		}
		if (k == 0)
			return false;
	}
	return false;
}

/* Claim an empty slot, fill it, then publish its key: a reader that
 * sees the key sees the rule.  Two threads may add the same key twice;
 * the later copy is never found, and does no harm. */
static void
put(struct rtable *t, uintptr_t key, const struct rule *r)
{
	size_t i = slot_of(key, t->mask), n;

	for (n = 0; n <= t->mask; n++, i = (i + 1) & t->mask) {
		uintptr_t k = __atomic_load_n(&t->slot[i].key,
		    __ATOMIC_RELAXED);

		if (k == 0 && __atomic_compare_exchange_n(&t->slot[i].key,
		    &k, BUSY, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
			t->slot[i].r = *r;
			__atomic_store_n(&t->slot[i].key, key,
			    __ATOMIC_RELEASE);
			__atomic_fetch_add(&t->used, 1, __ATOMIC_RELAXED);
			return;
		}
		if (k == key)
			return;
	}
}

/* A table twice the size of T (or a first one), with T's entries, made
 * by one thread at a time.  Entries other threads add to T meanwhile are
 * lost: they are found again on their next miss. */
static void
rules_grow(struct rtable *t)
{
	struct rtable *nt;
	size_t size = t != NULL ? 2 * (t->mask + 1) : FIRST_SLOTS, i;
	int idle = 0;

	if (!__atomic_compare_exchange_n(&growing, &idle, 1, false,
	    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	if (__atomic_load_n(&table, __ATOMIC_ACQUIRE) == t &&
	    (nt = dhat__pages_new(rtable_bytes(size))) != NULL) {
		nt->mask = size - 1;
		nt->older = t;
		for (i = 0; t != NULL && i <= t->mask; i++) {
			uintptr_t k = __atomic_load_n(&t->slot[i].key,
			    __ATOMIC_ACQUIRE);

			if (k != 0 && k != BUSY)
				put(nt, k, &t->slot[i].r);
		}
		__atomic_store_n(&table, nt, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&growing, 0, __ATOMIC_RELEASE);
}

static void
remember(uintptr_t key, const struct rule *r)
{
	struct rtable *t = __atomic_load_n(&table, __ATOMIC_ACQUIRE);

	/* At most three quarters full: probes stay short, and a table
	 * that could not grow (no memory) still has empty slots to end
	 * them. */
	if (t == NULL || 4 * (__atomic_load_n(&t->used, __ATOMIC_RELAXED) +
	    1) > 3 * t->mask) {
		rules_grow(t);
		t = __atomic_load_n(&table, __ATOMIC_ACQUIRE);
		if (t == NULL || 4 * (__atomic_load_n(&t->used,
		    __ATOMIC_RELAXED) + 1) > 3 * t->mask)
			return;
	}
	put(t, key, r);
}

/*
 * Called from dlclose, outside any unwind: with the unwind lock held
 * exclusively no walk is reading the tables, and they can go.  (A
 * dlclose from a signal handler that interrupted this thread's own walk
 * only drops them.)
 */
void
dhat__unwind_forget(void)
{
	struct rtable *t, *older;
	bool alone = dhat__unwind_lock_all();

	t = __atomic_exchange_n(&table, NULL, __ATOMIC_ACQ_REL);
	dhat__stack_cache_flush();
	if (alone) {
		for (; t != NULL; t = older) {
			older = t->older;
			dhat__pages_free(t, rtable_bytes(t->mask + 1));
		}
		dhat__unwind_unlock_all();
	}
}

/* ---- reading the unwind tables ----------------------------------------- */

/* A cursor over bytes of a loaded object's tables. */
struct rd {
	const uint8_t *p, *end;
	bool bad;
};

static uint64_t
rd_fixed(struct rd *d, size_t n)
{
	uint64_t v = 0;

	if (d->bad || (size_t)(d->end - d->p) < n) {
		d->bad = true;
		return 0;
	}
	memcpy(&v, d->p, n);    /* little-endian */
	d->p += n;
	return v;
}

static void
rd_skip(struct rd *d, uint64_t n)
{
	if (d->bad || (uint64_t)(d->end - d->p) < n)
		d->bad = true;
	else
		d->p += n;
}

/* A LEB128 number, sign-extended when SIGNED. */
static uint64_t
rd_leb(struct rd *d, bool is_signed)
{
	uint64_t v = 0;
	unsigned shift = 0;
	uint8_t b;

	do {
		if (d->bad || d->p >= d->end || shift > 63) {
			d->bad = true;
			return 0;
		}
		b = *d->p++;
		v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	} while (b & 0x80);
	if (is_signed && shift < 64 && (b & 0x40))
		v |= ~(uint64_t)0 << shift;
	return v;
}

#define rd_uleb(d) rd_leb((d), false)
#define rd_sleb(d) ((int64_t)rd_leb((d), true))

/* A value in DW_EH_PE encoding ENC's format (its low four bits). */
static uint64_t
rd_format(struct rd *d, uint8_t enc)
{
	switch (enc & 0x0f) {
	case 0x00: return rd_fixed(d, 8);                     /* absptr */
	case 0x01: return rd_uleb(d);
	case 0x02: return rd_fixed(d, 2);
	case 0x03: return rd_fixed(d, 4);
	case 0x04: return rd_fixed(d, 8);
	case 0x09: return (uint64_t)rd_sleb(d);
	case 0x0a: return (uint64_t)(int64_t)(int16_t)rd_fixed(d, 2);
	case 0x0b: return (uint64_t)(int64_t)(int32_t)rd_fixed(d, 4);
	case 0x0c: return rd_fixed(d, 8);
	}
	d->bad = true;
	return 0;
}

/* An address in DW_EH_PE encoding ENC; DATA is the base of datarel. */
static uintptr_t
rd_pointer(struct rd *d, uint8_t enc, uintptr_t data)
{
	uintptr_t at = (uintptr_t)d->p, v;

	if (enc == 0xff || (enc & 0x80)) {      /* omitted, indirect */
		d->bad = true;
		return 0;
	}
	v = (uintptr_t)rd_format(d, enc);
	switch (enc & 0x70) {
	case 0x00: return v;
	case 0x10: return at + v;                       /* pcrel */
	case 0x30: return data + v;                     /* datarel */
	}
	d->bad = true;
	return 0;
}

/* The FDE that should hold ADDR, by bisecting the .eh_frame_hdr table at
 * HDR (the caller checks that it does). */
static const uint8_t *
find_fde(const uint8_t *hdr, uintptr_t addr)
{
	/* Two pointers follow the four bytes of header, 9 bytes at most. */
	struct rd d = { hdr + 4, hdr + 4 + 2 * 9, false };
	const int32_t *tab;
	uint64_t count, lo, hi;

	if (hdr[0] != 1 || hdr[3] != 0x3b)     /* version 1, datarel sdata4 */
		return NULL;
	(void)rd_pointer(&d, hdr[1], (uintptr_t)hdr);
	count = (uint64_t)rd_pointer(&d, hdr[2], (uintptr_t)hdr);
	if (d.bad || count == 0)
		return NULL;
	tab = (const int32_t *)(const void *)d.p;
	if (addr < (uintptr_t)hdr + (intptr_t)tab[0])
		return NULL;
	/* The last entry whose code starts at or below ADDR. */
	lo = 0;
	hi = count;
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		if ((uintptr_t)hdr + (intptr_t)tab[2 * mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	return hdr + (intptr_t)tab[2 * lo + 1];
}

/* A length-prefixed CIE or FDE record at P: its contents in *D, after
 * the length; false for a terminator or a 64-bit record's bad length. */
static bool
record(const uint8_t *p, struct rd *d)
{
	uint64_t len;

	memcpy(&len, p, 4);
	len &= 0xffffffffu;
	p += 4;
	if (len == 0xffffffffu) {
		memcpy(&len, p, 8);
		p += 8;
	}
	if (len == 0 || len > (1u << 30))
		return false;
	d->p = p;
	d->end = p + len;
	d->bad = false;
	return true;
}

struct cie {
	uint64_t code_align;
	int64_t data_align;
	uint8_t fde_enc;
	bool aug_z;
	struct rd insns;        /* initial instructions */
};

static bool
parse_cie(const uint8_t *p, struct cie *c)
{
	struct rd d;
	const char *aug;
	uint8_t version;
	uint64_t ra;

	if (!record(p, &d) || rd_fixed(&d, 4) != 0)
		return false;
	version = (uint8_t)rd_fixed(&d, 1);
	aug = (const char *)d.p;
	while (d.p < d.end && *d.p != 0)
		d.p++;
	if (d.p++ >= d.end || (version != 1 && version != 3 && version != 4))
		return false;
	if (version == 4 && rd_fixed(&d, 2) != 8)      /* address size 8 */
		return false;
	c->code_align = rd_uleb(&d);
	c->data_align = rd_sleb(&d);
	ra = version == 1 ? rd_fixed(&d, 1) : rd_uleb(&d);
	c->fde_enc = 0;
	c->aug_z = aug[0] == 'z';
	if (c->aug_z) {
		uint64_t len = rd_uleb(&d);
		struct rd a = { d.p, d.p + len, d.bad };

		if (d.bad || len > (uint64_t)(d.end - d.p))
			return false;
		for (aug++; *aug != 0; aug++) {
			switch (*aug) {
			case 'R':
				c->fde_enc = (uint8_t)rd_fixed(&a, 1);
				break;
			case 'L':
				(void)rd_fixed(&a, 1);
				break;
			case 'P':
				(void)rd_format(&a, (uint8_t)rd_fixed(&a, 1));
				break;
			default:        /* 'S', a signal frame; or unknown */
				return false;
			}
		}
		if (a.bad)
			return false;
		rd_skip(&d, len);
	} else if (aug[0] != 0) {
		return false;
	}
	c->insns = d;
	return !d.bad && ra == 16;
}

/* The rules a call frame program can give the registers walked here. */
enum { HOW_UNSET, HOW_SAME, HOW_OFFSET, HOW_UNDEF, HOW_OTHER };

struct regs {
	int cfa_reg;            /* -1: a DWARF expression */
	int64_t cfa_off;
	uint8_t ra_how, bp_how;
	int64_t ra_off, bp_off;
};

struct machine {
	struct regs now, init;  /* init: after the CIE's instructions */
	struct regs saved[STATES];
	int depth;
	uintptr_t loc, addr;    /* the row's address, the one wanted */
	const struct cie *cie;
};

static void
set_reg(struct regs *r, uint64_t reg, uint8_t how, int64_t off)
{
	if (reg == 16) {
		r->ra_how = how;
		r->ra_off = off;
	} else if (reg == 6) {
		r->bp_how = how;
		r->bp_off = off;
	}
}

static void
restore_reg(struct machine *m, uint64_t reg)
{
	if (reg == 16)
		set_reg(&m->now, reg, m->init.ra_how, m->init.ra_off);
	else if (reg == 6)
		set_reg(&m->now, reg, m->init.bp_how, m->init.bp_off);
}

/* What one instruction asks of the interpreter. */
enum { OP_NEXT, OP_ADVANCE, OP_DONE, OP_BAD };

/* The instructions that set a register's rule (the low-numbered forms
 * aside); OP_BAD for any other. */
static int
reg_op(struct machine *m, struct rd *d, uint8_t op)
{
	const struct cie *c = m->cie;
	uint64_t reg;

	switch (op) {
	case 0x05:                      /* offset_extended */
		reg = rd_uleb(d);
		set_reg(&m->now, reg, HOW_OFFSET,
		    (int64_t)rd_uleb(d) * c->data_align);
		return OP_NEXT;
	case 0x06:                      /* restore_extended */
		restore_reg(m, rd_uleb(d));
		return OP_NEXT;
	case 0x07:                      /* undefined */
		set_reg(&m->now, rd_uleb(d), HOW_UNDEF, 0);
		return OP_NEXT;
	case 0x08:                      /* same_value */
		set_reg(&m->now, rd_uleb(d), HOW_SAME, 0);
		return OP_NEXT;
	case 0x09:                      /* register */
	case 0x14:                      /* val_offset */
		reg = rd_uleb(d);
		(void)rd_uleb(d);
		set_reg(&m->now, reg, HOW_OTHER, 0);
		return OP_NEXT;
	case 0x10:                      /* expression */
	case 0x16:                      /* val_expression */
		reg = rd_uleb(d);
		rd_skip(d, rd_uleb(d));
		set_reg(&m->now, reg, HOW_OTHER, 0);
		return OP_NEXT;
	case 0x11:                      /* offset_extended_sf */
		reg = rd_uleb(d);
		set_reg(&m->now, reg, HOW_OFFSET, rd_sleb(d) * c->data_align);
		return OP_NEXT;
	case 0x15:                      /* val_offset_sf */
		reg = rd_uleb(d);
		(void)rd_sleb(d);
		set_reg(&m->now, reg, HOW_OTHER, 0);
		return OP_NEXT;
	case 0x2f:              /* GNU_negative_offset_extended */
		reg = rd_uleb(d);
		set_reg(&m->now, reg, HOW_OFFSET,
		    -(int64_t)rd_uleb(d) * c->data_align);
		return OP_NEXT;
	default:
		return OP_BAD;
	}
}

/* The instructions that move the row or set the CFA's rule, then those
 * of reg_op; *DELTA for OP_ADVANCE. */
static int
row_op(struct machine *m, struct rd *d, uint8_t op, uint64_t *delta)
{
	const struct cie *c = m->cie;

	switch (op) {
	case 0x00:                      /* nop */
		return OP_NEXT;
	case 0x2e:                      /* GNU_args_size */
		(void)rd_uleb(d);
		return OP_NEXT;
	case 0x01:                      /* set_loc */
		m->loc = rd_pointer(d, c->fde_enc, 0);
		return m->loc > m->addr ? OP_DONE : OP_NEXT;
	case 0x02: *delta = rd_fixed(d, 1); return OP_ADVANCE;
	case 0x03: *delta = rd_fixed(d, 2); return OP_ADVANCE;
	case 0x04: *delta = rd_fixed(d, 4); return OP_ADVANCE;
	case 0x0a:                      /* remember_state */
		if (m->depth == STATES)
			return OP_BAD;
		m->saved[m->depth++] = m->now;
		return OP_NEXT;
	case 0x0b:                      /* restore_state */
		if (m->depth == 0)
			return OP_BAD;
		m->now = m->saved[--m->depth];
		return OP_NEXT;
	case 0x0c:                      /* def_cfa */
		m->now.cfa_reg = (int)rd_uleb(d);
		m->now.cfa_off = (int64_t)rd_uleb(d);
		return OP_NEXT;
	case 0x0d:                      /* def_cfa_register */
		m->now.cfa_reg = (int)rd_uleb(d);
		return OP_NEXT;
	case 0x0e:                      /* def_cfa_offset */
		m->now.cfa_off = (int64_t)rd_uleb(d);
		return OP_NEXT;
	case 0x0f:                      /* def_cfa_expression */
		rd_skip(d, rd_uleb(d));
		m->now.cfa_reg = -1;
		return OP_NEXT;
	case 0x12:                      /* def_cfa_sf */
		m->now.cfa_reg = (int)rd_uleb(d);
		m->now.cfa_off = rd_sleb(d) * c->data_align;
		return OP_NEXT;
	case 0x13:                      /* def_cfa_offset_sf */
		m->now.cfa_off = rd_sleb(d) * c->data_align;
		return OP_NEXT;
	default:
		return reg_op(m, d, op);
	}
}

/* Run D's instructions while the row's address is at or below the one
 * wanted.  False when an instruction is unknown or malformed. */
static bool
run(struct machine *m, struct rd *d)
{
	const struct cie *c = m->cie;

	while (d->p < d->end && !d->bad) {
		uint8_t op = *d->p++;
		uint64_t delta = 0;
		int r = OP_NEXT;

		switch (op >> 6) {
		case 1:                         /* advance_loc */
			delta = op & 0x3f;
			r = OP_ADVANCE;
			break;
		case 2:                         /* offset */
			set_reg(&m->now, op & 0x3f, HOW_OFFSET,
			    (int64_t)rd_uleb(d) * c->data_align);
			break;
		case 3:                         /* restore */
			restore_reg(m, op & 0x3f);
			break;
		default:
			r = row_op(m, d, op, &delta);
		}
		if (r == OP_DONE)
			return true;
		if (r == OP_BAD)
			return false;
		if (r == OP_ADVANCE) {
			m->loc += delta * c->code_align;
			if (m->loc > m->addr)
				return true;
		}
	}
	return !d->bad;
}

/* OFF is a whole number of words that a rule can hold. */
static bool
in_words(int64_t off)
{
	return off % 8 == 0 && off / 8 >= INT8_MIN && off / 8 <= INT8_MAX;
}

/* The rule at code address ADDR, from the tables; R_NONE when it needs
 * more than the walk does. */
static void
derive(uintptr_t addr, struct rule *r)
{
	struct dl_find_object fo;
	const uint8_t *fde;
	struct machine m;
	struct cie c;
	struct rd d;
	uintptr_t begin, range;
	uint32_t cie_off;

	r->kind = R_NONE;
	if (_dl_find_object((void *)addr, &fo) != 0 || fo.dlfo_eh_frame ==
	    NULL || (fde = find_fde(fo.dlfo_eh_frame, addr)) == NULL ||
	    !record(fde, &d))
		return;
	cie_off = (uint32_t)rd_fixed(&d, 4);
	if (cie_off == 0 || !parse_cie(d.p - 4 - cie_off, &c))
		return;
	begin = rd_pointer(&d, c.fde_enc, 0);
	range = (uintptr_t)rd_format(&d, c.fde_enc);
	if (d.bad || addr < begin || addr - begin >= range)
		return;
	if (c.aug_z)
		rd_skip(&d, rd_uleb(&d));
	memset(&m, 0, sizeof m);
	m.now.cfa_reg = -1;
	m.now.bp_how = HOW_SAME;
	m.loc = begin;
	m.addr = addr;
	m.cie = &c;
	if (!run(&m, &c.insns))
		return;
	m.init = m.now;
	m.depth = 0;
	if (!run(&m, &d))
		return;
	if (m.now.ra_how == HOW_UNDEF) {
		r->kind = R_END;
		return;
	}
	if (m.now.bp_how == HOW_SAME)
		m.now.bp_off = 0;
	if ((m.now.cfa_reg != 7 && m.now.cfa_reg != 6) ||
	    m.now.ra_how != HOW_OFFSET ||
	    (m.now.bp_how != HOW_SAME && m.now.bp_how != HOW_OFFSET) ||
	    m.now.cfa_off < INT32_MIN || m.now.cfa_off > INT32_MAX ||
	    !in_words(m.now.ra_off) || !in_words(m.now.bp_off) ||
	    m.now.ra_off == 0 ||
	    (m.now.bp_how == HOW_OFFSET && m.now.bp_off == 0))
		return;
	r->cfa_off = (int32_t)m.now.cfa_off;
	r->ra_at = (int8_t)(m.now.ra_off / 8);
	r->bp_at = (int8_t)(m.now.bp_off / 8);
	r->kind = m.now.cfa_reg == 7 ? R_SP : R_BP;
}

static inline __attribute__((always_inline)) void
rule_at(uintptr_t addr, struct rule *r)
{
	const struct rtable *t = __atomic_load_n(&table, __ATOMIC_ACQUIRE);

	if (t != NULL && rules_lookup(t, addr, r))
		return;
	derive(addr, r);
	remember(addr, r);
}

/* ---- the walk ----------------------------------------------------------- */

/* Frame N of the walk, at stack pointer SP, is about to be walked with
 * rule R: what it reads goes into W from the frame at W->from on. */
static inline void
note(struct dhat__walk *w, int n, uintptr_t sp, const struct rule *r,
    uintptr_t ra_at, uintptr_t bp, uintptr_t bp_home)
{
	int i;

	if (w->first < 0) {
		if (sp != w->from)
			return;
		w->first = n;
	}
	i = n - w->first;
	w->len = i + 1;
	if (i >= DHAT__WALK_FRAMES)
		return;
	w->n = i + 1;
	w->ra_at[i] = ra_at;
	w->bp_at[i] = r->kind == R_BP ? bp_home : 1;
	w->bp[i] = bp;
}

/* The return addresses a walk expects to find, frame by frame, and the
 * rules the table already holds for them (KNOWN: bit I, for GUESS[I]). */
struct hint {
	const uintptr_t *guess;
	int n;
	uint32_t known;
	struct rule r[DHAT__HINT_FRAMES];
};

/* The rules of every expected frame, looked up at once rather than one
 * frame after the other, so that the lookups overlap: only the table's,
 * never the unwind tables' (an expected address that is wrong may be no
 * code at all). */
static void
hint_rules(struct hint *h)
{
	const struct rtable *t = __atomic_load_n(&table, __ATOMIC_ACQUIRE);
	int i;

	h->known = 0;
	for (i = 0; t != NULL && i < h->n; i++)
		if (h->guess[i] > 1 && rules_lookup(t, h->guess[i] - 1, &h->r[i]))
			h->known |= (uint32_t)1 << i;
}

/* The rule for frame N at return address IP (LOOK: where to look it up):
 * the hint's when it expected this very address. */
static inline __attribute__((always_inline)) void
frame_rule(const struct hint *h, int n, uintptr_t ip, uintptr_t look,
    struct rule *r)
{
	if (h != NULL && n < h->n && ip == h->guess[n] && look == ip - 1 &&
	    (h->known >> n & 1)) {
		*r = h->r[n];
		return;
	}
	rule_at(look, r);
}

/* Walk from the frame running at IP (LOOK: where its rule is looked up)
 * with stack pointer SP and rbp BP, read from the word at BP_HOME (0:
 * the register's own), into BUF.  Where rbp's value came from is
 * followed for the stack cache's sake.  KEEP and H: see
 * dhat__unwind_from (W is not NULL then). */
static inline __attribute__((always_inline)) int
walk(uintptr_t *buf, int cap, struct dhat__walk *w, size_t keep,
    const struct hint *h, uintptr_t ip, uintptr_t look, uintptr_t sp,
    uintptr_t bp, uintptr_t bp_home, uintptr_t hi)
{
	int n = 0;

	while (n < cap) {
		struct rule r;
		uintptr_t cfa, ra_at, bp_at;

		buf[n++] = ip;
		if (keep != 0 && (size_t)n > keep && w->first >= 0 &&
		    dhat__stack_walked_enough(buf, (size_t)n, keep)) {
			w->len = n - w->first;
			w->cut = true;
			break;
		}
		frame_rule(h, n - 1, ip, look, &r);
		if (r.kind == R_END) {
			if (w != NULL) {
				note(w, n - 1, sp, &r, 0, bp, bp_home);
				w->whole = true;
			}
			break;
		}
		if (r.kind == R_NONE)
			return -1;
		cfa = (r.kind == R_SP ? sp : bp) + (uintptr_t)(intptr_t)r.cfa_off;
		ra_at = cfa + (uintptr_t)(8 * (intptr_t)r.ra_at);
		bp_at = cfa + (uintptr_t)(8 * (intptr_t)r.bp_at);
		if (cfa <= sp || ra_at < sp || ra_at > hi - sizeof ip ||
		    (r.bp_at != 0 && (bp_at < sp || bp_at > hi - sizeof bp)))
			return -1;
		if (w != NULL)
			note(w, n - 1, sp, &r, ra_at, bp, bp_home);
		if (r.bp_at != 0) {
			bp = *(const uintptr_t *)bp_at;
			bp_home = bp_at;
		}
		ip = *(const uintptr_t *)ra_at;
		sp = cfa;
		if (ip == 0) {
			if (w != NULL)
				w->whole = true;
			break;
		}
		look = ip - 1;   /* in the call, not after it */
	}
	return n;
}

static inline void
walk_reset(struct dhat__walk *w)
{
	if (w != NULL) {
		w->first = -1;
		w->len = w->n = 0;
		w->whole = w->cut = false;
	}
}

/* Not inlined: the walk starts from this function's own frame, whose
 * registers the asm reads at a point its unwind tables describe. */
__attribute__((noinline)) int
dhat__unwind_fast(uintptr_t *buf, int cap, struct dhat__walk *w)
{
	uintptr_t ip, sp, bp, lo, hi;

	walk_reset(w);
	/* Under Valgrind the time does not matter, and helgrind would take
	 * the table's atomics for races. */
	if (DHAT__UNDER_VALGRIND() || !dhat__stack_bounds(&lo, &hi))
		return -1;
	__asm__ volatile("lea 0(%%rip), %0\n\t"
	    "mov %%rsp, %1\n\t"
	    "mov %%rbp, %2" : "=r"(ip), "=r"(sp), "=r"(bp));
	if (sp < lo || sp >= hi)
		return -1;
	return walk(buf, cap, w, 0, NULL, ip, ip, sp, bp, 0, hi);
}

/*
 * The same walk, from the frame that runs at stack address FROM: the
 * caller of a libdhat function that keeps a frame pointer and whose CFA
 * FROM is, so that its return address lies at FROM - 8 and its caller's
 * rbp at FROM - 16, which is where the walk from the innermost frame
 * would find them by that function's tables.  libdhat's own frames
 * inside it are not walked at all.
 */
int
dhat__unwind_from(uintptr_t *buf, int cap, struct dhat__walk *w,
    size_t keep, const uintptr_t *guess, int nguess)
{
	uintptr_t from = w->from, lo, hi, ip;
	uintptr_t bp_home = from - 2 * sizeof(uintptr_t);
	struct hint h;

	walk_reset(w);
	if (DHAT__UNDER_VALGRIND() || !dhat__stack_bounds(&lo, &hi) ||
	    from - 2 * sizeof(uintptr_t) < lo || from >= hi)
		return -1;
	ip = *(const uintptr_t *)(from - sizeof(uintptr_t));
	if (ip == 0)
		return -1;
	h.guess = guess;
	h.n = nguess < DHAT__HINT_FRAMES ? nguess : DHAT__HINT_FRAMES;
	hint_rules(&h);
	return walk(buf, cap, w, keep, &h, ip, ip - 1, from,
	    *(const uintptr_t *)bp_home, bp_home, hi);
}

#else

int
dhat__unwind_fast(uintptr_t *buf, int cap, struct dhat__walk *w)
{
	(void)buf;
	(void)cap;
	if (w != NULL)
		w->first = -1;
	return -1;
}

int
dhat__unwind_from(uintptr_t *buf, int cap, struct dhat__walk *w,
    size_t keep, const uintptr_t *guess, int nguess)
{
	(void)buf;
	(void)cap;
	(void)keep;
	(void)guess;
	(void)nguess;
	w->first = -1;
	return -1;
}

void
dhat__unwind_forget(void)
{
	dhat__stack_cache_flush();
}

#endif
