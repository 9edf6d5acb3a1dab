#!/usr/bin/env bash
# The main job: builds the host examples and runs the reference pipelines on their
# built-in sample data (and on ../shared/data or $NERVE_DATA_DIR when present).
set -euo pipefail
cd "$(dirname "$0")/.."
demos=(quickstart bearing_envelope)
cmake --preset host >/dev/null
targets=()
for d in "${demos[@]}"; do targets+=(--target "nerve_$d"); done
cmake --build --preset host "${targets[@]}"
for d in "${demos[@]}"; do
    echo
    echo "=== $d ==="
    "build/host/examples/nerve_$d"
done
