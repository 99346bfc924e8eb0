// SPDX-License-Identifier: GPL-2.0
/*
 * page_alias_check: per-page record of lazily unmapped, not yet TLB-flushed
 * kernel mappings, checked before a page's cache attributes change.
 *
 * vunmap(), vfree() and vm_unmap_ram() clear kernel PTEs but defer the TLB
 * flush.  Until the flush, any CPU may still hold a cacheable translation of
 * the page, and the page may already be freed and reused.  If its new owner
 * makes it uncached or write-combining, that stale alias is an illegal cache
 * attribute alias (see the 2007 thread "Interaction between Xen and XFS:
 * stray RW mappings").  Nick Piggin proposed there to count, per page, the
 * possibly unflushed mappings; this is that count.
 *
 * The checker does not trust the vmalloc bookkeeping it checks:
 *
 *  - When a walk clears a present kernel PTE (mm/vmalloc.c), the stale
 *    virtual address, the pfn and the current flush sequence number are
 *    recorded in an xarray indexed by virtual page number, and the page's
 *    unflushed count in page_ext is raised.
 *  - Every kernel TLB flush that reaches all CPUs takes a new sequence number
 *    before it is sent (page_alias_check_flush_begin()) and, once it has
 *    completed, drops the entries inside its range that were recorded before
 *    it began (page_alias_check_flush_end()).
 *
 * So a page reads clean only after a flush that really covered its stale
 * address and really started after the PTE was cleared.  A vmalloc bug that
 * forgets to flush a range leaves the page dirty and is reported.
 *
 * Ordering.  The unmapper does: clear PTEs, full barrier, read the sequence
 * number S (once per batch, after all of its PTE clears).  The flusher
 * does: atomic increment of the sequence number to F (fully ordered), send
 * the flush.  If S < F, the read of S came before the increment, so by the
 * barriers on both sides the PTE clear is visible to every CPU before the
 * flush is sent: the flush removes the translation and no CPU can load it
 * again.  If S >= F the flush may have raced with the clear and the entry
 * is kept.  Entries and counts are changed under the xarray lock, so the
 * flush never misses an entry whose sequence is older than its own: an
 * entry inserted after the flush walked the index stays (a false "dirty",
 * never a false "clean").
 *
 * page_alias_check_mode=epoch is a lighter variant for production-like
 * runs: no index, no lock, no allocation.  A lazy unmap only stamps the
 * page with the current flush sequence number; the page is clean once a
 * flush of everything (flush_tlb_all(), or a range flush x86 widened to
 * everything) began after that stamp and completed.  A check that purges
 * follows vm_unmap_aliases() with such a flush unless the purge's own flush
 * was one.  Range flushes clean nothing (a stamp has no address), so
 * epoch mode relies on vmalloc only for what the purge must free, never
 * for what reads clean.
 *
 * If an entry cannot be recorded (no memory, pfn does not fit, the address
 * already has an unflushed entry), its range becomes "untracked": every check
 * purges until a flush covering that range has completed.  Protection is
 * never lost, only precision.
 */

#define pr_fmt(fmt) "page_alias_check: " fmt

#include <linux/debugfs.h>
#include <linux/memory.h>
#include <linux/mm.h>
#include <linux/page_alias_check.h>
#include <linux/page_ext.h>
#include <linux/ratelimit.h>
#include <linux/seq_file.h>
#include <linux/stackdepot.h>
#include <linux/stacktrace.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>

#include "page_alias_check.h"

/*
 * An index entry is an xarray value: pfn in the high bits, the low
 * PAC_SEQ_BITS of the flush sequence number in the low bits.
 */
#define PAC_PFN_BITS	(BITS_PER_LONG - 1 - PAC_SEQ_BITS)

/* Index entries visited per lock hold, so IRQs are not off for long. */
#define PAC_WALK_BATCH	256

/*
 * Sequence numbers between two aging walks of the index, and how far behind
 * the current number an entry may fall before it is aged; see pac_age_one().
 */
#define PAC_AGE_STEP	(1UL << (PAC_SEQ_BITS - 3))
#define PAC_AGE_LIMIT	(1UL << (PAC_SEQ_BITS - 2))

struct page_alias_check_rec {
	atomic_t unflushed;		/* lazy unmaps not yet flushed */
	depot_stack_handle_t unmap;	/* last lazy unmap (if stacks on) */
};

DEFINE_STATIC_KEY_FALSE(page_alias_check_key);
EXPORT_SYMBOL(page_alias_check_key);

#if defined(CONFIG_PAGE_ALIAS_CHECK_DEFAULT_OFF)
#define PAC_DEFAULT_POLICY	PAGE_ALIAS_CHECK_OFF
#elif defined(CONFIG_PAGE_ALIAS_CHECK_DEFAULT_PURGE)
#define PAC_DEFAULT_POLICY	PAGE_ALIAS_CHECK_PURGE
#elif defined(CONFIG_PAGE_ALIAS_CHECK_DEFAULT_BUG)
#define PAC_DEFAULT_POLICY	PAGE_ALIAS_CHECK_BUG
#else
#define PAC_DEFAULT_POLICY	PAGE_ALIAS_CHECK_WARN
#endif

