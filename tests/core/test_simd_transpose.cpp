// core/simd_transpose.hpp: every W x W kernel the target has (the host's native build has all
// three x86 ones, the baseline build SSE's, aarch64 NEON's; the Cortex-M4 none) must move
// element (j, n) to (n, j), on native registers and on xsimd batches of the same width.
#include "nerve_test.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "nerve/core/simd_transpose.hpp"

#if NERVE_HAS_XSIMD
#include <xsimd/xsimd.hpp>
#endif

// Targets with vector registers (the Cortex-M4 has none: no kernel, nothing to test).
#if defined(__SSE__) || defined(__ARM_NEON) || defined(__aarch64__)
#define NERVE_TEST_VECTOR_TARGET 1
#else
#define NERVE_TEST_VECTOR_TARGET 0
#endif

#if NERVE_TEST_VECTOR_TARGET
namespace {

// Registers to and from float arrays: native vectors by memcpy, xsimd batches (not trivially
// copyable) by their loads and stores.
template <class V>
V load_row(const float* p) {
    if constexpr (std::is_trivially_copyable_v<V>) {
        V v;
        std::memcpy(&v, p, sizeof(V));
        return v;
    } else {
        return V::load_unaligned(p);
    }
}
template <class V>
void store_row(const V& v, float* p) {
    if constexpr (std::is_trivially_copyable_v<V>) {
        std::memcpy(p, &v, sizeof(V));
    } else {
        v.store_unaligned(p);
    }
}

// Fills r[j] with 100 j + n in lane n, transposes, and checks lane j of r[n] holds 100 j + n.
// Returns how many kernels ran (0 when the target has none for V and W).
template <class V, std::size_t W>
int check_transpose() {
    if constexpr (requires(V (&r)[W]) { nerve::detail::transpose_in_registers(r); }) {
        static_assert(sizeof(V) == W * sizeof(float));
        float m[W][W];
        for (std::size_t j = 0; j < W; ++j)
            for (std::size_t n = 0; n < W; ++n) m[j][n] = float(100 * j + n);
        V r[W];
        for (std::size_t j = 0; j < W; ++j) r[j] = load_row<V>(m[j]);
        nerve::detail::transpose_in_registers(r);
        for (std::size_t n = 0; n < W; ++n) {
            float lanes[W];
            store_row(r[n], lanes);
            for (std::size_t j = 0; j < W; ++j) {
                INFO("W = " << W << ", row " << n << ", lane " << j);
                REQUIRE(lanes[j] == m[j][n]);
            }
        }
        return 1;
    } else {
        return 0;
    }
}

}  // namespace
#endif

TEST_CASE("simd_transpose: each kernel puts lane j of row n into lane n of row j", "[simd_transpose]") {
    int ran = 0;
#if defined(__AVX512F__)
    ran += check_transpose<__m512, 16>();
#endif
#if defined(__AVX__)
    ran += check_transpose<__m256, 8>();
#endif
#if defined(__SSE__)
    ran += check_transpose<__m128, 4>();
#elif defined(__ARM_NEON) || defined(__aarch64__)
    ran += check_transpose<float32x4_t, 4>();
#endif
#if NERVE_HAS_XSIMD && NERVE_TEST_VECTOR_TARGET
    // The callers' form: the widest float batch (16 on AVX-512, 8 on AVX, 4 on SSE and NEON).
    using batch = xsimd::batch<float>;
    ran += check_transpose<batch, batch::size>();
#endif
#if NERVE_TEST_VECTOR_TARGET
    CHECK(ran > 0);  // a vector target without any kernel would be a lost overload
#else
    CHECK(ran == 0);  // e.g. the Cortex-M4: scalar code, nothing to transpose in registers
#endif
}

TEST_CASE("simd_transpose: a transpose twice is the identity, bit for bit (NaN, -0, denormals)",
          "[simd_transpose]") {
#if NERVE_TEST_VECTOR_TARGET
#if defined(__AVX512F__)
    using V = __m512;
#elif defined(__AVX__)
    using V = __m256;
#elif defined(__SSE__)
    using V = __m128;
#else
    using V = float32x4_t;
#endif
    constexpr std::size_t W = sizeof(V) / sizeof(float);
    std::uint32_t bits[W][W];
    const std::uint32_t odd[] = {0x7FC00001u, 0xFFC12345u, 0x80000000u, 0x00000001u, 0x7F800000u, 0xFF800000u};
    for (std::size_t j = 0; j < W; ++j)
        for (std::size_t n = 0; n < W; ++n) bits[j][n] = (j + n) % 3 == 0 ? odd[(j * W + n) % 6] : 0x3F800000u + j * W + n;
    V r[W];
    for (std::size_t j = 0; j < W; ++j) std::memcpy(&r[j], bits[j], sizeof(V));
    nerve::detail::transpose_in_registers(r);
    for (std::size_t n = 0; n < W; ++n) {
        std::uint32_t lanes[W];
        std::memcpy(lanes, &r[n], sizeof(V));
        for (std::size_t j = 0; j < W; ++j) REQUIRE(lanes[j] == bits[j][n]);  // payloads kept: shuffles, no arithmetic
    }
    nerve::detail::transpose_in_registers(r);
    for (std::size_t j = 0; j < W; ++j) REQUIRE(std::memcmp(&r[j], bits[j], sizeof(V)) == 0);
#else
    SUCCEED("no vector registers on this target");
#endif
}
