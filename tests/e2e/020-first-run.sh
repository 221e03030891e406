#!/usr/bin/env bash
# alone: timing or machine-wide state; tests/run runs it by itself
# First run from a clone anywhere, as root (`make run` = `rabta serve` with no
# DATABASE_URL): the embedded PostgreSQL runs as the unprivileged user
# "rabta", which cannot reach a clone under root's home (mode 700). Its files
# then live in /var/lib/rabta/<hash>/, linked from var/, and the private
# folder keeps its mode; the same in another user's home (mode 750). A clone in a folder that user can reach (/tmp) keeps
# the cluster in var/pg itself; a clone too deep for a socket path goes
# outside too. Start, migrate, serve, stop and start again from each.
. "$(dirname "$0")/../lib/lib.sh"

if [ "$(id -u)" != 0 ]; then
    ok "# SKIP not root: the private-folder case needs root"
    exit 0
fi
NSQL=$(ls "$ROOT"/sql/[0-9]*.sql | wc -l | tr -d ' ')
PGB=$(_pg_bindir)
PRIV=$(mktemp -d /root/rabta-020.XXXXXX) || bail "mktemp under /root"
chmod 700 "$PRIV"
STATES=()

# Stops and removes what the clones' clusters left, even after a failure.
_first_run_cleanup() {
    local d
    for d in "${STATES[@]}"; do
        if [ -f "$d/pg/postmaster.pid" ]; then
            (cd / && runuser -u rabta -- "$PGB/pg_ctl" -D "$d/pg" -m immediate -w stop) \
                >/dev/null 2>&1
        fi
        case $d in /var/lib/rabta/?*) rm -rf "$d" ;; esac
    done
    rm -rf "$PRIV"
}
trap '_first_run_cleanup; _on_exit' EXIT

# clone DIR: the files a clone has that the binary reads (no build in it).
clone() {
    mkdir -p "$1"
    cp -R "$ROOT/config" "$ROOT/intents" "$ROOT/prompts" "$ROOT/sql" "$1/"
}

# in_clone DIR CMD...: the binary run from DIR the way `make run` does it.
in_clone() {
    local dir=$1
    shift
    (cd "$dir" && env -u DATABASE_URL -u WHATSAPP_TOKEN -u WHATSAPP_APP_SECRET \
        RABTA_HOME="$dir" RABTA_LOG=warn "$@") </dev/null >"$T/c.out" 2>"$T/c.err"
}

