// SPDX-License-Identifier: GPL-2.0
/*
 * page_alias_check: record of lazily unmapped, not yet TLB-flushed kernel
 * mappings, checked before a page's cache attributes change.
 *
 * vunmap(), vfree() and vm_unmap_ram() clear kernel PTEs but defer the TLB
 * flush.  Until the flush, any CPU may still hold a cacheable translation of
 * the page, and the page may already be freed and reused.  If its new owner
 * makes it uncached or write-combining, that stale alias is an illegal cache
 * attribute alias (see the 2007 thread "Interaction between Xen and XFS:
 * stray RW mappings").  Nick Piggin proposed there to count, per page, the
 * possibly unflushed mappings; the logs below hold exactly those, and
 * per-CPU counts by bucket of pages find them fast.
 *
 * The checker does not trust the vmalloc bookkeeping it checks:
 *
 *  - When a walk clears a present kernel PTE (mm/vmalloc.c), the stale
 *    virtual address, the pfn and the current flush sequence number are
 *    appended to this CPU's log, and the count of the pfn's bucket in
 *    this CPU's counts goes up by one.
 *  - Every kernel TLB flush that reaches all CPUs takes a new sequence number
 *    before it is sent (page_alias_check_flush_begin()) and, once it has
 *    completed, retires the entries of every log inside its range that were
 *    recorded before it began (page_alias_check_flush_end()).
 *  - A page has unflushed mappings while it has live entries.  Retiring an
 *    entry takes its count down, so a page whose bucket counts nothing on
 *    any CPU has none: the usual answer, one byte read per CPU.  Only a
 *    page some log counts is looked up in the logs.
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
 * is kept.  An entry is appended in the same hold of its log's lock as S
 * is read (which keeps a log sorted), and retired in one hold of that lock
 * too, so a flush retires only entries it finds.  Entries appended while a
 * flush walks a log read S after F was taken and are not its to retire;
 * entries do not move under a walk (pac_log_walk()), so a flush of
 * everything leaves no older entry behind.
 *
 * The logs are per CPU so that unmapping takes no global lock, allocates
 * nothing and touches no per-page memory (no page_ext at all by default).
 * A flush whose range takes in a whole log (lazy purges, full flushes)
 * retires a prefix of it, oldest first, in the flushing CPU.
 *
 * page_alias_check_mode=epoch is a lighter variant for production-like
 * runs: no log, no lock, no allocation.  A lazy unmap only stamps the
 * page with the current flush sequence number; the page is clean once a
 * flush of everything (flush_tlb_all(), or a range flush x86 widened to
 * everything) began after that stamp and completed.  A check that purges
 * follows vm_unmap_aliases() with such a flush unless the purge's own flush
 * was one.  Range flushes clean nothing (a stamp has no address), so
 * epoch mode relies on vmalloc only for what the purge must free, never
 * for what reads clean.
 *
 * If an entry cannot be recorded (this CPU's log is full), its range becomes
 * "untracked": every check purges until a flush covering that range has
 * completed.  Protection is never lost, only precision.
 */

#define pr_fmt(fmt) "page_alias_check: " fmt

#include <linux/debugfs.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/memory.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/page_alias_check.h>
#include <linux/page_ext.h>
#include <linux/ratelimit.h>
#include <linux/seq_file.h>
#include <linux/stackdepot.h>
#include <linux/stacktrace.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "page_alias_check.h"

/* Log entries visited per lock hold, so IRQs are not off for long. */
#define PAC_WALK_BATCH	256

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

enum page_alias_check_policy page_alias_check_policy = PAC_DEFAULT_POLICY;
bool pac_stacks __ro_after_init = IS_ENABLED(CONFIG_PAGE_ALIAS_CHECK_STACKS);
bool page_alias_check_epoch __ro_after_init;

/* Booted tracking (page_ext is ours): tracking can be paused and resumed. */
static bool pac_booted __ro_after_init;
static DEFINE_MUTEX(pac_enable_lock);
/*
 * Pauses and resumes so far, twice: odd while one is under way.  A check
 * that starts then purges blindly (a resume has not flushed the unmaps of
 * the paused window yet), and one that saw it change cannot trust the
 * logs (see pac_verify_after_purge()).
 */
static atomic_t pac_pauses;

/* Epoch mode: stamps below this sequence number are clean. */
static atomic_long_t pac_clean_seq;

/* Requests larger than this purge once instead of walking every page. */
unsigned long page_alias_check_walk_max = PAC_WALK_MAX_DEFAULT;

/* Report lazy aliases at permission-only changes too (debugfs). */
bool page_alias_check_report_perm;

DEFINE_PER_CPU(struct pac_stats, pac_stats);

/* The counter at @offset in struct pac_stats, summed over all CPUs. */
long pac_stat_sum(size_t offset)
{
	long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(*(long *)((char *)per_cpu_ptr(&pac_stats, cpu) +
					   offset));
	return sum;
}

/*
 * One lazy unmap that no observed flush has covered yet.  A walk that
 * retires it alone, out of order, sets @addr to PAC_ADDR_RETIRED.
 */
struct pac_entry {
	unsigned long addr;	/* the stale virtual address */
	unsigned long pfn;	/* the page it mapped */
	unsigned long seq;	/* flushes begun before the PTE was cleared */
};

/* Never a page-aligned address: marks an entry retired in place. */
#define PAC_ADDR_RETIRED	1UL

/*
 * Each CPU appends its lazy unmaps to a ring of its own, [head, tail) in
 * free-running indices.  The sequence number is read under the lock at
 * append, so a ring is sorted by it: a flush whose range covers all of a
 * ring retires a prefix, from head on.  Other flushes mark the entries
 * they cover retired in place; head always rests on a live entry.
 * @retired counts marked entries in [head, tail).  [lo, hi] holds every
 * address appended since the ring was last empty, so that a flush can pass
 * over a ring it cannot reach without taking its lock.
 *
 * @count is Nick Piggin's per-page count of unflushed mappings, by bucket
 * (see pac_bucket()): the live entries of this ring per bucket, so that a check reads one
 * byte per CPU for a page and looks it up in the logs only if one is not
 * zero.  Unmapping touches no per-page memory at all.  A count that
 * reaches PAC_COUNT_STUCK stays there (reads "maybe") until the ring is
 * empty; @stuck says how many did.
 */
