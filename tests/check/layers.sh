#!/usr/bin/env bash
# tests/check/layers.sh [SRC_DIR] - every #include "dir/..." points down.
#
# The layers, lowest first; a file may include its own folder and any folder
# below it, never one above or beside it:
#
#   core     buffers, strings, errors, clock, log, HMAC, grants, languages
#   app      config and prompts: the admin's files, parsed (no context)
#   nlu      text normalization, values, intents, the parser's rules
#   store    PostgreSQL: connections, migrations, typed queries
#   egress   outbound HTTP: WhatsApp, Graph Lead Ads, Gemini, invoicing
#   context  the application context and its reloadable snapshot
#   domain   the business: inbound, leads, handlers, sender, workers
#   http     the server and its routes
#   cmd      the subcommands and main
#
# Prints each violation as "file:line: layer violation: A includes B" and
# exits 1 when there is one; prints "layers ok" and exits 0 otherwise.
set -u
SRC=${1:-src}
LAYERS=(core app nlu store egress context domain http cmd)

rank() {
    local i
    for i in "${!LAYERS[@]}"; do
        if [ "${LAYERS[$i]}" = "$1" ]; then
            echo "$i"
            return 0
        fi
    done
    echo -1
}

fail=0
while IFS= read -r -d '' f; do
    rel=${f#"$SRC"/}
    dir=${rel%%/*}
    if [ "$dir" = "$rel" ]; then
        mine=$(rank cmd) # src/main.c sits on top
    else
        mine=$(rank "$dir")
        if [ "$mine" -lt 0 ]; then
            echo "$f: layer violation: folder $dir/ is in no layer (tests/check/layers.sh)"
            fail=1
            continue
        fi
    fi
    while IFS=: read -r line inc; do
        theirs=$(rank "$inc")
        if [ "$theirs" -lt 0 ] || [ "$theirs" -gt "$mine" ]; then
            echo "$f:$line: layer violation: ${dir%.c} includes $inc/"
            fail=1
        fi
    done < <(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]+"[A-Za-z0-9_]+/' "$f" |
        sed -E 's/^([0-9]+):[^"]*"([A-Za-z0-9_]+)\/.*/\1:\2/')
done < <(find "$SRC" -name '*.[ch]' -print0 | sort -z)

if [ "$fail" = 0 ]; then
    echo "layers ok"
fi
exit "$fail"
