#!/usr/bin/env bash
# The owner's figures from `rabta report --format json/csv/text` on a venue
# built with known figures (tests/tools/report_fixture.sql: its table says
# which lead is what). Every expected number below was worked out by hand
# from that table, not taken from the code: January 2026 against December
# 2025, every metric, every group_by, a comparison, the funnel, greeting
# latency, AI parses, 12 months, period boundaries in the venue's time zone.
# slow: starts first in `tests/run`
. "$(dirname "$0")/../lib/lib.sh"

start_pg
start_fake
rabta_cli staff list || bail "seeding the venue failed" "$(cat "$T/cli.err")"
psql_q "$(cat "$ROOT/tests/tools/report_fixture.sql")" >/dev/null ||
    bail "loading the fixture failed"

# report ARGS...: runs `rabta report ARGS`; the output in $OUT
OUT=
report() {
    if rabta_cli report "$@"; then
        OUT=$(cat "$T/cli.out")
    else
        OUT="exit $?: $(cat "$T/cli.err")"
    fi
}
# jqc NAME FILTER EXPECTED: jq -c FILTER over $OUT is EXPECTED
jqc() {
    check_eq "$1" "$(jq -c "$2" <<<"$OUT" 2>&1)" "$3"
}

# ---- January 2026, every figure (no metric: the JSON has all of them) ----
report --period 2026-01 --format json
S='.periods[0].summary'
jqc "leads created in January (J1 00:30 on 1 Jan in, F1 00:10 on 1 Feb out)" "$S.leads" 8
jqc "January leads with a first reply (all but J3)" "$S.contacted" 7
jqc "January leads at BOOKED now (J1, J4)" "$S.booked" 2
jqc "conversion 2 of 8" "$S.conversion_pct" 25
jqc "first reply average (600+1200+1800+3600+600+300+900)/7 = 1285.7 s" "$S.response_avg_s" 1286
jqc "first reply p90: 1800 + 0.4 * (3600 - 1800)" "$S.response_p90_s" 2520
jqc "bookings made in January: D2 (3 Jan), J1 (20 Jan), J4 (31 Jan 23:50 local)" "$S.bookings" 3
jqc "booked revenue 6,00,000 + 8,00,000 + 12,00,000" "$S.revenue" 2600000
jqc "payments received in January: J1 advance, J4 advance (31 Jan 23:55 local)" \
    "[$S.received, $S.received_n]" "[500000,2]"
jqc "payments due (not overdue): J1 final 6,00,000, D2 advance 1,50,000" "[$S.due, $S.due_n]" "[750000,2]"
jqc "payments overdue: J4 final 9,00,000, D1 final 5,00,000" "[$S.overdue, $S.overdue_n]" "[1400000,2]"
jqc "stale leads now: J2, J8, D5, F1" "$S.stale" 4
jqc "follow-ups overdue now: J2's" "$S.overdue_followups" 1
jqc "pipeline of January leads 8+12+5+7 lakh" "$S.pipeline" 3200000
jqc "funnel: January leads by current stage" '[.funnel.at[]]' "[1,1,0,1,1,1,2,1]"
jqc "funnel: reached each stage (J6 reached CONTACTED before LOST)" '[.funnel.reached[]]' \
    "[8,7,5,5,4,3,2,1]"
jqc "greeting latency p50 (4000+5000)/2, p99 7000 + 0.93 * 1000" \
    '[.greeting.n, .greeting.p50_ms, .greeting.p99_ms]' "[8,4500,7930]"
jqc "AI parses in January by engine" '.ai_engines' '{"rules":3,"gemini":2}'
jqc "Gemini fallbacks in January by reason (December's 'invalid' not counted)" '.ai_fallbacks' \
    '{"timeout":2}'
jqc "12 months end with January 2026" '[.months[0].month, .months[11].month, (.months | length)]' \
    '["2025-02","2026-01",12]'
jqc "months: December 5 leads 1 booking, January 8 leads 3 bookings" \
    '[.months[10].leads, .months[10].bookings, .months[10].revenue, .months[11].leads, .months[11].bookings, .months[11].revenue]' \
    "[5,1,1000000,8,3,2600000]"
jqc "salesperson table: order by bookings (Sara 2, Bilal 1, Usman 0)" '[.staff[].key]' \
    '["Sara Khan","Bilal Ahmed","Usman Tariq"]'
jqc "Bilal: assigned 4, contacted 4, booked 1, 25 %, reply avg 750 s p90 1110 s, revenue 8 lakh, stale 2, overdue 5 lakh, 1 follow-up overdue" \
    '.staff[1] | [.leads, .contacted, .booked, .conversion_pct, .response_avg_s, .response_p90_s, .revenue, .stale, .overdue, .overdue_followups]' \
    "[4,4,1,25,750,1110,800000,2,500000,1]"
