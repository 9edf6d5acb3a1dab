// nerve/stats/vibration_severity.hpp — broadband vibration severity from an accelerometer: RMS
// velocity over a band (ISO 10816: 10-1000 Hz; 2-1000 Hz for machines below
// 600 rpm) and its evaluation zone A-D, the first number a maintenance engineer reads.
//
//   nerve::stats::vibration_severity_config c;
//   c.fs_hz = 25600; c.unit_m_s2 = 9.80665;              // samples in g
//   c.limits = nerve::stats::iso10816::group2_rigid;      // 15-300 kW, rigid foundation
//   nerve::stats::vibration_severity<> s{c};
//   s.process(block, [](const nerve::stats::severity_reading& r) { r.velocity_rms; r.zone; });
//
// Path: acceleration -> filter::vibration_integrator (HP2(lo) LP2(hi) / s, its output gain scaled
// to mm/s) -> mean square and peak |v| per window (window_s; one reading per window) and over the
// whole run (overall()). The zone compares the RMS with the limits (zone_of).
//
// Start: the filter starts at the steady state of the first finite sample (vibration_integrator::
// start_at), so an accelerometer's offset (1 g on a vertical axis) does not ring through the
// high-pass; the vibration present at that instant still does, so the first settle_s seconds
// (default 10 time constants of the high-pass corner: 2.25 / lo_hz s, 0.23 s at 10 Hz) are filtered
// but left out of every RMS and peak. A reading of 0 samples (a window inside that time, or one
// whose every piece overflowed, below) reads 0 mm/s and zone A: it says nothing, check `samples`.
//
// The zone limits are the user's to choose: the machine's class sets them. The tables below are
// ISO 10816-1's typical zone boundaries by machine class (Annex B) and ISO 10816-3's by machine
// group and foundation. The standards give them as guidance: a machine's own baseline and trend
// (the monitor's anomaly score and drift) say more about that machine.
// Zone meanings: A newly commissioned, B acceptable for long-term operation, C not acceptable
// for long-term operation (plan a repair), D damage likely.
//
// Bad input: NaN or Inf samples are held at the last finite sample by the integrator (counted,
// rejected()); a 64-sample piece whose squared velocities overflow float (|v| above ~1e19 mm/s) is
// left out of the sums and counted (overflowed()), so one absurd burst cannot leave every later
// reading at Inf. The integrator clears itself if its state overflows (vibration_integrator::resets()).
// Floating-point samples only (float or double); the sums are double per piece of 64 samples.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <type_traits>

#include "../core/lane_sums.hpp"
#include "../core/numeric.hpp"
#include "../core/units.hpp"
#include "../filter/vibration_integrator.hpp"

