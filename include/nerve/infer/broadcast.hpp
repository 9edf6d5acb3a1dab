// nerve/infer/broadcast.hpp — NumPy/TFLite broadcasting of two 4-D NHWC shapes (ADD, MUL).
#pragma once

#include <cstdint>

namespace nerve::infer {

/// A shape padded to 4 dimensions on the left (TFLite's RuntimeShape::ExtendedShape(4, ...)).
struct shape4 {
    int d[4] = {1, 1, 1, 1};
    /// The element count; -1 when a dimension is negative or the count passes 2^31 - 1 (only a
    /// hostile model has such dimensions; their product in int overflowed, found by fuzz_tflite).
    constexpr std::int64_t size() const noexcept {
        std::int64_t s = 1;
        for (const int v : d) {
            if (v < 0) return -1;
            s *= v;  // <= 2^31 * 2^31: no overflow in 64 bits
            if (s > 0x7fffffff) return -1;
        }
        return s;
    }
    friend constexpr bool operator==(const shape4&, const shape4&) = default;
};

namespace detail {
/// Visits every output index of broadcast(a, b) in row-major order with the flat input offsets.
/// Returns false (visiting nothing) when the shapes do not broadcast.
template <class F>
constexpr bool for_each_broadcast(const shape4& a, const shape4& b, F&& f) noexcept {
    shape4 out;
    int sa[4], sb[4];
    int stride_a = 1, stride_b = 1;
    for (int i = 3; i >= 0; --i) {
        if (a.d[i] != b.d[i] && a.d[i] != 1 && b.d[i] != 1) return false;
        out.d[i] = a.d[i] > b.d[i] ? a.d[i] : b.d[i];
        sa[i] = a.d[i] == 1 ? 0 : stride_a;
        sb[i] = b.d[i] == 1 ? 0 : stride_b;
        stride_a *= a.d[i];
        stride_b *= b.d[i];
    }
    int o = 0;
    for (int i0 = 0; i0 < out.d[0]; ++i0)
        for (int i1 = 0; i1 < out.d[1]; ++i1)
            for (int i2 = 0; i2 < out.d[2]; ++i2)
                for (int i3 = 0; i3 < out.d[3]; ++i3)
                    f(o++, i0 * sa[0] + i1 * sa[1] + i2 * sa[2] + i3 * sa[3],
                      i0 * sb[0] + i1 * sb[1] + i2 * sb[2] + i3 * sb[3]);
    return true;
}
}  // namespace detail

/// The broadcast output shape, or all zeros when the shapes are incompatible.
constexpr shape4 broadcast_shape(const shape4& a, const shape4& b) noexcept {
    shape4 out;
    for (int i = 0; i < 4; ++i) {
        if (a.d[i] != b.d[i] && a.d[i] != 1 && b.d[i] != 1) return shape4{{0, 0, 0, 0}};
        out.d[i] = a.d[i] > b.d[i] ? a.d[i] : b.d[i];
    }
    return out;
}

}  // namespace nerve::infer
