#!/usr/bin/env bash
# WhatsApp templates are declared once in config/rabta.conf ([templates]:
# name = language: parameters in order) and the sender fills them by name in
# that order: the greeting of a Meta lead carries the client's name then the
# venue, as README says; reordering the declaration (SIGHUP) reorders what is
# sent, with no change of code. The README's table is `rabta check
# --templates`. `rabta check` refuses a parameter the code does not supply
# and a template the code sends that is not declared. Against a number whose
# approved template takes another count, the fake upstream answers 132000 as
# WhatsApp does, and the send fails at once with that code.
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

# 1. The README's table is the declarations' listing.
readme=$(sed -n '/^<!-- templates: /,/^<!-- \/templates -->/p' "$ROOT/README.md" | sed '1d;$d')
check_eq "README's template table = rabta check --templates" \
    "$(cd "$ROOT" && RABTA_HOME="$ROOT" "$RABTA_BIN" check --templates 2>&1)" "$readme"
check_match "the table declares lead_greeting with the client's name then the venue" "$readme" \
    '`lead_greeting` \| `ur` \| \{\{1\}\} client_name, \{\{2\}\} venue'

# 2. rabta check on wrong declarations.
B=$T/bad
mkdir -p "$B"
cp -R "$ROOT/config" "$ROOT/intents" "$ROOT/prompts" "$B/"
sed -i 's/^lead_greeting = .*/lead_greeting = ur: client_name, guest_count/' "$B/config/rabta.conf"
sed -i 's/^reengage_template = .*/reengage_template = client_followup_v2/' "$B/config/rabta.conf"
gline=$(grep -n '^lead_greeting = ' "$B/config/rabta.conf" | cut -d: -f1)
out=$(cd "$B" && RABTA_HOME="$B" "$RABTA_BIN" check 2>&1)
check_match "check: non-zero exit for wrong declarations" "$?" '^[1-9]'
check_match "check: a parameter the code does not supply, by file:line" "$out" \
    "rabta\.conf:$gline: template lead_greeting: parameter \"guest_count\" is not one the code supplies"
check_match "check: a template the code sends that is not declared" "$out" \
    'reengage_template = client_followup_v2, but template client_followup_v2 is not declared'

# 3. Sends.
start_pg
start_fake
fake_ctl POST templates '{"lead_greeting":{"language":"ur","params":2},"staff_update":{"language":"ur","params":1},"client_followup":{"language":"ur","params":2}}' >/dev/null
start_rabta
conv_post 923331112233 "Bilal" text "help" || bail "staff warm-up" "$CONV_ERR"

# meta_lead ID NAME PHONE: a Lead Ads lead known to the fake, and its webhook.
meta_lead() {
    jq --arg id "$1" --arg n "$2" --arg p "$3" \
        '.id = $id | (.field_data[] | select(.name == "full_name") | .values) = [$n]
         | (.field_data[] | select(.name == "phone_number") | .values) = [$p]' \
        "$FIX/reference/whatsapp/lead_retrieve_response.json" >"$T/lead-$1.json"
    fake_ctl POST lead "$(cat "$T/lead-$1.json")" >/dev/null
    sed "s/1482736950192837/$1/" "$WA/leadgen.json" >"$T/leadgen-$1.json"
    CONV_CURSOR=$(_conv_max_seq)
    post_webhook "$T/leadgen-$1.json" /webhook/meta-leads >/dev/null
    wait_for "SELECT count(*) FROM leads WHERE leadgen_id = '$1'" 1 60 || not_ok "lead $1 made"
    wait_quiet 60 || not_ok "sends settle" "$WAIT_LAST"
}

meta_lead 1000000000000001 "Ayesha Khan" +923001234567
check_eq "greeting: client_name then venue, in the declared order" \
    "$(conv_sends 923001234567)" "template:lead_greeting Ayesha Khan Shalimar Banquets"
check_eq "accepted by the fake (2 parameters, as approved)" \
    "$(sends_to +923001234567 '.status == 200 and .body.type == "template"')" 1

sed -i 's/^lead_greeting = .*/lead_greeting = ur: venue, client_name/' "$T/home/config/rabta.conf"
hup_and_wait config.reloaded || not_ok "SIGHUP with the reordered declaration: reloaded"
meta_lead 1000000000000002 "Sana Mir" +923001234568
check_eq "reordered declaration: venue then client_name, no code changed" \
    "$(conv_sends 923001234568)" "template:lead_greeting Shalimar Banquets Sana Mir"

# The number's approved lead_greeting takes 3 parameters: WhatsApp says 132000.
fake_ctl POST templates '{"lead_greeting":{"language":"ur","params":3},"staff_update":{"language":"ur","params":1},"client_followup":{"language":"ur","params":2}}' >/dev/null
meta_lead 1000000000000003 "Hina Butt" +923001234569
check_eq "the fake refuses a count that does not match the approved one (400)" \
    "$(fake_requests whatsapp | jq -rs '[.[] | select(.body.to == "+923001234569") | .status] | join(",")')" \
    "400"
check_eq "the send failed at once, with code 132000 and WhatsApp's reason" \
    "$(psql_q "SELECT state || ' ' || error_code || ' ' || attempts || ' ' || (error_title LIKE '%does not match%') FROM outbox WHERE recipient_phone = '+923001234569' AND template_name = 'lead_greeting'")" \
    "failed 132000 1 true"
stop_rabta
