// SPDX-License-Identifier: GPL-2.0
/*
 * page_alias_test: a test driver that handles pages the way DRM/TTM's page
 * pool and the AGP GART code do, so that page_alias_check can be exercised
 * without a GPU.  /dev/page_alias_test, one buffer per open file:
 *
 *  PALIAS_IOC_ALLOC    allocate pages and make them WC/UC (TTM pool, AGP)
 *  PALIAS_IOC_FREE     set the buffer back to WB and free it
 *  PALIAS_IOC_ALIAS    make lazy kernel aliases of fresh pages and free them
 *                   (as XFS buffers and other vmap users do)
 *  PALIAS_IOC_SEED     the 2007 scenario end to end: lazy alias, free,
 *                   reallocate on the same CPU, switch to WC/UC; also with
 *                   the alias in a fully used vmap_block, which
 *                   vm_unmap_aliases() did not flush before 6.5
 *  PALIAS_IOC_VERDICT  what the last ALLOC/SEED saw: pages that still had
 *                   unflushed aliases before and after the attribute change
 *                   by the checker's word, and by the oracle's (stale TLB
 *                   reads through the old alias address, TLB flushes seen
 *                   by kretprobes)
 *  PALIAS_IOC_BENCH    time set_pages_array_wc() + _wb() rounds (benchmarks)
 *  PALIAS_IOC_LIVE     live kernel mappings, legal (TTM's WC vmap) and not
 *                   (WB vmap of a WC page, pages freed while vmapped)
 *  PALIAS_IOC_HANDOFF  the 2007 scenario with a real driver as the new owner:
 *                   lazy alias, free, and watch the pages until the task's
 *                   next set_pages_array_wc/uc() (vgem's dumb buffers)
 *  mmap             map the buffer to user space WC/UC, as DRM does
 *
 * Interface: include/uapi/linux/page_alias_test.h.
 * Tests: tools/testing/selftests/page_alias/.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/kprobes.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/page_alias_check.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <uapi/linux/page_alias_test.h>

#include <asm/set_memory.h>
#include <asm/tlbflush.h>

struct palias_buf {
	struct mutex lock;		/* serializes ioctls and mmap */
	struct page **pages;
	u32 nr;
	u32 mode;
	struct palias_verdict verdict;
	struct palias_watch *handoff;	/* pages handed to another driver */
	struct page **keep;		/* ALIAS with PALIAS_ALIAS_KEEP */
	u32 keep_nr;
};

static int palias_check_count(u32 pages)
{
	if (!pages)
		return -EINVAL;
	if (pages > PALIAS_MAX_PAGES)
		return -E2BIG;
	return 0;
}

static bool palias_mode_valid(u32 mode)
{
	return mode == PALIAS_MODE_TTM_WC || mode == PALIAS_MODE_TTM_UC ||
	       mode == PALIAS_MODE_AGP_UC;
}

static bool palias_alias_valid(u32 alias)
{
	return alias >= PALIAS_ALIAS_VMAP && alias <= PALIAS_ALIAS_VFREE_ATOMIC;
}

static u32 palias_count_dirty(struct page **pages, u32 nr)
{
	u32 i, dirty = 0;

	for (i = 0; i < nr; i++)
		dirty += page_alias_check_pfn(page_to_pfn(pages[i])) > 0;
	return dirty;
}

/* Give the pages their caching, as TTM's pool or the AGP code would. */
static int palias_set_caching(struct page **pages, u32 nr, u32 mode)
{
	u32 i;
	int ret;

	switch (mode) {
	case PALIAS_MODE_TTM_WC:
		return set_pages_array_wc(pages, nr);
	case PALIAS_MODE_TTM_UC:
		return set_pages_array_uc(pages, nr);
	case PALIAS_MODE_AGP_UC:
		/* agp_generic_alloc_page(): one page at a time */
		for (i = 0; i < nr; i++) {
			ret = set_memory_uc((unsigned long)page_address(pages[i]), 1);
			if (ret) {
				while (i--)
					set_memory_wb((unsigned long)page_address(pages[i]), 1);
				return ret;
			}
		}
		return 0;
	}
	return -EINVAL;
}

static void palias_set_wb(struct page **pages, u32 nr, u32 mode)
{
	u32 i;

	if (mode == PALIAS_MODE_AGP_UC) {
		for (i = 0; i < nr; i++)
			set_memory_wb((unsigned long)page_address(pages[i]), 1);
	} else {
		set_pages_array_wb(pages, nr);
	}
}

static void palias_free_pages(struct page **pages, u32 nr)
{
	u32 i;

	for (i = 0; i < nr; i++)
		if (pages[i])
			__free_page(pages[i]);
}

static struct page **palias_alloc_pages(u32 nr)
{
	struct page **pages;
	u32 i;

	pages = kvcalloc(nr, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return NULL;
	for (i = 0; i < nr; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		if (!pages[i]) {
			palias_free_pages(pages, i);
			kvfree(pages);
			return NULL;
		}
	}
	return pages;
}

/*
 * The oracle: what the TLB and the TLB flushes say, not the checker.
 *
 * The PTEs of an unmapped alias are gone, so a read through its address
 * succeeds only through a stale TLB entry of this CPU: that is how the
 * tests know an alias was live.  The scenario runs on one CPU, so only
 * that CPU's TLB holds the entry.  Kretprobes on the functions that flush
 * a CPU's TLB for kernel flushes (do_flush_tlb_all(), do_kernel_range_flush()
 * and CPA's __cpa_flush_all(), run on every CPU by on_each_cpu()) record,
 * for each watched alias page, whether this CPU's flush covering its
 * address returned while the page's direct map was still write-back: the
 * exact moment the entry is gone, and the task, pinned there, cannot change
 * the page meanwhile.  A kprobe on vm_unmap_aliases() counts the purges the
 * watching task does.  A flush the probes cannot see only makes the oracle
 * stricter.  The probes are armed at the first watched change.
 */
struct palias_watch {
	struct list_head node;		/* on palias_watches (RCU), armed */
	struct rcu_head rcu;
	struct task_struct *task;	/* whose purges count */
	int cpu;			/* whose TLB holds the alias */
	unsigned long va;		/* first address of the stale alias */
	u32 nr;				/* pages of the alias */
	struct page **owner;		/* alias page -> its page now, or NULL */
	unsigned long *live;		/* read through a stale TLB entry */
	unsigned long *flushed;		/* then covered while still WB */
	unsigned long *other;		/* ... first by another task's flush */
	u32 live_unmapped;
	u32 live_clean;
	u32 purges;
	u32 live_after_purge;		/* read after the first purge returned */
	bool purge_read;
	unsigned long missed;		/* probe misses when armed */
	bool watched;			/* the probes were armed */
	/* HANDOFF: the alias pages' pfns, and what their new owner's change saw */
	unsigned long *pfn;
	u32 reused, dirty_before;
	bool handoff, changed;
};

/*
 * Alias pages are filled through the alias, and their first word is a
 * cookie of their own pfn: a read through a stale address then says which
 * page it reached.
 */
#define PALIAS_COOKIE	0x5041545f00000000ULL	/* "PAT_" */

static void palias_fill_alias(void *addr, u32 nr)
{
	u32 i;

	memset(addr, 0xa5, (size_t)nr * PAGE_SIZE);
	for (i = 0; i < nr; i++) {
		void *p = addr + (size_t)i * PAGE_SIZE;

		*(u64 *)p = PALIAS_COOKIE ^ page_to_pfn(vmalloc_to_page(p));
	}
}

/*
 * @page's own bytes read through @addr although no PTE maps it: only a
 * stale TLB entry of @page translates it.  After a purge the address may
 * be vmapped again, by anyone: a present PTE then makes the read prove
 * nothing, and so does a read of other bytes than @page's (another
 * mapping came and went between the read and the PTE lookup).
 */
static bool palias_stale(unsigned long addr, struct page *page)
{
	u64 seen;

	if (copy_from_kernel_nofault(&seen, (void *)addr, sizeof(seen)) ||
	    vmalloc_to_page((void *)addr))
		return false;
	return seen == READ_ONCE(*(u64 *)page_address(page));
}

static void palias_watch_free_rcu(struct rcu_head *rcu)
{
	struct palias_watch *w = container_of(rcu, struct palias_watch, rcu);

	kvfree(w->owner);
	kvfree(w->pfn);
	bitmap_free(w->live);
	bitmap_free(w->flushed);
	bitmap_free(w->other);
	kfree(w);
}

/* The probe handlers may still be looking at @w: free it after them. */
static void palias_watch_free(struct palias_watch *w)
{
	if (w)
		call_rcu(&w->rcu, palias_watch_free_rcu);
}

/* A watch of @nr alias pages (0: only count purges). */
static struct palias_watch *palias_watch_new(u32 nr)
{
	struct palias_watch *w = kzalloc(sizeof(*w), GFP_KERNEL);

