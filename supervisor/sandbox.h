/* SPDX-License-Identifier: Apache-2.0 */
/* The only module that knows the order of setup steps. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "tj_limits.h"
#include "loop.h"
#include "proto.h"
#include "restricted.h"

struct tj_seccomp;
struct tj_relay;

struct shared_build;

struct tj_sandbox {
	const struct tj_config *cfg;
	char **argv;          /* the runner's command (init_plan.argv) */
	char **envp;          /* the runner's environment */
	char **scrub_argv;    /* the supervisor's original argv/envp: init */
	char **scrub_envp;    /* zeroes them so /proc/1 shows nothing */
	int log_fd;

	int sync_sv, sync_child;       /* status, errors, fds */
	int relay_sv, relay_child;     /* net relay: RELAY_READY -> init */
	int events_sv, events_child;   /* guard -> supervisor: deny lines; -1 without a listener */
	int pidfd;
	pid_t pid;                     /* init, in the supervisor's pid ns */
	pid_t maker_pid;               /* net relay: the socket maker (sandbox_socket), 0 before */
	int maker_sv, maker_child, maker_pidfd;
	int maker_ns[2];               /* init's user and net namespaces, opened before GO */
	bool maker_ready;              /* the maker said it is in them */
	int home_net;                  /* root caller: our own netns, for direct_socket; else -1 */
	bool direct_lo_up;
	int sigfd;
	int timerfd;                   /* --timeout; -1 without one */
	struct tj_loop *loop;
	struct tj_seccomp *seccomp;    /* compiled before clone; NULL: "none" */
	struct tj_limits limits;       /* memory, pids, cpu (limits.h) */
	struct tj_relay *relay;        /* net relay; NULL otherwise */
	uid_t outer_uid;               /* the host ids the sandbox's 65532 maps to */
	gid_t outer_gid;

	bool restricted;               /* the restricted tier (restricted.h): no namespaces */
	bool ns_refused;               /* clone failed because the host refuses namespaces */
	struct tj_restricted rs;

	bool have_error;
	struct proto_msg error;
	bool have_exit;
	int wstatus;
	bool init_gone;
	uint64_t t_start_ns;
	bool timed_out;                /* --timeout expired: SIGTERM sent */
	bool timeout_killed;           /* ... and the grace too: SIGKILL */
	bool build_timed_out;          /* ... while init was building (the shared mode) */

	struct shared_build *shared;   /* the shared mode (pid1.h), or NULL: init is a fork */
	char *saved_strings;           /* shared mode: the argv/envp strings init zeroes, restored */
	size_t saved_len;
	int dumpable_before;
	bool no_shared;                /* the shared mode was tried and init's exec refused: fork */
	bool shared_exec_failed;
	int shared_exec_errno;
};

/* Runs cfg->argv in a new sandbox and waits for it. *exit_code gets the
 * status taskjail should exit with. Returns 0 when the sandbox ran (even if
 * the command failed) or -errno when it could not be set up. */
int sandbox_run(const struct tj_config *cfg, char **scrub_argv, char **scrub_envp,
		int log_fd, int *exit_code, struct tj_error *err);

/* Returns a socket created inside the sandbox's network namespace (init
 * makes it and passes it out); the supervisor may bind/listen/connect it. */
int sandbox_socket(struct tj_sandbox *sb, int family, int type, struct tj_error *err);


