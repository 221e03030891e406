#!/usr/bin/env bash
# sql/009_ledger.sql on a database with the old payments table: paid rows
# become ledger entries (source legacy), due dates become the plan, the old
# table is kept frozen as payments_legacy, and `payments` reads the same
# shape from the plan and the ledger (and takes old-style inserts).
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

start_pg
start_fake
_rabta_home
mv "$T/home/sql/009_ledger.sql" "$T/009_ledger.sql"
# the migrations after it that build on 009 wait with it
for f in 015_report_speed 016_plan_redo 019_report_totals; do mv "$T/home/sql/$f.sql" "$T/$f.sql"; done
start_rabta
stop_rabta a
psql_q "INSERT INTO leads (id, venue_id, name, source, stage, amount, event_date, assigned_staff_id)
        VALUES (1, 1, 'Old Booking', 'walk_in', 'BOOKED', 1000000, '2027-03-15', 2),
               (2, 1, 'Older Booking', 'walk_in', 'BOOKED', 500000, '2027-04-20', 2);
        SELECT setval('leads_id_seq', 2);
        INSERT INTO payments (venue_id, lead_id, milestone, amount, due_date, paid_at, status, source)
        VALUES (1, 1, 'advance', 300000, '2026-11-01', '2026-11-02 10:00+05', 'paid', 'manual'),
               (1, 1, 'mid', 400000, '2027-02-13', NULL, 'due', 'manual'),
               (1, 1, 'final', 300000, '2027-03-08', NULL, 'due', 'manual'),
               (1, 2, 'advance', 150000, NULL, '2026-11-20 12:00+05', 'paid', 'invoicing')" >/dev/null ||
    bail "old rows"
mv "$T/009_ledger.sql" "$T/home/sql/009_ledger.sql"
for f in 015_report_speed 016_plan_redo 019_report_totals; do mv "$T/$f.sql" "$T/home/sql/$f.sql"; done
start_rabta

check_eq "paid rows are ledger entries" \
    "$(psql_q "SELECT string_agg(lead_id || ' ' || milestone || ' ' || amount || ' ' || source || ' ' || external_id, ', ' ORDER BY id) FROM payment_entries")" \
    "1 advance 300000 legacy legacy-1, 2 advance 150000 legacy legacy-4"
check_eq "when they were paid is kept" \
    "$(psql_q "SELECT to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24') FROM payment_entries WHERE lead_id = 1")" \
    "2026-11-02 05"
check_eq "due dates are the plan" \
    "$(psql_q "SELECT string_agg(milestone || ' ' || amount || ' ' || due_date, ', ' ORDER BY due_date) FROM payment_plan")" \
    "advance 300000 2026-11-01, mid 400000 2027-02-13, final 300000 2027-03-08"
check_eq "the old shape reads the same" \
    "$(psql_q "SELECT string_agg(lead_id || ' ' || milestone || ' ' || amount || ' ' || status, ', ' ORDER BY lead_id, due_date) FROM payments")" \
    "1 advance 300000 paid, 1 mid 400000 due, 1 final 300000 due, 2 advance 150000 paid"
check_eq "the old table is kept" "$(psql_q "SELECT count(*) FROM payments_legacy")" 4
check_eq "019: the migrated plan's balances are the view's" \
    "$(psql_q "SELECT count(*) FROM payment_balances b FULL JOIN payment_milestones m USING (lead_id, milestone) LEFT JOIN leads l ON l.id = COALESCE(b.lead_id, m.lead_id) WHERE (b.venue_id, b.ord, b.planned, b.due_date, b.received, b.outstanding, b.staff_id) IS DISTINCT FROM (m.venue_id, m.ord, m.planned, m.due_date, m.received, m.outstanding, l.assigned_staff_id)")" 0
check_eq "016: the moved plan is from the lead's amount, revision 1, not in invoicing" \
    "$(psql_q "SELECT lead_id || ' ' || agreed || ' ' || revision || ' ' || pushed_revision FROM payment_plan_state")" \
    "1 1000000 1 0"
if psql_q "UPDATE payments_legacy SET amount = 1" >/dev/null 2>&1; then
    not_ok "the old table is frozen" "an UPDATE went through"
else
    ok "the old table is frozen"
fi
psql_q "INSERT INTO payments (venue_id, lead_id, milestone, amount, due_date, status)
        VALUES (1, 2, 'final', 350000, '2027-04-13', 'due')" >/dev/null
check_eq "an old-style insert lands in the plan" \
    "$(psql_q "SELECT amount || ' ' || due_date FROM payment_plan WHERE lead_id = 2")" "350000 2027-04-13"

# the migrated plan answers in chat
cat >"$T/after.conv" <<'CONV'
staff 923331112266 | کون سی پیمنٹ باقی ہیں
expect +923331112266 | \*#1\* Old Booking: درمیانی ادائیگی Rs 4,00,000، 13/02/2027 کو
# lead 2's old advance has no plan row: it counts toward the planned final
expect +923331112266 | \*#2\* Older Booking: آخری ادائیگی Rs 2,00,000
staff 923001110001 | lead 1 paid 1 lakh mid
expect +923001110001 | paid Rs 4,00,000 of Rs 10,00,000 · next: Mid payment Rs 3,00,000 on 13/02/2027 · overdue: none
CONV
converse "$T/after.conv"
