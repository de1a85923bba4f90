/* SPDX-License-Identifier: MIT */
/*
 * run-adhoc.c - ad hoc events from a program that does not link libdhat:
 * dhat_ad_hoc_event is declared weak, so the program runs alone (the
 * calls are skipped) and reports its events under dhat-run --mode=ad-hoc.
 *
 *   run-adhoc [STOPFILE]
 *
 * cache_miss() reports 3 events of weight 10, page_fault() 2 of weight 5:
 * 40 units in 5 events.  With STOPFILE it then prints "ready PID" and
 * reports one event of weight 1 in tick() every 10 ms until STOPFILE
 * exists (20 s at most), for snapshots.  Exits 0 (3 on the time-out).
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

void dhat_ad_hoc_event(uint64_t weight) __attribute__((weak));

static void
report(uint64_t weight)
{
	if (dhat_ad_hoc_event != NULL)
		dhat_ad_hoc_event(weight);
}

static void
cache_miss(void)
{
	report(10);
}

static void
page_fault(void)
{
	report(5);
}

static void
tick(void)
{
	report(1);
}

int
main(int argc, char **argv)
{
	const struct timespec pause = { 0, 10 * 1000 * 1000 };
	char line[64];
	int n;

	for (int i = 0; i < 3; i++)
		cache_miss();
	for (int i = 0; i < 2; i++)
		page_fault();
	if (argc < 2)
		return 0;
	n = snprintf(line, sizeof(line), "ready %ld\n", (long)getpid());
	if (write(1, line, (size_t)n) != n)
		return 1;
	for (int i = 0; i < 2000; i++) {
		if (access(argv[1], F_OK) == 0)
			return 0;
		tick();
		nanosleep(&pause, NULL);
	}
	return 3;
}
