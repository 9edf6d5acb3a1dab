// nerve/filter/dc_blocker.hpp — removes the DC offset of a signal (a leaky differentiator).
#pragma once

#include <cstdint>
#include <numbers>

#include "../config.hpp"
#include "../core/fixed_point.hpp"
#include "../core/numeric.hpp"
#include "../core/units.hpp"

namespace nerve::filter {

/// y[n] = x[n] - x[n-1] + r y[n-1]: a zero at DC and a pole at r just inside the unit circle,
/// so the -3 dB corner sits near (1 - r) fs / (2 pi). r = 0.995 at 1 kHz: about 0.8 Hz.
///
/// Fixed point: the recursion runs in Q31 whatever the sample type, with an int64 product,
/// because in Q15 the rounding of r y[n-1] would leave a residual offset of several LSB.
/// The output saturates (a full-scale step briefly doubles the amplitude).
///
/// The first sample primes x[n-1], so a signal that starts with an offset starts at 0
/// rather than with a full-size step.
///
/// Bad input: NaN/Inf samples are rejected (counted in rejected()) and treated as a repeat of
/// the last good sample, so the state never becomes non-finite.
template <sample_type T = float>
class dc_blocker {
    using state_t = state_type_t<T>;

public:
    using input_type = T;
    using output_type = T;

    constexpr dc_blocker() noexcept : dc_blocker(0.995) {}
    /// r in (0, 1): the pole radius; closer to 1 means a lower corner frequency.
    constexpr explicit dc_blocker(double r) noexcept : r_(from_double<state_t>(r)) {
        NERVE_ASSERT(r > 0.0 && r < 1.0);
    }
    /// Corner frequency `fc` at sampling rate `fs` (r = 1 - 2 pi fc / fs).
    constexpr dc_blocker(hertz fc, sample_rate fs) noexcept
        : dc_blocker(1.0 - 2.0 * std::numbers::pi * fc.value / fs.value) {}

    constexpr output_type operator()(input_type x) noexcept {
        state_t xs;
        if (!is_finite(x)) {
            ++rejected_;
            xs = x1_;
        } else {
            xs = convert_sample<state_t>(x);
            if (!primed_) { x1_ = xs; primed_ = true; }
        }
        if constexpr (is_fixed_point_v<state_t>) {
            const std::int64_t diff = static_cast<std::int64_t>(xs.raw) - x1_.raw;
            const std::int64_t fb = (static_cast<std::int64_t>(r_.raw) * y1_.raw + (std::int64_t{1} << 30)) >> 31;
            y1_ = state_t::from_raw(nerve::detail::saturate<std::int32_t>(diff + fb));
        } else {
            y1_ = xs - x1_ + r_ * y1_;
        }
        x1_ = xs;
        return convert_sample<T>(y1_);
    }

    constexpr void reset() noexcept { x1_ = state_t{}; y1_ = state_t{}; primed_ = false; rejected_ = 0; }
    constexpr std::uint32_t rejected() const noexcept { return rejected_; }

    template <class V>
    constexpr void visit_state(V& v) { v(x1_); v(y1_); v(primed_); v(rejected_); }

private:
    state_t r_;
    state_t x1_{};
    state_t y1_{};
    bool primed_ = false;
    std::uint32_t rejected_ = 0;
};

}  // namespace nerve::filter
