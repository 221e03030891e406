#!/usr/bin/env bash
# The admin at night: a new phrasing added to an intents/ file and a prompt
# reworded are live after SIGHUP, without a restart; a broken pattern is
# named by `rabta check` as file:line, and SIGHUP then keeps the old set,
# saying why in the log; the bot goes on answering.
. "$(dirname "$0")/../lib/lib.sh"
. "$FIX/conversations/converse.sh"

story_start
BILAL=923331112233
conv_post "$BILAL" Bilal text "help" || bail "staff warm-up" "$CONV_ERR"
conv_post 923001117001 "Tahira Bibi" text "Salam" || bail "a client" "$CONV_ERR"

said() { # TEXT: what the bot answered Bilal to TEXT, on one line
    conv_post "$BILAL" Bilal text "$1" || not_ok "$1: handled" "$CONV_ERR"
    conv_sends "$BILAL"
}

check_match "before: the new phrasing is not understood" "$(said "xyzzy 1")" "samajh nahi aaya"

I=$T/home/intents/lead.status.intent
sed -i 's/^trigger: /trigger: xyzzy | /' "$I"
printf 'pattern: {start}xyzzy {lead}{end}\n' >>"$I"
sed -i '/^\[greeting_staff\]$/{n;s/.*/Adaab {name}! "help" likhein./}' "$T/home/prompts/roman_ur/messages.txt"
rabta_cli check
check_eq "rabta check: the edited set is valid" "$?" 0
hup_and_wait config.reloaded || not_ok "SIGHUP: reloaded"
check_match "after SIGHUP: the new phrasing is lead.status" "$(said "xyzzy 1")" '^\*#1\* Tahira Bibi'
check_match "after SIGHUP: the reworded prompt" "$(said "salam")" '^Adaab Bilal Ahmed! "help" likhein\.$'

# a broken pattern: named by check, refused by SIGHUP, the old set stays
printf 'pattern: {start}xyzzy (unclosed {lead}{end}\n' >>"$I"
line=$(wc -l <"$I")
rabta_cli check
rc=$?
check_match "rabta check, a broken pattern: non-zero exit" "$rc" '^[1-9]'
check_match "rabta check: file:line: message" "$(cat "$T/cli.err")" "intents/lead\.status\.intent:$line: "
hup_and_wait config.reload_refused || not_ok "SIGHUP with a broken pattern: refused"
check_match "the log says why" "$(grep 'event=config.reload_refused' "$T/rabta-a.log" | tail -n 1)" \
    "lead\.status\.intent:$line"
check_match "the old set stays: the phrasing still works" "$(said "xyzzy 1")" '^\*#1\* Tahira Bibi'
check_eq "rabta serve is still running" "$(kill -0 "${RABTA_PID[a]}" && echo alive)" alive
