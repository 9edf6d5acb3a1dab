#!/usr/bin/env bash
# The main job: builds the `nerve` tool and runs `nerve demo` — the reference pipelines (bearing
# maintenance, motor current, energy metering, patient monitoring) on built-in synthetic data, and on
# ../shared/data (or $NERVE_DATA_DIR) when it is there — then the quickstart example.
# Plots go to build/demo/*.png (python3-matplotlib); extra arguments go to `nerve demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset host >/dev/null
cmake --build --preset host --target nerve_cli --target nerve_quickstart
echo
echo "=== nerve demo ==="
build/host/examples/cli/nerve demo --out build/demo "$@"
echo
echo "=== quickstart ==="
build/host/examples/nerve_quickstart
