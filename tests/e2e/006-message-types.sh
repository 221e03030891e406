#!/usr/bin/env bash
# Every message type a user can send is kept: an inbound_events row with the
# raw message, processed to done, and a messages row with its type; the text,
# caption or title as body, media id and mime type for media, the quoted
# wamid for replies, and the sender's profile name on the contact. A real
# message finds its sender's lead; a reaction joins it; the system notice of
# a changed number opens none and moves the lead to the new number.
. "$(dirname "$0")/../lib/lib.sh"

story_start

P=wamid.HBgMOTIzMDAxMjM0NTY3FQIAEhgU
# fixture | wamid | type | body ("-": not checked) | media id | mime | context wamid
cases=$(cat <<TABLE
text|wamid.HBgMOTIzMDAxMjM0NTY3FQIAEhgUM0E5RjJDNEU2QjhEMEExQzNFNUYA|text|Assalam o alaikum! 15 March ko shadi ke liye hall available hai? Taqreeban 300 mehman honge.|||
interactive_button_reply|wamid.HBgMOTIzMDAxMjM0NTY3FQIAEhgUM0FCMEMxRDJFM0Y0MDUxNjI3MzgA|interactive|Site visit|||wamid.HBgMOTIzMDAxMjM0NTY3FQIAERgSNEQ5RThGN0E2QjVDNEQzRTJGAA==
interactive_list_reply|wamid.HBgMOTIzMDAxMjM0NTY3FQIAEhgUM0EwRjFFMkQzQzRCNUE2OTc4ODcA|interactive|Dinner|||wamid.HBgMOTIzMDAxMjM0NTY3FQIAERgSNEUxRjJBM0I0QzVENkU3RjgwAA==
button|wamid.HBgMOTIzMDAxMjM0NTY3FQIAEhgUM0FGMEUxRDJDM0I0QTU5Njg3NzgA|button|Mujhe call karein|||wamid.HBgMOTIzMDAxMjM0NTY3FQIAERgSNEMwRDFFMkYzQTRCNUM2RDdFAA==
image|wamid.HBgMOTIzMDAxMjM0NTY3FQIAEhgUM0FDNEQ1RTZGNzA4MTkyMDNBNEIA|image|Yeh stage decoration pasand hai 😍|1230456789012345|image/jpeg|
audio_voice|${P}M0FVRElPVk9JQ0UwMDAxAA|audio|-|2230456789012345|audio/ogg; codecs=opus|
document|${P}M0RPQ1VNRU5UMDAwMDAxAA|document|Hamari guest list / menu|3230456789012345|application/pdf|
video|${P}M1ZJREVPMDAwMDAwMDAxAA|video|Pichli shadi ki video|4230456789012345|video/mp4|
sticker|${P}M1NUSUNLRVIwMDAwMDAxAA|sticker|-|5230456789012345|image/webp|
location|wamid.HBgMOTIzNDUxMjM0NTY3FQIAEhgUM0E1NTQ0MzMyMjExRkZFRUREQ0MA|location|-|||
reaction|wamid.HBgMOTIzMDAxMjM0NTY3FQIAEhgUM0FEOEU5RkEwQjFDMkQzRTRGNTAA|reaction|-|||
reaction_removed|${P}M1JFQUNUSU9OUkVNT1ZFRAA|reaction|-|||
contacts|${P}M0NPTlRBQ1RTMDAwMDAxAA|contacts|-|||
system|${P}M1NZU1RFTTAwMDAwMDAxAA|system|-|||
unsupported|wamid.HBgMOTIzNDUxMjM0NTY3FQIAEhgUM0E5OTg4Nzc2NjU1NDQzM0FBQkIA|unsupported|-|||
TABLE
)

n=0
while IFS='|' read -r fx w type body media mime ctx; do
    code=$(post_webhook "$WA/$fx.json")
    check_eq "$fx: POST 200" "$code" 200
    n=$((n + 1))
    if [ "$n" = 1 ]; then
        # the client's first message opens the lead before anything joins it
        wait_for "SELECT count(*) FROM leads" 1 60 || not_ok "first lead opened" "$WAIT_LAST"
    fi
done <<<"$cases"

check_eventually "all $n events processed (done)" \
    "SELECT count(*) FROM inbound_events WHERE kind = 'message' AND state = 'done'" "$n" 60

while IFS='|' read -r fx w type body media mime ctx; do
    check_eq "$fx: one inbound_events row keeping the raw message (with its '$type' object)" \
        "$(psql_q "SELECT count(*) FROM inbound_events WHERE dedupe_key = 'msg:' || :'w'
                     AND jsonb_path_query_first(payload::jsonb, '\$.** ? (@.id == \$w)',
                                                jsonb_build_object('w', :'w')) ? :'t'" \
            -v w="$w" -v t="$type")" 1
    row=$(psql_q "SELECT direction || ' ' || party || ' ' || type FROM messages WHERE wamid = :'w'" -v w="$w")
    check_eq "$fx: messages row (in, client, $type)" "$row" "in client $type"
    if [ "$body" != - ]; then
        check_eq "$fx: body" "$(psql_q "SELECT body FROM messages WHERE wamid = :'w'" -v w="$w")" "$body"
    fi
    if [ -n "$media" ]; then
        check_eq "$fx: media id and mime type" \
            "$(psql_q "SELECT media_id || '|' || media_mime FROM messages WHERE wamid = :'w'" -v w="$w")" \
            "$media|$mime"
    fi
    if [ -n "$ctx" ]; then
        check_eq "$fx: context wamid (the message it answers)" \
            "$(psql_q "SELECT context_wamid FROM messages WHERE wamid = :'w'" -v w="$w")" "$ctx"
    fi
done <<<"$cases"

check_eq "profile names kept on the contacts" \
    "$(psql_q "SELECT string_agg(phone || '=' || profile_name, ',' ORDER BY phone) FROM contacts WHERE phone IN ('+923001234567', '+923451234567')")" \
    "+923001234567=Ayesha Khan,+923451234567=Hamza Ali"
check_eq "one lead per client (Ayesha, on her new number; Hamza)" \
    "$(psql_q "SELECT string_agg(phone, ',' ORDER BY phone) FROM leads")" "+923001234599,+923451234567"
check_eq "the old number points at the new one" \
    "$(psql_q "SELECT n.phone FROM contacts o JOIN contacts n ON n.id = o.moved_to WHERE o.phone = '+923001234567'")" \
    "+923001234599"
check_eq "every message but the system notice on its sender's lead" \
    "$(psql_q "SELECT count(*) FROM messages m JOIN leads l ON l.id = m.lead_id JOIN contacts c ON c.id = m.contact_id WHERE m.direction = 'in' AND l.contact_id IN (c.id, c.moved_to)")" \
    "$((n - 1))"
check_eq "the system notice is on no lead" \
    "$(psql_q "SELECT count(*) FROM messages WHERE type = 'system' AND lead_id IS NULL")" 1

stop_rabta
