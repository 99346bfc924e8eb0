// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for page_alias_check: the lazy unmap tracker and the
 * change_page_attr() check.
 *
 * The tests use real vmap/vfree/vm_map_ram and real TLB flushes.  They
 * expect a quiet system (they run at boot) because a purge by someone else
 * between an unmap and the check cleans the page early.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/gfp.h>
#include <linux/kasan.h>
#include <linux/kprobes.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/page_alias_check.h>
#include <linux/set_memory.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <trace/events/error_report.h>
#include <trace/events/printk.h>

#include <asm/tlbflush.h>

#include "internal.h"
#include "page_alias_check.h"

#define STAT(name) pac_stat_read(name)

/*
 * A report a case makes on purpose.  The markers around it tell the harness
 * (scripts/ktap_eval.py) that "BUG: page_alias_check" lines in between are
 * expected; anywhere else they fail the boot.  Where tracepoints are built,
 * the case also checks the report's title itself on the console
 * tracepoint, as kfence_test does; a report the rate limit held back is
 * counted instead.
 */
static struct {
	const char *want;
	bool seen;
	long suppressed;
	unsigned long error_id;	/* of our last error_report_end event */
	int errors;		/* error_report_end events of ours */
} pac_console;

#ifdef CONFIG_TRACEPOINTS
static void pac_probe_console(void *ignore, const char *buf, size_t len)
{
	if (strnstr(buf, pac_console.want, len))
		WRITE_ONCE(pac_console.seen, true);
}

static void pac_probe_error_report(void *ignore, enum error_detector detector,
				   unsigned long id)
{
	if (detector != ERROR_DETECTOR_PAGE_ALIAS_CHECK)
		return;
	WRITE_ONCE(pac_console.error_id, id);
	WRITE_ONCE(pac_console.errors, pac_console.errors + 1);
}
#endif

static void pac_expect_end(void *data)
{
	struct kunit *test = data;

#ifdef CONFIG_TRACEPOINTS
	unregister_trace_console(pac_probe_console, NULL);
	unregister_trace_error_report_end(pac_probe_error_report, NULL);
	tracepoint_synchronize_unregister();
#endif
	pr_info("page_alias_check test: end of expected reports (%s)\n",
		test->name);
}

static void pac_expect_report(struct kunit *test, const char *want)
{
	pac_console.want = want;
	pac_console.seen = false;
	pac_console.suppressed = STAT(reports_suppressed);
	pac_console.errors = 0;
	pac_console.error_id = 0;
	pr_info("page_alias_check test: expect reports (%s)\n", test->name);
#ifdef CONFIG_TRACEPOINTS
	KUNIT_ASSERT_EQ(test, register_trace_console(pac_probe_console, NULL), 0);
	if (register_trace_error_report_end(pac_probe_error_report, NULL)) {
		unregister_trace_console(pac_probe_console, NULL);
		KUNIT_FAIL_AND_ABORT(test, "cannot probe error_report_end");
	}
#endif
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, pac_expect_end, test), 0);
}

/*
 * The report pac_expect_report() announced was printed (or held back).  A
 * report of a bug ("BUG:" title) that was printed ends in an
 * error_report_end event (naming @pfn, if not 0), as KASAN's and KFENCE's
 * do; the lazy-alias diagnostic in none.
 */
static void pac_expect_printed_pfn(struct kunit *test, unsigned long pfn)
{
	bool bug = str_has_prefix(pac_console.want, "BUG:");

	if (!IS_ENABLED(CONFIG_TRACEPOINTS))
		return;
	KUNIT_EXPECT_TRUE_MSG(test, READ_ONCE(pac_console.seen) ||
			      STAT(reports_suppressed) > pac_console.suppressed,
			      "no \"%s\" on the console", pac_console.want);
	if (!READ_ONCE(pac_console.seen))
		return;
	if (bug)
		KUNIT_EXPECT_GT_MSG(test, READ_ONCE(pac_console.errors), 0,
				    "no error_report_end event after \"%s\"",
				    pac_console.want);
	else
		KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(pac_console.errors), 0,
				    "error_report_end event after a diagnostic");
	if (bug && pfn)
		KUNIT_EXPECT_EQ(test, READ_ONCE(pac_console.error_id), pfn);
}

static void pac_expect_printed(struct kunit *test)
{
	pac_expect_printed_pfn(test, 0);
}

/* Busy-wait, without sleeping: the race test needs its timing windows. */
static void pac_spin_us(unsigned int us)
{
	u64 end = ktime_get_ns() + us * NSEC_PER_USEC;

	while (ktime_get_ns() < end)
		cpu_relax();
}

struct pac_test_ctx {
	enum page_alias_check_policy saved_policy;
	unsigned long saved_walk_max;
};

static int pac_test_init(struct kunit *test)
{
	struct pac_test_ctx *ctx;

	if (!static_branch_unlikely(&page_alias_check_key))
		kunit_skip(test, "booted with page_alias_check=off");
	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->saved_policy = page_alias_check_policy;
	ctx->saved_walk_max = page_alias_check_walk_max;
	test->priv = ctx;
	page_alias_check_policy = PAGE_ALIAS_CHECK_PURGE;
	return 0;
}

static void pac_test_exit(struct kunit *test)
{
	struct pac_test_ctx *ctx = test->priv;

	if (!ctx)
		return;
	page_alias_check_policy = ctx->saved_policy;
	page_alias_check_walk_max = ctx->saved_walk_max;
	WRITE_ONCE(pac_test_ignore_seq, false);
}

/*
 * vm_unmap_aliases() as a vmalloc user calls it.  Strict mode sees its TLB
 * flush; epoch mode only trusts full flushes, so there the test adds one.
 */
static void pac_vmalloc_purge(void)
{
	vm_unmap_aliases();
	if (page_alias_check_epoch)
		flush_tlb_all();
}

/* Tests of what only the strict (logging) mode can tell. */
static void pac_need_strict(struct kunit *test)
{
	if (page_alias_check_epoch)
		kunit_skip(test, "strict mode only (booted with page_alias_check_mode=epoch)");
}

static void pac_need_epoch(struct kunit *test)
{
	if (!page_alias_check_epoch)
		kunit_skip(test, "epoch mode only (boot with page_alias_check_mode=epoch)");
}

/* Flush every stale kernel translation: all pages read clean after this. */
static void pac_settle(void)
{
	vm_unmap_aliases();
	flush_tlb_all();
}

static unsigned long pfn_of(struct page *page)
{
	return page_to_pfn(page);
}

static struct page *pac_alloc_page(struct kunit *test)
{
	struct page *page = alloc_page(GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, page);
	return page;
}

/* vmap() one page; returns the kernel virtual address. */
static unsigned long pac_vmap_one(struct kunit *test, struct page *page)
{
	void *p = vmap(&page, 1, VM_MAP, PAGE_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	return (unsigned long)p;
}

/* vmap() the page, write through the mapping, vunmap() it lazily. */
static void pac_lazy_alias(struct kunit *test, struct page *page)
{
	void *addr = vmap(&page, 1, VM_MAP, PAGE_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, addr);
	memset(addr, 0x5a, PAGE_SIZE);
	vunmap(addr);
}

static void vunmap_marks_dirty(struct kunit *test)
{
	struct page *page = pac_alloc_page(test);
	long before;

	pac_settle();
	before = STAT(lazy_unmaps);
	pac_lazy_alias(test, page);
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(page)), 1);
	KUNIT_EXPECT_GE(test, STAT(lazy_unmaps) - before, 1);
	pac_vmalloc_purge();
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(page)), 0);
	__free_page(page);
}

static void vfree_marks_dirty(struct kunit *test)
{
	void *addr;
	struct page *page;

	pac_settle();
	addr = vmalloc(PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, addr);
	page = vmalloc_to_page(addr);
	get_page(page);		/* keep the pfn ours after vfree() */
	memset(addr, 1, PAGE_SIZE);
	vfree(addr);
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(page)), 1);
	pac_vmalloc_purge();
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(page)), 0);
	put_page(page);
}

static void vfree_atomic_marks_dirty(struct kunit *test)
{
	unsigned long timeout = jiffies + 2 * HZ;
	struct page *page;
	void *addr;
	long before;
	int count;

	pac_settle();
	addr = vmalloc(PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, addr);
	page = vmalloc_to_page(addr);
	get_page(page);
	before = STAT(lazy_unmaps);
	vfree_atomic(addr);
	/*
	 * vfree_atomic() defers to a work item, which drops vmalloc's page
	 * reference when it is done.  Poll for that rather than sleep: a
	 * sleep is a window for someone else's purge to clean the page.
	 */
	while (page_ref_count(page) > 1 && time_before(jiffies, timeout)) {
		cond_resched();
		cpu_relax();
	}
	if (page_ref_count(page) > 1) {
		KUNIT_FAIL(test, "vfree_atomic() did not free within 2 s");
		put_page(page);
		return;
	}
	count = page_alias_check_pfn(pfn_of(page));
	/*
	 * Strict mode: only a flush that covers the address cleans it.  Epoch
	 * mode: any full flush by someone else may already have, so there
	 * the recorded unmap is what must be seen.
	 */
	if (page_alias_check_epoch)
		KUNIT_EXPECT_GT(test, STAT(lazy_unmaps), before);
	else
		KUNIT_EXPECT_EQ(test, count, 1);
	pac_vmalloc_purge();
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(page)), 0);
	put_page(page);
}

/* Small vm_map_ram() goes through a vmap_block; vb_free() leaves it dirty. */
static void vm_unmap_ram_block_marks_dirty(struct kunit *test)
{
	struct page *pages[4];
	void *addr;
	int i;

	for (i = 0; i < ARRAY_SIZE(pages); i++)
		pages[i] = pac_alloc_page(test);
	pac_settle();
	addr = vm_map_ram(pages, ARRAY_SIZE(pages), NUMA_NO_NODE);
	KUNIT_ASSERT_NOT_NULL(test, addr);
	memset(addr, 2, ARRAY_SIZE(pages) * PAGE_SIZE);
	vm_unmap_ram(addr, ARRAY_SIZE(pages));
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(pages[i])), 1);
	pac_vmalloc_purge();
	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(pages[i])), 0);
		__free_page(pages[i]);
	}
}

/* More than VMAP_MAX_ALLOC (64) pages: a vmap_area of its own. */
#define PAC_LARGE_PAGES	65