struct pac_log {
	spinlock_t lock;	/* protects the rest; IRQs off */
	unsigned int head, tail, retired;
	unsigned int gen;	/* compactions, for walks that drop the lock */
	unsigned int stuck;
	unsigned long lo, hi;
	struct pac_entry *e;
	u8 *count;
};

#define PAC_COUNT_STUCK	U8_MAX

static DEFINE_PER_CPU(struct pac_log, pac_logs);

/* Entries per log (a power of two), sized at boot; see pac_log_init(). */
static unsigned int pac_log_size __ro_after_init;

/* log2 of the buckets of a log's counts (eight per entry). */
static unsigned int pac_count_bits __ro_after_init;

static struct pac_entry *pac_at(struct pac_log *log, unsigned int i)
{
	return &log->e[i & (pac_log_size - 1)];
}

/*
 * The low bits of the pfn, not a hash: the pages of one unmap are mostly
 * neighbours, and so are their counts (a few cache lines, not one each).
 */
static unsigned int pac_bucket(unsigned long pfn)
{
	return pfn & (BIT(pac_count_bits) - 1);
}

static u8 *pac_count_of(struct pac_log *log, unsigned long pfn)
{
	return &log->count[pac_bucket(pfn)];
}

/* Lock held: @pfn has one more live entry in @log. */
static void pac_count_inc(struct pac_log *log, unsigned long pfn)
{
	u8 *c = pac_count_of(log, pfn);

	if (*c == PAC_COUNT_STUCK)
		return;
	/* Checks read the counts without the lock. */
	WRITE_ONCE(*c, *c + 1);
	if (*c == PAC_COUNT_STUCK)
		log->stuck++;
}

/* Lock held: an entry of @pfn in @log was retired. */
static void pac_count_dec(struct pac_log *log, unsigned long pfn)
{
	u8 *c = pac_count_of(log, pfn);

	if (*c != PAC_COUNT_STUCK)
		WRITE_ONCE(*c, *c - 1);
}

static atomic_long_t pac_flush_seq;

/*
 * Test hooks: a smaller log, the most entries a walk held its lock for, and
 * a function to run (once) while a walk has dropped a log's lock.
 */
unsigned int pac_test_log_limit;
unsigned long pac_walk_hold_max;
void (*pac_test_walk_unlocked)(void);

/* Checks in a vm_unmap_aliases() now: attributes its flushes to checks. */
static atomic_t pac_in_purge;

/* Range whose stale translations are not logged; see pac_untrack(). */
static DEFINE_SPINLOCK(pac_untracked_lock);
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

const char *page_alias_check_policy_name(enum page_alias_check_policy policy)
{
	if ((unsigned int)policy >= ARRAY_SIZE(pac_policy_names))
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

/* Does this boot keep anything per page?  Strict mode alone does not. */
static bool __init pac_per_page(void)
{
	return page_alias_check_epoch || pac_live || pac_stacks;
}

static bool __init need_page_alias_check(void)
{
	/* Called before page_ext lays out its entries: size is still ours. */
	if (page_alias_check_policy == PAGE_ALIAS_CHECK_OFF || !pac_per_page())
		page_alias_check_ops.size = 0;
	else if (pac_stacks)
		page_alias_check_ops.size = sizeof(struct pac_rec);
	else
		page_alias_check_ops.size = offsetof(struct pac_rec, unmap);
	return page_alias_check_ops.size;
}

/*
 * A memory block going offline takes its page_ext with it (epoch stamps
 * come back zeroed, as clean).  All its pages are offline now, so no new
 * entry can name them: one observed flush of everything retires every
 * entry they have and clears every stamp, and leaves no stale translation
 * of memory that may be about to be unplugged.  Called at MEM_OFFLINE,
 * before page_ext's own notifier frees the block's page_ext.
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

static void __init pac_log_init(void);

static void __init pac_enable(void)
{
	if (pac_stacks && stack_depot_init()) {
		pr_warn("no stack depot, unmap stacks not recorded\n");
		pac_stacks = false;
	}
	if (!page_alias_check_epoch)
		pac_log_init();
	if (pac_live)
		static_branch_enable(&page_alias_check_live_key);
	pac_booted = true;
	static_branch_enable(&page_alias_check_key);
	/* Runs before page_ext_callback(), which has the default priority. */
	hotplug_memory_notifier(pac_memory_callback, DEFAULT_CALLBACK_PRI + 1);
	/*
	 * Lazy unmaps made before the static key was on were not recorded,
	 * and their pages may be free already: one flush of everything
	 * removes those stale translations; from here on every unmap is
	 * recorded.  (Before the scheduler runs nothing can have been
	 * unmapped lazily: nothing to flush.)
	 */
	if (system_state >= SYSTEM_SCHEDULING)
		flush_tlb_all();
	pr_info("enabled, policy %s, %s mode, %zu bytes per page%s%s\n",
		pac_policy_names[page_alias_check_policy],
		page_alias_check_epoch ? "epoch" : "strict",
		page_alias_check_ops.size, pac_live ? ", live mappings" : "",
		pac_stacks ? ", stacks" : "");
	if (pac_log_size)
		pr_info("logs of %u lazy unmaps per CPU, %zu KiB each with counts\n",
			pac_log_size, (pac_log_size * sizeof(struct pac_entry) +
				       (1UL << pac_count_bits)) / SZ_1K);
}

/* page_ext is up: enable a boot that keeps a record per page. */
static void __init init_page_alias_check(void)
{
	if (page_alias_check_policy != PAGE_ALIAS_CHECK_OFF && pac_per_page())
		pac_enable();
}

/*
 * Strict mode alone needs no page_ext: enable it before SMP, the earliest
 * the logs can be allocated with vmalloc (early params are parsed).
 */
static int __init pac_early_init(void)
{
	if (page_alias_check_policy != PAGE_ALIAS_CHECK_OFF && !pac_per_page())
		pac_enable();
	return 0;
}
early_initcall(pac_early_init);

struct page_ext_operations page_alias_check_ops = {
	/* Only the head of struct pac_rec that this boot uses; see need(). */
	.size = 0,
	.need = need_page_alias_check,
	.init = init_page_alias_check,
	.need_shared_flags = false,
};

