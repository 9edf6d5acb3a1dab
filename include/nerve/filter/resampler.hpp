// nerve/filter/resampler.hpp — integer-ratio L/M sample-rate converter, polyphase.
//
// Streams what scipy.signal.resample_poly(x, L, M) computes (with padtype='constant'): the
// prototype h (Taps taps; by default firwin(2*10*max(L,M)+1, 1/max(L,M), window=('kaiser', 5.0))
// like resample_poly's) is scaled by L, preceded by n_pre_pad = M - half_len % M zeros
// (half_len = (Taps-1)/2) and applied as upfirdn(h, x, L, M) — only the kept outputs are
// computed, only taps that meet real (not zero-stuffed) inputs are multiplied. The stream is
// causal: resample_poly's output k is this operator's output k + `delay` (delay =
// (half_len + n_pre_pad) / M outputs), i.e. resample_poly drops the filter's latency, a stream
// cannot. Like resample_poly, user taps are also scaled by L.
//
// General operator: push(x, emit) emits 0..ceil(L/M) outputs; in total ceil(n L / M) outputs
// after n inputs. L and M must be coprime (reduce the ratio). Arithmetic and bad input as
// nerve::filter::fir (NaN/Inf replaced by the last finite input and counted; fixed point
// accumulates in int64 and saturates on output). Fixed-point taps keep the format's full
// precision with one more integer bit (q15: int32 Q15, q31: 33-bit Q31, range (-2, 2), so the
// scaled centre tap of 1.0006 fits): each tap within 1/2 LSB of the design; q15 and q31 outputs
// are the exactly rounded sums (tests/golden/interp_fixed.hpp, from numpy integer arithmetic).
// resample_poly's 3/2 sub-filters have a tap >= 1 or an L1 norm of 2.09 > 2, so q31 stores
// each tap split as 2 hi + lo and sums both parts exactly with SMLAL (detail::
// poly_dot_q31_split, bound proved there). Cortex-M4 instructions per input, 3/2 with 61 taps
// (21 per phase), bench/mcu/interp_fixed.cpp: q31 299 (int32 taps) -> 466 (33-bit taps, 64-bit
// products, guard bits) -> 219 (split taps, unrolled SMLAL kernel; 604 -> 352 modelled cycles);
// q15 188 -> 171. Float process() on a Cortex-M4F (detail::poly_block_m4f, 8 outputs of a
// sub-filter per pass): 128 -> 48.8 instructions, 320 -> 120 modelled cycles per input (push()
// before; bench/mcu/fir64_family.cpp); push() there sums in the kernel's order (the same bits
// as process()): 128 -> 133.5 instructions, 320 -> 260 cycles.
//
// Block process(): with SIMD (float/double) the polyphase engine vectorises across outputs of
// the same sub-filter (detail::polyphase_fir::block_simd: the input split into M streams, a
// broadcast tap times a contiguous vector per FMA, only the K = ceil(Taps/L) real taps per
// output); float results agree with push() to rounding (a different summation order).
// Loaded AVX-512 Xeon, 4096-sample blocks, push() -> process() side by side in one run: 3/2
// 89 -> 476 M input samples/s, 2/3 74 -> 460; 160/147 stays on push() at this block length
// (28 outputs per sub-filter; the kernel measured 113 -> 98) and runs 120 -> 227 M/s on
// 16384-sample blocks (bench/bench_resample.cpp). Since stop 45, with L and M up to 8 on AVX2 and
// AVX-512, the split into streams and the interleaving of the sub-filters' outputs are vector
// permutes (detail::gather_lanes) instead of one scalar load and store per sample, and when
// the sub-filters' windows lie within M - 1 inputs of each other (4 (M - 1) <= K) all of them
// run in one pass, so one stream vector load feeds up to L FMAs. Zen 5, nerve_bench
// resample/block against fma_peak/xsimd of the same run (2 K L / M flops per input), old and new
// builds alternated five times, medians: 3/2 0.17 -> 0.52 on AVX-512 (range 0.49-0.67; 0.26 ->
// 0.57 on AVX2), 2/3 0.10 -> 0.39 (0.37-0.51; AVX2 0.17 -> 0.59). Still short of 0.8: the two
// transposes cost about S permutes per S vectors (S = M in, L out), and on AVX-512 a stream
// vector at an arbitrary offset straddles two cache lines (64-byte aligned loads, timing only,
// read 10-25 % faster). Since stop 46, factors of at least the vector width W (L, M >= 16 floats
// on AVX-512, 8 on AVX2, 4 on SSE2 and NEON) that the permutes do not take split and interleave
// by W x W tile transposes, the sub-filters run several at a time (8 x 2 vectors on AVX-512),
// with M >= W the streams start on cache lines, and such ratios take the kernel from M W
// inputs (before: 2 M W, so 160/147 in 4096-sample blocks ran on push()). Old and new builds
// alternated three times, medians of the fraction of fma_peak/xsimd, AVX-512 / AVX2 / SSE2:
// 160/147 (4096) 0.03 -> 0.20 / 0.09 -> 0.32 / 0.13 -> 0.49, 147/160 0.03 -> 0.17 / 0.08 ->
// 0.27 / 0.14 -> 0.32, 25/32 0.09 -> 0.29 / 0.21 -> 0.50 / 0.46 -> 0.48, 160/147 on 16384
// samples 0.07 -> 0.21 / 0.08 -> 0.39 / 0.15 -> 0.38 (bench/bench_resample.cpp). Since stop 47
// neighbouring sub-filters share their stream loads and the tiles transpose by unpacks and
// block shuffles: stop 46's and stop 47's builds alternated six times, medians, AVX-512 / AVX2:
// 160/147 0.26 -> 0.30 / 0.33 -> 0.42, 147/160 0.23 -> 0.28 / 0.28 -> 0.35, 25/32 0.32 -> 0.44 /
// 0.44 -> 0.65, 160/147 on 16384 samples 0.26 -> 0.34 / 0.34 -> 0.47 (docs/performance.md).
// Since stop 50, ratios whose L the vector width divides, with M < L (160/147, 80/73 on AVX-512
// and AVX2; NEON too, unmeasured), build vectors of consecutive outputs instead
// (polyphase_fir::block_bcast: one broadcast input times a vector of per-lane taps per FMA, no
// split, transpose or interleave, the same bits). Five alternated runs, medians of the
// fraction of fma_peak/xsimd and of per-run ratios, AVX-512 / AVX2: 160/147 0.27 -> 0.39
// (1.29) / 0.44 -> 0.58 (1.32), on 16384 samples 0.32 -> 0.45 (1.37) / 0.50 -> 0.61 (1.21).
// Since stop 51, calls below those kernels' minimum (push() before for block_simd's ratios)
// take polyphase_fir::block_dots, one vector dot product per output: in calls of 256 inputs
// 147/160 0.04 -> 0.18 (AVX2 0.10 -> 0.32), 25/32 0.04 -> 0.21, 160/147 0.13 -> 0.17 (AVX2
// 0.21 -> 0.29) of fma_peak/xsimd (docs/performance.md).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <span>
#include <type_traits>

