// nerve/filter/lms.hpp — LMS / normalised LMS adaptive FIR filter.
//
// Input: a pair {x, desired}. The filter output y = sum_k w[k] x[n-k] estimates `desired`;
// the error e = desired - y drives the update w[k] += mu_n * e * x[n-k], where
// mu_n = mu (plain LMS) or mu / (eps + sum_k x[n-k]^2) (normalised LMS, the default: its
// step does not depend on the input power; stable for 0 < mu < 2). The operator returns e
// (lms_output::error, the default, e.g. for echo/noise cancellation) or y
// (lms_output::estimate). weights() exposes the identified impulse response (w[0] multiplies
// the newest sample), as CMSIS-DSP's arm_lms_norm does.
//
// Arithmetic: float/double throughout. q15/q31 (CMSIS-style): weights, delay line and the
// filter sum are fixed point (int64 accumulator, saturating output and error); the step mu_n * e
// is formed in float (the Cortex-M4F has a single-precision FPU) and each weight update
// w[k] += round(step * x[n-k]) saturates. The input energy for NLMS is an exact int64 running
// sum (q15) or a float running sum re-summed every Taps samples (float/double/q31).
//
// Bad input: a pair with a NaN/Inf x or desired is rejected and counted in rejected(): the
// state is left untouched and the previous output is returned. If the weights ever become
// non-finite (mu far too large), they are reset to zero and counted in diverged().
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "../config.hpp"
#include "../core/fixed_point.hpp"
#include "detail/fir_common.hpp"
#include "fir.hpp"

namespace nerve::filter {

template <class T>
struct lms_input {
    T x{};        // reference input
    T desired{};  // signal the filter output should match
};

enum class lms_output : std::uint8_t { error, estimate };

template <sample_type T, std::size_t Taps>
class lms {
    static_assert(Taps >= 1);

public:
    using input_type = lms_input<T>;
    using output_type = T;
    static constexpr std::size_t taps = Taps;

    struct config {
        double mu = 0.5;            // step size (NLMS: 0 < mu < 2)
        bool normalized = true;     // NLMS
        double eps = 1e-6;          // NLMS regulariser, in units of x^2
        lms_output output = lms_output::error;
    };

    lms() noexcept : lms(config{}) {}
    explicit lms(const config& c) noexcept : cfg_(c) {
        mu_ = static_cast<step_type>(c.mu);
        eps_ = static_cast<step_type>(c.eps);
    }

    T operator()(const lms_input<T>& in) noexcept {
        if constexpr (std::is_floating_point_v<T>) {
            if (NERVE_UNLIKELY(!detail::is_finite(in.x) || !detail::is_finite(in.desired))) {
                ++rejected_;
                return last_out_;
            }
        }
        // Delay line (double length: the window is contiguous, oldest first).
        const T leaving = delay_[pos_ + 1];  // oldest sample, about to drop out of the window
        pos_ = (pos_ + 1 == Taps) ? 0 : pos_ + 1;
        delay_[pos_] = in.x;
        delay_[pos_ + Taps] = in.x;
        const T* w = delay_.data() + pos_ + 1;
        update_energy(in.x, leaving, w);

        const T y = detail::fir_dot<T, Taps>(wr_.data(), w, false);
        const T e = in.desired - y;  // saturating for fixed point

        step_type step = mu_ * to_step(e);
        if (cfg_.normalized) step = step / (eps_ + energy_as_step());
        adapt(step, w);
        last_out_ = cfg_.output == lms_output::error ? e : y;
        return last_out_;
    }

    /// Current weights, w[0] multiplying the newest sample.
    std::array<T, Taps> weights() const noexcept {
        std::array<T, Taps> h{};
        for (std::size_t k = 0; k < Taps; ++k) h[k] = wr_[Taps - 1 - k];
        return h;
    }
    void set_weights(const std::array<T, Taps>& h) noexcept {
        for (std::size_t k = 0; k < Taps; ++k) wr_[k] = h[Taps - 1 - k];
    }

