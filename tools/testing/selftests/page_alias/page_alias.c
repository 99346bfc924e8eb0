// SPDX-License-Identifier: GPL-2.0
/*
 * page_alias: kselftest for CONFIG_PAGE_ALIAS_CHECK, driving the DRM/TTM- and
 * AGP-like test driver /dev/page_alias_test (CONFIG_PAGE_ALIAS_TEST).
 *
 * Each scenario makes lazy kernel aliases of pages (vmap, vm_map_ram,
 * vmalloc, vfree_atomic), frees them, gets them back from the allocator and
 * makes them WC/UC, under the policies off, purge and warn, and checks the
 * driver's verdict, the checker's stats and the kernel log.  Under "off" the
 * alias must go unnoticed (what a regression would look like); under purge
 * and warn it must be caught and purged.
 *
 *   page_alias            all tests (KTAP)
 *   page_alias --seed     one seed scenario under the current policy
 *   page_alias --bug      one seed scenario; with page_alias_check=bug the
 *                         kernel must BUG() with a report (run in its own boot)
 *   page_alias --live     only the live-mapping tests (page_alias_check_live):
 *                         with live tracking off, the ones that must catch a
 *                         bug fail (scripts/check.sh checks that they do)
 *   page_alias --churn S  only TTM-like WC/UC alloc/free cycles for S seconds
 *                         in (CPUs - 1) threads: no alias-making thread and no
 *                         seed cycles, so every alias it hits comes from
 *                         elsewhere (scripts/guest/tests/xfs.sh: XFS buffers)
 *   page_alias --vgem     a real driver as the new owner: vgem's dumb buffers
 *                         (write-combined shmem pages) get pages with a lazy
 *                         alias under off, purge and warn; then dumb buffer
 *                         churn on every CPU beside vmap churn (CONFIG_DRM_VGEM)
 *   page_alias --vgem-bug the vgem scenario under page_alias_check=bug: the
 *                         kernel must BUG() (run in its own boot)
 *   page_alias --pause    tracking paused and resumed at run time (debugfs
 *                         "enabled"), boot with page_alias_check_live=off
 *   page_alias --vmap-block  only the fully used vmap_block scenario, under
 *                         off, purge and warn (also part of the full run)
 * Env: CHURN_SECONDS (default 4): duration of each concurrent churn test.
 *      VMAP_BLOCK_BUG=1: this kernel's vm_unmap_aliases() does not flush
 *      fully used vmap_blocks (6.1 without the 6.5 fix): the vmap_block
 *      scenario must see the stale alias survive the purge, strict mode
 *      must report it, epoch mode and policy off must miss it.  Unset or
 *      0: the purge must flush it and nothing may be reported.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/drm_mode.h>

#include "../kselftest.h"
#include "../../../../include/uapi/linux/page_alias_test.h"

#define DEV		"/dev/page_alias_test"
#define DBG		"/sys/kernel/debug/page_alias_check/"
#define REPORT		"page_alias_check: lazy alias pfn:"

static bool have_checker;

/* ---- helpers ------------------------------------------------------------ */

static long stat_read(const char *name)
{
	char line[128];
	size_t len = strlen(name);
	long val = -1;
	FILE *f = fopen(DBG "stats", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, len) && line[len] == ':')
			val = atol(line + len + 1);
	fclose(f);
	return val;
}

/* Epoch mode: pages are stamped, not counted; pages_tracked stays 0. */
static bool epoch_mode(void)
{
	char line[128];
	bool epoch = false;
	FILE *f = fopen(DBG "stats", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		epoch = epoch || !strcmp(line, "mode: epoch\n");
	fclose(f);
	return epoch;
}

struct stats {
	long found, forced, skipped, reports, suppressed, checks;
};

static void stats_get(struct stats *s)
{
	s->found = stat_read("aliases_found");
	s->forced = stat_read("purges_forced");
	s->skipped = stat_read("purges_skipped");
	s->reports = stat_read("reports");
	s->suppressed = stat_read("reports_suppressed");
	s->checks = stat_read("checks");
}

/* Write @len bytes of @buf to debugfs file @name; returns 0 or -errno. */
static int dbg_write(const char *name, const void *buf, size_t len)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), DBG "%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, buf, len);
	close(fd);
	return n == (ssize_t)len ? 0 : (n < 0 ? -errno : -EIO);
}

static int policy_write(const void *buf, size_t len)
{
	return dbg_write("policy", buf, len);
}

static int policy_set(const char *p)
{
	return policy_write(p, strlen(p));
}

static const char *policy_get(void)
{
	static char buf[16];
	FILE *f = fopen(DBG "policy", "r");

	buf[0] = '\0';
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/* The kernel log from now on: open /dev/kmsg at its end. */
static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/* The next new log record into @rec; false when there is none. */
static bool kmsg_next(int fd, char *rec, size_t size)
{
	ssize_t len;

	do {
		len = read(fd, rec, size - 1);
	} while (len < 0 && errno == EPIPE);	/* overwritten records */
	if (len < 0)
		return false;
	rec[len] = '\0';
	return true;
}

/* Count new log records containing any of the NULL-terminated @needles. */
static int kmsg_count_any(int fd, const char *const *needles)
{
	const char *const *nd;
	char rec[2048];
	int n = 0;

	while (kmsg_next(fd, rec, sizeof(rec)))
		for (nd = needles; *nd; nd++)
			if (strstr(rec, *nd)) {
				n++;
				break;
			}
	return n;
}

/* Count new log records containing each of the @n @needles. */
static void kmsg_count_each(int fd, const char *const *needles, int *counts,
			    int n)
{
	char rec[2048];
	int i;

	while (kmsg_next(fd, rec, sizeof(rec)))
		for (i = 0; i < n; i++)
			counts[i] += !!strstr(rec, needles[i]);
}

static int kmsg_count(int fd, const char *needle)
{
	const char *const needles[] = { needle, NULL };

	return kmsg_count_any(fd, needles);
}

/*
 * Around a report made on purpose: the harness allows "BUG: page_alias_check"
 * lines only between these (scripts/ktap_eval.py).
 */
static void kmsg_mark(bool begin, const char *name)
{
	char msg[160];
	int fd = open("/dev/kmsg", O_WRONLY);

	if (fd < 0)
		return;
	snprintf(msg, sizeof(msg), "page_alias_check test: %s (%s)\n",
		 begin ? "expect reports" : "end of expected reports", name);
	if (write(fd, msg, strlen(msg)) < 0)
		ksft_print_msg("/dev/kmsg: %s\n", strerror(errno));
	close(fd);
}

static int dev_open(void)
{
	return open(DEV, O_RDWR);
}

static int ioc(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

/* ---- scenarios ---------------------------------------------------------- */

/*
 * @in_stack: a function the report's stack must show under warn.  A
 * scenario with it hands the pages to vgem instead of the test driver.
 */
struct scenario {
	const char *name;
	__u32 alias, mode, pages;
	const char *in_stack;
};

static const struct scenario scenarios[] = {
	{ "vmap_ttm_wc_1",	  PALIAS_ALIAS_VMAP,	  PALIAS_MODE_TTM_WC, 1 },
	{ "vmap_ttm_wc_16",	  PALIAS_ALIAS_VMAP,	  PALIAS_MODE_TTM_WC, 16 },
	{ "vm_map_ram_small_uc",  PALIAS_ALIAS_VM_MAP_RAM,	  PALIAS_MODE_TTM_UC, 8 },
	{ "vm_map_ram_large_wc",  PALIAS_ALIAS_VM_MAP_RAM,	  PALIAS_MODE_TTM_WC, 80 },
	{ "vmalloc_agp_uc",	  PALIAS_ALIAS_VMALLOC,	  PALIAS_MODE_AGP_UC, 4 },
	{ "vfree_atomic_ttm_uc",  PALIAS_ALIAS_VFREE_ATOMIC, PALIAS_MODE_TTM_UC, 2 },
};

/* ---- vgem: a real driver that makes its pages write-combining ----------- */

static int vgem_fd = -1;

/* A /dev/dri/cardN that vgem drives, or -1. */
static int vgem_open(void)
{
	char path[32], name[16];
	struct drm_version ver;
	int i, fd;

	for (i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		fd = open(path, O_RDWR);
		if (fd < 0)
			continue;
		memset(&ver, 0, sizeof(ver));
		memset(name, 0, sizeof(name));
		ver.name = name;
		ver.name_len = sizeof(name) - 1;
		if (!ioctl(fd, DRM_IOCTL_VERSION, &ver) && !strcmp(name, "vgem"))
			return fd;
		close(fd);
	}
	return -1;
}

struct vgem_buf {
	__u32 handle;
	size_t size;
	void *map;
};

/*
 * A dumb buffer of @pages pages, mapped and written: vgem's mmap gets its
 * shmem pages (drm_gem_shmem_get_pages()) and makes them write-combining.
 */
static int vgem_create(int fd, __u32 pages, struct vgem_buf *b)
{
	struct drm_mode_create_dumb c = { .width = 1024, .height = pages, .bpp = 32 };
	struct drm_mode_map_dumb m = { 0 };

	b->map = MAP_FAILED;
	if (ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &c))
		return -errno;
	b->handle = c.handle;
	b->size = c.size;
	m.handle = c.handle;
	if (ioctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &m))
		return -errno;
	b->map = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		      m.offset);
	if (b->map == MAP_FAILED)
		return -errno;
	memset(b->map, 0x5a, b->size);
	return 0;
}

