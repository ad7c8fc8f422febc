#!/usr/bin/env bash
# The demo behind `./run demo`: sentinel issuing and refusing credentials to the AWS CLI v2,
# against moto (a local AWS emulator) on a free loopback port. Everything lives in a
# temporary HOME that is removed at the end.
set -euo pipefail

sentinel=${SENTINEL_BIN:?SENTINEL_BIN must name the sentinel binary}
aws=/usr/bin/aws
demo_home=$(mktemp -d -t sentinel-demo.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
endpoint="http://127.0.0.1:$port"

python3 -m moto.server -H 127.0.0.1 -p "$port" >"$demo_home/moto.log" 2>&1 &
moto_pid=$!
cleanup() {
  kill "$moto_pid" 2>/dev/null || true
  wait "$moto_pid" 2>/dev/null || true
  rm -rf "$demo_home"
}
trap cleanup EXIT

for _ in $(seq 1 100); do
  curl -fs "$endpoint/moto-api/" >/dev/null 2>&1 && break
  sleep 0.1
done

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; }

export HOME=$demo_home
export AWS_CONFIG_FILE=$HOME/.aws/config
export AWS_SHARED_CREDENTIALS_FILE=$HOME/.aws/credentials
export AWS_ENDPOINT_URL=$endpoint  # sentinel honours it, as current SDKs do
mkdir -p "$HOME/.aws" "$HOME/.config/sentinel"

step "Three IAM users in the emulator: alice (a developer), eve (a contractor), carol (a lead)"
admin=(env AWS_ACCESS_KEY_ID=AKIADEMOADMIN0000000 AWS_SECRET_ACCESS_KEY=demo AWS_REGION=eu-west-1)
keys() {
  "${admin[@]}" "$aws" --endpoint-url "$endpoint" iam create-user --user-name "$1" >/dev/null
  "${admin[@]}" "$aws" --endpoint-url "$endpoint" iam create-access-key --user-name "$1" \
    --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text
}
read -r alice_key alice_secret < <(keys alice)
read -r eve_key eve_secret < <(keys eve)
read -r carol_key carol_secret < <(keys carol)
cat >"$AWS_SHARED_CREDENTIALS_FILE" <<CREDS
[alice]
aws_access_key_id = $alice_key
aws_secret_access_key = $alice_secret
[default]
aws_access_key_id = $alice_key
aws_secret_access_key = $alice_secret
[eve]
aws_access_key_id = $eve_key
aws_secret_access_key = $eve_secret
[carol]
aws_access_key_id = $carol_key
aws_secret_access_key = $carol_secret
CREDS
echo "created alice ($alice_key), eve ($eve_key) and carol ($carol_key)"

step "AWS config: the CLI asks sentinel for credentials (credential_process)"
cat >"$AWS_CONFIG_FILE" <<CONFIG
[profile dev]
role_arn = arn:aws:iam::123456789012:role/Developer
source_profile = alice
region = eu-west-1

[profile dev-eve]
role_arn = arn:aws:iam::123456789012:role/Developer
source_profile = eve
region = eu-west-1

[profile dev-gated]
credential_process = $sentinel credentials --profile dev
region = eu-west-1

[profile dev-eve-gated]
credential_process = $sentinel credentials --profile dev-eve
region = eu-west-1

[profile prod]
role_arn = arn:aws:iam::123456789012:role/Deployer
source_profile = alice
region = eu-west-1

[profile prod-gated]
credential_process = $sentinel credentials --profile prod
region = eu-west-1

[profile prod-db]
role_arn = arn:aws:iam::123456789012:role/DatabaseAdmin
source_profile = alice
region = eu-west-1

[profile prod-db-gated]
credential_process = $sentinel credentials --profile prod-db
region = eu-west-1
CONFIG
cat "$AWS_CONFIG_FILE"

step "The team's policy"
cat >"$HOME/.config/sentinel/policy.yaml" <<'POLICY'
version: "1"
rules:
  - name: contractors-not-in-dev
    effect: deny
    conditions: {users: [eve]}
    reason: contractors use the sandbox account
  - name: production-needs-approval
    effect: require_approval
    conditions: {profiles: [prod, prod-db]}
  - name: developers
    effect: allow
    conditions:
      profiles: [dev, dev-eve]
      users: [alice]
    max_duration: 2h
approvals:
  - name: production-approvers
    profiles: [prod]
    approvers: [carol]
    max_duration: 4h
breakglass:
  - name: database-on-call
    profiles: [prod-db]
    users: [alice]
    reason_codes: [incident, security]
    max_duration: 1h
POLICY
cat "$HOME/.config/sentinel/policy.yaml"
show "sentinel policy validate"
"$sentinel" policy validate

step "alice: allowed. The AWS CLI runs as the role session sentinel issued"
show "aws sts get-caller-identity --profile dev-gated"
"$aws" --endpoint-url "$endpoint" sts get-caller-identity --profile dev-gated --output json

step "eve: refused. sentinel prints nothing on stdout, so the CLI gets no credentials"
show "aws sts get-caller-identity --profile dev-eve-gated"
if "$aws" --endpoint-url "$endpoint" sts get-caller-identity --profile dev-eve-gated \
  --output json; then
  echo "demo: eve was not refused" >&2
  exit 1
fi

step "alice through sentinel exec"
show "sentinel exec --profile dev -- aws sts get-caller-identity"
"$sentinel" exec --profile dev -- "$aws" --endpoint-url "$endpoint" sts get-caller-identity \
  --output json

aws_prod() {
  show "aws sts get-caller-identity --profile $1"
  "$aws" --endpoint-url "$endpoint" sts get-caller-identity --profile "$1" --output json
}
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }

step "Story 1: prod needs an approved request"
if aws_prod prod-gated; then
  echo "demo: prod was not refused" >&2
  exit 1
fi
show "sentinel request --profile prod --duration 30m --justification 'deploy release 2026.12.3'"
request=$("$sentinel" request --profile prod --duration 30m \
  --justification "deploy release 2026.12.3")
echo "$request"
request_id=$(json_field request_id <<<"$request")
show "sentinel --aws-profile carol approve $request_id --comment 'release approved'"
"$sentinel" --aws-profile carol approve "$request_id" --comment "release approved"
aws_prod prod-gated
show "sentinel check $request_id"
"$sentinel" check "$request_id"

step "Story 2: a break-glass emergency on prod-db, time-boxed, then closed"
if aws_prod prod-db-gated; then
  echo "demo: prod-db was not refused" >&2
  exit 1
fi
show "sentinel breakglass --profile prod-db --reason-code incident --duration 20m --justification '...'"
event=$("$sentinel" breakglass --profile prod-db --reason-code incident --duration 20m \
  --justification "primary database is down, customers cannot log in")
echo "$event"
event_id=$(json_field event_id <<<"$event")
aws_prod prod-db-gated
show "sentinel breakglass-close $event_id --reason 'database restored'"
"$sentinel" breakglass-close "$event_id" --reason "database restored"
if aws_prod prod-db-gated; then
  echo "demo: prod-db was not refused after the event was closed" >&2
  exit 1
fi

step "The decision log: every decision, allow or deny, and every lifecycle event"
cat "$HOME/.local/state/sentinel/decisions.jsonl"
