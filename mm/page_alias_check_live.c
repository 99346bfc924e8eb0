// SPDX-License-Identifier: GPL-2.0
/*
 * page_alias_check: live kernel mappings of a page and their cache mode.
 *
 * The unflushed count of page_alias_check.c catches stale aliases, the ones
 * lazy unmapping leaves in TLBs.  Two worse mistakes leave a live alias:
 *
 *  - the direct map of a page turns uncached or write-combining while a
 *    write-back vmap() of it still exists (or the other way round), or a
 *    page is vmapped in a mode other than its direct map's;
 *  - a page goes back to the buddy allocator while a vmap of it still
 *    exists: its next owner shares it with whoever uses the old mapping.
 *
 * Both are visible with one more page_ext word per page: the number of live
 * vmap/vmalloc/ioremap mappings and the cache mode they were made with.  The
 * count is raised when mm/vmalloc.c has installed the PTEs and dropped when
 * vunmap_pte_range() clears them, both from the same walks that the rest of
 * the checker hooks.  Mappings made before the checker was enabled are not
 * counted; their unmaps are ("live_unbalanced") and never go below zero.
 *
 * The count lives in the checker's page_ext record (struct pac_rec), so an
 * unmap updates both words after one lookup.  Off by default
 * (CONFIG_PAGE_ALIAS_CHECK_LIVE, page_alias_check_live=on|off): it costs 4
 * bytes per page and a lookup per page mapped and freed.
 */

#define pr_fmt(fmt) "page_alias_check: " fmt

#include <linux/mm.h>
#include <linux/page_alias_check.h>
#include <linux/page_ext.h>
#include <linux/stackdepot.h>
#include <linux/vmalloc.h>

#include "page_alias_check.h"

/* The live state word: mapping count in the low bits, mode above. */
#define PAC_LIVE_COUNT_BITS	24
#define PAC_LIVE_COUNT_MAX	((1U << PAC_LIVE_COUNT_BITS) - 1)
#define PAC_LIVE_MODE_MASK	0xfU

/* Enabled by the checker's page_ext init when pac_live is set. */
DEFINE_STATIC_KEY_FALSE(page_alias_check_live_key);

bool pac_live __initdata = IS_ENABLED(CONFIG_PAGE_ALIAS_CHECK_LIVE);

static int __init early_page_alias_check_live(char *buf)
{
	pac_bool_param("page_alias_check_live", buf, &pac_live);
	return 0;
}
early_param("page_alias_check_live", early_page_alias_check_live);

static const char *const pac_mode_names[] = {
	[PAGE_ALIAS_MODE_WB]	= "write-back",
	[PAGE_ALIAS_MODE_WC]	= "write-combining",
	[PAGE_ALIAS_MODE_UC]	= "uncached",
	[PAGE_ALIAS_MODE_WT]	= "write-through",
	[PAGE_ALIAS_MODE_WP]	= "write-protected",
	[PAGE_ALIAS_MODE_MIXED]	= "mixed",
};

const char *pac_mode_name(enum page_alias_mode mode)
{
	if (mode < 0 || mode >= ARRAY_SIZE(pac_mode_names))
		return "unknown";
	return pac_mode_names[mode];
}

enum page_alias_mode __weak arch_page_alias_mode(pgprot_t prot)
{
	return PAGE_ALIAS_MODE_UNKNOWN;
}

enum page_alias_mode __weak arch_page_alias_direct_mode(unsigned long pfn)
{
	return PAGE_ALIAS_MODE_UNKNOWN;
}

static unsigned int pac_live_count(int state)
{
	return state & PAC_LIVE_COUNT_MAX;
}

static enum page_alias_mode pac_live_mode(int state)
{
	unsigned int m = ((unsigned int)state >> PAC_LIVE_COUNT_BITS) &
			 PAC_LIVE_MODE_MASK;

	return m == PAC_LIVE_MODE_MASK ? PAGE_ALIAS_MODE_UNKNOWN : m;
}

static int pac_live_state(unsigned int count, enum page_alias_mode mode)
{
	return count | ((mode & PAC_LIVE_MODE_MASK) << PAC_LIVE_COUNT_BITS);
}

