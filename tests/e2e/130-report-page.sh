#!/usr/bin/env bash
# alone: timing or machine-wide state; tests/run runs it by itself
# The owner's report page: access (grant -> cookie, bearer, 401 for none,
# a forged or an expired grant, finance sees payments only, sales nothing),
# GET/HEAD only, the security headers, the pages' figures and names (a lead
# named <script>alert(1)</script> escaped, one named عائشہ خان as written), a
# lead's whole timeline, the streamed CSV; then the pages in a real headless
# Chromium at 360x800 and 1280x800, its DOM checked and the screenshots kept
# under build/test/report-shots/.
. "$(dirname "$0")/../lib/lib.sh"

story_start a RABTA_TRUSTED_PROXY=127.0.0.1
SECRET=report-token # lib.sh's REPORT_TOKEN

# grant SCOPE EXPIRES [SECRET]: a grant as core/grant.h makes it.
grant() {
    local head="v1.$1.$2"
    printf '%s.%s' "$head" "$(printf '%s' "$head" | openssl dgst -sha256 -hmac "${3:-$SECRET}" -r |
        cut -d' ' -f1)"
}
NOW=$(date +%s)
OWNER=$(grant owner $((NOW + 86400)))
FINANCE=$(grant finance $((NOW + 86400)))

# ---- the venue, built to have known figures ------------------------------
# January 2026 (Asia/Karachi): three leads (meta, whatsapp, walk_in), one
# booking of Rs 8,00,000; December 2025: one lead, no booking.
psql_q "
DO \$\$
DECLARE v bigint; bilal bigint; sara bigint; l1 bigint; l2 bigint; l3 bigint; l4 bigint;
  booked_at timestamptz := '2026-01-20 15:00+05';
