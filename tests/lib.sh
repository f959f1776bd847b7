# SPDX-License-Identifier: Apache-2.0
# TAP helpers for integration and security tests. Each script sources this,
# calls tap_* helpers and ends with `done_testing`. The plan is printed at the
# end (TAP allows that), so tests can be added without counting.
#
# Environment (set by tests/run-test.sh):
#   TASKJAIL        the binary under test
#   TJ_SRC          directory holding profiles/, policies/, tests/
#   TJ_MODE         root | user (who invoked taskjail)
#   TJ_HELPERS      directory of built test helper programs (tests/helpers)
#   TJ_WORK         a scratch directory, world-readable, removed afterwards
set -u
: "${TASKJAIL:?TASKJAIL must point at the taskjail binary}"
: "${TJ_SRC:?TJ_SRC must point at the source tree}"
TJ_HELPERS=${TJ_HELPERS:-}
TJ_MODE=${TJ_MODE:-$( [ "$(id -u)" = 0 ] && echo root || echo user )}
export TASKJAIL_PROFILE_DIR=${TASKJAIL_PROFILE_DIR:-$TJ_SRC/profiles}
export TASKJAIL_POLICY_DIR=${TASKJAIL_POLICY_DIR:-$TJ_SRC/policies}
TJ_WORK=${TJ_WORK:-$(mktemp -d /tmp/tj-work.XXXXXX)}
chmod 755 "$TJ_WORK" 2>/dev/null || true

_tap_n=0
_tap_failed=0

ok()     { _tap_n=$((_tap_n+1)); echo "ok $_tap_n - [$TJ_MODE] $*"; }
not_ok() { _tap_n=$((_tap_n+1)); _tap_failed=$((_tap_failed+1)); echo "not ok $_tap_n - [$TJ_MODE] $*"; }
skip()   { _tap_n=$((_tap_n+1)); echo "ok $_tap_n - [$TJ_MODE] $1 # SKIP ${2:-}"; }
diag()   { printf '# %s\n' "$*"; }

# check DESC CMD...  -- ok when CMD succeeds
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
# check_not DESC CMD...  -- ok when CMD fails
check_not() { local d=$1; shift; if "$@"; then not_ok "$d"; else ok "$d"; fi; }
# is DESC GOT WANT
is() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1"; diag "got:  '$2'"; diag "want: '$3'"; fi; }
# like DESC GOT REGEX
# like/unlike match the value with newlines folded to spaces.
like() { if printf '%s' "$2" | tr '\n' ' ' | grep -Eq -- "$3"; then ok "$1"; else not_ok "$1"; diag "got: '$2'"; diag "want match: '$3'"; fi; }
# like/unlike match the value with newlines folded to spaces.
unlike() { if printf '%s' "$2" | tr '\n' ' ' | grep -Eq -- "$3"; then not_ok "$1"; diag "got: '$2'"; diag "must not match: '$3'"; else ok "$1"; fi; }

# tj ARGS... -- runs taskjail with the minimal profile unless --profile given
tj() { "$TASKJAIL" run "$@"; }

done_testing() {
	rm -rf "$TJ_WORK" 2>/dev/null || true
	echo "1..$_tap_n"
	exit 0
}

is_root() { [ "$(id -u)" = 0 ]; }
