// Block calls whose output span overlaps their input (nerve::block_overlap): in place and `out`
// starting before `in` give the per-sample outputs (bit for bit in fixed point; in float within
// the block paths' stated bound, 1e-5 of the largest output); `out` starting inside `in` is
// refused with nothing written and the state unchanged (checked where NERVE_ASSERT is off: a
// debug build stops on it instead).
#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <cstring>
#include <span>
#include <type_traits>

#include "nerve/core/fixed_point.hpp"
#include "nerve/core/operator.hpp"
#include "nerve/filter/biquad.hpp"
#include "nerve/filter/butterworth.hpp"
#include "nerve/filter/dc_blocker.hpp"
#include "nerve/filter/fir.hpp"
#include "nerve/filter/fir_decimator.hpp"
#include "nerve/filter/fir_design.hpp"
#include "nerve/filter/moving_average.hpp"
#include "nerve/filter/moving_rms.hpp"

using nerve::block_overlap;
using nerve::overlap_of;

namespace {

// Long enough for every block engine (the biquad's time segments start at 1024 samples).
constexpr std::size_t n_samples = 2100;
constexpr std::size_t max_shift = 64;
alignas(64) float buffer[n_samples + max_shift];
alignas(64) float signal[n_samples];

template <class T>
T sample(std::size_t i) {
    const double v = 0.6 * std::sin(0.031 * static_cast<double>(i)) + 0.3 * std::sin(0.77 * static_cast<double>(i) + 1.0);
    return nerve::from_double<T>(v);
}

template <class T>
T* as(float* p) {
    static_assert(sizeof(T) <= sizeof(float));
    return reinterpret_cast<T*>(p);
}

template <class T>
bool same_bits(const T& a, const T& b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
}

/// Block outputs y against per-sample outputs ref: bit for bit in fixed point, within 1e-5 of
/// the largest |ref| in float (the biquad block engines' stated bound; FIR: summation order),
/// and bit for bit in float too where `bits` says the call runs operator() itself.
template <class T>
void require_per_sample_outputs(const T* y, const T* ref, std::size_t n, bool bits = !std::is_floating_point_v<T>) {
    if constexpr (std::is_floating_point_v<T>) {
        double top = 0, worst = 0;
        for (std::size_t i = 0; i < n; ++i) {
            top = std::fmax(top, std::fabs(static_cast<double>(ref[i])));
            worst = std::fmax(worst, std::fabs(static_cast<double>(y[i]) - static_cast<double>(ref[i])));
            REQUIRE(std::isfinite(y[i]));
        }
        INFO("max |block - per-sample| " << worst << " of max |y| " << top);
        REQUIRE(top > 0.01);
        REQUIRE(worst <= 1e-5 * top);
    }
    if (!bits) return;
    for (std::size_t i = 0; i < n; ++i) {
        INFO("output " << i);
        REQUIRE(same_bits(y[i], ref[i]));
    }
}

alignas(64) float reference[n_samples];

/// A simple operator's block call on overlapping spans against operator() on a fresh copy.
/// behind_per_sample: the operator documents that `out` before `in` runs operator() sample by
/// sample, so those calls must give its bits in float too (a block engine's rounding fails it).
template <class F>
void check_simple(const F& proto, bool behind_per_sample = false) {
    using T = typename F::input_type;
    T* x = as<T>(signal);
    for (std::size_t i = 0; i < n_samples; ++i) x[i] = sample<T>(i);
    for (std::size_t d : {std::size_t{0}, std::size_t{1}, std::size_t{5}, max_shift}) {
        // out starts d elements before in (d = 0: in place).
        T* buf = as<T>(buffer);
        std::memcpy(buf + d, x, n_samples * sizeof(T));
        F f = proto, r = proto;
        NERVE_REQUIRE_NO_ALLOC(nerve::process(f, std::span<const T>(buf + d, n_samples), std::span<T>(buf, n_samples)));
        T* ref = as<T>(reference);
        for (std::size_t i = 0; i < n_samples; ++i) ref[i] = r(x[i]);
        INFO("behind by " << d);
        require_per_sample_outputs(buf, ref, n_samples,
                                   !std::is_floating_point_v<T> || (behind_per_sample && d > 0));
    }
#if NERVE_ASSERT_MODE == 0
    for (std::size_t d : {std::size_t{1}, std::size_t{5}, max_shift}) {
        // out starts d elements inside in: refused.
        T* buf = as<T>(buffer);
        std::memcpy(buf, x, n_samples * sizeof(T));
        for (std::size_t i = n_samples; i < n_samples + d; ++i) buf[i] = T{};
        F f = proto, r = proto;
        T* warm = as<T>(reference);  // a state that is not the initial one
        nerve::process(f, std::span<const T>(x, 10), std::span<T>(warm, 10));
        nerve::process(r, std::span<const T>(x, 10), std::span<T>(warm, 10));
        nerve::process(f, std::span<const T>(buf, n_samples), std::span<T>(buf + d, n_samples));
        INFO("ahead by " << d);
        REQUIRE(std::memcmp(buf, x, n_samples * sizeof(T)) == 0);
        // The state is unchanged: f and r go on alike (the same block call, so the same code).
        T* a = as<T>(reference);
        T* b = as<T>(buffer);
        nerve::process(f, std::span<const T>(x, 300), std::span<T>(a, 300));
        nerve::process(r, std::span<const T>(x, 300), std::span<T>(b, 300));
        REQUIRE(std::memcmp(a, b, 300 * sizeof(T)) == 0);
    }
#endif
}

}  // namespace