int page_alias_check_policy = PAC_DEFAULT_POLICY;
bool pac_stacks __ro_after_init = IS_ENABLED(CONFIG_PAGE_ALIAS_CHECK_STACKS);
bool page_alias_check_epoch __ro_after_init;

/* Epoch mode: stamps below this sequence number are clean. */
static atomic_long_t pac_clean_seq;

/* Requests larger than this purge once instead of walking every page. */
unsigned long page_alias_check_walk_max = PAC_WALK_MAX_DEFAULT;

/* Report lazy aliases at permission-only changes too (debugfs). */
bool page_alias_check_report_perm;

struct pac_stats pac_stats;

static DEFINE_XARRAY_FLAGS(pac_index, XA_FLAGS_LOCK_IRQ);
static atomic_long_t pac_flush_seq;
static atomic_long_t pac_aged_seq;	/* flush sequence at the last aging */

/* Test hook: most index entries one walk visited in one lock hold. */
unsigned long pac_walk_hold_max;

/* Checks in a vm_unmap_aliases() now: attributes its flushes to checks. */
static atomic_t pac_in_purge;

/* Range whose stale translations are not in the index; see pac_untrack(). */
static struct {
	unsigned long start, end, seq;
	bool active;
} pac_untracked;

static const char *const pac_policy_names[] = {
	[PAGE_ALIAS_CHECK_OFF]	 = "off",
	[PAGE_ALIAS_CHECK_PURGE] = "purge",
	[PAGE_ALIAS_CHECK_WARN]	 = "warn",
	[PAGE_ALIAS_CHECK_BUG]	 = "bug",
};

/* Exact, lower-case policy name; one trailing newline is allowed. */
int page_alias_check_parse_policy(const char *s)
{
	int i;

	if (!s)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(pac_policy_names); i++)
		if (sysfs_streq(s, pac_policy_names[i]))
			return i;
	return -EINVAL;
}

const char *page_alias_check_policy_name(int policy)
{
	if (policy < 0 || policy >= ARRAY_SIZE(pac_policy_names))
		return "?";
	return pac_policy_names[policy];
}

static int __init early_page_alias_check_param(char *buf)
{
	int policy = page_alias_check_parse_policy(buf);

	if (policy < 0) {
		/* Keep what the default or an earlier occurrence set. */
		pr_warn("invalid page_alias_check=%s (expected off, purge, warn or bug), using %s\n",
			buf ? buf : "", pac_policy_names[page_alias_check_policy]);
		return 0;
	}
	page_alias_check_policy = policy;
	return 0;
}
early_param("page_alias_check", early_page_alias_check_param);

/*
 * on/off, 1/0, y/n, yes/no, whole words only: kstrtobool() would take
 * "offline" for "off" and "1x" for "1".
 */
int pac_parse_bool(const char *s, bool *on)
{
	static const char *const yes[] = { "on", "1", "y", "yes" };
	static const char *const no[] = { "off", "0", "n", "no" };
	int i;

	for (i = 0; s && i < ARRAY_SIZE(yes); i++) {
		if (sysfs_streq(s, yes[i])) {
			*on = true;
			return 0;
		}
		if (sysfs_streq(s, no[i])) {
			*on = false;
			return 0;
		}
	}
	return -EINVAL;
}

/* An on/off boot parameter: a bad value warns and keeps *@val. */
void __init pac_bool_param(const char *name, const char *buf, bool *val)
{
	if (pac_parse_bool(buf, val))
		pr_warn("invalid %s=%s (expected on or off), using %s\n",
			name, buf ?: "", *val ? "on" : "off");
}

static int __init early_page_alias_check_stacks(char *buf)
{
	pac_bool_param("page_alias_check_stacks", buf, &pac_stacks);
	return 0;
}
early_param("page_alias_check_stacks", early_page_alias_check_stacks);

static int __init early_page_alias_check_mode(char *buf)
{
	if (buf && sysfs_streq(buf, "strict")) {
		page_alias_check_epoch = false;
	} else if (buf && sysfs_streq(buf, "epoch")) {
		page_alias_check_epoch = true;
	} else {
		pr_warn("invalid page_alias_check_mode=%s (expected strict or epoch), using %s\n",
			buf ? buf : "", page_alias_check_epoch ? "epoch" : "strict");
	}
	return 0;
}
early_param("page_alias_check_mode", early_page_alias_check_mode);

/* ---- page_ext client ---------------------------------------------------- */

static bool __init need_page_alias_check(void)
{
	if (page_alias_check_policy == PAGE_ALIAS_CHECK_OFF)
		return false;
	/* Called before page_ext lays out its entries: size is still ours. */
	if (!pac_stacks)
		page_alias_check_ops.size =
			offsetof(struct page_alias_check_rec, unmap);
	return true;
}

/*
 * A memory block going offline takes its page_ext with it, and an index
 * entry of one of its pages would later be counted down in whatever
 * page_ext the block gets when it comes back.  All its pages are offline
 * now, so no new entry can name them: one observed flush of everything
 * retires every entry they have, and leaves no stale translation of memory
 * that may be about to be unplugged.  Called at MEM_OFFLINE, before
 * page_ext's own notifier frees the block's page_ext.
 */
