# SPDX-License-Identifier: Apache-2.0
# Shared by the procguard_*.sh tests (sourced after tests/lib.sh).
#
# pg_profile MODE   writes a profile for proc_guard MODE (namespace|strict|absent|self)
#                   that makes $TJ_HELPERS visible at /opt/tjh and prints its path.
#                   namespace, absent and self run without a seccomp policy, to show
#                   what the mount layer alone leaves open; strict runs with the
#                   default policy, as shipped.
pg_profile() {
	local mode=$1 f="$TJ_WORK/pg-$1.json"
	cat >"$f" <<JSON
{
  "binds": ["/usr", "/etc", "/bin", "/sbin", "/lib",
            { "src": "/lib64", "optional": true },
            { "src": "$TJ_HELPERS", "dst": "/opt/tjh" }],
  "tmpfs_size": "64M",
  "net": "none",
  "workdir": "/",
  "proc_guard": "$mode",
  "seccomp": "$( [ "$mode" = strict ] && echo default || echo none )"
}
JSON
	chmod 644 "$f"
	echo "$f"
}
# pg_run MODE CMD...  runs CMD bare (MODE=bare) or in taskjail with proc_guard MODE
pg_run() {
	local mode=$1; shift
	if [ "$mode" = bare ]; then
		"$@"
	else
		tj --profile "$(pg_profile "$mode")" -- "$@"
	fi
}
# the probe, as seen from where pg_run runs it
pg_probe() { if [ "$1" = bare ]; then echo "$TJ_HELPERS/proc-probe"; else echo /opt/tjh/proc-probe; fi; }
# pg_lib_profile MODE SECCOMP [NAME]  writes a profile (proc_guard MODE,
# seccomp SECCOMP) that makes tests/security/lib visible at /opt/tjl, for
# the python probes there, and prints its path.
pg_lib_profile() {
	local f="$TJ_WORK/${3:-lib-$1-$2}.json"
	cat >"$f" <<JSON
{ "binds": ["/usr", "/etc", "/bin", "/sbin", "/lib", { "src": "/lib64", "optional": true },
            { "src": "$TJ_SRC/tests/security/lib", "dst": "/opt/tjl" }],
  "tmpfs_size": "64M", "net": "none", "workdir": "/", "proc_guard": "$1", "seccomp": "$2" }
JSON
	chmod 644 "$f"
	echo "$f"
}
