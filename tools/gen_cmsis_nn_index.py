#!/usr/bin/python3
"""Writes tests/infer/cmsis_nn_cases.hpp: an index of CMSIS-NN's int8 unit-test vectors.

    tools/gen_cmsis_nn_index.py [cmsis-nn dir] [output header]

The vectors themselves (ARM-software/CMSIS-NN, Tests/UnitTest/TestCases/TestData, Apache-2.0,
copied unchanged into ../shared/data/cmsis-nn, see its README) are NOT copied into this
repository: the generated header #includes CMSIS-NN's own files, each inside its own namespace,
at build time through the path ../../../shared/data/cmsis-nn/ relative to tests/infer/ (the
repository's ../shared/data, the default NERVE_DATA_DIR). When that folder is absent,
__has_include is false, the index is empty and the tests say they skipped.

The header holds only the shapes and parameters read from each case's config_data.h (as the
macro names CMSIS-NN defines, resolved by the compiler) and the names of its arrays.
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "shared", "data", "cmsis-nn")
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "..", "tests", "infer", "cmsis_nn_cases.hpp")
REL = "../../../shared/data/cmsis-nn"  # from tests/infer/


def defines(case):
    text = open(os.path.join(SRC, case, "config_data.h")).read()
    return dict(re.findall(r"#define\s+(\w+)\s+(\S+)", text))


def arrays(case, files):
    names = set()
    for f in files:
        text = open(os.path.join(SRC, case, f)).read()
        names.update(re.findall(r"^const\s+\w+\s*\*?\s*(?:const\s+)?(\w+)", text, re.M))
    return names


def main():
    cases = sorted(d for d in os.listdir(SRC) if os.path.isdir(os.path.join(SRC, d)))
    fc, conv, dw, pool, smax = [], [], [], [], []
    includes = []
    for case in cases:
        up = case.upper()
        ns = "cmsis_" + case
        # The files CMSIS-NN's own test of this case includes (test_data.h). Some folders also hold a
        # second vector from a newer generator whose config_data.h was not kept; those are not used.
        td = open(os.path.join(SRC, case, "test_data.h")).read()
        files = re.findall(r'#include\s+"([^"]+)"', td)
        d = defines(case)
        names = arrays(case, files)
        guard = f"{REL}/{case}/config_data.h"
        inc = "\n".join(f'#include "{REL}/{case}/{f}"' for f in files)
        includes.append(f"namespace {{  // internal linkage: some CMSIS-NN headers define non-const pointers\nnamespace {ns} {{\n{inc}\n}}  // namespace {ns}\n}}  // namespace")

        def arr(suffix):
            n = f"{case}_{suffix}"
            return f"{ns}::{n}" if n in names else "nullptr"

        if case.startswith("fully_connected") or case.startswith("fc_"):
            per_ch = f"{up}_OUTPUT_MULTIPLIER" not in d
            batches = f"{up}_INPUT_BATCHES"
            depth = f"{up}_ACCUMULATION_DEPTH" if f"{up}_ACCUMULATION_DEPTH" in d else f"{up}_IN_CH"
            fc.append(
                f'    {{"{case}", {batches}, {depth}, {up}_OUT_CH, {up}_INPUT_OFFSET, '
                f'{up + "_FILTER_OFFSET" if up + "_FILTER_OFFSET" in d else "0"}, {up}_OUTPUT_OFFSET, '
                f'{"0" if per_ch else up + "_OUTPUT_MULTIPLIER"}, {"0" if per_ch else up + "_OUTPUT_SHIFT"}, '
                f'{arr("output_mult") if per_ch else "nullptr"}, {arr("output_shift") if per_ch else "nullptr"}, '
                f'{up}_OUT_ACTIVATION_MIN, {up}_OUT_ACTIVATION_MAX, {arr("input")}, {arr("weights")}, '
                f'{arr("biases")}, {arr("output_ref")}}},')
        elif case.startswith("conv") or case.startswith("depthwise"):
            row = (f'    {{"{case}", {up}_INPUT_BATCHES, {up}_INPUT_H, {up}_INPUT_W, {up}_IN_CH, {up}_OUT_CH, '
                   f'{up}_FILTER_Y, {up}_FILTER_X, {up}_STRIDE_Y, {up}_STRIDE_X, {up}_PAD_Y, {up}_PAD_X, '
                   f'{up}_DILATION_Y, {up}_DILATION_X, {up}_OUTPUT_H, {up}_OUTPUT_W, '
                   f'{up + "_CH_MULT" if up + "_CH_MULT" in d else "1"}, {up}_INPUT_OFFSET, {up}_OUTPUT_OFFSET, '
                   f'{up}_OUT_ACTIVATION_MIN, {up}_OUT_ACTIVATION_MAX, {arr("input")}, {arr("weights")}, '
                   f'{arr("biases")}, {arr("output_mult")}, {arr("output_shift")}, {arr("output_ref")}}},')
            (dw if case.startswith("depthwise") else conv).append(row)
        elif case.startswith("avgpooling") or case.startswith("maxpooling"):
            pool.append(
                f'    {{"{case}", {"true" if case.startswith("avg") else "false"}, {up}_BATCH_SIZE, {up}_INPUT_H, '
                f'{up}_INPUT_W, {up}_INPUT_C, {up}_FILTER_H, {up}_FILTER_W, {up}_STRIDE_H, {up}_STRIDE_W, '
                f'{up}_PADDING_H, {up}_PADDING_W, {up}_OUTPUT_H, {up}_OUTPUT_W, {up}_ACTIVATION_MIN, '
                f'{up}_ACTIVATION_MAX, {arr("input_tensor")}, {arr("output")}}},')
        elif case.startswith("softmax"):
            smax.append(
                f'    {{"{case}", {up}_NUM_ROWS, {up}_ROW_SIZE, {up}_INPUT_MULT, {up}_INPUT_LEFT_SHIFT, '
                f'{up}_DIFF_MIN, {arr("input")}, {arr("output_ref")}}},')
        else:
            sys.exit(f"gen_cmsis_nn_index: unknown case kind {case}")

    first = cases[0]
    out = f"""// tests/infer/cmsis_nn_cases.hpp — generated by tools/gen_cmsis_nn_index.py; do not edit.
