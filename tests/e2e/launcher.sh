#!/bin/bash
# A minimal stand-in for n8n's task-runner-launcher (Go), doing what its
# lifecycle does for one runner, so the e2e test can run without downloading
# the launcher from GitHub:
#   GET <broker>/healthz until 200, POST <broker>/runners/auth {"token": AUTH}
#   -> grant token, start the runner with the launcher's environment rules,
#   forward SIGTERM, wait.
# Like the real launcher it keeps N8N_RUNNERS_AUTH_TOKEN in its own
# environment (/proc/<pid>/environ): the leak probe looks for it there.
#
#   launcher.sh bare|taskjail LAUNCHER_CONFIG RUNNER_TYPE [taskjail options...]
# TJ_E2E_LAZY=N: start the runner lazily, as the real launcher does, up to N
# times: handshake with the broker (lazy-handshake.js: offer a task, defer
# the one it gets), then fetch a grant token and start the runner; when the
# runner exits (its idle timeout), start over. Each runner's end is logged as
# "lazy: cycle K pid P exit S".
# bare: env built here as PrepareRunnerEnv does (jq-free: the caller passes
# the runner's command line and allowed env in RUNNER_CMD / RUNNER_ENV).
set -u
mode=$1 lc=$2 type=$3
shift 3
: "${N8N_RUNNERS_AUTH_TOKEN:?}" "${N8N_RUNNERS_TASK_BROKER_URI:?}"
broker=$N8N_RUNNERS_TASK_BROKER_URI

# The runner dies with this launcher even when it is SIGKILLed.
PDEATH=
setpriv --help 2>/dev/null | grep -q -- --pdeathsig && PDEATH="setpriv --pdeathsig KILL --"
child='' stop=''
trap 'stop=1; [ -n "$child" ] && kill -TERM "$child"' TERM INT

fetch_grant() {
	for _ in $(seq 1 600); do
		curl -sf -o /dev/null "$broker/healthz" && break
		sleep 0.1
	done
	grant=$(curl -sf -X POST -H 'content-type: application/json' \
		-d "{\"token\":\"$N8N_RUNNERS_AUTH_TOKEN\"}" "$broker/runners/auth" |
		sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
	[ -n "$grant" ] || { echo "launcher: no grant token from $broker/runners/auth" >&2; exit 1; }
}

start_runner() { # sets child
	if [ "$mode" = taskjail ]; then
		# taskjail builds the runner's env from the launcher file itself.
		N8N_RUNNERS_GRANT_TOKEN=$grant $PDEATH "${TASKJAIL:?}" run --launcher-config "$lc" \
			--runner-type "$type" "$@" &
	else
		# Bare: the launcher's env rules, by hand (RUNNER_ENV: NAME=VALUE lines).
		mapfile -t extra < <(printf '%s\n' "${RUNNER_ENV:-}" | sed '/^$/d')
		# shellcheck disable=SC2086
		$PDEATH env -i PATH="$PATH" LANG="${LANG:-C.UTF-8}" "${extra[@]}" \
			N8N_RUNNERS_AUTO_SHUTDOWN_TIMEOUT="${N8N_RUNNERS_AUTO_SHUTDOWN_TIMEOUT:-15}" \
			N8N_RUNNERS_TASK_TIMEOUT="${N8N_RUNNERS_TASK_TIMEOUT:-60}" \
			${N8N_RUNNERS_GRACEFUL_SHUTDOWN_TIMEOUT:+N8N_RUNNERS_GRACEFUL_SHUTDOWN_TIMEOUT=$N8N_RUNNERS_GRACEFUL_SHUTDOWN_TIMEOUT} \
			N8N_RUNNERS_TASK_BROKER_URI="$broker" N8N_RUNNERS_GRANT_TOKEN="$grant" \
			N8N_RUNNERS_HEALTH_CHECK_SERVER_ENABLED=true \
			N8N_RUNNERS_HEALTH_CHECK_SERVER_PORT="${RUNNER_HEALTH_PORT:?}" \
			${RUNNER_CMD:?} &
	fi
	child=$!
}

wait_child() { # sets st
	wait "$child"
	st=$?
	# A TERM arrived while waiting: wait for the runner's drain to finish.
	kill -0 "$child" 2>/dev/null && wait "$child"
}

if [ -z "${TJ_E2E_LAZY:-}" ]; then
	fetch_grant
	date +%s%N > "${TJ_E2E_T0_FILE:-/dev/null}"
	start_runner "$@"
	wait_child
	exit $st
fi

for k in $(seq 1 "$TJ_E2E_LAZY"); do
	fetch_grant
	N8N_MODULES=${N8N_MODULES:?} $PDEATH "${TJ_E2E_NODE:?}" "$(dirname "$0")/lazy-handshake.js" \
		"$broker" "$grant" 300 &
	child=$!
	wait_child
	[ -n "$stop" ] && exit 143
	[ "$st" = 0 ] || { echo "launcher: handshake failed ($st)" >&2; exit 1; }
	# The real launcher fetches a second grant for the runner (the first was
	# spent on the handshake's connection).
	fetch_grant
	start_runner "$@"
	wait_child
	echo "lazy: cycle $k pid $child exit $st"
	[ -n "$stop" ] && exit "$st"
done
exit 0
