#!/usr/bin/env bash
# Text is stored byte-exact: Urdu script and a 4096-character text with emoji
# (astral code points, ZWJ and variation-selector sequences, quotes,
# backslashes, slashes, newlines), written the way Meta writes bodies
# (\uXXXX lowercase escapes, surrogate pairs, \/), and the same Urdu sent as
# raw UTF-8. messages.body is compared with the decoded text byte for byte.
. "$(dirname "$0")/../lib/lib.sh"

story_start

P=wamid.HBgMOTIzMDAxMjM0NTY3FQIAEhgU
hex_of_file() { od -An -v -tx1 "$1" | tr -d ' \n'; }
hex_of_body() {
    psql_q "SELECT encode(convert_to(body, 'UTF8'), 'hex') FROM messages WHERE wamid = :'w'" -v w="$1"
}

# fixture | wamid | code points
cases="text_urdu|${P}VVJEVVNDUklQVDAwMDFB|
text_urdu_raw|${P}VVJEVVJBVzAwMDAwMDFC|
text_4096_emoji|${P}TE9OR0VNT0pJMDAwMDFD|4096"

while IFS='|' read -r fx w len; do
    # The fixture and its expected text agree (jq decodes JSON independently).
    check_eq "$fx: fixture decodes to $fx.body.txt" \
        "$(jq -j '.entry[0].changes[0].value.messages[0].text.body' "$WA/$fx.json" | od -An -v -tx1 | tr -d ' \n')" \
        "$(hex_of_file "$WA/$fx.body.txt")"
    check_eq "$fx: POST 200" "$(post_webhook "$WA/$fx.json")" 200
done <<<"$cases"
check_eq "text_urdu: the fixture is pure ASCII" "$(LC_ALL=C grep -c '[^ -~]' "$WA/text_urdu.json")" 0
check_match "text_urdu: non-ASCII as lowercase \\u escapes" "$(cat "$WA/text_urdu.json")" '\\u06cc'
check_match "text_4096_emoji: surrogate pairs and \\/ in the fixture" \
    "$(cat "$WA/text_4096_emoji.json")" '\\ud83d\\ude0d.*\\/'

check_eventually "all three messages processed" \
    "SELECT count(*) FROM inbound_events WHERE kind = 'message' AND state = 'done'" 3 60

while IFS='|' read -r fx w len; do
    check_eq "$fx: messages.body byte-exact" "$(hex_of_body "$w")" "$(hex_of_file "$WA/$fx.body.txt")"
    if [ -n "$len" ]; then
        check_eq "$fx: $len characters" \
            "$(psql_q "SELECT char_length(body) FROM messages WHERE wamid = :'w'" -v w="$w")" "$len"
    fi
done <<<"$cases"

printf '%s' 'عائشہ خان' >"$T/name.txt"
check_eq "Urdu profile name byte-exact" \
    "$(psql_q "SELECT encode(convert_to(profile_name, 'UTF8'), 'hex') FROM contacts WHERE phone = '+923001234567'")" \
    "$(hex_of_file "$T/name.txt")"

# a text cut inside an emoji (a lone surrogate escape) and a byte that is
# not UTF-8: kept, with U+FFFD in their place, not refused (Meta would
# retry a 400 until it gave up, and the message would be lost)
sed 's/"body":"[^"]*"/"body":"Salam \\ud83d"/; s/"id":"wamid\.[^"]*"/"id":"wamid.LONESURROGATE"/' \
    "$WA/text.json" >"$T/lone.json"
printf '%s' "$(sed 's/"body":"[^"]*"/"body":"Hall \xff chahiye"/; s/"id":"wamid\.[^"]*"/"id":"wamid.BADBYTE"/' "$WA/text.json")" >"$T/badbyte.json"
check_eq "lone surrogate: 200" "$(post_webhook "$T/lone.json")" 200
check_eq "invalid UTF-8 byte: 200" "$(post_webhook "$T/badbyte.json")" 200
check_eventually "both stored with U+FFFD" \
    "SELECT string_agg(body, '|' ORDER BY wamid) FROM messages WHERE wamid IN ('wamid.BADBYTE', 'wamid.LONESURROGATE')" \
    "Hall � chahiye|Salam �" 60

stop_rabta