void pac_memory_offline(void)
{
	if (static_branch_unlikely(&page_alias_check_key))
		flush_tlb_all();
}

static int pac_memory_callback(struct notifier_block *nb,
			       unsigned long action, void *arg)
{
	if (action == MEM_OFFLINE)
		pac_memory_offline();
	return NOTIFY_OK;
}

static void __init init_page_alias_check(void)
{
	if (page_alias_check_policy == PAGE_ALIAS_CHECK_OFF)
		return;
	if (pac_stacks && stack_depot_init()) {
		pr_warn("no stack depot, unmap stacks not recorded\n");
		pac_stacks = false;
	}
	static_branch_enable(&page_alias_check_key);
	/* Runs before page_ext_callback(), which has the default priority. */
	hotplug_memory_notifier(pac_memory_callback, DEFAULT_CALLBACK_PRI + 1);
	/*
	 * With DEFERRED_STRUCT_PAGE_INIT, page_ext comes up after SMP and the
	 * early initcalls: their lazy unmaps were not recorded and their
	 * pages may be free already.  One flush of everything removes those
	 * stale translations; from here on every unmap is recorded.  (Without
	 * it, page_ext comes up right after vmalloc_init(): nothing to flush.)
	 */
	if (system_state >= SYSTEM_SCHEDULING)
		flush_tlb_all();
	pr_info("enabled, policy %s, %s mode, %zu bytes per page%s\n",
		pac_policy_names[page_alias_check_policy],
		page_alias_check_epoch ? "epoch" : "strict",
		page_alias_check_ops.size, pac_stacks ? ", unmap stacks" : "");
}

struct page_ext_operations page_alias_check_ops = {
	/* The stack handle is the second half; without stacks it is not used. */
	.size = sizeof(struct page_alias_check_rec),
	.need = need_page_alias_check,
	.init = init_page_alias_check,
	.need_shared_flags = false,
};

static struct page_alias_check_rec *pac_rec(struct page_ext *ext)
{
	return page_ext_data(ext, &page_alias_check_ops);
}

/*
 * Run @fn on the record of @pfn.  Returns false when the pfn has no record
 * (not RAM, or page_ext not there): such pages are never reported.
 */
static bool pac_with_rec(unsigned long pfn,
			 void (*fn)(struct page_alias_check_rec *rec, void *arg),
			 void *arg)
{
	struct page_ext *ext;

	if (!pfn_valid(pfn))
		return false;
	ext = page_ext_get(pfn_to_page(pfn));
	if (!ext)
		return false;
	fn(pac_rec(ext), arg);
	page_ext_put(ext);
	return true;
}

static void pac_rec_inc(struct page_alias_check_rec *rec, void *arg)
{
	atomic_inc(&rec->unflushed);
	if (pac_stacks && arg)
		WRITE_ONCE(rec->unmap, *(depot_stack_handle_t *)arg);
}

static void pac_rec_dec(struct page_alias_check_rec *rec, void *arg)
{
	/* Never below zero: a negative count would be our own bug. */
	WARN_ON_ONCE(atomic_dec_if_positive(&rec->unflushed) < 0);
}

struct pac_snapshot {
	int unflushed;
	depot_stack_handle_t unmap;
};

static void pac_rec_read(struct page_alias_check_rec *rec, void *arg)
{
	struct pac_snapshot *out = arg;

	out->unflushed = atomic_read(&rec->unflushed);
	out->unmap = pac_stacks ? READ_ONCE(rec->unmap) : 0;
}

/*
 * Epoch mode keeps "stamp" in the unflushed field: the flush sequence
 * number at the last lazy unmap, plus one (0: never unmapped lazily).
 */
struct pac_stamp {
	u32 stamp;
	depot_stack_handle_t stack;
};

static bool pac_stamp_dirty(u32 stamp)
{
	u32 clean = atomic_long_read(&pac_clean_seq);

	/* Dirty if unmapped at or after the last clean point (wrap-safe). */
	return stamp && (s32)(stamp - 1 - clean) >= 0;
}

static void pac_rec_stamp(struct page_alias_check_rec *rec, void *arg)
{
	struct pac_stamp *st = arg;
	int old = atomic_read(&rec->unflushed);

	/*
	 * An unmapper that read the sequence before a full flush may store
	 * after one that unmapped the page elsewhere since: its older stamp
	 * must not replace a newer one that is still dirty.  A clean stamp
	 * is always replaced (it may be 2^31 flushes old and compare wrong).
	 */
	do {
		if (pac_stamp_dirty(old) && (s32)(st->stamp - (u32)old) <= 0)
			return;
	} while (!atomic_try_cmpxchg(&rec->unflushed, &old, st->stamp));
	if (pac_stacks)
		WRITE_ONCE(rec->unmap, st->stack);
}

/* Epoch mode: everything stamped before @seq is now known to be clean. */
static void pac_epoch_done(unsigned long seq)
{
	long cur = atomic_long_read(&pac_clean_seq);

	while ((long)(seq - cur) > 0 &&
	       !atomic_long_try_cmpxchg(&pac_clean_seq, &cur, seq))
		;
}

/* ---- sequence numbers ----------------------------------------------------- */

