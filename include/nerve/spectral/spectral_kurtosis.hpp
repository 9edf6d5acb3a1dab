// nerve/spectral/spectral_kurtosis.hpp — STFT-based spectral kurtosis (Antoni, 2006).
//
//   auto p = framer<256, 64>{} | rfft<256>{window::hann, fs} | spectral_kurtosis<129>{64};
//   // emits a spectrum_view whose values are SK(f_k), kind = quantity::kurtosis
//
// Over M frames of complex STFT bins X_m[k] (the `bins` of rfft/stft output; a spectrum without
// complex bins is rejected):
//     SK[k] = M sum_m |X_m[k]|^4 / (sum_m |X_m[k]|^2)^2 - 2
// i.e. <|X|^4> / <|X|^2>^2 - 2: about 0 for stationary Gaussian noise, 1 at DC/Nyquist (real
// Gaussian bins), -1 for a pure stationary tone, and large where the signal is impulsive —
// the band to demodulate for a bearing fault (see envelope.hpp). The estimator is the plain
// (biased) one; its spread for Gaussian noise is about 2/sqrt(M).
// A bin with no energy reads 0. Emits after every M frames (M = 0: only on flush) and restarts.
//
// Bad input: NaN/Inf bins are rejected and counted, not accumulated.
#pragma once

#include <array>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <span>

#include "spectrum.hpp"

namespace nerve::spectral {

template <std::size_t Bins, class T = float>
class spectral_kurtosis {
public:
    using input_type = spectrum_view<T>;
    using output_type = spectrum_view<T>;

    constexpr explicit spectral_kurtosis(std::size_t frames = 0) noexcept : frames_(frames) {}

    template <class Emit>
    void push(const input_type& s, Emit&& emit) {
        if (!accumulate(s)) return;
        if (frames_ != 0 && count_ >= frames_) flush(emit);
    }

    bool accumulate(const input_type& s) noexcept {
        const std::size_t n = s.bins.size();
        if (n == 0 || n > Bins) { ++rejected_; return false; }
        double total = 0.0;
        for (std::size_t k = 0; k < n; ++k) total += static_cast<double>(std::norm(s.bins[k]));
        if (!(total - total == 0.0)) { ++rejected_; return false; }
        if (count_ != 0 && n != size_) count_ = 0;
        if (count_ == 0) {
            size_ = n;
            meta_ = spectrum_info::of(s);
            s2_.fill(0.0);
            s4_.fill(0.0);
        }
        for (std::size_t k = 0; k < n; ++k) {
            const double p = static_cast<double>(std::norm(s.bins[k]));
            s2_[k] += p;
            s4_[k] += p * p;
        }
        ++count_;
        return true;
    }

    template <class Emit>
    void flush(Emit&& emit) {
        if (count_ == 0) return;
        emit(result());
        count_ = 0;
    }

    output_type result() noexcept {
        const double m = static_cast<double>(count_);
        for (std::size_t k = 0; k < size_; ++k) {
            out_[k] = s2_[k] > 0.0 ? static_cast<T>(m * s4_[k] / (s2_[k] * s2_[k]) - 2.0) : T(0);
        }
        output_type v = meta_.view(std::span<const T>{out_.data(), size_}, count_);
        v.kind = quantity::kurtosis;
        return v;
    }

    std::uint64_t frames() const noexcept { return count_; }
    std::uint64_t rejected() const noexcept { return rejected_; }
    void reset() noexcept { count_ = 0; rejected_ = 0; size_ = 0; s2_.fill(0.0); s4_.fill(0.0); }

    /// Refuses restored states that would index past the storage.
    bool state_is_valid() const noexcept { return size_ <= Bins && (count_ == 0 || size_ > 0); }

    template <class V>
    void visit_state(V& v) { v(s2_); v(s4_); v(meta_); v(count_); v(size_); v(rejected_); }

private:
    std::array<double, Bins> s2_{}, s4_{};
    std::array<T, Bins> out_{};
    spectrum_info meta_{};
    std::size_t frames_ = 0;
    std::size_t size_ = 0;
    std::uint64_t count_ = 0;
    std::uint64_t rejected_ = 0;
};

}  // namespace nerve::spectral
