#!/usr/bin/env bash
# The owner asks for figures by WhatsApp and gets them from the venue built
# with known figures (tests/tools/report_fixture.sql; the numbers below are
# worked out by hand from its table): a comparison side by side, stale leads
# by salesperson, conversion by source, Urdu and Roman Urdu answers, the page
# link (owner and finance scopes, sales refused, REPORT_TOKEN unset), an
# empty period. Also the time each answer took (report.answered ms=).
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
psql_q "$(cat "$ROOT/tests/tools/report_fixture.sql")" >/dev/null ||
    bail "loading the fixture failed"
# this month in the venue's zone (nothing of the fixture is in it)
MONTH=$(TZ=Asia/Karachi date +'%B %Y')
NOW=$(TZ=Asia/Karachi date +'%B')
sed "s/{MONTH}/$MONTH/g" >"$T/reports.conv" <<'EOF_CONV'
# the owner's comparison (INTENTS.md's example, with the years)
staff 923001110001 | How did January 2026 compare to December 2025?
expect +923001110001 | ^\*January 2026 vs December 2025\* / Leads: 8 vs 5 \(\+60 %\) / Bookings: 3 vs 1 \(\+200 %\) / Revenue: Rs 26,00,000 vs Rs 10,00,000 \(\+160 %\) / Conversion: 25 % vs 40 % \(−15 pts\) / First reply: 21 min vs 25 min \(−4 min\) / Payments received: Rs 5,00,000 vs Rs 5,00,000 \(=\) / Now: 4 stale leads, Rs 14,00,000 overdue \(2 payments\)$
staff 923001110001 | Who has the most stale leads?
expect +923001110001 | / Total: 4 / Bilal Ahmed: 2 / Sara Khan: 1 / Usman Tariq: 1$
staff 923001110001 | conversion rate by source January 2026
expect +923001110001 | ^\*Conversion \(leads booked\), January 2026\* / Total: 25 % \(2 of 8\) / Meta ads: 33.3 % \(1 of 3\) / WhatsApp: 33.3 % \(1 of 3\) / Walk-in: 0 % \(0 of 2\)$
staff 923001110001 | January 2026 vs December 2025 leads by source
expect +923001110001 | ^\*Leads: January 2026 vs December 2025\* / Total: 8 vs 5 \(\+60 %\) / Meta ads: 3 vs 1 \(\+200 %\) / WhatsApp: 3 vs 3 \(=\) / Walk-in: 2 vs 1 \(\+100 %\)$
staff 923001110001 | revenue by salesperson January 2026
expect +923001110001 | / Sara Khan: Rs 18,00,000 \(2 bookings\) / Bilal Ahmed: Rs 8,00,000 \(1 booking\)$
staff 923001110001 | response time by salesperson in January 2026
expect +923001110001 | / Bilal Ahmed: 13 min \(p90 19 min; 4 replied\) / Sara Khan: 30 min \(p90 30 min; 1 replied\) / Usman Tariq: 35 min \(p90 55 min; 2 replied\)$
staff 923001110001 | overdue payments by salesperson
expect +923001110001 | / Total: Rs 14,00,000 \(2 payments\) / Sara Khan: Rs 9,00,000 \(1 payment\) / Bilal Ahmed: Rs 5,00,000 \(1 payment\)$
staff 923001110001 | leads by stage january 2026
expect +923001110001 | / Total: 8 / New: 1 / Contacted: 1 / Site visit: 1 / Quoted: 1 / Negotiating: 1 / Booked: 2 / Lost: 1$
staff 923001110001 | monthly bookings in 2026
expect +923001110001 | ^\*Bookings, 2026\* / Total: 3 \(Rs 26,00,000\) / January 2026: 3 \(Rs 26,00,000\)$
# Urdu as written: script, Roman
staff 923001110001 | جنوری 2026 میں کتنی لیڈز آئیں
expect +923001110001 | ^\*لیڈز، جنوری 2026\* / کل: 8$
staff 923001110001 | jan 2026 mein kitni bookings hui
expect +923001110001 | ^\*Bookings, January 2026\* / Kul: 3 \(Rs 26,00,000\)$
# nothing this month: said plainly
staff 923001110001 | What's our conversion rate from Meta vs walk-ins?
expect +923001110001 | ^No leads in {MONTH}\.$
# the page link: owner, finance; sales refused
staff 923001110001 | report
expect +923001110001 | ^Your report page, valid for 24 hours: / http://127\.0\.0\.1:[0-9]+/report\?grant=v1\.owner\.[0-9]+\.[0-9a-f]{64}$
staff 923001110001 | dashboard
expect +923001110001 | /report\?grant=v1\.owner\.
staff 923331112266 | رپورٹ
expect +923331112266 | ^آپ کا پیمنٹس پیج، 24 گھنٹے کے لیے: / http://127\.0\.0\.1:[0-9]+/report\?grant=v1\.finance\.[0-9]+\.[0-9a-f]{64}$
staff 923331112266 | overdue payments total
expect +923331112266 | / Kul: Rs 14,00,000 \(2 payments\)$
staff 923331112233 | report
expect +923331112233 | ^Maazrat
expect-not +923331112233 | grant=
EOF_CONV
converse "$T/reports.conv"

# the grant in the link is valid for 24 hours from now
exp=$(psql_q "SELECT substring(body from 'grant=v1\.owner\.([0-9]+)\.') FROM outbox
              WHERE body LIKE '%grant=v1.owner.%' ORDER BY id DESC LIMIT 1")
left=$((exp - $(date +%s)))
if [ "$left" -gt 86000 ] && [ "$left" -le 86400 ]; then
    ok "the link's grant expires in 24 hours"
else
    not_ok "the link's grant expires in 24 hours" "expires in $left s"
fi

# REPORT_TOKEN unset: said plainly
stop_rabta a
start_rabta a REPORT_TOKEN=
cat >"$T/notoken.conv" <<'EOF_CONV'
staff 923001110001 | report
expect +923001110001 | ^The report page is off: REPORT_TOKEN is not set on the server\.
EOF_CONV
converse "$T/notoken.conv"

# how long the answers took (the handler's own measure, sanitizer build)
ms=$(grep -ho 'event=report.answered.*ms=[0-9]*' "$T"/rabta-a.log | sed 's/.*ms=//' | sort -n)
n=$(printf '%s\n' "$ms" | grep -c .)
if [ "$n" -ge 10 ]; then
    ok "answers timed: $n, median $(printf '%s\n' "$ms" | sed -n "$(((n + 1) / 2))p") ms"
else
    not_ok "answers timed" "only $n report.answered lines"
fi