/* True if an entry stamped @entry was recorded before flush @flush began. */
bool pac_seq_before(unsigned long entry, unsigned long flush)
{
	unsigned long d = (flush - entry) & PAC_SEQ_MASK;

	/*
	 * Entries are stamped with the number of flushes begun so far, so an
	 * entry is covered by every flush numbered above its stamp.  A stamp
	 * more than half the sequence space behind reads as "newer" and keeps
	 * the page dirty: wrong only towards safety.
	 */
	return d != 0 && d <= (PAC_SEQ_MASK >> 1) + 1;
}

unsigned long pac_entry_make(unsigned long pfn, unsigned long seq)
{
	return (pfn << PAC_SEQ_BITS) | (seq & PAC_SEQ_MASK);
}

static unsigned long pac_entry_pfn(void *entry)
{
	return xa_to_value(entry) >> PAC_SEQ_BITS;
}

static unsigned long pac_entry_seq(void *entry)
{
	return xa_to_value(entry) & PAC_SEQ_MASK;
}

/* Test hooks: read the sequence, or restart it at @seq (for wrap-around). */
unsigned long pac_read_flush_seq(void)
{
	return atomic_long_read(&pac_flush_seq);
}

void pac_set_flush_seq(unsigned long seq)
{
	atomic_long_set(&pac_flush_seq, seq);
}

/* Test hook: epoch mode's clean point, moved by every full flush. */
unsigned long pac_read_clean_seq(void)
{
	return atomic_long_read(&pac_clean_seq);
}

/* Test hook: a deliberately broken tracker that ignores flush ordering. */
bool pac_test_ignore_seq;

/*
 * Test hook (debugfs "test_fault", KUnit builds only): a deliberately broken
 * checker, to show that the selftests fail on it (scripts/check.sh).
 */
int pac_test_fault;

static bool pac_faulty(int fault)
{
	return IS_ENABLED(CONFIG_PAGE_ALIAS_CHECK_KUNIT_TEST) &&
	       READ_ONCE(pac_test_fault) == fault;
}

/* ---- walking the index ---------------------------------------------------- */

/*
 * Call @fn on the index entries from @idx to @last, with the index lock held
 * for at most PAC_WALK_BATCH of them at a time (IRQs are off while it is
 * held).  @fn may erase or replace the entry it is given: xa_find_after()
 * looks each entry up afresh, so neither that nor dropping the lock can
 * make the walk skip an entry that stays (an xas walk that deletes nodes
 * and pauses can).  Entries inserted meanwhile may or may not be visited.
 */
static void pac_index_walk(unsigned long idx, unsigned long last,
			   void (*fn)(unsigned long idx, void *entry, void *arg),
			   void *arg)
{
	unsigned long flags, held = 0;
	void *entry;

	xa_lock_irqsave(&pac_index, flags);
	for (entry = xa_find(&pac_index, &idx, last, XA_PRESENT); entry;
	     entry = xa_find_after(&pac_index, &idx, last, XA_PRESENT)) {
		fn(idx, entry, arg);
		held++;
		if (IS_ENABLED(CONFIG_PAGE_ALIAS_CHECK_KUNIT_TEST) &&
		    held > READ_ONCE(pac_walk_hold_max))
			WRITE_ONCE(pac_walk_hold_max, held);
		if (held == PAC_WALK_BATCH) {
			xa_unlock_irqrestore(&pac_index, flags);
			cpu_relax();
			xa_lock_irqsave(&pac_index, flags);
			held = 0;
		}
	}
	xa_unlock_irqrestore(&pac_index, flags);
}

/*
 * An entry keeps only PAC_SEQ_BITS of its sequence number: one that no
 * flush covers for half of that space would read as newer than every flush
 * and keep its page dirty for as long again.  So every PAC_AGE_STEP numbers
 * the index is walked and every entry more than PAC_AGE_LIMIT behind is
 * moved up to exactly that far behind.  That only forgets flushes that have
 * ended without covering the entry, so its page stays exactly as dirty, and
 * no entry is ever more than PAC_AGE_LIMIT + PAC_AGE_STEP behind.
 */
static void pac_age_one(unsigned long idx, void *entry, void *arg)
{
	/*
	 * Read under the index lock: entries are stored in the same lock
	 * hold as the number they carry was read, so none is newer.
	 */
	unsigned long now = atomic_long_read(&pac_flush_seq);
	unsigned long seq = pac_entry_seq(entry);

	if (((now - seq) & PAC_SEQ_MASK) <= PAC_AGE_LIMIT)
		return;
	__xa_store(&pac_index, idx,
		   xa_mk_value(pac_entry_make(pac_entry_pfn(entry),
					      now - PAC_AGE_LIMIT)),
		   GFP_NOWAIT | __GFP_NOWARN);
	atomic_long_inc(&pac_stats.entries_aged);
}

static void pac_maybe_age(void)
{
	unsigned long now = atomic_long_read(&pac_flush_seq);
	long aged = atomic_long_read(&pac_aged_seq);

	if (now - aged < PAC_AGE_STEP ||
	    !atomic_long_try_cmpxchg(&pac_aged_seq, &aged, now))
		return;
	pac_index_walk(0, ULONG_MAX, pac_age_one, NULL);
}

