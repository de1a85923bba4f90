/* SPDX-License-Identifier: MIT */
/*
 * oplog.c - the operation logs' merge, with both kinds of key (lib/oplog.c):
 * numbers from the shared counter everywhere, and TSC counts on x86-64.
 * The kind is fixed once per process, so each runs in a child of its own,
 * which sends its findings back through a pipe.
 *
 * - One thread logs, and another that has no log takes the lock after
 *   each of its operations: the lock's holder sees every operation
 *   before, and none after, with the keys of a lone log.
 * - Two threads take turns, each operation after the other thread's
 *   previous one: the merge must give back exactly that order, across
 *   logs that fill up and are merged by either thread meanwhile.
 * - Two threads log at once with nothing between them: every operation
 *   is applied once, each thread's in its own order.
 * - An operation whose key was taken before a merge began, but whose entry
 *   is published only after: the merge waits at the log's open gate, and
 *   applies it.
 */
#include "config.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guard.h"
#include "heap.h"
#include "live_table.h"
#include "lock.h"
#include "oplog.h"
#include "pp_table.h"
#include "tap.h"

/* What the merge needs from the rest of the library. */
__thread int dhat__guard __attribute__((tls_model("initial-exec")));
struct dhat__hot dhat__hot;
uint64_t dhat__pp_epoch = 1;
/* No fatal signal is ever caught here. */
int dhat__fatal_pending;
void
dhat__fatal_serve(void)
{
}
#ifdef HAVE_VALGRIND_HELGRIND_H
int dhat__valgrind;
#endif

static int want_tsc;

int
dhat__clock_tsc(void)
{
	return want_tsc;
}

uint64_t
dhat__heap_stamp(void)
{
	return 0;
}

/* The operations in the order they were applied (under the lock). */
#define MAX_OPS 20000
static uintptr_t applied[MAX_OPS];
static size_t napplied;

/* Frees are recorded with this bit. */
#define FREED ((uintptr_t)1 << 61)
/* Whether to hold a block for its free, as heap.c does; how many were
 * held, and how many frees came with another block than the one held. */
static int holding;
static size_t nheld, nwrong;

static void
record(uintptr_t v)
{
	if (napplied < MAX_OPS)
		applied[napplied] = v;
	napplied++;
}

bool
dhat__heap_apply(const struct dhat__op *o, const struct dhat__op *f,
    struct dhat__block *held)
{
	if (o->size == DHAT__OP_FREE) {
		record(o->ptr | FREED);
		return false;
	}
	record(o->ptr);
	if (holding && f != NULL && f->size == DHAT__OP_FREE &&
	    f->ptr == o->ptr) {
		held->ptr = o->ptr;
		return true;
	}
	return false;
}

void
dhat__heap_apply_held(const struct dhat__block *held,
    const struct dhat__op *f)
{
	nheld++;
	if (held->ptr != f->ptr)
		nwrong++;
	record(f->ptr | FREED);
}

static void
sync_all(void)
{
	dhat__lock();
	dhat__oplog_sync();
	dhat__unlock();
}

static void
push(uintptr_t id)
{
	if (!dhat__oplog_push(id, 16, 0, 1))
		abort();
}

#define ID(thread, i) (((uintptr_t)(thread) + 1) << 32 | (uintptr_t)(i))

/* ---- one log, and the lock's holder ------------------------------------ */

#define MARK ((uintptr_t)1 << 62)
#define ROUNDS 2000             /* several times a log */

static int lone_turn;

/* One thread logs; main, which has no log, takes the lock after each of
 * its operations and counts one of its own there. */