BEGIN
  SELECT id INTO v FROM venues LIMIT 1;
  SELECT id INTO bilal FROM staff WHERE name = 'Bilal Ahmed';
  SELECT id INTO sara FROM staff WHERE name = 'Sara Khan';
  INSERT INTO leads (venue_id, name, phone, source, campaign, stage, assigned_staff_id,
                     created_at, first_response_at, last_contact_at)
    VALUES (v, 'عائشہ خان', '+923001234501', 'meta', 'winter-shadi', 'CONTACTED', bilal,
            '2026-01-05 10:00+05', '2026-01-05 10:30+05', '2026-01-05 10:30+05')
    RETURNING id INTO l1;
  INSERT INTO leads (venue_id, name, phone, source, stage, assigned_staff_id, created_at)
    VALUES (v, '<script>alert(1)</script>', '+923001234502', 'whatsapp', 'NEW', sara,
            '2026-01-10 12:00+05') RETURNING id INTO l2;
  INSERT INTO leads (venue_id, name, phone, source, stage, assigned_staff_id, created_at,
                     first_response_at, last_contact_at, amount, event_date, guests, hall,
                     stage_changed_at)
    VALUES (v, 'Ahmed Raza', '+923001234503', 'walk_in', 'BOOKED', bilal,
            '2026-01-12 11:00+05', '2026-01-12 11:10+05', booked_at, 800000, '2026-03-15',
            400, 'Grand Hall', booked_at) RETURNING id INTO l3;
  INSERT INTO leads (venue_id, name, phone, source, stage, assigned_staff_id, created_at)
    VALUES (v, 'December Lead', '+923001234504', 'whatsapp', 'LOST', sara,
            '2025-12-15 09:00+05') RETURNING id INTO l4;
  INSERT INTO stage_history (venue_id, lead_id, from_stage, to_stage, staff_id, note, at)
    VALUES (v, l3, 'NEW', 'CONTACTED', bilal, NULL, '2026-01-12 11:10+05'),
           (v, l3, 'CONTACTED', 'BOOKED', bilal, 'advance <b>mil</b> gaya', booked_at),
           (v, l4, 'NEW', 'LOST', sara, NULL, '2025-12-20 09:00+05');
  -- the staff message that booked it, parsed in the same transaction (same now())
  INSERT INTO ai_log (venue_id, staff_id, text, engine, intent, slots, confidence, latency_ms,
                      created_at)
    VALUES (v, bilal, 'Ahmed booked 8 lakh', 'rules', 'lead.move',
            '{\"lead\":\"Ahmed\",\"stage\":\"BOOKED\",\"amount\":800000}', 0.92, 3, booked_at),
           (v, sara, 'help please', 'rules', 'help', '{}', 0.5, 1, '2026-01-21 09:00+05');
  INSERT INTO lead_notes (venue_id, lead_id, staff_id, body, at)
    VALUES (v, l3, bilal, 'stage decoration chahiye', '2026-01-13 12:00+05');
  INSERT INTO followups (venue_id, lead_id, staff_id, due_at, note, created_at, done_at)
    VALUES (v, l3, bilal, '2026-01-15 16:00+05', 'call back', '2026-01-13 12:00+05',
            '2026-01-15 16:05+05');
  INSERT INTO payments (venue_id, lead_id, milestone, amount, due_date, paid_at, status)
    VALUES (v, l3, 'advance', 200000, '2026-01-20', booked_at, 'paid'),
           (v, l3, 'final', 600000, '2026-02-15', NULL, 'due');
  INSERT INTO messages (venue_id, lead_id, staff_id, direction, party, type, body, status,
                        error_code, error_title, created_at)
    VALUES (v, l3, NULL, 'in', 'client', 'text', 'Assalam o alaikum, hall chahiye', 'received',
            NULL, NULL, '2026-01-12 11:00+05'),
           (v, l3, NULL, 'out', 'client', 'text', 'Shukriya! Bilal aap se rabta karenge', 'read',
            NULL, NULL, '2026-01-12 11:00:05+05'),
           (v, l3, bilal, 'out', 'staff', 'text', 'New lead #' || l3 || ' Ahmed Raza', 'delivered',
            NULL, NULL, '2026-01-12 11:00:06+05'),
           (v, l3, bilal, 'out', 'client', 'text', 'Ji 15 March available hai', 'failed',
            131047, 'Re-engagement message', '2026-01-14 11:00+05'),
           (v, l1, NULL, 'in', 'client', 'text', 'کیا 15 مارچ خالی ہے؟', 'received', NULL, NULL,
            '2026-01-05 10:00+05');
  -- months old: their reminders and escalations went out long ago, so the
  -- tick leaves them as they are while the pages are read
  UPDATE leads SET reminded_at = now(), escalated_at = now() WHERE venue_id = v;
END \$\$;" || bail "seeding the venue"
L1=$(psql_q "SELECT id FROM leads WHERE phone = '+923001234501'")
L2=$(psql_q "SELECT id FROM leads WHERE phone = '+923001234502'")
L3=$(psql_q "SELECT id FROM leads WHERE phone = '+923001234503'")

# ---- access ------------------------------------------------------------------
check_eq "no token: 401" "$(http_get "$RABTA_URL/report")" 401
check_match "the 401 page says why" "$(cat "$T/last_response")" "Not signed in.*report link"
check_eq "a forged grant: 401" \
    "$(http_get "$RABTA_URL/report?grant=$(grant owner $((NOW + 86400)) not-the-token)")" 401
check_match "the forged grant's page" "$(cat "$T/last_response")" "not valid"
check_eq "an expired grant: 401" "$(http_get "$RABTA_URL/report?grant=$(grant owner $((NOW - 60)))")" 401
check_match "the expired grant's page" "$(cat "$T/last_response")" "expired"
check_eq "a grant with its scope edited: 401" \
    "$(http_get "$RABTA_URL/report?grant=${OWNER/owner/finance}")" 401
check_eq "a wrong bearer token: 401" \
    "$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer report-tokeX' "$RABTA_URL/report")" 401
