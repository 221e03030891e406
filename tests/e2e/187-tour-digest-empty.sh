#!/usr/bin/env bash
# A weekly digest of a week with no leads says "none" for the sources (the
# tour of 7 December 2026: "Leads by source: " and nothing after it).
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

OWNER=+923001110001
start_pg
start_fake
digest_due_today
start_rabta
wait_for "SELECT count(*) > 0 FROM app_state WHERE key LIKE 'digest:%'" t 60 ||
    not_ok "a digest claimed" "$WAIT_LAST"
wait_quiet 60
CONV_CURSOR=0
got=$(conv_sends "$OWNER")
none=$(prompt_text en rep_digest_sources_none)
stale=$(prompt_text en rep_digest_stale_none)
check_match "the digest says no sources" "$got" "^template:staff_update .* $none $stale "
if printf '%s' "$got" | grep -Eq 'source: (Stale|/|$)'; then
    not_ok "no empty source list" "got: $got"
else
    ok "no empty source list"
fi
