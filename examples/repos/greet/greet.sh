#!/usr/bin/env bash
# Prints a greeting for each name given, or for the world.
set -eu
if [ "$#" -eq 0 ]; then
  echo "Hello, world!"
fi
for name in "$@"; do
  echo "Hello, $name!"
done
