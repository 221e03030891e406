# tests/lib/lib.sh - helpers for the end-to-end stories in tests/e2e/.
#
# Sourced first by every tests/e2e/NNN-topic.sh. Each script gets its own temp
# directory, its own PostgreSQL cluster (initdb, unix socket only), its own
# fake upstream and its own `rabta serve`; a trap stops everything it started
# and removes the directory even when the script fails or is interrupted.
#
#   start_pg / stop_pg / restart_pg       throwaway PostgreSQL; DATABASE_URL
#   start_fake, fake_ctl, fake_fail,      the fake Graph/Gemini/invoicing API
#   fake_requests, fake_reset
#   conf_set KEY VALUE                    edit the copied config/rabta.conf
#   start_rabta [NAME [VAR=VALUE...]]     build/test/rabta serve, waits for /healthz
#   stop_rabta [NAME]                     SIGTERM; exit 0 and no sanitizer report
#   rabta_cli ARGS...                     a one-shot subcommand (migrate, staff ...)
#   sign FILE, post_webhook FILE [PATH [BASE]], post_with_header FILE HEADER [PATH]
#   psql_q SQL [psql args], wait_for SQL EXPECTED [SECS], wait_quiet [SECS],
#   wait_jobs KIND [SECS]                 no job of KIND left to run (leased counts)
#   prompt_text LANG KEY [NAME=VALUE...]  what the bot says, read from prompts/
#   prompt_line LANG KEY [NAME=VALUE...]  the same, lines joined by " / "
#   prompt_ere LANG KEY [NAME=ERE...]     the same as a regular expression
#   story_start [NAME [VAR=VALUE...]]     start_pg, start_fake, start_rabta
#   open_staff_windows                    every staff member writes once (windows open)
#   load_body FILE K PER CLIENTS PHONE8 NAME TEXTFMT   POST K of a load
#   ok, not_ok, check_eq, check_match, check_line, check_eventually, bail
#
# Lines printed: "ok - <script>: <case>" / "not ok - <script>: <case>", with
# details on "#" lines. The script exits non-zero when any case failed.

set -u
set -o pipefail

TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROOT=$(cd "$TESTS_DIR/.." && pwd)
# shared/ sits beside the repository in CI and at /work/shared here. Nothing
# below needs it: the fixtures and the fake's reference files are copied into
# tests/fixtures/.
SHARED=$(cd "$ROOT/../shared" 2>/dev/null && pwd || echo /work/shared)
FIX=$TESTS_DIR/fixtures
WA=$FIX/whatsapp
BUILD=$ROOT/build/test
RABTA_BIN=${RABTA_BIN:-$BUILD/rabta}
FAKE_BIN=${FAKE_BIN:-$BUILD/fake_upstream}
TEST_NAME=$(basename "$0" .sh)

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
if [ -z "${LSAN_OPTIONS:-}" ] && [ -f "$TESTS_DIR/lsan.supp" ]; then
    export LSAN_OPTIONS="suppressions=$TESTS_DIR/lsan.supp:print_suppressions=0"
fi

APP_SECRET=rabta-test-app-secret
VERIFY_TOKEN=rabta-verify-7f3c
PNID=110200300400500

T=$(mktemp -d "${TMPDIR:-/tmp}/rabta-$TEST_NAME.XXXXXX") || {
    echo "not ok - $TEST_NAME: setup: mktemp"
    exit 1
}
chmod 755 "$T"

_passed=0
_failed=0
_cleaned=0
PG_RUNNING=0
PGDATA_DIR=
FAKE_PID=
FAKE_URL=
RABTA_URL=
declare -A RABTA_PID=() RABTA_PORT=()

# ---- reporting ---------------------------------------------------------

ok() {
    _passed=$((_passed + 1))
    echo "ok - $TEST_NAME: $1"
}

# not_ok NAME [DETAIL...]: each detail on its own "#" line.
not_ok() {
    local name=$1 d
    shift
    _failed=$((_failed + 1))
    echo "not ok - $TEST_NAME: $name"
    for d in "$@"; do
        printf '%s\n' "$d" | head -n 40 | sed 's/^/#   /'
    done
}

check_eq() {
    if [ "$2" = "$3" ]; then
        ok "$1"
    else
        not_ok "$1" "expected: $3" "got:      $2"
    fi
}

# check_match NAME ACTUAL ERE
check_match() {
    if printf '%s' "$2" | grep -E -- "$3" >/dev/null; then
        ok "$1"
    else
        not_ok "$1" "expected to match: $3" "got: $2"
    fi
}