static void vm_unmap_ram_area_marks_dirty(struct kunit *test)
{
	struct page **pages;
	void *addr;
	int i, dirty = 0;

	pages = kunit_kcalloc(test, PAC_LARGE_PAGES, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	for (i = 0; i < PAC_LARGE_PAGES; i++)
		pages[i] = pac_alloc_page(test);
	pac_settle();
	addr = vm_map_ram(pages, PAC_LARGE_PAGES, NUMA_NO_NODE);
	KUNIT_ASSERT_NOT_NULL(test, addr);
	vm_unmap_ram(addr, PAC_LARGE_PAGES);
	for (i = 0; i < PAC_LARGE_PAGES; i++)
		dirty += page_alias_check_pfn(pfn_of(pages[i]));
	KUNIT_EXPECT_EQ(test, dirty, PAC_LARGE_PAGES);
	pac_vmalloc_purge();
	for (i = 0, dirty = 0; i < PAC_LARGE_PAGES; i++) {
		dirty += page_alias_check_pfn(pfn_of(pages[i]));
		__free_page(pages[i]);
	}
	KUNIT_EXPECT_EQ(test, dirty, 0);
}

/*
 * The logs must keep up while other CPUs add and retire entries: two CPUs
 * run lib/test_vmalloc's pattern (vmalloc and vfree of single pages, many
 * lazy areas, purges of hundreds of entries), no log may fill up, and a
 * flush of everything must leave no entry older than itself, however the
 * other CPU's walks move entries while it drops a lock (a walk from the
 * bottom up skipped some).
 */
static int pac_vmalloc_churn(void *arg)
{
	while (!kthread_should_stop()) {
		void *p = vmalloc(PAGE_SIZE);

		if (p)
			*(u8 *)p = 1;
		vfree(p);
		cond_resched();
	}
	return 0;
}

static void flush_keeps_up_with_vmalloc_churn(struct kunit *test)
{
	unsigned long deadline, seq, left = 0, flushes = 0;
	struct task_struct *churn;
	long untracked;

	pac_need_strict(test);
	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	pac_settle();
	untracked = STAT(untracked);
	churn = kthread_create(pac_vmalloc_churn, NULL, "pac_churn");
	KUNIT_ASSERT_FALSE(test, IS_ERR(churn));
	kthread_bind(churn, cpumask_last(cpu_online_mask));
	wake_up_process(churn);
	deadline = jiffies + msecs_to_jiffies(2000);
	while (time_before(jiffies, deadline)) {
		void *p = vmalloc(PAGE_SIZE);

		KUNIT_ASSERT_NOT_NULL(test, p);
		*(u8 *)p = 1;
		vfree(p);
		cond_resched();
		if (++flushes % 64)
			continue;
		seq = pac_read_flush_seq() + 1;
		flush_tlb_all();
		left += pac_entries_before(seq);
	}
	kthread_stop(churn);
	kunit_info(test, "%lu flushes of everything, %lu older entries left\n",
		   flushes / 64, left);
	KUNIT_EXPECT_EQ(test, left, 0UL);
	KUNIT_EXPECT_EQ(test, STAT(untracked) - untracked, 0L);
}

/* VM_FLUSH_RESET_PERMS areas are flushed at once: never dirty after vfree. */
static void flush_reset_perms_reads_clean(struct kunit *test)
{
	struct page *page;
	void *addr;

	pac_need_strict(test);

	pac_settle();
	addr = vmalloc(PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, addr);
	set_vm_flush_reset_perms(addr);
	page = vmalloc_to_page(addr);
	get_page(page);
	vfree(addr);
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(page)), 0);
	put_page(page);
}

/* A page of our own with exactly one lazy alias (strict mode only). */
static struct page *pac_dirty_page(struct kunit *test)
{
	struct page *page;

	pac_need_strict(test);
	page = pac_alloc_page(test);
	pac_settle();
	pac_lazy_alias(test, page);
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(page)), 1);
	return page;
}

static void counts_add_up(struct kunit *test)
{
	struct page *page;

	pac_need_strict(test);
	page = pac_alloc_page(test);

	pac_settle();
	pac_lazy_alias(test, page);
	pac_lazy_alias(test, page);
	pac_lazy_alias(test, page);
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(page)), 3);
	pac_vmalloc_purge();
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(page)), 0);
	__free_page(page);
}

/*
 * Model vmalloc bugs: a flush that began before the PTE was cleared, and a
 * flush of some other range (as when fully used vmap_blocks were skipped,
 * fixed in 2023 by "mm/vmalloc: prevent stale TLBs in fully utilized
 * blocks").  Neither may clean the page.
 */
static void missed_flush_keeps_dirty(struct kunit *test)
{
	struct page *page;
	unsigned long addr, seq;

	pac_need_strict(test);
	page = pac_alloc_page(test);

	pac_settle();
	addr = pac_vmap_one(test, page);

	seq = __page_alias_check_flush_begin();
	vunmap((void *)addr);
	__page_alias_check_flush_end(addr, addr + PAGE_SIZE, seq);
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(page)), 1);

	/* A real flush that does not cover the stale address. */
	flush_tlb_kernel_range(PAGE_OFFSET, PAGE_OFFSET + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(page)), 1);

	/* A real flush that covers it and began after the unmap. */
	flush_tlb_kernel_range(addr, addr + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(page)), 0);
	pac_vmalloc_purge();
	__free_page(page);
}

/*
 * A flush of one page retires its entry in place while an older entry of
 * another page stays at the head of the log: the later page reads clean
 * (its count went down with the entry), the older one dirty.  A flush of
 * everything then retires the rest.
 */
static void flush_in_place_keeps_older_entry(struct kunit *test)
{
	struct page *old, *later;
	unsigned long a, b;

	pac_need_strict(test);
	old = pac_alloc_page(test);
	later = pac_alloc_page(test);
	pac_settle();
	a = pac_vmap_one(test, old);
	b = pac_vmap_one(test, later);
	vunmap((void *)a);
	vunmap((void *)b);
	flush_tlb_kernel_range(b, b + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(later)), 0);
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(old)), 1);
	flush_tlb_all();
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(old)), 0);
	pac_vmalloc_purge();
	__free_page(old);
	__free_page(later);
}

/*
 * Counts are one byte per bucket.  256 lazy unmaps of one page, all on
 * this CPU, must not wrap its count to zero (the page would read clean
 * with every one of them live): the count sticks at 255 and the lookup
 * still finds them all.
 */
#define PAC_MANY_UNMAPS	256

static void many_unmaps_of_one_page_stay_counted(struct kunit *test)
{
	struct page *page;
	unsigned int i;

	pac_need_strict(test);
	page = pac_alloc_page(test);
	pac_settle();
	migrate_disable();
	for (i = 0; i < PAC_MANY_UNMAPS; i++)
		pac_lazy_alias(test, page);
	migrate_enable();
	kunit_info(test, "count of the page's bucket: %u\n",
		   pac_test_count(pfn_of(page)));
	KUNIT_EXPECT_GE(test, pac_test_count(pfn_of(page)), 255U);
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(page)),
			PAC_MANY_UNMAPS);
	flush_tlb_all();
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(page)), 0);
	pac_vmalloc_purge();
	__free_page(page);
}

/*
 * A pfn that shares its bucket with another page's live entry reads
 * "maybe" from the counts; the lookup must still call it clean.  Buckets
 * go by the low bits of the pfn, so the pfn one bucket-space away shares
 * the page's (it need not be RAM: a check asks the counts and logs only).
 */
static void shared_bucket_pfn_reads_clean(struct kunit *test)
{
	struct page *page;
	unsigned long pfn, other;

	pac_need_strict(test);
	page = pac_alloc_page(test);
	pfn = pfn_of(page);
	other = pfn ^ BIT(pac_test_count_bits());
	KUNIT_ASSERT_EQ(test, pac_test_bucket(pfn), pac_test_bucket(other));
	pac_settle();
	pac_lazy_alias(test, page);
	KUNIT_EXPECT_GE(test, pac_test_count(other), 1U);
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn), 1);
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(other), 0);
	pac_vmalloc_purge();
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn), 0);
	KUNIT_EXPECT_EQ(test, pac_test_count(pfn), 0U);
	__free_page(page);
}

/*
 * The same at the check: pages unmapped behind vmalloc's back (its
 * bookkeeping never learns of them, so vm_unmap_aliases() flushes nothing)
 * must be reported as "purge missed" and flushed by the checker itself.
 */
static void purge_missed_is_caught(struct kunit *test)
{
	struct page *page;
	struct vm_struct *area;
	unsigned long addr;
	long missed;
	int ret;

	pac_need_strict(test);
	page = pac_alloc_page(test);

	area = get_vm_area(PAGE_SIZE, VM_MAP);
	KUNIT_ASSERT_NOT_NULL(test, area);
	addr = (unsigned long)area->addr;
	pac_settle();
	ret = vmap_pages_range_noflush(addr, addr + PAGE_SIZE, PAGE_KERNEL,
				       &page, PAGE_SHIFT);
	KUNIT_ASSERT_EQ(test, ret, 0);
	vunmap_range_noflush(addr, addr + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(page)), 1);

	pac_expect_report(test, "BUG: page_alias_check: purge missed alias pfn:");
	missed = STAT(purge_missed);
	page_alias_check_range(page, 1, "kunit purge_missed");
	pac_expect_printed(test);
	KUNIT_EXPECT_EQ(test, STAT(purge_missed) - missed, 1);
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(page)), 0);
	free_vm_area(area);
	__free_page(page);
}

/*
 * x86 flushes a kernel range page by page from @start: with an unaligned
 * start, [start, end) can end inside a page the flush never reaches.  Such
 * a flush must leave that page dirty (issue: it was marked clean).
 */
static void unaligned_range_flush_rounds_inward(struct kunit *test)
{
	struct page *pages[2];
	struct vm_struct *area;
	unsigned long addr;
	int ret;

	pac_need_strict(test);
	pages[0] = pac_alloc_page(test);
	pages[1] = pac_alloc_page(test);
	area = get_vm_area(2 * PAGE_SIZE, VM_MAP);
	KUNIT_ASSERT_NOT_NULL(test, area);
	addr = (unsigned long)area->addr;
	pac_settle();
	ret = vmap_pages_range_noflush(addr, addr + 2 * PAGE_SIZE, PAGE_KERNEL,
				       pages, PAGE_SHIFT);
	KUNIT_ASSERT_EQ(test, ret, 0);
	vunmap_range_noflush(addr, addr + 2 * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, page_alias_check_pfn(pfn_of(pages[0])), 1);
	KUNIT_ASSERT_EQ(test, page_alias_check_pfn(pfn_of(pages[1])), 1);

	/* Steps from addr + PAGE_SIZE / 2: the second page is never reached. */
	flush_tlb_kernel_range(addr + PAGE_SIZE / 2,
			       addr + PAGE_SIZE + PAGE_SIZE / 4);
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(pages[0])), 0);
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(pages[1])), 1);

	flush_tlb_kernel_range(addr, addr + 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(pages[1])), 0);
	free_vm_area(area);
	__free_page(pages[0]);
	__free_page(pages[1]);
}

