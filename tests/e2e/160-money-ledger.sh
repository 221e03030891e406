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