# check_line NAME LINES LINE: LINES (one message a line, as conv_sends lists
# them) has one that is exactly LINE.
check_line() {
    if printf '%s\n' "$2" | grep -xF -- "$3" >/dev/null; then
        ok "$1"
    else
        not_ok "$1" "expected a line: $3" "got: $2"
    fi
}

# Setup failed: nothing after this can mean anything.
bail() {
    not_ok "setup: $1" "${@:2}"
    exit 1
}

# ---- the registry the driver sweeps if a script dies without cleaning up --

_register() {
    if [ -n "${RABTA_TEST_REGISTRY:-}" ]; then
        echo "$*" >>"$RABTA_TEST_REGISTRY"
    fi
}

# ---- deadlines -------------------------------------------------------------

_now_ms() { echo $((${EPOCHREALTIME/./} / 1000)); }

# wait_until SECS CMD...: polls CMD until it succeeds or SECS pass.
wait_until() {
    local secs=$1 end
    shift
    end=$((${EPOCHREALTIME/./} / 1000 + secs * 1000))
    while :; do
        "$@" && return 0
        [ $((${EPOCHREALTIME/./} / 1000)) -ge "$end" ] && return 1
        sleep 0.1
    done
}

# ---- PostgreSQL ------------------------------------------------------------

_pg_bindir() {
    local d
    d=$(pg_config --bindir 2>/dev/null)
    if [ -n "$d" ] && [ -x "$d/initdb" ]; then
        echo "$d"
        return
    fi
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$d/initdb" ]; then
            echo "$d"
            return
        fi
    done
    d=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
    echo "$d"
}

# initdb refuses to run as root: the cluster belongs to an unprivileged user.
_pg_user() {
    if [ "$(id -u)" != 0 ]; then
        id -un
        return
    fi
    if ! id -u rabta-test >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin rabta-test \
            >/dev/null 2>&1 || true
    fi
    if id -u rabta-test >/dev/null 2>&1; then
        echo rabta-test
    else
        echo nobody
    fi
}

# as_pg CMD...: runs CMD as the cluster's owner, from a directory it can read.
as_pg() {
    if [ "$(id -u)" = 0 ]; then
        (cd "$PGROOT" && runuser -u "$PGUSER" -- "$@")
    else
        (cd "$PGROOT" && "$@")
    fi
}

start_pg() {
    PGBIN=$(_pg_bindir)
    [ -x "$PGBIN/initdb" ] || bail "no initdb (looked in pg_config --bindir, /usr/lib/postgresql)"
    PGUSER=$(_pg_user)
    PGROOT=$T/pg
    PGDATA_DIR=$PGROOT/data
    # No TCP port is opened; the number only names the socket file.
    PGPORT=$((20000 + RANDOM % 40000))
    mkdir -p "$PGROOT"
    if [ "$(id -u)" = 0 ]; then
        chown "$PGUSER" "$PGROOT"
    fi
    chmod 755 "$PGROOT"
    if [ -n "${RABTA_TEST_PGTEMPLATE:-}" ]; then
        _pg_from_template
    else
        _initdb
    fi
    cat >>"$PGDATA_DIR/postgresql.conf" <<EOF
# rabta tests
fsync = off
full_page_writes = off
listen_addresses = ''
unix_socket_directories = '$PGROOT'
port = $PGPORT
max_connections = 200
shared_buffers = 32MB
EOF
    _pg_ctl_start || bail "pg_ctl start failed" "$(tail -n 20 "$PGROOT/server.log")"
    _register "pg $PGDATA_DIR"
    psql -X -q -h "$PGROOT" -p "$PGPORT" -U postgres -d postgres \
        -c 'CREATE DATABASE rabta' >/dev/null || bail "CREATE DATABASE rabta failed"
    DATABASE_URL="host=$PGROOT port=$PGPORT dbname=rabta user=postgres"
}

_initdb() {
    as_pg "$PGBIN/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust --encoding=UTF8 \
        --locale=C --no-sync >"$PGROOT/initdb.log" 2>&1 ||
        bail "initdb failed" "$(tail -n 20 "$PGROOT/initdb.log")"
}

# tests/run sets RABTA_TEST_PGTEMPLATE: the first story to need a cluster runs
# initdb and keeps a copy of the untouched result there; every other one
# copies it (cp -a keeps the owner and modes) instead of running initdb again.
_pg_from_template() {
    local tpl=$RABTA_TEST_PGTEMPLATE
    if [ ! -f "$tpl/PG_VERSION" ]; then
        (
            flock 8
            if [ ! -f "$tpl/PG_VERSION" ]; then
                _initdb
                rm -rf "$tpl.tmp"
                cp -a "$PGDATA_DIR" "$tpl.tmp" && mv "$tpl.tmp" "$tpl"
            fi
        ) 8>"$tpl.lock"
        [ -d "$PGDATA_DIR" ] && return 0
    fi
    cp -a "$tpl" "$PGDATA_DIR" || bail "copying the cluster template $tpl failed"
}