# story NAME DIR: db start, migrate, serve, stop, start again.
story() {
    local name=$1 dir=$2 ci pid port spid state
    in_clone "$dir" "$RABTA_BIN" db start
    check_eq "$name: rabta db start exits 0" "$?" 0 || true
    [ -s "$T/c.err" ] && grep -qi 'failed\|denied\|could not' "$T/c.err" &&
        not_ok "$name: db start said" "$(cat "$T/c.err")"
    ci=$(head -n 1 "$T/c.out")
    state=$(dirname "$(readlink -f "$dir/var/pg")")
    STATES+=("$state")
    if [ -f "$dir/var/pg/postmaster.pid" ]; then
        pid=$(head -n 1 "$dir/var/pg/postmaster.pid")
        _register "pid $pid postgres"
    fi
    check_eq "$name: the cluster belongs to user rabta" "$(stat -c %U "$dir/var/pg/")" rabta
    in_clone "$dir" "$RABTA_BIN" migrate
    check_eq "$name: rabta migrate on the embedded cluster exits 0" "$?" 0
    check_eq "$name: every migration applied" \
        "$(psql -X -At "${ci/dbname=postgres/dbname=rabta}" -c 'SELECT count(*) FROM schema_migrations' 2>&1)" \
        "$NSQL"
    port=$(_free_port)
    (cd "$dir" && exec env -u DATABASE_URL -u WHATSAPP_TOKEN -u WHATSAPP_APP_SECRET \
        RABTA_HOME="$dir" RABTA_LOG=warn RABTA_LISTEN="127.0.0.1:$port" "$RABTA_BIN" serve) \
        </dev/null >"$T/serve.out" 2>"$T/serve.err" &
    spid=$!
    _register "pid $spid $RABTA_BIN"
    if wait_until 60 _healthy "http://127.0.0.1:$port"; then
        ok "$name: serve answers /healthz from the embedded cluster"
    else
        not_ok "$name: serve answers /healthz" "$(tail -n 20 "$T/serve.err")"
    fi
    check_eq "$name: the sandbox secret is in var/" "$(stat -c %a "$dir/var/sandbox.secret")" 600
    kill -TERM "$spid"
    wait "$spid"
    check_eq "$name: serve stops on SIGTERM with exit 0" "$?" 0
    in_clone "$dir" "$RABTA_BIN" db stop
    check_eq "$name: rabta db stop exits 0" "$?" 0
    check_eq "$name: no postmaster.pid after stop" "$(ls "$dir/var/pg/postmaster.pid" 2>&1 | grep -c 'No such')" 1
    in_clone "$dir" "$RABTA_BIN" migrate
    check_eq "$name: started again, the data is still there (migrate exits 0)" "$?" 0
    check_eq "$name: nothing applied twice" \
        "$(psql -X -At "${ci/dbname=postgres/dbname=rabta}" -c 'SELECT count(*) FROM schema_migrations' 2>&1)" \
        "$NSQL"
    in_clone "$dir" "$RABTA_BIN" db stop
    check_eq "$name: stopped again" "$?" 0
}

# 1. Under root's home, mode 700.
clone "$PRIV/rabta"
id -u rabta >/dev/null 2>&1 && u=rabta || u=nobody
check_eq "private: an unprivileged user cannot reach the clone" \
    "$(runuser -u "$u" -- test -x "$PRIV/rabta" && echo reaches || echo cannot)" cannot
story private "$PRIV/rabta"
check_match "private: var/pg links outside the clone" "$(readlink "$PRIV/rabta/var/pg")" \
    '^/var/lib/rabta/[0-9a-f]{16}/pg$'
check_eq "private: the private folder keeps mode 700" "$(stat -c %a "$PRIV")" 700
check_eq "private: the clone's path is noted beside the cluster" \
    "$(cat "$(dirname "$(readlink "$PRIV/rabta/var/pg")")/clone")" "$PRIV/rabta"

# 2. Root working in another user's home (mode 750, owned by that user).
UH=$T/home-of-someone
mkdir -p "$UH"
clone "$UH/rabta"
chown nobody "$UH"
chmod 750 "$UH"
story userhome "$UH/rabta"
check_match "userhome: var/pg links outside the clone" "$(readlink "$UH/rabta/var/pg")" \
    '^/var/lib/rabta/[0-9a-f]{16}/pg$'
check_eq "userhome: the home keeps its owner and mode" "$(stat -c '%U %a' "$UH")" "nobody 750"

# 3. In a folder anyone can reach (/tmp): the cluster stays in var/pg.
clone "$T/open/rabta"
chmod 755 "$T/open" "$T/open/rabta"
story open "$T/open/rabta"
check_eq "open: var/pg is a folder of the clone, not a link" \
    "$( [ -d "$T/open/rabta/var/pg" ] && [ ! -L "$T/open/rabta/var/pg" ] && echo folder)" folder

# 4. Too deep for a socket path (over 107 bytes): outside as well.
deep=$T/open/a-folder-name-long-enough/to-push-the-socket/path-of-postgresql/over-its-limit/rabta
clone "$deep"
chmod -R a+rX "$T/open"
story deep "$deep"
check_match "deep: var/run links to a short socket folder" "$(readlink "$deep/var/run")" \
    '^/var/lib/rabta/[0-9a-f]{16}/run$'
