/* SPDX-License-Identifier: Apache-2.0 */
#include "bpfsim.h"

#include <stdbool.h>
#include <string.h>

#define BPFSIM_MEMWORDS 16

static int load_word(const struct seccomp_data *d, uint32_t off, uint32_t *out)
{
	/* The kernel only allows aligned 32-bit loads inside seccomp_data. */
	if (off % 4 != 0 || off > sizeof(*d) - 4)
		return -1;
	memcpy(out, (const char *)d + off, 4);
	return 0;
}

/* BPF_LD / BPF_LDX: the value loaded, or false for an invalid load. */
static bool load(const struct sock_filter *f, const struct seccomp_data *d, const uint32_t *M,
		 uint32_t *out)
{
	uint32_t k = f->k;
	switch (BPF_MODE(f->code)) {
	case BPF_ABS: /* LD only */
		return BPF_CLASS(f->code) == BPF_LD && BPF_SIZE(f->code) == BPF_W &&
		       load_word(d, k, out) == 0;
	case BPF_IMM: *out = k; return true;
	case BPF_MEM:
		if (k >= BPFSIM_MEMWORDS)
			return false;
		*out = M[k];
		return true;
	case BPF_LEN: *out = sizeof(*d); return true;
	default: return false;
	}
}

/* BPF_ALU: A op v, or false (division by zero, unknown op). */
static bool alu(uint16_t code, uint32_t *A, uint32_t v)
{
	switch (BPF_OP(code)) {
	case BPF_ADD: *A += v; return true;
	case BPF_SUB: *A -= v; return true;
	case BPF_MUL: *A *= v; return true;
	case BPF_DIV: if (!v) return false; *A /= v; return true;
	case BPF_MOD: if (!v) return false; *A %= v; return true;
	case BPF_AND: *A &= v; return true;
	case BPF_OR: *A |= v; return true;
	case BPF_XOR: *A ^= v; return true;
	case BPF_LSH: *A = v < 32 ? *A << v : 0; return true;
	case BPF_RSH: *A = v < 32 ? *A >> v : 0; return true;
	case BPF_NEG: *A = -*A; return true;
	default: return false;
	}
}

/* BPF_JMP: how many instructions to skip, or -1 (unknown op). */
static long jump(const struct sock_filter *f, uint32_t A, uint32_t X)
{
	uint32_t v = BPF_SRC(f->code) == BPF_X ? X : f->k;
	switch (BPF_OP(f->code)) {
	case BPF_JA: return f->k;
	case BPF_JEQ: return A == v ? f->jt : f->jf;
	case BPF_JGT: return A > v ? f->jt : f->jf;
	case BPF_JGE: return A >= v ? f->jt : f->jf;
	case BPF_JSET: return (A & v) != 0 ? f->jt : f->jf;
	default: return -1;
	}
}

uint32_t bpfsim_run(const struct sock_filter *prog, size_t len,
		    const struct seccomp_data *d)
{
	uint32_t A = 0, X = 0, M[BPFSIM_MEMWORDS] = { 0 };
	size_t pc = 0;

	while (pc < len) {
		const struct sock_filter *f = &prog[pc++];
		uint32_t k = f->k;
		long skip;
		switch (BPF_CLASS(f->code)) {
		case BPF_LD:
		case BPF_LDX:
			if (!load(f, d, M, BPF_CLASS(f->code) == BPF_LD ? &A : &X))
				return SECCOMP_RET_KILL_PROCESS;
			break;
		case BPF_ST:
		case BPF_STX:
			if (k >= BPFSIM_MEMWORDS)
				return SECCOMP_RET_KILL_PROCESS;
			M[k] = BPF_CLASS(f->code) == BPF_ST ? A : X;
			break;
		case BPF_ALU:
			if (!alu(f->code, &A, BPF_SRC(f->code) == BPF_X ? X : k))
				return SECCOMP_RET_KILL_PROCESS;
			break;
		case BPF_JMP:
			skip = jump(f, A, X);
			if (skip < 0 || (size_t)skip > len - pc)
				return SECCOMP_RET_KILL_PROCESS;
			pc += (size_t)skip;
			break;
		case BPF_RET:
			return BPF_RVAL(f->code) == BPF_A ? A : k;
		case BPF_MISC:
			if (BPF_MISCOP(f->code) == BPF_TAX)
				X = A;
			else
				A = X;
			break;
		default:
			return SECCOMP_RET_KILL_PROCESS;
		}
	}
	return SECCOMP_RET_KILL_PROCESS; /* fell off the end */
}

int bpfsim_has_action(const struct sock_filter *prog, size_t len, uint32_t action)
{
	for (size_t i = 0; i < len; i++)
		if (BPF_CLASS(prog[i].code) == BPF_RET && BPF_RVAL(prog[i].code) == BPF_K &&
		    (prog[i].k & SECCOMP_RET_ACTION_FULL) == action)
			return 1;
	return 0;
}