check_eq "a sales grant opens nothing: 403" "$(http_get "$RABTA_URL/report?grant=$(grant sales $((NOW + 600)))")" 403

check_eq "the grant is exchanged: 200" \
    "$(http_get "$RABTA_URL/report/leads?grant=$OWNER&stage=NEW&q=a%20b")" 200
COOKIE_LINE=$(grep -i '^set-cookie:' "$T/last_headers" | tr -d '\r')
check_match "cookie: the grant, HttpOnly, SameSite=Strict, path /report" "$COOKIE_LINE" \
    "^[Ss]et-[Cc]ookie: rabta_report=$OWNER; Path=/report; Max-Age=(8639[0-9]|86400); HttpOnly; SameSite=Strict$"
check_match "then on to the same address without the grant" "$(cat "$T/last_response")" \
    'http-equiv="refresh" content="0;url=/report/leads\?stage=NEW&amp;q=a%20b"'
check_match "TLS at a trusted proxy: the cookie is Secure" \
    "$(curl -s -o /dev/null -D - -H 'X-Forwarded-Proto: https' "$RABTA_URL/report?grant=$OWNER" | grep -i '^set-cookie')" \
    "SameSite=Strict; Secure"
check_eq "the cookie opens the page" \
    "$(curl -s -o "$T/dash.html" -w '%{http_code}' -b "rabta_report=$OWNER" "$RABTA_URL/report?period=2026-01&compare=2025-12")" 200
check_eq "an expired cookie: 401" \
    "$(curl -s -o /dev/null -w '%{http_code}' -b "rabta_report=$(grant owner $((NOW - 1)))" "$RABTA_URL/report")" 401
check_eq "the bearer token opens the page" \
    "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $SECRET" "$RABTA_URL/report/ai")" 200

AUTH=(-H "Authorization: Bearer $SECRET")
check_eq "POST: 405" "$(curl -s -o /dev/null -D "$T/h405" -w '%{http_code}' "${AUTH[@]}" -d x "$RABTA_URL/report")" 405
check_match "405 says Allow: GET, HEAD" "$(tr -d '\r' <"$T/h405")" "^Allow: GET, HEAD$"
check_eq "HEAD: 200, no body" "$(curl -s -I -o /dev/null -w '%{http_code} %{size_download}' "${AUTH[@]}" "$RABTA_URL/report/leads")" "200 0"
H=$(curl -s -o /dev/null -D - "${AUTH[@]}" "$RABTA_URL/report/leads" | tr -d '\r')
check_match "CSP: no script" "$H" $'Content-Security-Policy: default-src \'none\'; style-src \'unsafe-inline\'; img-src data:'
check_match "Cache-Control: no-store" "$H" $'\nCache-Control: no-store'
check_match "nosniff" "$H" $'\nX-Content-Type-Options: nosniff'
check_match "no referrer" "$H" $'\nReferrer-Policy: no-referrer'
check_match "HTML, UTF-8" "$H" $'\nContent-Type: text/html; charset=utf-8'

# ---- finance: payments only -----------------------------------------------
FIN=(-b "rabta_report=$FINANCE")
check_eq "finance: the dashboard opens" "$(curl -s -o "$T/fin.html" -w '%{http_code}' "${FIN[@]}" "$RABTA_URL/report?period=2026-01")" 200
check_match "finance: payment figures (received Rs 2,00,000)" "$(cat "$T/fin.html")" "Received in the period</small><b>Rs 2,00,000"
if grep -qE "Funnel|Salespeople|Bookings" "$T/fin.html"; then
    not_ok "finance: no sales figures" "$(grep -oE 'Funnel|Salespeople|Bookings' "$T/fin.html" | sort -u)"
else
    ok "finance: no sales figures"