namespace nerve::stats {

/// ISO 10816 evaluation zones.
enum class severity_zone : std::uint8_t { A = 0, B, C, D };

constexpr const char* name(severity_zone z) noexcept {
    switch (z) {
        case severity_zone::A: return "A";
        case severity_zone::B: return "B";
        case severity_zone::C: return "C";
        default: return "D";
    }
}

/// Zone boundaries, RMS velocity in mm/s: A/B, B/C and C/D (float: the tables have 2-3 digits,
/// and a monitor per axis holds a copy).
struct severity_limits {
    float ab = 1.4f, bc = 2.8f, cd = 4.5f;
};

namespace iso10816 {
/// ISO 10816-1 Annex B: class I, small machines (electric motors to 15 kW).
inline constexpr severity_limits class_1{0.71f, 1.8f, 4.5f};
/// Class II: medium machines (15-75 kW; up to 300 kW on special foundations).
inline constexpr severity_limits class_2{1.12f, 2.8f, 7.1f};
/// Class III: large machines on rigid, heavy foundations.
inline constexpr severity_limits class_3{1.8f, 4.5f, 11.2f};
/// Class IV: large machines on soft foundations (turbo sets and the like).
inline constexpr severity_limits class_4{2.8f, 7.1f, 18.0f};
/// ISO 10816-3, group 1 (300 kW-50 MW, shaft height >= 315 mm), rigid / flexible foundation.
inline constexpr severity_limits group1_rigid{2.3f, 4.5f, 7.1f};
inline constexpr severity_limits group1_flexible{3.5f, 7.1f, 11.0f};
/// ISO 10816-3, group 2 (15-300 kW, shaft height 160-315 mm), rigid / flexible foundation.
inline constexpr severity_limits group2_rigid{1.4f, 2.8f, 4.5f};
inline constexpr severity_limits group2_flexible{2.3f, 4.5f, 7.1f};
}  // namespace iso10816

/// The zone of an RMS velocity (mm/s); a boundary value belongs to the zone above it. NaN reads D:
/// a reading that cannot be trusted is never called good.
constexpr severity_zone zone_of(double velocity_rms, const severity_limits& l) noexcept {
    if (!(velocity_rms < l.cd)) return severity_zone::D;
    if (velocity_rms >= l.bc) return severity_zone::C;
    if (velocity_rms >= l.ab) return severity_zone::B;
    return severity_zone::A;
}

struct vibration_severity_config {
    double fs_hz = 25600.0;                  ///< sampling rate
    double lo_hz = 10.0;                     ///< band of the velocity (ISO 10816: 10 Hz; below 600 rpm 2 Hz)
    double hi_hz = 1000.0;                   ///< (clipped to 0.45 fs)
    double unit_m_s2 = 9.80665;              ///< one input unit in m/s^2 (g: 9.80665, m/s^2: 1)
    double window_s = 1.0;                   ///< one reading per window (0: none; take() closes one)
    double settle_s = -1.0;                  ///< left out of the sums at the start (< 0: 2.25 / lo_hz)
    severity_limits limits = iso10816::group2_rigid;
};

struct severity_reading {
    std::uint64_t end_sample = 0;   ///< samples consumed when the reading closed
    std::uint64_t samples = 0;      ///< samples in the RMS (after the settling time)
    float velocity_rms = 0;         ///< mm/s
    float velocity_peak = 0;        ///< mm/s, largest |v|
    severity_zone zone = severity_zone::A;
};

template <sample_type T = float>
class vibration_severity {
    static_assert(std::is_floating_point_v<T>, "vibration_severity takes float or double samples");

public:
    using input_type = T;
    using output_type = severity_reading;
    /// Samples filtered per step (a stack buffer): 64, or the integrator's superblock where it
    /// has a time-segment engine (aarch64: 256), so that the engine sees whole superblocks.
    static constexpr std::size_t piece =
        filter::vibration_integrator<T>::superblock > 64 ? filter::vibration_integrator<T>::superblock : 64;

    /// window_s and settle_s are held as sample counts below 2^32 (46 hours at 25.6 kHz).
    explicit vibration_severity(const vibration_severity_config& c = {}) noexcept
        : integrator_(hertz{band_lo(c)}, hertz{band_hi(c)}, sample_rate{c.fs_hz}, c.unit_m_s2 * 1000.0),
          limits_(c.limits) {
        window_ = samples_of(c.window_s * c.fs_hz);
        settle_ = samples_of((c.settle_s < 0 ? 2.25 / band_lo(c) : c.settle_s) * c.fs_hz);
        reset();
    }

    /// The band actually used: lo in (0, hi), hi at most 0.45 fs.
    static double band_lo(const vibration_severity_config& c) noexcept {
        const double hi = band_hi(c);
        return c.lo_hz > 0 && c.lo_hz < 0.5 * hi ? c.lo_hz : 0.1 * hi;
    }
    static double band_hi(const vibration_severity_config& c) noexcept {
        return c.hi_hz > 0 && c.hi_hz < 0.45 * c.fs_hz ? c.hi_hz : 0.45 * c.fs_hz;
    }

