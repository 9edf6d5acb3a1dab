// nerve/spectral/spectrum_average.hpp — averages (or max-holds) successive spectra.
//
//   auto p = framer<8192, 4096>{} | envelope_spectrum<8192>{...} | spectrum_average<4097>{average::mean, 16};
//
// Welch's method applied to any spectrum stream: the mean (or per-bin maximum) of the values of
// K successive spectra (K = 0: only on flush). welch<N> is this fused with rfft; use this one to
// average what another operator produced (envelope spectra, spectral kurtosis, ...).
// Bins is the largest spectrum accepted; a spectrum whose size differs from the first one of
// the current average restarts the average.
//
// Bad input: a spectrum holding NaN or Inf is rejected and counted, not accumulated.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "spectrum.hpp"
#include "welch.hpp"

namespace nerve::spectral {

template <std::size_t Bins, class T = float>
class spectrum_average {
public:
    using input_type = spectrum_view<T>;
    using output_type = spectrum_view<T>;

    constexpr explicit spectrum_average(average a = average::mean, std::size_t segments = 0) noexcept
        : average_(a), segments_(segments) {}

    template <class Emit>
    void push(const input_type& s, Emit&& emit) {
        if (!accumulate(s)) return;
        if (segments_ != 0 && count_ >= segments_) flush(emit);
    }

    bool accumulate(const input_type& s) noexcept {
        const std::size_t n = s.size();
        if (n == 0 || n > Bins) { ++rejected_; return false; }
        double total = 0.0;
        for (std::size_t k = 0; k < n; ++k) total += static_cast<double>(s.values[k]);
        if (!(total - total == 0.0)) { ++rejected_; return false; }
        if (count_ != 0 && n != size_) count_ = 0;
        if (count_ == 0) {
            size_ = n;
            meta_ = spectrum_info::of(s);
            for (std::size_t k = 0; k < n; ++k) acc_[k] = static_cast<double>(s.values[k]);
        } else if (average_ == average::mean) {
            for (std::size_t k = 0; k < n; ++k) acc_[k] += static_cast<double>(s.values[k]);
        } else {
            for (std::size_t k = 0; k < n; ++k) {
                const double x = static_cast<double>(s.values[k]);
                if (x > acc_[k]) acc_[k] = x;
            }
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
        const double inv = average_ == average::mean && count_ > 0 ? 1.0 / static_cast<double>(count_) : 1.0;
        for (std::size_t k = 0; k < size_; ++k) out_[k] = static_cast<T>(acc_[k] * inv);
        output_type v = meta_.view(std::span<const T>{out_.data(), size_}, count_);
        return v;
    }

    std::uint64_t segments() const noexcept { return count_; }
    std::uint64_t rejected() const noexcept { return rejected_; }
    void reset() noexcept { count_ = 0; rejected_ = 0; size_ = 0; acc_.fill(0.0); }

    /// Refuses restored states that would index past the storage.
    bool state_is_valid() const noexcept { return size_ <= Bins && (count_ == 0 || size_ > 0); }

    template <class V>
    void visit_state(V& v) { v(acc_); v(meta_); v(count_); v(size_); v(rejected_); }

private:
    std::array<double, Bins> acc_{};
    std::array<T, Bins> out_{};
    spectrum_info meta_{};
    average average_ = average::mean;
    std::size_t segments_ = 0;
    std::size_t size_ = 0;
    std::uint64_t count_ = 0;
    std::uint64_t rejected_ = 0;
};

}  // namespace nerve::spectral
