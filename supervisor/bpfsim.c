/* SPDX-License-Identifier: Apache-2.0 */
#include "bpfsim.h"

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

uint32_t bpfsim_run(const struct sock_filter *prog, size_t len,
		    const struct seccomp_data *d)
{
	uint32_t A = 0, X = 0, M[BPFSIM_MEMWORDS] = { 0 };
	size_t pc = 0;

	while (pc < len) {
		const struct sock_filter *f = &prog[pc++];
		uint32_t k = f->k;
		switch (BPF_CLASS(f->code)) {
		case BPF_LD:
			switch (BPF_MODE(f->code)) {
			case BPF_ABS:
				if (BPF_SIZE(f->code) != BPF_W || load_word(d, k, &A) < 0)
					return SECCOMP_RET_KILL_PROCESS;
				break;
			case BPF_IMM: A = k; break;
			case BPF_MEM:
				if (k >= BPFSIM_MEMWORDS)
					return SECCOMP_RET_KILL_PROCESS;
				A = M[k];
				break;
			case BPF_LEN: A = sizeof(*d); break;
			default: return SECCOMP_RET_KILL_PROCESS;
			}
			break;
		case BPF_LDX:
			switch (BPF_MODE(f->code)) {
			case BPF_IMM: X = k; break;
			case BPF_MEM:
				if (k >= BPFSIM_MEMWORDS)
					return SECCOMP_RET_KILL_PROCESS;
				X = M[k];
				break;
			case BPF_LEN: X = sizeof(*d); break;
			default: return SECCOMP_RET_KILL_PROCESS;
			}
			break;
		case BPF_ST:
		case BPF_STX:
			if (k >= BPFSIM_MEMWORDS)
				return SECCOMP_RET_KILL_PROCESS;
			M[k] = BPF_CLASS(f->code) == BPF_ST ? A : X;
			break;
		case BPF_ALU: {
			uint32_t v = BPF_SRC(f->code) == BPF_X ? X : k;
			switch (BPF_OP(f->code)) {
			case BPF_ADD: A += v; break;
			case BPF_SUB: A -= v; break;
			case BPF_MUL: A *= v; break;
			case BPF_DIV:
				if (!v)
					return SECCOMP_RET_KILL_PROCESS;
				A /= v;
				break;
			case BPF_MOD:
				if (!v)
					return SECCOMP_RET_KILL_PROCESS;
				A %= v;
				break;
			case BPF_AND: A &= v; break;
			case BPF_OR: A |= v; break;
			case BPF_XOR: A ^= v; break;
			case BPF_LSH: A = v < 32 ? A << v : 0; break;
			case BPF_RSH: A = v < 32 ? A >> v : 0; break;
			case BPF_NEG: A = -A; break;
			default: return SECCOMP_RET_KILL_PROCESS;
			}
			break;
		}
		case BPF_JMP: {
			size_t skip;
			if (BPF_OP(f->code) == BPF_JA) {
				skip = k;
			} else {
				uint32_t v = BPF_SRC(f->code) == BPF_X ? X : k;
				int t;
				switch (BPF_OP(f->code)) {
				case BPF_JEQ: t = A == v; break;
				case BPF_JGT: t = A > v; break;
				case BPF_JGE: t = A >= v; break;
				case BPF_JSET: t = (A & v) != 0; break;
				default: return SECCOMP_RET_KILL_PROCESS;
				}
				skip = t ? f->jt : f->jf;
			}
			if (skip > len - pc)
				return SECCOMP_RET_KILL_PROCESS;
			pc += skip;
			break;
		}
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
