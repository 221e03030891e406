#!/usr/bin/env bash
# What a new user types first: `make` alone checks the Debian packages like
# `make run` (a fresh machine would otherwise fail on a missing jansson.h),
# and every subcommand answers --help with its usage and exit 0.
. "$(dirname "$0")/../lib/lib.sh"

plan=$(cd "$ROOT" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -n --no-print-directory 2>&1)
check_match "make (default target) checks for missing packages first" "$plan" 'dpkg -s'
check_match "make (default target) builds bin/rabta" "$plan" 'bin/rabta'
check_match "make run checks for missing packages" "$(cd "$ROOT" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -n run 2>&1)" 'dpkg -s'

for c in serve migrate parse check chat staff db; do
    out=$("$RABTA_BIN" "$c" --help 2>&1 </dev/null)
    rc=$?
    check_eq "rabta $c --help: exit 0" "$rc" 0
    check_match "rabta $c --help: its usage" "$out" "^usage: rabta $c"
done
out=$("$RABTA_BIN" chat --help 2>&1 </dev/null)
check_match "chat --help names RABTA_LISTEN" "$out" 'RABTA_LISTEN'
check_match "chat --help explains the quote-reply" "$out" '> N text'
check_match "serve --help says how to stop it and what make stop stops" \
    "$("$RABTA_BIN" serve --help)" 'SIGTERM.*'
