// biquad_cascade<float, S>::process on long blocks: on AVX-512 the time-segment engine
// (iir_detail::segment_engine, superblocks of 16 x 128 samples while a call has 2048 left, then
// 16 x 64) runs them for every S (the packed engines the rest of a call); its W-lane form
// (segment_engine_lanes) on NEON (4 x 128 while 512 are left, then 4 x 64) for S = 1..7 and on
// AVX2 + FMA without AVX-512 (8 x 128 while 1024 are left, then 8 x 64) for every S; elsewhere
// the other block paths do, and the same requirements hold, for both superblock sizes:
// - max |process - per-sample| <= 1e-5 max |y| (the bound biquad.hpp states for block paths);
// - no less accurate than the per-sample path against the double filter (within 2x + 1e-7);
// - calls of any length mixed with operator(), in place bit-identical to out of place;
// - bad input (NaN, Inf, overflow) inside a superblock: the same held inputs, counts and
//   resets as the per-sample path (overflow with S = 1, 2: the regrouped recurrence may not
//   overflow at all, and then must give the double filter's response); no allocation.
#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <span>

#include "nerve/filter/biquad.hpp"
#include "nerve/filter/butterworth.hpp"
#include "nerve/filter/chebyshev1.hpp"
#include "nerve/filter/rbj.hpp"

using namespace nerve::filter;

namespace {
constexpr std::size_t kN = 9000;

float seg_signal(std::size_t i) {
    const double t = static_cast<double>(i);
    return static_cast<float>(0.6 * std::sin(0.031 * t) + 0.3 * std::sin(0.7 * t + 1.0) + 0.1 * std::cos(2.9 * t) +
                              0.05 * static_cast<double>(static_cast<int>((i * 7919) % 61) - 30) / 30.0);
}

double max_abs(const float* a, std::size_t n) {
    double m = 0;
    for (std::size_t i = 0; i < n; ++i) m = std::fabs(a[i]) > m ? std::fabs(a[i]) : m;
    return m;
}

// S sections: `first` then pass-through sections (b0 = a0 = 1).
template <std::size_t S>
std::array<sos_section<double>, S> peak_sections(const std::array<sos_section<double>, 1>& first) {
    std::array<sos_section<double>, S> s{};
    s[0] = first[0];
    for (std::size_t k = 1; k < S; ++k) s[k] = {1.0, 0.0, 0.0, 1.0, 0.0, 0.0};
    return s;
}

// Superblock boundaries: short of one (1023: no superblock), exactly one, one and a bit,
// single samples through operator() in between, a long superblock and a short one in one call
// (3100 = 2048 + 1024 + 28), then the rest in one call.
constexpr std::size_t kLengths[] = {1023, 1, 1024, 1025, 0 /* 5 x operator() */, 2047, 16, 3100};

template <std::size_t S>
void run_calls(biquad_cascade<float, S>& f, const float* x, float* y, bool in_place) {
    std::size_t i = 0;
    auto call = [&](std::size_t len) {
        if (in_place) {
            for (std::size_t k = 0; k < len; ++k) y[i + k] = x[i + k];
            NERVE_REQUIRE_NO_ALLOC(f.process(std::span<const float>(y + i, len), std::span<float>(y + i, len)));
        } else {
            NERVE_REQUIRE_NO_ALLOC(f.process(std::span<const float>(x + i, len), std::span<float>(y + i, len)));
        }
        i += len;
    };
    for (std::size_t len : kLengths) {
        if (len == 0) {
            for (int k = 0; k < 5; ++k, ++i) y[i] = f(x[i]);
        } else {
            call(len);
        }
    }
    call(kN - i);
}

// One set of buffers for every S: a static set per instance of check_design costs 144 kB each,
// and the Cortex-M4 test program holds every filter test in its 4 MB of RAM.
struct design_buffers {
    float x[kN], y1[kN], y2[kN], y3[kN];
    double yd[kN];
};
design_buffers& shared_buffers() {
    static design_buffers b;
    return b;
}

template <std::size_t S>
void check_design(const std::array<sos_section<double>, S>& sos, const char* name) {
    auto& [x, y1, y2, y3, yd] = shared_buffers();
    for (std::size_t i = 0; i < kN; ++i) x[i] = seg_signal(i);
    biquad_cascade<float, S> ref{sos}, f{sos}, g{sos};
    biquad_cascade<double, S> d{sos};
    for (std::size_t i = 0; i < kN; ++i) {
        y1[i] = ref(x[i]);
        yd[i] = d(static_cast<double>(x[i]));
    }
    run_calls(f, x, y2, false);
    run_calls(g, x, y3, true);
    const double ymax = max_abs(y1, kN);
    double dmax = 0, e1 = 0, e2 = 0;
    for (std::size_t i = 0; i < kN; ++i) {
        REQUIRE(std::isfinite(y2[i]));
        dmax = std::fmax(dmax, std::fabs(static_cast<double>(y2[i]) - y1[i]));
        e1 = std::fmax(e1, std::fabs(y1[i] - yd[i]));
        e2 = std::fmax(e2, std::fabs(y2[i] - yd[i]));
    }
    INFO(name << " (S = " << S << "): max |process - per-sample| " << dmax << " of max |y| " << ymax
              << "; vs double: per-sample " << e1 << ", process " << e2);
    REQUIRE(ymax > 0.01);
    REQUIRE(dmax <= 1e-5 * ymax);
    REQUIRE(e2 <= 2 * e1 + 1e-7 * ymax);
    // In place runs the same operations on the same values.
    REQUIRE(std::memcmp(y2, y3, sizeof y2) == 0);
    REQUIRE(f.rejected() == 0);
    REQUIRE(f.resets() == 0);
    // The streaming state carries on: one more sample agrees too.
    const float next = seg_signal(kN);
    REQUIRE(std::fabs(f(next) - ref(next)) <= 1e-5 * ymax);
}
}  // namespace