jqc "Sara: assigned 2, contacted 1, booked 1, 50 %, reply 1800 s, 2 bookings 18 lakh, stale 1 (D5), overdue 9 lakh" \
    '.staff[0] | [.leads, .contacted, .booked, .conversion_pct, .response_avg_s, .bookings, .revenue, .stale, .overdue]' \
    "[2,1,1,50,1800,2,1800000,1,900000]"
jqc "Usman: assigned 2, reply avg 2100 s, p90 600 + 0.9 * 3000, stale 1 (F1)" \
    '.staff[2] | [.leads, .contacted, .booked, .response_avg_s, .response_p90_s, .stale]' \
    "[2,2,0,2100,3300,1]"

# ---- every metric, grouped ----
report --period 2026-01 --metric leads --group-by source --format json
jqc "leads by source" '[.periods[0].rows[] | [.key, .leads]]' '[["meta",3],["whatsapp",3],["walk_in",2]]'
report --period 2026-01 --metric leads --group-by campaign --format json
jqc "leads by campaign" '[.periods[0].rows[] | [.key, .leads]]' \
    '[["",5],["Winter Promo",2],["Shaadi Season",1]]'
report --period 2026-01 --metric conversion_rate --group-by source --format json
jqc "conversion by source: WhatsApp 1/3, Meta 1/3, walk-in 0/2" \
    '[.periods[0].rows[] | [.key, .booked, .leads, .conversion_pct]]' \
    '[["meta",1,3,33.3],["whatsapp",1,3,33.3],["walk_in",0,2,0]]'
report --period 2026-01 --metric conversion_rate --group-by campaign --format json
jqc "conversion by campaign: Winter Promo 1/2" \
    '[.periods[0].rows[] | select(.key == "Winter Promo") | .conversion_pct]' '[50]'
report --period 2026-01 --metric conversion_rate --group-by staff --format json
jqc "conversion by salesperson" '[.periods[0].rows[] | [.key, .conversion_pct]]' \
    '[["Bilal Ahmed",25],["Sara Khan",50],["Usman Tariq",0]]'
report --period 2026-01 --metric leads --group-by stage --format json
jqc "leads by stage, in stage order" '[.periods[0].rows[] | [.key, .leads]]' \
    '[["NEW",1],["CONTACTED",1],["SITE_VISIT",1],["QUOTED",1],["NEGOTIATING",1],["BOOKED",2],["LOST",1]]'
report --period 2025-12 --compare 2026-01 --metric leads --group-by month --format json
jqc "leads by month" '[.periods[] | [.rows[] | [.key, .leads]]]' '[[["2025-12",5]],[["2026-01",8]]]'
report --period 2026-01 --metric bookings --group-by source --format json
jqc "bookings by source (of the booked leads)" '[.periods[0].rows[] | [.key, .bookings, .revenue]]' \
    '[["meta",2,1800000],["whatsapp",1,800000]]'
report --period 2026-01 --metric revenue --group-by staff --format json
jqc "revenue by salesperson" '[.periods[0].rows[] | [.key, .bookings, .revenue]]' \
    '[["Sara Khan",2,1800000],["Bilal Ahmed",1,800000]]'
report --period 2026 --metric bookings --group-by month --format json
jqc "bookings in 2026 by month of the booking" '[.periods[0].rows[] | [.key, .bookings, .revenue]]' \
    '[["2026-01",3,2600000]]'
report --period 2026-01 --metric response_time --group-by source --format json
jqc "first reply by source: WhatsApp (600+1200)/2, Meta (1800+3600+600)/3, walk-in (300+900)/2" \
    '[.periods[0].rows[] | [.key, .response_avg_s]] | sort' \
    '[["meta",2000],["walk_in",600],["whatsapp",900]]'
report --period 2026-01 --metric stale_leads --group-by staff --format json
jqc "stale leads by salesperson (now)" '[.periods[0].rows[] | [.key, .stale]]' \
    '[["Bilal Ahmed",2],["Sara Khan",1],["Usman Tariq",1]]'
report --period 2026-01 --metric stale_leads --group-by source --format json
jqc "stale leads by source: J2 D5 F1 WhatsApp, J8 walk-in" '[.periods[0].rows[] | [.key, .stale]]' \
    '[["whatsapp",3],["walk_in",1]]'
report --period 2026-01 --metric overdue_payments --group-by staff --format json
jqc "overdue payments by salesperson" '[.periods[0].rows[] | [.key, .overdue, .overdue_n]]' \
    '[["Sara Khan",900000,1],["Bilal Ahmed",500000,1]]'