fi
check_eq "finance: the payments list" "$(curl -s -o "$T/finpay.html" -w '%{http_code}' "${FIN[@]}" "$RABTA_URL/report/payments")" 200
check_match "finance: the overdue final payment" "$(cat "$T/finpay.html")" "final</td><td class=\"n\">Rs 6,00,000</td>.*overdue"
for p in leads "leads/$L3" conversations ai "leads?format=csv"; do
    check_eq "finance: /report/$p is 403" "$(curl -s -o /dev/null -w '%{http_code}' "${FIN[@]}" "$RABTA_URL/report/$p")" 403
done

# ---- the pages' text ---------------------------------------------------------
D=$(cat "$T/dash.html")
check_match "dashboard: 3 leads in January, 1 in December" "$D" "Leads</small><b>3</b><small>2025-12: 1</small>"
check_match "dashboard: 1 booking, Rs 8,00,000" "$D" "Bookings</small><b>1</b>.*Booked revenue</small><b>Rs 8,00,000</b>"
check_match "dashboard: conversion 33.3 %" "$D" "Conversion</small><b>33.3 %</b>"
check_match "dashboard: 2 stale leads now (the open, assigned ones), no overdue follow-up" "$D" \
    "Stale leads now</small><b>2</b></div><div class=\"card\"><small>Overdue follow-ups now</small><b>0</b>"
check_match "dashboard: received Rs 2,00,000 in January, Rs 6,00,000 overdue" "$D" \
    "Received in the period</small><b>Rs 2,00,000</b>.*Overdue now</small><b class=\"down\">Rs 6,00,000</b><small>1 payment "
check_match "dashboard: the salesperson table (Bilal: 2 assigned, 1 booked, Rs 8,00,000)" "$D" \
    "Bilal Ahmed</a></td><td class=\"n\">2</td><td class=\"n\">2</td><td class=\"n\">1</td><td class=\"n\">50.0 %</td>"
check_match "dashboard: 12 months, January 3 leads and 1 booking" "$D" "<td>2026-01</td><td class=\"n\">3</td><td class=\"n\">1</td>"
# codes as the owner reads them (prompts/en), not NEW, walk_in; the CSV keeps the codes
st() { prompt_text en "stage_$1"; }
check_match "dashboard: leads by source in text, labelled ([rep_src_meta])" "$D" \
    "$(prompt_text en rep_src_meta)</td><td class=\"n\">1 \\(0 booked"
check_match "dashboard: no raw source code" "$(printf '%s' "$D" | grep -c '>walk_in<\|>meta<\|>whatsapp<')" "^0$"
check_match "dashboard: the funnel in SVG" "$D" "<figcaption><b>Funnel"
check_match "dashboard: response time by salesperson (Bilal 20 min)" "$D" "Bilal Ahmed</td><td class=\"n\">20 min"
# the funnel, campaigns and greeting latency come from the one statement that
# reads the period's leads once: January's 3 leads reached NEW, 2 of them
# CONTACTED (the contacted and the booked one), 1 every later stage
check_match "dashboard: funnel stage to stage (3, 2, then 1 reached)" "$D" \
    "$(st NEW) → $(st CONTACTED) 66.7 % · $(st CONTACTED) → $(st QUALIFIED) 50.0 % · $(st QUALIFIED) → $(st SITE_VISIT) 100.0 %"
check_match "dashboard: leads by campaign, most first (none 2 with 1 booked, winter-shadi 1)" "$D" \
    "\\(none\\)</td><td class=\"n\">2</td><td class=\"n\">1</td><td class=\"n\">50.0 %</td></tr><tr><td dir=\"auto\">winter-shadi</td><td class=\"n\">1</td><td class=\"n\">0</td><td class=\"n\">0.0 %"
