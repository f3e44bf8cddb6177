#!/usr/bin/env bash
# The scenario format's examples are published beside the repository (../shared/scenarios/examples) and
# copied into scenarios/examples/, where the tests run them unchanged. When the published folder is at hand,
# the copies must be byte for byte the published ones (they change with the reading of the regulation); a
# clean clone without it says so and checks nothing more.
set -euo pipefail
cd "$(dirname "$0")/.."
published="../shared/scenarios/examples"
if [ ! -d "$published" ]; then
  echo "examples: $published is not beside this clone; the project's copies are run by the tests only"
  exit 0
fi
if ! diff -r "$published" scenarios/examples; then
  echo "examples: scenarios/examples differs from $published: copy the published examples again" >&2
  exit 1
fi
echo "examples: scenarios/examples is the published set ($(ls "$published" | wc -l) files)"