/* ---- recording lazy unmaps ------------------------------------------------ */

/* Caller holds the index lock. */
static void pac_untrack(unsigned long start, unsigned long end)
{
	unsigned long seq = atomic_long_read(&pac_flush_seq);

	if (!pac_untracked.active) {
		pac_untracked.start = start;
		pac_untracked.end = end;
		pac_untracked.active = true;
	} else {
		pac_untracked.start = min(pac_untracked.start, start);
		pac_untracked.end = max(pac_untracked.end, end);
	}
	pac_untracked.seq = seq;
	atomic_long_inc(&pac_stats.untracked);
}

depot_stack_handle_t pac_save_stack(void)
{
	unsigned long entries[16];
	unsigned int nr;

	nr = stack_trace_save(entries, ARRAY_SIZE(entries), 2);
	return stack_depot_save(entries, nr, GFP_NOWAIT | __GFP_NOWARN);
}

/* Record one cleared PTE.  Caller holds the index lock. */
static void pac_record_one(unsigned long addr, unsigned long pfn,
			   unsigned long seq, depot_stack_handle_t stack)
{
	unsigned long idx = addr >> PAGE_SHIFT;
	void *old;

	if (pfn >> PAC_PFN_BITS) {
		pac_untrack(addr, addr + PAGE_SIZE);
		return;
	}
	old = __xa_cmpxchg(&pac_index, idx, NULL,
			   xa_mk_value(pac_entry_make(pfn, seq)),
			   GFP_NOWAIT | __GFP_NOWARN);
	if (old) {
		/*
		 * No memory, or @addr still has an unflushed entry: it was
		 * mapped again before its stale translation was flushed.
		 */
		if (!xa_is_err(old))
			atomic_long_inc(&pac_stats.remapped_unflushed);
		pac_untrack(addr, addr + PAGE_SIZE);
		return;
	}
	if (pac_with_rec(pfn, pac_rec_inc, &stack)) {
		atomic_long_inc(&pac_stats.lazy_unmaps);
		atomic_long_inc(&pac_stats.pages_tracked);
	} else {
		/* Not RAM with page_ext (ioremap): nothing to protect. */
		__xa_erase(&pac_index, idx);
	}
}

static void pac_batch_flush(struct page_alias_check_batch *batch)
{
	unsigned long flags, seq;
	unsigned int i;

	if (!batch->nr)
		return;
	if (pac_live_enabled())
		pac_live_unmap(batch->pfn, batch->nr);
	if (pac_stacks && !batch->stack_saved) {
		batch->stack = pac_save_stack();
		batch->stack_saved = true;
	}
	/*
	 * The PTE clears must be visible before we read the sequence (x86's
	 * xchg is a full barrier already; pmd/pud clears are plain stores).
	 * Reading it later than the clear only makes entries look newer.
	 */
	smp_mb();
	if (page_alias_check_epoch) {
		struct pac_stamp st = { .stack = batch->stack };

		seq = atomic_long_read(&pac_flush_seq);
		st.stamp = (u32)seq + 1 ?: 1;

		for (i = 0; i < batch->nr; i++)
			if (pac_with_rec(batch->pfn[i], pac_rec_stamp, &st))
				atomic_long_inc(&pac_stats.lazy_unmaps);
		batch->nr = 0;
		return;
	}
	xa_lock_irqsave(&pac_index, flags);
	/*
	 * Read the sequence under the index lock: a flush that began earlier
	 * and walks the index after us must find our entries (and drops them
	 * only if it began before this read).
	 */
	seq = atomic_long_read(&pac_flush_seq);
	for (i = 0; i < batch->nr; i++)
		pac_record_one(batch->addr[i], batch->pfn[i], seq, batch->stack);
	xa_unlock_irqrestore(&pac_index, flags);
	batch->nr = 0;
}

void __page_alias_check_unmap(struct page_alias_check_batch *batch,
			      unsigned long addr, unsigned long pfn,
			      unsigned long nr_pages)
{
	unsigned long i;

	if (pac_faulty(PAC_FAULT_NORECORD))
		return;
	for (i = 0; i < nr_pages; i++) {
		if (batch->nr == PAGE_ALIAS_CHECK_BATCH)
			pac_batch_flush(batch);
		batch->addr[batch->nr] = addr + i * PAGE_SIZE;
		batch->pfn[batch->nr] = pfn + i;
		batch->nr++;
	}
}
EXPORT_SYMBOL_GPL(__page_alias_check_unmap);

void __page_alias_check_unmap_end(struct page_alias_check_batch *batch)
{
	pac_batch_flush(batch);
}
EXPORT_SYMBOL_GPL(__page_alias_check_unmap_end);

/* ---- observing TLB flushes ------------------------------------------------ */

unsigned long __page_alias_check_flush_begin(void)
{
	/* Fully ordered: before any CPU is asked to flush. */
	return atomic_long_inc_return(&pac_flush_seq);
}
EXPORT_SYMBOL_GPL(__page_alias_check_flush_begin);

