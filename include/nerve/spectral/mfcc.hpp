// nerve/spectral/mfcc.hpp — mel-frequency cepstral coefficients from log-mel energies.
//
//   auto p = framer<512, 256>{} | rfft<512>{window::hann, 16.0_kHz}
//          | mel_filterbank<512, 40>{16.0_kHz, {.log = mel_log::decibel}}
//          | mfcc<40, 13>{};                       // emits std::span<const float, 13>
//
// The input is a frame of Bands log-mel energies (mel_filterbank with mel_log::natural or
// ::decibel: librosa.feature.mfcc takes decibels, Kaldi and TensorFlow natural logs; the choice
// scales every coefficient by 10 / ln 10 and nothing else). The output is the first Coeffs terms of
// its orthonormal DCT-II, scipy.fft.dct(x, type=2, norm="ortho"):
//     c_k = s_k sum_m x_m cos(pi k (2m + 1) / (2 Bands)),  s_0 = sqrt(1 / Bands), s_k = sqrt(2 / Bands),
// optionally liftered as librosa does, c_k *= 1 + (L / 2) sin(pi (k + 1) / L) (lifter L > 0; HTK and
// Kaldi's usual L = 22). The cosine table, with scale and lifter folded in, is built in the
// constructor (constexpr), so a frame costs Coeffs x Bands multiply-adds and the RAM is
// 4 Coeffs Bands bytes for float (2,080 B for 13 of 40).
//
// Bad input: a frame holding NaN or Inf (a linear-energy frame with zeros taken through a log
// without a floor, say) is rejected and counted; nothing is emitted and nothing else changes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "../config.hpp"
#include "../core/constexpr_math.hpp"

namespace nerve::spectral {

template <std::size_t Bands, std::size_t Coeffs, class T = float>
class mfcc {
    static_assert(Coeffs >= 1 && Coeffs <= Bands, "nerve::spectral::mfcc keeps 1 .. Bands coefficients");
    static_assert(std::is_floating_point_v<T>, "nerve::spectral::mfcc takes float or double log energies");

public:
    using input_type = std::span<const T, Bands>;
    using output_type = std::span<const T, Coeffs>;

    /// lifter: librosa's L (0: none).
    constexpr explicit mfcc(double lifter = 0.0) noexcept {
        for (std::size_t k = 0; k < Coeffs; ++k) {
            double scale = cmath::sqrt((k == 0 ? 1.0 : 2.0) / static_cast<double>(Bands));
            if (lifter > 0) scale *= 1.0 + lifter / 2 * cmath::sin(cmath::pi * static_cast<double>(k + 1) / lifter);
            for (std::size_t m = 0; m < Bands; ++m) {
                // cos(pi k (2m + 1) / (2 Bands)) as an exact fraction of a turn.
                const auto turn = static_cast<std::int64_t>((k * (2 * m + 1)) % (4 * Bands));
                basis_[k][m] = static_cast<T>(scale * cmath::cos_sin_2pi(turn, static_cast<std::int64_t>(4 * Bands)).c);
            }
        }
    }

    template <class Emit>
    void push(input_type x, Emit&& emit) {
        if (compute(x)) emit(output_type{out_});
    }

    /// Computes the coefficients of one frame into result(); false (and counted) if rejected.
    bool compute(input_type x) noexcept {
        T sum = 0;
        for (std::size_t m = 0; m < Bands; ++m) sum += x[m];
        if (!(sum - sum == T(0))) { ++rejected_; return false; }  // NaN or Inf (or an overflowing sum)
        for (std::size_t k = 0; k < Coeffs; ++k) {
            T c = 0;
            for (std::size_t m = 0; m < Bands; ++m) c += basis_[k][m] * x[m];
            out_[k] = c;
        }
        return true;
    }

    output_type result() const noexcept { return output_type{out_}; }
    std::uint64_t rejected() const noexcept { return rejected_; }
    void reset() noexcept { rejected_ = 0; out_.fill(T(0)); }

    template <class V>
    void visit_state(V& v) { v(rejected_); }

private:
    std::array<std::array<T, Bands>, Coeffs> basis_{};
    std::array<T, Coeffs> out_{};
    std::uint64_t rejected_ = 0;
};

}  // namespace nerve::spectral
