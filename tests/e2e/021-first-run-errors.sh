#!/usr/bin/env bash
# alone: timing or machine-wide state; tests/run runs it by itself
# When the embedded PostgreSQL cannot start, the error names the real cause
# (no pointer to a log that does not exist): no server programs, a folder in
# the way of initdb, a broken postgresql.conf. Each message carries the end
# of the log that says why.
. "$(dirname "$0")/../lib/lib.sh"

PGB=$(_pg_bindir)
CL=$T/clone
mkdir -p "$CL"
cp -R "$ROOT/config" "$ROOT/intents" "$ROOT/prompts" "$ROOT/sql" "$CL/"
chmod -R a+rX "$T"

_errors_cleanup() {
    if [ -f "$CL/var/pg/postmaster.pid" ]; then
        if [ "$(id -u)" = 0 ]; then
            (cd / && runuser -u rabta -- "$PGB/pg_ctl" -D "$CL/var/pg" -m immediate -w stop)
        else
            "$PGB/pg_ctl" -D "$CL/var/pg" -m immediate -w stop
        fi >/dev/null 2>&1
    fi
}
trap '_errors_cleanup; _on_exit' EXIT

in_clone() {
    (cd "$CL" && env -u DATABASE_URL RABTA_HOME="$CL" RABTA_LOG=warn "$@") </dev/null \
        >"$T/c.out" 2>"$T/c.err"
}

# 1. No PostgreSQL server programs where they are looked for.
in_clone env PG_BINDIR=/nonexistent/pgbin "$RABTA_BIN" db start
check_match "no server programs: refused" "$?" '^[1-9]'
check_match "no server programs: says where it looked and what to do" "$(cat "$T/c.err")" \
    'not in /nonexistent/pgbin/.*make deps'
check_eq "no server programs: no pointer to a log" "$(grep -c 'see .*\.log' "$T/c.err")" 0

# 2. Something in the way of initdb: var/pg is a folder with a file in it.
mkdir -p "$CL/var/pg"
echo stray >"$CL/var/pg/notes.txt"
chmod -R a+rX "$CL/var"
in_clone "$RABTA_BIN" db start
check_match "initdb fails: refused" "$?" '^[1-9]'
check_match "initdb fails: names initdb" "$(cat "$T/c.err")" 'initdb failed'
check_match "initdb fails: shows initdb's own reason" "$(cat "$T/c.err")" \
    'exists but is not empty'
rm -rf "$CL/var/pg"

# 3. A cluster whose postgresql.conf is broken.
in_clone "$RABTA_BIN" db start
check_eq "a good start after the folder is cleared" "$?" 0
in_clone "$RABTA_BIN" db stop
check_eq "and a stop" "$?" 0
echo "no_such_setting_here = 1" >>"$CL/var/pg/postgresql.conf"
in_clone "$RABTA_BIN" db start
check_match "broken postgresql.conf: refused" "$?" '^[1-9]'
check_match "broken postgresql.conf: says it could not start, and where" "$(cat "$T/c.err")" \
    "could not start the embedded PostgreSQL in $CL/var/pg"
check_match "broken postgresql.conf: shows the server's reason" "$(cat "$T/c.err")" \
    'unrecognized configuration parameter "no_such_setting_here"'

# 4. serve (what `make run` runs) says the same and exits non-zero.
in_clone "$RABTA_BIN" serve
check_match "serve: exits non-zero" "$?" '^[1-9]'
check_match "serve: the server's reason" "$(cat "$T/c.err")" 'no_such_setting_here'
