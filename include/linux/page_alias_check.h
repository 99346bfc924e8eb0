/* SPDX-License-Identifier: GPL-2.0 */
/*
 * page_alias_check: find stale, not yet TLB-flushed kernel mappings of a page
 * (left by lazy vunmap/vfree/vm_unmap_ram) before the page's cache attributes
 * change.  See Documentation/dev-tools/page_alias_check.rst.
 */
#ifndef _LINUX_PAGE_ALIAS_CHECK_H
#define _LINUX_PAGE_ALIAS_CHECK_H

#include <linux/jump_label.h>
#include <linux/pgtable.h>
#include <linux/types.h>
#include <linux/vmalloc.h>

struct page;

/**
 * enum page_alias_check_policy - what a check does when it finds an alias
 * @PAGE_ALIAS_CHECK_OFF: no check; behave as if the checker were not built
 *	(callers purge all lazy aliases unconditionally, as upstream does).
 * @PAGE_ALIAS_CHECK_PURGE: purge lazy aliases only when a page of the
 *	request still has one; skip the purge when all pages are clean.
 * @PAGE_ALIAS_CHECK_WARN: like @PAGE_ALIAS_CHECK_PURGE, and print a report
 *	for every request that found an alias.
 * @PAGE_ALIAS_CHECK_BUG: print the report, then BUG().
 */
enum page_alias_check_policy {
	PAGE_ALIAS_CHECK_OFF,
	PAGE_ALIAS_CHECK_PURGE,
	PAGE_ALIAS_CHECK_WARN,
	PAGE_ALIAS_CHECK_BUG,
};

/* A pfn_at() result that means "cannot tell": purge, do not report. */
#define PAGE_ALIAS_CHECK_PFN_UNKNOWN	ULONG_MAX

/**
 * enum page_alias_mode - cache mode of a mapping, as aliasing rules see it
 * @PAGE_ALIAS_MODE_UNKNOWN: cannot tell, or not a cache mode change
 * @PAGE_ALIAS_MODE_WB: write-back
 * @PAGE_ALIAS_MODE_WC: write-combining
 * @PAGE_ALIAS_MODE_UC: uncached (strong or minus: same for aliasing)
 * @PAGE_ALIAS_MODE_WT: write-through
 * @PAGE_ALIAS_MODE_WP: write-protected
 * @PAGE_ALIAS_MODE_MIXED: live mappings of a page disagree already
 */
enum page_alias_mode {
	PAGE_ALIAS_MODE_UNKNOWN = -1,
	PAGE_ALIAS_MODE_WB,
	PAGE_ALIAS_MODE_WC,
	PAGE_ALIAS_MODE_UC,
	PAGE_ALIAS_MODE_WT,
	PAGE_ALIAS_MODE_WP,
	PAGE_ALIAS_MODE_MIXED,
};

/**
 * enum page_alias_change - the change a checked request is about to make
 * @PAGE_ALIAS_CHANGE_OTHER: a caller without a purge of its own (page table
 *	pinning, remapping; page_alias_check_range()), and the default of a
 *	request that does not say: upstream would have left the alias in
 *	place, so finding one is a bug ("BUG:" report).
 * @PAGE_ALIAS_CHANGE_CACHE: change_page_attr() changes the cache mode (or
 *	any bit but permission, present and software bits, e.g. encryption).
 *	Upstream's vm_unmap_aliases() covers this case, so a lazy alias is a
 *	diagnostic (who hands out pages that still have one?), not a bug:
 *	reported without "BUG:" under "warn", BUG() under "bug".
 * @PAGE_ALIAS_CHANGE_PERM: change_page_attr() changes permission, present
 *	or software bits only (set_memory_ro/x/np, cpa-test): no cache
 *	attribute alias can form.  Purged when needed and counted; reported
 *	only with the debugfs switch report_permission.
 */
enum page_alias_change {
	PAGE_ALIAS_CHANGE_OTHER,
	PAGE_ALIAS_CHANGE_CACHE,
	PAGE_ALIAS_CHANGE_PERM,
};

/**
 * struct page_alias_check_req - a set of pages that must be alias-free
 * @reason: what is about to happen to the pages, for reports
 * @nr: number of pages
 * @pfn_at: returns the pfn of page @idx, or PAGE_ALIAS_CHECK_PFN_UNKNOWN
 * @describe: optional; writes the attribute change of page @pfn into @buf
 * @new_mode: optional; the cache mode page @idx (pfn @pfn) is about to get
 *	in the direct map, or PAGE_ALIAS_MODE_UNKNOWN if the request does not
 *	change it there.  Live kernel mappings of the page in another mode are
 *	reported as live aliases.
 * @change: what kind of change the pages are about to get; decides how a
 *	lazy alias found by the check is reported (see enum page_alias_change)
 * @data: caller's cookie for the callbacks
 */