struct pac_reuse {
	struct kunit *test;
	struct page *page;
	int calls;
};

/*
 * pfn_at() of a one-page request that vmaps and vunmaps the page again when
 * the check looks a second time (its verify step after the purge): someone
 * else's new lazy unmap of a page the caller does not own.
 */
static unsigned long pac_reuse_pfn_at(const struct page_alias_check_req *req,
				      unsigned long idx)
{
	struct pac_reuse *r = req->data;

	if (++r->calls == 2)
		pac_lazy_alias(r->test, r->page);
	return pfn_of(r->page);
}

/* Such a new alias after the purge is not a "purge missed" (cpa-test did). */
static void purge_then_reuse_is_no_miss(struct kunit *test)
{
	struct pac_reuse r = { .test = test, .page = pac_alloc_page(test) };
	struct page_alias_check_req req = {
		.reason = "kunit reuse", .nr = 1,
		.pfn_at = pac_reuse_pfn_at, .data = &r,
	};
	long missed, found;

	pac_need_strict(test);
	pac_settle();
	pac_lazy_alias(test, r.page);
	missed = STAT(purge_missed);
	found = STAT(aliases_found);
	page_alias_check_pages(&req);
	KUNIT_EXPECT_GE(test, r.calls, 2);
	KUNIT_EXPECT_EQ(test, STAT(aliases_found) - found, 1);
	KUNIT_EXPECT_EQ(test, STAT(purge_missed) - missed, 0);
	/* Left dirty by the new unmap: flushed all the same. */
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(r.page)), 0);
	__free_page(r.page);
}

static void seq_compare(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, pac_seq_before(4, 5));
	KUNIT_EXPECT_FALSE(test, pac_seq_before(5, 5));
	KUNIT_EXPECT_FALSE(test, pac_seq_before(6, 5));
	/* Across the wrap of an unsigned long. */
	KUNIT_EXPECT_TRUE(test, pac_seq_before(ULONG_MAX, 0));
	KUNIT_EXPECT_TRUE(test, pac_seq_before(ULONG_MAX - 1, 2));
	KUNIT_EXPECT_FALSE(test, pac_seq_before(2, ULONG_MAX));
	/* Far behind is still older (22 bits once were kept: 2^21 was not). */
	KUNIT_EXPECT_TRUE(test, pac_seq_before(0, (1UL << 21) + 1));
	KUNIT_EXPECT_TRUE(test, pac_seq_before(0, 1UL << 40));
}

static void seq_wrap_end_to_end(struct kunit *test)
{
	struct page *page;

	pac_need_strict(test);
	page = pac_alloc_page(test);

	pac_settle();	/* logs empty: no entry can be misjudged */
	pac_set_flush_seq(ULONG_MAX - 1);
	pac_lazy_alias(test, page);
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(page)), 1);
	flush_tlb_all();
	flush_tlb_all();
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(page)), 0);
	/* The sequence wrapped between the unmap and the flush. */
	KUNIT_EXPECT_LT(test, pac_read_flush_seq(), 16UL);
	pac_lazy_alias(test, page);
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(page)), 1);
	pac_vmalloc_purge();
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(page)), 0);
	__free_page(page);
}

/*
 * An entry that no flush covered for a long time (a vmap_block's dirty
 * range under heavy CPA churn; every check takes a number) must still be
 * cleaned by the flush that finally covers it.  Entries once kept 22 bits
 * of the number: 2^21 later they read as newer than every flush.
 */
static void seq_old_entry_is_still_flushed(struct kunit *test)
{
	struct page *page = pac_dirty_page(test);

	pac_set_flush_seq(pac_read_flush_seq() + (1UL << 40) + (1UL << 21) + 2);
	flush_tlb_all();
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(page)), 0);
	__free_page(page);
}

static struct {
	unsigned long addr, seq;
} pac_other_walk;

/* Another flush, retiring one entry, while the first walk dropped a lock. */
static void pac_other_flush(void)
{
	__page_alias_check_flush_end(pac_other_walk.addr,
				     pac_other_walk.addr + PAGE_SIZE,
				     pac_other_walk.seq);
}

/*
 * Two flushes walk one log at once.  The first (covering only the last
 * entry, X) drops the lock after 256 entries; meanwhile the second retires
 * the log's first entry, and the last one, X, takes its place.  The first
 * walk must still find X: walking upwards it did not, and X's page stayed
 * dirty after a flush that covered it (and a flush of everything left it
 * behind).
 */
static void walk_finds_moved_entries(struct kunit *test)
{
	struct page *filler, *x;
	unsigned long addr, first = 0, seq;
	void *p = NULL;
	int i;

	pac_need_strict(test);
	filler = pac_alloc_page(test);
	x = pac_alloc_page(test);
	pac_settle();
	/* All in this CPU's log, in this order. */
	migrate_disable();
	for (i = 0; i <= 300; i++) {
		p = vmap(i < 300 ? &filler : &x, 1, VM_MAP, PAGE_KERNEL);
		if (!p)
			break;
		vunmap(p);
		if (!first)
			first = (unsigned long)p;
	}
	migrate_enable();
	KUNIT_ASSERT_EQ(test, i, 301);
	addr = (unsigned long)p;
	KUNIT_ASSERT_EQ(test, page_alias_check_pfn(pfn_of(x)), 1);
	seq = __page_alias_check_flush_begin();
	pac_other_walk.addr = first;
	pac_other_walk.seq = seq;
	WRITE_ONCE(pac_test_walk_unlocked, pac_other_flush);
	__page_alias_check_flush_end(addr, addr + PAGE_SIZE, seq);
	KUNIT_EXPECT_NULL_MSG(test, xchg(&pac_test_walk_unlocked, NULL),
			      "the walk never dropped its lock");
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(x)), 0);
	pac_settle();
	__free_page(filler);
	__free_page(x);
}

/* A TTM pool batch: 2 MiB of pages. */
#define PAC_BATCH_PAGES	512

#ifdef CONFIG_KPROBES
/*
 * The suite's kprobes are registered once and never unregistered: their
 * handlers do nothing while no test watches (pac_probe_task NULL).  Taking
 * a probe out patches the text again while other CPUs run it, and twice a
 * CPU was then caught on an int3 that no kprobe claimed any more: "Oops:
 * int3" at flush_tlb_kernel_range+0x1 on a KCSAN kernel, and an endless
 * int3 at flush_tlb_all+0x1 on 6.1 (RCU stall) right after the early
 * kretprobes below were unregistered.  A post handler keeps these from
 * being optimized into jumps, which a worker would undo later.
 */
static struct task_struct *pac_probe_task;
static atomic_t pac_purges_seen, pac_foreign_flushes;
static DEFINE_MUTEX(pac_probes_lock);
static int pac_probes_err = -EAGAIN;	/* until registered */

static int pac_purge_pre(struct kprobe *p, struct pt_regs *regs)
{
	if (current == READ_ONCE(pac_probe_task))
		atomic_inc(&pac_purges_seen);
	return 0;
}

static int pac_flush_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct task_struct *task = READ_ONCE(pac_probe_task);

	if (task && current != task)
		atomic_inc(&pac_foreign_flushes);
	return 0;
}

static void pac_kp_post(struct kprobe *p, struct pt_regs *regs,
			unsigned long flags)
{
}

static struct kprobe pac_purge_kp = {
	.symbol_name = "vm_unmap_aliases",
	.pre_handler = pac_purge_pre,
	.post_handler = pac_kp_post,
};

static struct kprobe pac_flush_kp[] = {
	{ .symbol_name = "flush_tlb_kernel_range", .pre_handler = pac_flush_pre,
	  .post_handler = pac_kp_post },
	{ .symbol_name = "flush_tlb_all", .pre_handler = pac_flush_pre,
	  .post_handler = pac_kp_post },
};

static void pac_probes_off(void *unused)
{
	WRITE_ONCE(pac_probe_task, NULL);
}

/* Register the probes at the first use; 0 or why they are not there. */
static int pac_probes_register(void)
{
	int i;

	mutex_lock(&pac_probes_lock);
	if (pac_probes_err == -EAGAIN) {
		pac_probes_err = register_kprobe(&pac_purge_kp);
		for (i = 0; !pac_probes_err && i < ARRAY_SIZE(pac_flush_kp); i++)
			pac_probes_err = register_kprobe(&pac_flush_kp[i]);
	}
	mutex_unlock(&pac_probes_lock);
	return pac_probes_err;
}

/* Watch this task's purges and other tasks' kernel TLB flushes. */
static void pac_probes_on(struct kunit *test)
{
	if (pac_probes_register())
		KUNIT_FAIL_AND_ABORT(test, "cannot probe the TLB flushes (%d)",
				     pac_probes_err);
	WRITE_ONCE(pac_probe_task, current);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, pac_probes_off,
							NULL), 0);
}

/* Kernel TLB flushes by other tasks seen since pac_probes_on(). */
static int pac_foreign(void)
{
	return atomic_read(&pac_foreign_flushes);
}

/*
 * A full log loses no protection: what does not fit is untracked, and then
 * every check purges, even one of a clean page, until a flush covers it.
 * The purge is watched by a kprobe on vm_unmap_aliases(), not through the
 * checker's counters.  Another task's flush may end the untracked range
 * before the check looks (seen by kprobes on the flushes): then again.
 */