	if (!w)
		return NULL;
	INIT_LIST_HEAD(&w->node);
	w->task = current;
	w->cpu = -1;
	w->nr = nr;
	w->owner = kvcalloc(max(nr, 1U), sizeof(*w->owner), GFP_KERNEL);
	w->live = bitmap_zalloc(max(nr, 1U), GFP_KERNEL);
	w->flushed = bitmap_zalloc(max(nr, 1U), GFP_KERNEL);
	w->other = bitmap_zalloc(max(nr, 1U), GFP_KERNEL);
	if (!w->owner || !w->live || !w->flushed || !w->other) {
		palias_watch_free(w);
		return NULL;
	}
	return w;
}

/* Right after the lazy unmap of @va: how many alias pages still translate. */
static void palias_watch_unmapped(struct palias_watch *w, unsigned long va,
				  struct page **pages)
{
	u32 i;

	w->va = va;
	for (i = 0; i < w->nr; i++)
		w->live_unmapped += palias_stale(va + i * PAGE_SIZE, pages[i]);
}

/*
 * The oracle reads struct flush_tlb_info, which asm/tlbflush.h hides from
 * modules: a modular build (make bench loads one into the pristine kernel)
 * has no oracle, and the tests that need it skip.
 */
#if defined(CONFIG_KRETPROBES) && IS_BUILTIN(CONFIG_PAGE_ALIAS_TEST)
/*
 * The probe handlers run in int3 context, NMI-like: they take no lock.
 * They walk palias_watches under RCU and only set bits of a watch, and only
 * on the watch's own CPU; the lock orders the watchers' adds and removes.
 */
static LIST_HEAD(palias_watches);
static DEFINE_SPINLOCK(palias_watches_lock);
static DEFINE_MUTEX(palias_oracle_mutex);	/* arms the probes */
static bool palias_oracle_ok;		/* registered */
static bool palias_oracle_armed;
/* palias_purge_ret_probe is registered. */
static bool palias_purge_read_ok;

/*
 * Is @page's direct map still write-back?  PAT entry 0 is write-back in
 * every layout the kernel programs, so no cache bit may be set.
 */
static bool palias_direct_wb(struct page *page)
{
	unsigned long pat = _PAGE_PAT;
	unsigned int level;
	pte_t *pte;

	pte = lookup_address((unsigned long)page_address(page), &level);
	if (!pte || !pte_present(*pte))
		return false;
	if (level != PG_LEVEL_4K)
		pat = _PAGE_PAT_LARGE;
	return !(pte_flags(*pte) & (_PAGE_PWT | _PAGE_PCD | pat));
}

/*
 * This CPU's TLB flush of [@start, @end) returned: which live pages it
 * covered.  In an IPI it was another CPU's flush.
 */
static void palias_watch_cover(struct palias_watch *w, unsigned long start,
			       unsigned long end)
{
	bool other = in_hardirq() || current != w->task;
	unsigned long va;
	u32 i;

	if (w->cpu != smp_processor_id())
		return;
	for_each_set_bit(i, w->live, w->nr) {
		va = w->va + i * PAGE_SIZE;
		if (va < start || va + PAGE_SIZE > end || test_bit(i, w->flushed))
			continue;
		if (!palias_direct_wb(w->owner[i]))
			continue;
		set_bit(i, w->flushed);
		if (other)
			set_bit(i, w->other);
	}
}

static void palias_oracle_flushed(unsigned long start, unsigned long end)
{
	struct palias_watch *w;

	rcu_read_lock();
	list_for_each_entry_rcu(w, &palias_watches, node)
		palias_watch_cover(w, start, end);
	rcu_read_unlock();
}

struct palias_range {
	unsigned long start, end;
};

/* do_kernel_range_flush(info): the range of this CPU's flush. */
static int palias_range_entry(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	const struct flush_tlb_info *info =
		(void *)regs_get_kernel_argument(regs, 0);
	struct palias_range *r = (struct palias_range *)ri->data;

	r->start = info->start;
	r->end = info->end;
	return 0;
}

static int palias_range_done(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	struct palias_range *r = (struct palias_range *)ri->data;

	palias_oracle_flushed(r->start, r->end);
	return 0;
}

static int palias_all_done(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	palias_oracle_flushed(0, TLB_FLUSH_ALL);
	return 0;
}

static int palias_purge_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct palias_watch *w;

	rcu_read_lock();
	list_for_each_entry_rcu(w, &palias_watches, node)
		if (current == w->task)
			w->purges++;	/* only its own task writes it */
	rcu_read_unlock();
	return 0;
}

/*
 * The watching task's first vm_unmap_aliases() returned: vmalloc says no
 * lazy alias is left.  Which live pages still translate through their old
 * address?  (Before 6.5, those of a fully used vmap_block did.)
 */
static int palias_purge_done(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	struct palias_watch *w;
	u32 i;

	rcu_read_lock();
	list_for_each_entry_rcu(w, &palias_watches, node) {
		if (current != w->task || w->cpu != smp_processor_id() ||
		    w->purge_read)
			continue;
		w->purge_read = true;
		for_each_set_bit(i, w->live, w->nr) {
			unsigned long va = w->va + i * PAGE_SIZE;

			w->live_after_purge += palias_stale(va, w->owner[i]);
		}
	}
	rcu_read_unlock();
	return 0;
}