/*
 * Run @fn on the record of @pfn.  Returns false when the pfn has no record
 * (not RAM, or page_ext not there): such pages are never reported.
 */
static bool pac_with_rec(unsigned long pfn,
			 void (*fn)(struct pac_rec *rec, void *arg), void *arg)
{
	struct page_ext *ext;
	struct pac_rec *rec = pac_rec_get(pfn, &ext);

	if (!rec)
		return false;
	fn(rec, arg);
	page_ext_put(ext);
	return true;
}

struct pac_snapshot {
	u32 stamp;
	depot_stack_handle_t unmap;
};

static void pac_rec_read(struct pac_rec *rec, void *arg)
{
	struct pac_snapshot *out = arg;

	out->stamp = atomic_read(&rec->stamp);
	out->unmap = pac_stacks ? READ_ONCE(rec->unmap) : 0;
}

/*
 * Epoch mode's stamp: the flush sequence number at the last lazy unmap,
 * plus one, in 32 bits (0: never unmapped lazily).
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

static void pac_rec_stamp(struct pac_rec *rec, const struct pac_stamp *st)
{
	int old = atomic_read(&rec->stamp);

	/*
	 * An unmapper that read the sequence before a full flush may store
	 * after one that unmapped the page elsewhere since: its older stamp
	 * must not replace a newer one that is still dirty.  A clean stamp
	 * is always replaced (it may be 2^31 flushes old and compare wrong).
	 */
	do {
		if (pac_stamp_dirty(old) && (s32)(st->stamp - (u32)old) <= 0)
			return;
	} while (!atomic_try_cmpxchg(&rec->stamp, &old, st->stamp));
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
	/*
	 * Entries are stamped with the number of flushes begun so far, so an
	 * entry is covered by every flush numbered above its stamp.  Full
	 * width: 2^63 flushes do not happen while an entry waits.
	 */
	return (long)(flush - entry) > 0;
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
enum pac_fault pac_test_fault;

static bool pac_faulty(enum pac_fault fault)
{
	return IS_ENABLED(CONFIG_PAGE_ALIAS_CHECK_KUNIT_TEST) &&
	       READ_ONCE(pac_test_fault) == fault;
}

/* ---- the logs ------------------------------------------------------------- */

/*
 * vmalloc purges its lazy areas once lazy_max_pages() of them have piled up
 * (32 MiB times log2 of the CPUs), and one CPU may have unmapped them all;
 * vm_map_ram() blocks add their dirty ranges, and the purge runs from a
 * worker.  Four times that, shared out over the CPUs (at least 4096
 * entries each, rounded up to a power of two), makes a full log, which
 * costs precision (pac_untrack()), a rare event on small machines: 32768
 * entries each with 2 CPUs.  Eight count buckets per entry keep a check's
 * false "maybe" (a bucket shared with another page's live entry) below one
 * page in eight even when a log is full, and near zero as usual.  Without
 * memory for the logs every lazy unmap is untracked: checks always purge.
 */
static void __init pac_log_init(void)
{
	unsigned int cpus = num_possible_cpus();
	unsigned int lazy_max = fls(cpus) * (SZ_32M >> PAGE_SHIFT);
	unsigned int size = roundup_pow_of_two(max(4 * lazy_max / cpus, 4096U));
	int cpu;

	for_each_possible_cpu(cpu) {
		struct pac_log *log = per_cpu_ptr(&pac_logs, cpu);

		spin_lock_init(&log->lock);
		log->lo = ULONG_MAX;
	}
	for_each_possible_cpu(cpu) {
		struct pac_log *log = per_cpu_ptr(&pac_logs, cpu);

		log->e = vmalloc_node(array_size(size, sizeof(*log->e)),
				      cpu_to_node(cpu));
		log->count = vzalloc_node(size * 8, cpu_to_node(cpu));
		if (!log->e || !log->count)
			goto nomem;
	}
	pac_count_bits = ilog2(size * 8);
	pac_log_size = size;
	return;
nomem:
	/* vmalloc_node() said so.  pac_log_size 0: every unmap untracked. */
	for_each_possible_cpu(cpu) {
		struct pac_log *log = per_cpu_ptr(&pac_logs, cpu);

		vfree(log->e);
		vfree(log->count);
		log->e = NULL;
		log->count = NULL;
	}
}

static unsigned int pac_log_capacity(void)
{
	unsigned int limit = 0;

	if (IS_ENABLED(CONFIG_PAGE_ALIAS_CHECK_KUNIT_TEST))
		limit = READ_ONCE(pac_test_log_limit);
	return limit ? min(limit, pac_log_size) : pac_log_size;
}

static void pac_walk_unlocked(void)
{
	void (*fn)(void);

	if (!IS_ENABLED(CONFIG_PAGE_ALIAS_CHECK_KUNIT_TEST))
		return;
	fn = xchg(&pac_test_walk_unlocked, NULL);
	if (fn)
		fn();
}

static void pac_walk_held(unsigned long held)
{
	if (IS_ENABLED(CONFIG_PAGE_ALIAS_CHECK_KUNIT_TEST) &&
	    held > READ_ONCE(pac_walk_hold_max))
		WRITE_ONCE(pac_walk_hold_max, held);
}

/* A walk or a flush retired @nr entries. */
static void pac_retired(unsigned int nr)
{
	pac_stat_add(pages_tracked, -(long)nr);
	pac_stat_add(entries_flushed, nr);
}

/*
 * Lock held, the ring empty: every count is 0 but the stuck ones.  Rare
 * (a bucket with 255 live entries), so a scan by words is fine.
 */
static void pac_count_unstick(struct pac_log *log)
{
	unsigned long *w = (unsigned long *)log->count;
	unsigned int i, n = BIT(pac_count_bits) / sizeof(long);

	for (i = 0; i < n; i++)
		if (w[i])
			WRITE_ONCE(w[i], 0);
	log->stuck = 0;
}

/* Lock held: move head past retired entries; an empty ring forgets its span. */
static void pac_log_trim(struct pac_log *log)
{
	while (log->head != log->tail &&
	       pac_at(log, log->head)->addr == PAC_ADDR_RETIRED) {
		WRITE_ONCE(log->head, log->head + 1);
		log->retired--;
	}
	if (log->head == log->tail) {
		WRITE_ONCE(log->lo, ULONG_MAX);
		WRITE_ONCE(log->hi, 0);
		if (log->stuck)
			pac_count_unstick(log);
	}
}

