#!/usr/bin/env bash
# A Meta Lead Ads lead: the leadgen webhook queues a fetch; the lead comes
# from the Graph API with its form fields mapped by config [meta_leads];
# the client (who never wrote) is greeted by the greeting TEMPLATE with their
# name and the venue (its declaration); the assignee is told with date, guests and
# campaign. A repeat of the event is a no-op; a fetch that fails is retried;
# a lead Meta does not know (100/33) makes no lead and its job is failed.
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
conv_post 923331112233 "Bilal" text "help" || bail "staff warm-up" "$CONV_ERR"

fake_ctl POST lead "$(cat "$FIX/reference/whatsapp/lead_retrieve_response.json")" >/dev/null
CONV_CURSOR=$(_conv_max_seq)
check_eq "leadgen webhook: 200" "$(post_webhook "$WA/leadgen.json" /webhook/meta-leads)" 200
check_eventually "the lead, from the Graph API, mapped" \
    "SELECT source || '|' || name || '|' || phone || '|' || to_char(event_date, 'YYYY-MM-DD') || '|' || guests || '|' || campaign || '|' || leadgen_id FROM leads" \
    "meta|Ayesha Khan|+923001234567|2027-03-15|300|Shadi Season 2027 - Lahore|1482736950192837"
wait_jobs fetch_lead || not_ok "the fetch and its sends settle" "$WAIT_LAST"
check_eq "the Graph fetch used the page token and asked for field_data" \
    "$(fake_requests leads | jq -rs '[.[] | .path + " " + .auth + " " + (.query | test("field_data") | tostring)] | join(",")')" \
    "/v26.0/1482736950192837 Bearer page-token true"
check_eq "the client got the greeting template with their name and the venue (as declared), once" \
    "$(conv_sends 923001234567)" "template:lead_greeting Ayesha Khan Shalimar Banquets"
check_eq "the template's language is the configured one" \
    "$(fake_requests whatsapp | jq -rs '[.[] | select(.body.to == "+923001234567") | .body.template.language.code] | join(",")')" ur
check_eq "the assignee was told: number, name, date, guests and campaign" \
    "$(conv_sends 923331112233)" \
    "$(prompt_line roman_ur new_lead lead=1 "name=Ayesha Khan" phone=+923001234567 date=15/03/2027 \
        guests=300) / $(prompt_line roman_ur new_lead_campaign "campaign=Shadi Season 2027 - Lahore")"
check_eq "greeting recorded with its latency" \
    "$(psql_q "SELECT greeted_at IS NOT NULL AND greeting_latency_ms >= 0 FROM leads")" t

# Meta repeats the event: nothing new
check_eq "the same leadgen again: 200" "$(post_webhook "$WA/leadgen.json" /webhook/meta-leads)" 200
wait_jobs fetch_lead || not_ok "the fetch and its sends settle" "$WAIT_LAST"
check_eq "still one lead, one fetch, one greeting" \
    "$(psql_q "SELECT count(*) FROM leads") $(fake_requests leads | jq -s length) $(sends_to +923001234567)" "1 1 1"

# a fetch that fails once is retried, and the lead then arrives
jq -c '.id = "1482736950192999" | .field_data |= map(if .name == "phone_number" then .values = ["0300-7654321"] elif .name == "full_name" then .values = ["Maria Butt"] else . end)' \
    "$FIX/reference/whatsapp/lead_retrieve_response.json" >"$T/lead2.json"
fake_ctl POST lead "$(cat "$T/lead2.json")" >/dev/null
fake_fail leads http500 1
sed 's/1482736950192837/1482736950192999/' "$WA/leadgen.json" >"$T/leadgen2.json"
check_eq "second leadgen webhook: 200" "$(post_webhook "$T/leadgen2.json" /webhook/meta-leads)" 200
check_eventually "after a 500, the retried fetch makes the lead (local phone to E.164)" \
    "SELECT name || ' ' || phone || ' ' || source FROM leads WHERE leadgen_id = '1482736950192999'" \
    "Maria Butt +923007654321 meta" 60
check_eq "two fetches of it: the 500 and the 200" \
    "$(fake_requests leads | jq -rs '[.[] | select(.path | endswith("1482736950192999")) | .status | tostring] | join(",")')" \
    "500,200"
wait_jobs fetch_lead || not_ok "the fetch and its sends settle" "$WAIT_LAST"
check_eq "its client greeted by template, once" "$(sends_to +923007654321 '.body.type == "template"')" 1

# a lead Meta does not know: 100/33, the job is failed with the reason, no lead
sed 's/1482736950192837/1482736950100033/' "$WA/leadgen.json" >"$T/leadgen3.json"
check_eq "unknown leadgen: 200" "$(post_webhook "$T/leadgen3.json" /webhook/meta-leads)" 200
check_eventually "its job ends failed (permanent error), not retried" \
    "SELECT state || ' ' || attempts FROM jobs WHERE dedupe_key = 'lead:1482736950100033'" "failed 1"
check_eq "no lead for it" "$(psql_q "SELECT count(*) FROM leads WHERE leadgen_id = '1482736950100033'")" 0
