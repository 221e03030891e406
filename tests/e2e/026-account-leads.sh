#!/usr/bin/env bash
# What Meta says about the account and about a lead it will not give:
# an account_update ACCOUNT_RESTRICTION is kept (account_updates), logged by
# name, and the owner is told on WhatsApp; VERIFIED_ACCOUNT is kept and
# logged but tells no one; Meta's retry of the same change is one row. A
# Lead Ads fetch Graph refuses for good (100/33: no such lead, a test lead)
# marks its job failed with Graph's reason, at once, with no lead.
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
OWNER=923001110001
conv_post "$OWNER" "Imran" text "help" || bail "owner warm-up" "$CONV_ERR"

until_s=$(($(date +%s) + 86400))
cat >"$T/restrict.json" <<JSON
{"object":"whatsapp_business_account","entry":[{"id":"104857600123456","time":$(date +%s),"changes":[{"value":{"phone_number":"923215550100","event":"ACCOUNT_RESTRICTION","restriction_info":[{"restriction_type":"RESTRICTED_BIZ_INITIATED_MESSAGING","expiration":$until_s}]},"field":"account_update"}]}]}
JSON
CONV_CURSOR=$(_conv_max_seq)
check_eq "ACCOUNT_RESTRICTION webhook: 200" "$(post_webhook "$T/restrict.json")" 200
check_eventually "kept: event, restricts, what, until" \
    "SELECT event || ' ' || restricts || ' ' || detail || ' ' || (extract(epoch FROM until_at)::bigint = $until_s) FROM account_updates" \
    "ACCOUNT_RESTRICTION true RESTRICTED_BIZ_INITIATED_MESSAGING true"
check_eq "the raw change kept with its event" \
    "$(psql_q "SELECT payload #>> '{account_update,event}' FROM inbound_events WHERE dedupe_key LIKE 'acct:%'")" \
    ACCOUNT_RESTRICTION
wait_quiet 60 || not_ok "sends settle" "$WAIT_LAST"
check_match "logged by name" "$(grep 'event=whatsapp.account_update' "$T/rabta-a.log" | head -n 1)" \
    'event="?ACCOUNT_RESTRICTION"? restricts=yes detail="?RESTRICTED_BIZ_INITIATED_MESSAGING'
check_line "the owner is told on WhatsApp, in English, with the restriction and its end" \
    "$(conv_sends "$OWNER")" \
    "$(prompt_line en account_restricted "until=$(TZ=Asia/Karachi date -d "@$until_s" '+%d/%m/%Y %H:%M')" \
        event=ACCOUNT_RESTRICTION restriction=RESTRICTED_BIZ_INITIATED_MESSAGING)"
check_eq "no salesperson is told" "$(sends_to +923331112233)" 0

# Meta retries the same change: one row, one notice.
check_eq "the retry: 200" "$(post_webhook "$T/restrict.json")" 200
wait_quiet 60
check_eq "Meta's retry of the same change is one row" "$(psql_q "SELECT count(*) FROM account_updates")" 1
check_eq "and one notice" "$(sends_to +923001110001 '.status == 200 and (.body.text.body // "" | test("restricted"))')" 1

# A change that restricts nothing: kept and logged, no one told.
CONV_CURSOR=$(_conv_max_seq)
check_eq "VERIFIED_ACCOUNT webhook: 200" "$(post_webhook "$WA/account_update.json")" 200
check_eventually "VERIFIED_ACCOUNT kept, restricting nothing" \
    "SELECT string_agg(event || ' ' || restricts, ',' ORDER BY id) FROM account_updates" \
    "ACCOUNT_RESTRICTION true,VERIFIED_ACCOUNT false"
wait_quiet 60
check_eq "nobody told of VERIFIED_ACCOUNT" "$(conv_sends "$OWNER" | wc -l | tr -d ' ')" 0
check_match "VERIFIED_ACCOUNT logged by name" \
    "$(grep 'event=whatsapp.account_update' "$T/rabta-a.log" | tail -n 1)" 'VERIFIED_ACCOUNT"? restricts=no'

# A lead Graph will not give (no such lead / a test lead): 100/33.
sed 's/1482736950192837/1482736950100033/' "$WA/leadgen.json" >"$T/leadgen.json"
check_eq "leadgen webhook: 200" "$(post_webhook "$T/leadgen.json" /webhook/meta-leads)" 200
check_eventually "its job is failed at once, not done, not retried" \
    "SELECT state || ' ' || attempts FROM jobs WHERE dedupe_key = 'lead:1482736950100033'" "failed 1"
check_match "with Graph's reason: code 100, subcode 33, and its message" \
    "$(psql_q "SELECT last_error FROM jobs WHERE dedupe_key = 'lead:1482736950100033'")" \
    'Graph refused lead 1482736950100033 for good: HTTP 400, code 100, subcode 33: .*1482736950100033.*does not exist'
check_eq "one fetch only" \
    "$(fake_requests leads | jq -rs '[.[] | select(.path | endswith("1482736950100033"))] | length')" 1
check_eq "no lead for it" "$(psql_q "SELECT count(*) FROM leads")" 0
stop_rabta