/*
 * Lock held, @nd entries retired in this hold: drop the lock for a moment,
 * so that IRQs are not off for long and the owner can append.
 */
static void pac_log_relock(struct pac_log *log, unsigned long *flags,
			   unsigned int nd)
	__must_hold(&log->lock)
{
	pac_log_trim(log);
	spin_unlock_irqrestore(&log->lock, *flags);
	pac_retired(nd);
	pac_walk_unlocked();
	cpu_relax();
	spin_lock_irqsave(&log->lock, *flags);
}

/*
 * Call @fn on the live entries of @log with an address in [@start, @last],
 * oldest first; an entry for which it returns true is retired in place.
 * The lock is dropped every PAC_WALK_BATCH entries visited (IRQs are off
 * while it is held).  Entries move only when a full ring is compacted
 * (the walk then starts again at head), so none is skipped: a flush that
 * retired the prefix meanwhile only moves head past where the walk was.
 * Entries appended meanwhile read their sequence number after this walk's
 * flush began: not its to retire.  Inlined into each caller so that @fn
 * is a direct, inlined call.
 */
static __always_inline void
pac_log_walk(struct pac_log *log, unsigned long start, unsigned long last,
	     bool (*fn)(struct pac_entry *e, void *arg), void *arg)
{
	unsigned int i, gen, nd = 0, visited = 0;
	unsigned long flags, held = 0;

	/* Unlocked: a log missed here could only hold entries that stay. */
	if (READ_ONCE(log->head) == READ_ONCE(log->tail) ||
	    READ_ONCE(log->hi) < start || READ_ONCE(log->lo) > last)
		return;
	spin_lock_irqsave(&log->lock, flags);
	gen = log->gen;
	for (i = log->head; i != log->tail; i++) {
		struct pac_entry *e = pac_at(log, i);

		if (e->addr != PAC_ADDR_RETIRED && e->addr >= start &&
		    e->addr <= last && fn(e, arg)) {
			e->addr = PAC_ADDR_RETIRED;
			pac_count_dec(log, e->pfn);
			log->retired++;
			nd++;
		}
		pac_walk_held(++held);
		if (held == PAC_WALK_BATCH && i + 1 != log->tail) {
			visited += held;
			pac_log_relock(log, &flags, nd);
			nd = 0;
			held = 0;
			/* Compacted, or trimmed past us: resume at head. */
			if (log->gen != gen || (int)(log->head - (i + 1)) > 0) {
				gen = log->gen;
				i = log->head - 1;
			}
		}
	}
	pac_log_trim(log);
	spin_unlock_irqrestore(&log->lock, flags);
	pac_retired(nd);
	pac_stat_add(entries_walked, visited + held);
}

/* pac_log_walk() on every CPU's log. */
static __always_inline void
pac_logs_walk(unsigned long start, unsigned long last,
	      bool (*fn)(struct pac_entry *e, void *arg), void *arg)
{
	int cpu;

	for_each_possible_cpu(cpu)
		pac_log_walk(per_cpu_ptr(&pac_logs, cpu), start, last, fn, arg);
}

/*
 * Flush @seq covered every address in the ring: retire the entries
 * recorded before it began, a prefix of the ring (sorted by sequence
 * number), dropping the lock as pac_log_walk() does.  Entries appended
 * meanwhile read their sequence number after @seq was taken: not ours.
 */
static void pac_log_retire_prefix(struct pac_log *log, unsigned long seq)
{
	unsigned int i, nd = 0, held = 0;
	unsigned long flags;
	struct pac_entry *e;

	spin_lock_irqsave(&log->lock, flags);
	/* The deliberately broken tracker retires everything. */
	if (IS_ENABLED(CONFIG_PAGE_ALIAS_CHECK_KUNIT_TEST) &&
	    READ_ONCE(pac_test_ignore_seq))
		seq = atomic_long_read(&pac_flush_seq) + 1;
	for (i = log->head; i != log->tail; i++) {
		e = pac_at(log, i);
		if (!pac_seq_before(e->seq, seq))
			break;
		if (e->addr == PAC_ADDR_RETIRED) {
			log->retired--;
		} else {
			pac_count_dec(log, e->pfn);
			nd++;
		}
		if (++held == PAC_WALK_BATCH) {
			pac_walk_held(held);
			WRITE_ONCE(log->head, i + 1);
			pac_log_relock(log, &flags, nd);
			nd = 0;
			held = 0;
			/* Another flush may have retired past us. */
			i = log->head - 1;
		}
	}
	pac_walk_held(held);
	WRITE_ONCE(log->head, i);
	pac_log_trim(log);
	spin_unlock_irqrestore(&log->lock, flags);
	pac_retired(nd);
}

/*
 * Lock held, the ring full: squeeze out the entries retired in place,
 * keeping the order (and so the sorting).  A walk that dropped the lock
 * starts again at head: it may see an entry twice, never miss one.
 */
static void pac_log_compact(struct pac_log *log)
{
	unsigned int i, j = log->head;

	if (!log->retired)
		return;
	for (i = log->head; i != log->tail; i++) {
		struct pac_entry *e = pac_at(log, i);

		if (e->addr == PAC_ADDR_RETIRED)
			continue;
		if (i != j)
			*pac_at(log, j) = *e;
		j++;
	}
	WRITE_ONCE(log->tail, j);
	log->retired = 0;
	log->gen++;
	pac_log_trim(log);
}

/* ---- recording lazy unmaps ------------------------------------------------ */

static void pac_untrack(unsigned long start, unsigned long end)
{
	unsigned long flags, seq;

	spin_lock_irqsave(&pac_untracked_lock, flags);
	seq = atomic_long_read(&pac_flush_seq);
	if (!pac_untracked.active) {
		pac_untracked.start = start;
		pac_untracked.end = end;
		pac_untracked.active = true;
	} else {
		pac_untracked.start = min(pac_untracked.start, start);
		pac_untracked.end = max(pac_untracked.end, end);
	}
	pac_untracked.seq = seq;
	spin_unlock_irqrestore(&pac_untracked_lock, flags);
	pac_stat_inc(untracked);
}