check_match "dashboard: no greeting measured in January" "$D" "p50 –, p99 – \\(0 leads\\)"
curl -s "${AUTH[@]}" "$RABTA_URL/report/leads" >"$T/leads.html"
check_match "leads: the script name escaped" "$(cat "$T/leads.html")" '&lt;script&gt;alert\(1\)&lt;/script&gt;'
if grep -q '<script>' "$T/leads.html" "$T/dash.html"; then not_ok "no <script> in any page"; else ok "no <script> in any page"; fi
check_match "leads: the Urdu name as written, dir=auto" "$(cat "$T/leads.html")" '<td dir="auto">عائشہ خان</td>'
check_match "leads: Ahmed's row says the stage and source as the owner reads them" "$(cat "$T/leads.html")" \
    "<td>$(st BOOKED)</td><td dir=\"auto\">Bilal Ahmed</td><td>$(prompt_text en rep_src_walk_in)</td>"
check_match "leads: the filter's options are labelled, their values the codes" "$(cat "$T/leads.html")" \
    "<option value=\"SITE_VISIT\">$(st SITE_VISIT)</option>.*<option value=\"walk_in\">$(prompt_text en rep_src_walk_in)</option>"
check_eq "leads: no raw stage or source code in a cell" \
    "$(grep -c '<td>\(NEW\|CONTACTED\|BOOKED\|LOST\|walk_in\|meta\|whatsapp\)</td>' "$T/leads.html")" 0
check_eq "leads: filter by stage and salesperson" \
    "$(curl -s "${AUTH[@]}" "$RABTA_URL/report/leads?stage=BOOKED&source=walk_in" | grep -o 'href="/report/leads/[0-9]*"' | sort -u | tr '\n' ' ')" \
    "href=\"/report/leads/$L3\" "
check_eq "leads: search by a local phone number" \
    "$(curl -s "${AUTH[@]}" "$RABTA_URL/report/leads?q=0300-1234502" | grep -o 'href="/report/leads/[0-9]*"' | sort -u | tr '\n' ' ')" \
    "href=\"/report/leads/$L2\" "
check_eq "leads: a bad filter is 400" "$(curl -s -o /dev/null -w '%{http_code}' "${AUTH[@]}" "$RABTA_URL/report/leads?stage=WON")" 400
check_eq "dashboard: a period that does not exist is 400" \
    "$(curl -s -o "$T/p400.html" -w '%{http_code}' "${AUTH[@]}" "$RABTA_URL/report?period=2026-13")" 400
check_match "... and the page says which words work" "$(cat "$T/p400.html")" "this_month, last_month"
check_match "dashboard: compare=none shows no compared figures" \
    "$(curl -s "${AUTH[@]}" "$RABTA_URL/report?period=2026-01&compare=none")" "Leads</small><b>3</b></div>"
check_eq "a lead that does not exist: 404" "$(curl -s -o /dev/null -w '%{http_code}' "${AUTH[@]}" "$RABTA_URL/report/leads/999999")" 404

curl -s "${AUTH[@]}" "$RABTA_URL/report/leads/$L3" >"$T/lead.html"
TL=$(tr -d '\n' <"$T/lead.html")
check_match "timeline: the stage move with who and the note, escaped" "$TL" \
    "2026-01-20 15:00:00 · <bdi>Bilal Ahmed</bdi></div><div>Stage $(st CONTACTED) → <b>$(st BOOKED)</b></div><div dir=\"auto\">advance &lt;b&gt;mil&lt;/b&gt; gaya"
check_match "timeline: the AI decision of the staff message that booked it" "$TL" \
    "Ahmed booked 8 lakh</div><div class=\"meta\">AI: rules → <b>lead.move</b>.*confidence 0.92"
if grep -q "help please" "$T/lead.html"; then not_ok "timeline: another staff message's decision is not there"; else ok "timeline: another staff message's decision is not there"; fi
check_match "timeline: a failed send and why" "$TL" "st-failed\">failed</span> — 131047 Re-engagement message"
check_match "timeline: read and delivered" "$TL" "st-read\">read<.*st-delivered\">delivered<"
check_match "timeline: note, follow-up, payments" "$TL" "stage decoration chahiye.*Follow-up due 2026-01-15 16:00 · done.*Payment advance: <b>Rs 2,00,000</b>"

