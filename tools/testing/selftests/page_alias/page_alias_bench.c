// SPDX-License-Identifier: GPL-2.0
/*
 * page_alias_bench: cost of TTM-like cache attribute changes, with and
 * without a lazy vmap backlog, under the page_alias_check policies.
 * Not a test: it prints numbers.  One line per measurement:
 *
 *   BENCH,<kernel>,<policy>,<load>,<pages>,<iters>,<median_ns>,<p99_ns>,
 *         <mean_ns>,<flushes/round>,<check flushes/round>,<forced/round>,
 *         <blind/round>,<churn flushes/s>
 *
 * A round is set_pages_array_wc() + set_pages_array_wb() (3 CPA calls).
 * <load> is "busy" (another CPU spins in user space: under TCG an idle
 * vCPU answers IPIs slowly, which would swamp everything) or "backlog"
 * (another CPU runs vmap/vunmap, keeping a lazy backlog).
 *
 * Usage: page_alias_bench KERNEL_LABEL POLICY... (e.g. "on off purge")
 *        page_alias_bench --backlog SECONDS: only the backlog's vmap/vunmap
 *        loop, for another benchmark to run beside (make bench: vgem)
 * Env: BENCH_ITERS (default 200), BENCH_PAGES (default "1 16 512").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "../../../../include/uapi/linux/page_alias_test.h"

#define DBG "/sys/kernel/debug/page_alias_check/"

static long stat_read(const char *name)
{
	char line[128];
	size_t len = strlen(name);
	long val = 0;
	FILE *f = fopen(DBG "stats", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, len) && line[len] == ':')
			val = atol(line + len + 1);
	fclose(f);
	return val;
}

static int policy_set(const char *p)
{
	int fd = open(DBG "policy", O_WRONLY);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, p, strlen(p)) == (ssize_t)strlen(p);
	close(fd);
	return ok ? 0 : -1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool churn_stop;

static bool stopping(void)
{
	return __atomic_load_n(&churn_stop, __ATOMIC_RELAXED);
}

static void set_stop(bool stop)
{
	__atomic_store_n(&churn_stop, stop, __ATOMIC_RELAXED);
}

/* Keep another CPU busy without touching vmalloc. */
static void *spin(void *arg)
{
	unsigned long n = 0;

	while (!stopping())
		__atomic_add_fetch(&n, 1, __ATOMIC_RELAXED);
	return NULL;
}

/* A filesystem-like vmap/vunmap loop on another CPU: a lazy backlog. */
static void *churn(void *arg)
{
	int fd = open("/dev/page_alias_test", O_RDWR), i = 0;

	while (!stopping()) {
		struct palias_alias_req ar = { .pages = 1 + i++ % 16,
					    .alias = PALIAS_ALIAS_VMAP };
		ioctl(fd, PALIAS_IOC_ALIAS, &ar);
	}
	close(fd);
	return NULL;
}

static void bench(int fd, const char *kernel, const char *policy,
		  bool backlog, unsigned int pages, unsigned int iters,
		  double churn_rate)
{
	struct palias_bench b = { .pages = pages, .iters = iters };
	long f0 = stat_read("flushes_seen"), c0 = stat_read("flushes_in_checks");
	long p0 = stat_read("purges_forced"), u0 = stat_read("purges_blind");
	long calls = iters;	/* rounds: set_pages_array_wc + _wb */

	if (ioctl(fd, PALIAS_IOC_BENCH, &b)) {
		fprintf(stderr, "PALIAS_IOC_BENCH: %s\n", strerror(errno));
		exit(1);
	}
	printf("BENCH,%s,%s,%s,%u,%u,%llu,%llu,%llu,%.3f,%.3f,%.3f,%.3f,%.1f\n",
	       kernel, policy, backlog ? "backlog" : "busy", pages, iters,
	       (unsigned long long)b.median_ns, (unsigned long long)b.p99_ns,
	       (unsigned long long)b.mean_ns,
	       (double)(stat_read("flushes_seen") - f0) / calls,
	       (double)(stat_read("flushes_in_checks") - c0) / calls,
	       (double)(stat_read("purges_forced") - p0) / calls,
	       (double)(stat_read("purges_blind") - u0) / calls, churn_rate);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *pages_env = getenv("BENCH_PAGES") ?: "1 16 512";
	unsigned int iters = getenv("BENCH_ITERS") ? atoi(getenv("BENCH_ITERS")) : 200;
	unsigned int pages[8], npages = 0, i;
	int fd, a, backlog;
	char buf[64], *tok, *save;
	pthread_t th;

	if (argc == 3 && !strcmp(argv[1], "--backlog")) {
		a = atoi(argv[2]);
		if (a < 1 || a > 3600) {
			fprintf(stderr, "--backlog %s: expected 1..3600 seconds\n", argv[2]);
			return 2;
		}
		pthread_create(&th, NULL, churn, NULL);
		sleep(a);
		set_stop(true);
		pthread_join(th, NULL);
		return 0;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: %s KERNEL_LABEL POLICY...\n", argv[0]);
		return 2;
	}
	snprintf(buf, sizeof(buf), "%s", pages_env);
	for (tok = strtok_r(buf, " ", &save); tok && npages < 8;
	     tok = strtok_r(NULL, " ", &save))
		pages[npages++] = atoi(tok);
	fd = open("/dev/page_alias_test", O_RDWR);
	if (fd < 0) {
		perror("/dev/page_alias_test");
		return 1;
	}
	for (backlog = 0; backlog < 2; backlog++) {
		double rate = 0;

		set_stop(false);
		if (!backlog) {
			pthread_create(&th, NULL, spin, NULL);
		} else {
			long f0;
			double t0;

			pthread_create(&th, NULL, churn, NULL);
			/* The churn's own flush rate, before any CPA runs. */
			f0 = stat_read("flushes_seen");
			t0 = now();
			sleep(2);
			rate = (stat_read("flushes_seen") - f0) / (now() - t0);
		}
		for (a = 2; a < argc; a++) {
			if (strcmp(argv[a], "-") && policy_set(argv[a])) {
				fprintf(stderr, "cannot set policy %s\n", argv[a]);
				return 1;
			}
			for (i = 0; i < npages; i++)
				bench(fd, argv[1], argv[a], backlog, pages[i],
				      pages[i] > 64 ? iters / 4 : iters, rate);
		}
		set_stop(true);
		pthread_join(th, NULL);
	}
	close(fd);
	return 0;
}
