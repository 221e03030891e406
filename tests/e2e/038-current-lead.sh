#!/usr/bin/env bash
# The salesperson's current lead, appended (sql/021): "is lead ka status"
# names the lead last forwarded, before and after the tick deletes the
# replaced rows; a new lead's notice and first message are one outbox row.
# The steps: tests/fixtures/conversations/current_lead.conv
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
converse "$FIX/conversations/current_lead.conv"