depot_stack_handle_t pac_save_stack(void)
{
	unsigned long entries[16];
	unsigned int nr;

	nr = stack_trace_save(entries, ARRAY_SIZE(entries), 2);
	return stack_depot_save(entries, nr, GFP_NOWAIT | __GFP_NOWARN);
}

/*
 * Live tracking and stacks (strict mode): the pages of @batch lost a
 * mapping, one page_ext lookup each.
 */
static void pac_batch_records(struct page_alias_check_batch *batch)
{
	struct page_ext *ext;
	struct pac_rec *rec;
	unsigned int i;

	for (i = 0; i < batch->nr; i++) {
		rec = pac_rec_get(batch->pfn[i], &ext);
		if (!rec)
			continue;
		if (pac_live_enabled())
			pac_live_dec(rec);
		if (pac_stacks)
			WRITE_ONCE(rec->unmap, batch->stack);
		page_ext_put(ext);
	}
}

/*
 * Append the pages of @batch to this CPU's log and count them, stamped
 * with the flush sequence number read after their PTEs were cleared.  A
 * page counted is looked up in the logs by a check; one not counted yet,
 * an instant after its PTE was cleared, is a page whose attributes change
 * while it is being unmapped: the caller's race, as with a live mapping.
 * Returns the index of the first page that did not fit (@batch->nr if all
 * did).
 */
static unsigned int pac_batch_log(struct page_alias_check_batch *batch)
{
	unsigned int i, n, used, cap = pac_log_capacity();
	unsigned long flags, seq, lo = ULONG_MAX, hi = 0;
	struct pac_log *log;

	for (i = 0; i < batch->nr; i++) {
		lo = min(lo, batch->addr[i]);
		hi = max(hi, batch->addr[i]);
	}
	/* Any CPU's log would do: flushes walk them all. */
	log = raw_cpu_ptr(&pac_logs);
	spin_lock_irqsave(&log->lock, flags);
	/*
	 * The PTE clears must be visible before we read the sequence (pmd
	 * and pud clears are plain stores): the lock and this make a full
	 * barrier (free on x86).  Reading it later than the clears only makes
	 * entries look newer.
	 */
	smp_mb__after_spinlock();
	seq = atomic_long_read(&pac_flush_seq);
	if (log->tail - log->head + batch->nr > cap)
		pac_log_compact(log);
	used = log->tail - log->head;
	n = used < cap ? min(batch->nr, cap - used) : 0;
	for (i = 0; i < n; i++) {
		*pac_at(log, log->tail + i) = (struct pac_entry){
			batch->addr[i], batch->pfn[i], seq };
		pac_count_inc(log, batch->pfn[i]);
	}
	if (n) {
		/* The span of the whole batch: wider is only less precise. */
		WRITE_ONCE(log->tail, log->tail + n);
		WRITE_ONCE(log->lo, min(log->lo, lo));
		WRITE_ONCE(log->hi, max(log->hi, hi));
	}
	spin_unlock_irqrestore(&log->lock, flags);
	pac_stat_add(lazy_unmaps, n);
	pac_stat_add(pages_tracked, n);
	return n;
}

/* Epoch mode: stamp the pages of @batch with the flush sequence number. */
static void pac_batch_stamp(struct page_alias_check_batch *batch)
{
	struct pac_stamp st = { .stack = batch->stack };
	struct page_ext *ext;
	struct pac_rec *rec;
	unsigned int i;

	st.stamp = (u32)atomic_long_read(&pac_flush_seq) + 1 ?: 1;
	for (i = 0; i < batch->nr; i++) {
		rec = pac_rec_get(batch->pfn[i], &ext);
		if (!rec)
			continue;
		if (pac_live_enabled())
			pac_live_dec(rec);
		pac_rec_stamp(rec, &st);
		page_ext_put(ext);
		pac_stat_inc(lazy_unmaps);
	}
	batch->nr = 0;
}

static void pac_batch_flush(struct page_alias_check_batch *batch)
{
	unsigned int i;

	if (!batch->nr)
		return;
	if (pac_faulty(PAC_FAULT_NORECORD)) {
		batch->nr = 0;
		return;
	}
	if (pac_stacks && !batch->stack_saved) {
		batch->stack = pac_save_stack();
		batch->stack_saved = true;
	}
	if (page_alias_check_epoch) {
		/* As in pac_batch_log(), without a lock to pair with. */
		smp_mb();
		pac_batch_stamp(batch);
		return;
	}
	if (pac_live_enabled() || pac_stacks)
		pac_batch_records(batch);
	i = pac_batch_log(batch);
	/*
	 * The log is full: the rest of the batch is untracked (checks purge
	 * until a flush covers it).
	 */
	for (; i < batch->nr; i++)
		pac_untrack(batch->addr[i], batch->addr[i] + PAGE_SIZE);
	batch->nr = 0;
}

void __page_alias_check_unmap(struct page_alias_check_batch *batch,
			      unsigned long addr, unsigned long pfn,
			      unsigned long nr_pages)
{
	unsigned long i;

	/*
	 * A huge leaf of device memory (a large ioremap()): nothing to
	 * protect, and it would flood the log.  PTEs are not asked (the cost
	 * of a pfn_valid() per page): their few entries are never checked.
	 */
	if (!pfn_valid(pfn))
		return;
	for (i = 0; i < nr_pages; i++)
		__page_alias_check_batch_add(batch, addr + i * PAGE_SIZE, pfn + i);
}
EXPORT_SYMBOL_GPL(__page_alias_check_unmap);

/* Record @batch: it is full, or its page table walk is done. */
void __page_alias_check_unmap_record(struct page_alias_check_batch *batch)
{
	pac_batch_flush(batch);
}
EXPORT_SYMBOL_GPL(__page_alias_check_unmap_record);

/* ---- observing TLB flushes ------------------------------------------------ */

unsigned long __page_alias_check_flush_begin(void)
{
	/* Fully ordered: before any CPU is asked to flush. */
	return atomic_long_inc_return(&pac_flush_seq);
}
EXPORT_SYMBOL_GPL(__page_alias_check_flush_begin);

/* A flush that began at sequence number *@arg retires an entry it covered. */
static bool pac_flush_one(struct pac_entry *e, void *arg)
{
	return pac_seq_before(e->seq, *(unsigned long *)arg) ||
	       (IS_ENABLED(CONFIG_PAGE_ALIAS_CHECK_KUNIT_TEST) &&
		READ_ONCE(pac_test_ignore_seq));
}

