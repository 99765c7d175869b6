// SPDX-License-Identifier: GPL-2.0
/*
 * tcg_insn.so -- a QEMU TCG plugin for bench/costsplit-tcg.sh: how many
 * guest instructions were executed at each kernel translation block's
 * start address.  Under TCG the guest has no PMU, and its cpu-clock
 * samples land where interrupts are re-enabled, never inside wakeoff's
 * probes (they run with IRQs off); counting executed instructions sees
 * them.  Output (out=FILE): "vaddr n_insns executions" per block, at
 * exit and, as FILE.N, each time the guest runs bench/tcg_mark.c (an
 * instruction at TCG_MARK_VA): the counts so far, N from 1.  With
 * user=1 the user half is counted too, as one total (the line
 * "0 1 N"): a reader's or a tracer's own process is part of what it
 * costs (bench/insn-ratios.sh); per block it would only name addresses
 * that every process reuses.
 *
 * Declares the few QEMU plugin API (version 1, QEMU 7.2) calls it uses
 * itself: Debian ships no qemu-plugin.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
typedef struct qemu_info_t qemu_info_t;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*udata_cb_t)(qemu_plugin_id_t id, void *userdata);
typedef void (*vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS };

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, tb_trans_cb_t cb);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, udata_cb_t cb, void *userdata);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, vcpu_udata_cb_t cb,
					  enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb,
					      enum qemu_plugin_op op,
					      void *ptr, uint64_t imm);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

struct blk {
	uint64_t vaddr, n_insns, execs;
	struct blk *next;
};

static struct blk *blocks;
static int count_user;
static uint64_t user_insns;
static char out[4096] = "tcg_insn.txt";
static unsigned int nmarks;

#define TCG_MARK_VA 0x5a5a0000ULL	/* bench/tcg_mark.c */

static void dump(const char *path)
{
	FILE *f = fopen(path, "w");
	struct blk *b;

	if (!f)
		return;
	if (count_user)
		fprintf(f, "0 1 %" PRIu64 "\n", user_insns);
	for (b = blocks; b; b = b->next)
		if (b->execs)
			fprintf(f, "%" PRIx64 " %" PRIu64 " %" PRIu64 "\n",
				b->vaddr, b->n_insns, b->execs);
	fclose(f);
}

static void mark(unsigned int vcpu, void *p)
{
	char path[4200];

	(void)vcpu;
	(void)p;
	snprintf(path, sizeof(path), "%s.%u", out, ++nmarks);
	dump(path);
}

/* Kernel blocks one by one (x86_64 kernel addresses start with 0xffff8...). */
static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uint64_t va = qemu_plugin_tb_vaddr(tb);
	struct blk *b;

	(void)id;
	if (va == TCG_MARK_VA) {
		qemu_plugin_register_vcpu_tb_exec_cb(tb, mark, QEMU_PLUGIN_CB_NO_REGS, NULL);
		return;
	}
	if (va < 0xffff800000000000ULL) {
		if (count_user)
			qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
								 &user_insns,
								 qemu_plugin_tb_n_insns(tb));
		return;
	}
	b = calloc(1, sizeof(*b));
	if (!b)
		return;
	b->vaddr = va;
	b->n_insns = qemu_plugin_tb_n_insns(tb);
	b->next = blocks;
	blocks = b;
	/* single-threaded TCG (thread=single): a plain add is exact */
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 &b->execs, 1);
}

static void at_exit(qemu_plugin_id_t id, void *p)
{
	(void)id;
	(void)p;
	dump(out);
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
			int argc, char **argv)
{
	int i;

	(void)info;
	for (i = 0; i < argc; i++)
		if (!strncmp(argv[i], "out=", 4))
			snprintf(out, sizeof(out), "%s", argv[i] + 4);
		else if (!strcmp(argv[i], "user=1"))
			count_user = 1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