    void reset() noexcept {
        wr_.fill(T{});
        delay_.fill(T{});
        pos_ = 0;
        energy_ = energy_type{};
        since_resum_ = 0;
        last_out_ = T{};
        rejected_ = 0;
        diverged_ = 0;
    }

    std::uint32_t rejected() const noexcept { return rejected_; }
    std::uint32_t diverged() const noexcept { return diverged_; }

    /// The weights adapt, so they are streaming state (unlike a fixed FIR's taps).
    template <class V>
    void visit_state(V& v) {
        v(wr_);
        v(delay_);
        v(pos_);
        v(energy_);
        v(since_resum_);
        v(last_out_);
        v(rejected_);
        v(diverged_);
    }
    bool state_is_valid() const noexcept { return pos_ < Taps && since_resum_ <= Taps; }

private:
    using step_type = std::conditional_t<std::is_same_v<T, double>, double, float>;
    using energy_type = std::conditional_t<std::is_same_v<T, q15>, std::int64_t, step_type>;

    static step_type to_step(T v) noexcept {
        if constexpr (std::is_floating_point_v<T>) return v; else return static_cast<step_type>(v.to_double());
    }

    void update_energy(T x, T leaving, const T* w) noexcept {
        if constexpr (std::is_same_v<T, q15>) {
            energy_ += static_cast<std::int32_t>(x.raw) * x.raw - static_cast<std::int32_t>(leaving.raw) * leaving.raw;
        } else {
            if (++since_resum_ >= Taps) {  // exact re-summation once per window: no drift
                since_resum_ = 0;
                step_type s = 0;
                for (std::size_t k = 0; k < Taps; ++k) s += to_step(w[k]) * to_step(w[k]);
                energy_ = s;
            } else {
                energy_ += to_step(x) * to_step(x) - to_step(leaving) * to_step(leaving);
            }
        }
    }

    step_type energy_as_step() const noexcept {
        if constexpr (std::is_same_v<T, q15>) {
            return static_cast<step_type>(energy_) * step_type(1.0 / (1 << 30));
        } else {
            return energy_ > 0 ? energy_ : step_type(0);
        }
    }

    void adapt(step_type step, const T* w) noexcept {
        if constexpr (std::is_floating_point_v<T>) {
            for (std::size_t k = 0; k < Taps; ++k) wr_[k] += step * w[k];
            bool ok = true;  // stop at the first non-finite weight
            for (std::size_t k = 0; k < Taps; ++k) {
                if (NERVE_UNLIKELY(!detail::is_finite(wr_[k]))) {
                    ok = false;
                    break;
                }
            }
            if (NERVE_UNLIKELY(!ok)) {
                ++diverged_;
                wr_.fill(T{});
            }
        } else {
            using raw = typename T::raw_type;
            using wide = typename T::wide_type;
            if (!(step == step)) return;  // NaN step (cannot happen with eps > 0): skip
            for (std::size_t k = 0; k < Taps; ++k) {
                // step * x in units of the raw LSB, rounded; saturating add.
                const step_type d = step * static_cast<step_type>(w[k].raw);
                const step_type lim = static_cast<step_type>(std::numeric_limits<raw>::max());
                const step_type dc = d > lim ? lim : (d < -lim ? -lim : d);
                const wide inc = static_cast<wide>(dc < 0 ? dc - step_type(0.5) : dc + step_type(0.5));
                wr_[k] = T::from_raw(nerve::detail::saturate<raw>(static_cast<std::int64_t>(wr_[k].raw) + inc));
            }
        }
    }

    config cfg_{};
    step_type mu_ = 0;
    step_type eps_ = 0;
    std::array<T, Taps> wr_{};         // weights, reversed (newest sample last)
    std::array<T, 2 * Taps> delay_{};  // double-length delay line
    std::uint32_t pos_ = 0;
    energy_type energy_{};             // sum of squares of the window
    std::uint32_t since_resum_ = 0;
    T last_out_{};
    std::uint32_t rejected_ = 0;
    std::uint32_t diverged_ = 0;
};

}  // namespace nerve::filter