static void *
lone_logger(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		while (__atomic_load_n(&lone_turn, __ATOMIC_ACQUIRE) != 0)
			DHAT__CPU_RELAX();
		push(ID(0, i));
		__atomic_store_n(&lone_turn, 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

static bool
lone_log_kept(void)
{
	pthread_t t;
	bool many;

	napplied = 0;
	pthread_create(&t, NULL, lone_logger, NULL);
	for (int i = 0; i < ROUNDS; i++) {
		while (__atomic_load_n(&lone_turn, __ATOMIC_ACQUIRE) != 1)
			DHAT__CPU_RELAX();
		dhat__lock();
		dhat__oplog_sync();
		if (napplied < MAX_OPS)
			applied[napplied] = MARK | (uintptr_t)i;
		napplied++;
		dhat__unlock();
		__atomic_store_n(&lone_turn, 0, __ATOMIC_RELEASE);
	}
	pthread_join(t, NULL);
	many = dhat__oplog_many || dhat__oplog_claim;
	sync_all();
	if (many || napplied != 2 * ROUNDS)
		return false;
	for (size_t j = 0; j < napplied; j++)
		if (applied[j] != (j % 2 != 0 ? MARK | (j / 2) : ID(0, j / 2)))
			return false;
	return true;
}

/* Threads 0 to N - 1 running FN from an empty record to their end,
 * and what they logged applied. */
static void
run_n(int n, void *(*fn)(void *))
{
	pthread_t t[3];

	napplied = 0;
	for (int k = 0; k < n; k++)
		pthread_create(&t[k], NULL, fn, (void *)(intptr_t)k);
	for (int k = 0; k < n; k++)
		pthread_join(t[k], NULL);
	sync_all();
}

/* ---- turns ------------------------------------------------------------- */

#define TURNS 3000              /* each; several times a log */

static int turn;
/* How many threads take turns; whether each turn first frees the block
 * made in the thread's turn before (held_in_turn). */
static int nturns = 2, freeing;

static void *
take_turns(void *arg)
{
	int me = (int)(intptr_t)arg;

	for (int i = 0; i < TURNS; i++) {
		while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) != me)
			DHAT__CPU_RELAX();
		if (freeing && i > 0 && !dhat__oplog_push(ID(me, i - 1),
		    DHAT__OP_FREE, 0, 0))
			abort();
		push(ID(me, i));
		__atomic_store_n(&turn, (me + 1) % nturns, __ATOMIC_RELEASE);
	}
	return NULL;
}

/* N threads in turn, each operation applied in its turn.  With three,
 * the logs go through the merge's heap. */
static bool
turns_kept(int n)
{
	nturns = n;
	turn = 0;
	run_n(n, take_turns);
	nturns = 2;
	if (napplied != (size_t)n * TURNS)
		return false;
	for (size_t j = 0; j < napplied; j++)
		if (applied[j] != ID(j % n, j / n))
			return false;
	return true;
}

/* ---- a block held for its free --------------------------------------- */

/*
 * In each turn a thread frees the block it made in its previous turn and
 * makes the next: in its log a block's free follows its allocation, and
 * in the one order the other thread's turn comes between them.  The
 * merge must hold the block for its free and apply the free in its own
 * turn.
 */
static bool
held_in_turn(void)
{
	size_t j = 0;
	bool good = true;

	holding = freeing = 1;
	turn = 0;
	run_n(2, take_turns);
	holding = freeing = 0;
	/* Turn by turn: thread 0 frees its last block and makes one, then
	 * thread 1 does. */
	for (int i = 0; i < TURNS && good; i++) {
		for (int me = 0; me < 2 && good; me++) {
			if (i > 0)
				good = j < napplied &&
				    applied[j++] == (ID(me, i - 1) | FREED);
			good = good && j < napplied &&
			    applied[j++] == ID(me, i);
		}
	}
	/* Most frees come in the merge of their allocation. */
	return good && j == napplied && nwrong == 0 && nheld > TURNS;
}

/* ---- at once ----------------------------------------------------------- */

#define AT_ONCE 5000

static void *
log_freely(void *arg)
{
	int me = (int)(intptr_t)arg;

	for (int i = 0; i < AT_ONCE; i++)
		push(ID(me, i));
	return NULL;
}

static bool
each_once_in_order(void)
{
	int next[2] = { 0, 0 };

	run_n(2, log_freely);
	if (napplied != 2 * AT_ONCE)
		return false;
	for (size_t j = 0; j < napplied; j++) {
		int k = (int)(applied[j] >> 32) - 1;

		if (k < 0 || k > 1 || (applied[j] & 0xffffffff) !=
		    (uintptr_t)next[k]++)
			return false;
	}
	return true;
}

/* ---- claiming lines ---------------------------------------------------- */

/* After turns_kept, two logs exist: their threads claim the lines of
 * their logs ahead exactly where the processor has PREFETCHW. */