/* Unmap (vgem sets the pages back to write-back) and destroy. */
static void vgem_destroy(int fd, struct vgem_buf *b)
{
	struct drm_mode_destroy_dumb d = { .handle = b->handle };

	if (b->map != MAP_FAILED)
		munmap(b->map, b->size);
	if (b->handle)
		ioctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &d);
}

/* Pin the caller to the CPU it runs on: the stale entry is in its TLB. */
static void pin_here(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(sched_getcpu(), &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* The seed scenario with vgem as the pages' new owner. */
static int vgem_seed(int fd, const struct scenario *sc, struct palias_verdict *v)
{
	struct palias_handoff req = { .pages = sc->pages, .alias = sc->alias };
	struct vgem_buf b = { 0 };
	int ret;

	pin_here();
	ret = ioc(fd, PALIAS_IOC_HANDOFF, &req);
	if (ret)
		return ret;
	ret = vgem_create(vgem_fd, sc->pages, &b);
	if (!ret)
		ret = ioc(fd, PALIAS_IOC_VERDICT, v);
	vgem_destroy(vgem_fd, &b);
	return ret;
}

/*
 * @try: 1 for a first try; later tries hold vmalloc space before the alias
 * so that it lands at another address.
 */
static int seed(int fd, const struct scenario *sc, struct palias_verdict *v,
		int try)
{
	struct palias_seed req = {
		.pages = sc->pages, .alias = sc->alias, .mode = sc->mode,
		.spacer = try - 1,
	};
	int ret;

	if (sc->in_stack)
		return vgem_seed(fd, sc, v);
	ret = ioc(fd, PALIAS_IOC_SEED, &req);

	if (!ret)
		ret = ioc(fd, PALIAS_IOC_VERDICT, v);
	return ret;
}

/* One seed run: the driver's verdict, stats around it, reports logged. */
struct seed_run {
	struct palias_verdict v;
	struct stats a, b;
	int logged, in_stack;
	int tries, other_pages, no_stale_entry, cleaned_elsewhere, oracle_missed;
};

/*
 * Why a seed run made no alias to catch, decided from pfns and the oracle
 * alone, never from the checker; NULL if it made one.
 */
static const char *no_alias_reason(struct seed_run *r)
{
	const struct palias_verdict *v = &r->v;

	if (!v->reused) {
		r->other_pages++;
		return "the allocator handed back other pages";
	}
	if (!v->live) {
		r->no_stale_entry++;
		return "no stale TLB entry was left at the change";
	}
	if (v->flushed_other == v->live) {
		r->cleaned_elsewhere++;
		return "another task's flush cleaned the alias first";
	}
	if (v->missed) {
		r->oracle_missed++;
		return "the oracle missed probe hits";
	}
	return NULL;
}

/*
 * Tries to make an alias.  vfree_atomic()'s deferred free leaves the stale
 * entry alive at the change in only some tries on a loaded TCG host (once
 * seen: 8 tries without one).
 */
#define SEED_TRIES	16

/*
 * Seed until the run makes an alias.  Retried only for what the test does
 * not control (the allocator, the TLB, other tasks' flushes, a probe hit
 * the oracle missed), with the number of retries printed; a false "clean"
 * of the checker is no reason.
 */
static int seed_alias(const struct scenario *sc, struct seed_run *r,
		      const char **why)
{
	const char *needles[2];
	int fd, kfd, ret, counts[2];

	needles[0] = REPORT;
	needles[1] = sc->in_stack ?: REPORT;

	for (r->tries = 1; ; r->tries++) {
		fd = dev_open();
		kfd = kmsg_open();
		stats_get(&r->a);
		ret = seed(fd, sc, &r->v, r->tries);
		stats_get(&r->b);
		memset(counts, 0, sizeof(counts));
		kmsg_count_each(kfd, needles, counts, 2);
		r->logged = counts[0];
		r->in_stack = counts[1];
		ioc(fd, PALIAS_IOC_FREE, NULL);
		close(fd);
		close(kfd);
		if (ret)
			return ret;
		*why = no_alias_reason(r);
		if (!*why || r->tries == SEED_TRIES)
			return 0;
	}
}

/*
 * retried for P/E/F/M = other pages / no stale entry / cleaned elsewhere /
 * the oracle missed a probe hit; at: low bits of the alias's page number.
 * oracle: live A/B/C = alias pages readable right after the unmap / reused
 * pages readable just before the change / of those, called clean by the
 * checker; flushed D/E = live pages a flush covered while still WB / first
 * by another task's flush.  reports +R/L/+S = counted / logged / held back.
 */
static void print_run(const struct scenario *sc, const char *policy,
		      const struct seed_run *r)
{
	const struct palias_verdict *v = &r->v;

	ksft_print_msg("%s/%s: pages %u reused %u at %#x; tries %d, retried for %d/%d/%d/%d\n",
		       sc->name, policy, v->pages, v->reused, v->alias_page,
		       r->tries, r->other_pages, r->no_stale_entry,
		       r->cleaned_elsewhere, r->oracle_missed);
	ksft_print_msg("%s/%s: oracle: live %u/%u/%u flushed %u/%u purges %u missed %u\n",
		       sc->name, policy, v->live_unmapped, v->live,
		       v->live_clean, v->flushed, v->flushed_other, v->purges,
		       v->missed);
	ksft_print_msg("%s/%s: checker: dirty %u->%u found +%ld forced +%ld reports +%ld/%d/+%ld\n",
		       sc->name, policy, v->dirty_before, v->dirty_after,
		       r->b.found - r->a.found, r->b.forced - r->a.forced,
		       r->b.reports - r->a.reports, r->logged,
		       r->b.suppressed - r->a.suppressed);
}

/* The first of the expectations that failed, for the result line. */
static const char *expect(const char *failed, bool ok, const char *what)
{
	return failed ?: (ok ? NULL : what);
}

/*
 * Three facts for every alias, only one of them the checker's: the alias
 * was live at the change (a stale TLB read), the checker saw it, and a
 * flush covering it completed before the page stopped being write-back
 * (kretprobes), under every policy.  "off" is upstream: a blind purge.
 */
static const char *judge(const struct scenario *sc, const struct seed_run *r,
			 const char *policy)
{
	const struct palias_verdict *v = &r->v;
	long found = r->b.found - r->a.found, reports = r->b.reports - r->a.reports;
	const char *f = NULL;

	bool checking = have_checker && strcmp(policy, "off");

	if (checking)
		f = expect(f, !v->live_clean,
			   "the checker called a live alias clean");
	f = expect(f, v->flushed == v->live,
		   "a live alias was not flushed before its page changed");
	f = expect(f, v->purges >= 1, "no vm_unmap_aliases() in the change");
	f = expect(f, !v->dirty_after, "dirty after the change");
	if (!have_checker)
		return expect(f, !v->checker && !found && !reports,
			      "the checker reported without being there");
	if (!checking)
		return expect(f, !found && !reports && !r->logged,
			      "policy off noticed the alias");
	f = expect(f, found >= 1 && r->b.forced - r->a.forced >= 1,
		   "the checker counted no alias or forced no purge");
	if (!strcmp(policy, "purge"))
		return expect(f, !reports && !r->logged, "purge reported");
	/* "lazy alias" diagnostics are rate-limited (5 a minute) */
	f = expect(f, reports >= 1 &&
		   r->logged + r->b.suppressed - r->a.suppressed >= 1,
		   "warn did not report");
	if (sc->in_stack && r->logged)
		f = expect(f, r->in_stack >= 1,
			   "the report's stack does not show the new owner");
	return f;
}

/* Fail a run that cannot be judged: no oracle, or no alias was made. */
static bool seed_unusable(const char *name, const struct seed_run *r,
			  const char *why)
{
	if (!r->v.oracle) {
		ksft_test_result_fail("%s: no oracle (CONFIG_KRETPROBES)\n", name);
		return true;
	}
	if (why) {
		ksft_test_result_fail("%s: no alias in %d tries: %s\n", name,
				      r->tries, why);
		return true;
	}
	return false;
}

static void run_scenario(const struct scenario *sc, const char *policy)
{
	const char *suffix = !have_checker ? "no_checker_alias_unnoticed" :
			     !strcmp(policy, "off") ? "off_alias_unnoticed" :
			     "alias_caught";
	struct seed_run r = { 0 };
	const char *why = NULL, *failed;
	char name[96];
	int ret;

	if (!have_checker || !strcmp(policy, "off"))
		snprintf(name, sizeof(name), "%s_%s", sc->name, suffix);
	else
		snprintf(name, sizeof(name), "%s_%s_%s", sc->name, policy, suffix);
	ret = seed_alias(sc, &r, &why);
	if (ret) {
		ksft_test_result_fail("%s: seed failed: %s\n", name, strerror(-ret));
		return;
	}
	print_run(sc, have_checker ? policy : "none", &r);
	if (seed_unusable(name, &r, why))
		return;
	failed = judge(sc, &r, policy);
	if (failed)
		ksft_test_result_fail("%s: %s\n", name, failed);
	else
		ksft_test_result_pass("%s\n", name);
}

/* ---- a lazy alias in a fully used vmap_block ---------------------------- */

#define PURGE_MISSED	"BUG: page_alias_check: purge missed alias pfn:"

static const struct scenario vmap_block_scenario = {
	"vmap_block_full", PALIAS_ALIAS_VMAP_BLOCK_FULL, PALIAS_MODE_TTM_WC, 64
};

static bool vmap_block_bug(void)
{
	const char *e = getenv("VMAP_BLOCK_BUG");

	return e && !strcmp(e, "1");
}

/*
 * vm_unmap_aliases() must flush the dirty range of every vmap_block, also
 * of one with no free space left (6.5: "mm/vmalloc: prevent stale TLBs in
 * fully utilized blocks").  The oracle says whether it did on this kernel:
 * pages still readable through their old address after the first
 * vm_unmap_aliases() of the change returned.  Then, by policy and mode:
 * strict mode reports that purge miss and flushes, epoch mode (which
 * trusts vmalloc) and policy off (no check) do not notice it; with the
 * bug, off changes the page with the alias still live (not in epoch
 * mode, whose purges end in a full flush).  Whatever the kernel, every
 * checking policy must leave no live alias behind.
 */
static const char *judge_vmap_block(const struct seed_run *r, const char *policy,
				    bool bug, bool epoch, long missed, int logged)
{
	const struct palias_verdict *v = &r->v;
	bool checking = have_checker && strcmp(policy, "off");
	const char *f = NULL;

	if (bug)
		f = expect(f, v->live_after_purge >= 1,
			   "vm_unmap_aliases() flushed the alias: no stale-TLB bug on this kernel");
	else
		f = expect(f, !v->live_after_purge,
			   "vm_unmap_aliases() left a stale alias of a fully used vmap_block");
	f = expect(f, v->purges >= 1, "no vm_unmap_aliases() in the change");
	/* Epoch mode flushes everything after any purge, even under off. */
	if (!checking) {
		if (bug && !(have_checker && epoch))
			return expect(f, v->flushed < v->live,
				      "the alias was flushed before its page changed");
		return expect(f, v->flushed == v->live,
			      "a live alias was not flushed before its page changed");
	}
	f = expect(f, !v->live_clean, "the checker called a live alias clean");
	f = expect(f, v->flushed == v->live,
		   "a live alias was not flushed before its page changed");
	f = expect(f, !v->dirty_after, "dirty after the change");
	if (!bug || epoch)
		return expect(f, !missed && !logged, "a purge miss was reported");
	f = expect(f, missed >= 1, "strict mode did not count the purge miss");
	if (!strcmp(policy, "warn"))
		f = expect(f, logged >= 1, "warn did not report the purge miss");
	return f;
}

static void test_vmap_block(const char *policy)
{
	const struct scenario *sc = &vmap_block_scenario;
	bool bug = vmap_block_bug(), epoch = epoch_mode();
	bool checking = have_checker && strcmp(policy, "off");
	bool left_live = bug && !checking && !(have_checker && epoch);
	struct seed_run r = { 0 };
	const char *why = NULL, *failed, *suffix;
	char name[96];
	int fd, kfd, ret = 0, logged = 0, purge_flushed = 0, flushed_later = 0;
	long missed = 0;

	if (!checking)
		suffix = left_live ? "alias_left_live" : "alias_flushed";
	else if (!bug)
		suffix = "purged_silently";
	else
		suffix = epoch ? "purge_missed_unnoticed" : "purge_missed_caught";
	snprintf(name, sizeof(name), "%s_%s_%s", sc->name,
		 have_checker ? policy : "no_checker", suffix);
	if (bug && checking && !epoch)
		kmsg_mark(true, name);
	/* Retried as seed_alias() does, and while the block was not all ours. */
	for (r.tries = 1; ; r.tries++) {
		fd = dev_open();
		kfd = kmsg_open();
		stats_get(&r.a);
		missed = stat_read("purge_missed");
		ret = seed(fd, sc, &r.v, r.tries);
		missed = stat_read("purge_missed") - missed;
		stats_get(&r.b);
		logged = kmsg_count(kfd, PURGE_MISSED);
		ioc(fd, PALIAS_IOC_FREE, NULL);
		close(fd);
		close(kfd);
		if (ret && (ret != -EAGAIN || r.tries == SEED_TRIES))
			break;
		if (ret)
			continue;
		why = no_alias_reason(&r);
		if (r.tries == SEED_TRIES)
			break;
		if (why)
			continue;
		/*
		 * Expecting the bug, from the oracle alone (after the last
		 * try the judge fails the run): a purge that flushed the
		 * alias may have been widened by another task's lazy unmaps;
		 * and under off, after the purge missed the alias, another
		 * flush on this CPU may have covered it before the change
		 * (a lazy purge, a flush_tlb_all() of the system): then it
		 * could not be left live.  Try again in both cases.
		 */
		if (bug && !r.v.live_after_purge)
			purge_flushed++;
		else if (left_live && r.v.flushed == r.v.live)
			flushed_later++;
		else
			break;
	}
	if (bug && checking && !epoch)
		kmsg_mark(false, name);
	if (ret) {
		ksft_test_result_fail("%s: seed failed: %s\n", name, strerror(-ret));
		return;
	}
	print_run(sc, have_checker ? policy : "none", &r);
	ksft_print_msg("%s: oracle: %u of %u live pages readable after vm_unmap_aliases()\n",
		       name, r.v.live_after_purge, r.v.live);
	ksft_print_msg("%s: checker: purge misses +%ld, logged %d\n", name,
		       missed, logged);
	if (bug)
		ksft_print_msg("%s: retried %d/%d: the purge flushed / a later flush did\n",
			       name, purge_flushed, flushed_later);
	if (seed_unusable(name, &r, why))
		return;
	failed = judge_vmap_block(&r, policy, bug, epoch, missed, logged);
	if (failed)
		ksft_test_result_fail("%s: %s\n", name, failed);
	else
		ksft_test_result_pass("%s\n", name);
}

/* --vmap-block: the fully used vmap_block scenario alone. */
static int vmap_block_mode(void)
{
	static const char * const policies[] = { "off", "purge", "warn" };
	char saved[16];
	unsigned int p;

	ksft_print_header();
	ksft_print_msg("vmap_block: %s mode, stale-TLB bug %s\n",
		       epoch_mode() ? "epoch" : "strict",
		       vmap_block_bug() ? "expected (VMAP_BLOCK_BUG=1)" : "not expected");
	if (!have_checker) {
		ksft_set_plan(1);
		test_vmap_block("off");
		ksft_finished();
	}
	ksft_set_plan(ARRAY_SIZE(policies));
	snprintf(saved, sizeof(saved), "%s", policy_get());
	for (p = 0; p < ARRAY_SIZE(policies); p++) {
		if (policy_set(policies[p]))
			ksft_exit_fail_msg("cannot set policy %s\n", policies[p]);
		test_vmap_block(policies[p]);
	}
	policy_set(saved);
	ksft_finished();
}

/*
 * Alias-free TTM-like alloc/free cycles: no purge unless a page was dirty,
 * by the checker's counters and by the oracle's count of the
 * vm_unmap_aliases() calls made inside the attribute changes.
 */
static void test_clean_skips_purge(void)
{
	struct palias_alloc req = { .pages = 1, .mode = PALIAS_MODE_TTM_WC };
	struct palias_verdict v;
	struct stats a, b;
	int i, fd = dev_open(), dirty = 0, failed = 0, purges = 0;

	stats_get(&a);
	for (i = 0; i < 50; i++) {
		if (ioc(fd, PALIAS_IOC_ALLOC, &req) || ioc(fd, PALIAS_IOC_VERDICT, &v) ||
		    ioc(fd, PALIAS_IOC_FREE, NULL)) {
			failed++;
			continue;
		}
		dirty += v.dirty_before > 0;
		purges += v.purges;
		failed += !v.oracle;
	}
	stats_get(&b);
	close(fd);
	ksft_print_msg("clean cycles: forced +%ld skipped +%ld dirty %d; oracle: purges %d\n",
		       b.forced - a.forced, b.skipped - a.skipped, dirty, purges);
	ksft_test_result(!failed && purges <= dirty &&
			 b.forced - a.forced <= dirty &&
			 b.skipped - a.skipped >= 2 * (50 - dirty),
			 "purge_clean_cycles_skip_global_purge\n");
}

static void test_mmap(__u32 mode, const char *name)
{
	struct palias_alloc req = { .pages = 4, .mode = mode };
	size_t len = 4 * getpagesize(), i;
	unsigned char *p;
	bool ok = true;
	int fd = dev_open();

	if (ioc(fd, PALIAS_IOC_ALLOC, &req)) {
		ksft_test_result_fail("%s: alloc failed\n", name);
		close(fd);
		return;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		ksft_test_result_fail("%s: mmap: %s\n", name, strerror(errno));
		close(fd);
		return;
	}
	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(i * 7 + 3);
	for (i = 0; i < len; i++)
		ok = ok && p[i] == (unsigned char)(i * 7 + 3);
	munmap(p, len);
	close(fd);
	ksft_test_result(ok, "%s\n", name);
}

/* ---- bad input ---------------------------------------------------------- */

static void expect_err(int got, int want, const char *name)
{
	if (got == want)
		ksft_test_result_pass("%s\n", name);
	else
		ksft_test_result_fail("%s: got %d (%s), want %d (%s)\n", name,
				      got, strerror(-got), want, strerror(-want));
}

/*
 * A struct that runs into an unmapped page, and out-structs in a read-only
 * page: -EFAULT, and (checked by the caller's later cases) no buffer left.
 */
static void test_bad_ioctl_memory(int fd)
{
	size_t pg = getpagesize();
	struct palias_bench *bench;
	char *p;

	p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || munmap(p + pg, pg)) {
		ksft_test_result_fail("bad_ioctl_memory: mmap: %s\n", strerror(errno));
		ksft_test_result_fail("bad_ioctl_memory\n");
		ksft_test_result_fail("bad_ioctl_memory\n");
		return;
	}
	/* The last 4 bytes of the page: pages = 1, the rest unmapped. */
	*(__u32 *)(p + pg - 4) = 1;
	expect_err(ioc(fd, PALIAS_IOC_ALLOC, p + pg - 4), -EFAULT,
		   "bad_alloc_struct_past_mapping");
	bench = (struct palias_bench *)p;
	memset(bench, 0, sizeof(*bench));
	bench->pages = 1;
	bench->iters = 1;
	if (mprotect(p, pg, PROT_READ))
		ksft_print_msg("mprotect: %s\n", strerror(errno));
	expect_err(ioc(fd, PALIAS_IOC_VERDICT, p), -EFAULT, "bad_verdict_read_only");
	expect_err(ioc(fd, PALIAS_IOC_BENCH, bench), -EFAULT, "bad_bench_read_only");
	munmap(p, pg);
}

static void test_bad_ioctls(void)
{
	struct palias_alloc al = { .pages = 1, .mode = PALIAS_MODE_TTM_WC };
	struct palias_alias_req ar = { .pages = 1, .alias = PALIAS_ALIAS_VMAP };
	struct palias_handoff hd = { .pages = 1, .alias = PALIAS_ALIAS_VMAP };
	struct palias_seed sd = { .pages = 1, .alias = PALIAS_ALIAS_VMAP,
				  .mode = PALIAS_MODE_TTM_WC };
	int fd = dev_open();
	void *p;

	al.pages = 0;
	expect_err(ioc(fd, PALIAS_IOC_ALLOC, &al), -EINVAL, "bad_alloc_zero_pages");
	al.pages = PALIAS_MAX_PAGES + 1;
	expect_err(ioc(fd, PALIAS_IOC_ALLOC, &al), -E2BIG, "bad_alloc_too_many_pages");
	al.pages = 0xffffffffu;
	expect_err(ioc(fd, PALIAS_IOC_ALLOC, &al), -E2BIG, "bad_alloc_huge_count");
	al.pages = 1;
	al.mode = 99;
	expect_err(ioc(fd, PALIAS_IOC_ALLOC, &al), -EINVAL, "bad_alloc_mode");
	al.mode = PALIAS_MODE_TTM_WC;
	al.flags = 1;
	expect_err(ioc(fd, PALIAS_IOC_ALLOC, &al), -EINVAL, "bad_alloc_flags");
	al.flags = 0;
	expect_err(ioc(fd, PALIAS_IOC_ALLOC, NULL), -EFAULT, "bad_alloc_null");
	expect_err(ioc(fd, PALIAS_IOC_FREE, NULL), -ENOENT, "bad_free_nothing");
	expect_err(ioc(fd, _IO(PALIAS_IOC_MAGIC, 99), NULL), -ENOTTY, "bad_unknown_cmd");
	ar.alias = 0;
	expect_err(ioc(fd, PALIAS_IOC_ALIAS, &ar), -EINVAL, "bad_alias_method");
	ar.alias = PALIAS_ALIAS_VMAP;
	ar.pad = 1;
	expect_err(ioc(fd, PALIAS_IOC_ALIAS, &ar), -EINVAL, "bad_alias_pad");
	ar.pad = 0;
	ar.flags = 2;
	expect_err(ioc(fd, PALIAS_IOC_ALIAS, &ar), -EINVAL, "bad_alias_flags");
	ar.flags = PALIAS_ALIAS_KEEP;
	ar.alias = PALIAS_ALIAS_VMALLOC;
	expect_err(ioc(fd, PALIAS_IOC_ALIAS, &ar), -EINVAL, "bad_alias_keep_vmalloc");
	ar.alias = PALIAS_ALIAS_VMAP;
	expect_err(ioc(fd, PALIAS_IOC_ALIAS, &ar), 0, "alias_keep_one_page");
	ar.pages = 2;
	expect_err(ioc(fd, PALIAS_IOC_ALIAS, &ar), -EINVAL, "bad_alias_keep_more_pages");
	hd.flags = 1;
	expect_err(ioc(fd, PALIAS_IOC_HANDOFF, &hd), -EINVAL, "bad_handoff_flags");
	hd.flags = 0;
	hd.alias = 0;
	expect_err(ioc(fd, PALIAS_IOC_HANDOFF, &hd), -EINVAL, "bad_handoff_alias");
	hd.alias = PALIAS_ALIAS_VMAP;
	hd.pages = 0;
	expect_err(ioc(fd, PALIAS_IOC_HANDOFF, &hd), -EINVAL, "bad_handoff_zero_pages");
	hd.pages = 1;
	expect_err(ioc(fd, PALIAS_IOC_HANDOFF, NULL), -EFAULT, "bad_handoff_null");
	/* No owner takes the pages: FREE ends the watch. */
	if (!ioc(fd, PALIAS_IOC_HANDOFF, &hd))
		expect_err(ioc(fd, PALIAS_IOC_HANDOFF, &hd), -EBUSY, "bad_handoff_twice");
	else
		ksft_test_result_fail("bad_handoff_twice: the first HANDOFF failed\n");
	expect_err(ioc(fd, PALIAS_IOC_FREE, NULL), 0, "free_handoff");
	sd.spacer = PALIAS_MAX_SPACER + 1;
	expect_err(ioc(fd, PALIAS_IOC_SEED, &sd), -E2BIG, "bad_seed_spacer");
	sd.spacer = 0;
	sd.mode = 0;
	expect_err(ioc(fd, PALIAS_IOC_SEED, &sd), -EINVAL, "bad_seed_mode");
	expect_err(ioc(fd, PALIAS_IOC_VERDICT, NULL), -EFAULT, "bad_verdict_null");
	/* Every ioctl with an argument: NULL, then user memory it cannot use. */
	expect_err(ioc(fd, PALIAS_IOC_ALIAS, NULL), -EFAULT, "bad_alias_null");
	expect_err(ioc(fd, PALIAS_IOC_SEED, NULL), -EFAULT, "bad_seed_null");
	expect_err(ioc(fd, PALIAS_IOC_BENCH, NULL), -EFAULT, "bad_bench_null");
	test_bad_ioctl_memory(fd);
	p = mmap(NULL, getpagesize(), PROT_READ, MAP_SHARED, fd, 0);
	expect_err(p == MAP_FAILED ? -errno : 0, -ENOENT, "bad_mmap_no_buffer");
	expect_err(ioc(fd, PALIAS_IOC_ALLOC, &al), 0, "alloc_one_page");
	expect_err(ioc(fd, PALIAS_IOC_ALLOC, &al), -EBUSY, "bad_alloc_twice");
	p = mmap(NULL, 2 * getpagesize(), PROT_READ, MAP_SHARED, fd, 0);
	expect_err(p == MAP_FAILED ? -errno : 0, -EINVAL, "bad_mmap_too_long");
	p = mmap(NULL, getpagesize(), PROT_READ, MAP_SHARED, fd, getpagesize());
	expect_err(p == MAP_FAILED ? -errno : 0, -EINVAL, "bad_mmap_offset");
	expect_err(ioc(fd, PALIAS_IOC_FREE, NULL), 0, "free_one_page");
	close(fd);
}

static void test_bad_policy_writes(void)
{
	static const struct { const char *name; const char *buf; size_t len; } bad[] = {
		{ "bad_policy_unknown", "bogus", 5 },
		{ "bad_policy_upper_case", "WARN", 4 },
		{ "bad_policy_partial", "wa", 2 },
		{ "bad_policy_trailing_junk", "warn x", 6 },
		{ "bad_policy_binary", "w\0rn", 4 },
		{ "bad_policy_empty", "\n", 1 },
		{ "bad_policy_long", "purgepurgepurgepurge", 20 },
	};
	char before[16];
	unsigned int i;

	snprintf(before, sizeof(before), "%s", policy_get());
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		int ret = policy_write(bad[i].buf, bad[i].len);

		ksft_test_result(ret == -EINVAL && !strcmp(policy_get(), before),
				 "%s\n", bad[i].name);
	}
}

