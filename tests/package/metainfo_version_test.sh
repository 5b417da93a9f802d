#!/usr/bin/env bash
# metainfo_version_test.sh METAINFO VERSION: the newest <release> (the first one) is the version built,
# so software centres never show an older version than the package's.
set -euo pipefail
first=$(grep -m1 -o '<release [^>]*>' "$1" || true)
grep -qF "version=\"$2\"" <<<"$first" || { echo "$1: the first <release> is '$first', not version $2"; exit 1; }
echo "$first"