/* A flush that began at sequence number *@arg drops an entry it covered. */
static void pac_flush_one(unsigned long idx, void *entry, void *arg)
{
	if (!pac_seq_before(pac_entry_seq(entry), *(unsigned long *)arg) &&
	    !(IS_ENABLED(CONFIG_PAGE_ALIAS_CHECK_KUNIT_TEST) &&
	      READ_ONCE(pac_test_ignore_seq)))
		return;
	__xa_erase(&pac_index, idx);
	pac_with_rec(pac_entry_pfn(entry), pac_rec_dec, NULL);
	atomic_long_dec(&pac_stats.pages_tracked);
	atomic_long_inc(&pac_stats.entries_flushed);
}

void __page_alias_check_flush_end(unsigned long start, unsigned long end,
				  unsigned long seq)
{
	unsigned long idx, last, flags;

	if (end <= start)
		return;
	/*
	 * x86 flushes a range page by page from @start: an unaligned @start
	 * reaches the page of (end - 1) only if whole steps get there.  Count
	 * only the pages a step landed in.
	 */
	idx = start >> PAGE_SHIFT;
	last = (start + round_down(end - start - 1, PAGE_SIZE)) >> PAGE_SHIFT;
	atomic_long_inc(&pac_stats.flushes_seen);
	/* Approximate: a flush of another CPU during a check counts too. */
	if (atomic_read(&pac_in_purge))
		atomic_long_inc(&pac_stats.flushes_in_checks);
	if (page_alias_check_epoch) {
		if (start == 0 && end == ULONG_MAX)
			pac_epoch_done(seq);
		return;
	}

	pac_maybe_age();
	pac_index_walk(idx, last, pac_flush_one, &seq);
	xa_lock_irqsave(&pac_index, flags);
	/* The untracked range keeps its whole sequence number. */
	if (pac_untracked.active && start <= pac_untracked.start &&
	    last >= (pac_untracked.end - 1) >> PAGE_SHIFT &&
	    (long)(seq - pac_untracked.seq) > 0)
		pac_untracked.active = false;
	xa_unlock_irqrestore(&pac_index, flags);
}
EXPORT_SYMBOL_GPL(__page_alias_check_flush_end);

/* ---- the check --------------------------------------------------------- */

bool page_alias_check_active(void)
{
	return static_branch_unlikely(&page_alias_check_key) &&
	       READ_ONCE(page_alias_check_policy) != PAGE_ALIAS_CHECK_OFF;
}
EXPORT_SYMBOL_GPL(page_alias_check_active);

/**
 * page_alias_check_pfn - number of possibly unflushed lazy mappings of a page
 * @pfn: page frame number
 *
 * Return: how many lazy unmaps of @pfn have no completed TLB flush yet;
 * 0 when the page is clean, not tracked or the checker is not enabled.
 */
int page_alias_check_pfn(unsigned long pfn)
{
	struct pac_snapshot rec = {};

	if (!static_branch_unlikely(&page_alias_check_key))
		return 0;
	pac_with_rec(pfn, pac_rec_read, &rec);
	if (page_alias_check_epoch)
		return pac_stamp_dirty(rec.unflushed);
	return rec.unflushed;
}
EXPORT_SYMBOL_GPL(page_alias_check_pfn);

static bool pac_untracked_pending(void)
{
	return READ_ONCE(pac_untracked.active);
}

/* Epoch mode: has a full flush that began after sequence @seq completed? */
static bool pac_epoch_flushed_since(unsigned long seq)
{
	return (long)(atomic_long_read(&pac_clean_seq) - seq) > 0;
}

static void pac_unmap_aliases(void)
{
	unsigned long seq = atomic_long_read(&pac_flush_seq);

	if (pac_faulty(PAC_FAULT_NOPURGE))
		return;
	atomic_inc(&pac_in_purge);
	vm_unmap_aliases();
	atomic_dec(&pac_in_purge);
	/*
	 * Epoch mode: vm_unmap_aliases() flushes only what vmalloc has queued.
	 * A vfree() that has cleared its PTEs (page stamped) but not queued
	 * the area yet (it may sleep in between) is not covered, so the purge
	 * is no clean point of its own: only a full flush that began after
	 * the stamps is.  Make one unless the purge's flush was one.
	 */
	if (page_alias_check_epoch && !pac_epoch_flushed_since(seq))
		flush_tlb_all();
}

/* Purge everything vmalloc knows of. */
static void pac_purge(void)
{
	atomic_long_inc(&pac_stats.purges_forced);
	pac_unmap_aliases();
}

struct pac_scan {
	unsigned long dirty, first_pfn, unknown;
};

/*
 * Count the pages of @req with unflushed lazy aliases, and check the first
 * page with a live mapping in a cache mode other than the one the request
 * gives it (one live alias per request is enough to report).
 */
static void pac_scan(const struct page_alias_check_req *req,
		     struct pac_scan *scan, int policy)
{
	bool live = req->new_mode && pac_live_enabled();
	unsigned long i, pfn;

	memset(scan, 0, sizeof(*scan));
	for (i = 0; i < req->nr; i++) {
		pfn = req->pfn_at(req, i);
		if (pfn == PAGE_ALIAS_CHECK_PFN_UNKNOWN) {
			scan->unknown++;
			continue;
		}
		if (page_alias_check_pfn(pfn) > 0 && !scan->dirty++)
			scan->first_pfn = pfn;
		if (live && pac_live_check(req, i, pfn, policy))
			live = false;
	}
}

