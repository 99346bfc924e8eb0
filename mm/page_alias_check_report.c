// SPDX-License-Identifier: GPL-2.0
/*
 * page_alias_check reports and debugfs interface.
 *
 * A report names the page, the attribute change that was about to happen,
 * how many unflushed lazy mappings the page has and at which stale virtual
 * addresses, the stack of the caller and, when recorded, the stack of the
 * last lazy unmap of the page.
 */

/* Reports are KASAN-style blocks: their lines carry no prefix. */
#define pr_fmt(fmt) fmt

#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/panic.h>
#include <linux/printk.h>
#include <linux/ratelimit.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <trace/events/error_report.h>

#include "page_alias_check.h"

#define PAC_REPORT_ADDRS	4

/* At most 10 reports every 5 seconds; every one is counted in "reports". */
static DEFINE_RATELIMIT_STATE(pac_report_rs, 5 * HZ, 10);
/* Lazy-alias diagnostics: a few a minute are enough to name the culprit. */
static DEFINE_RATELIMIT_STATE(pac_lazy_rs, 60 * HZ, 5);

/* Diagnostics print at KERN_WARNING, reports of bugs at KERN_ERR. */
#define pac_pr(diag, ...)					\
do {								\
	if (diag)						\
		pr_warn(__VA_ARGS__);				\
	else							\
		pr_err(__VA_ARGS__);				\
} while (0)

static void pac_report_details(bool diag,
			       const struct page_alias_check_req *req,
			       unsigned long pfn, unsigned long ndirty)
{
	unsigned long addrs[PAC_REPORT_ADDRS];
	depot_stack_handle_t stack;
	char change[96] = "";
	int i, n;

	if (req->describe)
		req->describe(req, pfn, change, sizeof(change));
	pac_pr(diag, "%s%s%s: %lu of %lu pages have unflushed lazy aliases\n",
	       req->reason ?: "attribute change", change[0] ? ": " : "",
	       change, ndirty, req->nr);
	n = pac_stale_addrs(pfn, addrs, ARRAY_SIZE(addrs));
	for (i = 0; i < n; i++)
		pac_pr(diag, "stale mapping of pfn:%lx at 0x%lx, TLB flush pending\n",
		       pfn, addrs[i]);
	dump_stack_lvl(diag ? KERN_WARNING : KERN_ERR);
	stack = pac_unmap_stack(pfn);
	if (stack) {
		pac_pr(diag, "last lazily unmapped by:\n");
		stack_depot_print(stack);
	}
}

#define PAC_RULE \
	"==================================================================\n"

/*
 * The end of every report of a bug (not of the lazy-alias diagnostic,
 * whose alias the caller's own purge covers): like KASAN and KFENCE, tell
 * the error_report tracepoint (its id: the pfn the report names), taint
 * the kernel and honour panic_on_warn; under "bug", stop it.
 */
static void pac_report_end(enum page_alias_check_policy policy, unsigned long pfn)
{
	pr_err(PAC_RULE);
	trace_error_report_end(ERROR_DETECTOR_PAGE_ALIAS_CHECK, pfn);
	add_taint(TAINT_BAD_PAGE, LOCKDEP_STILL_OK);
	BUG_ON(policy == PAGE_ALIAS_CHECK_BUG);
	check_panic_on_warn("page_alias_check");
}

static bool pac_report_allowed_rs(enum page_alias_check_policy policy,
				  struct ratelimit_state *rs)
{
	pac_stat_inc(reports);
	/* A report that ends in BUG() is never suppressed. */
	if (policy == PAGE_ALIAS_CHECK_BUG || __ratelimit(rs))
		return true;
	pac_stat_inc(reports_suppressed);
	return false;
}

static bool pac_report_allowed(enum page_alias_check_policy policy)
{
	return pac_report_allowed_rs(policy, &pac_report_rs);
}

/*
 * A lazy alias the check is about to purge.  @is_bug: the caller has no
 * purge of its own, so without the checker the alias would have survived.
 * Otherwise (change_page_attr(), whose vm_unmap_aliases() covers it) the
 * report under "warn" is a rate-limited diagnostic without the "BUG:" title
 * that CI farms and fuzzers read as a crash; under "bug" it is the BUG()
 * asked for in the 2007 thread.
 */