static int purge_write(const void *buf, size_t len)
{
	return dbg_write("purge", buf, len);
}

/*
 * The purge file takes "1" (or "1\n") only: anything else is -EINVAL and
 * purges nothing (lazy aliases made just before are still tracked), "1"
 * leaves nothing tracked.  In epoch mode nothing is tracked per page.
 */
static void test_purge_writes(void)
{
	static const struct { const char *name; const char *buf; size_t len; } bad[] = {
		{ "bad_purge_zero", "0", 1 },
		{ "bad_purge_two", "2", 1 },
		{ "bad_purge_partial", "1 ", 2 },
		{ "bad_purge_trailing_junk", "1x", 2 },
		{ "bad_purge_binary", "1\0", 2 },
		{ "bad_purge_binary_byte", "\x01", 1 },
		{ "bad_purge_empty", "\n", 1 },
		{ "bad_purge_long", "11111111111111111111", 20 },
	};
	struct palias_alias_req ar = { .pages = 16, .alias = PALIAS_ALIAS_VMAP };
	long before = 0, after = -1;
	unsigned int i;
	int fd = dev_open(), tries;

	/*
	 * Something tracked first, or the test proves nothing: a flush by
	 * anyone may clean the fresh alias at once, so make it again (the
	 * test does not control that).  Epoch mode tracks no pages.
	 */
	for (tries = 1; tries <= 5 && before <= 0; tries++) {
		ioc(fd, PALIAS_IOC_ALIAS, &ar);
		before = stat_read("pages_tracked");
	}
	close(fd);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		expect_err(purge_write(bad[i].buf, bad[i].len), -EINVAL, bad[i].name);
	after = stat_read("pages_tracked");
	ksft_print_msg("purge: pages_tracked %ld before the bad writes (%d aliases), %ld after\n",
		       before, tries - 1, after);
	if (epoch_mode())
		ksft_test_result_skip("bad_purge_writes_purge_nothing: epoch mode counts none\n");
	else if (before <= 0)
		ksft_test_result_fail("bad_purge_writes_purge_nothing: nothing tracked to purge\n");
	else
		ksft_test_result(after > 0, "bad_purge_writes_purge_nothing\n");
	/* Something may vunmap meanwhile: 0 right after one of 3 purges. */
	for (tries = 0; tries < 3; tries++) {
		if (purge_write("1\n", 2)) {
			after = -1;
			break;
		}
		after = stat_read("pages_tracked");
		if (!after)
			break;
	}
	ksft_print_msg("purge: pages_tracked %ld after writing 1 (%d tries)\n",
		       after, tries + 1);
	ksft_test_result(after == 0, "purge_leaves_nothing_tracked\n");
}