TEST_CASE("long blocks agree with the per-sample path, S = 1..8 (segment engines on AVX-512, AVX2, NEON)",
          "[filter][biquad][block][segment]") {
    check_design(butterworth<2, band_type::lowpass>(0.05), "butterworth 2 low-pass 0.05");
    check_design(rbj_peaking(nerve::hertz{100.0}, 4.0, 12.0, nerve::sample_rate{1000.0}), "rbj peaking Q 4");
    check_design(rbj_lowpass(nerve::hertz{50.0}, 8.0, nerve::sample_rate{1000.0}), "rbj low-pass Q 8 (resonant)");
    check_design(butterworth<4, band_type::lowpass>(0.3), "butterworth 4 low-pass 0.3");
    check_design(chebyshev1<4, band_type::highpass>(0.5, 0.3), "chebyshev1 4 high-pass");
    check_design(butterworth<2, band_type::bandpass>(0.1, 0.14), "butterworth<2> band-pass 0.1-0.14");
    check_design(butterworth<16, band_type::lowpass>(0.3), "butterworth 16 low-pass 0.3");
    check_design(butterworth<8, band_type::bandpass>(0.1, 0.2), "butterworth<8> band-pass 0.1-0.2");
    // Fast poles: A^(8 L) of this one underflows float; the tables flush it to zero.
    check_design(butterworth<4, band_type::lowpass>(0.8), "butterworth 4 low-pass 0.8");
    // S = 3..7 (the packed engines' sizes, which take what is left of a call).
    check_design(butterworth<6, band_type::lowpass>(0.15), "butterworth 6 low-pass 0.15");
    check_design(butterworth<8, band_type::lowpass>(0.1), "butterworth 8 low-pass 0.1");
    check_design(chebyshev1<8, band_type::highpass>(0.5, 0.3), "chebyshev1 8 high-pass");
    check_design(butterworth<10, band_type::lowpass>(0.2), "butterworth 10 low-pass 0.2");
    check_design(butterworth<6, band_type::bandpass>(0.1, 0.3), "butterworth<6> band-pass 0.1-0.3");
    check_design(butterworth<14, band_type::lowpass>(0.25), "butterworth 14 low-pass 0.25");
}