/* What a report needs to know about the live mappings of a page. */
struct pac_live_snap {
	unsigned int count;
	enum page_alias_mode mode;
	depot_stack_handle_t map;
};

static void pac_live_read(struct pac_rec *rec, struct pac_live_snap *snap)
{
	int state = atomic_read(&rec->live);

	snap->count = pac_live_count(state);
	snap->mode = pac_live_mode(state);
	snap->map = pac_stacks ? READ_ONCE(rec->map) : 0;
}

/**
 * page_alias_check_live - live kernel mappings of a page
 * @pfn: page frame number
 * @mode: if not NULL, set to their enum page_alias_mode
 *
 * Return: the number of vmap/vmalloc/ioremap mappings of @pfn now, as far as
 * the checker saw them being made; 0 when live tracking is off.
 */
int page_alias_check_live(unsigned long pfn, enum page_alias_mode *mode)
{
	struct pac_live_snap snap = { .mode = PAGE_ALIAS_MODE_UNKNOWN };
	struct page_ext *ext;
	struct pac_rec *rec;

	if (pac_live_enabled()) {
		rec = pac_rec_get(pfn, &ext);
		if (rec) {
			pac_live_read(rec, &snap);
			page_ext_put(ext);
		}
	}
	if (mode)
		*mode = snap.mode;
	return snap.count;
}
EXPORT_SYMBOL_GPL(page_alias_check_live);

/* ---- mapping ------------------------------------------------------------ */

struct pac_map_ctx {
	enum page_alias_mode mode;
	bool check_direct;
	bool stack_saved;
	depot_stack_handle_t stack;
};

/* Count one more live mapping of @rec; returns the state before it. */
static int pac_live_inc(struct pac_rec *rec, enum page_alias_mode mode)
{
	int old = atomic_read(&rec->live), new;
	unsigned int count;

	do {
		count = pac_live_count(old);
		if (count == PAC_LIVE_COUNT_MAX)
			return old;	/* saturated: stays so */
		if (count && pac_live_mode(old) != mode)
			new = pac_live_state(count + 1, PAGE_ALIAS_MODE_MIXED);
		else
			new = pac_live_state(count + 1, mode);
	} while (!atomic_try_cmpxchg(&rec->live, &old, new));
	return old;
}

static void pac_map_one(struct pac_map_ctx *ctx, struct page *page)
{
	enum page_alias_check_policy policy = READ_ONCE(page_alias_check_policy);
	enum page_alias_mode direct;
	int old;
	depot_stack_handle_t prev_map = 0;
	struct page_ext *ext;
	struct pac_rec *rec;
	unsigned long pfn;

	ext = page_ext_get(page);
	if (!ext)
		return;
	rec = pac_rec_of(ext);
	old = pac_live_inc(rec, ctx->mode);
	if (pac_stacks) {
		if (!ctx->stack_saved) {
			ctx->stack = pac_save_stack();
			ctx->stack_saved = true;
		}
		prev_map = xchg(&rec->map, ctx->stack);
	}
	page_ext_put(ext);
	pac_stat_inc(live_maps);

	if (!ctx->check_direct || ctx->mode == PAGE_ALIAS_MODE_UNKNOWN ||
	    policy == PAGE_ALIAS_CHECK_OFF)
		return;
	pfn = page_to_pfn(page);
	/*
	 * A mixed page was reported when it became mixed, and its count does
	 * not say which modes are left: no report of live mappings against
	 * each other again until all of them are gone.
	 */
	if (pac_live_count(old) && pac_live_mode(old) != ctx->mode &&
	    pac_live_mode(old) != PAGE_ALIAS_MODE_MIXED) {
		pac_stat_inc(map_conflicts);
		if (policy >= PAGE_ALIAS_CHECK_WARN)
			pac_report_map_conflict(pfn, ctx->mode, pac_live_mode(old),
						"a live kernel mapping", prev_map,
						policy);
		return;
	}
	direct = arch_page_alias_direct_mode(pfn);
	if (direct != PAGE_ALIAS_MODE_UNKNOWN && direct != ctx->mode) {
		pac_stat_inc(map_conflicts);
		if (policy >= PAGE_ALIAS_CHECK_WARN)
			pac_report_map_conflict(pfn, ctx->mode, direct,
						"the direct map", 0, policy);
	}
}

