#!/usr/bin/env bash
# shellcheck disable=SC2016 # the sh -c scripts are single-quoted on purpose: they expand in the container
# The image test (`make image-test`, after `make image`): run the kafkit image the way
# deploy/kafka-client.yaml runs it in Kubernetes — the image's own non-root user, a read-only root
# filesystem with only /tmp writable, no capabilities, no privilege escalation, KAFKIT_BROKERS in
# the environment — against the real test cluster, over host networking.
#
#   kubectl apply / exec workflow  ->  podman run -d (idle: sleep infinity) + podman exec
#   kubectl run --rm -it ... -- kafkit ...  ->  podman run --rm IMAGE kafkit ...
#
# Every check runs even after a failure; each failure names what was run, what was expected and
# what came back. Exit 0 only when every check passed. The containers and the test topic are
# removed on every exit path.
set -uo pipefail

IMAGE=${IMAGE:-localhost/kafkit:dev}
PODMAN=${PODMAN:-podman}
read -r -a podman_flags <<<"${PODMAN_FLAGS---runtime /usr/sbin/runc --cgroup-manager=cgroupfs}"
read -r -a run_flags <<<"${PODMAN_RUN_FLAGS---ulimit nofile=4096:4096 --ulimit nproc=4096:4096}"
BROKERS=${KAFKIT_E2E_BROKERS:-127.0.0.1:19092,127.0.0.1:29092,127.0.0.1:31092}
SASL_BROKERS=${KAFKIT_E2E_SASL_BROKERS:-127.0.0.1:19093,127.0.0.1:29093,127.0.0.1:31093}
SASL_USER=${KAFKIT_E2E_SASL_USER:-kafkit}
SASL_PASSWORD=${KAFKIT_E2E_SASL_PASSWORD:-kafkit-secret}
MAX_MB=${IMAGE_MAX_MB:-20}
# One podman call may take this long (a hung broker must not hang the test).
STEP_TIMEOUT=${IMAGE_TEST_STEP_TIMEOUT:-120}

# The pod's restrictions (see deploy/kafka-client.yaml). The user is the image's own (USER 1001):
# no --user here, so the test proves the image default.
# shellcheck disable=SC2054 # the commas belong to --tmpfs's value
secure=(--network host --read-only --read-only-tmpfs=false --tmpfs /tmp:rw,mode=1777,size=64m
	--cap-drop ALL --security-opt no-new-privileges)

name="kafkit-image-test-$$"
topic="kafkit-image-test-$(date +%s)-$$"
tmpdir=$(mktemp -d)
passed=0
failed=0

podman_() { timeout "$STEP_TIMEOUT" "$PODMAN" "${podman_flags[@]}" "$@"; }

# One-shot container, the `kubectl run --rm -i --image IMAGE -- CMD...` form. stdin is passed on.
oneshot() {
	# Named after the test so that cleanup finds it even when podman was killed by the timeout.
	podman_ run --rm -i --name "$name-run-$RANDOM" "${run_flags[@]}" "${secure[@]}" -e KAFKIT_BROKERS="$BROKERS" "$@"
}

# A command in the idle container, the `kubectl exec -i POD -- CMD...` form. stdin is passed on.
inpod() { podman_ exec -i "$name" "$@"; }

cleanup() {
	if [ -n "${started:-}" ]; then
		inpod kafkit topic delete "$topic" --if-exists </dev/null >/dev/null 2>&1 || true
	fi
	local ids
	ids=$(podman_ ps -a -q --filter "name=^$name" 2>/dev/null)
	# shellcheck disable=SC2086 # one id per word
	[ -z "$ids" ] || podman_ rm -f -t 0 $ids >/dev/null 2>&1 || true
	rm -rf "$tmpdir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pass() {
	passed=$((passed + 1))
	echo "ok   $1"
}

fail() {
	failed=$((failed + 1))
	echo "FAIL $1"
	shift
	local line
	for line in "$@"; do printf '       %s\n' "$line"; done
}