static void log_full_untracks_and_purges(struct kunit *test)
{
	struct page *pages[4], *clean;
	int i, tries, purges, foreign;
	long untracked;
	void *addr;

	pac_need_strict(test);
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		pages[i] = pac_alloc_page(test);
	clean = pac_alloc_page(test);
	pac_probes_on(test);
	for (tries = 1; tries <= 5; tries++) {
		pac_settle();
		untracked = STAT(untracked);
		foreign = atomic_read(&pac_foreign_flushes);
		/* Room for one entry at most (others may be there already). */
		WRITE_ONCE(pac_test_log_limit, 1);
		addr = vmap(pages, ARRAY_SIZE(pages), VM_MAP, PAGE_KERNEL);
		if (addr)
			vunmap(addr);
		WRITE_ONCE(pac_test_log_limit, 0);
		KUNIT_ASSERT_NOT_NULL(test, addr);
		purges = atomic_read(&pac_purges_seen);
		page_alias_check_range(clean, 1, "kunit log full");
		if (atomic_read(&pac_foreign_flushes) == foreign)
			break;
	}
	kunit_info(test, "tries: %d (another task flushed in between)\n",
		   tries);
	KUNIT_EXPECT_GE(test, STAT(untracked) - untracked, 3L);
	KUNIT_EXPECT_GT(test, atomic_read(&pac_purges_seen), purges);
	pac_settle();
	/* Pages that did not fit in the log read clean after the flush. */
	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(pages[i])), 0);
		KUNIT_EXPECT_EQ(test, page_alias_check_live(pfn_of(pages[i]), NULL), 0);
	}
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		__free_page(pages[i]);
	__free_page(clean);
}

/*
 * A TTM pool batch (512 pages, 2 MiB) of alias-free pages changes cache
 * mode without a purge under the default walk_max, which walks it: the
 * kprobe on vm_unmap_aliases() sees no call from this task.
 */
static void cpa_512_clean_pages_walked(struct kunit *test)
{
	struct page **pages;
	int i, purges;

	pages = kunit_kcalloc(test, PAC_BATCH_PAGES, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	for (i = 0; i < PAC_BATCH_PAGES; i++)
		pages[i] = pac_alloc_page(test);
	pac_settle();
	pac_probes_on(test);
	purges = atomic_read(&pac_purges_seen);
	KUNIT_EXPECT_EQ(test, set_pages_array_wc(pages, PAC_BATCH_PAGES), 0);
	KUNIT_EXPECT_EQ(test, set_pages_array_wb(pages, PAC_BATCH_PAGES), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&pac_purges_seen), purges);
	for (i = 0; i < PAC_BATCH_PAGES; i++)
		__free_page(pages[i]);
}
#else
static void pac_probes_on(struct kunit *test) { }
static int pac_foreign(void) { return 0; }

static void log_full_untracks_and_purges(struct kunit *test)
{
	kunit_skip(test, "needs CONFIG_KPROBES");
}

static void cpa_512_clean_pages_walked(struct kunit *test)
{
	kunit_skip(test, "needs CONFIG_KPROBES");
}
#endif

#define PAC_TEST_WALK_ENTRIES	600

/*
 * A flush walks the log entries in its range with IRQs off: the lock is
 * dropped every PAC_WALK_BATCH entries visited, kept or not (it used to
 * count only the entries it dropped, so a range full of newer entries was
 * walked in one hold).
 */
static void flush_walk_drops_lock(struct kunit *test)
{
	unsigned long seq, lo, hi, addr, held;
	struct page *page;
	int i, tries, foreign;

	pac_need_strict(test);
	page = pac_alloc_page(test);
	pac_probes_on(test);
	for (tries = 1; ; tries++) {
		pac_settle();
		foreign = pac_foreign();
		/* Entries recorded after this are newer than the "flush". */
		seq = __page_alias_check_flush_begin();
		lo = ULONG_MAX;
		hi = 0;
		for (i = 0; i < PAC_TEST_WALK_ENTRIES; i++) {
			addr = pac_vmap_one(test, page);
			vunmap((void *)addr);
			lo = min(lo, addr);
			hi = max(hi, addr + PAGE_SIZE);
		}
		/*
		 * Another task's purge flushes our lazy areas too (seen on
		 * a slow KCSAN kernel, 484 of 600): again, decided by the
		 * kprobes on the flushes, not by the checker's count.
		 */
		if (pac_foreign() == foreign || tries == 4)
			break;
		pac_vmalloc_purge();
	}
	kunit_info(test, "tries %d\n", tries);
	KUNIT_EXPECT_GT(test, page_alias_check_pfn(pfn_of(page)), 2 * 256);
	WRITE_ONCE(pac_walk_hold_max, 0);
	/*
	 * Leave the highest entry out of the range: a range that takes in
	 * the whole log retires a prefix instead of walking.
	 */
	__page_alias_check_flush_end(lo, hi - PAGE_SIZE, seq);
	/* All visited, none dropped, the lock released every batch. */
	KUNIT_EXPECT_GT(test, page_alias_check_pfn(pfn_of(page)), 2 * 256);
	held = READ_ONCE(pac_walk_hold_max);
	KUNIT_EXPECT_GT(test, held, 0UL);
	KUNIT_EXPECT_LE(test, held, 256UL);
	pac_vmalloc_purge();
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(page)), 0);
	__free_page(page);
}

/*
 * A memory block going offline frees its page_ext (epoch stamps, live
 * counts) and may be unplugged: no stale translation of it may survive.
 * The MEM_OFFLINE notifier must retire its entries with a flush (it used
 * to do nothing).  Called here as the notifier calls it, since the test
 * kernel has no memory hotplug.
 */
static void memory_offline_retires_entries(struct kunit *test)
{
	struct page *page;

	page = pac_alloc_page(test);
	pac_settle();
	pac_lazy_alias(test, page);
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(page)), 1);
	pac_memory_offline();
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(page)), 0);
	__free_page(page);
}

#ifdef CONFIG_KPROBES
/*
 * Lazy unmaps made before the checker is enabled (with deferred struct page
 * init, after SMP bring-up) are not recorded and their pages may be free
 * already, so enabling must flush everything once.  Watched from outside
 * the checker: kretprobes count the flush_tlb_all() calls that completed,
 * and one of them must complete inside the checker's page_ext init, after
 * a lazy unmap made here.  Armed by an early initcall, silenced before the
 * tests.
 */
static struct {
	atomic_t flushes;
	int after_unmap, at_entry, at_enable;
	bool armed, enabled, done;
} pac_early;

static int pac_early_flush_ret(struct kretprobe_instance *ri,
			       struct pt_regs *regs)
{
	if (!READ_ONCE(pac_early.done))
		atomic_inc(&pac_early.flushes);
	return 0;
}

static int pac_early_init_entry(struct kretprobe_instance *ri,
				struct pt_regs *regs)
{
	if (!READ_ONCE(pac_early.done))
		pac_early.at_entry = atomic_read(&pac_early.flushes);
	return 0;
}

static int pac_early_init_ret(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	if (READ_ONCE(pac_early.done))
		return 0;
	pac_early.at_enable = atomic_read(&pac_early.flushes);
	pac_early.enabled = true;
	return 0;
}

static struct kretprobe pac_early_flush_rp = {
	.kp.symbol_name = "flush_tlb_all",
	.handler = pac_early_flush_ret,
};

static struct kretprobe pac_early_init_rp = {
	.kp.symbol_name = "init_page_alias_check",
	.entry_handler = pac_early_init_entry,
	.handler = pac_early_init_ret,
};

static int __init pac_early_unmap(void)
{
	struct page *page;
	void *addr;

	/* Enabled right after vmalloc_init(): nothing to flush. */
	if (static_branch_unlikely(&page_alias_check_key))
		return 0;
	/* The probes stay: not in boots that run no tests (benchmarks). */
	if (!kunit_enabled())
		return 0;
	if (register_kretprobe(&pac_early_flush_rp))
		return 0;
	if (register_kretprobe(&pac_early_init_rp))
		goto out_flush;
	page = alloc_page(GFP_KERNEL);
	if (!page)
		goto out_init;
	addr = vmap(&page, 1, VM_MAP, PAGE_KERNEL);
	if (addr) {
		READ_ONCE(*(char *)addr);
		vunmap(addr);
		pac_early.after_unmap = atomic_read(&pac_early.flushes);
		pac_early.armed = true;
	}
	__free_page(page);
	if (pac_early.armed)
		return 0;
out_init:
	unregister_kretprobe(&pac_early_init_rp);
out_flush:
	unregister_kretprobe(&pac_early_flush_rp);
	return 0;
}
early_initcall(pac_early_unmap);

/* Left registered (see pac_probe_task): the handlers stop counting. */
static int __init pac_early_disarm(void)
{
	WRITE_ONCE(pac_early.done, true);
	return 0;
}
late_initcall_sync(pac_early_disarm);

static void early_unmaps_flushed_when_enabled(struct kunit *test)
{
	if (!pac_early.armed)
		kunit_skip(test, "checker enabled before the early initcalls");
	KUNIT_ASSERT_TRUE(test, pac_early.enabled);
	kunit_info(test, "full flushes completed: %d by the early unmap, %d when enabling began, %d when it ended\n",
		   pac_early.after_unmap, pac_early.at_entry,
		   pac_early.at_enable);
	KUNIT_EXPECT_GE(test, pac_early.at_entry, pac_early.after_unmap);
	KUNIT_EXPECT_GT(test, pac_early.at_enable, pac_early.at_entry);
}
#else
static void early_unmaps_flushed_when_enabled(struct kunit *test)
{
	kunit_skip(test, "needs CONFIG_KPROBES");
}
#endif

#if defined(CONFIG_KASAN_VMALLOC) && defined(CONFIG_X86)
/* vmalloc bytes one page of KASAN shadow covers. */
#define PAC_PER_SHADOW_PAGE	(PAGE_SIZE << KASAN_SHADOW_SCALE_SHIFT)

/* The pfn a present kernel PTE maps @addr to, 0 if none. */
static unsigned long pac_kernel_pfn(unsigned long addr)
{
	unsigned int level;
	pte_t *pte = lookup_address(addr, &level);

	return pte && pte_present(*pte) ? pte_pfn(*pte) : 0;
}

/*
 * The lazy purge frees vmalloc shadow pages (kasan_depopulate_vmalloc_pte())
 * before it flushes the shadow range, outside vunmap_pte_range().  Such a
 * page must read dirty until that flush (it used to be clean: the purge
 * policy then skipped the purge that upstream's vm_unmap_aliases() makes
 * wait for the flush).  Done here by hand on an area of our own, with the
 * flush left to the test as the purge leaves it to its end.
 */
