#!/usr/bin/env bash
# The Lead Ads fetch runs with no transaction open: while the Graph API
# takes 15 s to answer, no rabta session is "idle in transaction" and the
# job row is not locked (it is leased: run_at moved forward); the lead is
# made once the answer comes, in a transaction of its own.
. "$(dirname "$0")/../lib/lib.sh"

story_start
fake_ctl POST lead "$(cat "$FIX/reference/whatsapp/lead_retrieve_response.json")" >/dev/null
fake_fail leads ok 1 15000
check_eq "leadgen webhook: 200" "$(post_webhook "$WA/leadgen.json" /webhook/meta-leads)" 200
# the fetch is in flight: the fake holds the request (no status yet)
_fetching() { [ "$(fake_requests leads | jq -s 'map(select(.status == null)) | length')" = 1 ]; }
wait_until 30 _fetching || bail "the fetch did not start"
# A transaction around the fetch would have begun before the fake received
# the request and be open still: none is (an order of events, no sleep).
fetch_us=$(fake_requests leads | jq -s '.[0].received_us')
check_eq "during the fetch: no transaction open since before the request went out" \
    "$(psql_q "SELECT count(*) FROM pg_stat_activity WHERE datname = 'rabta'
        AND pid <> pg_backend_pid() AND xact_start < to_timestamp($fetch_us / 1e6)")" 0
check_eq "during the fetch: the job row is not locked (leased instead)" \
    "$(psql_q "SELECT count(*) FROM jobs WHERE kind = 'fetch_lead' AND state = 'pending'
        AND run_at > now() AND id IN (SELECT id FROM jobs FOR UPDATE SKIP LOCKED)")" 1
check_eq "and all that while the fetch was in flight" "$(_fetching && echo yes)" yes
check_eventually "after the answer: the lead" \
    "SELECT count(*) || ' ' || min(leadgen_id) FROM leads WHERE source = 'meta'" "1 1482736950192837"
check_eventually "the job done" "SELECT state FROM jobs WHERE kind = 'fetch_lead'" done
stop_rabta a