/*
 * Every CPU runs these at once for each kernel flush, and a kretprobe
 * instance is reused only later: enough instances that none is missed.
 */
#define PALIAS_PROBE_INSTANCES	256

static struct kretprobe palias_range_probe = {
	.kp.symbol_name = "do_kernel_range_flush",
	.kp.flags = KPROBE_FLAG_DISABLED,
	.maxactive = PALIAS_PROBE_INSTANCES,
	.entry_handler = palias_range_entry,
	.handler = palias_range_done,
	.data_size = sizeof(struct palias_range),
};

static struct kretprobe palias_all_probe = {
	.kp.symbol_name = "do_flush_tlb_all",
	.kp.flags = KPROBE_FLAG_DISABLED,
	.maxactive = PALIAS_PROBE_INSTANCES,
	.handler = palias_all_done,
};

/* CPA's flush of caches and TLB on every CPU (no CLFLUSH, errors). */
static struct kretprobe palias_cpa_all_probe = {
	.kp.symbol_name = "__cpa_flush_all",
	.kp.flags = KPROBE_FLAG_DISABLED,
	.maxactive = PALIAS_PROBE_INSTANCES,
	.handler = palias_all_done,
};

static struct kprobe palias_purge_probe = {
	.symbol_name = "vm_unmap_aliases",
	.flags = KPROBE_FLAG_DISABLED,
	.pre_handler = palias_purge_pre,
};

/* Registered (armed) on first use: palias_oracle_arm_purge_read(). */
static struct kretprobe palias_purge_ret_probe = {
	.kp.symbol_name = "vm_unmap_aliases",
	.maxactive = PALIAS_PROBE_INSTANCES,
	.handler = palias_purge_done,
};

/* Another driver's attribute change of handed-off pages; see below. */
static int palias_change_pre(struct kprobe *kp, struct pt_regs *regs);

static struct kprobe palias_wc_probe = {
	.symbol_name = "set_pages_array_wc",
	.flags = KPROBE_FLAG_DISABLED,
	.pre_handler = palias_change_pre,
};

static struct kprobe palias_uc_probe = {
	.symbol_name = "set_pages_array_uc",
	.flags = KPROBE_FLAG_DISABLED,
	.pre_handler = palias_change_pre,
};

static unsigned long palias_oracle_missed(void)
{
	return palias_range_probe.nmissed + palias_range_probe.kp.nmissed +
	       palias_all_probe.nmissed + palias_all_probe.kp.nmissed +
	       palias_cpa_all_probe.nmissed + palias_cpa_all_probe.kp.nmissed +
	       palias_purge_probe.nmissed + palias_wc_probe.nmissed +
	       palias_uc_probe.nmissed + palias_purge_ret_probe.nmissed +
	       palias_purge_ret_probe.kp.nmissed;
}

/*
 * Armed at the first watched change and left armed: arming takes the CPU
 * hotplug lock, which a task pinned to its CPU must not wait for, and a
 * flush that entered before arming would go unseen.  Boots that watch
 * nothing (benchmarks) never pay for the probes.
 */
static void palias_oracle_arm(void)
{
	int ret;

	mutex_lock(&palias_oracle_mutex);
	if (palias_oracle_ok && !palias_oracle_armed) {
		ret = enable_kretprobe(&palias_range_probe) ?:
		      enable_kretprobe(&palias_all_probe) ?:
		      enable_kretprobe(&palias_cpa_all_probe) ?:
		      enable_kprobe(&palias_purge_probe) ?:
		      enable_kprobe(&palias_wc_probe) ?:
		      enable_kprobe(&palias_uc_probe);
		if (ret)
			pr_warn_once("no flush oracle: cannot arm the probes (%d)\n",
				     ret);
		else
			WRITE_ONCE(palias_oracle_armed, true);
	}
	mutex_unlock(&palias_oracle_mutex);
}

/*
 * The read after the first purge: registered and armed only by the
 * scenario that needs it (vmap_block_full), so that the other runs probe
 * vm_unmap_aliases() exactly as before.
 */
static void palias_oracle_arm_purge_read(void)
{
	int ret;

	mutex_lock(&palias_oracle_mutex);
	if (palias_oracle_ok && !palias_purge_read_ok) {
		ret = register_kretprobe(&palias_purge_ret_probe);
		if (ret)
			pr_warn_once("cannot arm the purge read probe (%d)\n", ret);
		else
			palias_purge_read_ok = true;
	}
	mutex_unlock(&palias_oracle_mutex);
}

/*
 * Is alias page @i still live?  The checker's word first: a page it calls
 * clean and that still translates afterwards was live when it said so.
 * The read is with interrupts off: this CPU's flush (an IPI, or a call by
 * this task) cannot come between it and the live bit, so it is seen.
 */
static void palias_watch_read(struct palias_watch *w, u32 i)
{
	bool clean = !page_alias_check_pfn(page_to_pfn(w->owner[i]));
	unsigned long flags;

	local_irq_save(flags);
	if (palias_stale(w->va + i * PAGE_SIZE, w->owner[i])) {
		set_bit(i, w->live);
		if (clean)
			w->live_clean++;
	}
	local_irq_restore(flags);
}

/* Watch @w's pages from now on; read them through their old addresses. */
static void palias_watch_start(struct palias_watch *w)
{
	u32 i;

	if (!READ_ONCE(palias_oracle_armed))
		return;
	w->watched = true;
	/* SEED pins the caller; ALLOC watches no alias, only purges. */
	w->cpu = raw_smp_processor_id();
	w->missed = palias_oracle_missed();
	spin_lock(&palias_watches_lock);
	list_add_rcu(&w->node, &palias_watches);
	spin_unlock(&palias_watches_lock);

	for (i = 0; i < w->nr; i++)
		if (w->owner[i])
			palias_watch_read(w, i);
}

static void palias_watch_stop(struct palias_watch *w)
{
	if (!w->watched)
		return;
	spin_lock(&palias_watches_lock);
	list_del_rcu(&w->node);
	spin_unlock(&palias_watches_lock);
	w->missed = palias_oracle_missed() - w->missed;
}

/*
 * The first set_pages_array_wc/uc(@pages, @nr) of a handoff watch's task on
 * its CPU: which of the pages were handed off (pfn), whether the checker
 * calls them dirty, and whether they still translate through the old alias.
 */
static void palias_handoff_change(struct palias_watch *w, struct page **pages,
				  int nr)
{
	unsigned long pfn;
	int i;
	u32 j;

	w->changed = true;
	for (i = 0; i < nr; i++) {
		pfn = page_to_pfn(pages[i]);
		for (j = 0; j < w->nr; j++) {
			if (w->owner[j] || w->pfn[j] != pfn)
				continue;
			w->owner[j] = pages[i];
			w->reused++;
			w->dirty_before += page_alias_check_pfn(pfn) > 0;
			palias_watch_read(w, j);
			break;
		}
	}
}