/* ---- concurrency -------------------------------------------------------- */

struct churn {
	bool stop;		/* __atomic accessed */
	bool alloc_only;	/* --churn: ALLOC/FREE only, no SEED */
	bool keep;		/* vmap churn of kept pages: none is freed */
	long ops, dirty_ops, missed, errors;
	long live_ops, unflushed, live_clean, probe_missed;	/* the oracle */
	pthread_mutex_t lock;
};

/* TTM-like pool traffic: WC/UC allocations and seed cycles on one CPU. */
static void *ttm_worker(void *arg)
{
	struct churn *c = arg;
	struct palias_verdict v;
	long ops = 0, dirty = 0, missed = 0, errors = 0;
	long live = 0, unflushed = 0, live_clean = 0, probe_missed = 0;
	int fd = dev_open(), i = 0;

	while (!__atomic_load_n(&c->stop, __ATOMIC_RELAXED)) {
		const struct scenario *sc = &scenarios[i++ % 4];
		struct palias_alloc al = { .pages = 1 + i % 16,
					.mode = i & 1 ? PALIAS_MODE_TTM_WC : PALIAS_MODE_TTM_UC };
		int ret = (c->alloc_only || i % 3) ?
			  ioc(fd, PALIAS_IOC_ALLOC, &al) : seed(fd, sc, &v, 1);

		if (!ret)
			ret = ioc(fd, PALIAS_IOC_VERDICT, &v);
		if (!ret) {
			ops++;
			dirty += v.dirty_before > 0;
			missed += v.dirty_after > 0;
			/* An op the oracle missed a hit in proves nothing. */
			probe_missed += v.missed > 0;
			if (!v.missed) {
				live += v.live > 0;
				unflushed += v.flushed < v.live;
				live_clean += v.live_clean;
			}
		} else {
			errors++;
		}
		ioc(fd, PALIAS_IOC_FREE, NULL);
	}
	close(fd);
	pthread_mutex_lock(&c->lock);
	c->ops += ops;
	c->dirty_ops += dirty;
	c->missed += missed;
	c->errors += errors;
	c->live_ops += live;
	c->unflushed += unflushed;
	c->live_clean += live_clean;
	c->probe_missed += probe_missed;
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/* Filesystem-like vmap/vunmap churn that keeps a lazy backlog. */
static void *vmap_churner(void *arg)
{
	struct churn *c = arg;
	int fd = dev_open(), i = 0;

	while (!__atomic_load_n(&c->stop, __ATOMIC_RELAXED)) {
		struct palias_alias_req ar = {
			.pages = 1 + i % 32,
			.alias = i & 1 ? PALIAS_ALIAS_VMAP : PALIAS_ALIAS_VM_MAP_RAM,
			.flags = c->keep ? PALIAS_ALIAS_KEEP : 0,
		};

		/* The first call sets how many pages are kept: the most. */
		if (c->keep && !i)
			ar.pages = 32;

		i++;
		if (ioc(fd, PALIAS_IOC_ALIAS, &ar))
			__atomic_add_fetch(&c->errors, 1, __ATOMIC_RELAXED);
	}
	close(fd);
	return NULL;
}

static void test_churn(const char *policy, int seconds)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	pthread_t th[64], vm;
	struct churn c = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct stats a, b;
	int kfd, logged, i, n = ncpu < 64 ? ncpu : 64;
	bool ok;

	kfd = kmsg_open();
	stats_get(&a);
	pthread_create(&vm, NULL, vmap_churner, &c);
	for (i = 0; i < n; i++)
		pthread_create(&th[i], NULL, ttm_worker, &c);
	sleep(seconds);
	__atomic_store_n(&c.stop, true, __ATOMIC_RELAXED);
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	pthread_join(vm, NULL);
	stats_get(&b);
	logged = kmsg_count(kfd, REPORT);
	close(kfd);
	ksft_print_msg("churn/%s %ds: %ld ops, %ld with dirty pages, %ld missed, %ld errors\n",
		       policy, seconds, c.ops, c.dirty_ops, c.missed, c.errors);
	ksft_print_msg("churn/%s: found +%ld forced +%ld skipped +%ld reports +%ld\n",
		       policy, b.found - a.found, b.forced - a.forced,
		       b.skipped - a.skipped, b.reports - a.reports);
	ksft_print_msg("churn/%s: oracle: live %ld, unflushed %ld, called clean %ld, missed %ld\n",
		       policy, c.live_ops, c.unflushed, c.live_clean,
		       c.probe_missed);
	/*
	 * No op may leave a dirty page behind its attribute change (checker),
	 * no live alias may go unflushed or be called clean (oracle), and no
	 * report may name a page that the driver did not see dirty.
	 */
	ok = c.ops > 0 && !c.missed && !c.errors && !c.unflushed &&
	     !c.live_clean && c.probe_missed * 10 <= c.live_ops;
	if (!strcmp(policy, "purge"))
		ok = ok && b.reports == a.reports && !logged;
	else
		ok = ok && b.reports - a.reports <= c.dirty_ops;
	ksft_test_result(ok, "churn_%s_no_missed_no_false_reports\n", policy);
}