/* Dirty pages looked up in the index after a purge, at most. */
#define PAC_VERIFY_MAX	16

/* Dirty pages of a request, and which have an entry older than @seq. */
struct pac_old_entries {
	unsigned long seq;
	unsigned int nr;
	unsigned long pfn[PAC_VERIFY_MAX];
	bool old[PAC_VERIFY_MAX];
};

static void pac_old_one(unsigned long idx, void *entry, void *arg)
{
	struct pac_old_entries *o = arg;
	unsigned long pfn = pac_entry_pfn(entry);
	unsigned int i;

	if (!pac_seq_before(pac_entry_seq(entry), o->seq))
		return;
	for (i = 0; i < o->nr; i++)
		if (o->pfn[i] == pfn)
			o->old[i] = true;
}

/*
 * Pages of @req still holding an entry recorded before flush @seq began
 * (among the first PAC_VERIFY_MAX dirty ones; one walk of the index);
 * *@first is the first of them.  *@dirty tells whether any page is dirty.
 */
static unsigned long pac_count_old_entries(const struct page_alias_check_req *req,
					   unsigned long seq, unsigned long *first,
					   bool *dirty)
{
	struct pac_old_entries o = { .seq = seq };
	unsigned long i, pfn, old = 0;

	for (i = 0; i < req->nr && o.nr < PAC_VERIFY_MAX; i++) {
		pfn = req->pfn_at(req, i);
		if (pfn != PAGE_ALIAS_CHECK_PFN_UNKNOWN &&
		    page_alias_check_pfn(pfn) > 0)
			o.pfn[o.nr++] = pfn;
	}
	*dirty = o.nr > 0;
	if (o.nr)
		pac_index_walk(0, ULONG_MAX, pac_old_one, &o);
	for (i = 0; i < o.nr; i++)
		if (o.old[i] && !old++)
			*first = o.pfn[i];
	return old;
}

/*
 * vm_unmap_aliases() returned, so vmalloc believes every lazy alias that
 * existed when the check began (flush sequence @seq) is gone.  Check it
 * against what the flushes really covered: a page that still has an entry
 * recorded before @seq is a vmalloc bug (a range it forgot to flush).
 * Entries recorded since are new lazy unmaps of the same page by someone
 * else, possible only for pages the caller does not own (cpa-test picks
 * random pages while lib/test_vmalloc runs): not a miss.  An unmap that was
 * recorded before @seq but queued for purging only after the purge looked
 * is survived by one purge, so a miss must survive a second one.  Report a
 * miss; flush everything if anything is left.
 */
static void pac_verify_after_purge(const struct page_alias_check_req *req,
				   unsigned long seq)
{
	unsigned long missed, first = 0;
	bool dirty;

	missed = pac_count_old_entries(req, seq, &first, &dirty);
	if (missed) {
		pac_unmap_aliases();
		missed = pac_count_old_entries(req, seq, &first, &dirty);
	}
	if (!dirty && !pac_untracked_pending())
		return;
	if (missed) {
		atomic_long_inc(&pac_stats.purge_missed);
		pac_report_purge_missed(req, first, missed);
	}
	/* Observed by the x86 hook like any other flush: drops everything. */
	flush_tlb_all();
}

/*
 * A lazy alias is about to be purged.  Whether that is a bug depends on
 * what the caller changes (enum page_alias_change): only callers without a
 * purge of their own get a "BUG:" report under "warn"; a cache mode change
 * gets a diagnostic (and BUG() under "bug"); a permission-only change is
 * counted, reported only on request.
 */
static void pac_found_lazy_alias(const struct page_alias_check_req *req,
				 const struct pac_scan *scan, int policy)
{
	atomic_long_inc(&pac_stats.aliases_found);
	atomic_long_add(scan->dirty, &pac_stats.alias_pages);
	switch (req->change) {
	case PAGE_ALIAS_CHANGE_PERM:
		atomic_long_inc(&pac_stats.aliases_perm);
		if (!READ_ONCE(page_alias_check_report_perm))
			return;
		break;
	case PAGE_ALIAS_CHANGE_CACHE:
		atomic_long_inc(&pac_stats.aliases_cache);
		break;
	default:
		atomic_long_inc(&pac_stats.aliases_other);
		break;
	}
	if (policy >= PAGE_ALIAS_CHECK_WARN)
		pac_report_alias(req, scan->first_pfn, scan->dirty, policy,
				 req->change == PAGE_ALIAS_CHANGE_OTHER);
}

/**
 * page_alias_check_pages - make sure no stale lazy alias of the pages remains
 * @req: the pages and what is about to happen to them
 *
 * On return no CPU holds a TLB entry of a lazily unmapped kernel mapping of
 * any page of @req.  What it costs depends on the policy: ``off`` purges all
 * lazy aliases unconditionally (the historic behaviour); ``purge`` purges only
 * if a page still has one; ``warn`` also reports; ``bug`` reports and BUG()s.
 * May sleep.
 */
