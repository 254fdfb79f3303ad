#!/usr/bin/env bash
# The public API report: runs API Extractor once per entry point, one config file each at the
# project root (api-extractor.json for "tsgrpc"; a subpath export adds api-extractor.<name>.json
# with its own mainEntryPointFilePath and reportFileName). Reads the built declarations in dist/src.
#   scripts/api-report.sh          rewrite the reports in etc/ (npm run api)
#   scripts/api-report.sh --check  fail, showing the difference, when a report is out of date (npm run api:check)
set -uo pipefail
cd "$(dirname "$0")/.."
mode=${1:-}
status=0
for config in api-extractor.json api-extractor.*.json; do
  [ -f "$config" ] || continue
  if [ "$mode" = "--check" ]; then
    if ! npx api-extractor run --config "$config"; then
      status=1
      for report in dist/api/*.api.md; do
        diff -u "etc/$(basename "$report")" "$report"
      done
    fi
  else
    npx api-extractor run --local --config "$config" || status=1
  fi
done
exit "$status"