static int palias_change_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct page **pages = (void *)regs_get_kernel_argument(regs, 0);
	int nr = regs_get_kernel_argument(regs, 1);
	struct palias_watch *w;

	rcu_read_lock();
	list_for_each_entry_rcu(w, &palias_watches, node)
		if (w->handoff && !w->changed && w->task == current &&
		    w->cpu == smp_processor_id())
			palias_handoff_change(w, pages, nr);
	rcu_read_unlock();
	return 0;
}

static void palias_oracle_init(void)
{
	int ret;

	ret = register_kretprobe(&palias_range_probe);
	if (ret)
		goto fail;
	ret = register_kretprobe(&palias_all_probe);
	if (ret)
		goto fail_range;
	ret = register_kretprobe(&palias_cpa_all_probe);
	if (ret)
		goto fail_all;
	ret = register_kprobe(&palias_purge_probe);
	if (ret)
		goto fail_cpa_all;
	ret = register_kprobe(&palias_wc_probe);
	if (ret)
		goto fail_purge;
	ret = register_kprobe(&palias_uc_probe);
	if (ret)
		goto fail_wc;
	palias_oracle_ok = true;
	return;
fail_wc:
	unregister_kprobe(&palias_wc_probe);
fail_purge:
	unregister_kprobe(&palias_purge_probe);
fail_cpa_all:
	unregister_kretprobe(&palias_cpa_all_probe);
fail_all:
	unregister_kretprobe(&palias_all_probe);
fail_range:
	unregister_kretprobe(&palias_range_probe);
fail:
	pr_warn("no flush oracle: cannot probe the TLB flush functions (%d)\n", ret);
}

static void palias_oracle_exit(void)
{
	if (!palias_oracle_ok)
		return;
	if (palias_purge_read_ok)
		unregister_kretprobe(&palias_purge_ret_probe);
	unregister_kprobe(&palias_uc_probe);
	unregister_kprobe(&palias_wc_probe);
	unregister_kprobe(&palias_purge_probe);
	unregister_kretprobe(&palias_cpa_all_probe);
	unregister_kretprobe(&palias_all_probe);
	unregister_kretprobe(&palias_range_probe);
	rcu_barrier();	/* palias_watch_free_rcu() is ours */
}
#else
static void palias_oracle_arm(void) { }
static void palias_oracle_arm_purge_read(void) { }
static void palias_watch_start(struct palias_watch *w) { }
static void palias_watch_stop(struct palias_watch *w) { }
static void palias_oracle_init(void) { }
static void palias_oracle_exit(void) { }
#endif /* CONFIG_KRETPROBES && IS_BUILTIN(CONFIG_PAGE_ALIAS_TEST) */

/* The oracle's columns of the verdict. */
static void palias_watch_verdict(const struct palias_watch *w,
				 struct palias_verdict *v)
{
	u32 i;

	v->oracle = w->watched;
	v->live_unmapped = w->live_unmapped;
	v->live = bitmap_weight(w->live, w->nr);
	v->live_clean = w->live_clean;
	v->purges = w->purges;
	v->live_after_purge = w->live_after_purge;
	v->alias_page = (w->va >> PAGE_SHIFT) & 0xffff;
	v->missed = min_t(unsigned long, w->missed, U32_MAX);
	for (i = 0; i < w->nr; i++) {
		if (!test_bit(i, w->live) || !test_bit(i, w->flushed))
			continue;
		v->flushed++;
		v->flushed_other += test_bit(i, w->other);
	}
}

/* Caching done, verdict taken: the buffer belongs to the file now. */
static int palias_install(struct palias_buf *buf, struct page **pages, u32 nr,
			  u32 mode, u32 reused, struct palias_watch *w)
{
	int ret;

	buf->verdict = (struct palias_verdict) {
		.pages = nr,
		.reused = reused,
		.dirty_before = palias_count_dirty(pages, nr),
		.checker = page_alias_check_active(),
	};
	palias_watch_start(w);
	ret = palias_set_caching(pages, nr, mode);
	palias_watch_stop(w);
	palias_watch_verdict(w, &buf->verdict);
	if (ret) {
		palias_free_pages(pages, nr);
		kvfree(pages);
		return ret;
	}
	buf->verdict.dirty_after = palias_count_dirty(pages, nr);
	buf->pages = pages;
	buf->nr = nr;
	buf->mode = mode;
	return 0;
}

/* Pages for a new buffer of @nr pages, or an ERR_PTR(). */
static struct page **palias_new_pages(struct palias_buf *buf, u32 nr)
{
	struct page **pages;
	int ret;

	ret = palias_check_count(nr);
	if (ret)
		return ERR_PTR(ret);
	if (buf->pages)
		return ERR_PTR(-EBUSY);
	pages = palias_alloc_pages(nr);
	return pages ?: ERR_PTR(-ENOMEM);
}

static int palias_ioc_alloc(struct palias_buf *buf,
			    const struct palias_alloc *req)
{
	struct palias_watch *w;
	struct page **pages;
	int ret;

	if (!palias_mode_valid(req->mode) || req->flags || req->pad)
		return -EINVAL;
	pages = palias_new_pages(buf, req->pages);
	if (IS_ERR(pages))
		return PTR_ERR(pages);
	w = palias_watch_new(0);
	if (!w) {
		palias_free_pages(pages, req->pages);
		kvfree(pages);
		return -ENOMEM;
	}
	palias_oracle_arm();
	ret = palias_install(buf, pages, req->pages, req->mode, 0, w);
	palias_watch_free(w);
	return ret;
}

static void palias_release_buf(struct palias_buf *buf)
{
	if (!buf->pages)
		return;
	palias_set_wb(buf->pages, buf->nr, buf->mode);
	palias_free_pages(buf->pages, buf->nr);
	kvfree(buf->pages);
	buf->pages = NULL;
	buf->nr = 0;
}

/*
 * Wait until only our reference is left (vfree_atomic() is deferred to a
 * worker on this CPU).  Poll rather than sleep: the stale entry must still
 * be in this CPU's TLB when the worker is done, and every millisecond of
 * waiting is a chance for a purge (the worker's vfree() may queue one) or,
 * under QEMU's TCG, a switch to a user mm that drops the whole TLB.
 */
static int palias_wait_sole_ref(struct page **pages, u32 nr)
{
	unsigned long timeout = jiffies + 2 * HZ;
	u32 i;

	for (i = 0; i < nr; i++) {
		while (page_ref_count(pages[i]) > 1) {
			if (time_after(jiffies, timeout))
				return -ETIMEDOUT;
			cond_resched();
			cpu_relax();
		}
	}
	return 0;
}

/* vfree_atomic() is not exported: a module gets vfree() instead. */
static void palias_vfree_atomic(const void *addr)
{
#if IS_BUILTIN(CONFIG_PAGE_ALIAS_TEST)
	vfree_atomic(addr);
#endif
}

