// nerve/filter/fir_decimator.hpp — decimating FIR: low-pass filter, keep every M-th output.
//
// y[k] = sum_j h[j] x[kM - j], exactly scipy.signal.upfirdn(h, x, up=1, down=M): the first
// input produces the first output, then every M-th input does. Only the kept outputs are
// computed (the polyphase saving: Taps multiply-adds per *output*, Taps/M per input); the
// other inputs only enter the delay line.
//
// General operator: push(x, emit) calls emit(y) on every M-th input. Block path
// `std::size_t process(std::span<const T> in, std::span<T> out)` writes the outputs of a
// whole block (at most in.size() / M + 1 of them) and returns how many; with xsimd it
// computes W kept outputs at a time with the tap vectors held in registers and one
// transpose-add per group (fir.hpp, detail::fir_block_strided and detail::reduce_rows).
//
// Default taps (default constructor): firwin_lowpass<Taps>(1/M), Hamming window (scipy
// firwin's default; cutoff at the new Nyquist frequency).
//
// Arithmetic and bad input: as nerve::filter::fir — a NaN/Inf input is replaced by the last
// finite input and counted in rejected(); fixed point (q15/q31) accumulates in int64 and
// saturates on output.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "fir.hpp"
#include "fir_design.hpp"

namespace nerve::filter {

template <sample_type T, std::size_t Taps, std::size_t M>
class fir_decimator {
    static_assert(Taps >= 1, "a FIR filter needs at least one tap");
    static_assert(M >= 1, "decimation factor must be at least 1");

public:
    using input_type = T;
    using output_type = T;
    static constexpr std::size_t taps = Taps;
    static constexpr std::size_t factor = M;

    /// Anti-alias low-pass firwin(Taps, 1/M) with a Hamming window.
    fir_decimator() noexcept : fir_decimator(firwin_lowpass<Taps>(1.0 / static_cast<double>(M))) {}

    explicit fir_decimator(const std::array<T, Taps>& h, fir_symmetry sym = fir_symmetry::detect) noexcept {
        set_taps(h, sym);
    }
    template <class U>
        requires(std::is_floating_point_v<U> && !std::is_same_v<U, T>)
    explicit fir_decimator(const std::array<U, Taps>& h, fir_symmetry sym = fir_symmetry::detect) noexcept {
        std::array<T, Taps> t{};
        for (std::size_t i = 0; i < Taps; ++i) t[i] = nerve::from_double<T>(static_cast<double>(h[i]));
        set_taps(t, sym);
    }

    void set_taps(const std::array<T, Taps>& h, fir_symmetry sym = fir_symmetry::detect) noexcept {
        for (std::size_t j = 0; j < Taps; ++j) hr_[j] = h[Taps - 1 - j];
        symmetric_ = sym == fir_symmetry::symmetric;
        if (sym == fir_symmetry::detect) {
            symmetric_ = true;
            for (std::size_t j = 0; j < Taps / 2; ++j)
                if (!(h[j] == h[Taps - 1 - j])) symmetric_ = false;
        }
    }

    /// Pushes one input; every M-th call (starting with the first) emits one output.
    template <class Emit>
    void push(const T& x_in, Emit&& emit) {
        const T x = guard_(x_in);
        pos_ = (pos_ + 1 == Taps) ? 0 : pos_ + 1;
        delay_[pos_] = x;
        delay_[pos_ + Taps] = x;
        if (phase_ == 0) emit(detail::fir_dot<T, Taps>(hr_.data(), delay_.data() + pos_ + 1, symmetric_));
        phase_ = (phase_ + 1 == M) ? 0 : phase_ + 1;
    }

    /// Decimates a block: writes the outputs to `out` (which must hold in.size() / M + 1)
    /// and returns how many were written.
    std::size_t process(std::span<const T> in, std::span<T> out) noexcept {
        const std::size_t n = in.size();
        const std::size_t first = (M - phase_) % M;  // block index of the first kept input
        const std::size_t kept = first < n ? (n - first + M - 1) / M : 0;
        NERVE_ASSERT(out.size() >= kept);
        if (n < Taps || detail::overlaps(in.data(), n, static_cast<const T*>(out.data()), kept) ||
            detail::any_non_finite(in.data(), n)) {
            std::size_t w = 0;
            for (const T& x : in) push(x, [&](const T& y) { out[w++] = y; });
            return w;
        }
        constexpr std::size_t H = Taps - 1;
        // Linear history (last H samples, oldest first) followed by the first H inputs.
        std::copy(delay_.begin() + pos_ + 2, delay_.begin() + pos_ + 1 + Taps, delay_.begin());
        std::copy(in.begin(), in.begin() + H, delay_.begin() + H);
        // Kept inputs with block index i < H read delay_[i .. i + Taps); the others in[i - H ..].
        const std::size_t pro = first < H ? (H - first + M - 1) / M : 0;
        detail::fir_block_strided<T, Taps, M>(hr_.data(), delay_.data() + first, out.data(), pro, symmetric_);
        const std::size_t i1 = first + pro * M;  // first kept index >= H
        detail::fir_block_strided<T, Taps, M>(hr_.data(), in.data() + (i1 - H), out.data() + pro, kept - pro,
                                              symmetric_);
        std::copy(in.end() - Taps, in.end(), delay_.begin());
        std::copy(in.end() - Taps, in.end(), delay_.begin() + Taps);
        pos_ = Taps - 1;
        phase_ = static_cast<std::uint32_t>((phase_ + n) % M);
        guard_.mark_good(in[n - 1]);
        return kept;
    }

    void reset() noexcept {
        delay_.fill(T{});
        pos_ = 0;
        phase_ = 0;
        guard_.reset();
    }

    std::uint32_t rejected() const noexcept { return guard_.rejected(); }
    bool symmetric() const noexcept { return symmetric_; }

    template <class V>
    void visit_state(V& v) {
        v(delay_);
        v(pos_);
        v(phase_);
        v(guard_);
    }
    /// For nerve::restore: indices past their ranges are refused.
    bool state_is_valid() const noexcept { return pos_ < Taps && phase_ < M; }

private:
    static constexpr std::size_t simd_align = NERVE_HAS_XSIMD ? 64 : alignof(T);

    alignas(simd_align) std::array<T, Taps> hr_{};
    alignas(simd_align) std::array<T, 2 * Taps> delay_{};
    std::uint32_t pos_ = 0;
    std::uint32_t phase_ = 0;  // inputs since the last kept one, mod M; 0 = keep the next
    hold_last_good<T> guard_;  // bad input: hold the last good sample
    bool symmetric_ = false;
};

}  // namespace nerve::filter