/* ---- live mappings ------------------------------------------------------ */

#define LIVE_ALIAS	"BUG: page_alias_check: live alias pfn:"
#define MAP_CONFLICT	"BUG: page_alias_check: map mode conflict pfn:"
#define FREED_MAPPED	"BUG: page_alias_check: freed while mapped pfn:"

struct live_case {
	const char *name;
	__u32 scenario, pages;
	const char *stat;	/* counter that must grow, NULL: none may */
	const char *report;	/* report that must be logged, NULL: none */
};

static const struct live_case live_cases[] = {
	{ "live_ttm_wc_vmap_legal", PALIAS_LIVE_TTM_WC_VMAP, 4, NULL, NULL },
	{ "live_wb_vmap_then_wc_caught", PALIAS_LIVE_WB_VMAP_THEN_WC, 4,
	  "live_aliases", LIVE_ALIAS },
	{ "live_wc_vmap_then_wb_caught", PALIAS_LIVE_WC_VMAP_THEN_WB, 2,
	  "live_aliases", LIVE_ALIAS },
	{ "live_wb_vmap_of_wc_page_caught", PALIAS_LIVE_WB_VMAP_OF_WC, 2,
	  "map_conflicts", MAP_CONFLICT },
	{ "live_freed_while_mapped_caught", PALIAS_LIVE_FREE_MAPPED, 2,
	  "freed_mapped", FREED_MAPPED },
	{ "live_vm_map_put_pages_legal", PALIAS_LIVE_PUT_PAGES, 4, NULL, NULL },
	{ "live_vmalloc_legal", PALIAS_LIVE_VMALLOC, 4, NULL, NULL },
};

static const char * const live_stats[] = {
	"live_aliases", "map_conflicts", "freed_mapped",
};

/*
 * One live-mapping scenario under "warn": a bug must bump its counter and
 * log its report; a legal pattern must bump none and log none.  The checker
 * must count the page mapped exactly once while live tracking is on, and
 * not at all when it is off: then each bug case fails because its detection
 * is missing ("not detected"), and each legal case still passes.
 */