    /// Filters `x` into the open window (no reading is closed).
    void add(std::span<const T> x) noexcept {
        for (std::size_t i = 0; i < x.size(); i += piece) {
            const std::size_t n = x.size() - i < piece ? x.size() - i : piece;
            add_piece(x.data() + i, n);
        }
    }

    /// Closes the open window: its reading (0 samples while still settling).
    severity_reading take() noexcept {
        severity_reading r = reading_of(win_s2_, win_peak_, win_n_);
        total_s2_ += win_s2_;
        total_n_ += win_n_;
        if (win_peak_ > total_peak_) total_peak_ = win_peak_;
        win_s2_ = 0;
        win_peak_ = 0;
        win_n_ = 0;
        win_fill_ = 0;
        return r;
    }

    /// Filters `x`, emitting a reading each time a window of window_s is complete.
    template <class Emit>
    void process(std::span<const T> x, Emit&& emit) noexcept {
        std::size_t i = 0;
        while (i < x.size()) {
            std::size_t n = x.size() - i;
            if (window_ > 0 && n > window_ - win_fill_) n = window_ - win_fill_;
            add(x.subspan(i, n));
            i += n;
            if (window_ > 0 && (win_fill_ += static_cast<std::uint32_t>(n)) == window_) emit(take());
        }
    }

    template <class Emit>
    void push(T x, Emit&& emit) noexcept {
        process(std::span<const T>{&x, 1}, emit);
    }

    /// Over every settled sample so far (closed windows and the open one).
    severity_reading overall() const noexcept {
        return reading_of(total_s2_ + win_s2_, total_peak_ > win_peak_ ? total_peak_ : win_peak_, total_n_ + win_n_);
    }

    void reset() noexcept {
        integrator_.reset();
        started_ = false;
        samples_ = 0;
        win_fill_ = 0;
        win_n_ = total_n_ = 0;
        win_s2_ = total_s2_ = 0;
        win_peak_ = total_peak_ = 0;
        overflowed_ = 0;
    }

    template <class V>
    void visit_state(V& v) {
        v(integrator_);
        v(started_); v(samples_); v(win_fill_); v(win_n_); v(total_n_);
        v(win_s2_); v(total_s2_); v(win_peak_); v(total_peak_); v(overflowed_);
    }

    /// For restore(): a window never past its length, sums and peaks in [0, 1e100] (real ones stay
    /// below 2^64 pieces x float's largest, ~6e57, so adding to them can never overflow).
    bool state_is_valid() const noexcept {
        const auto ok = [](double v) { return v >= 0 && v <= 1e100; };   // false for NaN and Inf
        return (window_ == 0 ? win_fill_ == 0 : win_fill_ < window_) && ok(win_s2_) && ok(total_s2_) &&
               ok(win_peak_) && ok(total_peak_);
    }

    const severity_limits& limits() const noexcept { return limits_; }
    std::uint64_t samples() const noexcept { return samples_; }
    std::uint32_t settle_samples() const noexcept { return settle_; }
    std::uint32_t window_samples() const noexcept { return window_; }
    /// Non-finite samples held at the last finite one.
    std::uint32_t rejected() const noexcept { return integrator_.rejected(); }
    /// Pieces of 64 samples left out because their squares overflowed.
    std::uint32_t overflowed() const noexcept { return overflowed_; }

private:
    static std::uint32_t samples_of(double n) noexcept {
        return n >= 0.5 && n < 4294967295.0 ? static_cast<std::uint32_t>(n + 0.5) : 0;
    }

    severity_reading reading_of(double s2, double peak, std::uint64_t n) const noexcept {
        severity_reading r;
        r.end_sample = samples_;
        r.samples = n;
        const double rms = n > 0 ? std::sqrt(s2 / static_cast<double>(n)) : 0.0;
        r.velocity_rms = static_cast<float>(rms);
        r.velocity_peak = static_cast<float>(peak);
        r.zone = zone_of(rms, limits_);
        return r;
    }