_pg_ctl_start() {
    as_pg "$PGBIN/pg_ctl" -w -t 60 -D "$PGDATA_DIR" -l "$PGROOT/server.log" start \
        >/dev/null 2>&1 || return 1
    PG_RUNNING=1
}

# stop_pg [MODE]: fast (default) disconnects every client, as a crash or an
# operator restart would.
stop_pg() {
    as_pg "$PGBIN/pg_ctl" -w -t 60 -D "$PGDATA_DIR" -m "${1:-fast}" stop >/dev/null 2>&1
    local rc=$?
    PG_RUNNING=0
    return $rc
}

restart_pg() {
    _pg_ctl_start
}

# psql_q SQL [psql args]: unaligned, tuples only; SQL read from stdin so that
# -v name=value arguments interpolate (:'name').
psql_q() {
    local sql=$1
    shift
    psql -X -q -At -v ON_ERROR_STOP=1 -h "$PGROOT" -p "$PGPORT" -U postgres -d rabta "$@" \
        <<<"$sql"
}

# The polls of wait_for go through one psql session kept open (two fifos in
# $T, removed when it ends):
# a new psql for each poll, twenty a second, would cost more CPU than the
# rest of a story. Only the story's own shell uses it (in a subshell poll_q
# runs psql_q), and a session that died (PostgreSQL stopped or restarted) is
# started again at the next poll.
POLL_IN=
POLL_OUT=
POLL_PID=
POLL_AT=
POLL_ANSWER=
_poll_stop() {
    [ -n "$POLL_PID" ] || return 0
    exec {POLL_IN}>&- {POLL_OUT}<&-
    kill "$POLL_PID" 2>/dev/null
    wait "$POLL_PID" 2>/dev/null
    POLL_PID=
    rm -f "$T/poll_fifo_in" "$T/poll_fifo_out"
}
_poll_start() {
    _poll_stop
    rm -f "$T/poll_fifo_in" "$T/poll_fifo_out"
    mkfifo "$T/poll_fifo_in" "$T/poll_fifo_out" || return 1
    # stdin read-write (opening it never blocks); stdout once psql has it open.
    # psql keeps none of the story's other descriptors: a story that closes
    # its end of a fifo expects the reader to see the end of it (023's chats).
    exec {POLL_IN}<>"$T/poll_fifo_in"
    (
        for fd in /proc/$BASHPID/fd/*; do
            fd=${fd##*/}
            [ "$fd" -gt 2 ] && eval "exec $fd>&-"
        done
        exec psql -X -q -At -h "$PGROOT" -p "$PGPORT" -U postgres -d rabta
    ) <"$T/poll_fifo_in" >"$T/poll_fifo_out" 2>&1 &
    POLL_PID=$!
    _register "pid $POLL_PID psql"
    exec {POLL_OUT}<"$T/poll_fifo_out"
    POLL_AT=$PGROOT:$PGPORT
}
# poll_q SQL: sets POLL_ANSWER to what `psql_q SQL 2>&1` would print.
poll_q() {
    local line out= end=__rabta_poll_${RANDOM}${RANDOM}__
    if [ "$BASHPID" != "$$" ]; then
        POLL_ANSWER=$(psql_q "$1" 2>&1)
        return
    fi
    if [ -z "$POLL_PID" ] || [ "$POLL_AT" != "$PGROOT:$PGPORT" ] ||
        ! kill -0 "$POLL_PID" 2>/dev/null; then
        if ! _poll_start; then
            POLL_ANSWER=$(psql_q "$1" 2>&1)
            return
        fi
    fi
    # (this shell holds a read end of poll_fifo_in too: no SIGPIPE if psql is gone)
    printf '%s\n;\n\\echo %s\n' "$1" "$end" >&"$POLL_IN"
    while IFS= read -r -t 20 -u "$POLL_OUT" line; do
        if [ "$line" = "$end" ]; then
            POLL_ANSWER=${out%"${out##*[!$'\n']}"}
            return 0
        fi
        out+=$line$'\n'
    done
    # no end mark: the session ended (PostgreSQL went away) or hung; this
    # poll is asked the old way, the next one starts a new session
    _poll_stop
    POLL_ANSWER=$(psql_q "$1" 2>&1)
}