static void kasan_shadow_release_marks_dirty(struct kunit *test)
{
	unsigned long start, size = 4 * PAC_PER_SHADOW_PAGE, shadow, pfn;
	struct vm_struct *area;

	pac_need_strict(test);
	area = get_vm_area(size, VM_MAP);
	KUNIT_ASSERT_NOT_NULL(test, area);
	start = (unsigned long)area->addr;
	/* A shadow page that covers only our area. */
	shadow = (unsigned long)kasan_mem_to_shadow((void *)ALIGN(start,
					PAC_PER_SHADOW_PAGE));
	pfn = pac_kernel_pfn(shadow);
	KUNIT_ASSERT_NE(test, pfn, 0UL);
	pac_settle();
	kasan_release_vmalloc(start, start + size, start, start + size,
			      KASAN_VMALLOC_PAGE_RANGE);
	/* Ground truth: its PTE is gone and nothing has flushed it yet. */
	KUNIT_EXPECT_EQ(test, pac_kernel_pfn(shadow), 0UL);
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn), 1);
	flush_tlb_kernel_range(shadow, shadow + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn), 0);
	/* free_vm_area() poisons the shadow: give it back first. */
	KUNIT_ASSERT_EQ(test, kasan_populate_vmalloc(start, size, GFP_KERNEL), 0);
	free_vm_area(area);
}
#else
static void kasan_shadow_release_marks_dirty(struct kunit *test)
{
	kunit_skip(test, "needs CONFIG_KASAN_VMALLOC on x86");
}
#endif

/*
 * Epoch mode cannot attribute range flushes to pages: only a flush of
 * everything (a check's purge ends with one) cleans a page.
 *
 * Epoch mode: is the page still dirty after @fn, given that any full flush
 * by anyone (clean point moving) legitimately cleans it?  Returns 1 if it
 * read dirty with the clean point unmoved, 0 if it read clean that way, and
 * -1 if someone flushed everything meanwhile (no verdict: try again).
 */
static int pac_epoch_dirty_after(struct page *page, void (*fn)(void *arg),
				 void *arg)
{
	unsigned long c0 = pac_read_clean_seq();
	int dirty;

	fn(arg);
	dirty = page_alias_check_pfn(pfn_of(page));
	return pac_read_clean_seq() == c0 ? dirty : -1;
}

static void pac_epoch_vunmap(void *addr)
{
	vunmap(addr);
}

static void pac_epoch_range_flush(void *addr)
{
	flush_tlb_kernel_range((unsigned long)addr,
			       (unsigned long)addr + PAGE_SIZE);
}

static void epoch_needs_purge_or_full_flush(struct kunit *test)
{
	int unmapped = -1, ranged = -1, tries;
	struct page *page;
	void *addr;

	pac_need_epoch(test);
	page = pac_alloc_page(test);
	/* Full flushes by the rest of the system may interfere: retry. */
	for (tries = 0; tries < 20 && (unmapped < 0 || ranged < 0); tries++) {
		pac_settle();
		addr = (void *)pac_vmap_one(test, page);
		unmapped = pac_epoch_dirty_after(page, pac_epoch_vunmap, addr);
		if (unmapped < 0)
			continue;
		/* A range flush is not a clean point in epoch mode. */
		ranged = pac_epoch_dirty_after(page, pac_epoch_range_flush, addr);
	}
	kunit_info(test, "%d tries\n", tries);
	KUNIT_EXPECT_EQ(test, unmapped, 1);
	KUNIT_EXPECT_EQ(test, ranged, 1);
	/* A check's purge and a full flush are; they only clean. */
	page_alias_check_range(page, 1, "kunit epoch");
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(page)), 0);
	pac_lazy_alias(test, page);
	flush_tlb_all();
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(page)), 0);
	__free_page(page);
}

/*
 * Epoch mode, two lazy unmaps of one page around a full flush: the first
 * unmapper read the sequence before the flush began but stores its stamp
 * after the second, which unmapped after the flush.  The older stamp must
 * not replace the newer one.  The delay is simulated by moving the
 * sequence back for the first unmap; a full flush by anyone else meanwhile
 * spoils the round (retried).
 */
static void epoch_older_stamp_does_not_win(struct kunit *test)
{
	struct page *page;
	unsigned long seq, clean;
	int tries, dirty = -1;

	pac_need_epoch(test);
	page = pac_alloc_page(test);
	for (tries = 1; tries <= 20 && dirty < 0; tries++) {
		flush_tlb_all();
		clean = pac_read_clean_seq();
		seq = pac_read_flush_seq();
		pac_lazy_alias(test, page);	/* after the flush: dirty */
		pac_set_flush_seq(seq - 1);
		pac_lazy_alias(test, page);	/* the delayed, older stamp */
		pac_set_flush_seq(max(pac_read_flush_seq(), seq));
		if (pac_read_clean_seq() == clean)
			dirty = page_alias_check_pfn(pfn_of(page));
	}
	kunit_info(test, "%d tries\n", tries - 1);
	pac_settle();
	__free_page(page);
	if (dirty < 0)
		kunit_skip(test, "a full flush by someone else in every round");
	KUNIT_EXPECT_EQ(test, dirty, 1);
}

/* A byte through @addr: once its PTE is clear, only a stale TLB entry works. */
static bool pac_translates(unsigned long addr)
{
	u8 byte;

	return !copy_from_kernel_nofault(&byte, (void *)addr, 1);
}

/*
 * Map @page at @addr, load the translation into this CPU's TLB and clear
 * the PTE without queueing anything for vmalloc's purge, as a vfree() that
 * sleeps between the two.  True if the stale translation is live (the TLB
 * may have dropped it: the test does not control that).
 */
static bool pac_unqueued_unmap(struct kunit *test, struct page *page,
			       unsigned long addr)
{
	int ret = vmap_pages_range_noflush(addr, addr + PAGE_SIZE, PAGE_KERNEL,
					   &page, PAGE_SHIFT);

	KUNIT_EXPECT_EQ(test, ret, 0);
	if (ret)
		return false;
	READ_ONCE(*(u8 *)addr);
	vunmap_range_noflush(addr, addr + PAGE_SIZE);
	return pac_translates(addr);
}

/*
 * Epoch mode, a check that purges while another unmapper has cleared PTEs
 * but not queued them: vm_unmap_aliases() does not cover that address, so
 * the page may read clean only if some other flush did.  The oracle is a
 * read through the stale address, not the checker.
 */
static void epoch_unqueued_unmap_survives_purge(struct kunit *test)
{
	struct page *page;
	struct vm_struct *area;
	unsigned long addr;
	bool live = false;
	int tries, dirty;

	pac_need_epoch(test);
	page = pac_alloc_page(test);
	area = get_vm_area(PAGE_SIZE, VM_MAP);
	KUNIT_ASSERT_NOT_NULL(test, area);
	addr = (unsigned long)area->addr;
	migrate_disable();
	for (tries = 1; tries <= 10 && !live; tries++) {
		pac_settle();
		live = pac_unqueued_unmap(test, page, addr);
	}
	if (!live) {
		migrate_enable();
		KUNIT_FAIL(test, "no live stale translation in %d tries", tries - 1);
		goto out;
	}
	/* Under "purge": the check purges, and reports nothing. */
	page_alias_check_range(page, 1, "kunit epoch unqueued");
	dirty = page_alias_check_pfn(pfn_of(page));
	live = live && pac_translates(addr);
	migrate_enable();
	kunit_info(test, "%d tries; after the check: %s, stale translation %s\n",
		   tries - 1, dirty ? "dirty" : "clean", live ? "live" : "gone");
	KUNIT_EXPECT_FALSE_MSG(test, !dirty && live,
			       "a page with a live stale translation reads clean");
out:
	free_vm_area(area);
	__free_page(page);
}

/* ---- concurrency: unmap vs. flush on two CPUs ---------------------------- */

struct pac_race {
	unsigned long addr;
	bool stop;
	unsigned long flushes;
};