# check NAME EXPECTED CMD... : CMD must exit 0 and print exactly EXPECTED on stdout.
# EXPECTED '*' accepts any output. CMD reads the caller's stdin (podman -i passes it on): callers
# give </dev/null unless they feed records.
check() {
	local what=$1 want=$2
	shift 2
	local out err rc
	out=$("$@" 2>"$tmpdir/err")
	rc=$?
	err=$(head -c 2000 "$tmpdir/err")
	if [ "$rc" -ne 0 ]; then
		fail "$what" "command: $*" "exit code $rc (want 0)" "stdout: ${out:0:2000}" "stderr: $err"
	elif [ "$want" != '*' ] && [ "$out" != "$want" ]; then
		fail "$what" "command: $*" "stdout: $out" "want:   $want" "stderr: $err"
	else
		pass "$what"
	fi
	LAST_OUT=$out
}

# check_exit NAME CODE CMD... : CMD must exit with CODE.
check_exit() {
	local what=$1 want=$2
	shift 2
	local out rc
	out=$("$@" 2>&1 </dev/null)
	rc=$?
	if [ "$rc" -eq "$want" ]; then pass "$what"; else fail "$what" "command: $*" "exit code $rc (want $want)" "output: ${out:0:2000}"; fi
}

echo "image-test: $IMAGE against $BROKERS"

if ! podman_ image exists "$IMAGE"; then
	echo "image-test: image $IMAGE not found: run 'make image' first" >&2
	exit 1
fi

# --- the image itself ---
size=$(podman_ image inspect --format '{{.Size}}' "$IMAGE")
if [ "$size" -lt $((MAX_MB * 1000 * 1000)) ]; then
	pass "image size $((size / 1000))kB is under ${MAX_MB} MB"
else
	fail "image size under ${MAX_MB} MB" "$IMAGE is $size bytes"
fi
check "no ENTRYPOINT, CMD sleep infinity (idle by default, any command runs as given)" \
	'null ["sleep","infinity"]' \
	podman_ image inspect --format '{{json .Config.Entrypoint}} {{json .Config.Cmd}}' "$IMAGE"

# --- the idle pod: podman run -d + podman exec, as kubectl apply + kubectl exec ---
# GOMEMLIMIT as the pod sets it from its memory limit (256Mi).
if podman_ run -d --name "$name" "${run_flags[@]}" "${secure[@]}" -e KAFKIT_BROKERS="$BROKERS" \
	-e GOMEMLIMIT=268435456 "$IMAGE" >"$tmpdir/run.out" 2>&1; then
	started=1
	sleep 1
	check "idle container keeps running (busybox sleep infinity)" true \
		podman_ inspect --format '{{.State.Running}}' "$name"
else
	fail "start the idle container" "$(cat "$tmpdir/run.out")"
fi

check "runs as uid 1001" 1001 inpod id -u </dev/null
check "runs as gid 1001" 1001 inpod id -g </dev/null
check "user name kafkit from /etc/passwd" kafkit inpod id -un </dev/null
check "HOME is /home/kafkit and the working directory" "/home/kafkit /home/kafkit" \
	inpod sh -c 'echo "$HOME $(pwd)"' </dev/null
check "root filesystem is read-only, /tmp is writable" $'ro-root\ntmp-ok' \
	inpod sh -c 'if touch /probe 2>/dev/null || touch "$HOME/probe" 2>/dev/null; then echo rw-root; else echo ro-root; fi
		echo x >/tmp/probe && echo tmp-ok' </dev/null
check "shell and core utilities are there" "" \
	inpod sh -c 'for c in sh ls cat echo sleep env head tail grep wc sort tr cut id timeout; do
		command -v "$c" >/dev/null || echo "missing: $c"; done' </dev/null
check "CA bundle has certificates" ok \
	inpod sh -c 'n=$(grep -c "BEGIN CERTIFICATE" /etc/ssl/certs/ca-certificates.crt) && [ "$n" -gt 100 ] && echo ok' </dev/null
check "kafkit is on PATH" /usr/local/bin/kafkit inpod sh -c 'command -v kafkit' </dev/null
check "kafkit version" '*' inpod kafkit version </dev/null

# KAFKIT_BROKERS comes from the container environment, as in the pod: no flags.
check "kafkit cluster info (exec, KAFKIT_BROKERS from the environment)" '*' \
	inpod kafkit cluster info </dev/null
brokers_seen=$(grep -cE '127\.0\.0\.1:(19092|29092|31092)' <<<"$LAST_OUT")
if [ "$brokers_seen" -eq 3 ]; then pass "cluster info lists the 3 brokers"; else
	fail "cluster info lists the 3 brokers" "saw $brokers_seen of 3 in:" "$LAST_OUT"; fi

