#!/usr/bin/env bash
# manpage_test.sh BINARY MANPAGE: the man page formats without a warning, and every option it names
# (--something) is one the program lists in its --help texts, so the page cannot promise a flag that
# was renamed or removed.
set -euo pipefail
binary=$1 page=$2

warnings=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$page" 2>&1)
if [ -n "$warnings" ]; then
  echo "groff warns about $page:"; echo "$warnings"; exit 1
fi

help=$("$binary" --help; "$binary" run --help; "$binary" lessons --help; "$binary" schedule --help)
# In troff source a dash is written \-; the options are the \-\-name words.
options=$(grep -o '\\-\\-[a-z][a-z\\-]*' "$page" | sed 's/\\-/-/g' | sort -u)
[ -n "$options" ] || { echo "no options found in $page"; exit 1; }
missing=0
for option in $options; do
  if ! grep -q -- "$option\b" <<<"$help"; then
    echo "$page names $option, which no --help text lists"; missing=1
  fi
done
[ "$missing" = 0 ] && echo "$(wc -w <<<"$options") options in $page, all known to $binary"