# ---- every metric x group_by gives an answer of at most 12 lines ----
# (alone or compared with December, alternately: each metric and each group_by both
# ways; in English, Roman Urdu and Urdu in turn)
bad=
i=0
langs=(en roman_ur ur)
for m in "" leads bookings conversion_rate revenue response_time stale_leads overdue_payments; do
    i=$((i + 1))
    for g in "" source campaign staff stage month; do
        i=$((i + 1))
        args=(--period 2026-01)
        [ -n "$m" ] && args+=(--metric "$m")
        [ -n "$g" ] && args+=(--group-by "$g")
        ((i % 2)) && args+=(--compare 2025-12)
        args+=(--lang "${langs[i % 3]}")
        if ! rabta_cli report "${args[@]}"; then
            bad+="${args[*]}: exit $?; "
        elif [ "$(wc -l <"$T/cli.out")" -gt 12 ] || [ ! -s "$T/cli.out" ]; then
            bad+="${args[*]}: $(wc -l <"$T/cli.out") lines; "
        elif grep -Eq '\{[a-z_]+\}' "$T/cli.out"; then
            bad+="${args[*]}: a placeholder left: $(grep -Eo '\{[a-z_]+\}' "$T/cli.out" | head -1); "
        fi
    done
done
check_eq "every metric x group_by x compare answers in 1..12 lines, every placeholder filled" "$bad" ""

# ---- text: the comparison side by side, money in lakh ----
report --period 2026-01 --compare 2025-12
check_eq "January vs December: the answer" "$OUT" "*January 2026 vs December 2025*
Leads: 8 vs 5 (+60 %)
Bookings: 3 vs 1 (+200 %)
Revenue: Rs 26,00,000 vs Rs 10,00,000 (+160 %)
Conversion: 25 % vs 40 % (−15 pts)
First reply: 21 min vs 25 min (−4 min)
Payments received: Rs 5,00,000 vs Rs 5,00,000 (=)
Now: 4 stale leads, Rs 14,00,000 overdue (2 payments)"
report --period 2026-01 --metric conversion_rate --group-by stage
check_match "conversion by stage: NEW to CONTACTED 7 of 8" "$OUT" "New → Contacted: 87.5 % \(7/8\)"
check_match "conversion by stage: NEGOTIATING to BOOKED 2 of 3" "$OUT" "Negotiating → Booked: 66.7 % \(2/3\)"
report --period 2025-11 --metric leads
check_eq "an empty period says so" "$OUT" "No leads in November 2025."
report --period 2025-11 --metric leads --lang roman_ur
check_eq "an empty period, Roman Urdu" "$OUT" "November 2025 mein koi lead nahi aayi."
report --period 2026-01 --metric overdue_payments --group-by staff --lang ur
check_match "Urdu: overdue payments with the salespeople's names" "$OUT" "Sara Khan: Rs 9,00,000 \(1 پیمنٹ\)"

# ---- CSV and errors ----
report --period 2026-01 --metric leads --group-by source --format csv
check_eq "CSV: a header and one line per source" "$(printf '%s\n' "$OUT" | tr -d '\r' | cut -d, -f1-3)" \
    'period,key,leads
"2026-01","meta",3
"2026-01","whatsapp",3
"2026-01","walk_in",2'
rabta_cli report --period 2026-13
check_eq "a month 13 is refused (exit 2)" "$?" 2
check_match "... saying which word" "$(cat "$T/cli.err")" '"2026-13" is not a period'
rabta_cli report --metric profit
check_eq "an unknown metric is refused (exit 2)" "$?" 2

# ---- money grouping is configurable ----
conf_set money_grouping thousands
report --period 2026-01 --metric revenue
check_match "thousands grouping" "$OUT" "Total: Rs 2,600,000 \(3 bookings\)"

# ---- money from the ledger: a part payment counts as received, and what is
# still due is what the milestone needs now (J1 final 6,00,000 less 1,00,000) ----
psql_q "INSERT INTO payment_entries (venue_id, lead_id, milestone, amount, source, note)
        SELECT venue_id, id, 'final', 100000, 'chat', 'part payment' FROM leads WHERE name = 'J1'" \
    >/dev/null || bail "a part payment"
report --period this_month --format json
S='.periods[0].summary'
jqc "received this month: the part payment alone" "[$S.received, $S.received_n]" "[100000,1]"
jqc "due now: J1 final 5,00,000 still needed + D2 advance 1,50,000" "[$S.due, $S.due_n]" "[650000,2]"
psql_q "INSERT INTO payment_entries (venue_id, lead_id, milestone, amount, source, reverses, reason)
        SELECT venue_id, lead_id, milestone, -amount, 'chat', id, 'typo' FROM payment_entries
        WHERE note = 'part payment'" >/dev/null || bail "a reversal"
report --period this_month --format json
jqc "a reversal takes it back: nothing received, 6,00,000 due again" \
    "[$S.received, $S.received_n, $S.due]" "[0,0,750000]"
