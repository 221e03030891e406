#!/usr/bin/env bash
# alone: timing or machine-wide state; tests/run runs it by itself
# The admin edits the configuration. `rabta check` lists the problems of
# config, intents and prompts in one run (a config error does not hide the
# others). SIGHUP applies every key it can: a new time_zone reads "kal 4
# baje" in the new zone, a new rate_per_second paces the sends; a key only a
# restart can apply ([workers] count) refuses the reload by name, and the
# running set stays.
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

# 1. rabta check: three broken files, three reports.
B=$T/bad
mkdir -p "$B"
cp -R "$ROOT/config" "$ROOT/intents" "$ROOT/prompts" "$B/"
sed -i 's/^\[venue\]$/[venue]\nno_such_key = 1/' "$B/config/rabta.conf"
printf 'pattern: {start}xyzzy (unclosed {lead}{end}\n' >>"$B/intents/lead.status.intent"
iline=$(wc -l <"$B/intents/lead.status.intent")
sed -i '/^\[greeting_staff\]$/,/^$/d' "$B/prompts/en/messages.txt"
out=$(cd "$B" && RABTA_HOME="$B" "$RABTA_BIN" check 2>&1)
rc=$?
check_match "check: non-zero exit" "$rc" '^[1-9]'
check_match "check: the config's error" "$out" 'rabta\.conf:5: unknown key "no_such_key"'
check_match "check: the intent's error in the same run" "$out" "lead\.status\.intent:$iline: "
check_match "check: the prompt's error in the same run" "$out" 'greeting_staff'

# 2. Reload.
story_start
BILAL=923331112233
conv_post "$BILAL" Bilal text "help" || bail "staff warm-up" "$CONV_ERR"
conv_post 923001117001 "Tahira Bibi" text "Salam" || bail "a client" "$CONV_ERR"

conf_set time_zone UTC
hup_and_wait config.reloaded || not_ok "SIGHUP with a new time_zone: reloaded"
conv_post "$BILAL" Bilal text "Tahira ko kal 4 baje follow up" || not_ok "follow-up handled" "$CONV_ERR"
check_eq "time_zone applied on reload: kal 4 baje is 16:00 UTC" \
    "$(psql_q "SELECT to_char(due_at AT TIME ZONE 'UTC', 'HH24:MI') FROM followups")" "16:00"
check_eq "the venue row has the new zone" "$(psql_q "SELECT time_zone FROM venues")" UTC

before=$(psql_q "SELECT COALESCE(max(id), 0) FROM outbox")
conf_set rate_per_second 1
hup_and_wait config.reloaded || not_ok "SIGHUP with a new rate_per_second: reloaded"
for i in 1 2 3 4 5 6; do
    text_body "$T/c$i.json" "wamid.RATE$i" "92300222000$i" "Client $i" "Salam, shadi ka hall chahiye"
    post_webhook "$T/c$i.json" >/dev/null
done
wait_quiet 120 || not_ok "the sends settle" "$WAIT_LAST"
read -r n span <<<"$(psql_q "SELECT count(*), floor(extract(epoch FROM max(sent_at) - min(sent_at))) FROM outbox WHERE id > $before AND state = 'sent'" -F ' ')"
check_match "six clients: at least 6 sends" "$n" '^([6-9]|[1-9][0-9]+)$'
if [ "${span:-0}" -ge $((n - 2)) ]; then
    ok "rate_per_second applied on reload: $n sends over ${span}s (1 a second)"
else
    not_ok "rate_per_second applied on reload" "$n sends in ${span}s; at 1/s they need $((n - 1))s"
fi

reloads=$(log_count config.reloaded)
conf_set count 2
hup_and_wait config.reload_refused || not_ok "SIGHUP with a new [workers] count: refused"
check_match "the refusal names the key that needs a restart" \
    "$(grep 'event=config.reload_refused' "$T/rabta-a.log" | tail -n 1)" 'reason=restart_needed keys="?workers\.count'
check_eq "nothing of that set applied" "$(log_count config.reloaded)" "$reloads"
conf_set count 4
hup_and_wait config.reloaded || not_ok "SIGHUP with count back: reloaded"
check_eq "rabta serve is still running" "$(kill -0 "${RABTA_PID[a]}" && echo alive)" alive
stop_rabta