/*
 * Flush @seq covered the pages of [@start, @last]: retire what it covered
 * in @log.  A range that takes in the whole ring (lazy purges, full
 * flushes) retires a prefix; any other is walked.
 */
static void pac_log_flush(struct pac_log *log, unsigned long start,
			  unsigned long last, unsigned long seq)
{
	unsigned long flags;
	bool whole;

	if (READ_ONCE(log->head) == READ_ONCE(log->tail) ||
	    READ_ONCE(log->hi) < start || READ_ONCE(log->lo) > last)
		return;
	/*
	 * An entry recorded before @seq was taken is in [lo, hi] by now: it
	 * was appended in an earlier hold of the lock than this one.
	 */
	spin_lock_irqsave(&log->lock, flags);
	whole = start <= log->lo && log->hi <= last;
	spin_unlock_irqrestore(&log->lock, flags);
	if (whole)
		pac_log_retire_prefix(log, seq);
	else
		pac_log_walk(log, start, last, pac_flush_one, &seq);
}

void __page_alias_check_flush_end(unsigned long start, unsigned long end,
				  unsigned long seq)
{
	unsigned long last, flags;
	int cpu;

	if (end <= start)
		return;
	/*
	 * x86 flushes a range page by page from @start: an unaligned @start
	 * reaches the page of (end - 1) only if whole steps get there.  Count
	 * only the pages a step landed in.
	 */
	last = start + round_down(end - start - 1, PAGE_SIZE);
	pac_stat_inc(flushes_seen);
	/* Approximate: a flush of another CPU during a check counts too. */
	if (atomic_read(&pac_in_purge))
		pac_stat_inc(flushes_in_checks);
	if (page_alias_check_epoch) {
		if (start == 0 && end == ULONG_MAX)
			pac_epoch_done(seq);
		return;
	}

	/* Entries hold page-aligned addresses: @start's page is covered. */
	for_each_possible_cpu(cpu)
		pac_log_flush(per_cpu_ptr(&pac_logs, cpu), start & PAGE_MASK,
			      last, seq);
	if (!READ_ONCE(pac_untracked.active))
		return;
	spin_lock_irqsave(&pac_untracked_lock, flags);
	if (pac_untracked.active && (start & PAGE_MASK) <= pac_untracked.start &&
	    (last | ~PAGE_MASK) >= pac_untracked.end - 1 &&
	    pac_seq_before(pac_untracked.seq, seq))
		pac_untracked.active = false;
	spin_unlock_irqrestore(&pac_untracked_lock, flags);
}
EXPORT_SYMBOL_GPL(__page_alias_check_flush_end);

/* ---- pausing ------------------------------------------------------------- */

bool page_alias_check_booted(void)
{
	return pac_booted;
}

/**
 * page_alias_check_set_enabled - pause or resume tracking at run time
 * @on: false pauses, true resumes
 *
 * Paused, every hook is the patched-out branch of a kernel booted with
 * page_alias_check=off, and change_page_attr() purges blindly as upstream
 * does; the logs and page_ext stay allocated.  Unmaps made while paused
 * are not recorded, so resuming flushes the TLB of every CPU after the
 * hooks are back, and checks purge blindly until that flush is done: a
 * translation left by such an unmap is gone before any check can call its
 * page clean (the same argument as at boot, pac_enable()).
 * Entries recorded before the pause stay until a flush covers them.
 *
 * Return: 0; -ENODEV if booted without tracking; -EBUSY with live tracking,
 * whose counts would go wrong with the unmaps of a paused window.
 */
int page_alias_check_set_enabled(bool on)
{
	if (!pac_booted)
		return -ENODEV;
	if (pac_live_enabled())
		return -EBUSY;
	mutex_lock(&pac_enable_lock);
	if (on && !static_key_enabled(&page_alias_check_key)) {
		atomic_inc_return(&pac_pauses);
		static_branch_enable(&page_alias_check_key);
		/* Observed by the x86 hook: retires entries, ends untracked. */
		if (!pac_faulty(PAC_FAULT_NORESUMEFLUSH))
			flush_tlb_all();
		atomic_inc_return(&pac_pauses);
	} else if (!on) {
		/* Fully ordered: before any flush can go unobserved. */
		atomic_inc_return(&pac_pauses);
		static_branch_disable(&page_alias_check_key);
		atomic_inc_return(&pac_pauses);
	}
	mutex_unlock(&pac_enable_lock);
	return 0;
}

/* ---- the check --------------------------------------------------------- */

bool page_alias_check_active(void)
{
	return static_branch_unlikely(&page_alias_check_key) &&
	       READ_ONCE(page_alias_check_policy) != PAGE_ALIAS_CHECK_OFF;
}
EXPORT_SYMBOL_GPL(page_alias_check_active);

/*
 * Strict mode: may @pfn have a live entry?  Not if no log counts one in
 * its bucket.  A count read as zero belongs to entries not appended yet
 * (the caller's race) or retired (their flush has completed).
 */
static bool pac_counted(unsigned long pfn)
{
	unsigned int b = pac_bucket(pfn);
	int cpu;

	if (!pac_log_size)
		return false;
	for_each_possible_cpu(cpu)
		if (READ_ONCE(per_cpu_ptr(&pac_logs, cpu)->count[b]))
			return true;
	return false;
}

/*
 * Strict mode: which of up to PAC_LOOKUP_MAX pages have live entries, in
 * one walk of the logs.  A 256-bit filter on the pfn turns away almost
 * every entry of other pages with one test.
 */
#define PAC_LOOKUP_MAX	32

struct pac_lookup {
	unsigned int nr;
	unsigned long filter[4];
	unsigned long pfn[PAC_LOOKUP_MAX];
	unsigned int live[PAC_LOOKUP_MAX];	/* live entries of pfn[i] */
};

static unsigned int pac_pfn_hash(unsigned long pfn)
{
	return hash_long(pfn, 8);
}

static void pac_lookup_add(struct pac_lookup *l, unsigned long pfn)
{
	__set_bit(pac_pfn_hash(pfn), l->filter);
	l->live[l->nr] = 0;
	l->pfn[l->nr++] = pfn;
}

