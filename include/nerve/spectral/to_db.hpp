// nerve/spectral/to_db.hpp — a spectrum in decibels: 10 log10(max(value, floor)).
//
//   auto p = framer<1024, 512>{} | welch<1024>{window::hann, fs, scaling::spectrum, average::max_hold, 8}
//          | to_db<513>{};
//
// Bins is the largest spectrum it accepts (N/2 + 1); longer inputs are rejected. The output
// keeps bin_hz/ENBW/index of the input, kind = quantity::decibel, and no complex bins.
// The floor (default 1e-20, i.e. -200 dB) keeps zero power finite.
//
// Bad input: NaN in the input is rejected and counted (nothing emitted); +Inf stays +Inf.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

#include "spectrum.hpp"

namespace nerve::spectral {

template <std::size_t Bins, class T = float>
class to_db {
public:
    using input_type = spectrum_view<T>;
    using output_type = spectrum_view<T>;

    constexpr explicit to_db(double floor = 1e-20) noexcept : floor_(floor) {}

    template <class Emit>
    void push(const input_type& s, Emit&& emit) {
        if (compute(s)) emit(static_cast<const output_type&>(view_));
    }

    bool compute(const input_type& s) noexcept {
        if (s.size() > Bins) { ++rejected_; return false; }
        for (std::size_t k = 0; k < s.size(); ++k) {
            if (s.values[k] != s.values[k]) { ++rejected_; return false; }
        }
        const T fl = static_cast<T>(floor_);
        for (std::size_t k = 0; k < s.size(); ++k) {
            const T v = s.values[k] > fl ? s.values[k] : fl;
            out_[k] = T(10) * std::log10(v);
        }
        view_ = s;
        view_.values = std::span<const T>{out_.data(), s.size()};
        view_.bins = {};
        view_.kind = quantity::decibel;
        return true;
    }

    const output_type& result() const noexcept { return view_; }
    std::uint64_t rejected() const noexcept { return rejected_; }
    void reset() noexcept { rejected_ = 0; view_ = {}; }

    template <class V>
    void visit_state(V& v) { v(rejected_); }

private:
    double floor_ = 1e-20;
    std::array<T, Bins> out_{};
    output_type view_{};
    std::uint64_t rejected_ = 0;
};

}  // namespace nerve::spectral
