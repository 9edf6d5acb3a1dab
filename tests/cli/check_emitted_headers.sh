#!/bin/sh
# tests/cli/check_emitted_headers.sh NERVE SOURCE_DIR DATA_DIR WORKDIR
#
# Keeps the committed generated files in step with their generators: tests/golden/tflite_models.hpp
# with tools/gen_golden_tflite.py, and every tests/golden/tflite_*_static.hpp with
# `nerve infer --emit-header` on its model (the note is taken back from the committed header's
# comment). Exit 77 (skipped) without the data folder or a Python with numpy.
set -u
nerve=$1
src=$2
data=$3
work=$4
python=/usr/bin/python3
mkdir -p "$work"
if [ ! -f "$data/tflite/hello_world_int8.tflite" ]; then echo "no $data/tflite: skipped"; exit 77; fi
if ! "$python" -c "import numpy" 2>/dev/null; then echo "no $python with numpy: skipped"; exit 77; fi

failures=0
same() {
    if ! cmp -s "$1" "$2"; then
        echo "FAIL: $1 differs from what its generator writes now:"; diff "$1" "$2" | head -20
        failures=$((failures + 1))
    fi
}

"$python" "$src/tools/gen_golden_tflite.py" --data "$data" --out "$work/tflite_models.hpp" \
    --write-model "$work/cnn.tflite" >/dev/null || { echo "FAIL: gen_golden_tflite.py"; exit 1; }
same "$src/tests/golden/tflite_models.hpp" "$work/tflite_models.hpp"

# The note: the comment lines after the header's fixed ten, up to #pragma once, without "// ".
note() { awk 'NR > 10 && /^#pragma once/ { exit } NR > 10 { sub(/^\/\/ ?/, ""); print }' "$1"; }
emit() {  # emit STEM MODEL ARGS...
    stem=$1; model=$2; shift 2
    golden="$src/tests/golden/tflite_${stem}_static.hpp"
    "$nerve" infer --model "$model" "$@" --emit-header "$work/$stem.hpp" --note "$(note "$golden")" ||
        { echo "FAIL: nerve infer --emit-header for $stem"; failures=$((failures + 1)); return; }
    same "$golden" "$work/$stem.hpp"
}
emit hello_world "$data/tflite/hello_world_int8.tflite" --name nerve_models::hello_world
emit hello_world_packed "$data/tflite/hello_world_int8.tflite" --name nerve_models::hello_world_packed --packed
emit sensor_cnn "$work/cnn.tflite" --name nerve_models::sensor_cnn
emit strided_cnn "$work/cnn_strided.tflite" --name nerve_models::strided_cnn
# The trained MLP: scikit-learn with a fixed seed, so Debian's numpy/scikit-learn reproduce it byte
# for byte (another version of either may not: then regenerate all three files together).
if "$python" -c "import sklearn" 2>/dev/null; then
    "$python" "$src/tools/train_int8_model.py" --out "$work/vib.tflite" --header "$work/tflite_trained.hpp" >/dev/null ||
        { echo "FAIL: train_int8_model.py"; exit 1; }
    same "$src/tests/golden/tflite_trained.hpp" "$work/tflite_trained.hpp"
    emit trained_mlp "$work/vib.tflite" --name nerve_models::vibration_mlp
else
    echo "no scikit-learn: the trained MLP's files were not checked"
fi

if [ $failures -ne 0 ]; then echo "$failures failure(s)"; exit 1; fi
echo "generated headers are in step"