TEST_CASE("overlap_of classifies spans by address", "[filter][overlap]") {
    float a[8] = {};
    REQUIRE(overlap_of(a, 4, a + 4, 4) == block_overlap::none);
    REQUIRE(overlap_of(a + 4, 4, a, 4) == block_overlap::none);
    REQUIRE(overlap_of(a, 4, a, 4) == block_overlap::in_place);
    REQUIRE(overlap_of(a + 1, 4, a, 4) == block_overlap::behind);
    REQUIRE(overlap_of(a, 4, a + 3, 4) == block_overlap::ahead);
    REQUIRE(overlap_of(a, 0, a + 1, 4) == block_overlap::none);
    // Element types of other sizes: 2 frames of 4 floats against floats.
    std::array<float, 4> frames[2] = {};
    REQUIRE(overlap_of(frames, 2, &frames[1][3], 1) == block_overlap::ahead);
    REQUIRE(overlap_of(&frames[1][3], 1, frames, 2) == block_overlap::behind);
    REQUIRE(overlap_of(frames, 1, &frames[1][0], 4) == block_overlap::none);
}

TEST_CASE("1:1 block paths on overlapping spans", "[filter][overlap]") {
    using namespace nerve::filter;
    SECTION("biquad_cascade float, 4 sections") {
        check_simple(biquad_cascade<float, 4>{butterworth<8, band_type::lowpass>(0.1)}, true);
    }
    SECTION("biquad_cascade float, 1 section") {
        check_simple(biquad_cascade<float, 1>{butterworth<2, band_type::lowpass>(0.05)}, true);
    }
    SECTION("biquad_cascade q15") { check_simple(biquad_cascade<nerve::q15, 2>{butterworth<4, band_type::lowpass>(0.2)}); }
    SECTION("fir float, 64 taps") { check_simple(fir<float, 64>{firwin_lowpass<64>(0.2)}); }
    SECTION("fir q15, 31 taps") { check_simple(fir<nerve::q15, 31>{firwin_lowpass<31>(0.3)}); }
    SECTION("moving_average") { check_simple(moving_average<float, 32>{}); }
    SECTION("moving_rms") { check_simple(moving_rms<float, 32>{}); }
    SECTION("an operator without a block path (nerve::process's loop)") { check_simple(dc_blocker<float>{}); }
}

