#!/usr/bin/env bash
# The guard rails guard: the layer, header and format checks pass on the tree
# and fail on a copy with a planted violation (an upward include, a header
# that does not stand alone, a badly formatted line).
# slow: starts first in `tests/run`
. "$(dirname "$0")/../lib/lib.sh"
CHK=$ROOT/tests/check

out=$("$CHK/layers.sh" "$ROOT/src" 2>&1)
check_eq "the tree's includes point down" "$out" "layers ok"
out=$("$CHK/headers.sh" "$ROOT/src" 2>&1)
check_eq "every header stands alone" "$out" "headers ok"
out=$("$CHK/format.sh" 2>&1)
check_eq "the C sources are formatted" "$out" "format ok"
out=$("$CHK/store.sh" "$ROOT/src" 2>&1)
check_eq "SQL only in store/, no file too long" "$out" "store ok"

# An upward include in core/, a sideways one between layers, and a folder
# that is in no layer: each named, exit 1.
cp -r "$ROOT/src" "$T/up"
sed -i '0,/#include "core\/err.h"/s//#include "core\/err.h"\n#include "context\/app.h"/' "$T/up/core/str.h"
out=$("$CHK/layers.sh" "$T/up" 2>&1)
rc=$?
check_eq "an upward include fails the layer check" "$rc" 1
check_match "the violation names file and include" "$out" 'core/str.h:[0-9]+: layer violation: core includes context/'
cp -r "$ROOT/src" "$T/side"
printf '#include "domain/intake.h"\n' >>"$T/side/store/db.h"
out=$("$CHK/layers.sh" "$T/side" 2>&1)
check_eq "store including domain fails" "$?" 1
mkdir -p "$T/side2" && cp -r "$ROOT/src/." "$T/side2/" && mkdir "$T/side2/misc" &&
    printf '#include "core/buf.h"\n' >"$T/side2/misc/x.c"
out=$("$CHK/layers.sh" "$T/side2" 2>&1)
check_match "a folder in no layer fails" "$out" 'misc/ is in no layer'

# A header that uses a type it does not include.
cp -r "$ROOT/src" "$T/hdr"
printf '#ifndef X_H\n#define X_H\nstruct buf *x_make(size_t n);\n#endif\n' >"$T/hdr/core/x.h"
out=$("$CHK/headers.sh" "$T/hdr" 2>&1)
check_eq "a header that does not stand alone fails" "$?" 1
check_match "the failing header is named" "$out" 'core/x.h: header does not stand alone'

# A statement in a handler, a PGresult in the domain, and a file too long.
cp -r "$ROOT/src" "$T/sql"
printf 'static const char q[] = "SELECT 1";\n' >>"$T/sql/domain/handlers/misc.c"
printf '#include <libpq-fe.h>\n' >>"$T/sql/domain/relay.h"
out=$("$CHK/store.sh" "$T/sql" 2>&1)
check_eq "SQL outside store/ fails the store check" "$?" 1
check_match "the statement is named by file and line" "$out" 'domain/handlers/misc.c:[0-9]+: database access outside store/'
check_match "the libpq include is named" "$out" 'domain/relay.h:[0-9]+: database access outside store/'
cp -r "$ROOT/src" "$T/long"
seq 1 1300 | sed 's|.*|/* & */|' >>"$T/long/core/str.c"
out=$("$CHK/store.sh" "$T/long" 2>&1)
check_eq "a file over 1,200 lines fails" "$?" 1
check_match "the long file is named" "$out" 'core/str.c:[0-9]+: over 1200 lines'

# A line clang-format would write otherwise.
mkdir -p "$T/fmt"
printf 'int   f( void ){return 1;}\n' >"$T/fmt/bad.c"
out=$("$CHK/format.sh" "$T/fmt" 2>&1)
check_eq "a badly formatted file fails" "$?" 1
check_match "the badly formatted file is named" "$out" 'bad.c: not formatted'