#include "fir_design.hpp"
#include "fir_interpolator.hpp"

namespace nerve::filter {

/// resample_poly's default prototype length for the ratio L/M.
template <std::size_t L, std::size_t M>
inline constexpr std::size_t resample_poly_taps = 2 * 10 * (L > M ? L : M) + 1;

template <sample_type T, std::size_t L, std::size_t M, std::size_t Taps = resample_poly_taps<L, M>>
class resampler {
    static_assert(L >= 1 && M >= 1, "resampling factors must be positive");
    static_assert(std::gcd(L, M) == 1, "reduce L/M to lowest terms (as resample_poly does)");
    static_assert(Taps >= 1);

public:
    using input_type = T;
    using output_type = T;
    static constexpr std::size_t up = L;
    static constexpr std::size_t down = M;
    static constexpr std::size_t taps = Taps;
    static constexpr std::size_t half_len = (Taps - 1) / 2;
    static constexpr std::size_t pre_pad = M - half_len % M;
    /// Outputs to drop to line up with scipy.signal.resample_poly.
    static constexpr std::size_t delay = (half_len + pre_pad) / M;

    /// resample_poly's default design: firwin(Taps, 1/max(L,M), ('kaiser', 5.0)) * L.
    resampler() noexcept
        : resampler(firwin_lowpass<Taps>(1.0 / static_cast<double>(L > M ? L : M), fir_window::kaiser(5.0))) {}

    /// Prototype taps (before the gain L, which is applied here as resample_poly does).
    explicit resampler(const std::array<double, Taps>& h) noexcept : pf_(padded(h)) {}
    template <class U>
        requires(!std::is_same_v<U, double> && (std::is_floating_point_v<U> || is_fixed_point_v<U>))
    explicit resampler(const std::array<U, Taps>& h) noexcept : pf_(padded(taps_as<double>(h))) {}

    template <class Emit>
    void push(const T& x, Emit&& emit) {
        pf_.push(x, emit);
    }

    /// Resamples a block; out must hold in.size() * L / M + 1 samples. Returns the count written.
    /// Same outputs as push() on each input (float: up to summation order, see the file comment).
    /// In place (out.data() == in.data()) works when L <= M; any other overlap is refused (0
    /// returned, nothing written, state unchanged; see polyphase_fir::process_block).
    std::size_t process(std::span<const T> in, std::span<T> out) noexcept {
        NERVE_ASSERT(out.size() >= pf_.outputs(in.size()));
        return pf_.process_block(in.data(), in.size(), out.data());
    }

    void reset() noexcept { pf_.reset(); }
    std::uint32_t rejected() const noexcept { return pf_.rejected(); }

    template <class V>
    void visit_state(V& v) {
        pf_.visit_state(v);
    }
    bool state_is_valid() const noexcept { return pf_.state_is_valid(); }

private:
    static constexpr std::size_t padded_len = pre_pad + Taps;

    static std::array<double, padded_len> padded(const std::array<double, Taps>& h) noexcept {
        std::array<double, padded_len> p{};
        for (std::size_t i = 0; i < Taps; ++i) p[pre_pad + i] = h[i] * static_cast<double>(L);
        return p;
    }

    detail::polyphase_fir<T, padded_len, L, M> pf_;
};

}  // namespace nerve::filter
