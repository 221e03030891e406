#!/usr/bin/env bash
# A Gemini call holds a worker while it waits. With 2 workers and Gemini
# hanging, one staff message waits on Gemini; another unsure message at the
# same time is answered by the rules at once (ai_log fallback "busy"), and a
# client's message meanwhile is greeted without waiting for Gemini.
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

MSG='Ali ke haan se koi ishara mila?' # a message the offline parser is unsure of (see 016-gemini.sh)

conf_set count 2       # [workers]
conf_set timeout_ms 4000 # [gemini]
story_start a GEMINI_API_KEY=test-gemini-key # GEMINI_API_BASE is the fake already
conv_post 923331112233 Bilal text "help" || bail "warm-up Bilal" "$CONV_ERR"
conv_post 923331112244 Sara text "help" || bail "warm-up Sara" "$CONV_ERR"

fake_reset
fake_fail gemini hang 5 4000
conv_body "$T/b.json" 923331112233 Bilal text "$MSG"
conv_body "$T/s.json" 923331112244 Sara text "$MSG"
conv_body "$T/c.json" 923001119001 "Khalid Mehmood" text "Salam, hall chahiye"
check_eq "Bilal's message: 200" "$(post_webhook "$T/b.json")" 200
wait_until 10 eval '[ "$(fake_ctl GET "count?route=gemini" | jq -r .count)" -ge 1 ]' ||
    not_ok "Gemini is asked about Bilal's message"
check_eq "Sara's and the client's messages: 200" "$(post_webhook "$T/s.json") $(post_webhook "$T/c.json")" "200 200"
check_eventually "the client is greeted while Gemini still hangs" \
    "SELECT count(*) FROM outbox WHERE purpose = 'greeting' AND state = 'sent'" 1 10
check_eventually "Sara's unsure message is answered by the rules: ai_log fallback busy" \
    "SELECT count(*) FROM ai_log a JOIN staff s ON s.id = a.staff_id WHERE s.name = 'Sara Khan' AND a.fallback = 'busy'" 1 10
wait_quiet 60 || not_ok "everything settles" "$WAIT_LAST"
check_eq "Bilal's message: Gemini asked, timed out, the rules' answer used" \
    "$(psql_q "SELECT a.fallback FROM ai_log a JOIN staff s ON s.id = a.staff_id WHERE s.name = 'Bilal Ahmed' AND a.text = '$MSG'")" timeout
# the order WhatsApp received them in (the fake's sequence, no clock): the
# greeting and Sara's answer did not wait for Bilal's Gemini call
check_eq "the greeting and Sara's answer reached WhatsApp before Bilal's answer" \
    "$(fake_requests whatsapp | jq -rs --arg unknown "$(prompt_text roman_ur unknown)" '[.[] | select(.status == 200)] | sort_by(.seq)
        | map(.body.to + " " + (.body.text.body // ""))
        | (map(startswith("+923331112233 ") and contains($unknown)) | index(true)) as $b
        | [(map(startswith("+923001119001 ")) | index(true)), (map(startswith("+923331112244 ")) | index(true))]
        | $b != null and (map(. != null and . < $b) | all)')" true
