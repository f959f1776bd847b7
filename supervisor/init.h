/* SPDX-License-Identifier: Apache-2.0 */
/* What pid 1 of the sandbox (init.c), the guard it forks (guard.c) and the
 * runner (runner.c) get from the supervisor: a plan fixed before clone. They
 * never see the supervisor's own state (struct tj_sandbox): what is not
 * here, the child cannot touch by mistake. */
#pragma once
#include "config.h"
#include "error.h"
#include "tj_limits.h"

struct tj_seccomp;
struct tj_restricted;

struct shared_build;

struct init_plan {
	const struct tj_config *cfg;
	char *const *argv;              /* the runner's command: cfg->argv (+ the tier: argv_tier) */
	char *const *envp;              /* the runner's environment */
	int sync_fd;                    /* status, errors -> supervisor; GO <- */
	int relay_fd;                   /* net relay: RELAY_READY from the supervisor */
	int events_fd;                  /* the guard's deny lines; -1 without a listener */
	const struct tj_seccomp *seccomp; /* compiled before clone; NULL: "none" */
	const struct tj_limits *limits; /* rlimit fallbacks for the runner */
	char **scrub_argv;              /* the supervisor's original argv/envp: */
	char **scrub_envp;              /* init zeroes them so /proc/1 shows nothing */
	const struct tj_restricted *restricted; /* restricted tier: no init, see runner.h */
	uint64_t signals_set;           /* signals (bit s-1) not at their default: the runner resets these */
	struct shared_build *shared;    /* the shared mode (pid1.h), or NULL: init is a fork */
};

/* The shared mode (pid1.h): init and the runner run in the supervisor's
 * memory until their execve. This lives there, made by the supervisor
 * before clone and freed once both have left. */
struct shared_build {
	volatile int init_word;   /* 1; the kernel clears it (and wakes its futex) at init's execve or exit */
	volatile int runner_word; /* set to 1 by init before it clones the runner; cleared likewise */
	int pid1_fd;              /* the sealed memfd holding pid1.c's program */
	char *map;                /* the stacks of init and the runner, each above a guard page */
	size_t map_len;
	char *init_stack;         /* tops */
	char *runner_stack;
	void *runner_arg[3];      /* what the runner starts with (init.c): here, not on init's stack */
	int ready_r;              /* pid 1 writes a byte here once it runs, non-dumpable: only then */
	volatile int task_may_run; /* does the runner go on (and set this) to the task */
	volatile int handing_over; /* init reached the hand-over (become_pid1); if it fails, init */
	int exec_errno;           /* exits without a word (errno here): no byte comes, no task runs; */
	                          /* the supervisor starts over with init a fork (sandbox.c) */
	struct init_plan plan;    /* init's plan: here, not on the supervisor's stack */
};

/* Signals the supervisor forwards to init, and init to the runner. */
#define INIT_FORWARDED_SIGNALS SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2

/* pid 1 of the sandbox; never returns. */
__attribute__((noreturn)) void init_main(const struct init_plan *p);

/* Reports err to the supervisor over the sync socket and exits with the
 * setup status (125). For init and the processes it forks. */
__attribute__((noreturn)) void init_fail(const struct init_plan *p, const struct tj_error *err);
