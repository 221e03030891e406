# tests/soak/common.sh - shared by the fault scripts: lib.sh's throwaway
# PostgreSQL, fake upstream and serve, plus WhatsApp message POSTs that are
# retried until 200 as Meta does.
. "$(dirname "${BASH_SOURCE[0]}")/../lib/lib.sh"
trap "" PIPE

# mkposts PREFIX POSTS PER CLIENTS: $T/PREFIX-K.json, message i from client
# i % CLIENTS (phones 92300PP....), wamids unique per PREFIX.
mkposts() {
    local pre=$1 posts=$2 per=$3 clients=$4 k i c first contacts messages
    for ((k = 0; k < posts; k++)); do
        first=1 contacts= messages=
        for ((i = k * per; i < (k + 1) * per; i++)); do
            c=$((i % clients))
            [ $first = 1 ] || {
                contacts+=,
                messages+=,
            }
            first=0
            contacts+='{"profile":{"name":"Soak '$pre' '$c'"},"wa_id":"9230088'$pre$(printf %04d $c)'"}'
            messages+='{"from":"9230088'$pre$(printf %04d $c)'","id":"wamid.SOAK'$pre'X'$(printf %06d $i)'","timestamp":"1795170000","type":"text","text":{"body":"Soak '$i' shadi ka hall"}}'
        done
        printf '%s' '{"object":"whatsapp_business_account","entry":[{"id":"104857600123456","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"923215550100","phone_number_id":"'"$PNID"'"},"contacts":['"$contacts"'],"messages":['"$messages"']},"field":"messages"}]}]}' \
            >"$T/$pre-$k.json"
    done
}

# poster PREFIX POSTS URLFILE: POSTs each body until 200 to the URL in
# URLFILE (re-read on every try); appends "k code" of every try to
# $T/PREFIX.codes and k to $T/PREFIX.acked on 200.
poster() {
    local pre=$1 posts=$2 urlfile=$3 k code try
    : >"$T/$pre.acked"
    for ((k = 0; k < posts; k++)); do
        for try in $(seq 1 1200); do
            code=$(post_webhook "$T/$pre-$k.json" /webhook/whatsapp "$(cat "$urlfile")")
            echo "$k $code" >>"$T/$pre.codes"
            [ "$code" = 200 ] && break
            sleep 0.1
        done
        [ "$code" = 200 ] && echo "$k" >>"$T/$pre.acked"
    done
}

acked() { cat "$T"/*.acked 2>/dev/null | wc -l; }