static void run_live_case(const struct live_case *lc)
{
	struct palias_live_req req = { .scenario = lc->scenario, .pages = lc->pages };
	long before[ARRAY_SIZE(live_stats)], grown = 0, want = 0;
	int fd = dev_open(), kfd = kmsg_open(), ret, logged;
	long reports = stat_read("reports");
	long suppressed = stat_read("reports_suppressed");
	bool live_on = stat_read("live") == 1;
	const char *failed;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(live_stats); i++)
		before[i] = stat_read(live_stats[i]);
	if (lc->report)
		kmsg_mark(true, lc->name);
	ret = ioc(fd, PALIAS_IOC_LIVE, &req);
	if (lc->report)
		kmsg_mark(false, lc->name);
	reports = stat_read("reports") - reports;
	suppressed = stat_read("reports_suppressed") - suppressed;
	for (i = 0; i < ARRAY_SIZE(live_stats); i++) {
		long d = stat_read(live_stats[i]) - before[i];

		grown += d;
		if (lc->stat && !strcmp(lc->stat, live_stats[i]))
			want = d;
	}
	if (lc->report) {
		logged = kmsg_count(kfd, lc->report);
	} else {
		static const char *const any[] = {
			LIVE_ALIAS, MAP_CONFLICT, FREED_MAPPED, NULL
		};

		logged = kmsg_count_any(kfd, any);
	}
	close(kfd);
	close(fd);
	ksft_print_msg("%s: ret %d mapped %u, live counters +%ld (%s +%ld)\n",
		       lc->name, ret, req.mapped, grown, lc->stat ?: "-", want);
	ksft_print_msg("%s: reports +%ld, logged %d, rate-limited +%ld\n",
		       lc->name, reports, logged, suppressed);
	failed = expect(NULL, !ret, "the ioctl failed");
	failed = expect(failed, req.mapped == (live_on ? 1 : 0),
			"the checker counted the mapping wrong");
	/* Printed, unless the report rate limit held it back (counted). */
	if (lc->stat)
		failed = expect(failed, want >= 1 && reports >= 1 &&
				(logged >= 1 || suppressed >= 1), "not detected");
	else
		failed = expect(failed, grown == 0 && logged == 0,
				"reported a legal mapping");
	if (failed)
		ksft_test_result_fail("%s: %s\n", lc->name, failed);
	else
		ksft_test_result_pass("%s\n", lc->name);
}

static void test_live(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(live_cases); i++)
		run_live_case(&live_cases[i]);
}

static void test_bad_live_ioctls(void)
{
	struct palias_live_req lr = { .scenario = PALIAS_LIVE_VMALLOC, .pages = 1 };
	int fd = dev_open();

	lr.scenario = 0;
	expect_err(ioc(fd, PALIAS_IOC_LIVE, &lr), -EINVAL, "bad_live_scenario_zero");
	lr.scenario = PALIAS_LIVE_VMALLOC + 1;
	expect_err(ioc(fd, PALIAS_IOC_LIVE, &lr), -EINVAL, "bad_live_scenario_unknown");
	lr.scenario = PALIAS_LIVE_VMALLOC;
	lr.pages = 0;
	expect_err(ioc(fd, PALIAS_IOC_LIVE, &lr), -EINVAL, "bad_live_zero_pages");
	lr.pages = 0xffffffffu;
	expect_err(ioc(fd, PALIAS_IOC_LIVE, &lr), -E2BIG, "bad_live_huge_count");
	lr.pages = 1;
	lr.flags = 2;
	expect_err(ioc(fd, PALIAS_IOC_LIVE, &lr), -EINVAL, "bad_live_flags");
	expect_err(ioc(fd, PALIAS_IOC_LIVE, NULL), -EFAULT, "bad_live_null");
	close(fd);
}

#define NR_LIVE_TESTS	(ARRAY_SIZE(live_cases) + 6)

/*
 * After the live cases' reports of bugs under "warn": the kernel must be
 * tainted "B" (bad page), as KASAN and KFENCE taint it.
 */
static void test_report_taints(void)
{
	const char *name = "bug_report_taints_kernel";
	unsigned long taint = 0;
	FILE *f;

	if (stat_read("live") != 1) {
		ksft_test_result_skip("%s: no live tracking, no report\n", name);
		return;
	}
	f = fopen("/proc/sys/kernel/tainted", "r");
	if (!f || fscanf(f, "%lu", &taint) != 1) {
		ksft_test_result_fail("%s: cannot read /proc/sys/kernel/tainted\n",
				      name);
		if (f)
			fclose(f);
		return;
	}
	fclose(f);
	ksft_test_result(taint & (1UL << 5), "%s (tainted %#lx)\n", name, taint);
}

/* ---- vgem ---------------------------------------------------------------- */

/* vgem's dumb buffers get the pages: its report must name its get_pages. */
static const struct scenario vgem_scenarios[] = {
	{ "vgem_vmap_16", PALIAS_ALIAS_VMAP, PALIAS_MODE_TTM_WC, 16,
	  "drm_gem_shmem_get_pages" },
	{ "vgem_vm_map_ram_8", PALIAS_ALIAS_VM_MAP_RAM, PALIAS_MODE_TTM_WC, 8,
	  "drm_gem_shmem_get_pages" },
};

struct vgem_worker {
	pthread_t th;
	const bool *stop;	/* __atomic accessed */
	int cpu;
	long cycles, errors;
};

/* Dumb buffers of 1..16 pages on one CPU: create, map, write, destroy. */
static void *vgem_worker(void *arg)
{
	struct vgem_worker *w = arg;
	struct vgem_buf b;
	cpu_set_t set;
	int fd = vgem_open(), i = 0;

	CPU_ZERO(&set);
	CPU_SET(w->cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	while (fd >= 0 && !__atomic_load_n(w->stop, __ATOMIC_RELAXED)) {
		memset(&b, 0, sizeof(b));
		if (vgem_create(fd, 1 + i++ % 16, &b))
			w->errors++;
		else
			w->cycles++;
		vgem_destroy(fd, &b);
	}
	w->errors += fd < 0;
	if (fd >= 0)
		close(fd);
	return NULL;
}

/* Reports that would be false alarms in vgem's churn, and "lazy alias". */
static const char * const vgem_needles[] = {
	LIVE_ALIAS, MAP_CONFLICT, FREED_MAPPED,
	"BUG: page_alias_check: purge missed", REPORT,
};

/*
 * vgem dumb buffer cycles on every CPU while the test driver's vmap churn
 * keeps a lazy backlog and frees pages with lazy aliases.  No live-mapping,
 * map-mode or purge-missed report may appear (vgem maps its pages only to
 * user space); "lazy alias" reports under warn are real aliases: pages the
 * churn freed with a lazy alias reach vgem.  Purge reports nothing.  With
 * @keep the churn frees no page (PALIAS_ALIAS_KEEP): no alias can reach vgem,
 * so nothing may be reported at all, even under bug (no BUG()).
 */
static void test_vgem_churn(const char *policy, int seconds, bool keep)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN), cycles = 0, errors = 0;
	struct churn c = { .lock = PTHREAD_MUTEX_INITIALIZER, .keep = keep };
	int n = ncpu < 16 ? ncpu : 16, counts[5] = { 0 }, kfd, i;
	struct vgem_worker w[16];
	bool vgem_stop = false;
	pthread_t vm;
	struct stats a, b;
	bool ok;

	kfd = kmsg_open();
	stats_get(&a);
	pthread_create(&vm, NULL, vmap_churner, &c);
	for (i = 0; i < n; i++) {
		w[i] = (struct vgem_worker){ .stop = &vgem_stop, .cpu = i };
		pthread_create(&w[i].th, NULL, vgem_worker, &w[i]);
	}
	sleep(seconds);
	/* vgem first: the vmap churn frees its kept pages when it ends. */
	__atomic_store_n(&vgem_stop, true, __ATOMIC_RELAXED);
	for (i = 0; i < n; i++) {
		pthread_join(w[i].th, NULL);
		cycles += w[i].cycles;
		errors += w[i].errors;
	}
	__atomic_store_n(&c.stop, true, __ATOMIC_RELAXED);
	pthread_join(vm, NULL);
	stats_get(&b);
	kmsg_count_each(kfd, vgem_needles, counts, 5);
	close(kfd);
	ksft_print_msg("vgem churn/%s %ds: %ld cycles (%.1f/s), errors %ld/%ld\n",
		       policy, seconds, cycles, (double)cycles / seconds, errors,
		       c.errors);
	ksft_print_msg("vgem churn/%s: checks +%ld found +%ld forced +%ld (%.3f/cycle)\n",
		       policy, b.checks - a.checks, b.found - a.found,
		       b.forced - a.forced,
		       cycles ? (double)(b.forced - a.forced) / cycles : 0.0);
	ksft_print_msg("vgem churn/%s: skipped +%ld reports +%ld\n", policy,
		       b.skipped - a.skipped, b.reports - a.reports);
	ksft_print_msg("vgem churn/%s: logged live %d mode %d freed %d missed %d lazy %d\n",
		       policy, counts[0], counts[1], counts[2], counts[3],
		       counts[4]);
	ok = cycles > 0 && !errors && !c.errors && !counts[0] && !counts[1] &&
	     !counts[2] && !counts[3];
	if (!strcmp(policy, "purge") || keep)
		ok = ok && b.reports == a.reports && !counts[4];
	ksft_test_result(ok, "vgem_churn_%s%s_no_false_reports\n", policy,
			 keep ? "_kept_backlog" : "");
}

/*
 * KASAN_VMALLOC frees shadow pages before the TLB flush that covers them
 * (kasan_release_vmalloc()), so any vmalloc purge can hand vgem a page with
 * a real lazy alias.  Decided from the kernel's symbols, not the checker.
 */
static bool kasan_vmalloc(void)
{
	char line[256];
	bool found = false;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = !!strstr(line, " kasan_release_vmalloc\n");
	fclose(f);
	return found;
}