static bool pac_lookup_one(struct pac_entry *e, void *arg)
{
	struct pac_lookup *l = arg;
	unsigned int i;

	if (!test_bit(pac_pfn_hash(e->pfn), l->filter))
		return false;
	for (i = 0; i < l->nr; i++)
		if (l->pfn[i] == e->pfn)
			l->live[i]++;
	return false;
}

static void pac_lookup_run(struct pac_lookup *l)
{
	if (l->nr)
		pac_logs_walk(0, ULONG_MAX, pac_lookup_one, l);
}

/* Strict mode: the unflushed count of @pfn. */
static int pac_unflushed(unsigned long pfn)
{
	struct pac_lookup l = {};

	if (!pac_counted(pfn))
		return 0;
	pac_lookup_add(&l, pfn);
	pac_lookup_run(&l);
	return l.live[0];
}

/**
 * page_alias_check_pfn - number of possibly unflushed lazy mappings of a page
 * @pfn: page frame number
 *
 * Return: how many lazy unmaps of @pfn have no completed TLB flush yet;
 * 0 when the page is clean, not tracked or the checker is not enabled.
 * In epoch mode: 1 if the page may have one, else 0.
 */
int page_alias_check_pfn(unsigned long pfn)
{
	struct pac_snapshot rec = {};

	if (!static_branch_unlikely(&page_alias_check_key))
		return 0;
	if (!page_alias_check_epoch)
		return pac_unflushed(pfn);
	return pac_with_rec(pfn, pac_rec_read, &rec) &&
	       pac_stamp_dirty(rec.stamp);
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
	pac_stat_inc(purges_forced);
	pac_unmap_aliases();
}

/* What a check found in its request. */
struct pac_scan_state {
	unsigned long dirty, first_pfn, unknown;
};

/* Count the pages of @l that have live entries into @scan; empty @l. */
static void pac_scan_lookup(struct pac_lookup *l, struct pac_scan_state *scan)
{
	unsigned int i;

	pac_lookup_run(l);
	for (i = 0; i < l->nr; i++)
		if (l->live[i] && !scan->dirty++)
			scan->first_pfn = l->pfn[i];
	memset(l, 0, sizeof(*l));
}

/*
 * The page_ext part of a page's check (epoch mode, live tracking): its
 * epoch stamp, and its live mappings while *@live.  Strict mode counts
 * nothing per page.
 */
static void pac_scan_rec(const struct page_alias_check_req *req,
			 unsigned long i, unsigned long pfn,
			 struct pac_scan_state *scan, bool *live,
			 enum page_alias_check_policy policy)
{
	struct page_ext *ext;
	struct pac_rec *rec;

	/* One lookup per page for both checks. */
	rec = pac_rec_get(pfn, &ext);
	if (!rec)
		return;
	if (page_alias_check_epoch && pac_stamp_dirty(atomic_read(&rec->stamp)) &&
	    !scan->dirty++)
		scan->first_pfn = pfn;
	if (*live && pac_live_check(req, i, pfn, rec, policy))
		*live = false;
	page_ext_put(ext);
}

/*
 * Count the pages of @req with unflushed lazy aliases, and check the first
 * page with a live mapping in a cache mode other than the one the request
 * gives it (one live alias per request is enough to report).  In strict
 * mode a page some log counts is looked up in the logs, PAC_LOOKUP_MAX
 * pages per walk, in request order.
 */
static void pac_scan(const struct page_alias_check_req *req,
		     struct pac_scan_state *scan,
		     enum page_alias_check_policy policy)
{
	bool live = req->new_mode && pac_live_enabled();
	struct pac_lookup l = {};
	unsigned long i, pfn;

	memset(scan, 0, sizeof(*scan));
	for (i = 0; i < req->nr; i++) {
		pfn = req->pfn_at(req, i);
		if (pfn == PAGE_ALIAS_CHECK_PFN_UNKNOWN) {
			scan->unknown++;
			continue;
		}
		if (page_alias_check_epoch || live)
			pac_scan_rec(req, i, pfn, scan, &live, policy);
		if (!page_alias_check_epoch && pac_counted(pfn))
			pac_lookup_add(&l, pfn);
		if (l.nr == PAC_LOOKUP_MAX)
			pac_scan_lookup(&l, scan);
	}
	pac_scan_lookup(&l, scan);
}

/* Dirty pages looked up in the logs after a purge, at most. */
#define PAC_VERIFY_MAX	16

/* Pages of a request, which have live entries, which entries older than @seq. */
struct pac_old_entries {
	unsigned long seq;
	unsigned int nr;
	unsigned long pfn[PAC_VERIFY_MAX];
	bool live[PAC_VERIFY_MAX];
	bool old[PAC_VERIFY_MAX];
};

static bool pac_old_one(struct pac_entry *e, void *arg)
{
	struct pac_old_entries *o = arg;
	bool old = pac_seq_before(e->seq, o->seq);
	unsigned int i;

	for (i = 0; i < o->nr; i++) {
		if (o->pfn[i] == e->pfn) {
			o->live[i] = true;
			o->old[i] |= old;
		}
	}
	return false;
}

/*
 * Pages of @req still holding an entry recorded before flush @seq began:
 * PAC_VERIFY_MAX pages at a time, those that may have live entries (by
 * count) are looked up in one walk of the logs, up to the first walk that
 * finds a page with one; *@first is the first of them.  *@dirty tells
 * whether any page looked up has a live entry.
 */