    void add_piece(const T* x, std::size_t n) noexcept {
        if (NERVE_UNLIKELY(!started_)) {
            std::size_t k = 0;
            while (k < n && !is_finite(x[k])) ++k;
            if (k < n) started_ = integrator_.start_at(x[k]);
        }
        alignas(64) std::array<T, piece> v;
        integrator_.process(std::span<const T>{x, n}, std::span<T>{v.data(), n});
        // Samples still settling are filtered, not summed.
        std::size_t first = 0;
        if (NERVE_UNLIKELY(samples_ < settle_)) {
            const std::uint64_t left = settle_ - samples_;
            first = left < n ? static_cast<std::size_t>(left) : n;
        }
        samples_ += n;
        if (first == n) return;
        // Four partial sums and peaks in locals: a short dependency chain on scalar targets (kept in
        // registers; arrays here were kept in memory on the Cortex-M4). SIMD hosts first run 8
        // lanes as one vector (detail::lane_sums8; GCC left the form below scalar there, four FMA
        // chains): x86 (AVX-512 Xeon) vibration_severity/nerve 422 -> 662 M samples/s (1.58x,
        // 1.40-1.59, five alternated rounds), the maintenance pipeline up to 1.1-1.2x.
        T s0 = 0, s1 = 0, s2 = 0, s3 = 0, p0 = 0, p1 = 0, p2 = 0, p3 = 0;
        std::size_t i = first;
#if NERVE_HAS_XSIMD && defined(__GNUC__)
        if (n - i >= 8) {
            nerve::detail::lane_sums8<T, false> lanes;
            i += lanes.add(v.data() + i, n - i);
            for (std::size_t j = 0; j < 8; ++j) {   // into the first partial sum, in lane order
                s0 += lanes.s2[j];
                p0 = lanes.peak[j] > p0 ? lanes.peak[j] : p0;
            }
        }
#endif
        for (; i + 4 <= n; i += 4) {
            const T a0 = v[i], a1 = v[i + 1], a2 = v[i + 2], a3 = v[i + 3];
            s0 += a0 * a0;
            s1 += a1 * a1;
            s2 += a2 * a2;
            s3 += a3 * a3;
            p0 = std::fabs(a0) > p0 ? std::fabs(a0) : p0;
            p1 = std::fabs(a1) > p1 ? std::fabs(a1) : p1;
            p2 = std::fabs(a2) > p2 ? std::fabs(a2) : p2;
            p3 = std::fabs(a3) > p3 ? std::fabs(a3) : p3;
        }
        for (; i < n; ++i) {
            s0 += v[i] * v[i];
            p0 = std::fabs(v[i]) > p0 ? std::fabs(v[i]) : p0;
        }
        const T sum = (s0 + s1) + (s2 + s3);
        T p = p0 > p1 ? p0 : p1;
        p = p2 > p ? p2 : p;
        p = p3 > p ? p3 : p;
        const float pm = static_cast<float>(p);
        if (NERVE_UNLIKELY(!is_finite(sum) || !is_finite(pm))) {
            ++overflowed_;
            return;
        }
        win_s2_ += static_cast<double>(sum);
        win_n_ += n - first;
        if (pm > win_peak_) win_peak_ = pm;
    }


    // Compact (the three-axis Cortex-M4 firmware holds one per axis): counts in 32 bits where a
    // window bounds them, peaks in float (they are float velocities).
    filter::vibration_integrator<T> integrator_;
    severity_limits limits_;
    std::uint32_t window_ = 0, settle_ = 0, win_fill_ = 0, overflowed_ = 0;
    bool started_ = false;
    std::uint64_t samples_ = 0, win_n_ = 0, total_n_ = 0;
    double win_s2_ = 0, total_s2_ = 0;
    float win_peak_ = 0, total_peak_ = 0;
};

}  // namespace nerve::stats
