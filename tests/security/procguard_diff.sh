#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Differential test of the /proc guard: what a task gets from every path of
# a broad corpus (/proc/self, /proc/1, another sandbox pid, /proc/sys,
# /proc/sysvipc, /proc/net, top-level /proc files, /dev) under proc_guard
# "strict" must equal what the kernel gives it under "namespace" with the
# same policy (result and, where stable, content), except the files the guard
# denies, which give EACCES. Run without and with a controlling terminal
# (script(1)): the guard opens as the sandbox, never with the caller's
# terminal, namespaces or capabilities.
. "$TJ_SRC/tests/lib.sh"
. "$(dirname "$0")/lib/procguard.sh"

PY=/usr/bin/python3
[ -x $PY ] || { skip "procguard differential" "no $PY"; done_testing; }
lib="$TJ_SRC/tests/security/lib"
# Same-length profile names: in fork mode init's zeroed argv shows in
# /proc/1/cmdline (procdiff-compare.py: its content is not compared).
pg_lib_profile namespace default pd-N >/dev/null
pg_lib_profile strict default pd-S >/dev/null
probe() { # MODE(N|S) OUT [tty]
	local cmd=("$TASKJAIL" run --profile "$TJ_WORK/pd-$1.json" -- $PY /opt/tjl/procdiff.py)
	if [ "${3:-}" = tty ]; then
		# script(1) gives taskjail a terminal as its controlling tty
		script -qec "$(printf '%q ' "${cmd[@]}") >$2 2>$2.err" /dev/null </dev/null >/dev/null
	else
		setsid "${cmd[@]}" >"$2" 2>"$2.err" </dev/null
	fi
}
for tty in notty tty; do
	if [ $tty = tty ] && ! command -v script >/dev/null; then
		skip "differential with a terminal" "no script(1)"; continue
	fi
	d="$TJ_WORK/$tty"; mkdir -p "$d"
	probe N "$d/ns1" $tty; probe N "$d/ns2" $tty; probe S "$d/st" $tty; probe N "$d/ns3" $tty
	n=$(wc -l <"$d/st")
	[ "$n" -gt 1000 ] && ok "$tty: strict probe read $n paths" || {
		not_ok "$tty: strict probe read only $n paths"; diag "$(head -5 "$d/st.err")"; }
	if res=$($PY "$lib/procdiff-compare.py" "$d/ns1" "$d/ns2" "$d/st" "$d/ns3"); then
		ok "$tty: strict equals namespace on every path but the guard's denials ($(tail -1 <<<"$res"))"
	else
		not_ok "$tty: strict differs from namespace"
		while read -r l; do diag "$l"; done < <(head -30 <<<"$res")
	fi
	# The leaks the guard had when it opened as the supervisor.
	for p in /dev/tty /proc/sysvipc/shm /proc/key-users /proc/sys/user/max_user_namespaces \
		 /proc/self/pagemap /proc/iomem /proc/self/stack; do
		a=$(grep -P "^\Q$p\E\t" "$d/ns1" | cut -f2-) b=$(grep -P "^\Q$p\E\t" "$d/st" | cut -f2-)
		if [ -n "$a" ] && [ "$a" = "$b" ]; then ok "$tty: $p: strict as namespace ($b)"
		else not_ok "$tty: $p: namespace '$a', strict '$b'"; fi
	done
done
done_testing
