#!/usr/bin/env bash
# The Lead Ads fetch runs with no transaction open: while the Graph API
# takes 8 s to answer, no rabta session is "idle in transaction" and the
# job row is not locked (it is leased: run_at moved forward); the lead is
# made once the answer comes, in a transaction of its own.
. "$(dirname "$0")/../lib/lib.sh"

start_pg
start_fake
start_rabta
fake_ctl POST lead "$(cat "$FIX/reference/whatsapp/lead_retrieve_response.json")" >/dev/null
fake_fail leads ok 1 8000
check_eq "leadgen webhook: 200" "$(post_webhook "$WA/leadgen.json" /webhook/meta-leads)" 200
_fetching() { [ "$(fake_requests leads | jq -s length)" -ge 1 ] 2>/dev/null ||
    [ "$(psql_q "SELECT count(*) FROM jobs WHERE kind = 'fetch_lead' AND run_at > now()")" = 1 ]; }
wait_until 30 _fetching || bail "the fetch did not start"
sleep 1
check_eq "during the fetch: no transaction open for more than a second" \
    "$(psql_q "SELECT count(*) FROM pg_stat_activity WHERE datname = 'rabta'
        AND pid <> pg_backend_pid() AND xact_start < now() - interval '1 second'")" 0
check_eq "during the fetch: the job row is not locked (leased instead)" \
    "$(psql_q "SELECT count(*) FROM jobs WHERE kind = 'fetch_lead' AND state = 'pending'
        AND run_at > now() AND id IN (SELECT id FROM jobs FOR UPDATE SKIP LOCKED)")" 1
check_eventually "after the answer: the lead" \
    "SELECT count(*) || ' ' || min(leadgen_id) FROM leads WHERE source = 'meta'" "1 1482736950192837"
check_eventually "the job done" "SELECT state FROM jobs WHERE kind = 'fetch_lead'" done
stop_rabta a
