// nerve/pipelines/motor_current_monitor.hpp — the motor current reference pipeline: one stator
// phase current, sample by sample, to a rotor reading (spectral/motor_current.hpp) every few
// Welch segments.
//
//   nerve::pipelines::motor_current_monitor_config c;
//   c.fs_hz = 5000; c.motor = {50.0, 4}; c.rpm = 1460;            // 50 Hz supply, 4 poles, nameplate speed
//   static nerve::pipelines::motor_current_monitor<4096> m{c};   // .bss: no heap
//   m.push(amps, [](const auto& r) { ... r.condition() ... r.lower[0].db ... r.slip ... });
//
// Chain: an 8th-order elliptic low-pass (float sections; 0.1 dB ripple up to 2.1 f, unit gain at f,
// at least 90 dB down from 3.3 f), decimation by the largest power of two that keeps 6 samples per supply period
// (the sidebands and the eccentricity line lie under 2 f; fewer samples per second give finer bins
// for the same transform; what folds onto 0..2 f comes from 4 f or higher, 90 dB down: an 8th-order
// Butterworth at 2.5 f left a 4 % 5th harmonic's alias 77 dB under the line at 5 kHz), the
// filter's start-up (8 supply periods) left out, half-overlapping N-point Hann segments (mean
// removed), their Welch mean summed in float by spectral::compact_welch (in 1.5 N floats: the
// segment and the sums; framer | periodogram took 3.5 N, 58 kB at 4096 on a Cortex-M4), and
// motor_current<2> reading it. `segments` = K > 0 emits a reading after every K segments and
// restarts (the next reading's first segment overlaps the last one's by half); K = 0 reads only on
// flush(), e.g. at the end of a recording (what `nerve run motor` does).
//
// Resolution: bins are decimated_hz() / N. 4096 points at 5 kHz (factor 16, 312.5 Hz) give
// 0.076 Hz bins and a reading every (K + 1) x 6.6 s: enough for slips of 1.2 % and more on 50 Hz
// (sidebands 8 bins from the line); lighter loads want 8192 points (motor_current.hpp).
//
// Bad input: a NaN or Inf sample is held at the last finite value by the low-pass and counted
// (`held_samples()`); a rate it cannot run (none, or a supply under 1 Hz or past fs / 6) leaves
// the monitor inert (`valid()` false, nothing emitted); a speed or motor motor_current refuses
// gives readings with no line (`rotor_condition::no_line`).
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "../core/units.hpp"
#include "../filter/biquad.hpp"
#include "../filter/elliptic.hpp"
#include "../spectral/motor_current.hpp"
#include "../spectral/compact_welch.hpp"

namespace nerve::pipelines {

struct motor_current_monitor_config {
    double fs_hz = 0;                          ///< input sampling rate
    spectral::induction_motor motor{};         ///< supply frequency and poles
    double rpm = 0;                            ///< told speed: nameplate (full load) or measured
    double speed_tolerance = 0.02;             ///< how far below `rpm` the speed is searched
    std::size_t segments = 3;                  ///< Welch segments per reading (0: on flush() only)
};

/// The decimation factor for a current sampled at `fs_hz` on a `line_hz` supply: the largest power
/// of two, at most 1024, that keeps 6 samples per supply period (0 when fs_hz is under that).
constexpr std::size_t motor_current_decimation(double fs_hz, double line_hz) noexcept {
    if (!(line_hz >= 1.0) || !(fs_hz >= 6.0 * line_hz) || !(fs_hz < 1e9)) return 0;
    std::size_t factor = 1;
    while (factor < 1024 && fs_hz / static_cast<double>(2 * factor) >= 6.0 * line_hz) factor *= 2;
    return factor;
}

/// Decimated samples the monitor leaves out while its low-pass starts up: 8 supply periods.
inline std::size_t motor_current_settle(double decimated_hz, double line_hz) noexcept {
    return line_hz > 0 && decimated_hz > 0 ? static_cast<std::size_t>(std::ceil(8.0 * decimated_hz / line_hz)) : 0;
}

template <std::size_t N = 4096>
class motor_current_monitor {
    static_assert(N >= 256 && (N & (N - 1)) == 0, "motor_current_monitor needs a power-of-two transform of 256 points or more");

public:
    using input_type = float;
    using output_type = spectral::motor_current_report<2>;
    static constexpr std::size_t block = 64;   ///< samples the low-pass takes at a time in process()

