// nerve/infer/reshape.hpp — RESHAPE, SQUEEZE and EXPAND_DIMS: no-ops on the data.
//
// All three keep the bytes in row-major order and only change the shape (TFLite requires equal
// quantization on both sides), so an executor aliases input and output, and a static model
// simply reads the same buffer. `reshape` is the copy for the case where the two tensors live in
// different buffers. `reshape_valid` checks a new shape against the element count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace nerve::infer {

inline void reshape(const std::int8_t* input, int size, std::int8_t* output) noexcept {
    if (input != output && size > 0) std::memmove(output, input, static_cast<std::size_t>(size));
}

/// True when the dims (each >= 1) multiply to `size` without overflow.
constexpr bool reshape_valid(const int* dims, int rank, int size) noexcept {
    long long n = 1;
    for (int i = 0; i < rank; ++i) {
        if (dims[i] < 1) return false;
        n *= dims[i];
        if (n > size) return false;
    }
    return n == size;
}

}  // namespace nerve::infer
