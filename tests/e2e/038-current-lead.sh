#!/usr/bin/env bash
# The salesperson's current lead, appended (sql/021): "is lead ka status"
# names the lead last forwarded, before and after the tick deletes the
# replaced rows; a new lead's notice and first message are one outbox row.
# The steps: tests/fixtures/conversations/current_lead.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/current_lead.conv"

# Prepared statements are planned again for the tables as they have grown
# (store/db.c, REPLAN_FIRST_MS): a connection idle past its first 2 s
# forgets them, and what follows still works.
wait_until 20 eval '[ "$(log_count db.replan)" -gt 0 ]'
check_match "a connection forgot its prepared statements to plan them again" \
    "$(grep 'event=db.replan' "$T/rabta-a.log" | head -n 1)" 'statements=[1-9]'
conv_post 923001234599 "Replan Guest" text "Salam, shadi ke liye hall chahiye" ||
    not_ok "a client's message after the replan" "$CONV_ERR"
check_eventually "the client after the replan is greeted" \
    "SELECT count(*) FROM outbox WHERE recipient_phone = '+923001234599' AND state = 'sent'" 1

# A known client's message touches their open lead in the same statement
# as the message (store_contact_inbound): the guests and date it tells are
# written where still unknown, never over what is known.
conv_post 923001234599 "Replan Guest" text "300 mehmaan honge, 20 march ko" ||
    not_ok "the client's second message" "$CONV_ERR"
check_eventually "the guests and date the client told are on the lead" \
    "SELECT guests || ' ' || (event_date IS NOT NULL) FROM leads WHERE phone = '+923001234599'" "300 true"
conv_post 923001234599 "Replan Guest" text "shayad 500 log ho jayen" ||
    not_ok "the client's third message" "$CONV_ERR"
check_eventually "the third message is logged on the lead" \
    "SELECT count(*) FROM messages m JOIN leads l ON l.id = m.lead_id WHERE l.phone = '+923001234599' AND m.direction = 'in'" 3
check_eq "known guests are kept" \
    "$(psql_q "SELECT guests FROM leads WHERE phone = '+923001234599'")" 300
