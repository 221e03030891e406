#!/usr/bin/env bash
# tests/check/headers.sh [SRC_DIR] - every header compiles on its own (it
# includes what it uses). Prints "file: header does not stand alone" with the
# compiler's words for each that does not, exits 1; "headers ok" otherwise.
set -u
SRC=${1:-src}
CC=${CC:-cc}
PKGS="libmicrohttpd libcurl libpq jansson libpcre2-8 libcrypto"
# shellcheck disable=SC2086
CFLAGS="-std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -I$SRC $(pkg-config --cflags $PKGS 2>/dev/null)"
fail=0
while IFS= read -r -d '' h; do
    # shellcheck disable=SC2086
    if ! out=$(printf '#include "%s"\n' "${h#"$SRC"/}" | $CC $CFLAGS -fsyntax-only -x c - 2>&1); then
        echo "$h: header does not stand alone"
        printf '%s\n' "$out" | head -n 5 | sed 's/^/    /'
        fail=1
    fi
done < <(find "$SRC" -name '*.h' -print0 | sort -z)
[ "$fail" = 0 ] && echo "headers ok"
exit "$fail"
