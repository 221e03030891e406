#!/usr/bin/env bash
# Money in chat: partial payments add up in the append-only ledger, zero and
# negative amounts are refused, more than outstanding is confirmed first,
# corrections reverse (both stay), the plan comes from [payments] and is
# changed by finance, outstanding lists use the plans, every amount form
# reaches the ledger exact; and the ledger refuses UPDATE and DELETE.
# The steps: tests/fixtures/conversations/money.conv
# slow: starts first in `tests/run`
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/money.conv"

# nothing can overwrite money, not even SQL
if psql_q "UPDATE payment_entries SET amount = 1 WHERE id = 2" >/dev/null 2>&1; then
    not_ok "an UPDATE of a ledger entry is refused" "it went through"
else
    ok "an UPDATE of a ledger entry is refused"
fi
if psql_q "DELETE FROM payment_entries WHERE id = 2" >/dev/null 2>&1; then
    not_ok "a DELETE of a ledger entry is refused" "it went through"
else
    ok "a DELETE of a ledger entry is refused"
fi
check_eq "the entry is unchanged" "$(psql_q "SELECT amount FROM payment_entries WHERE id = 2")" 100000
check_eq "019: payment_balances holds what the view payment_milestones works out" \
    "$(psql_q "SELECT count(*) FROM payment_balances b FULL JOIN payment_milestones m USING (lead_id, milestone) LEFT JOIN leads l ON l.id = COALESCE(b.lead_id, m.lead_id) WHERE (b.venue_id, b.ord, b.planned, b.due_date, b.received, b.outstanding, b.staff_id) IS DISTINCT FROM (m.venue_id, m.ord, m.planned, m.due_date, m.received, m.outstanding, l.assigned_staff_id)")" 0
