#!/usr/bin/env bash
# tests/check/format.sh [DIR...] - the C sources are as clang-format
# (.clang-format at the root) would write them. Lists each file that is not,
# exits 1; "format ok" otherwise. Default: src tests/unit tests/lib
# tests/fake_upstream tests/bench tests/tools tests/fuzz. `make format` fixes.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FMT=${CLANG_FORMAT:-clang-format}
if ! command -v "$FMT" >/dev/null; then
    echo "format: $FMT is not installed (make deps installs it)"
    exit 1
fi
if [ $# = 0 ]; then
    set -- "$ROOT/src" "$ROOT/tests/unit" "$ROOT/tests/lib" "$ROOT/tests/fake_upstream" \
        "$ROOT/tests/bench" "$ROOT/tests/tools" "$ROOT/tests/fuzz"
fi
fail=0
while IFS= read -r -d '' f; do
    if ! "$FMT" --style=file:"$ROOT/.clang-format" --dry-run --Werror "$f" >/dev/null 2>&1; then
        echo "$f: not formatted (make format)"
        fail=1
    fi
done < <(find "$@" -name '*.[ch]' -print0 2>/dev/null | sort -z)
[ "$fail" = 0 ] && echo "format ok"
exit "$fail"