void __page_alias_check_map_pages(struct page **pages, unsigned long nr,
				  pgprot_t prot)
{
	struct pac_map_ctx ctx = {
		.mode = arch_page_alias_mode(prot),
		.check_direct = true,
	};
	unsigned long i;

	for (i = 0; i < nr; i++)
		pac_map_one(&ctx, pages[i]);
}

void __page_alias_check_map_pfn(unsigned long addr, unsigned long pfn,
				unsigned long nr, pgprot_t prot, int err)
{
	struct pac_map_ctx ctx = { .mode = arch_page_alias_mode(prot) };
	struct page *page;
	unsigned long i;

	for (i = 0; i < nr; i++) {
		/* Not RAM (ioremap): nothing to count. */
		if (!pfn_valid(pfn + i))
			continue;
		page = pfn_to_page(pfn + i);
		/* A failed mapping set the PTEs of some pages, not all. */
		if (err && vmalloc_to_page((void *)(addr + i * PAGE_SIZE)) != page)
			continue;
		pac_map_one(&ctx, page);
	}
}

/* ---- unmapping ---------------------------------------------------------- */

/* One live mapping of @rec's page less (its PTE was just cleared). */
void pac_live_dec(struct pac_rec *rec)
{
	int old = atomic_read(&rec->live);
	unsigned int count;

	do {
		count = pac_live_count(old);
		if (!count) {
			/* Mapped before the checker was enabled. */
			pac_stat_inc(live_unbalanced);
			return;
		}
		if (count == PAC_LIVE_COUNT_MAX)
			return;
	} while (!atomic_try_cmpxchg(&rec->live, &old, old - 1));
	pac_stat_inc(live_unmaps);
}

/* ---- checks ------------------------------------------------------------- */

/*
 * A change_page_attr() request with a new_mode() callback is about to give
 * page @idx (@pfn, record @rec) a new direct-map cache mode (live tracking
 * on).  A live mapping in another mode would be an illegal alias from then
 * on: report it.  Returns true if one was found.
 */
bool pac_live_check(const struct page_alias_check_req *req, unsigned long idx,
		    unsigned long pfn, struct pac_rec *rec,
		    enum page_alias_check_policy policy)
{
	struct pac_live_snap snap = {};
	enum page_alias_mode new_mode;

	pac_live_read(rec, &snap);
	if (!snap.count)
		return false;
	/* Reported when it became mixed; which modes are left is unknown. */
	if (snap.mode == PAGE_ALIAS_MODE_MIXED)
		return false;
	new_mode = req->new_mode(req, idx, pfn);
	if (new_mode == PAGE_ALIAS_MODE_UNKNOWN || new_mode == snap.mode)
		return false;
	pac_stat_inc(live_aliases);
	if (policy >= PAGE_ALIAS_CHECK_WARN)
		pac_report_live_alias(req, pfn, snap.count, snap.mode, new_mode,
				      snap.map, policy);
	return true;
}

void __page_alias_check_free(struct page *page, unsigned int order)
{
	enum page_alias_check_policy policy = READ_ONCE(page_alias_check_policy);
	struct pac_live_snap snap, first = {};
	unsigned long i, nmapped = 0, first_pfn = 0;
	struct page_ext *ext;

	if (policy == PAGE_ALIAS_CHECK_OFF)
		return;
	ext = page_ext_get(page);
	if (!ext)
		return;
	for (i = 0; i < (1UL << order); i++) {
		pac_live_read(pac_rec_of(ext), &snap);
		if (snap.count && !nmapped++) {
			first = snap;
			first_pfn = page_to_pfn(page) + i;
		}
		ext = page_ext_next(ext);
	}
	page_ext_put(ext);
	if (!nmapped)
		return;
	pac_stat_inc(freed_mapped);
	if (policy >= PAGE_ALIAS_CHECK_WARN)
		pac_report_freed_mapped(page, order, first_pfn, nmapped,
					first.count, first.mode, first.map,
					policy);
}