/* --vgem: vgem gets pages with a lazy alias, then churn beside vmap churn. */
static int vgem_mode(int churn)
{
	static const char * const policies[] = { "off", "purge", "warn" };
	unsigned int p, sc, nsc = ARRAY_SIZE(vgem_scenarios);
	char saved[16];

	vgem_fd = vgem_open();
	if (vgem_fd < 0)
		ksft_exit_skip("no vgem device in /dev/dri (CONFIG_DRM_VGEM)\n");
	ksft_print_header();
	if (!have_checker) {
		ksft_set_plan(nsc);
		for (sc = 0; sc < nsc; sc++)
			run_scenario(&vgem_scenarios[sc], "off");
		ksft_finished();
	}
	ksft_set_plan(3 * nsc + 3);
	snprintf(saved, sizeof(saved), "%s", policy_get());
	for (p = 0; p < 3; p++) {
		if (policy_set(policies[p]))
			ksft_exit_fail_msg("cannot set policy %s\n", policies[p]);
		for (sc = 0; sc < nsc; sc++)
			run_scenario(&vgem_scenarios[sc], policies[p]);
	}
	policy_set("purge");
	test_vgem_churn("purge", churn, false);
	policy_set("warn");
	test_vgem_churn("warn", churn, false);
	/*
	 * Under bug, with no alias left (purged) and a backlog whose pages
	 * are never freed: a BUG() here would be a false alarm.
	 */
	policy_set("purge");
	purge_write("1\n", 2);
	if (kasan_vmalloc()) {
		ksft_test_result_skip("vgem_churn_bug_kept_backlog: %s\n",
				      "KASAN_VMALLOC frees shadow before its flush");
	} else {
		policy_set("bug");
		test_vgem_churn("bug", churn, true);
	}
	/* Its kept pages were freed with lazy aliases at its end. */
	policy_set("purge");
	purge_write("1\n", 2);
	policy_set(saved);
	ksft_finished();
}

/* --vgem-bug: with page_alias_check=bug the vgem scenario must BUG(). */
static int vgem_bug_mode(void)
{
	struct seed_run r = { 0 };
	const char *why = NULL;
	int ret;

	vgem_fd = vgem_open();
	if (vgem_fd < 0)
		ksft_exit_skip("no vgem device in /dev/dri (CONFIG_DRM_VGEM)\n");
	ksft_print_header();
	ksft_set_plan(1);
	ksft_print_msg("vgem scenario under policy %s: the kernel must BUG()\n",
		       policy_get());
	ret = seed_alias(&vgem_scenarios[0], &r, &why);
	ksft_test_result_fail("bug_policy_stops_vgem: alive after %d tries: %s\n",
			      r.tries, ret ? strerror(-ret) : why ?: "an alias was made");
	ksft_finished();
}

/* ---- pausing tracking at run time --------------------------------------- */

static int enabled_write(const char *s, size_t len)
{
	return dbg_write("enabled", s, len);
}

static int enabled_set(const char *s)
{
	return enabled_write(s, strlen(s));
}

/* debugfs "enabled": 1, 0, or -1 if it cannot be read. */
static int enabled_get(void)
{
	char buf[8] = "";
	FILE *f = fopen(DBG "enabled", "r");

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return !strcmp(buf, "1\n") ? 1 : !strcmp(buf, "0\n") ? 0 : -1;
}

static void test_bad_enabled_writes(void)
{
	static const struct { const char *name, *buf; size_t len; } bad[] = {
		{ "bad_enabled_empty", "\n", 1 },
		{ "bad_enabled_two", "2", 1 },
		{ "bad_enabled_word", "offline", 7 },
		{ "bad_enabled_too_long", "1111111111", 10 },
		{ "bad_enabled_binary", "\x01\x00", 2 },
		{ "bad_enabled_two_lines", "0\n1\n", 4 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		int ret = enabled_write(bad[i].buf, bad[i].len);

		ksft_test_result(ret == -EINVAL && enabled_get() == 1,
				 "%s: %s, enabled %d\n", bad[i].name,
				 strerror(-ret), enabled_get());
	}
}

/*
 * A lazy alias made while tracking is paused and handed (by pfn) to the
 * driver's own TTM-like write-combining allocation, on another file, after
 * tracking was resumed if @resume.  The oracle reads through the old
 * address just before set_pages_array_wc() and watches the flushes.
 */
static int pause_seed(bool resume, struct palias_verdict *v)
{
	struct palias_handoff hd = { .pages = 16, .alias = PALIAS_ALIAS_VMAP };
	struct palias_alloc al = { .pages = 16, .mode = PALIAS_MODE_TTM_WC };
	int fd = dev_open(), owner = dev_open(), ret;

	ret = enabled_set("0");
	if (!ret)
		ret = ioc(fd, PALIAS_IOC_HANDOFF, &hd);
	if (!ret && resume)
		ret = enabled_set("1");
	if (!ret)
		ret = ioc(owner, PALIAS_IOC_ALLOC, &al);
	if (!ret)
		ret = ioc(fd, PALIAS_IOC_VERDICT, v);
	ioc(owner, PALIAS_IOC_FREE, NULL);
	ioc(fd, PALIAS_IOC_FREE, NULL);
	close(owner);
	close(fd);
	if (enabled_set("1") && !ret)
		ret = -EIO;
	return ret;
}

/*
 * Paused, the check is upstream's blind purge: the alias is live at the
 * change and flushed by it.  Resumed, the resume's flush of all CPUs has
 * removed it before the change, so it must not be live there unless some
 * flush covers it; without that flush it would be live, unrecorded, and
 * the check would skip the purge.  Retried (and counted) only when the
 * allocator gave other pages, no alias was readable after the unmap, or
 * the oracle missed a probe hit: from pfns and the oracle, not the checker.
 */
static void test_pause_resume(bool resume)
{
	const char *name = resume ? "resume_flushes_aliases_of_paused_unmaps" :
				    "paused_check_purges_blindly";
	int tries, retried = 0, ret = 0;
	struct palias_verdict v;
	const char *failed = NULL;

	for (tries = 1; tries <= SEED_TRIES; tries++) {
		memset(&v, 0, sizeof(v));
		ret = pause_seed(resume, &v);
		if (ret || (v.reused && v.live_unmapped && !v.missed &&
			    (resume || v.live)))
			break;
		retried++;
	}
	ksft_print_msg("%s: tries %d (retried %d) pages %u reused %u checker %u\n",
		       name, tries, retried, v.pages, v.reused, v.checker);
	ksft_print_msg("%s: oracle: live %u/%u flushed %u/%u purges %u missed %u\n",
		       name, v.live_unmapped, v.live, v.flushed, v.flushed_other,
		       v.purges, v.missed);
	if (ret) {
		ksft_test_result_fail("%s: %s\n", name, strerror(-ret));
		return;
	}
	if (tries > SEED_TRIES) {
		ksft_test_result_fail("%s: no alias in %d tries\n", name,
				      SEED_TRIES);
		return;
	}
	failed = expect(failed, v.flushed == v.live,
			"a live alias was not flushed before its page changed");
	/* Paused, the checker calls every page clean: it is not looking. */
	if (resume)
		failed = expect(failed, !v.live_clean,
				"the checker called a live alias clean");
	else
		failed = expect(failed, v.purges >= 1 && !v.checker,
				"paused, the change did not purge blindly");
	if (failed)
		ksft_test_result_fail("%s: %s\n", name, failed);
	else
		ksft_test_result_pass("%s\n", name);
}

struct toggler {
	bool stop;		/* __atomic accessed */
	long flips, errors;
};

/* Pause and resume tracking every 10 ms. */
static void *toggle_worker(void *arg)
{
	struct toggler *t = arg;

	while (!__atomic_load_n(&t->stop, __ATOMIC_RELAXED)) {
		if (enabled_set(t->flips & 1 ? "1" : "0"))
			t->errors++;
		t->flips++;
		usleep(10000);
	}
	return NULL;
}

/*
 * TTM-like traffic and vmap churn while tracking is paused and resumed
 * over and over: walks that start paused end resumed and the other way
 * round.  The oracle must see no live alias left unflushed by its change
 * (those a paused checker calls clean are purged blindly), and the kernel
 * must log no warning.
 */
static void test_pause_churn(int seconds)
{
	struct churn c = { .lock = PTHREAD_MUTEX_INITIALIZER };
	static const char * const needles[] = { "WARNING:", "BUG:" };
	struct toggler t = { 0 };
	pthread_t th, vm, tg;
	int kfd, counts[2] = { 0 };

	kfd = kmsg_open();
	pthread_create(&vm, NULL, vmap_churner, &c);
	pthread_create(&th, NULL, ttm_worker, &c);
	pthread_create(&tg, NULL, toggle_worker, &t);
	sleep(seconds);
	__atomic_store_n(&t.stop, true, __ATOMIC_RELAXED);
	pthread_join(tg, NULL);
	__atomic_store_n(&c.stop, true, __ATOMIC_RELAXED);
	pthread_join(th, NULL);
	pthread_join(vm, NULL);
	enabled_set("1");
	kmsg_count_each(kfd, needles, counts, 2);
	close(kfd);
	ksft_print_msg("pause churn %ds: %ld flips (%ld failed), %ld ops, %ld errors\n",
		       seconds, t.flips, t.errors, c.ops, c.errors);
	ksft_print_msg("pause churn: oracle: live %ld unflushed %ld called clean %ld missed %ld\n",
		       c.live_ops, c.unflushed, c.live_clean, c.probe_missed);
	ksft_print_msg("pause churn: logged warnings %d bugs %d\n", counts[0],
		       counts[1]);
	/*
	 * Not judged: a change made while paused purges blindly, and its
	 * flushes go unobserved, so the checker reads the pages dirty until
	 * the next resume.  The oracle judges.
	 */
	ksft_print_msg("pause churn: checker read pages dirty after a change %ld times\n",
		       c.missed);
	ksft_test_result(t.flips > 2 && !t.errors && c.ops > 0 && !c.errors &&
			 !c.unflushed &&
			 !counts[0] && !counts[1] && enabled_get() == 1,
			 "pause_resume_churn_no_unflushed_alias\n");
}

/* Live tracking's counts need every unmap: tracking cannot pause. */
static void test_pause_refused_with_live(void)
{
	int ret;

	if (stat_read("live") != 1) {
		ksft_test_result_skip("pause_refused_with_live_tracking: live tracking off\n");
		return;
	}
	ret = enabled_set("0");
	ksft_test_result(ret == -EBUSY && enabled_get() == 1,
			 "pause_refused_with_live_tracking: %s\n", strerror(-ret));
}

/*
 * --pause: tracking paused and resumed at run time (debugfs "enabled"),
 * in a boot with live tracking off (it refuses to pause otherwise).
 */
static int pause_mode(int churn)
{
	ksft_print_header();
	if (!have_checker)
		ksft_exit_skip("page_alias_check not enabled\n");
	if (stat_read("live") == 1)
		ksft_exit_skip("live tracking is on: tracking cannot pause\n");
	ksft_set_plan(1 + 6 + 2 + 1 + 2);
	ksft_test_result(enabled_get() == 1, "enabled_reads_1\n");
	test_bad_enabled_writes();
	ksft_test_result(!enabled_set("0\n") && enabled_get() == 0 &&
			 stat_read("enabled") == 0,
			 "pause_reads_0\n");
	ksft_test_result(!enabled_set("yes") && enabled_get() == 1 &&
			 stat_read("enabled") == 1,
			 "resume_reads_1\n");
	test_pause_churn(churn);
	/* The stale entry is in this CPU's TLB: stay here from now on. */
	pin_here();
	test_pause_resume(false);
	test_pause_resume(true);
	ksft_finished();
}

/* ---- main --------------------------------------------------------------- */

static int bug_mode(void)
{
	struct palias_verdict v;
	int fd = dev_open();

	ksft_print_header();
	ksft_set_plan(1);
	ksft_print_msg("seed scenario under policy %s: the kernel must BUG()\n",
		       policy_get());
	seed(fd, &scenarios[0], &v, 1);
	ksft_test_result_fail("bug_policy_stops_kernel: alive, reused %u dirty %u\n",
			      v.reused, v.dirty_before);
	ksft_finished();
}

/* --live: the live-mapping tests alone, under "warn". */
static int live_mode(void)
{
	char saved[16];

	ksft_print_header();
	ksft_set_plan(NR_LIVE_TESTS);
	ksft_print_msg("live tracking: %s\n",
		       stat_read("live") == 1 ? "on" : "off");
	snprintf(saved, sizeof(saved), "%s", policy_get());
	if (policy_set("warn"))
		ksft_exit_fail_msg("cannot set policy warn\n");
	test_live();
	test_bad_live_ioctls();
	policy_set(saved);
	ksft_finished();
}

/* One seed scenario under the current policy: what "make run" shows. */
static int seed_mode(void)
{
	ksft_print_header();
	ksft_set_plan(1);
	ksft_print_msg("policy %s: vmap+write+vunmap 16 pages, free, reallocate,\n",
		       policy_get());
	ksft_print_msg("set_pages_array_wc\n");
	run_scenario(&scenarios[1], policy_get());
	ksft_finished();
}

/*
 * --churn SECONDS: TTM pool traffic only, while something else (a filesystem
 * in scripts/guest/tests/xfs.sh) makes and drops lazy aliases.  Prints what
 * it saw; fails if an op left a dirty page behind or an ioctl failed.
 */
static int churn_mode(const char *arg)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	struct churn c = { .alloc_only = true, .lock = PTHREAD_MUTEX_INITIALIZER };
	int seconds = arg ? atoi(arg) : 0, i, n, kfd, logged;
	pthread_t th[64];
	struct stats a, b;

	if (seconds < 1 || seconds > 3600) {
		printf("# --churn %s: expected 1..3600 seconds\n", arg ? arg : "(none)");
		return KSFT_FAIL;
	}
	n = ncpu > 1 ? ncpu - 1 : 1;
	if (n > 64)
		n = 64;
	kfd = kmsg_open();
	stats_get(&a);
	for (i = 0; i < n; i++)
		pthread_create(&th[i], NULL, ttm_worker, &c);
	sleep(seconds);
	__atomic_store_n(&c.stop, true, __ATOMIC_RELAXED);
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	stats_get(&b);
	logged = kmsg_count(kfd, REPORT);
	close(kfd);
	ksft_print_msg("churn: seconds=%d workers=%d policy=%s ops=%ld dirty_ops=%ld\n",
		       seconds, n, policy_get(), c.ops, c.dirty_ops);
	ksft_print_msg("churn: missed=%ld errors=%ld found=+%ld forced=+%ld skipped=+%ld\n",
		       c.missed, c.errors, b.found - a.found,
		       b.forced - a.forced, b.skipped - a.skipped);
	ksft_print_msg("churn: reports=+%ld logged=%d\n",
		       b.reports - a.reports, logged);
	ksft_print_msg("churn: oracle: live_ops=%ld unflushed=%ld live_clean=%ld missed=%ld\n",
		       c.live_ops, c.unflushed, c.live_clean, c.probe_missed);
	/* Without a checker, or with it off, nothing is called dirty. */
	if (!have_checker || !strcmp(policy_get(), "off"))
		c.live_clean = 0;
	return c.ops > 0 && !c.missed && !c.errors && !c.unflushed &&
	       !c.live_clean ? KSFT_PASS : KSFT_FAIL;
}