/*
 * Map @pages through a lazily unmapped kernel alias, write through it and
 * tear it down.  Returns with the pages still referenced by the caller and
 * the alias's old address in @va.
 */
static int palias_make_alias(struct page **pages, u32 nr, u32 alias,
			     unsigned long *va)
{
	void *addr;
	u32 i;

	switch (alias) {
	case PALIAS_ALIAS_VMAP:
		addr = vmap(pages, nr, VM_MAP, PAGE_KERNEL);
		if (!addr)
			return -ENOMEM;
		palias_fill_alias(addr, nr);
		vunmap(addr);
		*va = (unsigned long)addr;
		return 0;
	case PALIAS_ALIAS_VM_MAP_RAM:
		addr = vm_map_ram(pages, nr, NUMA_NO_NODE);
		if (!addr)
			return -ENOMEM;
		palias_fill_alias(addr, nr);
		vm_unmap_ram(addr, nr);
		*va = (unsigned long)addr;
		return 0;
	case PALIAS_ALIAS_VMALLOC:
	case PALIAS_ALIAS_VFREE_ATOMIC:
		addr = vmalloc((size_t)nr * PAGE_SIZE);
		if (!addr)
			return -ENOMEM;
		palias_fill_alias(addr, nr);
		/* Swap in vmalloc's pages; ours go back now. */
		palias_free_pages(pages, nr);
		for (i = 0; i < nr; i++) {
			pages[i] = vmalloc_to_page(addr + (size_t)i * PAGE_SIZE);
			get_page(pages[i]);
		}
		if (alias == PALIAS_ALIAS_VMALLOC || !IS_BUILTIN(CONFIG_PAGE_ALIAS_TEST))
			vfree(addr);
		else
			palias_vfree_atomic(addr);
		*va = (unsigned long)addr;
		return palias_wait_sole_ref(pages, nr);
	}
	return -EINVAL;
}

/*
 * mm/vmalloc.c's vmap_block on x86-64: VMAP_BBMAP_BITS pages (its maximum;
 * the vmalloc space is large enough), aligned to its size.  vm_map_ram()
 * of up to VMAP_MAX_ALLOC (BITS_PER_LONG) pages takes a power-of-two chunk
 * from the first block on this CPU's free list with room, in address
 * order; a new block hands out its first chunk.
 */
#define PALIAS_VMAP_BLOCK_PAGES	1024UL
#define PALIAS_VMAP_BLOCK_SIZE	(PALIAS_VMAP_BLOCK_PAGES * PAGE_SIZE)

/* The chunks of a PALIAS_ALIAS_VMAP_BLOCK_FULL alias that stay mapped. */
struct palias_fill {
	struct page *page;	/* the filler: every page of the other chunks */
	void **addr;		/* mapped chunks, NULL once unmapped */
	u32 n, nr;		/* chunks, pages per chunk */
};

static void palias_fill_end(struct palias_fill *f)
{
	u32 i;

	for (i = 0; i < f->n; i++)
		if (f->addr[i])
			vm_unmap_ram(f->addr[i], f->nr);
	kfree(f->addr);
	if (f->page)
		__free_page(f->page);
	memset(f, 0, sizeof(*f));
}

/*
 * vm_map_ram() chunks of @nr pages on this CPU until a new vmap_block
 * starts, then fill that block: the chunk in its middle maps @pages and
 * is written, every other chunk the filler page.  Then vm_unmap_ram() of
 * @pages' chunk: a lazy alias in a block with no free space left.  The
 * addresses prove the block is all ours: -EAGAIN if another vm_map_ram()
 * on this CPU took part of it.  A purge first: with no lazy area and no
 * other dirty block left, the change's own purge has nothing else to
 * flush (on a busy system, its flush may cover the block by chance).
 */
static int palias_fill_block(struct page **pages, u32 nr, struct palias_fill *f,
			     unsigned long *va)
{
	u32 chunk = roundup_pow_of_two(nr), slots, max, i, k = 0, ours = 0;
	unsigned long block = 0, a;
	struct page **filler;
	void *addr;
	int ret = -EAGAIN;

	if (nr > BITS_PER_LONG)
		return -EINVAL;
	slots = PALIAS_VMAP_BLOCK_PAGES / chunk;
	/* Room for the rest of a partly used block, and a whole new one. */
	max = 2 * slots + 1;
	f->nr = nr;
	f->addr = kcalloc(max, sizeof(*f->addr), GFP_KERNEL);
	f->page = alloc_page(GFP_KERNEL);
	filler = kcalloc(nr, sizeof(*filler), GFP_KERNEL);
	if (!f->addr || !f->page || !filler) {
		kfree(filler);
		palias_fill_end(f);
		return -ENOMEM;
	}
	for (i = 0; i < nr; i++)
		filler[i] = f->page;
	vm_unmap_aliases();
	for (i = 0; i < max; i++) {
		bool mine = block && k == slots / 2;

		addr = vm_map_ram(mine ? pages : filler, nr, NUMA_NO_NODE);
		if (!addr) {
			ret = -ENOMEM;
			break;
		}
		a = (unsigned long)addr;
		f->addr[f->n++] = addr;
		if (mine) {
			palias_fill_alias(addr, nr);
			ours = f->n - 1;
		}
		if (!block) {
			if (!(a & (PALIAS_VMAP_BLOCK_SIZE - 1))) {
				block = a;
				k = 1;
			}
			continue;
		}
		if (a != block + (unsigned long)k * chunk * PAGE_SIZE)
			break;		/* someone else's chunk came between */
		if (++k == slots) {
			ret = 0;
			break;
		}
	}
	kfree(filler);
	if (ret) {
		palias_fill_end(f);
		return ret;
	}
	*va = (unsigned long)f->addr[ours];
	vm_unmap_ram(f->addr[ours], nr);
	f->addr[ours] = NULL;
	return 0;
}

/* ALIAS with PALIAS_ALIAS_KEEP: a lazy alias of the file's own pages. */
static int palias_alias_keep(struct palias_buf *buf,
			     const struct palias_alias_req *req)
{
	unsigned long va;
	int ret = -EINVAL;

	if (req->alias != PALIAS_ALIAS_VMAP &&
	    req->alias != PALIAS_ALIAS_VM_MAP_RAM)
		return -EINVAL;
	mutex_lock(&buf->lock);
	if (!buf->keep) {
		buf->keep = palias_alloc_pages(req->pages);
		buf->keep_nr = buf->keep ? req->pages : 0;
	}
	if (!buf->keep)
		ret = -ENOMEM;
	else if (req->pages <= buf->keep_nr)
		ret = palias_make_alias(buf->keep, req->pages, req->alias, &va);
	mutex_unlock(&buf->lock);
	return ret;
}

static void palias_free_keep(struct palias_buf *buf)
{
	if (!buf->keep)
		return;
	palias_free_pages(buf->keep, buf->keep_nr);
	kvfree(buf->keep);
	buf->keep = NULL;
}