C=$(curl -s "${AUTH[@]}" "$RABTA_URL/report/conversations?lead=$L1")
check_match "conversations: the Urdu message of lead 1" "$C" '<td dir="auto">کیا 15 مارچ خالی ہے؟</td>'
check_eq "conversations: filtered by lead" "$(printf '%s' "$C" | grep -c '<tr><td class="t">')" 1
check_eq "conversations: filtered by employee (Sara: none)" \
    "$(curl -s "${AUTH[@]}" "$RABTA_URL/report/conversations?staff=$(psql_q "SELECT id FROM staff WHERE name = 'Sara Khan'")" | grep -c '<tr><td class="t">')" 0
A=$(curl -s "${AUTH[@]}" "$RABTA_URL/report/ai?lead=$L3")
check_eq "ai: the rows about lead 3" "$(printf '%s' "$A" | grep -c '<tr><td class="t">')" 1
check_eq "ai: every row, newest first" \
    "$(curl -s "${AUTH[@]}" "$RABTA_URL/report/ai?from=2026-01-01&to=2026-01-31" | grep -o '<td>lead.move</td>\|<td>help</td>' | tr '\n' ' ')" \
    "<td>help</td> <td>lead.move</td> "

# ---- CSV, streamed ----------------------------------------------------------
curl -s -D "$T/csvh" "${AUTH[@]}" "$RABTA_URL/report/conversations?format=csv" >"$T/conv.csv"
check_match "csv: streamed (chunked), text/csv" "$(tr -d '\r' <"$T/csvh")" \
    $'Transfer-Encoding: chunked.*|Content-Type: text/csv; charset=utf-8'
check_eq "csv: the header" "$(head -n 1 "$T/conv.csv" | tr -d '\r')" \
    "id,at,lead_id,lead_name,client_phone,employee,direction,party,type,body,status,status_at,error_code,error_title"
check_eq "csv: every message of a lead, in id order" "$(tail -n +2 "$T/conv.csv" | cut -d, -f3 | tr -d '\r' | tr '\n' ' ')" \
    "$L3 $L3 $L3 $L3 $L1 "
check_match "csv: the failed send's row" "$(cat "$T/conv.csv")" \
    ",out,client,text,Ji 15 March available hai,failed,,131047,Re-engagement message"
curl -s "${AUTH[@]}" "$RABTA_URL/report/leads?format=csv" >"$T/leads.csv"
check_eq "csv: leads, 4 rows" "$(tail -n +2 "$T/leads.csv" | grep -c .)" 4
check_match "csv: a name with markup stays text" "$(cat "$T/leads.csv")" $'\n'"$L2,<script>alert\\(1\\)</script>,"
check_match "csv: Urdu as UTF-8" "$(cat "$T/leads.csv")" "$L1,عائشہ خان,\\+923001234501,CONTACTED,Bilal Ahmed,meta,winter-shadi"

# ---- a real browser ------------------------------------------------------------
SHOTS=$BUILD/report-shots/$TEST_NAME
rm -rf "$SHOTS"
mkdir -p "$SHOTS"
CHROME=$(command -v chromium || echo /usr/bin/chromium)
CHROME_N=0

# chrome OUT ARGS...: one headless Chromium in a session of its own, its
# profile in $T; stopped (the whole session) when done or after 90 s.
chrome() {
    local out=$1 pid prof
    shift
    CHROME_N=$((CHROME_N + 1))
    prof=$T/chrome-$CHROME_N
    setsid "$CHROME" --headless --no-sandbox --disable-gpu --user-data-dir="$prof" \
        --no-first-run --hide-scrollbars --virtual-time-budget=5000 "$@" >"$out" 2>"$prof.err" </dev/null &
    pid=$!
    _register "pid $pid $prof"
    wait_until 90 _exited "$pid" || kill -KILL -- "-$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    kill -KILL -- "-$pid" 2>/dev/null
    true
}

if [ ! -x "$CHROME" ]; then
    not_ok "chromium is installed (make deps)"
