#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Launches leak nothing: TJ_SOAK (default 1 000; bench/soak.sh runs 10 000)
# sequential launches, a tenth of them with the /proc guard (a guard
# process, its sockets, the seccomp listener), then the same count 4 at a
# time; afterwards the caller has no extra fd or zombie, and the host no
# extra mount, network namespace, taskjail cgroup, System V IPC object or
# taskjail process.
. "$TJ_SRC/tests/lib.sh"
N=${TJ_SOAK:-1000}
snapshot() {
	echo "fds=$(ls /proc/$$/fd | wc -l)"
	echo "zombies=$(ps -eo stat=,ppid= | awk -v p=$$ '$1 ~ /^Z/ && $2 == p' | wc -l)"
	echo "mounts=$(wc -l < /proc/self/mountinfo)"
	# network namespaces that processes we can see are in
	echo "netns=$(for p in /proc/[0-9]*; do readlink "$p/ns/net" 2>/dev/null; done | sort -u | wc -l)"
	# cgroups of supervisors that are gone (live ones belong to other runs;
	# not kill -0: as an ordinary user it fails with EPERM for a live root
	# supervisor, whose cgroup was then counted as leaked)
	echo "cgroups=$(for d in $(find /sys/fs/cgroup -maxdepth 3 -name 'taskjail-*' -type d 2>/dev/null); do
		[ -d "/proc/${d##*taskjail-}" ] || echo "$d"; done | wc -l)"
	echo "ipc=$(ipcs -a 2>/dev/null | grep -c '^0x')"
	echo "procs=$(pgrep -fc "^$TASKJAIL run" || true)"
}
before=$(snapshot)
ok_runs=0
for i in $(seq "$N"); do
	if [ $((i % 10)) = 0 ]; then
		"$TASKJAIL" run --proc-guard strict -- /bin/true || break
	else
		"$TASKJAIL" run -- /bin/true || break
	fi
	ok_runs=$i
done
is "$N sequential launches succeed" "$ok_runs" "$N"
fails=0
for i in $(seq $((N / 4))); do
	pids=()
	for k in 1 2 3 4; do "$TASKJAIL" run -- /bin/true 2>"$TJ_WORK/c$k.err" & pids+=($!); done
	# wait for each pid (not wait -n, which can miss a job that ended early)
	for k in 1 2 3 4; do
		wait "${pids[$((k - 1))]}" && continue
		rc=$?
		fails=$((fails + 1))
		[ -s "$TJ_WORK/first-failure" ] ||
			{ echo "exit $rc: $(cat "$TJ_WORK/c$k.err")" >"$TJ_WORK/first-failure"; }
	done
done
is "$N launches, 4 at a time, succeed" "$fails" 0
[ -s "$TJ_WORK/first-failure" ] && diag "first failure: $(head -c 500 "$TJ_WORK/first-failure")"
sleep 0.5 # the last sandboxes' teardown
after=$(snapshot)
while read -r line; do
	k=${line%%=*}
	b=$(sed -n "s/^$k=//p" <<<"$before")
	# other work on the machine may end meanwhile: never more than before
	if [ "${line#*=}" -le "$b" ]; then ok "after $((2 * N)) launches: no leaked $k (${line#*=}, before $b)"
	else not_ok "after $((2 * N)) launches: leaked $k (${line#*=}, before $b)"; fi
done <<<"$after"
done_testing