    explicit motor_current_monitor(const motor_current_monitor_config& c) noexcept
        : config_(c),
          factor_(motor_current_decimation(c.fs_hz, c.motor.line_hz)),
          lowpass_(anti_alias(factor_ ? c.fs_hz : 1.0, factor_ ? c.motor.line_hz : 0.01)),
          welch_(sample_rate{factor_ ? c.fs_hz / static_cast<double>(factor_) : 1.0}, spectral::scaling::spectrum,
                 spectral::average::mean, c.segments),
          reader_(c.motor, hertz{c.rpm / 60.0}, c.speed_tolerance) {
        settle_ = motor_current_settle(decimated_hz(), c.motor.line_hz);
    }

    /// False when the configuration cannot run (see the file comment): nothing is then emitted.
    bool valid() const noexcept { return factor_ != 0; }

    template <class Emit>
    void push(float x, Emit&& emit) {
        if (factor_ == 0) return;
        const float y = lowpass_(x);
        if (++phase_ < factor_) return;
        phase_ = 0;
        decimated(y, emit);
    }

    /// The same as push() for each sample, with the low-pass run on blocks (its SIMD block path on hosts).
    template <class Emit>
    void process(std::span<const float> x, Emit&& emit) {
        if (factor_ == 0) return;
        for (std::size_t start = 0; start < x.size(); start += block) {
            const std::size_t n = x.size() - start < block ? x.size() - start : block;
            lowpass_.process(x.subspan(start, n), std::span<float>{filtered_.data(), n});
            // Every factor-th output, as push() keeps them (phase_ counts the outputs since the last
            // kept one); stepping by the factor instead of counting every sample (a quarter of
            // this function's time on x86 before).
            std::size_t i = factor_ - 1 - phase_;
            for (; i < n; i += factor_) decimated(filtered_[i], emit);
            phase_ = factor_ - 1 - (i - n);
        }
    }

    /// Reads the segments accumulated since the last reading, if any (a recording's end).
    template <class Emit>
    void flush(Emit&& emit) {
        welch_.flush([&](const spectral::spectrum_view<float>& s) { read(s, emit); });
    }

    const output_type& result() const noexcept { return reader_.result(); }
    /// The mean spectrum the last reading read (power, one-sided), valid from that reading until
    /// the next segment arrives (its sums restart then); empty before any reading.
    spectral::spectrum_view<float> spectrum() const noexcept { return welch_.estimate(); }
    double decimated_hz() const noexcept { return factor_ ? config_.fs_hz / static_cast<double>(factor_) : 0.0; }
    double bin_hz() const noexcept { return decimated_hz() / static_cast<double>(N); }
    std::size_t factor() const noexcept { return factor_; }
    /// Decimated samples before the first segment (the low-pass's start-up).
    std::size_t settle_samples() const noexcept { return settle_; }
    std::uint64_t held_samples() const noexcept { return lowpass_.rejected(); }
    std::uint64_t readings() const noexcept { return readings_; }
    /// Segments in the last reading.
    std::uint64_t segments_read() const noexcept { return segments_read_; }
    const motor_current_monitor_config& config() const noexcept { return config_; }

private:
    /// The elliptic design with unit gain at the supply (its pass-band ripple would read the line
    /// up to 0.1 dB low; relative to the line, the ripple moves a line within 0.2 f of it by -0.016
    /// to +0.074 dB and one up to 2 f by at most +0.085 dB: scipy's response of the same design at
    /// 2-25.6 kHz).
    static std::array<filter::sos_section<double>, 4> anti_alias(double fs, double line_hz) noexcept {
        auto sos = filter::elliptic_lowpass<8>(0.1, 90.0, hertz{2.1 * line_hz}, sample_rate{fs});
        const double gain = filter::sos_magnitude(sos, line_hz / fs);
        if (gain > 0) {
            sos[0].b0 /= gain;
            sos[0].b1 /= gain;
            sos[0].b2 /= gain;
        }
        return sos;
    }

    template <class Emit>
    void decimated(float y, Emit& emit) {
        if (settled_ < settle_) { ++settled_; return; }
        welch_.push(y, [&](const spectral::spectrum_view<float>& s) { read(s, emit); });
    }

    template <class Emit>
    void read(const spectral::spectrum_view<float>& s, Emit& emit) {
        segments_read_ = s.index;
        if (!reader_.compute(s)) return;
        ++readings_;
        emit(reader_.result());
    }

    motor_current_monitor_config config_;
    std::size_t factor_ = 0;
    // process() hands it 64 samples at a time: the 16-sample block engines, without the long-call
    // engine's tables (5.6 kB a stream with AVX-512; the same outputs for such calls).
    filter::biquad_cascade<float, 4, filter::call_length::short_calls> lowpass_;
    spectral::compact_welch<N, float> welch_;
    spectral::motor_current<2, float> reader_;
    std::array<float, block> filtered_{};
    std::size_t phase_ = 0, settle_ = 0, settled_ = 0;
    std::uint64_t readings_ = 0, segments_read_ = 0;
};

}  // namespace nerve::pipelines