# --- the round trip: create, produce, consume, pipelines, delete ---
check "topic create $topic -p 3 -r 3" '*' inpod kafkit topic create "$topic" -p 3 -r 3 </dev/null
check "produce 3 keyed records from stdin" '*' \
	inpod kafkit produce "$topic" -K : < <(printf 'k1:v1\nk2:v2\nk3:v3\n')
check "consume them back from the start (--print key --separator :)" $'k1:v1\nk2:v2\nk3:v3' \
	inpod sh -c 'timeout 60 kafkit consume "$1" -o start -e --print key --separator : | sort' sh "$topic" </dev/null
check "sh -c pipeline: topic list | cut | grep | wc" 1 \
	inpod sh -c 'set -o pipefail; kafkit topic list --no-headers | cut -d" " -f1 | grep -x "$1" | wc -l' sh "$topic" </dev/null
check "sh -c pipeline: consume | head ends the consumer with exit 0 and no message" 2 \
	inpod sh -c 'set -o pipefail; timeout 60 kafkit consume "$1" -o start 2>/tmp/consume.err | head -n 2 | wc -l
		cat /tmp/consume.err' sh "$topic" </dev/null
check "kafka-topics.sh --list from PATH finds the topic (compat links)" "$topic" \
	inpod sh -c 'kafka-topics.sh --bootstrap-server "$1" --list --topic "$2"' sh "$BROKERS" "$topic" </dev/null
check "/opt/bitnami/kafka/bin/kafka-topics.sh --describe (the seed's form)" '*' \
	inpod /opt/bitnami/kafka/bin/kafka-topics.sh --describe --topic "$topic" --bootstrap-server "$BROKERS" </dev/null
check "/opt/kafka/bin/kafka-console-consumer.sh reads the records (Apache image form)" $'k1-v1\nk2-v2\nk3-v3' \
	inpod sh -c '/opt/kafka/bin/kafka-console-consumer.sh --bootstrap-server "$1" --topic "$2" --from-beginning --max-messages 3 --property print.key=true --property key.separator=- | sort' sh "$BROKERS" "$topic" </dev/null
check "sh -c pipeline: cluster info -o json | grep" '"cluster_id":' \
	inpod sh -c 'set -o pipefail; kafkit cluster info -o json | grep -o "\"cluster_id\":" | head -n 1' </dev/null

# --- the one-shot form: kubectl run kafkit --rm -it --image IMAGE -- kafkit ... ---
check "one-shot: kafkit consume -n 3 in a fresh container" $'v1\nv2\nv3' \
	oneshot "$IMAGE" sh -c 'timeout 60 kafkit consume "$1" -o start -n 3 | sort' sh "$topic" </dev/null
check "one-shot: kafkit cluster info" '*' oneshot "$IMAGE" kafkit cluster info </dev/null
check_exit "one-shot: exit codes pass through (usage error = 2)" 2 \
	oneshot "$IMAGE" kafkit cluster info -o no-such-format

# SASL as in the pod's optional block: user in the environment, password in a mounted file
# (the Bitnami chart's kafka-user-passwords secret, key client-passwords).
mkdir -p "$tmpdir/sasl"
printf '%s' "$SASL_PASSWORD" >"$tmpdir/sasl/client-passwords"
chmod 0755 "$tmpdir" "$tmpdir/sasl"
chmod 0644 "$tmpdir/sasl/client-passwords"
check "one-shot: SASL/SCRAM with the password from a mounted secret file" '*' \
	oneshot -v "$tmpdir/sasl:/etc/kafka-user-passwords:ro" \
	-e KAFKIT_SASL_USER="$SASL_USER" -e KAFKIT_SASL_PASSWORD_FILE=/etc/kafka-user-passwords/client-passwords \
	"$IMAGE" kafkit -b "$SASL_BROKERS" cluster info </dev/null

check "topic delete $topic" '*' inpod kafkit topic delete "$topic" </dev/null

echo "image-test: $passed passed, $failed failed"
if [ "$failed" -ne 0 ]; then
	echo "image-test: FAILED: see the FAIL lines above (the test cluster must be up at $BROKERS: make cluster-up)" >&2
	exit 1
fi