static int palias_ioc_alias(struct palias_buf *buf, void __user *uarg)
{
	struct palias_alias_req req;
	struct page **pages;
	unsigned long va;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	ret = palias_check_count(req.pages);
	if (ret)
		return ret;
	if (!palias_alias_valid(req.alias) ||
	    (req.flags & ~PALIAS_ALIAS_KEEP) || req.pad)
		return -EINVAL;
	if (req.flags & PALIAS_ALIAS_KEEP)
		return palias_alias_keep(buf, &req);
	pages = palias_alloc_pages(req.pages);
	if (!pages)
		return -ENOMEM;
	ret = palias_make_alias(pages, req.pages, req.alias, &va);
	palias_free_pages(pages, req.pages);
	kvfree(pages);
	return ret;
}

/*
 * Free the aliased pages and allocate as many again on this CPU: the
 * per-cpu free lists hand the most recently freed pages straight back.
 * @owner[j] becomes the new page that is old page j (by pfn), or NULL.
 */
static int palias_realloc(struct page **pages, u32 nr, struct page **owner,
			  u32 *reused)
{
	unsigned long *old;
	u32 i, j;

	old = kvcalloc(nr, sizeof(*old), GFP_KERNEL);
	if (!old) {
		palias_free_pages(pages, nr);
		return -ENOMEM;
	}
	migrate_disable();
	for (i = 0; i < nr; i++) {
		old[i] = page_to_pfn(pages[i]);
		__free_page(pages[i]);
		pages[i] = NULL;
	}
	for (i = 0; i < nr; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		if (!pages[i])
			break;
	}
	migrate_enable();
	*reused = 0;
	for (i = 0; i < nr && pages[i]; i++)
		for (j = 0; j < nr; j++)
			if (page_to_pfn(pages[i]) == old[j]) {
				owner[j] = pages[i];
				(*reused)++;
				break;
			}
	kvfree(old);
	if (i < nr) {
		palias_free_pages(pages, i);
		return -ENOMEM;
	}
	return 0;
}

/* One seed: alias, free, reallocate and change @req's pages, watched. */
static int palias_seed_run(struct palias_buf *buf,
			   const struct palias_seed *req)
{
	bool full = req->alias == PALIAS_ALIAS_VMAP_BLOCK_FULL;
	struct palias_fill fill = {};
	struct palias_watch *w;
	struct page **pages;
	unsigned long va;
	u32 reused;
	int ret;

	pages = palias_new_pages(buf, req->pages);
	if (IS_ERR(pages))
		return PTR_ERR(pages);
	w = palias_watch_new(req->pages);
	if (!w) {
		palias_free_pages(pages, req->pages);
		kvfree(pages);
		return -ENOMEM;
	}
	palias_oracle_arm();
	if (full)
		palias_oracle_arm_purge_read();
	migrate_disable();
	if (full)
		ret = palias_fill_block(pages, req->pages, &fill, &va);
	else
		ret = palias_make_alias(pages, req->pages, req->alias, &va);
	if (!ret) {
		palias_watch_unmapped(w, va, pages);
		ret = palias_realloc(pages, req->pages, w->owner, &reused);
	} else {
		palias_free_pages(pages, req->pages);
	}
	if (ret)
		kvfree(pages);
	else
		ret = palias_install(buf, pages, req->pages, req->mode, reused,
				     w);
	migrate_enable();
	/* The block stayed full until the change was done. */
	if (full)
		palias_fill_end(&fill);
	palias_watch_free(w);
	return ret;
}

/*
 * Hold @pages of vmalloc space, unmapped, so that the next vmap() lands
 * elsewhere.  Whether a stale TLB entry survives the unmap may depend on
 * the address (under TCG, entries are evicted by index): a retry moves it.
 */
static struct vm_struct *palias_spacer_get(u32 pages)
{
	struct vm_struct *area;

	if (!pages)
		return NULL;
	/* Not exported: a module (make bench, pristine tree) holds none. */
	if (!IS_BUILTIN(CONFIG_PAGE_ALIAS_TEST))
		return ERR_PTR(-EOPNOTSUPP);
	area = get_vm_area((unsigned long)pages << PAGE_SHIFT, VM_MAP);
	return area ?: ERR_PTR(-ENOMEM);
}

/*
 * The stale TLB entries the oracle reads through belong to this CPU: the
 * whole scenario runs on it.
 */
static int palias_ioc_seed(struct palias_buf *buf,
			   const struct palias_seed *req)
{
	bool full = req->alias == PALIAS_ALIAS_VMAP_BLOCK_FULL;
	struct vm_struct *spacer;
	int ret;

	if ((!palias_alias_valid(req->alias) && !full) ||
	    !palias_mode_valid(req->mode) || req->flags)
		return -EINVAL;
	if ((full && req->pages > BITS_PER_LONG) ||
	    req->spacer > PALIAS_MAX_SPACER)
		return -E2BIG;
	spacer = palias_spacer_get(req->spacer);
	if (IS_ERR(spacer))
		return PTR_ERR(spacer);
	ret = palias_seed_run(buf, req);
	if (spacer)
		free_vm_area(spacer);
	return ret;
}

/*
 * Make a lazy alias of fresh pages on this CPU, free them and watch them:
 * the caller, pinned here, hands them to another driver by allocating
 * right away (the per-cpu free lists give them back first).
 */
static int palias_ioc_handoff(struct palias_buf *buf,
			      const struct palias_handoff *req)
{
	struct palias_watch *w;
	struct page **pages;
	unsigned long va;
	u32 i;
	int ret;

	if (!palias_alias_valid(req->alias) || req->flags || req->pad)
		return -EINVAL;
	if (buf->handoff)
		return -EBUSY;
	pages = palias_new_pages(buf, req->pages);
	if (IS_ERR(pages))
		return PTR_ERR(pages);
	w = palias_watch_new(req->pages);
	if (w)
		w->pfn = kvcalloc(req->pages, sizeof(*w->pfn), GFP_KERNEL);
	if (!w || !w->pfn) {
		palias_watch_free(w);
		palias_free_pages(pages, req->pages);
		kvfree(pages);
		return -ENOMEM;
	}
	w->handoff = true;
	palias_oracle_arm();
	migrate_disable();
	ret = palias_make_alias(pages, req->pages, req->alias, &va);
	if (!ret) {
		palias_watch_unmapped(w, va, pages);
		for (i = 0; i < req->pages; i++)
			w->pfn[i] = page_to_pfn(pages[i]);
		/* Owners are unknown yet: this reads nothing, only watches. */
		palias_watch_start(w);
		if (!w->watched)
			ret = -EOPNOTSUPP;	/* no oracle to judge with */
	}
	palias_free_pages(pages, req->pages);
	migrate_enable();
	kvfree(pages);
	if (ret) {
		palias_watch_free(w);
		return ret;
	}
	buf->handoff = w;
	return 0;
}