struct page_alias_check_req {
	const char *reason;
	unsigned long nr;
	unsigned long (*pfn_at)(const struct page_alias_check_req *req,
				unsigned long idx);
	void (*describe)(const struct page_alias_check_req *req,
			 unsigned long pfn, char *buf, size_t len);
	enum page_alias_mode (*new_mode)(const struct page_alias_check_req *req,
					 unsigned long idx, unsigned long pfn);
	enum page_alias_change change;
	void *data;
};

#define PAGE_ALIAS_CHECK_BATCH	16

/*
 * Cleared PTEs of one page table walk, recorded PAGE_ALIAS_CHECK_BATCH at a
 * time so that the log lock and the unmap stack are taken once per batch
 * and once per walk, not once per PTE.  Lives on the walker's stack.
 */
struct page_alias_check_batch {
#ifdef CONFIG_PAGE_ALIAS_CHECK
	unsigned int nr;
	u32 stack;
	bool stack_saved;
	unsigned long addr[PAGE_ALIAS_CHECK_BATCH];
	unsigned long pfn[PAGE_ALIAS_CHECK_BATCH];
#endif
};

#ifdef CONFIG_PAGE_ALIAS_CHECK

DECLARE_STATIC_KEY_FALSE(page_alias_check_key);
DECLARE_STATIC_KEY_FALSE(page_alias_check_live_key);
extern struct page_ext_operations page_alias_check_ops;

void __page_alias_check_unmap(struct page_alias_check_batch *batch,
			      unsigned long addr, unsigned long pfn,
			      unsigned long nr_pages);
void __page_alias_check_unmap_record(struct page_alias_check_batch *batch);
unsigned long __page_alias_check_flush_begin(void);
void __page_alias_check_flush_end(unsigned long start, unsigned long end,
				  unsigned long seq);

void __page_alias_check_map_pages(struct page **pages, unsigned long nr,
				  pgprot_t prot);
void __page_alias_check_map_pfn(unsigned long addr, unsigned long pfn,
				unsigned long nr, pgprot_t prot, int err);
void __page_alias_check_free(struct page *page, unsigned int order);

/*
 * Architecture: the cache mode of @prot, and of @pfn's direct mapping.  The
 * weak defaults return PAGE_ALIAS_MODE_UNKNOWN (modes not checked).
 */
enum page_alias_mode arch_page_alias_mode(pgprot_t prot);
enum page_alias_mode arch_page_alias_direct_mode(unsigned long pfn);

bool page_alias_check_active(void);
int page_alias_check_live(unsigned long pfn, enum page_alias_mode *mode);
int page_alias_check_pfn(unsigned long pfn);
void page_alias_check_pages(const struct page_alias_check_req *req);
void page_alias_check_range(struct page *page, unsigned long nr,
			    const char *reason);

/*
 * Unconditional (two stores to the walker's stack): tracking may be resumed
 * at run time (page_alias_check_set_enabled()) in the middle of a walk, whose
 * later PTEs must then find an empty batch, not stack garbage.
 */
static inline void page_alias_check_unmap_begin(struct page_alias_check_batch *batch)
{
	batch->nr = 0;
	batch->stack_saved = false;
}

/* Append one cleared mapping to @batch, recording it first when full. */
static inline void __page_alias_check_batch_add(struct page_alias_check_batch *batch,
						unsigned long addr, unsigned long pfn)
{
	if (batch->nr == PAGE_ALIAS_CHECK_BATCH)
		__page_alias_check_unmap_record(batch);
	batch->addr[batch->nr] = addr;
	batch->pfn[batch->nr] = pfn;
	batch->nr++;
}

/*
 * A present kernel PTE mapping @addr was just cleared without a TLB flush.
 * Appended inline: the walk calls out once per batch, not once per PTE.
 */
static inline void page_alias_check_unmap_pte(struct page_alias_check_batch *batch,
					      unsigned long addr, pte_t old)
{
	if (static_branch_unlikely(&page_alias_check_key) && pte_present(old))
		__page_alias_check_batch_add(batch, addr, pte_pfn(old));
}