namespace {
// S sections that carry their own gains (b0 != 1 after the first), as a user's equaliser chain
// does: the segment engine then runs its normalised numerators with scaled states (see
// segment_engine); Butterworth and Chebyshev designs have b0 = 1 there and scale by 1.
template <std::size_t S>
std::array<sos_section<double>, S> own_gain_sections() {
    const nerve::sample_rate fs{1000.0};
    // Moderate gains and Q: a chain of eight resonant ones (Q 8, +12 dB, 5 Hz high-pass) is
    // ill-conditioned in float, per-sample and block paths alike (each 1.6e-5 of max |y| from
    // double), beyond the 1e-5 agreement bound below.
    const std::array<sos_section<double>, 1> each[] = {
        rbj_lowpass(nerve::hertz{80.0}, 0.7, fs),          rbj_peaking(nerve::hertz{120.0}, 2.0, 6.0, fs),
        rbj_high_shelf(nerve::hertz{200.0}, 0.7, -6.0, fs), rbj_lowpass(nerve::hertz{150.0}, 1.0, fs),
        rbj_notch(nerve::hertz{60.0}, 2.0, fs),            rbj_low_shelf(nerve::hertz{30.0}, 0.7, 6.0, fs),
        rbj_peaking(nerve::hertz{300.0}, 2.0, -6.0, fs),   rbj_highpass(nerve::hertz{20.0}, 0.7, fs)};
    std::array<sos_section<double>, S> s{};
    for (std::size_t k = 0; k < S; ++k) s[k] = each[k][0];
    return s;
}
}  // namespace

TEST_CASE("long blocks of sections with their own gains, and with b0 = 0 after the first",
          "[filter][biquad][block][segment]") {
    check_design(own_gain_sections<2>(), "rbj low-pass, peaking");
    check_design(own_gain_sections<3>(), "rbj low-pass, peaking, high shelf");
    check_design(own_gain_sections<4>(), "rbj chain of 4");
    check_design(own_gain_sections<6>(), "rbj chain of 6");
    check_design(own_gain_sections<5>(), "rbj chain of 5");
    check_design(own_gain_sections<7>(), "rbj chain of 7");
    // A pure delay (b = 0 1 0) cannot be normalised: the engine keeps the plain numerators.
    auto delayed = own_gain_sections<3>();
    delayed[1] = {0.0, 1.0, 0.0, 1.0, 0.0, 0.0};
    check_design(delayed, "rbj low-pass, delay, high shelf");
}

TEST_CASE("long blocks: zero input gives exact zeros, an impulse its response", "[filter][biquad][segment]") {
    static float x[2048], y[2048], r[2048];
    biquad_cascade<float, 2> f{butterworth<4, band_type::lowpass>(0.1)}, ref = f;
    NERVE_REQUIRE_NO_ALLOC(f.process(std::span<const float>(x), std::span<float>(y)));
    for (float v : y) REQUIRE(v == 0.0f);
    // An impulse in the middle of a segment late in the superblock (16 x 128: segment 7): the
    // segments before it stay zero, the ones after it start from the state the prefix carries
    // across lanes.
    x[1000] = 1.0f;
    f.process(std::span<const float>(x), std::span<float>(y));
    for (std::size_t i = 0; i < 2048; ++i) r[i] = ref(x[i]);
    const double ymax = max_abs(r, 2048);
    for (std::size_t i = 0; i < 1000; ++i) REQUIRE(y[i] == 0.0f);
    for (std::size_t i = 0; i < 2048; ++i) REQUIRE(std::fabs(y[i] - r[i]) <= 1e-5 * ymax);
}