static unsigned long pac_count_old_entries(const struct page_alias_check_req *req,
					   unsigned long seq, unsigned long *first,
					   bool *dirty)
{
	struct pac_old_entries o = { .seq = seq };
	unsigned long i = 0, pfn, old = 0;
	unsigned int j, n;

	*dirty = false;
	while (i < req->nr && !*dirty) {
		/* The pfns first: pfn_at() may be the caller's own unmap. */
		for (o.nr = 0; i < req->nr && o.nr < PAC_VERIFY_MAX; i++) {
			pfn = req->pfn_at(req, i);
			if (pfn != PAGE_ALIAS_CHECK_PFN_UNKNOWN)
				o.pfn[o.nr++] = pfn;
		}
		for (j = n = 0; j < o.nr; j++) {
			if (!pac_counted(o.pfn[j]))
				continue;
			o.live[n] = false;
			o.old[n] = false;
			o.pfn[n++] = o.pfn[j];
		}
		o.nr = n;
		if (!o.nr)
			continue;
		pac_logs_walk(0, ULONG_MAX, pac_old_one, &o);
		for (j = 0; j < o.nr; j++) {
			*dirty |= o.live[j];
			if (o.old[j] && !old++)
				*first = o.pfn[j];
		}
	}
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
				   unsigned long seq, int pauses)
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
	/*
	 * Tracking was paused since the check began: the purge's flushes
	 * may have gone unobserved (a CPU that ran the patched-out hook saw
	 * the count go up first), so entries they did cover stay.  Not a
	 * miss; resuming flushes everything.
	 */
	if (missed && atomic_read(&pac_pauses) == pauses) {
		pac_stat_inc(purge_missed);
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
				 const struct pac_scan_state *scan,
				 enum page_alias_check_policy policy)
{
	pac_stat_inc(aliases_found);
	pac_stat_add(alias_pages, scan->dirty);
	switch (req->change) {
	case PAGE_ALIAS_CHANGE_PERM:
		pac_stat_inc(aliases_perm);
		if (!READ_ONCE(page_alias_check_report_perm))
			return;
		break;
	case PAGE_ALIAS_CHANGE_CACHE:
		pac_stat_inc(aliases_cache);
		break;
	default:
		pac_stat_inc(aliases_other);
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
	enum page_alias_check_policy policy = READ_ONCE(page_alias_check_policy);
	struct pac_scan_state scan;
	unsigned long seq = 0;
	int pauses = 1;

	/*
	 * Read after the branch: a CPU that runs the code a pause or resume
	 * patched in was made to see the count go odd before that.
	 */
	if (static_branch_unlikely(&page_alias_check_key))
		pauses = atomic_read(&pac_pauses);
	/* Paused, or being paused or resumed: purge as upstream does. */
	if (pauses & 1) {
		if (!pac_faulty(PAC_FAULT_NOPURGE))
			vm_unmap_aliases();
		return;
	}
	if (policy == PAGE_ALIAS_CHECK_OFF) {
		pac_stat_inc(purges_blind);
		pac_unmap_aliases();
		return;
	}
	pac_stat_inc(checks);
	/*
	 * Only "purge" takes the shortcut: "warn" and "bug" are for finding
	 * aliases and always look at every page.
	 */
	if (policy == PAGE_ALIAS_CHECK_PURGE &&
	    req->nr > READ_ONCE(page_alias_check_walk_max)) {
		pac_stat_inc(checks_large);
		pac_purge();
		return;
	}

	/*
	 * Strict mode: a sequence number of our own, as if a flush began
	 * here: entries stamped below it were recorded before this check
	 * looked.  Epoch mode verifies nothing and takes none, so that only
	 * flushes move its stamps away from the clean point.
	 */
	if (!page_alias_check_epoch)
		seq = atomic_long_inc_return(&pac_flush_seq);
	pac_scan(req, &scan, policy);
	if (!scan.dirty && !scan.unknown && !pac_untracked_pending()) {
		pac_stat_inc(checks_clean);
		pac_stat_inc(purges_skipped);
		return;
	}
	if (scan.dirty)
		pac_found_lazy_alias(req, &scan, policy);
	pac_purge();
	/* Epoch mode keeps no addresses to verify; its purge flushed all. */
	if (!page_alias_check_epoch && (scan.dirty || pac_untracked_pending()))
		pac_verify_after_purge(req, seq, pauses);
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

/* ---- log queries for reports and debugfs --------------------------------- */

static bool pac_older_one(struct pac_entry *e, void *arg)
{
	unsigned long *o = arg;

	if (pac_seq_before(e->seq, o[0]))
		o[1]++;
	return false;
}

/* Tests: the bucket of @pfn, and its count summed over all CPUs. */
unsigned int pac_test_bucket(unsigned long pfn)
{
	return pac_bucket(pfn);
}

unsigned int pac_test_count_bits(void)
{
	return pac_count_bits;
}

unsigned int pac_test_count(unsigned long pfn)
{
	unsigned int sum = 0;
	int cpu;

	if (!pac_log_size)
		return 0;
	for_each_possible_cpu(cpu)
		sum += READ_ONCE(*pac_count_of(per_cpu_ptr(&pac_logs, cpu), pfn));
	return sum;
}

/* Test hook: log entries recorded before flush number @seq began. */
unsigned long pac_entries_before(unsigned long seq)
{
	unsigned long o[2] = { seq, 0 };

	pac_logs_walk(0, ULONG_MAX, pac_older_one, o);
	return o[1];
}

struct pac_addrs {
	unsigned long pfn, *addrs;
	int n, max;
};

static bool pac_addr_one(struct pac_entry *e, void *arg)
{
	struct pac_addrs *a = arg;

	if (e->pfn == a->pfn && a->n < a->max)
		a->addrs[a->n++] = e->addr;
	return false;
}

/* Up to @max stale virtual addresses of @pfn; returns how many were found. */
int pac_stale_addrs(unsigned long pfn, unsigned long *addrs, int max)
{
	struct pac_addrs a = { .pfn = pfn, .addrs = addrs, .max = max };

	pac_logs_walk(0, ULONG_MAX, pac_addr_one, &a);
	return a.n;
}

depot_stack_handle_t pac_unmap_stack(unsigned long pfn)
{
	struct pac_snapshot rec = {};

	pac_with_rec(pfn, pac_rec_read, &rec);
	return rec.unmap;
}

static bool pac_show_one(struct pac_entry *e, void *arg)
{
	seq_printf(arg, "0x%lx 0x%lx %lu\n", e->addr, e->pfn, e->seq);
	return false;
}

/* Print the logs for debugfs "pages": one line per unflushed mapping. */
void pac_show_index(struct seq_file *m)
{
	unsigned long flags;

	seq_puts(m, "# vaddr pfn seq\n");
	pac_logs_walk(0, ULONG_MAX, pac_show_one, m);
	spin_lock_irqsave(&pac_untracked_lock, flags);
	if (pac_untracked.active)
		seq_printf(m, "# untracked 0x%lx-0x%lx seq %lu\n",
			   pac_untracked.start, pac_untracked.end,
			   pac_untracked.seq);
	spin_unlock_irqrestore(&pac_untracked_lock, flags);
}