// C channels: 16 are one AVX-512 group, 32 two, so a lane path that took out-before-in calls
// would overwrite the second group's inputs on every x86 build (and SSE2's, AVX2's and NEON's
// groups at C = 16).
template <std::size_t C>
void check_bank_overlap() {
    using namespace nerve::filter;
    constexpr std::size_t frames = n_samples / C - 4;
    static_assert(2 * C + 5 + frames * C <= n_samples + max_shift);
    using frame = std::array<float, C>;
    std::array<biquad_cascade<float, 2>, C> singles{};
    for (std::size_t c = 0; c < C; ++c)
        singles[c] = biquad_cascade<float, 2>{butterworth<4, band_type::lowpass>(0.05 + 0.4 * static_cast<double>(c) / C)};
    static nerve::multi<biquad_cascade<float, 2>, C> proto{singles};
    static nerve::multi<biquad_cascade<float, 2>, C> f, r;
    frame* x = reinterpret_cast<frame*>(signal);
    for (std::size_t i = 0; i < frames; ++i)
        for (std::size_t c = 0; c < C; ++c) x[i][c] = sample<float>(i * C + c);
    // out starts d floats before in: whole frames and a part of one.
    for (std::size_t d : {std::size_t{0}, std::size_t{3}, C, 2 * C + 5}) {
        std::memcpy(buffer + d, x, frames * sizeof(frame));
        f = proto;
        r = proto;
        const std::span<const frame> in(reinterpret_cast<const frame*>(buffer + d), frames);
        NERVE_REQUIRE_NO_ALLOC(f.process(in, std::span<frame>(reinterpret_cast<frame*>(buffer), frames)));
        for (std::size_t i = 0; i < frames; ++i) {
            const frame y = r(x[i]);
            INFO("behind by " << d << " floats, frame " << i);
            REQUIRE(std::memcmp(y.data(), buffer + i * C, sizeof y) == 0);
        }
    }
#if NERVE_ASSERT_MODE == 0
    for (std::size_t d : {std::size_t{3}, C}) {
        std::memcpy(buffer, x, frames * sizeof(frame));
        f = proto;
        r = proto;
        f.process(std::span<const frame>(reinterpret_cast<const frame*>(buffer), frames),
                  std::span<frame>(reinterpret_cast<frame*>(buffer + d), frames));
        INFO("ahead by " << d << " floats");
        REQUIRE(std::memcmp(buffer, x, frames * sizeof(frame)) == 0);
        frame* a = reinterpret_cast<frame*>(reference);
        frame* b = reinterpret_cast<frame*>(buffer);
        f.process(std::span<const frame>(x, 20), std::span<frame>(a, 20));
        r.process(std::span<const frame>(x, 20), std::span<frame>(b, 20));
        REQUIRE(std::memcmp(a, b, 20 * sizeof(frame)) == 0);
    }
#endif
}

TEST_CASE("multi<biquad_cascade> on overlapping frames", "[filter][overlap]") {
    check_bank_overlap<16>();
    check_bank_overlap<32>();
}

TEMPLATE_TEST_CASE("fir_decimator on overlapping spans", "[filter][overlap]", float, nerve::q15) {
    using T = TestType;
    using nerve::filter::fir_decimator;
    const fir_decimator<T, 64, 8> proto(nerve::filter::firwin_lowpass<64>(1.0 / 8.0));
    T* x = as<T>(signal);
    for (std::size_t i = 0; i < n_samples; ++i) x[i] = sample<T>(i);
    T* buf = as<T>(buffer);
    for (std::size_t d : {std::size_t{0}, std::size_t{1}, max_shift}) {
        std::memcpy(buf + d, x, n_samples * sizeof(T));
        auto f = proto, r = proto;
        std::size_t kept = 0;
        NERVE_REQUIRE_NO_ALLOC(kept = f.process(std::span<const T>(buf + d, n_samples), std::span<T>(buf, n_samples)));
        std::size_t k = 0;
        for (std::size_t i = 0; i < n_samples; ++i)
            r.push(x[i], [&](const T& y) {
                INFO("behind by " << d << ", output " << k);
                REQUIRE(same_bits(y, buf[k]));
                ++k;
            });
        REQUIRE(kept == k);
    }
    for (std::size_t d : {std::size_t{1}, std::size_t{9}}) {
        std::memcpy(buf, x, n_samples * sizeof(T));
        auto f = proto, r = proto;
        REQUIRE(f.process(std::span<const T>(buf, n_samples), std::span<T>(buf + d, n_samples)) == 0);
        REQUIRE(std::memcmp(buf, x, n_samples * sizeof(T)) == 0);
        T* a = as<T>(reference);
        REQUIRE(f.process(std::span<const T>(x, 200), std::span<T>(a, 25)) == 25);
        REQUIRE(r.process(std::span<const T>(x, 200), std::span<T>(buf, 25)) == 25);
        REQUIRE(std::memcmp(a, buf, 25 * sizeof(T)) == 0);
    }
}