/* Simulated flushes of the test address with a wide begin..end window. */
static int pac_race_flusher(void *arg)
{
	struct pac_race *race = arg;
	unsigned long seq;

	while (!READ_ONCE(race->stop) && !kthread_should_stop()) {
		seq = __page_alias_check_flush_begin();
		/*
		 * Flushes in flight for 20..180 us: the broken tracker is only
		 * caught when one spans a whole unmap, which takes longer with
		 * stacks and live tracking on.
		 */
		pac_spin_us(20 + 40 * (race->flushes % 5));
		__page_alias_check_flush_end(race->addr, race->addr + PAGE_SIZE,
					     seq);
		race->flushes++;
		/* A quiet gap, so a check can follow a flush with none begun. */
		pac_spin_us(20);
		cond_resched();
	}
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

/*
 * Map, unmap (lazily), then check, while another CPU runs flushes of the
 * same address.  If no flush began after our unmap (the sequence did not
 * move), the page must read dirty; after a real covering flush it must read
 * clean.  Returns the number of violations seen in @ms milliseconds.
 */
static unsigned long pac_race_run(struct kunit *test, unsigned int ms)
{
	struct page *page = pac_alloc_page(test);
	struct pac_race race = {};
	struct task_struct *flusher;
	struct vm_struct *area;
	unsigned long bad = 0, iters = 0, s0, s2, deadline;
	int count;

	area = get_vm_area(PAGE_SIZE, VM_MAP);
	KUNIT_ASSERT_NOT_NULL(test, area);
	race.addr = (unsigned long)area->addr;
	flusher = kthread_create(pac_race_flusher, &race, "pac_race");
	KUNIT_ASSERT_FALSE(test, IS_ERR(flusher));
	kthread_bind(flusher, cpumask_last(cpu_online_mask));
	wake_up_process(flusher);

	deadline = jiffies + msecs_to_jiffies(ms);
	while (time_before(jiffies, deadline)) {
		if (vmap_pages_range_noflush(race.addr, race.addr + PAGE_SIZE,
					     PAGE_KERNEL, &page, PAGE_SHIFT))
			break;
		s0 = pac_read_flush_seq();
		vunmap_range_noflush(race.addr, race.addr + PAGE_SIZE);
		/* Give a flush that began before the unmap time to end. */
		pac_spin_us(10);
		count = page_alias_check_pfn(pfn_of(page));
		s2 = pac_read_flush_seq();
		if ((count == 0 && s2 == s0) || count > 1)
			bad++;
		flush_tlb_kernel_range(race.addr, race.addr + PAGE_SIZE);
		if (page_alias_check_pfn(pfn_of(page)) != 0)
			bad++;
		iters++;
	}
	WRITE_ONCE(race.stop, true);
	kthread_stop(flusher);
	kunit_info(test, "%lu iterations, %lu flushes, %lu violations\n",
		   iters, race.flushes, bad);
	/* Few under a loaded host (TCG vCPUs starve), but never none. */
	KUNIT_EXPECT_GT(test, iters, 20UL);
	KUNIT_EXPECT_GT(test, race.flushes, 10UL);
	free_vm_area(area);
	__free_page(page);
	return bad;
}

static void concurrent_unmap_flush(struct kunit *test)
{
	pac_need_strict(test);
	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	pac_settle();
	KUNIT_EXPECT_EQ(test, pac_race_run(test, 1000), 0UL);
}

/* The race test must be able to fail: break the tracker and watch it. */
static void concurrent_catches_broken_ordering(struct kunit *test)
{
	unsigned long bad = 0;
	int i;

	pac_need_strict(test);
	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	pac_settle();
	WRITE_ONCE(pac_test_ignore_seq, true);
	/* The window is narrow when the host starves our vCPUs: retry. */
	for (i = 0; i < 5 && !bad; i++)
		bad = pac_race_run(test, 1000);
	KUNIT_EXPECT_GT(test, bad, 0UL);
	WRITE_ONCE(pac_test_ignore_seq, false);
	pac_settle();
}

/* ---- policy parsing -------------------------------------------------- */

static void policy_parse(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, page_alias_check_parse_policy("off"), PAGE_ALIAS_CHECK_OFF);
	KUNIT_EXPECT_EQ(test, page_alias_check_parse_policy("purge"), PAGE_ALIAS_CHECK_PURGE);
	KUNIT_EXPECT_EQ(test, page_alias_check_parse_policy("warn"), PAGE_ALIAS_CHECK_WARN);
	KUNIT_EXPECT_EQ(test, page_alias_check_parse_policy("bug\n"), PAGE_ALIAS_CHECK_BUG);
	KUNIT_EXPECT_EQ(test, page_alias_check_parse_policy(""), -EINVAL);
	KUNIT_EXPECT_EQ(test, page_alias_check_parse_policy(NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, page_alias_check_parse_policy("WARN"), -EINVAL);
	KUNIT_EXPECT_EQ(test, page_alias_check_parse_policy("Purge"), -EINVAL);
	KUNIT_EXPECT_EQ(test, page_alias_check_parse_policy("warnx"), -EINVAL);
	KUNIT_EXPECT_EQ(test, page_alias_check_parse_policy("warn junk"), -EINVAL);
	KUNIT_EXPECT_EQ(test, page_alias_check_parse_policy("wa"), -EINVAL);
	KUNIT_EXPECT_EQ(test, page_alias_check_parse_policy("bug\n\n"), -EINVAL);
}

static void bool_parse(struct kunit *test)
{
	bool on = false;

	KUNIT_EXPECT_EQ(test, pac_parse_bool("on", &on), 0);
	KUNIT_EXPECT_TRUE(test, on);
	KUNIT_EXPECT_EQ(test, pac_parse_bool("0\n", &on), 0);
	KUNIT_EXPECT_FALSE(test, on);
	KUNIT_EXPECT_EQ(test, pac_parse_bool("yes", &on), 0);
	KUNIT_EXPECT_TRUE(test, on);
	/* Rejected, and @on untouched. */
	KUNIT_EXPECT_EQ(test, pac_parse_bool("offline", &on), -EINVAL);
	KUNIT_EXPECT_EQ(test, pac_parse_bool("1x", &on), -EINVAL);
	KUNIT_EXPECT_EQ(test, pac_parse_bool("ON", &on), -EINVAL);
	KUNIT_EXPECT_EQ(test, pac_parse_bool("", &on), -EINVAL);
	KUNIT_EXPECT_EQ(test, pac_parse_bool(NULL, &on), -EINVAL);
	KUNIT_EXPECT_TRUE(test, on);
}

/* ---- the change_page_attr() check ------------------------------------- */

/*
 * The seed scenario: a page is vmapped, written, vunmapped lazily and freed;
 * the allocator hands it straight back (per-cpu list, same CPU) to a TTM-like
 * user that makes it write-combining.
 */
static struct page *pac_seed_page(struct kunit *test)
{
	struct page *page = pac_alloc_page(test), *again;

	pac_settle();
	pac_lazy_alias(test, page);
	preempt_disable();
	__free_page(page);
	again = alloc_page(GFP_ATOMIC);
	preempt_enable();
	KUNIT_ASSERT_PTR_EQ(test, again, page);
	KUNIT_ASSERT_EQ(test, page_alias_check_pfn(pfn_of(page)), 1);
	return page;
}

static void cpa_seed(struct kunit *test, enum page_alias_check_policy policy,
		     bool expect_report)
{
	long reports, found, cache, forced;
	struct page *page = pac_seed_page(test);

	page_alias_check_policy = policy;
	if (expect_report)
		pac_expect_report(test, "page_alias_check: lazy alias pfn:");
	reports = STAT(reports);
	found = STAT(aliases_found);
	cache = STAT(aliases_cache);
	forced = STAT(purges_forced);
	KUNIT_ASSERT_EQ(test, set_pages_array_wc(&page, 1), 0);
	if (expect_report)
		pac_expect_printed(test);
	KUNIT_EXPECT_EQ(test, STAT(reports) - reports, expect_report ? 1 : 0);
	KUNIT_EXPECT_EQ(test, STAT(aliases_found) - found, 1);
	KUNIT_EXPECT_EQ(test, STAT(aliases_cache) - cache, 1);
	KUNIT_EXPECT_EQ(test, STAT(purges_forced) - forced, 1);
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(page)), 0);
	KUNIT_EXPECT_EQ(test, set_pages_array_wb(&page, 1), 0);
	KUNIT_EXPECT_EQ(test, STAT(purges_forced) - forced, 1);
	__free_page(page);
}

static void cpa_seed_warn_reports(struct kunit *test)
{
	cpa_seed(test, PAGE_ALIAS_CHECK_WARN, true);
}

static void cpa_seed_purge_silent(struct kunit *test)
{
	cpa_seed(test, PAGE_ALIAS_CHECK_PURGE, false);
}

static unsigned long pac_test_pfn_at(const struct page_alias_check_req *req,
				     unsigned long idx)
{
	struct page *first = req->data;

	return page_to_pfn(first) + idx;
}

/*
 * A permission-only change (set_memory_ro() of module memory, cpa-test's
 * software bit) on a page with a lazy alias: purged and counted; reported
 * (not as a bug) only with debugfs report_permission=Y.  No cache attribute
 * alias can form.  (No BUG() under "bug" either: the "ordinary-bug" boot
 * loads modules under that policy.)
 */
static void cpa_perm_change(struct kunit *test, const char *reason,
			    bool report_perm)
{
	struct page *page = pac_seed_page(test);
	struct page_alias_check_req req = {
		.reason = reason, .nr = 1,
		.pfn_at = pac_test_pfn_at, .change = PAGE_ALIAS_CHANGE_PERM,
		.data = page,
	};
	bool saved = page_alias_check_report_perm;
	long reports, found, perm, forced;

	page_alias_check_policy = PAGE_ALIAS_CHECK_WARN;
	reports = STAT(reports);
	found = STAT(aliases_found);
	perm = STAT(aliases_perm);
	forced = STAT(purges_forced);
	page_alias_check_report_perm = report_perm;
	page_alias_check_pages(&req);
	page_alias_check_report_perm = saved;
	KUNIT_EXPECT_EQ(test, STAT(aliases_found) - found, 1);
	KUNIT_EXPECT_EQ(test, STAT(aliases_perm) - perm, 1);
	KUNIT_EXPECT_EQ(test, STAT(purges_forced) - forced, 1);
	KUNIT_EXPECT_EQ(test, STAT(reports) - reports, report_perm ? 1 : 0);
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(page)), 0);
	__free_page(page);
}

static void cpa_perm_change_purges_silently(struct kunit *test)
{
	cpa_perm_change(test, "kunit permission", false);
}

static void cpa_perm_change_reported_on_request(struct kunit *test)
{
	cpa_perm_change(test, "kunit permission on request", true);
}

/*
 * page_alias_check_range() callers have no vm_unmap_aliases() of their own:
 * a lazy alias there is a bug ("BUG:" report under "warn").
 */
static void range_alias_is_a_bug(struct kunit *test)
{
	struct page *page = pac_seed_page(test);
	long reports = STAT(reports), other = STAT(aliases_other);

	pac_expect_report(test, "BUG: page_alias_check: unflushed alias pfn:");
	page_alias_check_policy = PAGE_ALIAS_CHECK_WARN;
	page_alias_check_range(page, 1, "kunit range without purge");
	pac_expect_printed_pfn(test, pfn_of(page));
	KUNIT_EXPECT_EQ(test, STAT(aliases_other) - other, 1);
	KUNIT_EXPECT_EQ(test, STAT(reports) - reports, 1);
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(page)), 0);
	__free_page(page);
}

/* Policy off: upstream behaviour, the alias is purged blindly, not seen. */
static void cpa_seed_off_misses(struct kunit *test)
{
	struct page *page = pac_seed_page(test);
	long checks = STAT(checks), found = STAT(aliases_found);

	page_alias_check_policy = PAGE_ALIAS_CHECK_OFF;
	KUNIT_ASSERT_EQ(test, set_pages_array_uc(&page, 1), 0);
	KUNIT_EXPECT_EQ(test, STAT(checks) - checks, 0);
	KUNIT_EXPECT_EQ(test, STAT(aliases_found) - found, 0);
	KUNIT_EXPECT_EQ(test, page_alias_check_pfn(pfn_of(page)), 0);
	set_pages_array_wb(&page, 1);
	__free_page(page);
}

/* Alias-free pages: no purge at all, however often attributes change. */
static void cpa_clean_skips_purge(struct kunit *test)
{
	struct page *page = pac_alloc_page(test);
	long forced, skipped, checks, found;
	int i;

	pac_settle();
	forced = STAT(purges_forced);
	skipped = STAT(purges_skipped);
	checks = STAT(checks);
	found = STAT(aliases_found);
	for (i = 0; i < 10; i++) {
		KUNIT_ASSERT_EQ(test, set_pages_array_wc(&page, 1), 0);
		KUNIT_ASSERT_EQ(test, set_pages_array_wb(&page, 1), 0);
	}
	KUNIT_EXPECT_EQ(test, STAT(purges_forced) - forced, 0);
	/* set_pages_array_wc() is two CPA calls (UC-, then WC). */
	KUNIT_EXPECT_GE(test, STAT(purges_skipped) - skipped, 20);
	KUNIT_EXPECT_EQ(test, STAT(purges_skipped) - skipped,
			STAT(checks) - checks);
	KUNIT_EXPECT_EQ(test, STAT(aliases_found) - found, 0);
	__free_page(page);
}