static bool
claim_set(void)
{
	bool can = true;
#if defined(__x86_64__) || defined(__i386__)
	unsigned a, b, c, d;

	can = __get_cpuid(0x80000001, &a, &b, &c, &d) &&
	    (c & bit_PRFCHW) != 0;
#endif
	return dhat__oplog_many && dhat__oplog_claim == can;
}

/* ---- an open gate ------------------------------------------------------ */

static int key_taken, merge_started;

/* An entry made by hand, as dhat__oplog_push makes it, with a pause
 * between the key and the publication. */
static void *
slow_entry(void *arg)
{
	struct dhat__log *l;
	struct dhat__op *o;
	uint64_t h, g;

	(void)arg;
	push(ID(0, 0));                 /* this thread's log */
	l = dhat__my_log;
	h = l->head;
	o = &l->ops[h % DHAT__LOG_N];
	o->ptr = ID(0, 1);
	o->size = 16;
	o->pp = 0;
	g = l->gate;
	(void)__atomic_exchange_n(&l->gate, g + 1, __ATOMIC_SEQ_CST);
	if (want_tsc) {
		o->t = dhat__tsc_ordered();
		o->seq = 1;
	} else {
		o->seq = (uint32_t)__atomic_fetch_add(&dhat__op_seq, 1,
		    __ATOMIC_SEQ_CST);
	}
	__atomic_store_n(&key_taken, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&merge_started, __ATOMIC_ACQUIRE))
		DHAT__CPU_RELAX();
	usleep(100000);                 /* the merge is at the gate */
	__atomic_store_n(&l->head, h + 1, __ATOMIC_RELEASE);
	__atomic_store_n(&l->gate, g + 2, __ATOMIC_RELEASE);
	return NULL;
}

static bool
gate_waited(void)
{
	pthread_t t;

	napplied = 0;
	pthread_create(&t, NULL, slow_entry, NULL);
	while (!__atomic_load_n(&key_taken, __ATOMIC_ACQUIRE))
		DHAT__CPU_RELAX();
	__atomic_store_n(&merge_started, 1, __ATOMIC_RELEASE);
	sync_all();
	/* Both entries, in this one merge, without a second look. */
	if (napplied != 2 || applied[0] != ID(0, 0) || applied[1] != ID(0, 1))
		return false;
	pthread_join(t, NULL);
	return true;
}

/* ---- one kind of key per child ----------------------------------------- */

#define NCHECKS 7

static void
run_child(int tsc, int fd)
{
	char r[NCHECKS];

	want_tsc = tsc;
	dhat__oplog_init();
	r[0] = lone_log_kept();
	r[1] = turns_kept(2);
	r[2] = each_once_in_order();
	r[3] = gate_waited();
	r[4] = claim_set();
	r[5] = held_in_turn();
	r[6] = turns_kept(3);
	if (write(fd, r, sizeof r) != (ssize_t)sizeof r)
		_exit(2);
	_exit(0);
}

static void
check_kind(int tsc, const char *kind)
{
	char r[NCHECKS] = { 0 };
	int fd[2], st = -1;
	pid_t pid;

	if (pipe(fd) != 0 || (pid = fork()) < 0)
		bail("pipe or fork: %s", strerror(errno));
	if (pid == 0) {
		close(fd[0]);
		run_child(tsc, fd[1]);
	}
	close(fd[1]);
	if (read(fd[0], r, sizeof r) != (ssize_t)sizeof r)
		diag("%s: the child sent no findings", kind);
	close(fd[0]);
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: the child ran through",
	    kind);
	ok(r[0], "%s: one log and the lock's holder, in turn", kind);
	ok(r[1], "%s: turns taken across two logs are applied in turn",
	    kind);
	ok(r[2], "%s: two threads at once: each operation once, in its "
	    "thread's order", kind);
	ok(r[3], "%s: the merge waits for an entry whose key came first",
	    kind);
	ok(r[4], "%s: with two logs, lines are claimed ahead where the "
	    "processor can", kind);
	ok(r[5], "%s: a block held for its free, the free applied in its "
	    "turn", kind);
	ok(r[6], "%s: turns taken across three logs are applied in turn",
	    kind);
}

int
main(void)
{
#if defined(__x86_64__)
	plan(2 * (NCHECKS + 1));
#else
	plan(NCHECKS + 1);
#endif
	check_kind(0, "counter");
#if defined(__x86_64__)
	check_kind(1, "TSC");
#endif
	return done_testing();
}