void pac_report_alias(const struct page_alias_check_req *req,
		      unsigned long pfn, unsigned long ndirty,
		      enum page_alias_check_policy policy, bool is_bug)
{
	if (!is_bug && policy != PAGE_ALIAS_CHECK_BUG) {
		if (!pac_report_allowed_rs(policy, &pac_lazy_rs))
			return;
		pr_warn(PAC_RULE);
		pr_warn("page_alias_check: lazy alias pfn:%lx unflushed:%d policy:%s, purged\n",
			pfn, page_alias_check_pfn(pfn),
			page_alias_check_policy_name(policy));
		pac_report_details(true, req, pfn, ndirty);
		pr_warn(PAC_RULE);
		return;
	}
	if (!pac_report_allowed(policy))
		return;
	pr_err(PAC_RULE);
	pr_err("BUG: page_alias_check: unflushed alias pfn:%lx unflushed:%d policy:%s\n",
	       pfn, page_alias_check_pfn(pfn),
	       page_alias_check_policy_name(policy));
	pac_report_details(false, req, pfn, ndirty);
	pac_report_end(policy, pfn);
}

void pac_report_purge_missed(const struct page_alias_check_req *req,
			     unsigned long pfn, unsigned long ndirty)
{
	if (!pac_report_allowed(PAGE_ALIAS_CHECK_WARN))
		return;
	pr_err(PAC_RULE);
	pr_err("BUG: page_alias_check: purge missed alias pfn:%lx unflushed:%d\n",
	       pfn, page_alias_check_pfn(pfn));
	pr_err("vm_unmap_aliases() returned but no TLB flush covered the stale mapping; flushing all\n");
	pac_report_details(false, req, pfn, ndirty);
	pac_report_end(PAGE_ALIAS_CHECK_WARN, pfn);
}

static void pac_report_mapped_by(depot_stack_handle_t stack)
{
	if (!stack)
		return;
	pr_err("last mapped by:\n");
	stack_depot_print(stack);
}

void pac_report_live_alias(const struct page_alias_check_req *req,
			   unsigned long pfn, int count,
			   enum page_alias_mode live_mode, enum page_alias_mode new_mode,
			   depot_stack_handle_t mapped_by,
			   enum page_alias_check_policy policy)
{
	char change[96] = "";

	if (!pac_report_allowed(policy))
		return;
	if (req->describe)
		req->describe(req, pfn, change, sizeof(change));
	pr_err(PAC_RULE);
	pr_err("BUG: page_alias_check: live alias pfn:%lx mapped:%d policy:%s\n",
	       pfn, count, page_alias_check_policy_name(policy));
	pr_err("%s%s%s: page becomes %s while %d live kernel mapping(s) are %s\n",
	       req->reason ?: "attribute change", change[0] ? ": " : "",
	       change, pac_mode_name(new_mode), count, pac_mode_name(live_mode));
	dump_stack();
	pac_report_mapped_by(mapped_by);
	pac_report_end(policy, pfn);
}

void pac_report_map_conflict(unsigned long pfn, enum page_alias_mode mode,
			     enum page_alias_mode other, const char *other_what,
			     depot_stack_handle_t other_by,
			     enum page_alias_check_policy policy)
{
	if (!pac_report_allowed(policy))
		return;
	pr_err(PAC_RULE);
	pr_err("BUG: page_alias_check: map mode conflict pfn:%lx policy:%s\n",
	       pfn, page_alias_check_policy_name(policy));
	pr_err("kernel mapping made %s while %s of the page is %s\n",
	       pac_mode_name(mode), other_what, pac_mode_name(other));
	dump_stack();
	pac_report_mapped_by(other_by);
	pac_report_end(policy, pfn);
}