int main(int argc, char **argv)
{
	static const char * const policies[] = { "off", "purge", "warn" };
	int churn = getenv("CHURN_SECONDS") ? atoi(getenv("CHURN_SECONDS")) : 4;
	unsigned int p, s, nsc = ARRAY_SIZE(scenarios);
	char saved[16];
	int fd;

	fd = dev_open();
	if (fd < 0)
		ksft_exit_skip("%s: %s (CONFIG_PAGE_ALIAS_TEST)\n", DEV, strerror(errno));
	close(fd);
	have_checker = stat_read("enabled") == 1;
	if (argc > 1 && !strcmp(argv[1], "--bug"))
		return bug_mode();
	if (argc > 1 && !strcmp(argv[1], "--churn"))
		return churn_mode(argc > 2 ? argv[2] : NULL);
	if (argc > 1 && !strcmp(argv[1], "--seed"))
		return seed_mode();
	if (argc > 1 && !strcmp(argv[1], "--vgem-bug"))
		return vgem_bug_mode();
	if (argc > 1 && !strcmp(argv[1], "--live")) {
		if (!have_checker)
			ksft_exit_skip("page_alias_check not enabled\n");
		return live_mode();
	}
	if (churn < 1 || churn > 600)
		ksft_exit_fail_msg("CHURN_SECONDS=%d: expected 1..600\n", churn);
	if (argc > 1 && !strcmp(argv[1], "--vgem"))
		return vgem_mode(churn);
	if (argc > 1 && !strcmp(argv[1], "--pause"))
		return pause_mode(churn);
	if (argc > 1 && !strcmp(argv[1], "--vmap-block"))
		return vmap_block_mode();

	ksft_print_header();
	if (!have_checker) {
		/* Checker not built (or booted off): show what is missed. */
		ksft_set_plan(nsc);
		for (s = 0; s < nsc; s++)
			run_scenario(&scenarios[s], "off");
		ksft_finished();
	}

	ksft_set_plan(3 * nsc + 3 + 1 + 2 + 35 + 7 + 10 + 1 + 2 + NR_LIVE_TESTS + 1);
	snprintf(saved, sizeof(saved), "%s", policy_get());
	/* First, while the report rate limit has room: their reports print. */
	if (policy_set("warn"))
		ksft_exit_fail_msg("cannot set policy warn\n");
	test_live();
	test_report_taints();
	test_bad_live_ioctls();
	/* Let the report rate limit (10 per 5 s) refill for the seeds. */
	sleep(6);
	for (p = 0; p < 3; p++) {
		if (policy_set(policies[p]))
			ksft_exit_fail_msg("cannot set policy %s\n", policies[p]);
		for (s = 0; s < nsc; s++)
			run_scenario(&scenarios[s], policies[p]);
		test_vmap_block(policies[p]);
	}
	policy_set("purge");
	test_clean_skips_purge();
	test_mmap(PALIAS_MODE_TTM_WC, "mmap_wc_buffer_read_write");
	test_mmap(PALIAS_MODE_TTM_UC, "mmap_uc_buffer_read_write");
	test_bad_ioctls();
	test_bad_policy_writes();
	test_purge_writes();
	test_pause_refused_with_live();
	test_churn("purge", churn);
	policy_set("warn");
	test_churn("warn", churn);
	policy_set(saved);
	ksft_finished();
}