/* The handoff's verdict: the new owner must still hold the pages. */
static void palias_handoff_end(struct palias_buf *buf, bool verdict)
{
	struct palias_watch *w = buf->handoff;
	u32 j, dirty = 0;

	if (!w)
		return;
	palias_watch_stop(w);
	if (verdict) {
		for (j = 0; j < w->nr; j++)
			if (w->owner[j])
				dirty += page_alias_check_pfn(page_to_pfn(w->owner[j])) > 0;
		buf->verdict = (struct palias_verdict) {
			.pages = w->nr,
			.reused = w->reused,
			.dirty_before = w->dirty_before,
			.dirty_after = dirty,
			.checker = page_alias_check_active(),
		};
		palias_watch_verdict(w, &buf->verdict);
	}
	palias_watch_free(w);
	buf->handoff = NULL;
}

static int palias_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* What TTM does on a pool refill and release, timed round by round. */
static int palias_ioc_bench(void __user *uarg)
{
	struct palias_bench req;
	struct page **pages;
	u64 *ns, t0, sum = 0;
	u32 i;
	int ret = 0;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	ret = palias_check_count(req.pages);
	if (ret)
		return ret;
	if (!req.iters)
		return -EINVAL;
	if (req.iters > PALIAS_MAX_ITERS)
		return -E2BIG;
	ns = kvcalloc(req.iters, sizeof(*ns), GFP_KERNEL);
	pages = palias_alloc_pages(req.pages);
	if (!ns || !pages) {
		kvfree(ns);
		if (pages)
			palias_free_pages(pages, req.pages);
		kvfree(pages);
		return -ENOMEM;
	}
	for (i = 0; i < req.iters && !ret; i++) {
		t0 = ktime_get_ns();
		ret = set_pages_array_wc(pages, req.pages);
		if (!ret)
			ret = set_pages_array_wb(pages, req.pages);
		ns[i] = ktime_get_ns() - t0;
		sum += ns[i];
		cond_resched();
	}
	if (!ret) {
		sort(ns, req.iters, sizeof(*ns), palias_cmp_u64, NULL);
		req.median_ns = ns[req.iters / 2];
		req.p99_ns = ns[min_t(u32, req.iters - 1, req.iters * 99 / 100)];
		req.mean_ns = div_u64(sum, req.iters);
		if (copy_to_user(uarg, &req, sizeof(req)))
			ret = -EFAULT;
	}
	palias_free_pages(pages, req.pages);
	kvfree(pages);
	kvfree(ns);
	return ret;
}

/* The live mappings of page 0, as the checker counts them (0: not built). */
static u32 palias_live_count(struct page *page)
{
	return page_alias_check_live(page_to_pfn(page), NULL);
}

/* TTM and its mistakes: caching and vmap() of the same pages. */
static int palias_live_caching(struct page **pages, u32 nr, u32 scenario,
			       u32 *mapped)
{
	bool wc_first = scenario != PALIAS_LIVE_WB_VMAP_THEN_WC;
	pgprot_t prot = PAGE_KERNEL;
	void *addr;
	int ret;

	if (scenario == PALIAS_LIVE_TTM_WC_VMAP ||
	    scenario == PALIAS_LIVE_WC_VMAP_THEN_WB)
		prot = pgprot_writecombine(PAGE_KERNEL);
	if (wc_first) {
		ret = set_pages_array_wc(pages, nr);
		if (ret)
			return ret;
	}
	addr = vmap(pages, nr, VM_MAP, prot);
	if (!addr) {
		ret = -ENOMEM;
		goto out_wb;
	}
	*mapped = palias_live_count(pages[0]);
	memset(addr, 0x3c, (size_t)nr * PAGE_SIZE);
	ret = 0;
	switch (scenario) {
	case PALIAS_LIVE_WB_VMAP_THEN_WC:
		/* The bug: the WB mapping is still there. */
		ret = set_pages_array_wc(pages, nr);
		set_pages_array_wb(pages, nr);
		break;
	case PALIAS_LIVE_WC_VMAP_THEN_WB:
		/* The bug: back to WB before the WC mapping is gone. */
		ret = set_pages_array_wb(pages, nr);
		wc_first = false;
		break;
	}
	vunmap(addr);
out_wb:
	if (wc_first)
		set_pages_array_wb(pages, nr);
	return ret;
}

/* vmap() the pages, free them while mapped (the bug), then vunmap(). */
static int palias_live_free_mapped(struct page **pages, u32 nr, u32 *mapped)
{
	void *addr = vmap(pages, nr, VM_MAP, PAGE_KERNEL);

	if (!addr)
		return -ENOMEM;
	*mapped = palias_live_count(pages[0]);
	palias_free_pages(pages, nr);
	memset(pages, 0, nr * sizeof(*pages));
	vunmap(addr);
	return 0;
}

/* VM_MAP_PUT_PAGES: vfree() unmaps, then frees the pages and the array. */
static int palias_live_put_pages(struct page **pages, u32 nr, u32 *mapped)
{
	void *addr = vmap(pages, nr, VM_MAP | VM_MAP_PUT_PAGES, PAGE_KERNEL);

	if (!addr)
		return -ENOMEM;
	*mapped = palias_live_count(pages[0]);
	memset(addr, 0x3c, (size_t)nr * PAGE_SIZE);
	vfree(addr);
	return 0;
}

static int palias_live_vmalloc(u32 nr, u32 *mapped)
{
	void *addr = vmalloc((size_t)nr * PAGE_SIZE);

	if (!addr)
		return -ENOMEM;
	*mapped = palias_live_count(vmalloc_to_page(addr));
	memset(addr, 0x3c, (size_t)nr * PAGE_SIZE);
	vfree(addr);
	return 0;
}

static int palias_ioc_live(struct palias_live_req *req)
{
	struct page **pages;
	int ret;

	ret = palias_check_count(req->pages);
	if (ret)
		return ret;
	if (req->scenario < PALIAS_LIVE_TTM_WC_VMAP ||
	    req->scenario > PALIAS_LIVE_VMALLOC || req->flags)
		return -EINVAL;
	req->mapped = 0;
	if (req->scenario == PALIAS_LIVE_VMALLOC)
		return palias_live_vmalloc(req->pages, &req->mapped);
	pages = palias_alloc_pages(req->pages);
	if (!pages)
		return -ENOMEM;
	switch (req->scenario) {
	case PALIAS_LIVE_FREE_MAPPED:
		ret = palias_live_free_mapped(pages, req->pages, &req->mapped);
		break;
	case PALIAS_LIVE_PUT_PAGES:
		ret = palias_live_put_pages(pages, req->pages, &req->mapped);
		if (!ret)
			return 0;	/* vfree() freed pages and array */
		break;
	default:
		ret = palias_live_caching(pages, req->pages, req->scenario,
					  &req->mapped);
	}
	palias_free_pages(pages, req->pages);
	kvfree(pages);
	return ret;
}

/*
 * User memory is only touched outside buf->lock: mmap() takes buf->lock
 * under mmap_lock, so a fault under buf->lock could deadlock.
 */
