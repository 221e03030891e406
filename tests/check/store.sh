#!/usr/bin/env bash
# tests/check/store.sh [SRC_DIR] - SQL lives behind src/store/: no file outside
# store/ includes libpq, names a PGresult or holds a statement, and no source file is over
# MAX_LINES (default 1,200) lines, so each stays one idea a newcomer can hold.
# Prints "store ok" or each violation as FILE:LINE: why; exit 1 on any.
set -u
SRC=${1:-$(cd "$(dirname "$0")/../../src" && pwd)}
MAX_LINES=${MAX_LINES:-1200}
cd "$SRC" || exit 2
bad=0
while IFS=: read -r file line text; do
    echo "$file:$line: database access outside store/ (a typed function in store/ instead): $text"
    bad=1
done < <(grep -rnE 'PGresult|PGconn|<libpq-fe\.h>|"(SELECT|INSERT|UPDATE|DELETE|WITH) ' \
    --include='*.c' --include='*.h' . | grep -v '^\./store/' | sed 's|^\./||')
while read -r n f; do
    [ "$f" = total ] && continue
    if [ "$n" -gt "$MAX_LINES" ]; then
        echo "${f#./}:$n: over $MAX_LINES lines: split it along its seams"
        bad=1
    fi
done < <(find . -name '*.[ch]' -exec wc -l {} + | sort -n)
if [ "$bad" = 0 ]; then
    echo "store ok"
fi
exit "$bad"
