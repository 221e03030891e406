#!/usr/bin/env bash
# Meta's verification handshake (GET /webhook/whatsapp): the challenge comes
# back as the whole text/plain body for the right token, in any parameter
# order and percent-encoded; anything else is 403 without the challenge.
# Also /healthz answers with the store up.
. "$(dirname "$0")/../lib/lib.sh"

story_start

check_eq "GET /healthz is 200" \
    "$(http_get "$RABTA_URL/healthz")" 200
check_eq "/healthz says status ok" "$(jq -r .status "$T/last_response" 2>&1)" ok

q="hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=$VERIFY_TOKEN"
check_eq "right token: 200" \
    "$(http_get "$RABTA_URL/webhook/whatsapp?$q")" 200
check_eq "right token: body is the challenge, byte for byte" "$(od -An -c "$T/last_response" | tr -s ' ')" \
    "$(printf 1158201444 | od -An -c | tr -s ' ')"
check_match "right token: Content-Type text/plain" \
    "$(grep -i '^content-type:' "$T/last_headers" | tr -d '\r')" '^[Cc]ontent-[Tt]ype: text/plain'

# Parameter order is not fixed; the challenge is an opaque string.
check_eq "other parameter order, non-numeric challenge: 200" \
    "$(http_get "$RABTA_URL/webhook/whatsapp?hub.verify_token=$VERIFY_TOKEN&hub.challenge=abc-XYZ_42&hub.mode=subscribe")" 200
check_eq "other parameter order: body is the challenge" "$(cat "$T/last_response")" abc-XYZ_42

# Percent-encoded token: decoded before the comparison.
check_eq "percent-encoded right token: 200" \
    "$(http_get "$RABTA_URL/webhook/whatsapp?hub.mode=subscribe&hub.challenge=555&hub.verify_token=rabta%2Dverify%2d7f3c")" 200
check_eq "percent-encoded right token: challenge echoed" "$(cat "$T/last_response")" 555

check_eq "wrong token: 403" \
    "$(http_get "$RABTA_URL/webhook/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=wrong-token")" 403
if grep -q 1158201444 "$T/last_response"; then
    not_ok "wrong token: body does not contain the challenge" "$(cat "$T/last_response")"
else
    ok "wrong token: body does not contain the challenge"
fi

check_eq "token with an extra character: 403" \
    "$(http_get "$RABTA_URL/webhook/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${VERIFY_TOKEN}x")" 403
check_eq "token prefix: 403" \
    "$(http_get "$RABTA_URL/webhook/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=rabta-verify-7f3")" 403
check_eq "mode not subscribe: 403" \
    "$(http_get "$RABTA_URL/webhook/whatsapp?hub.mode=unsubscribe&hub.challenge=1158201444&hub.verify_token=$VERIFY_TOKEN")" 403
check_eq "mode missing: 403" \
    "$(http_get "$RABTA_URL/webhook/whatsapp?hub.challenge=1158201444&hub.verify_token=$VERIFY_TOKEN")" 403
check_eq "token missing: 403" \
    "$(http_get "$RABTA_URL/webhook/whatsapp?hub.mode=subscribe&hub.challenge=1158201444")" 403
check_eq "empty token: 403" \
    "$(http_get "$RABTA_URL/webhook/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=")" 403
stop_rabta

# verify_get.txt §4: the token "rabta verify/7f3c+x" arrives percent-encoded.
start_rabta b "WHATSAPP_VERIFY_TOKEN=rabta verify/7f3c+x"
url=$(rabta_url b)
check_eq "token with space, slash and plus, percent-encoded: 200" \
    "$(http_get "$url/webhook/whatsapp?hub.verify_token=rabta%20verify%2F7f3c%2Bx&hub.challenge=987654321&hub.mode=subscribe")" 200
check_eq "token with space, slash and plus: challenge echoed" "$(cat "$T/last_response")" 987654321
check_eq "%2B is a plus, not a space: 403" \
    "$(http_get "$url/webhook/whatsapp?hub.verify_token=rabta%20verify%2F7f3c%20x&hub.challenge=987654321&hub.mode=subscribe")" 403
stop_rabta b
