#!/usr/bin/env bash
# X-Hub-Signature-256 on POST /webhook/whatsapp and /webhook/meta-leads: HMAC
# of the raw body with the app secret; 401 when missing or wrong, and nothing
# stored; 200 and the event stored when right.
. "$(dirname "$0")/../lib/lib.sh"

story_start

text=$WA/text.json
good=$(sign "$text")

# The shared test vector: our signer agrees with Meta's example.
check_eq "sign() matches reference signature_vector.txt" "sha256=$good" \
    "$(sed -n 's/^X-Hub-Signature-256: //p' "$FIX/reference/whatsapp/signature_vector.txt")"

code=$(post_with_header "$text" "")
check_eq "no signature header: 401" "$code" 401
flip=0
[ "${good:63:1}" = 0 ] && flip=1
code=$(post_with_header "$text" "X-Hub-Signature-256: sha256=${good:0:63}$flip")
check_eq "last hex digit changed: 401" "$code" 401
code=$(post_with_header "$text" "X-Hub-Signature-256: $good")
check_eq "no sha256= prefix: 401" "$code" 401
code=$(post_with_header "$text" "X-Hub-Signature-256: sha256=${good:0:62}")
check_eq "digest too short: 401" "$code" 401
code=$(post_with_header "$text" "X-Hub-Signature-256: sha256=${good}00")
check_eq "digest too long: 401" "$code" 401
code=$(post_with_header "$text" "X-Hub-Signature-256: sha256=")
check_eq "empty digest: 401" "$code" 401
code=$(post_with_header "$text" "X-Hub-Signature-256: sha1=$(openssl dgst -sha1 -hmac "$APP_SECRET" -r "$text" | cut -d' ' -f1)")
check_eq "sha1 signature instead: 401" "$code" 401
code=$(SIGN_SECRET=wrong-secret post_webhook "$text")
check_eq "signed with another secret: 401" "$code" 401
# The signature of another body: any byte changed must fail.
printf '%s ' "$(cat "$text")" >"$T/text_plus_space.json"
code=$(post_with_header "$T/text_plus_space.json" "X-Hub-Signature-256: sha256=$good")
check_eq "one byte appended to the body: 401" "$code" 401
check_eq "nothing stored for refused POSTs" \
    "$(psql_q "SELECT (SELECT count(*) FROM inbound_events) + (SELECT count(*) FROM messages WHERE direction = 'in')")" 0

code=$(post_webhook "$text")
check_eq "right signature: 200" "$code" 200
check_eq "right signature: event stored" \
    "$(psql_q "SELECT source || ' ' || kind FROM inbound_events WHERE dedupe_key = 'msg:wamid.HBgMOTIzMDAxMjM0NTY3FQIAEhgUM0E5RjJDNEU2QjhEMEExQzNFNUYA'")" \
    "whatsapp message"

# The Lead Ads webhook: the same rule; event keyed lead:<leadgen_id>.
fake_ctl POST lead "$(cat "$FIX/reference/whatsapp/lead_retrieve_response.json")" >/dev/null
lead=$WA/leadgen.json
code=$(post_with_header "$lead" "" /webhook/meta-leads)
check_eq "meta-leads without signature: 401" "$code" 401
code=$(SIGN_SECRET=wrong-secret post_webhook "$lead" /webhook/meta-leads)
check_eq "meta-leads with a wrong signature: 401" "$code" 401
check_eq "meta-leads: nothing stored for refused POSTs" \
    "$(psql_q "SELECT count(*) FROM inbound_events WHERE dedupe_key LIKE 'lead:%'")" 0
code=$(post_webhook "$lead" /webhook/meta-leads)
check_eq "meta-leads signed: 200" "$code" 200
check_eq "meta-leads: event lead:1482736950192837 stored" \
    "$(psql_q "SELECT source || ' ' || kind FROM inbound_events WHERE dedupe_key = 'lead:1482736950192837'")" \
    "meta_leads leadgen"
code=$(post_webhook "$lead" /webhook/meta-leads)
check_eq "meta-leads: the same POST again is 200" "$code" 200
check_eq "meta-leads: still one event" \
    "$(psql_q "SELECT count(*) FROM inbound_events WHERE dedupe_key LIKE 'lead:%'")" 1

stop_rabta
