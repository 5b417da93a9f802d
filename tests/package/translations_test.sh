#!/usr/bin/env bash
# translations_test.sh LUPDATE SOURCE_DIR: the committed translation template lists exactly the strings
# app/ marks for translation, so a translator who copies it misses none (run `make translations` to
# refresh it). lupdate refreshes a copy; the sets of <source> texts before and after must be equal.
set -euo pipefail
lupdate=$1 src=$2
committed=$src/resources/translations/concurrency-lab.ts
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$committed" "$tmp/current.ts"
"$lupdate" -silent -no-obsolete -locations relative -source-language en "$src/app" -ts "$tmp/current.ts" >"$tmp/lupdate.log" 2>&1 || { cat "$tmp/lupdate.log"; exit 1; }
sources() { grep -o '<source>.*</source>' "$1" | sort -u; }
missing=$(comm -13 <(sources "$committed") <(sources "$tmp/current.ts"))
stale=$(comm -23 <(sources "$committed") <(sources "$tmp/current.ts"))
if [ -n "$missing$stale" ]; then
  [ -z "$missing" ] || printf 'not in %s:\n%s\n' "$committed" "$missing"
  [ -z "$stale" ] || printf 'no longer in app/:\n%s\n' "$stale"
  echo "run 'make translations' to refresh the template"
  exit 1
fi
echo "$(sources "$committed" | wc -l) texts, all current"