/* set_memory_*() on a direct-map address and on a vmalloc address. */
static void cpa_addresses_translated(struct kunit *test)
{
	struct page *page = pac_alloc_page(test);
	unsigned long kaddr = (unsigned long)page_address(page);
	void *vaddr;
	long found;

	pac_settle();
	pac_lazy_alias(test, page);
	found = STAT(aliases_found);
	KUNIT_ASSERT_EQ(test, set_memory_uc(kaddr, 1), 0);
	KUNIT_EXPECT_EQ(test, STAT(aliases_found) - found, 1);
	set_memory_wb(kaddr, 1);

	vaddr = vmalloc(PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, vaddr);
	pac_lazy_alias(test, vmalloc_to_page(vaddr));
	found = STAT(aliases_found);
	KUNIT_ASSERT_EQ(test, set_memory_ro((unsigned long)vaddr, 1), 0);
	KUNIT_EXPECT_EQ(test, STAT(aliases_found) - found, 1);
	set_memory_rw((unsigned long)vaddr, 1);
	vfree(vaddr);
	__free_page(page);
}

static void cpa_large_request_purges_once(struct kunit *test)
{
	struct page *pages[4];
	long large, forced;
	int i;

	for (i = 0; i < ARRAY_SIZE(pages); i++)
		pages[i] = pac_alloc_page(test);
	page_alias_check_walk_max = 2;
	large = STAT(checks_large);
	forced = STAT(purges_forced);
	KUNIT_ASSERT_EQ(test, set_pages_array_uc(pages, ARRAY_SIZE(pages)), 0);
	KUNIT_EXPECT_EQ(test, STAT(checks_large) - large, 1);
	KUNIT_EXPECT_EQ(test, STAT(purges_forced) - forced, 1);
	set_pages_array_wb(pages, ARRAY_SIZE(pages));
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		__free_page(pages[i]);
}

static struct kunit_case page_alias_check_test_cases[] = {
	KUNIT_CASE(policy_parse),
	KUNIT_CASE(bool_parse),
	KUNIT_CASE(seq_compare),
	KUNIT_CASE(vunmap_marks_dirty),
	KUNIT_CASE(vfree_marks_dirty),
	KUNIT_CASE(vfree_atomic_marks_dirty),
	KUNIT_CASE(vm_unmap_ram_block_marks_dirty),
	KUNIT_CASE(vm_unmap_ram_area_marks_dirty),
	KUNIT_CASE_SLOW(flush_keeps_up_with_vmalloc_churn),
	KUNIT_CASE(flush_reset_perms_reads_clean),
	KUNIT_CASE(counts_add_up),
	KUNIT_CASE(missed_flush_keeps_dirty),
	KUNIT_CASE(flush_in_place_keeps_older_entry),
	KUNIT_CASE(many_unmaps_of_one_page_stay_counted),
	KUNIT_CASE(shared_bucket_pfn_reads_clean),
	KUNIT_CASE(purge_missed_is_caught),
	KUNIT_CASE(unaligned_range_flush_rounds_inward),
	KUNIT_CASE(purge_then_reuse_is_no_miss),
	KUNIT_CASE(seq_wrap_end_to_end),
	KUNIT_CASE(seq_old_entry_is_still_flushed),
	KUNIT_CASE(flush_walk_drops_lock),
	KUNIT_CASE(walk_finds_moved_entries),
	KUNIT_CASE(log_full_untracks_and_purges),
	KUNIT_CASE(kasan_shadow_release_marks_dirty),
	KUNIT_CASE(memory_offline_retires_entries),
	KUNIT_CASE(early_unmaps_flushed_when_enabled),
	KUNIT_CASE(cpa_512_clean_pages_walked),
	KUNIT_CASE(epoch_needs_purge_or_full_flush),
	KUNIT_CASE(epoch_unqueued_unmap_survives_purge),
	KUNIT_CASE(epoch_older_stamp_does_not_win),
	KUNIT_CASE_SLOW(concurrent_unmap_flush),
	KUNIT_CASE_SLOW(concurrent_catches_broken_ordering),
	KUNIT_CASE(cpa_seed_warn_reports),
	KUNIT_CASE(cpa_seed_purge_silent),
	KUNIT_CASE(cpa_seed_off_misses),
	KUNIT_CASE(cpa_perm_change_purges_silently),
	KUNIT_CASE(cpa_perm_change_reported_on_request),
	KUNIT_CASE(range_alias_is_a_bug),
	KUNIT_CASE(cpa_clean_skips_purge),
	KUNIT_CASE(cpa_addresses_translated),
	KUNIT_CASE(cpa_large_request_purges_once),
	{}
};

static struct kunit_suite page_alias_check_test_suite = {
	.name = "page_alias_check",
	.init = pac_test_init,
	.exit = pac_test_exit,
	.test_cases = page_alias_check_test_cases,
};

/* ---- live mappings ------------------------------------------------------ */

/*
 * The live suite: counts of live vmap mappings and the reports they allow.
 * Every case runs under "warn" and looks at the stats the report bumps.
 */
static int pac_live_test_init(struct kunit *test)
{
	int ret = pac_test_init(test);

	if (ret)
		return ret;
	if (!pac_live_enabled())
		kunit_skip(test, "booted with page_alias_check_live=off");
	page_alias_check_policy = PAGE_ALIAS_CHECK_WARN;
	/* Pages fresh from earlier cases may still carry stale aliases. */
	pac_settle();
	return 0;
}

static int pac_live_of(struct page *page)
{
	return page_alias_check_live(page_to_pfn(page), NULL);
}

static enum page_alias_mode pac_live_mode_of(struct page *page)
{
	enum page_alias_mode mode;

	page_alias_check_live(page_to_pfn(page), &mode);
	return mode;
}