else
    # each run starts with no cookie: the grant in the link, exchanged, then the page
    DASH="$RABTA_URL/report?period=2026-01&compare=2025-12&grant=$OWNER"
    LEADS="$RABTA_URL/report/leads?grant=$OWNER"
    LEAD="$RABTA_URL/report/leads/$L3?grant=$OWNER"
    chrome "$T/dom-dash.html" --dump-dom "$DASH"
    chrome "$T/dom-leads.html" --dump-dom "$LEADS"
    chrome "$T/dom-lead.html" --dump-dom "$LEAD"
    chrome "$T/dom-none.html" --dump-dom "$RABTA_URL/report"
    check_match "chromium: the dashboard's figures" "$(cat "$T/dom-dash.html")" \
        "Leads</small><b>3</b>.*Booked revenue</small><b>Rs 8,00,000</b>"
    check_match "chromium: the 12 months chart drawn" "$(cat "$T/dom-dash.html")" "<svg[^>]*aria-label=\"12 months: leads and bookings\""
    check_match "chromium: the script name is text" "$(cat "$T/dom-leads.html")" '&lt;script&gt;alert\(1\)&lt;/script&gt;'
    check_eq "chromium: no script element in the page" "$(grep -c '<script' "$T/dom-leads.html")" 0
    check_match "chromium: the Urdu name" "$(cat "$T/dom-leads.html")" 'dir="auto">عائشہ خان<'
    check_match "chromium: the lead's timeline" "$(tr -d '\n' <"$T/dom-lead.html")" "Lead #$L3.*Re-engagement message"
    check_match "chromium: no grant, no page" "$(cat "$T/dom-none.html")" "Not signed in"
    for size in 360,800 1280,800; do
        w=${size%,*}
        chrome /dev/null --window-size="$size" --screenshot="$SHOTS/dashboard-$w.png" "$DASH"
        chrome /dev/null --window-size="$size" --screenshot="$SHOTS/leads-$w.png" "$LEADS"
        chrome /dev/null --window-size="$size" --screenshot="$SHOTS/lead-$w.png" "$LEAD"
    done
    n=$(find "$SHOTS" -name '*.png' -size +5k | wc -l)
    check_eq "six screenshots kept in ${SHOTS#"$ROOT"/}" "$n" 6
    left=$(pgrep -f -- "--user-data-dir=$T/chrome-" | wc -l)
    check_eq "no chromium left running" "$left" 0
fi

stop_rabta a

# ---- no REPORT_TOKEN --------------------------------------------------------------
# Sandbox (no WHATSAPP_TOKEN): a key is made in var/report.secret and serve
# prints a link that works.
start_rabta sbx WHATSAPP_TOKEN= REPORT_TOKEN=
LINK=$(sed -n 's/^rabta: the owner.s report page (24 h): //p' "$T/rabta-sbx.log" | tail -n 1)
check_match "sandbox: serve prints the link" "$LINK" "^http://127\.0\.0\.1:${RABTA_PORT[sbx]}/report\?grant=v1\.owner\.[0-9]+\.[0-9a-f]{64}$"
check_eq "sandbox: the key is kept in var/report.secret" "$(wc -c <"$T/home/var/report.secret")" 64
check_eq "sandbox: the link opens the page" "$(http_get "$LINK")" 200
check_match "sandbox: ... and sets the cookie" "$(cat "$T/last_headers")" "rabta_report=v1\.owner\."
stop_rabta sbx
# Live without REPORT_TOKEN: the page is off, and the log says why.
start_rabta off REPORT_TOKEN=
check_eq "live, no REPORT_TOKEN: /report is 503" "$(http_get "$(rabta_url off)/report")" 503
check_match "the 503 page says why" "$(cat "$T/last_response")" "no REPORT_TOKEN"
check_match "the log says why" "$(grep 'event=report.off' "$T/rabta-off.log")" "REPORT_TOKEN is not set"
stop_rabta off
