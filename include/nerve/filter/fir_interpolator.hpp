// nerve/filter/fir_interpolator.hpp — interpolating FIR (upsample by L, low-pass), polyphase.
//
// y[nL + p] = sum_i h[p + iL] x[n - i], exactly scipy.signal.upfirdn(h, x, up=L, down=1): the
// zero-stuffed samples are never multiplied; each input produces L outputs, output p using
// the sub-filter h[p], h[p+L], h[p+2L], ... (ceil(Taps/L) taps). Gain: as upfirdn, the taps are
// used as given, so for unity pass-band gain they must sum to L; the default constructor
// designs firwin_lowpass<Taps>(1/L) (Hamming) scaled by L.
//
// General operator: push(x, emit) calls emit L times. `process(in, out)` writes L * in.size()
// outputs; with SIMD (float/double) it filters the zero-stuffed block with the register-blocked
// FIR kernel (fir<float,64,4>: ~20 -> ~225 M input samples/s on an AVX-512 Xeon), equal to
// push() up to float summation order. Arithmetic and bad input as nerve::filter::fir (NaN/Inf replaced by the last finite
// input and counted; fixed point accumulates in int64 and saturates).
//
// detail::polyphase_fir<T, Len, L, M> is the engine shared with nerve::filter::resampler:
// integer-ratio L/M polyphase filtering of a Len-tap prototype.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "fir.hpp"
#include "fir_design.hpp"

namespace nerve::filter {
namespace detail {

/// upfirdn(h, x, L, M) computed on the fly: only outputs that are kept, only taps that meet
/// non-stuffed samples. State: a double-length delay line of K = ceil(Len / L) inputs and
/// the phase of the next output.
///
/// Fixed point: interpolation taps are around 1 (a resample_poly design for L >= M has a
/// centre tap of 1.0006), which q15/q31 cannot hold, so the fixed-point engine stores the
/// taps halved (one bit of headroom: taps in [-2, 2)) and doubles the sum on output.
template <sample_type T, std::size_t Len, std::size_t L, std::size_t M>
class polyphase_fir {
public:
    static constexpr std::size_t K = (Len + L - 1) / L;  // taps per phase
    static constexpr int coeff_shift = is_fixed_point_v<T> ? 1 : 0;

    polyphase_fir() noexcept = default;
    /// Taps in double (fixed point: halved before rounding, see above).
    explicit polyphase_fir(const std::array<double, Len>& h) noexcept { set_taps(h); }

    void set_taps(const std::array<double, Len>& h) noexcept {
        for (std::size_t p = 0; p < L; ++p)
            for (std::size_t j = 0; j < K; ++j) {
                const std::size_t i = K - 1 - j;  // reversed: window is oldest first
                const std::size_t idx = p + i * L;
                gr_[p][j] = idx < Len ? nerve::from_double<T>(h[idx] / double(1 << coeff_shift)) : T{};
            }
    }

    template <class Emit>
    NERVE_ALWAYS_INLINE void push(const T& x_in, Emit&& emit) {
        T x = x_in;
        x = guard_(x);
        pos_ = (pos_ + 1 == K) ? 0 : pos_ + 1;
        delay_[pos_] = x;
        delay_[pos_ + K] = x;
        const T* w = delay_.data() + pos_ + 1;
        while (phase_ < L) {
            if constexpr (is_fixed_point_v<T>) {
                emit(mac<T, K>::template finish_scaled<coeff_shift>(dot_scalar<T, K>(gr_[phase_].data(), w)));
            } else {
                emit(fir_dot<T, K>(gr_[phase_].data(), w, false));
            }
            phase_ += M;
        }
        phase_ -= L;
    }

    void reset() noexcept {
        delay_.fill(T{});
        pos_ = 0;
        phase_ = 0;
        guard_.reset();
    }
    std::uint32_t rejected() const noexcept { return guard_.rejected(); }

    /// For block paths: the last K inputs, oldest first, and the output phase.
    const T* window() const noexcept { return delay_.data() + pos_ + 1; }
    std::uint32_t phase() const noexcept { return phase_; }
    /// For block paths that consumed a block of finite inputs ending with last_k[0..K)
    /// (oldest first): the state push() would have reached (phase unchanged).
    void load_window(const T* last_k) noexcept {
        for (std::size_t j = 0; j < K; ++j) delay_[j] = delay_[j + K] = last_k[j];
        pos_ = K - 1;
        guard_.mark_good(last_k[K - 1]);
    }

    template <class V>
    void visit_state(V& v) {
        v(delay_);
        v(pos_);
        v(phase_);
        v(guard_);
    }
    bool state_is_valid() const noexcept { return pos_ < K && phase_ < M; }

private:
    std::array<std::array<T, K>, L> gr_{};  // per-phase sub-filters, reversed (configuration)
    std::array<T, 2 * K> delay_{};
    std::uint32_t pos_ = 0;
    std::uint32_t phase_ = 0;  // (index of next output) * M - (inputs so far) * L, in [0, M)
    hold_last_good<T> guard_;  // bad input: hold the last good sample
};

}  // namespace detail

template <sample_type T, std::size_t Taps, std::size_t L>
class fir_interpolator {
    static_assert(Taps >= 1 && L >= 1);

public:
    using input_type = T;
    using output_type = T;
    static constexpr std::size_t taps = Taps;
    static constexpr std::size_t factor = L;

