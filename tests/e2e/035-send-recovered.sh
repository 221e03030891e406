#!/usr/bin/env bash
# The double-send window closed by WhatsApp's own echo: every send carries
# biz_opaque_callback_data "rabta-outbox:ID". serve is killed (-9) while a
# greeting's request is at WhatsApp, its answer never recorded (the row stays
# 'sending' and would be sent again when its lease ends); the 'sent' status
# webhook, echoing that id, arrives after the restart: the row is recorded
# as sent with the status's wamid (and logged as a message out), so the
# lease has nothing to resend.
. "$(dirname "$0")/../lib/lib.sh"

start_pg
start_fake
# The first send hangs 20 s: the kill lands while it is in flight.
fake_fail whatsapp hang 1 20000
start_rabta
text_body "$T/m.json" "wamid.HBgMOTIzMDAxMTEwMTAxFQIAEhgUUkVDT1ZFUjAwMDAwMDAwMQ" 923001110401 \
    "Recover One" "Assalam o alaikum, shadi ka hall chahiye"
check_eq "a new client writes: 200" "$(post_webhook "$T/m.json")" 200
_in_flight() {
    [ "$(psql_q "SELECT count(*) FROM outbox WHERE state = 'sending'")" -ge 1 ] &&
        [ "$(fake_requests whatsapp | jq -s length)" -ge 1 ]
}
wait_until 30 _in_flight || bail "no send in flight" "$(psql_q "SELECT id, state FROM outbox")"
row=$(psql_q "SELECT id FROM outbox WHERE state = 'sending' ORDER BY id LIMIT 1")
opaque=$(fake_requests whatsapp | jq -rs '.[0].body.biz_opaque_callback_data')
check_eq "the send carries its row's id as biz_opaque_callback_data" "$opaque" "rabta-outbox:$row"
kill -KILL "${RABTA_PID[a]}"
wait "${RABTA_PID[a]}" 2>/dev/null
unset "RABTA_PID[a]"
check_eq "after the kill: the row is still 'sending' (its outcome unknown)" \
    "$(psql_q "SELECT state FROM outbox WHERE id = $row")" sending

# WhatsApp's 'sent' status for it, echoing the id, reaches the restarted serve.
start_rabta
printf '%s' '{"object":"whatsapp_business_account","entry":[{"id":"104857600123456","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"923215550100","phone_number_id":"'"$PNID"'"},"statuses":[{"id":"wamid.HBgMOTIzMDAxMTEwNDAxFQIAERgSUkVDT1ZFUkVEMDAwMQA=","status":"sent","timestamp":"'"$(date +%s)"'","recipient_id":"923001110401","biz_opaque_callback_data":"rabta-outbox:'"$row"'"}]},"field":"messages"}]}]}' \
    >"$T/st.json"
check_eq "the status webhook: 200" "$(post_webhook "$T/st.json")" 200
check_eventually "the row is recorded as sent, with the status's wamid" \
    "SELECT state || ' ' || wamid FROM outbox WHERE id = $row" \
    "sent wamid.HBgMOTIzMDAxMTEwNDAxFQIAERgSUkVDT1ZFUkVEMDAwMQA="
check_eq "and logged as a message out, with the status" \
    "$(psql_q "SELECT direction || ' ' || status FROM messages WHERE outbox_id = $row")" "out sent"
check_eq "nothing left 'sending' for the lease to resend" \
    "$(psql_q "SELECT count(*) FROM outbox WHERE id = $row AND state IN ('pending', 'sending')")" 0
stop_rabta a