/* A huge leaf entry mapping [addr, addr + size) was just cleared. */
static inline void page_alias_check_unmap_leaf(struct page_alias_check_batch *batch,
					       unsigned long addr, unsigned long pfn,
					       unsigned long size)
{
	if (static_branch_unlikely(&page_alias_check_key))
		__page_alias_check_unmap(batch, addr, pfn, size >> PAGE_SHIFT);
}

static inline void page_alias_check_unmap_end(struct page_alias_check_batch *batch)
{
	if (static_branch_unlikely(&page_alias_check_key))
		__page_alias_check_unmap_record(batch);
}

/*
 * Live kernel mappings.  vmap(), vm_map_ram() and vmalloc() just mapped
 * @nr @pages with @prot: counted, and a cache mode other than the page's
 * direct-map mode is reported.
 */
static inline void page_alias_check_map_pages(struct page **pages,
					      unsigned long nr, pgprot_t prot)
{
	if (static_branch_unlikely(&page_alias_check_live_key))
		__page_alias_check_map_pages(pages, nr, prot);
}

/*
 * A physical range was mapped at @addr (ioremap, huge vmalloc): counted
 * only, since ioremap keeps the direct map in sync itself.  After a failure
 * (@err) only the pages that were mapped are counted: the caller unmaps,
 * and so counts down, exactly those.
 */
static inline void page_alias_check_map_pfn(unsigned long addr,
					    unsigned long pfn, unsigned long nr,
					    pgprot_t prot, int err)
{
	if (static_branch_unlikely(&page_alias_check_live_key))
		__page_alias_check_map_pfn(addr, pfn, nr, prot, err);
}

/* Pages go back to the buddy allocator: none may still be vmapped. */
static inline void page_alias_check_free(struct page *page, unsigned int order)
{
	if (static_branch_unlikely(&page_alias_check_live_key))
		__page_alias_check_free(page, order);
}

/*
 * Architecture hooks around a kernel TLB flush that reaches every CPU: call
 * _begin() before the flush is sent and _end() once it has completed on all
 * CPUs.  Only then are the stale translations recorded before _begin() known
 * to be gone, in the pages the flush reached: (0, TLB_FLUSH_ALL) for a full
 * flush, else the pages of start, start + PAGE_SIZE, ... below end (x86
 * steps by PAGE_SIZE from an unaligned start; an architecture that rounds
 * outward passes the rounded range).
 */
static inline unsigned long page_alias_check_flush_begin(void)
{
	if (static_branch_unlikely(&page_alias_check_key))
		return __page_alias_check_flush_begin();
	return 0;
}

static inline void page_alias_check_flush_end(unsigned long start,
					      unsigned long end,
					      unsigned long seq)
{
	if (static_branch_unlikely(&page_alias_check_key))
		__page_alias_check_flush_end(start, end, seq);
}

#else /* !CONFIG_PAGE_ALIAS_CHECK */

static inline void page_alias_check_unmap_begin(struct page_alias_check_batch *batch) { }
static inline void page_alias_check_unmap_pte(struct page_alias_check_batch *batch,
					      unsigned long addr, pte_t old) { }
static inline void page_alias_check_unmap_leaf(struct page_alias_check_batch *batch,
					       unsigned long addr, unsigned long pfn,
					       unsigned long size) { }
static inline void page_alias_check_unmap_end(struct page_alias_check_batch *batch) { }
static inline unsigned long page_alias_check_flush_begin(void) { return 0; }
static inline void page_alias_check_flush_end(unsigned long start,
					      unsigned long end,
					      unsigned long seq) { }
static inline void page_alias_check_map_pages(struct page **pages,
					      unsigned long nr, pgprot_t prot) { }
static inline void page_alias_check_map_pfn(unsigned long addr,
					    unsigned long pfn, unsigned long nr,
					    pgprot_t prot, int err) { }
static inline void page_alias_check_free(struct page *page, unsigned int order) { }
static inline bool page_alias_check_active(void) { return false; }
static inline int page_alias_check_live(unsigned long pfn,
					enum page_alias_mode *mode) { return 0; }
static inline int page_alias_check_pfn(unsigned long pfn) { return 0; }

static inline void page_alias_check_pages(const struct page_alias_check_req *req)
{
	vm_unmap_aliases();
}

static inline void page_alias_check_range(struct page *page, unsigned long nr,
					  const char *reason)
{
	vm_unmap_aliases();
}

#endif /* CONFIG_PAGE_ALIAS_CHECK */

#endif /* _LINUX_PAGE_ALIAS_CHECK_H */