/* Every way of mapping raises the count, every unmap drops it. */
static void live_map_unmap_counts(struct kunit *test)
{
	struct page *page = pac_alloc_page(test);
	void *a, *b, *c;

	KUNIT_EXPECT_EQ(test, pac_live_of(page), 0);
	a = vmap(&page, 1, VM_MAP, PAGE_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_EQ(test, pac_live_of(page), 1);
	KUNIT_EXPECT_EQ(test, pac_live_mode_of(page), PAGE_ALIAS_MODE_WB);
	b = vmap(&page, 1, VM_MAP, PAGE_KERNEL_RO);
	KUNIT_ASSERT_NOT_NULL(test, b);
	c = vm_map_ram(&page, 1, NUMA_NO_NODE);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_EQ(test, pac_live_of(page), 3);
	vm_unmap_ram(c, 1);
	vunmap(b);
	KUNIT_EXPECT_EQ(test, pac_live_of(page), 1);
	vunmap(a);
	KUNIT_EXPECT_EQ(test, pac_live_of(page), 0);
	__free_page(page);
}

struct pac_live_stats {
	long reports, aliases, conflicts, freed;
};

static void pac_live_stats_get(struct pac_live_stats *st)
{
	st->reports = STAT(reports);
	st->aliases = STAT(live_aliases);
	st->conflicts = STAT(map_conflicts);
	st->freed = STAT(freed_mapped);
}

/* TTM: make the pages WC, then vmap them WC.  Legal: nothing reported. */
static void live_ttm_wc_vmap_silent(struct kunit *test)
{
	struct page *page = pac_alloc_page(test);
	struct pac_live_stats a, b;
	void *addr;

	pac_live_stats_get(&a);
	KUNIT_ASSERT_EQ(test, set_pages_array_wc(&page, 1), 0);
	addr = vmap(&page, 1, VM_MAP, pgprot_writecombine(PAGE_KERNEL));
	KUNIT_ASSERT_NOT_NULL(test, addr);
	KUNIT_EXPECT_EQ(test, pac_live_mode_of(page), PAGE_ALIAS_MODE_WC);
	memset(addr, 0, PAGE_SIZE);
	vunmap(addr);
	/* Not the stale alias the vunmap() left: that is the other suite's. */
	pac_settle();
	KUNIT_EXPECT_EQ(test, set_pages_array_wb(&page, 1), 0);
	__free_page(page);
	pac_live_stats_get(&b);
	KUNIT_EXPECT_EQ(test, b.reports - a.reports, 0);
	KUNIT_EXPECT_EQ(test, b.aliases - a.aliases, 0);
	KUNIT_EXPECT_EQ(test, b.conflicts - a.conflicts, 0);
	KUNIT_EXPECT_EQ(test, b.freed - a.freed, 0);
}

/* A WB vmap still mapped while the direct map turns WC: a live alias. */
static void live_wb_vmap_then_wc_reports(struct kunit *test)
{
	struct page *page = pac_alloc_page(test);
	struct pac_live_stats a, b;
	void *addr;

	addr = vmap(&page, 1, VM_MAP, PAGE_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, addr);
	pac_expect_report(test, "BUG: page_alias_check: live alias pfn:");
	pac_live_stats_get(&a);
	KUNIT_ASSERT_EQ(test, set_pages_array_wc(&page, 1), 0);
	pac_live_stats_get(&b);
	pac_expect_printed(test);
	/* UC- then WC: both steps conflict with the WB mapping. */
	KUNIT_EXPECT_EQ(test, b.aliases - a.aliases, 2);
	KUNIT_EXPECT_EQ(test, b.reports - a.reports, 2);
	KUNIT_EXPECT_EQ(test, set_pages_array_wb(&page, 1), 0);
	pac_live_stats_get(&a);
	KUNIT_EXPECT_EQ(test, a.aliases - b.aliases, 0);
	vunmap(addr);
	__free_page(page);
}

/* The reverse: back to WB while a WC vmap of the page is still live. */
static void live_wc_vmap_then_wb_reports(struct kunit *test)
{
	struct page *page = pac_alloc_page(test);
	struct pac_live_stats a, b;
	void *addr;

	KUNIT_ASSERT_EQ(test, set_pages_array_wc(&page, 1), 0);
	addr = vmap(&page, 1, VM_MAP, pgprot_writecombine(PAGE_KERNEL));
	KUNIT_ASSERT_NOT_NULL(test, addr);
	pac_expect_report(test, "BUG: page_alias_check: live alias pfn:");
	pac_live_stats_get(&a);
	KUNIT_EXPECT_EQ(test, set_pages_array_wb(&page, 1), 0);
	pac_live_stats_get(&b);
	pac_expect_printed(test);
	KUNIT_EXPECT_EQ(test, b.aliases - a.aliases, 1);
	KUNIT_EXPECT_EQ(test, b.reports - a.reports, 1);
	vunmap(addr);
	__free_page(page);
}

/* Policy purge counts live aliases but prints nothing. */
static void live_alias_purge_counts_silently(struct kunit *test)
{
	struct page *page = pac_alloc_page(test);
	struct pac_live_stats a, b;
	void *addr;

	addr = vmap(&page, 1, VM_MAP, PAGE_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, addr);
	page_alias_check_policy = PAGE_ALIAS_CHECK_PURGE;
	pac_live_stats_get(&a);
	KUNIT_ASSERT_EQ(test, set_pages_array_uc(&page, 1), 0);
	pac_live_stats_get(&b);
	KUNIT_EXPECT_EQ(test, b.aliases - a.aliases, 1);
	KUNIT_EXPECT_EQ(test, b.reports - a.reports, 0);
	set_pages_array_wb(&page, 1);
	vunmap(addr);
	__free_page(page);
}

/* vmap() and vm_map_ram() of a WC page with PAGE_KERNEL: mode conflict. */
static void map_wb_of_wc_page_reports(struct kunit *test)
{
	struct page *page = pac_alloc_page(test);
	struct pac_live_stats a, b;
	void *addr;

	KUNIT_ASSERT_EQ(test, set_pages_array_wc(&page, 1), 0);
	pac_expect_report(test, "BUG: page_alias_check: map mode conflict pfn:");
	pac_live_stats_get(&a);
	addr = vmap(&page, 1, VM_MAP, PAGE_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, addr);
	pac_live_stats_get(&b);
	pac_expect_printed(test);
	KUNIT_EXPECT_EQ(test, b.conflicts - a.conflicts, 1);
	KUNIT_EXPECT_EQ(test, b.reports - a.reports, 1);
	vunmap(addr);
	addr = vm_map_ram(&page, 1, NUMA_NO_NODE);
	KUNIT_ASSERT_NOT_NULL(test, addr);
	pac_live_stats_get(&a);
	KUNIT_EXPECT_EQ(test, a.conflicts - b.conflicts, 1);
	vm_unmap_ram(addr, 1);
	set_pages_array_wb(&page, 1);
	__free_page(page);
}

/*
 * vmap() @page write-back, then write-combining: the second is a map mode
 * conflict, reported.  The counters around the second are in @a and @b.
 */
static void pac_map_wb_then_wc(struct kunit *test, struct page *page,
			       void **wb, void **wc, struct pac_live_stats *a,
			       struct pac_live_stats *b)
{
	*wb = vmap(&page, 1, VM_MAP, PAGE_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, *wb);
	pac_expect_report(test, "BUG: page_alias_check: map mode conflict pfn:");
	pac_live_stats_get(a);
	*wc = vmap(&page, 1, VM_MAP, pgprot_writecombine(PAGE_KERNEL));
	KUNIT_ASSERT_NOT_NULL(test, *wc);
	pac_live_stats_get(b);
	pac_expect_printed(test);
	KUNIT_EXPECT_EQ(test, b->conflicts - a->conflicts, 1);
}

/* A WC vmap of a WB page, and of a page with a live WB vmap. */
static void map_wc_of_wb_page_reports(struct kunit *test)
{
	struct page *page = pac_alloc_page(test);
	struct pac_live_stats a, b;
	void *wb, *wc;

	pac_map_wb_then_wc(test, page, &wb, &wc, &a, &b);
	KUNIT_EXPECT_EQ(test, pac_live_mode_of(page), PAGE_ALIAS_MODE_MIXED);
	vunmap(wc);
	vunmap(wb);
	KUNIT_EXPECT_EQ(test, pac_live_of(page), 0);
	__free_page(page);
}

/*
 * A page mapped in two modes reads "mixed" until all its mappings are gone:
 * the count does not say which modes are left.  Its conflict was reported
 * once; making the direct map match the one mapping left is then no alias
 * and must not be reported (it was, as a live alias against "mixed").
 */
static void mixed_page_reports_once(struct kunit *test)
{
	struct page *page = pac_alloc_page(test);
	struct pac_live_stats a, b;
	void *wb, *wc;

	pac_map_wb_then_wc(test, page, &wb, &wc, &a, &b);
	vunmap(wb);
	pac_settle();
	KUNIT_EXPECT_EQ(test, pac_live_of(page), 1);
	pac_live_stats_get(&a);
	KUNIT_EXPECT_EQ(test, set_pages_array_wc(&page, 1), 0);
	pac_live_stats_get(&b);
	KUNIT_EXPECT_EQ(test, b.aliases - a.aliases, 0);
	KUNIT_EXPECT_EQ(test, b.reports - a.reports, 0);
	vunmap(wc);
	pac_settle();
	KUNIT_EXPECT_EQ(test, set_pages_array_wb(&page, 1), 0);
	__free_page(page);
}

static int pac_set_pte(pte_t *pte, unsigned long addr, void *data)
{
	struct page **page = data;

	set_pte_at(&init_mm, addr, pte, mk_pte(*page, PAGE_KERNEL));
	*page += 1;
	return 0;
}

/*
 * vmap_range_noflush() that fails part way leaves its caller to unmap, and
 * so count down, what it mapped.  The map side must count exactly those
 * pages (it counted none: the unmaps then lowered nothing or another
 * mapping's count).  The failure is simulated: two of four contiguous
 * pages are mapped without the checker, then the hook hears that mapping
 * all four failed.
 */
static void live_failed_map_counts_mapped(struct kunit *test)
{
	struct page *pages, *next;
	struct vm_struct *area;
	unsigned long addr;
	long unbalanced;
	int i;

	pages = alloc_pages(GFP_KERNEL, 2);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	area = get_vm_area(4 * PAGE_SIZE, VM_IOREMAP);
	KUNIT_ASSERT_NOT_NULL(test, area);
	addr = (unsigned long)area->addr;
	next = pages;
	KUNIT_ASSERT_EQ(test, apply_to_page_range(&init_mm, addr, 2 * PAGE_SIZE,
						  pac_set_pte, &next), 0);
	__page_alias_check_map_pfn(addr, page_to_pfn(pages), 4, PAGE_KERNEL,
				   -ENOMEM);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, pac_live_of(pages + i), i < 2);
	unbalanced = STAT(live_unbalanced);
	free_vm_area(area);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, pac_live_of(pages + i), 0);
	KUNIT_EXPECT_EQ(test, STAT(live_unbalanced), unbalanced);
	pac_settle();
	__free_pages(pages, 2);
}

/* A page freed to the buddy allocator while a vmap of it is live. */
static void freed_while_mapped_reports(struct kunit *test)
{
	struct page *page = pac_alloc_page(test);
	struct pac_live_stats a, b;
	void *addr;

	addr = vmap(&page, 1, VM_MAP, PAGE_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, addr);
	pac_expect_report(test, "BUG: page_alias_check: freed while mapped pfn:");
	pac_live_stats_get(&a);
	/* The bug under test; the mapping is not used after this. */
	__free_page(page);
	pac_live_stats_get(&b);
	vunmap(addr);
	pac_expect_printed(test);
	KUNIT_EXPECT_EQ(test, b.freed - a.freed, 1);
	KUNIT_EXPECT_EQ(test, b.reports - a.reports, 1);
}

/* VM_MAP_PUT_PAGES: vfree() unmaps, then frees the pages.  Legal. */
static void vm_map_put_pages_silent(struct kunit *test)
{
	struct pac_live_stats a, b;
	struct page **pages;
	void *addr;
	int i;

	pages = kvcalloc(4, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	for (i = 0; i < 4; i++)
		pages[i] = pac_alloc_page(test);
	addr = vmap(pages, 4, VM_MAP | VM_MAP_PUT_PAGES, PAGE_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, addr);
	KUNIT_EXPECT_EQ(test, pac_live_of(pages[3]), 1);
	pac_live_stats_get(&a);
	vfree(addr);		/* frees pages[] and the array */
	pac_live_stats_get(&b);
	KUNIT_EXPECT_EQ(test, b.freed - a.freed, 0);
	KUNIT_EXPECT_EQ(test, b.reports - a.reports, 0);
}

/* vmalloc()'s own pages are mapped while in use and unmapped before free. */
static void vmalloc_own_pages_silent(struct kunit *test)
{
	struct pac_live_stats a, b;
	struct page *page;
	void *addr;

	pac_live_stats_get(&a);
	addr = vmalloc(4 * PAGE_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, addr);
	page = vmalloc_to_page(addr + 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, pac_live_of(page), 1);
	KUNIT_EXPECT_EQ(test, pac_live_mode_of(page), PAGE_ALIAS_MODE_WB);
	vfree(addr);
	pac_live_stats_get(&b);
	KUNIT_EXPECT_EQ(test, b.freed - a.freed, 0);
	KUNIT_EXPECT_EQ(test, b.conflicts - a.conflicts, 0);
	KUNIT_EXPECT_EQ(test, b.reports - a.reports, 0);
}

static struct kunit_case page_alias_check_live_test_cases[] = {
	KUNIT_CASE(live_map_unmap_counts),
	KUNIT_CASE(live_ttm_wc_vmap_silent),
	KUNIT_CASE(live_wb_vmap_then_wc_reports),
	KUNIT_CASE(live_wc_vmap_then_wb_reports),
	KUNIT_CASE(live_alias_purge_counts_silently),
	KUNIT_CASE(map_wb_of_wc_page_reports),
	KUNIT_CASE(map_wc_of_wb_page_reports),
	KUNIT_CASE(mixed_page_reports_once),
	KUNIT_CASE(live_failed_map_counts_mapped),
	KUNIT_CASE(freed_while_mapped_reports),
	KUNIT_CASE(vm_map_put_pages_silent),
	KUNIT_CASE(vmalloc_own_pages_silent),
	{}
};

static struct kunit_suite page_alias_check_live_test_suite = {
	.name = "page_alias_check_live",
	.init = pac_live_test_init,
	.exit = pac_test_exit,
	.test_cases = page_alias_check_live_test_cases,
};

kunit_test_suites(&page_alias_check_test_suite,
		  &page_alias_check_live_test_suite);

MODULE_DESCRIPTION("KUnit tests for page_alias_check");
MODULE_LICENSE("GPL");
