#!/usr/bin/env bash
# 20 new clients write at once: round-robin over the 3 salespeople gives
# 7/7/6 (the venue's cursor is read under a row lock, so concurrent leads go
# in turn), every client is greeted exactly once, and every assignee is told
# of each of their leads. A salesperson marked away gets none.
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start

for i in $(seq 10 29); do
    conv_body "$T/c$i.json" "9230055500$i" "Guest $i" text "Assalam o alaikum, shadi ke liye hall chahiye"
done
posters=()
for i in $(seq 10 29); do
    post_webhook "$T/c$i.json" >"$T/status$i" &
    posters+=($!)
done
wait "${posters[@]}" # not a bare wait: rabta and the fake are children too
check_eq "20 webhooks answered 200" "$(for f in "$T"/status*; do cat "$f"; echo; done | sort | uniq -c | tr -s ' ')" " 20 200"
wait_quiet 120 || not_ok "everything settles" "$WAIT_LAST"
check_eq "20 leads, one per client" "$(psql_q "SELECT count(*), count(DISTINCT contact_id) FROM leads")" "20|20"
check_eq "7/7/6 over Bilal, Sara and Usman" \
    "$(psql_q "SELECT string_agg(n::text, '/' ORDER BY n DESC) FROM (SELECT count(*) AS n FROM leads GROUP BY assigned_staff_id) t")" \
    "7/7/6"
check_eq "every assignee is a salesperson" \
    "$(psql_q "SELECT count(*) FROM leads l JOIN staff s ON s.id = l.assigned_staff_id WHERE s.role = 'sales'")" 20
check_eq "every client greeted exactly once (recorded sends)" \
    "$(fake_requests whatsapp | jq -rs '[.[] | select(.status == 200 and (.body.to | startswith("+9230055500"))) | .body.to] | group_by(.) | (map(length) | unique | map(tostring) | join(",")) + " " + (length | tostring)')" \
    "1 20"
check_eq "every greeting names the assignee of its lead" \
    "$(psql_q "SELECT count(*) FROM outbox o JOIN leads l ON l.id = o.lead_id JOIN staff s ON s.id = l.assigned_staff_id WHERE o.purpose = 'greeting' AND position(s.name IN o.body) > 0")" 20
check_eq "each assignee told of each of their leads" \
    "$(psql_q "SELECT count(*) FROM leads l WHERE EXISTS (SELECT 1 FROM outbox o WHERE o.staff_id = l.assigned_staff_id AND o.body LIKE '%#' || l.id || ' %')")" 20
check_eq "greeting latency recorded for all" \
    "$(psql_q "SELECT count(*) FROM leads WHERE greeting_latency_ms IS NOT NULL")" 20

# Usman away: the next leads alternate between Bilal and Sara
rabta_cli staff away "Usman Tariq" || bail "staff away" "$(cat "$T/cli.err")"
for i in 30 31 32 33; do
    conv_post "9230055500$i" "Guest $i" text "Salam" || not_ok "client $i" "$CONV_ERR"
done
check_eq "none of the next 4 to the salesperson who is away; 2 each to the others" \
    "$(psql_q "SELECT string_agg(s.name || ' ' || n, ', ' ORDER BY s.name) FROM (SELECT assigned_staff_id, count(*) AS n FROM leads WHERE id > 20 GROUP BY 1) t JOIN staff s ON s.id = t.assigned_staff_id")" \
    "Bilal Ahmed 2, Sara Khan 2"
