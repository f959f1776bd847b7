#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The /proc guard against every evasion path of issue 5 (DESIGN §3): each
# technique of tests/helpers/proc-probe.c, against environ, mounts,
# mountinfo and mountstats, run three ways:
#   bare       no sandbox: shows the technique reads the secret
#   namespace  pid ns + fresh procfs only: shows which reads still leak
#   strict     procguard: every read is refused
#   absent     no procfs at all, no seccomp policy: nothing to read
#   self       Landlock: the runner's own pid files but the secrets, no
#              seccomp policy: every read refused
. "$TJ_SRC/tests/lib.sh"
. "$(dirname "$0")/lib/procguard.sh"

declare -A res leaks
for mode in bare namespace strict absent self; do
	out=$(pg_run "$mode" "$(pg_probe "$mode")" all 2>&1)
	while read -r verdict tech file why; do
		case $verdict in LEAK|BLOCKED) res[$mode/$tech/$file]="$verdict${why:+ $why}" ;; esac
	done <<<"$out"
	n=$(grep -c '^LEAK' <<<"$out")
	diag "$mode: $n reads leaked"
	leaks[$mode]=$n
	[ "$mode" != bare ] || [ "$n" -gt 0 ] || diag "bare output: $out"
done

# The probe must detect a leak where there is one, or strict proves nothing.
for t in self pid thread-self task other symlink-file symlink-dir dirfd-proc dirfd-pid \
	 opath-reopen openat2 openat2-in-root root-link cwd-link fd-link io_uring mem; do
	is "bare: $t environ leaks (the probe sees a real leak)" "${res[bare/$t/environ]:-}" "LEAK"
done
# What namespace mode leaves open: a process's own environ and mount table.
for t in self thread-self dirfd-pid symlink-file opath-reopen openat2 mem; do
	is "namespace: $t environ still leaks" "${res[namespace/$t/environ]:-}" "LEAK"
done
is "namespace: self mountinfo still leaks" "${res[namespace/self/mountinfo]:-}" "LEAK"
is "namespace: other process's environ still leaks" "${res[namespace/other/environ]:-}" "LEAK"

techs=$("$TJ_HELPERS/proc-probe" list)
for t in $techs; do
	for f in environ mounts mountinfo mountstats; do
		key=strict/$t/$f
		[ -n "${res[$key]:-}" ] || continue
		b=${res[bare/$t/$f]:-none}
		case ${res[$key]} in
		LEAK) not_ok "strict: $t $f is refused (bare: $b)" ;;
		"BLOCKED EACCES") ok "strict: $t $f -> EACCES (bare: ${b%% *})" ;;
		"BLOCKED ENOSYS")
			# io_uring is switched off rather than inspected; so is
			# openat2 with O_PATH (ADDFD cannot install O_PATH files)
			if [ "$t" = io_uring ] || [ "$t" = openat2-opath ]; then ok "strict: $t $f -> ENOSYS (bare: ${b%% *})"
			else not_ok "strict: $t $f -> ENOSYS"; fi ;;
		"BLOCKED EPERM")
			# open_by_handle_at is refused by the syscall filter
			if [ "$t" = handle ]; then ok "strict: $t $f -> EPERM from seccomp (bare: ${b%% *})"
			else not_ok "strict: $t $f -> EPERM"; fi ;;
		"BLOCKED EXDEV"|"BLOCKED EOPNOTSUPP")
			# the kernel refuses these in every mode (no hard links
			# across file systems, procfs has no file handles)
			if [ "${b%% *}" = BLOCKED ]; then ok "strict: $t $f -> ${res[$key]#BLOCKED } (kernel refuses bare too)"
			else not_ok "strict: $t $f -> ${res[$key]} but bare leaks"; fi ;;
		"BLOCKED ENOENT")
			# task/<tid>/mountstats does not exist in any mode
			if [ "$b" = "BLOCKED ENOENT" ]; then ok "strict: $t $f does not exist (bare: ENOENT too)"
			else not_ok "strict: $t $f -> ENOENT, bare: $b"; fi ;;
		*) not_ok "strict: $t $f -> ${res[$key]} (want EACCES)" ;;
		esac
	done
done
# Other syscall ABIs on x86-64 (i386 int 0x80 open, x32 openat): the filter
# checks the architecture and kills the process (SIGSYS, exit 159).
if [ "$(uname -m)" = x86_64 ]; then
	for t in int80 x32; do
		bare=$("$TJ_HELPERS/proc-probe" $t environ 2>&1)
		rc=$?
		if [ $t = int80 ] && [ $rc = 139 ]; then
			# no i386 emulation in this kernel: int $0x80 is SIGSEGV
			# before any filter runs, there is nothing to block
			skip "strict: int80 open kills the process with SIGSYS" "no i386 emulation (bare int \$0x80: SIGSEGV)"
			continue
		fi
		pg_run strict /opt/tjh/proc-probe $t environ >/dev/null 2>&1
		is "strict: $t open kills the process with SIGSYS (bare: $bare)" "$?" 159
		[ $t = int80 ] && like "bare: int80 environ leaks (i386 emulation is on)" "$bare" "^LEAK"
	done
fi

n=$(for k in "${!res[@]}"; do [[ $k == strict/* ]] && echo; done | wc -l)
[ "$n" -ge 150 ] && ok "strict: $n attempts reported" || not_ok "strict: only $n attempts reported"
n=$(for k in "${!res[@]}"; do [[ $k == absent/* ]] && echo; done | wc -l)
[ "$n" -ge 150 ] && ok "absent: $n attempts reported" || not_ok "absent: only $n attempts reported"
is "absent, without a seccomp policy: no read leaks (bare: ${leaks[bare]})" "${leaks[absent]}" 0
n=$(for k in "${!res[@]}"; do [[ $k == self/* ]] && echo; done | wc -l)
[ "$n" -ge 150 ] && ok "self: $n attempts reported" || not_ok "self: only $n attempts reported"
is "self, without a seccomp policy: no read leaks (bare: ${leaks[bare]})" "${leaks[self]}" 0
done_testing
