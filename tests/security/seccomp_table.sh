#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Table-driven seccomp test (libseccomp's simulator tables, bubblewrap's
# try-syscall): every (syscall, args) row is executed for real by
# tests/helpers/try-syscall, first WITHOUT a filter, then under each shipped
# policy. A deny row passes only if
#   - without the filter the call succeeds or fails differently, and
#   - under the filter it fails with the expected errno;
# when the kernel itself already gives that errno without the filter (a
# capability check as uid 65534), the filter must prove it answered by
# logging the denial (--log-denials).
# Part 1 drives the filter alone (tests/tools/seccomp-exec: the real
# seccomp_prepare/seccomp_install); part 2 goes through `taskjail run`.
. "$TJ_SRC/tests/lib.sh"

TRY=$TJ_HELPERS/try-syscall
EXEC=$TJ_HELPERS/seccomp-exec
POL=$TJ_SRC/policies

# The prlimit64 rows only read a limit (new = NULL): part 1 runs them
# without a sandbox, where pid 1 is the host's init. Setting one is
# tests/security/seccomp_prlimit.sh's job, inside the sandbox only.
# expected  syscall and args
TABLE=$(cat <<'EOF'
EPERM        mount bad bad bad 0 0
EPERM        umount2 bad 0
EPERM        pivot_root bad bad
EPERM        chroot bad
EPERM        unshare 0x10000000
EPERM        setns -1 0
EPERM        keyctl 0 -3 0
EPERM        add_key bad bad bad 0 0
EPERM        request_key bad bad bad 0
EPERM        bpf 0 bad 8
EPERM        perf_event_open bad 0 -1 -1 0
EPERM        userfaultfd 1
EPERM        ptrace 0xdead 0 0 0
EPERM        process_vm_readv self bad 1 bad 1 0
EPERM        process_vm_writev self bad 1 bad 1 0
EPERM        pidfd_getfd -1 0 0
EPERM        open_by_handle_at -1 bad 0
EPERM        name_to_handle_at -100 bad bad bad 0
EPERM        io_uring_setup 1 bad
EPERM        io_uring_enter -1 0 0 0 0 0
EPERM        io_uring_register -1 0 0 0
EPERM        kexec_load 0 0 0 0
EPERM        kexec_file_load -1 -1 0 0 0
EPERM        init_module bad 0 bad
EPERM        finit_module -1 bad 0
EPERM        delete_module bad 0
EPERM        swapon bad 0
EPERM        swapoff bad
EPERM        reboot 0 0 0 0
EPERM        acct bad
EPERM        settimeofday bad bad
EPERM        clock_settime 0 bad
EPERM        adjtimex bad
EPERM        clock_adjtime 0 bad
EPERM        syslog 10 0 0
EPERM        iopl 0
EPERM        ioperm 0 0 0
EPERM        kcmp self self 0 0 0
EPERM        fsopen bad 0
EPERM        seccomp 0xff 0 0
ENOSYS       personality 0x400000
EPERM        socket 16 3 9
EAFNOSUPPORT socket 17 3 0
EAFNOSUPPORT socket 40 1 0
EPERM        clone 0x10000011 0 0 0 0
EPERM        clone 0x20000011 0 0 0 0
EPERM        clone 0x40000011 0 0 0 0
ENOSYS       clone3 bad 88
EPERM        prlimit64 1 7 0 buf
EPERM        prlimit64 self 7 0 buf
EPERM        prlimit64 0x100000000 7 0 buf
OK           personality 0xffffffff
OK           socket 16 3 0
OK           socket 2 1 0
OK           socket 10 2 0
OK           socket 1 1 0
OK           clone 0x11 0 0 0 0
OK           getppid
OK           prlimit64 0 7 0 buf
EBADF        read -1 bad 1
EOF
)

# check_row RUNNER_NONE RUNNER_POLICY RUNNER_LOG POLICY EXPECTED ROW...
# The runners are functions taking "POLICY ROW..." and printing the result.
check_row() {
	local bare=$1 filt=$2 logged=$3 pol=$4 want=$5
	shift 5
	local row="$*" b f
	b=$($bare "$pol" "$@" 2>/dev/null)
	f=$($filt "$pol" "$@" 2>/dev/null)
	if [ "$f" != "$want" ]; then
		not_ok "$pol: $row -> $want"
		diag "under the filter: '$f'; without: '$b'"
		return
	fi
	if [ "$want" = OK ] || [ "$want" = EBADF ]; then
		# allowed rows: the filter must not change the answer
		is "$pol: $row allowed, same answer as without the filter" "$f" "$b"
		return
	fi
	if [ "$b" != "$want" ]; then
		ok "$pol: $row -> $want (without the filter: $b)"
		return
	fi
	# The kernel gives the same errno on its own here: require the
	# filter's denial log line for this syscall.
	local name=$1
	if $logged "$pol" "$@" | grep -q "\"event\":\"deny\",\"syscall\":\"$name\""; then
		ok "$pol: $row -> $want (kernel says $b too; the filter logged the denial)"
	else
		not_ok "$pol: $row -> $want: without the filter also $b and no denial logged"
	fi
}

