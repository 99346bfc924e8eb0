/* SPDX-License-Identifier: GPL-2.0 */
/* Internal interface of mm/page_alias_check*.c, shared with its KUnit test. */
#ifndef _MM_PAGE_ALIAS_CHECK_H
#define _MM_PAGE_ALIAS_CHECK_H

#include <linux/mm.h>
#include <linux/page_alias_check.h>
#include <linux/page_ext.h>
#include <linux/percpu.h>
#include <linux/stackdepot.h>

struct seq_file;

/*
 * A page's record in page_ext, one for the whole checker so that each
 * hook looks it up once.  Strict mode, the default, keeps nothing per page
 * (its counts are per CPU, see struct pac_log); a boot uses the head of the
 * record that its options need: 8 bytes with live tracking or epoch mode,
 * 16 with stacks (sizes stay multiples of 8, as page_ext does not align
 * the clients that follow).
 */
struct pac_rec {
	atomic_t live;			/* live mappings; page_alias_check_live.c */
	atomic_t stamp;			/* epoch mode: see pac_rec_stamp() */
	depot_stack_handle_t unmap;	/* last lazy unmap (stacks on) */
	depot_stack_handle_t map;	/* last mapper (stacks on) */
};

static inline struct pac_rec *pac_rec_of(struct page_ext *ext)
{
	return page_ext_data(ext, &page_alias_check_ops);
}

/*
 * The record of @pfn, or NULL (not RAM, or no page_ext): such pages are
 * never tracked.  Pass *@ext to page_ext_put() when done.
 */
static inline struct pac_rec *pac_rec_get(unsigned long pfn,
					  struct page_ext **ext)
{
	if (!pfn_valid(pfn))
		return NULL;
	*ext = page_ext_get(pfn_to_page(pfn));
	return *ext ? pac_rec_of(*ext) : NULL;
}

/*
 * Default for page_alias_check_walk_max, in pages: under policy "purge", a
 * request larger than this purges once instead of checking every page.
 * A purge with a lazy backlog is a TLB flush on every CPU, so requests up
 * to 2 MiB (a TTM pool batch, a huge page's worth of set_memory_*()) are
 * walked: one page_ext lookup per page and CPA call.
 */
#define PAC_WALK_MAX_DEFAULT	512UL

/*
 * Counters for debugfs "stats", per CPU so that the hot paths do no
 * atomic operation on a shared line; summed when read.
 */
struct pac_stats {
	long pages_tracked;		/* log entries now (unflushed maps) */
	long lazy_unmaps;		/* entries ever recorded */
	long flushes_seen;		/* kernel TLB flushes observed */
	long entries_flushed;		/* entries dropped by a flush */
	long entries_walked;		/* entries visited by walks */
	long untracked;			/* entries not recordable: purge instead */
	long checks;			/* requests checked (policy not off) */
	long checks_clean;		/* ... with no alias */
	long checks_large;		/* ... too big to walk: purged */
	long aliases_found;		/* ... with at least one dirty page */
	long alias_pages;		/* dirty pages in those requests */
	long aliases_cache;		/* ... at a cache mode change */
	long aliases_perm;		/* ... at a permission-only change */
	long aliases_other;		/* ... for callers without a purge */
	long purges_forced;		/* vm_unmap_aliases() done by checks */
	long purges_skipped;		/* vm_unmap_aliases() avoided */
	long purges_blind;		/* ... done unchecked, policy off */
	long flushes_in_checks;		/* TLB flushes during those purges */
	long purge_missed;		/* page still dirty after a purge */
	long reports;			/* reports, printed or rate-limited */
	long reports_suppressed;	/* ... not printed (rate limit) */
	/* Live mappings (page_alias_check_live=on) */
	long live_maps;			/* pages mapped (vmap, vmalloc, ioremap) */
	long live_unmaps;		/* ... unmapped again */
	long live_unbalanced;		/* unmaps of mappings made before us */
	long live_aliases;		/* CPA vs a live mapping of another mode */
	long map_conflicts;		/* mapped in a mode other than the page's */
	long freed_mapped;		/* freed while still mapped */
};