# wait_for SQL EXPECTED [SECS=30]: polls until the query prints EXPECTED.
# WAIT_LAST holds the last answer (for the failure message).
WAIT_LAST=
_wait_for_once() {
    poll_q "$1"
    WAIT_LAST=$POLL_ANSWER
    [ "$WAIT_LAST" = "$2" ]
}
wait_for() {
    wait_until "${3:-30}" _wait_for_once "$1" "$2"
}

# check_eventually NAME SQL EXPECTED [SECS]
check_eventually() {
    if wait_for "$2" "$3" "${4:-30}"; then
        ok "$1"
    else
        not_ok "$1" "query: $2" "expected: $3" "got:      $WAIT_LAST"
    fi
}

# Quiet: no event, send or due job left to do (a job due later, such as a
# reminder days away, does not count).
QUIET_SQL="SELECT (SELECT count(*) FROM inbound_events WHERE state = 'pending')
                + (SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending'))
                + (SELECT count(*) FROM jobs WHERE state = 'pending' AND run_at <= now())"
wait_quiet() {
    wait_for "$QUIET_SQL" 0 "${1:-60}"
}

# wait_jobs KIND [SECS=60]: waits until quiet and no job of KIND is pending,
# whether due, leased (a claim moves run_at two minutes ahead while its HTTP
# call runs) or waiting for a retry; wait_quiet alone ignores the last two.
# One query, so an event that becomes a job in between is not missed.
wait_jobs() {
    wait_for "SELECT ($QUIET_SQL) + (SELECT count(*) FROM jobs WHERE kind = '$1' AND state = 'pending')" \
        0 "${2:-60}"
}

# ---- prompts ---------------------------------------------------------------

# prompt_text LANG KEY [NAME=VALUE...]: the text of [KEY] in prompts/LANG/*.txt
# (the copy the running bot reads once start_rabta or conf_set made it, else
# the checkout's), with each {NAME} replaced by VALUE and {{ read as {, as the
# bot renders it. A story compares what the bot sent with this instead of a
# copy of the wording, so a reworded prompt does not break it. A missing key
# or a placeholder left without a value returns 1 and prints a "<prompt_text:
# ...>" note instead, which no message matches (so the check fails saying why).
prompt_text() {
    local lang=$1 key=$2 dir=$ROOT/prompts text kv left
    shift 2
    [ -d "$T/home/prompts" ] && dir=$T/home/prompts
    # prompts.c: the lines after "[KEY]" up to the next "[...]" line, "#" lines
    # skipped, blank lines at either end dropped.
    text=$(cat "$dir/$lang"/*.txt | awk -v k="$key" '
        /^\[/ && index($0, "]") > 2 { if (f) exit; f = (substr($0, 2, index($0, "]") - 2) == k); next }
        !f || /^#/ { next }
        { sub(/\r$/, "") }
        !n && $0 == "" { next }
        { out = out (n++ ? "\n" : "") $0 }
        END { sub(/[ \n]+$/, "", out); printf "%s", out }')
    if [ -z "$text" ]; then
        printf '<prompt_text: no [%s] in prompts/%s>' "$key" "$lang"
        return 1
    fi
    for kv in "$@"; do
        text=${text//"{${kv%%=*}}"/"${kv#*=}"}
    done
    left=$(printf '%s' "$text" | sed 's/{{//g' | grep -o '{[a-z_]*}' | head -n 1)
    if [ -n "$left" ]; then
        printf '<prompt_text %s %s: no value for %s>' "$lang" "$key" "$left"
        return 1
    fi
    printf '%s' "${text//\{\{/\{}"
}

# prompt_ere LANG KEY [NAME=ERE...]: prompt_line as an extended regular
# expression: the prompt's own characters stand for themselves, each {NAME}
# for its ERE (for a message whose values the story cannot know, such as an
# id the upstream chose).
prompt_ere() {
    local lang=$1 key=$2 kv text marked=()
    shift 2
    for kv in "$@"; do
        marked+=("${kv%%=*}=@@${kv%%=*}@@")
    done
    text=$(prompt_line "$lang" "$key" "${marked[@]}") || {
        printf '%s' "$text"
        return 1
    }
    text=$(printf '%s' "$text" | sed 's/[][\\.*^$+?(){}|/]/\\&/g')
    for kv in "$@"; do
        text=${text//"@@${kv%%=*}@@"/"${kv#*=}"}
    done
    printf '%s' "$text"
}

# prompt_line LANG KEY [NAME=VALUE...]: prompt_text with its lines joined by
# " / ", as conv_sends shows a message.
prompt_line() {
    local text rc=0
    text=$(prompt_text "$@") || rc=1
    printf '%s' "${text//$'\n'/ / }"
    return $rc
}

# ---- fake upstream -------------------------------------------------------

_fake_port_ready() {
    grep -q '^port=' "$T/fake.out" 2>/dev/null
}

start_fake() {
    [ -x "$FAKE_BIN" ] || bail "$FAKE_BIN missing (make test-build)"
    "$FAKE_BIN" --port 0 --ref "$FIX/reference" --log "$T/fake.ndjson" \
        >"$T/fake.out" 2>"$T/fake.err" </dev/null &
    FAKE_PID=$!
    _register "pid $FAKE_PID $FAKE_BIN"
    wait_until 15 _fake_port_ready || bail "fake_upstream did not print port=N" \
        "$(cat "$T/fake.err")"
    FAKE_PORT=$(sed -n 's/^port=//p' "$T/fake.out" | head -n 1)
    FAKE_URL=http://127.0.0.1:$FAKE_PORT
}

# fake_ctl METHOD NAME [JSON]: /_control/NAME
fake_ctl() {
    if [ $# -ge 3 ]; then
        curl -sS --max-time 10 -X "$1" -H 'Content-Type: application/json' \
            --data-binary "$3" "$FAKE_URL/_control/$2"
    else
        curl -sS --max-time 10 -X "$1" "$FAKE_URL/_control/$2"
    fi
}

# fake_fail ROUTE MODE [COUNT [DELAY_MS]]
fake_fail() {
    local body="{\"route\":\"$1\",\"mode\":\"$2\",\"count\":${3:-1}"
    [ $# -ge 4 ] && body="$body,\"delay_ms\":$4"
    fake_ctl POST fail "$body}" >/dev/null
}

fake_reset() { fake_ctl POST reset >/dev/null; }

# fake_requests [ROUTE]: the recorded requests, one JSON object a line.
fake_requests() {
    curl -sS --max-time 10 "$FAKE_URL/_control/requests?route=${1:-whatsapp}"
}

# sends_to RECIPIENT [JQ-FILTER]: how many recorded WhatsApp sends to RECIPIENT
# (phone "+92..." in "to", or a BSUID in "recipient") match the filter
# (e.g. '.status == 200 and .body.type == "template"').
sends_to() {
    fake_requests whatsapp | jq -s --arg r "$1" \
        "[.[] | select((.body.to == \$r or .body.recipient == \$r) and (${2:-true}))] | length"
}

# ---- rabta ---------------------------------------------------------------------

# RABTA_HOME is a copy of config/, intents/, prompts/ and sql/, so that a story
# can change a setting (conf_set) without touching the checkout.
_rabta_home() {
    local d
    if [ ! -d "$T/home" ]; then
        mkdir -p "$T/home"
        for d in config intents prompts sql; do
            if [ -d "$ROOT/$d" ]; then
                cp -R "$ROOT/$d" "$T/home/"
            fi
        done
        # the weekly digest would go to the owner at every story's first tick on
        # a Monday after 09:00: off unless a story turns it on (conf_set digest_day)
        sed -i 's/^digest_day *=.*/digest_day = off/' "$T/home/config/rabta.conf"
    fi
}

# conf_set KEY VALUE: sets every "KEY = ..." line of the copied rabta.conf.
# digest_due_today: the weekly digest falls due at the next tick (today,
# 00:00 in the venue's time zone).
digest_due_today() {
    conf_set digest_day "$(TZ=Asia/Karachi date +%A | tr 'A-Z' 'a-z')"
    conf_set digest_time 00:00
}

conf_set() {
    _rabta_home
    grep -q "^$1 *=" "$T/home/config/rabta.conf" || bail "conf_set: no key $1 in rabta.conf"
    sed -i "s|^$1 *=.*|$1 = $2|" "$T/home/config/rabta.conf"
}

_rabta_env() {
    RABTA_ENV=(
        "DATABASE_URL=$DATABASE_URL"
        "WHATSAPP_TOKEN=test-token"
        "WHATSAPP_APP_SECRET=$APP_SECRET"
        "WHATSAPP_VERIFY_TOKEN=$VERIFY_TOKEN"
        "GRAPH_API_BASE=$FAKE_URL"
        "GRAPH_API_VERSION=v26.0"
        "META_PAGE_TOKEN=page-token"
        "GEMINI_API_BASE=$FAKE_URL"
        "INVOICING_API_BASE=$FAKE_URL/invoicing"
        "INVOICING_API_KEY=inv-key"
        "REPORT_TOKEN=report-token"
        "RABTA_HOME=$T/home"
        "RABTA_LOG=${RABTA_LOG:-debug}"
    )
}

_free_port() {
    local p i
    for i in $(seq 1 100); do
        p=$((20000 + RANDOM % 12000)) # below the ephemeral range (32768+)
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

_healthy() {
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1/healthz")" = 200 ]
}

_alive_and_healthy() {
    _exited "$1" && return 0 # dead: stop waiting, the caller checks
    _healthy "$2"
}

# start_rabta [NAME [VAR=VALUE...]]: one `rabta serve` (NAME defaults to "a"),
# with the test environment plus the given overrides. Sets RABTA_URL for "a"
# and RABTA_PORT[NAME], RABTA_PID[NAME]. Waits for /healthz = 200.
start_rabta() {
    launch_rabta "$@"
    await_rabta "${1:-a}"
}

declare -A RABTA_ARGS=() RABTA_LOGPOS=()

# launch_rabta [NAME [VAR=VALUE...]]: starts it without waiting (several
# instances can then start at once); await_rabta NAME waits for it.
launch_rabta() {
    local name=${1:-a} port pid log
    shift || true
    [ -x "$RABTA_BIN" ] || bail "$RABTA_BIN missing (make test-build)"
    _rabta_home
    _rabta_env
    log=$T/rabta-$name.log
    port=$(_free_port) || bail "no free port"
    RABTA_ARGS[$name]=
    if (($#)); then
        RABTA_ARGS[$name]=$(printf '%q ' "$@")
    fi
    RABTA_LOGPOS[$name]=$(stat -c %s "$log" 2>/dev/null || echo 0)
    (cd "$T/home" && exec env "${RABTA_ENV[@]}" "RABTA_LISTEN=127.0.0.1:$port" "$@" \
        "$RABTA_BIN" serve </dev/null >>"$T/rabta-$name.out" 2>>"$log") &
    pid=$!
    _register "pid $pid $RABTA_BIN"
    RABTA_PID[$name]=$pid
    RABTA_PORT[$name]=$port
    if [ "$name" = a ]; then
        RABTA_URL=http://127.0.0.1:$port
    fi
}

# await_rabta NAME: waits for /healthz; if the instance lost the race for its
# port (another process took it after _free_port), starts it again elsewhere.
await_rabta() {
    local name=${1:-a} pid url log try rc
    log=$T/rabta-$name.log
    for try in 1 2 3 4 5; do
        pid=${RABTA_PID[$name]}
        url=http://127.0.0.1:${RABTA_PORT[$name]}
        wait_until 60 _alive_and_healthy "$pid" "$url"
        if ! _exited "$pid" && _healthy "$url"; then
            return 0
        fi
        unset "RABTA_PID[$name]"
        if ! _exited "$pid"; then
            kill -KILL "$pid" 2>/dev/null
            wait "$pid" 2>/dev/null
            bail "rabta serve [$name] not healthy after 60 s" "$(tail -n 30 "$log")"
        fi
        wait "$pid" 2>/dev/null
        rc=$?
        if ! tail -c +"$((RABTA_LOGPOS[$name] + 1))" "$log" | grep -i "in use" >/dev/null; then
            bail "rabta serve [$name] exited during start-up (status $rc)" "$(tail -n 30 "$log")"
        fi
        eval "launch_rabta $name ${RABTA_ARGS[$name]}"
    done
    bail "rabta serve [$name]: no free port after 5 tries" "$(tail -n 30 "$log")"
}

# log_count EVENT [NAME]: how many times rabta [NAME] logged event=EVENT.
log_count() { grep -c "event=$1" "$T/rabta-${2:-a}.log"; }

# hup_and_wait EVENT [NAME]: SIGHUP to rabta [NAME], then waits until its log
# says EVENT once more (config.reloaded or config.reload_refused). A reload
# reads and compiles every file again: on a loaded machine under the
# sanitizers that takes well over 15 s, so the wait allows 120 s (a bound
# that only fails the test).
hup_and_wait() {
    local n name=${2:-a}
    n=$(log_count "$1" "$name")
    kill -HUP "${RABTA_PID[$name]}"
    wait_until 120 eval '[ "$(log_count '"$1"' '"$name"')" -gt '"$n"' ]'
}

rabta_url() { echo "http://127.0.0.1:${RABTA_PORT[${1:-a}]}"; }

SANITIZER_RE='ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: (Address|Leak|UndefinedBehavior)Sanitizer|WARNING: (AddressSanitizer|LeakSanitizer)'

# sanitizer_clean NAME LOGFILE: a test line; any sanitizer report fails it.
sanitizer_clean() {
    if grep -Eq "$SANITIZER_RE" "$2" 2>/dev/null; then
        not_ok "$1: no sanitizer report" "$(grep -E -A 25 "$SANITIZER_RE" "$2" | head -n 40)"
        return 1
    fi
    return 0
}

# A process that is gone or a zombie (not yet reaped by this shell).
_exited() {
    kill -0 "$1" 2>/dev/null || return 0
    [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" = Z ]
}

# stop_rabta [NAME]: SIGTERM, then exit status 0 and a log free of sanitizer
# reports, as one test line.
stop_rabta() {
    local name=${1:-a} pid rc log
    pid=${RABTA_PID[$name]:-}
    [ -n "$pid" ] || return 0
    unset "RABTA_PID[$name]"
    log=$T/rabta-$name.log
    kill -TERM "$pid" 2>/dev/null
    if ! wait_until 30 _exited "$pid"; then
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        not_ok "rabta[$name] stops within 30 s of SIGTERM" "$(tail -n 20 "$log")"
        return 1
    fi
    wait "$pid"
    rc=$?
    sanitizer_clean "rabta[$name]" "$log" || return 1
    if [ "$rc" = 0 ]; then
        ok "rabta[$name] exits 0 on SIGTERM, no sanitizer report"
    else
        not_ok "rabta[$name] exits 0 on SIGTERM, no sanitizer report" "exit status $rc" \
            "$(tail -n 20 "$log")"
        return 1
    fi
}

# rabta_cli ARGS...: runs `rabta ARGS` with the test environment; stdout in
# $T/cli.out, stderr in $T/cli.err; returns its exit status. A sanitizer
# report fails a test line of its own.
rabta_cli() {
    local rc
    _rabta_home
    _rabta_env
    (cd "$T/home" && exec env "${RABTA_ENV[@]}" "RABTA_LISTEN=127.0.0.1:1" "$RABTA_BIN" "$@") \
        </dev/null >"$T/cli.out" 2>"$T/cli.err"
    rc=$?
    cat "$T/cli.err" >>"$T/cli-all.log"
    sanitizer_clean "rabta $*" "$T/cli.err"
    return $rc
}

# ---- HTTP ------------------------------------------------------------------

# sign FILE: the hex HMAC-SHA256 of the file's bytes, keyed with the app secret.
sign() {
    openssl dgst -sha256 -hmac "${SIGN_SECRET:-$APP_SECRET}" -r "$1" | cut -d' ' -f1
}

# post_webhook FILE [PATH [BASE]]: signed POST; prints the HTTP status
# (000 when no answer came). The response body is left in $T/last_response.
post_webhook() {
    local file=$1 path=${2:-/webhook/whatsapp} base=${3:-$RABTA_URL}
    post_with_header "$file" "X-Hub-Signature-256: sha256=$(sign "$file")" "$path" "$base"
}

# post_with_header FILE HEADER [PATH [BASE]]: POST with HEADER ("" for none).
post_with_header() {
    local file=$1 header=$2 path=${3:-/webhook/whatsapp} base=${4:-$RABTA_URL}
    local args=(-s -o "$T/last_response" -w '%{http_code}' --max-time 30
        -H 'Content-Type: application/json' --data-binary "@$file")
    [ -n "$header" ] && args+=(-H "$header")
    curl "${args[@]}" "$base$path" 2>/dev/null
    true
}

# http_get URL: prints the status; body in $T/last_response, headers in $T/last_headers.
http_get() {
    curl -s -o "$T/last_response" -D "$T/last_headers" -w '%{http_code}' --max-time 30 "$1" \
        2>/dev/null
    true
}

# with_text FILE PLACEHOLDER VALUE: the file's bytes with PLACEHOLDER replaced,
# nothing else touched (so Meta's escaping stays as it is).
with_text() {
    local body
    body=$(<"$1")
    printf '%s' "${body//"$2"/$3}"
}

# text_body FILE WAMID FROM NAME TEXT: a one-message webhook body in Meta's
# compact shape (ASCII TEXT and NAME only: no escaping is done).
text_body() {
    printf '%s' '{"object":"whatsapp_business_account","entry":[{"id":"104857600123456","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"923215550100","phone_number_id":"'"$PNID"'"},"contacts":[{"profile":{"name":"'"$4"'"},"wa_id":"'"$3"'"}],"messages":[{"from":"'"$3"'","id":"'"$2"'","timestamp":"'"$(date +%s)"'","type":"text","text":{"body":"'"$5"'"}}]},"field":"messages"}]}]}' >"$1"
}

# ---- the start of a story --------------------------------------------------------

# story_start [NAME [VAR=VALUE...]]: PostgreSQL, the fake upstream and one
# `rabta serve` (start_rabta's arguments), the start of most stories. Settings
# (conf_set) go before it. Its arguments are expanded before it runs, so
# they cannot use $FAKE_URL or $DATABASE_URL (rabta has both already).
story_start() {
    start_pg
    start_fake
    start_rabta "$@"
}

# The staff of config/staff.csv, the owner first.
STAFF_PHONES="923001110001 923331112233 923331112244 923331112255 923331112266"

# open_staff_windows: every staff member writes "Salam" first, so that their
# 24-hour windows are open and every send to them starts as free text (a text
# to someone whose window is closed waits until they write); then waits until
# settled and clears the fake's record of the answers.
open_staff_windows() {
    local i=0 p
    for p in $STAFF_PHONES; do
        i=$((i + 1))
        text_body "$T/staff$i.json" "wamid.HBgMOTIzMzMxMTEyMjMzFQIAEhgUU1RBRkZPUEVO$i" "$p" "Staff $i" "Salam"
        post_webhook "$T/staff$i.json" >/dev/null
    done
    wait_quiet 90 || bail "staff messages not settled" "$WAIT_LAST"
    fake_reset
}

# load_body FILE K PER CLIENTS PHONE8 NAME TEXTFMT: POST K (from 0) of a load,
# in Meta's compact shape: messages K*PER .. K*PER+PER-1, message i from client
# c = i % CLIENTS (so each client's messages are spread over several POSTs):
# phone PHONE8 followed by c in four digits, profile name "NAME Client c",
# text TEXTFMT with i for its %d.
load_body() {
    local file=$1 k=$2 per=$3 clients=$4 prefix=$5 name=$6 fmt=$7
    local i ph first=1 contacts= messages=
    for ((i = k * per; i < (k + 1) * per; i++)); do
        [ $first = 1 ] || {
            contacts+=,
            messages+=,
        }
        first=0
        ph=$prefix$(printf %04d $((i % clients)))
        contacts+='{"profile":{"name":"'"$name Client $((i % clients))"'"},"wa_id":"'$ph'"}'
        # shellcheck disable=SC2059 # the format is the caller's
        messages+='{"from":"'$ph'","id":"wamid.HBgM'$prefix'FQIAEhgU'$name$(printf %04d $i)'","timestamp":"1795170000","type":"text","text":{"body":"'"$(printf "$fmt" "$i")"'"}}'
    done
    printf '%s' '{"object":"whatsapp_business_account","entry":[{"id":"104857600123456","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"923215550100","phone_number_id":"'"$PNID"'"},"contacts":['"$contacts"'],"messages":['"$messages"']},"field":"messages"}]}]}' \
        >"$file"
}

# ---- cleanup -------------------------------------------------------------------

_stop_fake() {
    [ -n "$FAKE_PID" ] || return 0
    kill -TERM "$FAKE_PID" 2>/dev/null
    if ! wait_until 15 _exited "$FAKE_PID"; then
        kill -KILL "$FAKE_PID" 2>/dev/null
        not_ok "fake_upstream stops on SIGTERM"
    fi
    wait "$FAKE_PID" 2>/dev/null
    FAKE_PID=
    sanitizer_clean "fake_upstream" "$T/fake.err" >/dev/null || true
}

_cleanup() {
    local n
    [ "$_cleaned" = 1 ] && return
    _cleaned=1
    for n in "${!RABTA_PID[@]}"; do
        stop_rabta "$n"
    done
    _stop_fake
    _poll_stop
    if [ "$PG_RUNNING" = 1 ]; then
        stop_pg immediate || true
    fi
    if [ "$_failed" -gt 0 ] || [ -n "${RABTA_TEST_KEEP:-}" ]; then
        local keep=$BUILD/e2e-logs/$TEST_NAME
        rm -rf "$keep"
        mkdir -p "$keep"
        cp "$T"/*.log "$T"/*.err "$T"/*.out "$T"/*.ndjson "$keep/" 2>/dev/null
        cp "$T"/pg/server.log "$keep/postgres.log" 2>/dev/null
        echo "# logs kept in ${keep#"$ROOT"/}"
    fi
    rm -rf "$T"
}

_on_exit() {
    local rc=$?
    _cleanup
    if [ "$_failed" -gt 0 ]; then
        rc=1
    fi
    exit "$rc"
}

_on_signal() {
    not_ok "interrupted by SIG$1"
    exit 130
}

trap _on_exit EXIT
trap '_on_signal INT' INT
trap '_on_signal TERM' TERM