//
// An index of CMSIS-NN's int8 kernel unit-test vectors (github.com/ARM-software/CMSIS-NN,
// Tests/UnitTest/TestCases/TestData, Copyright Arm Limited, Apache License 2.0: see
// ../shared/data/cmsis-nn/LICENSE). No vector is copied here: CMSIS-NN's own headers are included
// at build time from the repository's ../shared/data/cmsis-nn (one namespace per case). Without
// that folder the index is empty (cmsis_nn::available == false) and the tests skip, saying so.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stddef.h>
#include <stdint.h>

namespace cmsis_nn {{
struct fc_case {{
    const char* name; int batches, depth, out_ch; int32_t input_offset, filter_offset, output_offset;
    int32_t multiplier; int shift; const int32_t* per_ch_mult; const int32_t* per_ch_shift;
    int32_t act_min, act_max; const int8_t* input; const int8_t* weights; const int32_t* bias; const int8_t* expected;
}};
struct conv_case {{
    const char* name; int batches, in_h, in_w, in_c, out_c, f_h, f_w, stride_h, stride_w, pad_h, pad_w,
        dil_h, dil_w, out_h, out_w, ch_mult; int32_t input_offset, output_offset, act_min, act_max;
    const int8_t* input; const int8_t* weights; const int32_t* bias; const int32_t* mult; const int32_t* shift;
    const int8_t* expected;
}};
struct pool_case {{
    const char* name; bool average; int batches, in_h, in_w, ch, f_h, f_w, stride_h, stride_w, pad_h, pad_w,
        out_h, out_w; int32_t act_min, act_max; const int8_t* input; const int8_t* expected;
}};
struct softmax_case {{
    const char* name; int rows, row_size; int32_t input_mult; int input_left_shift; int32_t diff_min;
    const int8_t* input; const int8_t* expected;
}};
}}  // namespace cmsis_nn

#if __has_include("{REL}/{first}/config_data.h")
{chr(10).join(includes)}

namespace cmsis_nn {{
constexpr bool available = true;
static const fc_case fc_cases[] = {{
{chr(10).join(fc)}
}};
static const conv_case conv_cases[] = {{
{chr(10).join(conv)}
}};
static const conv_case depthwise_cases[] = {{
{chr(10).join(dw)}
}};
static const pool_case pool_cases[] = {{
{chr(10).join(pool)}
}};
static const softmax_case softmax_cases[] = {{
{chr(10).join(smax)}
}};
}}  // namespace cmsis_nn
#else
namespace cmsis_nn {{
constexpr bool available = false;
static const fc_case fc_cases[1] = {{}};
static const conv_case conv_cases[1] = {{}};
static const conv_case depthwise_cases[1] = {{}};
static const pool_case pool_cases[1] = {{}};
static const softmax_case softmax_cases[1] = {{}};
}}  // namespace cmsis_nn
#endif
"""
    with open(OUT, "w") as f:
        f.write(out)
    print(f"gen_cmsis_nn_index: {len(fc)} fully connected, {len(conv)} conv, {len(dw)} depthwise, "
          f"{len(pool)} pooling, {len(smax)} softmax cases -> {OUT}")


if __name__ == "__main__":
    main()