TEST_CASE("long blocks with NaN, Inf and overflow: per-sample behaviour, counts and resets",
          "[filter][biquad][segment][bad-input]") {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();
    static float x[4096], y[4096], io[4096], r[4096];
    // One call of 4096 (two superblocks of 16 x 128) and calls of 1024 (four of 16 x 64).
    auto check = [&](auto proto) {
        for (const std::size_t call : {std::size_t{4096}, std::size_t{1024}}) {
            INFO("calls of " << call);
            auto f = proto, g = proto, ref = proto;
            for (std::size_t i = 0; i < 4096; ++i) x[i] = seg_signal(i);
            x[1500] = nan;  // second superblock of 1024 (segment 7), first of 2048 (segment 11)
            x[3100] = inf;  // fourth of 1024, second of 2048
            x[3101] = -inf;
            for (std::size_t i = 0; i < 4096; ++i) r[i] = ref(x[i]);
            std::memcpy(io, x, sizeof x);
            for (std::size_t i = 0; i < 4096; i += call) {
                NERVE_REQUIRE_NO_ALLOC(f.process(std::span<const float>(x + i, call), std::span<float>(y + i, call)));
                NERVE_REQUIRE_NO_ALLOC(g.process(std::span<const float>(io + i, call), std::span<float>(io + i, call)));
            }
            REQUIRE(ref.rejected() == 3);
            REQUIRE(f.rejected() == 3);
            REQUIRE(g.rejected() == 3);
            const double ymax = max_abs(r, 4096);
            for (std::size_t i = 0; i < 4096; ++i) {
                INFO("sample " << i);
                REQUIRE(std::fabs(y[i] - r[i]) <= 1e-5 * ymax);
                REQUIRE(std::memcmp(&y[i], &io[i], sizeof(float)) == 0);
            }
        }
    };
    check(biquad_cascade<float, 1>{rbj_lowpass(nerve::hertz{50.0}, 2.0, nerve::sample_rate{1000.0})});
    check(biquad_cascade<float, 2>{butterworth<4, band_type::lowpass>(0.2)});
    check(biquad_cascade<float, 8>{butterworth<16, band_type::lowpass>(0.3)});
    check(biquad_cascade<float, 4>{butterworth<8, band_type::lowpass>(0.1)});
    check(biquad_cascade<float, 3>{butterworth<6, band_type::lowpass>(0.15)});
    check(biquad_cascade<float, 7>{butterworth<14, band_type::lowpass>(0.25)});
    check(biquad_cascade<float, 4>{own_gain_sections<4>()});

    // Finite but huge input overflows a resonant section inside the first superblock (the
    // per-sample DF2T step overflows in s1 = na1 y + (b1 x + s2) and resets 16 times).
    // - S = 3..8 (DF2T in the segment engine): its sums overflow too, so the superblock is redone
    //   sample by sample from the same (zero) state and resets exactly as operator(); so do the
    //   exact per-sample paths (Cortex-M4F, no SIMD).
    // - S = 1, 2 on the segment engines run DF2T regrouped (s1' = na1 s1 + (na2 s1_prev + (c1 x +
    //   c2 x_prev))): c1 = b1 + na1 b0 is small, nothing overflows, and the output must then be
    //   the filter's true response: within 1e-5 of max |y| of the double filter, no reset.
    // - The 16-sample block engine may absorb the burst too (its sums differ): finiteness.
    constexpr bool same_resets = NERVE_IIR_ARM_M4F || !NERVE_HAS_XSIMD;
    constexpr bool segments = NERVE_IIR_SEGMENTS;
    // The superblock that holds the burst, redone per sample: the whole call on AVX-512 (2048 =
    // 16 x 128, 1024 = 16 x 64), its first 8 x 128 on AVX2, 4 x 128 on NEON; the rest of the
    // call runs the engine.
    auto redone = [](std::size_t call) {
        return NERVE_IIR_LANES_NEON ? std::size_t{512} : NERVE_IIR_SEGMENTS_AVX2 ? std::size_t{1024} : call;
    };
    const auto peak = rbj_peaking(nerve::hertz{50.0}, 8.0, 20.0, nerve::sample_rate{1000.0});
    static float big[2048], o1[2048], o2[2048];
    static double od[2048];
    for (std::size_t k = 0; k < 2048; ++k) big[k] = k < 32 ? ((k % 2) ? 3e38f : -3e38f) : seg_signal(k);
    // One call of 2048 (one superblock of 16 x 128) or two of 1024 (16 x 64 each).
    auto burst_in_calls = [&](auto proto, bool resets_like_operator, bool absorbs, std::size_t call) {
        INFO("calls of " << call);
        auto p = proto, q = proto;
        for (std::size_t k = 0; k < 2048; ++k) o1[k] = p(big[k]);
        for (std::size_t k = 0; k < 2048; k += call)
            NERVE_REQUIRE_NO_ALLOC(q.process(std::span<const float>(big + k, call), std::span<float>(o2 + k, call)));
        REQUIRE(p.resets() > 0);
        for (float v : o2) REQUIRE(std::isfinite(v));
        if (resets_like_operator) {
            REQUIRE(q.resets() == p.resets());
            const std::size_t same = redone(call);
            REQUIRE(std::memcmp(o1, o2, same * sizeof(float)) == 0);  // the redone superblock
            if (same < 2048) {
                const double ymax = max_abs(o1 + same, 2048 - same);
                for (std::size_t k = same; k < 2048; ++k) REQUIRE(std::fabs(o1[k] - o2[k]) <= 1e-5 * ymax);
            }
        }
        if (absorbs) {
            biquad_cascade<double, decltype(proto)::sections> d{peak_sections<decltype(proto)::sections>(peak)};
            double dmax = 0;
            for (std::size_t k = 0; k < 2048; ++k) od[k] = d(static_cast<double>(big[k])), dmax = std::fmax(dmax, std::fabs(od[k]));
            REQUIRE(q.resets() == 0);
            for (std::size_t k = 0; k < 2048; ++k) {
                INFO("sample " << k);
                REQUIRE(std::fabs(o2[k] - od[k]) <= 1e-5 * dmax);
            }
        }
    };
    auto burst = [&](auto proto, bool resets_like_operator, bool absorbs) {
        burst_in_calls(proto, resets_like_operator, absorbs, 2048);
        burst_in_calls(proto, resets_like_operator, absorbs, 1024);
    };
    // S = 8 on NEON: the lanes engine, whose overflowed run is redone per sample, the same bits.
    burst(biquad_cascade<float, 1>{peak}, same_resets, segments && !same_resets);
    burst(biquad_cascade<float, 8>{peak_sections<8>(peak)}, same_resets || segments, false);
    burst(biquad_cascade<float, 4>{peak_sections<4>(peak)}, same_resets || segments, false);
}

TEST_CASE("call_length::short_calls leaves the segment tables out and gives the same outputs in short calls",
          "[filter][biquad][segment]") {
    const auto sos = butterworth<4, band_type::lowpass>(0.1);
    biquad_cascade<float, 2> full{sos};
    biquad_cascade<float, 2, call_length::short_calls> lean{sos};
    static float x[4000], y_full[4000], y_lean[4000];
    for (std::size_t i = 0; i < 4000; ++i) x[i] = seg_signal(i);
    for (std::size_t i = 0; i < 4000; i += 32) {  // a detector's runs: no segment engine either way
        full.process(std::span<const float>(x + i, 32), std::span<float>(y_full + i, 32));
        NERVE_REQUIRE_NO_ALLOC(lean.process(std::span<const float>(x + i, 32), std::span<float>(y_lean + i, 32)));
    }
    REQUIRE(std::memcmp(y_full, y_lean, sizeof y_full) == 0);
    // The tables: 128 x 4 + 5 x 16 floats (2368 bytes) where a segment engine exists.
    if constexpr (NERVE_IIR_SEGMENTS) {
        REQUIRE(sizeof(lean) + 2368 <= sizeof(full));
    } else {
        REQUIRE(sizeof(lean) == sizeof(full));
    }
}