void pac_report_freed_mapped(struct page *page, unsigned int order,
			     unsigned long pfn, unsigned long nmapped,
			     int count, enum page_alias_mode mode,
			     depot_stack_handle_t mapped_by,
			     enum page_alias_check_policy policy)
{
	if (!pac_report_allowed(policy))
		return;
	pr_err(PAC_RULE);
	pr_err("BUG: page_alias_check: freed while mapped pfn:%lx mapped:%d policy:%s\n",
	       pfn, count, page_alias_check_policy_name(policy));
	pr_err("order-%u free of pfn:%lx: %lu page(s) still have live kernel mappings (%s)\n",
	       order, page_to_pfn(page), nmapped, pac_mode_name(mode));
	dump_stack();
	pac_report_mapped_by(mapped_by);
	pac_report_end(policy, pfn);
}

/* ---- debugfs ------------------------------------------------------------ */

#define PAC_STAT(name) { #name, offsetof(struct pac_stats, name) }

static const struct {
	const char *name;
	size_t offset;
} pac_stat_list[] = {
	PAC_STAT(pages_tracked),
	PAC_STAT(lazy_unmaps),
	PAC_STAT(flushes_seen),
	PAC_STAT(entries_flushed),
	PAC_STAT(entries_walked),
	PAC_STAT(untracked),
	PAC_STAT(checks),
	PAC_STAT(checks_clean),
	PAC_STAT(checks_large),
	PAC_STAT(aliases_found),
	PAC_STAT(alias_pages),
	PAC_STAT(aliases_cache),
	PAC_STAT(aliases_perm),
	PAC_STAT(aliases_other),
	PAC_STAT(purges_forced),
	PAC_STAT(purges_skipped),
	PAC_STAT(purges_blind),
	PAC_STAT(flushes_in_checks),
	PAC_STAT(purge_missed),
	PAC_STAT(reports),
	PAC_STAT(reports_suppressed),
	PAC_STAT(live_maps),
	PAC_STAT(live_unmaps),
	PAC_STAT(live_unbalanced),
	PAC_STAT(live_aliases),
	PAC_STAT(map_conflicts),
	PAC_STAT(freed_mapped),
};

static int pac_stats_show(struct seq_file *m, void *v)
{
	int i;

	seq_printf(m, "enabled: %d\n",
		   static_branch_unlikely(&page_alias_check_key) ? 1 : 0);
	seq_printf(m, "mode: %s\n", page_alias_check_epoch ? "epoch" : "strict");
	seq_printf(m, "bytes_per_page: %zu\n",
		   page_alias_check_booted() ?
		   page_alias_check_ops.size : 0);
	seq_printf(m, "live: %d\n", pac_live_enabled() ? 1 : 0);
	for (i = 0; i < ARRAY_SIZE(pac_stat_list); i++)
		seq_printf(m, "%s: %ld\n", pac_stat_list[i].name,
			   pac_stat_sum(pac_stat_list[i].offset));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pac_stats);

static int pac_pages_show(struct seq_file *m, void *v)
{
	pac_show_index(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pac_pages);

static int pac_policy_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s\n",
		   page_alias_check_policy_name(READ_ONCE(page_alias_check_policy)));
	return 0;
}

static int pac_policy_open(struct inode *inode, struct file *file)
{
	return single_open(file, pac_policy_show, NULL);
}

/*
 * A debugfs write as a string: one short word, no NUL inside.  Anything
 * else is rejected whole, before it can change anything.
 */
static int pac_user_word(char *buf, size_t size, const char __user *ubuf,
			 size_t count)
{
	if (count == 0 || count >= size)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	return strlen(buf) == count ? 0 : -EINVAL;
}

/*
 * One whole policy name per write ("warn" or "warn\n").  Anything else,
 * including a partial name, binary data or a string longer than any name,
 * is rejected with -EINVAL and changes nothing.
 */
static ssize_t pac_policy_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	char buf[8];
	int policy, ret;

	ret = pac_user_word(buf, sizeof(buf), ubuf, count);
	if (ret)
		return ret;
	policy = page_alias_check_parse_policy(buf);
	if (policy < 0)
		return -EINVAL;
	/* Booted with page_alias_check=off: nothing is tracked. */
	if (!page_alias_check_booted() &&
	    policy != PAGE_ALIAS_CHECK_OFF)
		return -ENODEV;
	WRITE_ONCE(page_alias_check_policy, policy);
	pr_info("page_alias_check: policy set to %s\n", page_alias_check_policy_name(policy));
	return count;
}