# Part 1: the filter alone.
x_bare()   { shift; "$TRY" "$@"; }
x_filt()   { local p=$1; shift; "$EXEC" --quiet "$POL/$p.json" -- "$TRY" "$@"; }
x_logged() { local p=$1; shift; "$EXEC" --quiet --log-denials --log-fd 3 "$POL/$p.json" -- "$TRY" "$@" 3>&1 >/dev/null; }

for pol in default node python; do
	while read -r want row; do
		[ -n "$want" ] || continue
		# shellcheck disable=SC2086
		check_row x_bare x_filt x_logged "$pol" "$want" $row
	done <<<"$TABLE"
done

# Other ABIs: a filter that only knows the native table could be walked
# around through the 32-bit entry (int $0x80) or the x32 numbers. The
# shipped policies accept the native ABI only: anything else is killed
# (SIGSYS, exit 159), while without a filter the call goes through.
# A kernel without i386 emulation (CONFIG_IA32_EMULATION off, or
# ia32_emulation=0) answers int $0x80 with SIGSEGV before any filter runs:
# there is no attack to block, and the rows say so.
ia32=yes
if [ "$(uname -m)" = x86_64 ]; then
	"$TRY" int80:20 >/dev/null 2>&1
	[ $? = 139 ] && ia32=no
fi
if [ "$(uname -m)" = x86_64 ]; then
	for abi in "int80:20" "nr:$((0x40000000 + 39))"; do
		b=$("$TRY" "$abi" 2>/dev/null)
		if [ "$abi" = int80:20 ] && [ $ia32 = no ]; then
			skip "int \$0x80 (other ABI) rows" "no i386 emulation in this kernel: bare int \$0x80 is SIGSEGV"
			continue
		fi
		for pol in default node python; do
			"$EXEC" --quiet "$POL/$pol.json" -- "$TRY" "$abi" >/dev/null 2>&1
			rc=$?
			if [ "$rc" = 159 ] && [ -n "$b" ]; then
				ok "$pol: $abi (other ABI) killed by SIGSYS (without the filter: $b)"
			else
				not_ok "$pol: $abi (other ABI) killed by SIGSYS"
				diag "exit $rc; without the filter: '$b'"
			fi
		done
	done
fi

# Part 2: the same rows through taskjail run (namespaces, uid 65532, no
# capabilities, the runner installing the filter before execve).
H=/taskjail-helpers
t_bare()   { shift; "$TASKJAIL" run --seccomp none --bind-ro "$TJ_HELPERS:$H" -- "$H/try-syscall" "$@"; }
t_filt()   { local p=$1; shift; "$TASKJAIL" run --seccomp "$p" --bind-ro "$TJ_HELPERS:$H" -- "$H/try-syscall" "$@"; }
t_logged() { local p=$1; shift; "$TASKJAIL" run --seccomp "$p" --log-denials --log-fd 3 --bind-ro "$TJ_HELPERS:$H" -- "$H/try-syscall" "$@" 3>&1 >/dev/null; }

if out=$(t_bare x getppid 2>"$TJ_WORK/bare.err") && [ "$out" = OK ]; then
	while read -r want row; do
		[ -n "$want" ] || continue
		# shellcheck disable=SC2086
		check_row t_bare t_filt t_logged node "$want" $row
	done <<<"$TABLE"
	if [ "$(uname -m)" = x86_64 ] && [ $ia32 = no ]; then
		skip "taskjail run: int \$0x80 syscall kills the task" "no i386 emulation in this kernel"
	elif [ "$(uname -m)" = x86_64 ]; then
		t_filt node int80:20 >/dev/null 2>&1
		is "taskjail run: int \$0x80 syscall kills the task (128+SIGSYS)" "$?" "159"
	fi
else
	skip "taskjail run rows" "taskjail run does not work here: $out $(head -c 300 "$TJ_WORK/bare.err")"
fi

done_testing
