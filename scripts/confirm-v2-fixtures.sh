#!/usr/bin/env bash
# Run the reference validator (frictionless-py, ../shared/oracle) on every package under
# test/fixtures/v2 and compare its [rowNumber, fieldNumber, code] list with the fixture's
# expected.json: "frictionless" fixtures must agree; "v2-spec" fixtures (v2 properties frictionless
# does not implement) print what frictionless says, for the README's list of differences.
# usage: scripts/confirm-v2-fixtures.sh [ORACLE]   (default ../shared/oracle/frictionless-validate)
set -u
here="$(cd "$(dirname "$0")/.." && pwd)"
oracle=${1:-"$here/../shared/oracle/frictionless-validate"}
fail=0
for dir in "$here"/test/fixtures/v2/*/; do
  name=$(basename "$dir")
  out=$("$oracle" "$dir" --json 2>&1)
  verdict=$(python3 - "$dir/expected.json" "$out" <<'PY'
import json, sys
expected = json.load(open(sys.argv[1]))
try:
    got = [[e[0], e[1], e[2]] for e in json.loads(sys.argv[2])["errors"]]
except Exception:
    got = "could not run: " + sys.argv[2][:200]
want = expected["errors"]
if expected["source"] == "v2-spec":
    print("v2-spec  frictionless says %s" % json.dumps(got))
elif want == "ERROR":
    ok = isinstance(got, list) and len(got) == 1 and got[0][0] is None
    print(("agree   " if ok else "DIFFER  ") + json.dumps(got))
else:
    print(("agree   " if got == want else "DIFFER  expected %s, frictionless " % json.dumps(want)) + json.dumps(got))
PY
)
  case $verdict in DIFFER*) fail=1 ;; esac
  printf '%-60s %s\n' "$name" "$verdict"
done
exit $fail