static const struct file_operations pac_policy_fops = {
	.owner = THIS_MODULE,
	.open = pac_policy_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = pac_policy_write,
};

/*
 * Write "1": purge every lazy alias vmalloc knows of and flush the TLB of
 * all CPUs, so that afterwards "pages_tracked" must read 0.  For tests that
 * check the counters drain; anything else is -EINVAL.
 */
static ssize_t pac_purge_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	char buf[4];
	int ret;

	ret = pac_user_word(buf, sizeof(buf), ubuf, count);
	if (ret)
		return ret;
	if (!sysfs_streq(buf, "1"))
		return -EINVAL;
	if (!page_alias_check_booted())
		return -ENODEV;
	pac_purge_all();
	return count;
}

static const struct file_operations pac_purge_fops = {
	.owner = THIS_MODULE,
	.write = pac_purge_write,
	.llseek = noop_llseek,
};

static int pac_enabled_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%d\n", static_branch_unlikely(&page_alias_check_key) ? 1 : 0);
	return 0;
}

static int pac_enabled_open(struct inode *inode, struct file *file)
{
	return single_open(file, pac_enabled_show, NULL);
}

/*
 * "0" (or off, n, no) pauses tracking, "1" (on, y, yes) resumes it; see
 * page_alias_check_set_enabled().  Anything else is -EINVAL.
 */
static ssize_t pac_enabled_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	char buf[8];
	bool on;
	int ret;

	ret = pac_user_word(buf, sizeof(buf), ubuf, count);
	if (ret)
		return ret;
	if (pac_parse_bool(buf, &on))
		return -EINVAL;
	ret = page_alias_check_set_enabled(on);
	if (ret)
		return ret;
	pr_info("page_alias_check: tracking %s\n", on ? "resumed" : "paused");
	return count;
}

static const struct file_operations pac_enabled_fops = {
	.owner = THIS_MODULE,
	.open = pac_enabled_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = pac_enabled_write,
};

static const char *const pac_fault_names[] = {
	[PAC_FAULT_NONE]	= "none",
	[PAC_FAULT_NORECORD]	= "norecord",
	[PAC_FAULT_NOPURGE]	= "nopurge",
	[PAC_FAULT_NORESUMEFLUSH] = "noresumeflush",
};

/* KUnit builds: break the checker on purpose ("none" mends it). */
static ssize_t pac_fault_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	char buf[16];
	int i;

	i = pac_user_word(buf, sizeof(buf), ubuf, count);
	if (i)
		return i;
	i = sysfs_match_string(pac_fault_names, buf);
	if (i < 0)
		return -EINVAL;
	WRITE_ONCE(pac_test_fault, i);
	pr_warn("page_alias_check: test fault %s\n", pac_fault_names[i]);
	return count;
}

static const struct file_operations pac_fault_fops = {
	.owner = THIS_MODULE,
	.write = pac_fault_write,
	.llseek = noop_llseek,
};

static int __init page_alias_check_debugfs_init(void)
{
	struct dentry *dir = debugfs_create_dir("page_alias_check", NULL);

	debugfs_create_file("policy", 0600, dir, NULL, &pac_policy_fops);
	debugfs_create_file("enabled", 0600, dir, NULL, &pac_enabled_fops);
	debugfs_create_file("stats", 0400, dir, NULL, &pac_stats_fops);
	debugfs_create_file("pages", 0400, dir, NULL, &pac_pages_fops);
	debugfs_create_ulong("walk_max", 0600, dir, &page_alias_check_walk_max);
	debugfs_create_bool("report_permission", 0600, dir,
			    &page_alias_check_report_perm);
	debugfs_create_file("purge", 0200, dir, NULL, &pac_purge_fops);
	if (IS_ENABLED(CONFIG_PAGE_ALIAS_CHECK_KUNIT_TEST))
		debugfs_create_file("test_fault", 0200, dir, NULL,
				    &pac_fault_fops);
	return 0;
}
late_initcall(page_alias_check_debugfs_init);