void page_alias_check_pages(const struct page_alias_check_req *req)
{
	int policy = READ_ONCE(page_alias_check_policy);
	struct pac_scan scan;
	unsigned long seq = 0;

	if (!static_branch_unlikely(&page_alias_check_key)) {
		if (!pac_faulty(PAC_FAULT_NOPURGE))
			vm_unmap_aliases();
		return;
	}
	if (policy == PAGE_ALIAS_CHECK_OFF) {
		atomic_long_inc(&pac_stats.purges_blind);
		pac_unmap_aliases();
		return;
	}
	atomic_long_inc(&pac_stats.checks);
	/*
	 * Only "purge" takes the shortcut: "warn" and "bug" are for finding
	 * aliases and always look at every page.
	 */
	if (policy == PAGE_ALIAS_CHECK_PURGE &&
	    req->nr > READ_ONCE(page_alias_check_walk_max)) {
		atomic_long_inc(&pac_stats.checks_large);
		pac_purge();
		return;
	}

	/*
	 * Strict mode: a sequence number of our own, as if a flush began
	 * here: entries stamped below it were recorded before this check
	 * looked.  Epoch mode verifies nothing and takes none, so that only
	 * flushes move its stamps away from the clean point.
	 */
	if (!page_alias_check_epoch) {
		seq = atomic_long_inc_return(&pac_flush_seq);
		pac_maybe_age();
	}
	pac_scan(req, &scan, policy);
	if (!scan.dirty && !scan.unknown && !pac_untracked_pending()) {
		atomic_long_inc(&pac_stats.checks_clean);
		atomic_long_inc(&pac_stats.purges_skipped);
		return;
	}
	if (scan.dirty)
		pac_found_lazy_alias(req, &scan, policy);
	pac_purge();
	/* Epoch mode keeps no addresses to verify; its purge flushed all. */
	if (!page_alias_check_epoch && (scan.dirty || pac_untracked_pending()))
		pac_verify_after_purge(req, seq);
}
EXPORT_SYMBOL_GPL(page_alias_check_pages);

static unsigned long pac_range_pfn(const struct page_alias_check_req *req,
				   unsigned long idx)
{
	return page_to_pfn((struct page *)req->data) + idx;
}

/**
 * page_alias_check_range - make physically contiguous pages alias-free
 * @page: first page
 * @nr: number of pages
 * @reason: what the caller is about to do with them, for reports
 *
 * For callers outside change_page_attr() that need pages without stale lazy
 * kernel mappings (pagetable pinning, remapping with other attributes).
 * Same policies as page_alias_check_pages().  May sleep.
 */
void page_alias_check_range(struct page *page, unsigned long nr,
			    const char *reason)
{
	struct page_alias_check_req req = {
		.reason = reason,
		.nr = nr,
		.pfn_at = pac_range_pfn,
		.data = page,
	};

	page_alias_check_pages(&req);
}
EXPORT_SYMBOL_GPL(page_alias_check_range);

/*
 * debugfs "purge": everything vmalloc holds lazily, then a flush of all
 * CPUs (which also ends a pending untracked range).  Afterwards no page may
 * read dirty: tests use it to see the counters drain.
 */
void pac_purge_all(void)
{
	pac_unmap_aliases();
	flush_tlb_all();
}

/* ---- index queries for reports and debugfs ------------------------------- */

struct pac_addrs {
	unsigned long pfn, *addrs;
	int n, max;
};

static void pac_addr_one(unsigned long idx, void *entry, void *arg)
{
	struct pac_addrs *a = arg;

	if (pac_entry_pfn(entry) == a->pfn && a->n < a->max)
		a->addrs[a->n++] = idx << PAGE_SHIFT;
}

/* Up to @max stale virtual addresses of @pfn; returns how many were found. */
int pac_stale_addrs(unsigned long pfn, unsigned long *addrs, int max)
{
	struct pac_addrs a = { .pfn = pfn, .addrs = addrs, .max = max };

	pac_index_walk(0, ULONG_MAX, pac_addr_one, &a);
	return a.n;
}

depot_stack_handle_t pac_unmap_stack(unsigned long pfn)
{
	struct pac_snapshot rec = {};

	pac_with_rec(pfn, pac_rec_read, &rec);
	return rec.unmap;
}

static void pac_show_one(unsigned long idx, void *entry, void *arg)
{
	unsigned long pfn = pac_entry_pfn(entry);

	seq_printf(arg, "0x%lx 0x%lx %lu %d\n", idx << PAGE_SHIFT, pfn,
		   pac_entry_seq(entry), page_alias_check_pfn(pfn));
}

/* Print the index for debugfs "pages": one line per unflushed mapping. */
void pac_show_index(struct seq_file *m)
{
	unsigned long flags;

	seq_puts(m, "# vaddr pfn seq unflushed\n");
	pac_index_walk(0, ULONG_MAX, pac_show_one, m);
	xa_lock_irqsave(&pac_index, flags);
	if (pac_untracked.active)
		seq_printf(m, "# untracked 0x%lx-0x%lx seq %lu\n",
			   pac_untracked.start, pac_untracked.end,
			   pac_untracked.seq);
	xa_unlock_irqrestore(&pac_index, flags);
}