    /// firwin_lowpass<Taps>(1/L), Hamming, scaled by L (unity pass-band gain).
    fir_interpolator() noexcept
        : fir_interpolator(firwin_lowpass<Taps>(1.0 / static_cast<double>(L), fir_window::hamming(),
                                                static_cast<double>(L))) {}
    /// Taps as given (upfirdn does not scale them). Fixed-point taps may lie in [-2, 2)
    /// when given as double/float.
    template <class U>
        requires(std::is_floating_point_v<U> || is_fixed_point_v<U>)
    explicit fir_interpolator(const std::array<U, Taps>& h) noexcept : pf_(to_double_array(h)) {
#if NERVE_HAS_XSIMD
        if constexpr (std::is_floating_point_v<T>) {
            const auto d = to_double_array(h);
            for (std::size_t j = 0; j < Taps; ++j) hr_[j] = nerve::from_double<T>(d[Taps - 1 - j]);
        }
#endif
    }

    /// Pushes one input; emits L outputs.
    template <class Emit>
    void push(const T& x, Emit&& emit) {
        pf_.push(x, emit);
    }

    /// Interpolates a block: writes L * in.size() outputs and returns that count.
    std::size_t process(std::span<const T> in, std::span<T> out) noexcept {
        NERVE_ASSERT(out.size() >= in.size() * L);
#if NERVE_HAS_XSIMD
        if constexpr (std::is_floating_point_v<T>) {
            const std::size_t n = in.size();
            if (n >= K && !detail::overlaps(in.data(), n, static_cast<const T*>(out.data()), n * L) &&
                !detail::any_non_finite(in.data(), n)) {
                process_stuffed(in.data(), n, out.data());
                return n * L;
            }
        }
#endif
        std::size_t w = 0;
        for (const T& x : in) pf_.push(x, [&](const T& y) { out[w++] = y; });
        return w;
    }

    void reset() noexcept { pf_.reset(); }
    std::uint32_t rejected() const noexcept { return pf_.rejected(); }

    template <class V>
    void visit_state(V& v) {
        pf_.visit_state(v);
    }
    bool state_is_valid() const noexcept { return pf_.state_is_valid(); }

private:
    static constexpr std::size_t K = detail::polyphase_fir<T, Taps, L, 1>::K;

#if NERVE_HAS_XSIMD
    // SIMD block path (float/double): the zero-stuffed input filtered by the prototype with
    // the register-blocked FIR kernel (detail::fir_block), chunk by chunk. It multiplies the
    // stuffed zeros too (L times the polyphase multiplies) but runs at the vector FMA rate,
    // where the per-sample polyphase dot products of K = Taps / L taps are too short to
    // vectorise. Same outputs up to float summation order (the zeros add exactly).
    void process_stuffed(const T* in, std::size_t n, T* out) noexcept {
        constexpr std::size_t chunk = 128;  // inputs per pass: stuffed buffer of Taps-1 + L*chunk
        constexpr std::size_t H = Taps - 1;
        alignas(64) T sb[H + L * chunk];
        const T* hist = pf_.window();  // x[-K .. -1]
        for (std::size_t n0 = 0; n0 < n; n0 += chunk) {
            const std::size_t c = n - n0 < chunk ? n - n0 : chunk;
            for (std::size_t r = 0; r < H + L * c; ++r) sb[r] = T(0);
            // Input ni sits at stuffed position r = (ni - n0) L + H; earliest ni: n0 - H / L.
            const std::ptrdiff_t first = static_cast<std::ptrdiff_t>(n0) - static_cast<std::ptrdiff_t>(H / L);
            for (std::ptrdiff_t ni = first; ni < static_cast<std::ptrdiff_t>(n0 + c); ++ni) {
                const std::size_t r = static_cast<std::size_t>((ni - static_cast<std::ptrdiff_t>(n0)) *
                                                                   static_cast<std::ptrdiff_t>(L) +
                                                               static_cast<std::ptrdiff_t>(H));
                sb[r] = ni >= 0 ? in[ni] : hist[static_cast<std::ptrdiff_t>(K) + ni];
            }
            detail::fir_block<T, Taps>(hr_.data(), sb, out + n0 * L, L * c, false);
        }
        pf_.load_window(in + n - K);
    }
#endif

    template <class U>
    static std::array<double, Taps> to_double_array(const std::array<U, Taps>& h) noexcept {
        std::array<double, Taps> d{};
        for (std::size_t i = 0; i < Taps; ++i) d[i] = nerve::to_double(h[i]);
        return d;
    }

    detail::polyphase_fir<T, Taps, L, 1> pf_;
#if NERVE_HAS_XSIMD
    // Prototype taps reversed and zero-padded to whole vectors (configuration, hosts only).
    alignas(64) std::array<T, std::is_floating_point_v<T> ? detail::padded_taps<T, Taps> : 1> hr_{};
#endif
};

}  // namespace nerve::filter