static long palias_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct palias_buf *buf = file->private_data;
	void __user *uarg = (void __user *)arg;
	struct palias_verdict verdict;
	union {
		struct palias_alloc alloc;
		struct palias_seed seed;
		struct palias_live_req live;
		struct palias_handoff handoff;
	} req;
	long ret;

	switch (cmd) {
	case PALIAS_IOC_ALIAS:
		return palias_ioc_alias(buf, uarg);
	case PALIAS_IOC_BENCH:
		return palias_ioc_bench(uarg);
	case PALIAS_IOC_LIVE:
		if (copy_from_user(&req.live, uarg, sizeof(req.live)))
			return -EFAULT;
		ret = palias_ioc_live(&req.live);
		if (!ret && copy_to_user(uarg, &req.live, sizeof(req.live)))
			ret = -EFAULT;
		return ret;
	case PALIAS_IOC_ALLOC:
		if (copy_from_user(&req.alloc, uarg, sizeof(req.alloc)))
			return -EFAULT;
		break;
	case PALIAS_IOC_SEED:
		if (copy_from_user(&req.seed, uarg, sizeof(req.seed)))
			return -EFAULT;
		break;
	case PALIAS_IOC_HANDOFF:
		if (copy_from_user(&req.handoff, uarg, sizeof(req.handoff)))
			return -EFAULT;
		break;
	case PALIAS_IOC_FREE:
	case PALIAS_IOC_VERDICT:
		break;
	default:
		return -ENOTTY;
	}

	mutex_lock(&buf->lock);
	switch (cmd) {
	case PALIAS_IOC_ALLOC:
		ret = palias_ioc_alloc(buf, &req.alloc);
		break;
	case PALIAS_IOC_SEED:
		ret = palias_ioc_seed(buf, &req.seed);
		break;
	case PALIAS_IOC_HANDOFF:
		ret = palias_ioc_handoff(buf, &req.handoff);
		break;
	case PALIAS_IOC_FREE:
		ret = buf->pages || buf->handoff ? 0 : -ENOENT;
		palias_handoff_end(buf, false);
		palias_release_buf(buf);
		break;
	default:
		palias_handoff_end(buf, true);
		verdict = buf->verdict;
		ret = 0;
	}
	mutex_unlock(&buf->lock);

	if (cmd == PALIAS_IOC_VERDICT &&
	    copy_to_user(uarg, &verdict, sizeof(verdict)))
		ret = -EFAULT;
	return ret;
}

/* Map the buffer with its own caching, as DRM maps WC buffers. */
static int palias_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct palias_buf *buf = file->private_data;
	unsigned long i, nr = vma_pages(vma);
	int ret = 0;

	mutex_lock(&buf->lock);
	if (!buf->pages || vma->vm_pgoff || nr > buf->nr) {
		ret = buf->pages ? -EINVAL : -ENOENT;
		goto out;
	}
	vm_flags_set(vma, VM_IO | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_page_prot = buf->mode == PALIAS_MODE_TTM_WC ?
			    pgprot_writecombine(vma->vm_page_prot) :
			    pgprot_noncached(vma->vm_page_prot);
	for (i = 0; i < nr && !ret; i++)
		ret = remap_pfn_range(vma, vma->vm_start + i * PAGE_SIZE,
				      page_to_pfn(buf->pages[i]), PAGE_SIZE,
				      vma->vm_page_prot);
out:
	mutex_unlock(&buf->lock);
	return ret;
}

static int palias_open(struct inode *inode, struct file *file)
{
	struct palias_buf *buf = kzalloc(sizeof(*buf), GFP_KERNEL);

	if (!buf)
		return -ENOMEM;
	mutex_init(&buf->lock);
	file->private_data = buf;
	return 0;
}

static int palias_release(struct inode *inode, struct file *file)
{
	struct palias_buf *buf = file->private_data;

	palias_handoff_end(buf, false);
	palias_release_buf(buf);
	palias_free_keep(buf);
	mutex_destroy(&buf->lock);
	kfree(buf);
	return 0;
}

static const struct file_operations palias_fops = {
	.owner = THIS_MODULE,
	.open = palias_open,
	.release = palias_release,
	.unlocked_ioctl = palias_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = palias_mmap,
};

#ifndef MODULE
/*
 * A lazy alias made before the checker is up: with DEFERRED_STRUCT_PAGE_INIT
 * page_ext (and the checker) come up after SMP and the early initcalls.  At
 * the first initcall after that, the oracle reads through it on the CPU
 * that made it: a live stale translation of a page the checker calls clean
 * is "MISSED" (scripts/guest/tests/boot.sh reads this line).
 */
static struct {
	struct page *page;
	unsigned long va;
	int cpu;
	bool live, checker;	/* when made */
} palias_early;

static int __init palias_early_alias(void)
{
	void *addr;

	palias_early.page = alloc_page(GFP_KERNEL);
	if (!palias_early.page)
		return 0;
	addr = vmap(&palias_early.page, 1, VM_MAP, PAGE_KERNEL);
	if (!addr) {
		__free_page(palias_early.page);
		palias_early.page = NULL;
		return 0;
	}
	/* Before SMP bring-up: only this CPU runs. */
	palias_early.cpu = raw_smp_processor_id();
	palias_fill_alias(addr, 1);
	vunmap(addr);
	palias_early.va = (unsigned long)addr;
	palias_early.live = palias_stale(palias_early.va, palias_early.page);
	palias_early.checker = page_alias_check_active();
	return 0;
}
early_initcall(palias_early_alias);

static void palias_early_read(void *live)
{
	*(bool *)live = palias_stale(palias_early.va, palias_early.page);
}

static int __init palias_early_verdict(void)
{
	bool live = false;
	int dirty;

	if (!palias_early.page)
		return 0;
	/* The checker's word first: still live afterwards means live then. */
	dirty = page_alias_check_pfn(page_to_pfn(palias_early.page));
	if (smp_call_function_single(palias_early.cpu, palias_early_read, &live,
				     1))
		pr_warn("alias from before the checker: CPU %d is gone\n",
			palias_early.cpu);
	pr_info("alias from before the checker (checker %s then, alias %s): stale translation %s, checker %s%s\n",
		palias_early.checker ? "on" : "off",
		palias_early.live ? "live" : "not live", live ? "live" : "gone",
		dirty ? "dirty" : "clean",
		live && !dirty && page_alias_check_active() ? ": MISSED" : "");
	if (live)
		vm_unmap_aliases();
	__free_page(palias_early.page);
	return 0;
}

/* The first initcall level after page_ext_init() (page_alloc_init_late()). */
core_initcall(palias_early_verdict);
#endif /* !MODULE */

static struct miscdevice palias_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "page_alias_test",
	.fops = &palias_fops,
	.mode = 0600,
};

static int __init palias_init(void)
{
	int ret;

	palias_oracle_init();
	ret = misc_register(&palias_misc);
	if (ret)
		palias_oracle_exit();
	return ret;
}
module_init(palias_init);

static void __exit palias_exit(void)
{
	misc_deregister(&palias_misc);
	palias_oracle_exit();
}
module_exit(palias_exit);

MODULE_DESCRIPTION("DRM/TTM- and AGP-like page caching test driver for page_alias_check");
MODULE_LICENSE("GPL");