DECLARE_PER_CPU(struct pac_stats, pac_stats);
#define pac_stat_inc(name)	this_cpu_inc(pac_stats.name)
#define pac_stat_dec(name)	this_cpu_dec(pac_stats.name)
#define pac_stat_add(name, n)	this_cpu_add(pac_stats.name, n)
long pac_stat_sum(size_t offset);
#define pac_stat_read(name)	pac_stat_sum(offsetof(struct pac_stats, name))
extern bool pac_stacks;
extern bool pac_live;
extern enum page_alias_check_policy page_alias_check_policy;
extern bool page_alias_check_epoch;
extern unsigned long page_alias_check_walk_max;
extern bool page_alias_check_report_perm;

bool page_alias_check_booted(void);
int page_alias_check_set_enabled(bool on);
int page_alias_check_parse_policy(const char *s);
int pac_parse_bool(const char *s, bool *on);
void pac_bool_param(const char *name, const char *buf, bool *val);
const char *page_alias_check_policy_name(enum page_alias_check_policy policy);

bool pac_seq_before(unsigned long entry, unsigned long flush);
unsigned long pac_read_flush_seq(void);
void pac_set_flush_seq(unsigned long seq);
unsigned long pac_read_clean_seq(void);
extern bool pac_test_ignore_seq;
extern unsigned long pac_walk_hold_max;
extern unsigned int pac_test_log_limit;
extern void (*pac_test_walk_unlocked)(void);
unsigned long pac_entries_before(unsigned long seq);
unsigned int pac_test_bucket(unsigned long pfn);
unsigned int pac_test_count(unsigned long pfn);
unsigned int pac_test_count_bits(void);
void pac_memory_offline(void);

enum pac_fault {
	PAC_FAULT_NONE,
	PAC_FAULT_NORECORD,	/* lazy unmaps are not recorded */
	PAC_FAULT_NOPURGE,	/* checks do not purge */
	PAC_FAULT_NORESUMEFLUSH, /* resuming tracking flushes nothing */
};

extern enum pac_fault pac_test_fault;
int pac_stale_addrs(unsigned long pfn, unsigned long *addrs, int max);
depot_stack_handle_t pac_unmap_stack(unsigned long pfn);
void pac_show_index(struct seq_file *m);
depot_stack_handle_t pac_save_stack(void);

/* mm/page_alias_check_live.c */
static inline bool pac_live_enabled(void)
{
	return static_branch_unlikely(&page_alias_check_live_key);
}

void pac_live_dec(struct pac_rec *rec);
bool pac_live_check(const struct page_alias_check_req *req, unsigned long idx,
		    unsigned long pfn, struct pac_rec *rec,
		    enum page_alias_check_policy policy);
const char *pac_mode_name(enum page_alias_mode mode);
void pac_purge_all(void);

/* mm/page_alias_check_report.c */
void pac_report_alias(const struct page_alias_check_req *req,
		      unsigned long pfn, unsigned long ndirty,
		      enum page_alias_check_policy policy, bool is_bug);
void pac_report_purge_missed(const struct page_alias_check_req *req,
			     unsigned long pfn, unsigned long ndirty);
void pac_report_live_alias(const struct page_alias_check_req *req,
			   unsigned long pfn, int count,
			   enum page_alias_mode live_mode, enum page_alias_mode new_mode,
			   depot_stack_handle_t mapped_by,
			   enum page_alias_check_policy policy);
void pac_report_map_conflict(unsigned long pfn, enum page_alias_mode mode,
			     enum page_alias_mode other, const char *other_what,
			     depot_stack_handle_t other_by,
			     enum page_alias_check_policy policy);
void pac_report_freed_mapped(struct page *page, unsigned int order,
			     unsigned long pfn, unsigned long nmapped,
			     int count, enum page_alias_mode mode,
			     depot_stack_handle_t mapped_by,
			     enum page_alias_check_policy policy);

#endif /* _MM_PAGE_ALIAS_CHECK_H */
