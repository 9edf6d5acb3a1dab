#include "nerve_test.hpp"

#include <cmath>
#include <limits>
#include <span>

#include "golden/spectral_envelope.hpp"
#include "golden/spectral_signal.hpp"
#include "golden_compare.hpp"
#include "nerve/core/operator.hpp"
#include "nerve/spectral/envelope.hpp"

namespace sp = nerve::spectral;
namespace ge = nerve::golden::spectral_envelope;
namespace gs = nerve::golden::spectral_signal;
using nerve::test::normwise_error;
using nerve::test::elementwise_error;

static_assert(nerve::general_operator<sp::envelope_spectrum<64>>);

TEST_CASE("envelope: full-band envelope equals |scipy.signal.hilbert|", "[spectral][envelope]") {
    static sp::envelope_spectrum<1024> op{nerve::sample_rate{gs::fs}};
    const std::span<const float, 1024> frame{gs::x, 1024};
    int n = 0;
    NERVE_REQUIRE_NO_ALLOC(op.push(frame, [&](const sp::spectrum_view<float>&) { ++n; }));
    REQUIRE(n == 1);
    CHECK(normwise_error(std::span<const float>{op.envelope()}, ge::hilbert_env_full, 1024) <= 1e-5);
    // The analytic signal's real part is the input.
    double err = 0.0;
    // (A plain compare, not std::fmax: aarch64-linux-gnu-g++ 12 ICEs vectorising that fmax reduction.)
    for (std::size_t i = 0; i < 1024; ++i) {
        const double d = std::fabs(static_cast<double>(op.analytic()[i].real()) - gs::x[i]);
        if (d > err) err = d;
    }
    CHECK(err < 1e-5);
}

TEST_CASE("envelope: band-limited envelope and envelope spectrum match numpy", "[spectral][envelope]") {
    using namespace nerve::literals;
    static sp::envelope_spectrum<1024> op{nerve::sample_rate{gs::fs}, 80.0_Hz, 200.0_Hz};
    static sp::spectrum_view<float> got;
    op.push(std::span<const float, 1024>{gs::x, 1024}, [&](const sp::spectrum_view<float>& v) { got = v; });
    CHECK(normwise_error(std::span<const float>{op.envelope()}, ge::hilbert_env_80_200, 1024) <= 1e-5);
    REQUIRE(got.size() == 513);
    CHECK(got.kind == sp::quantity::power);
    CHECK(normwise_error(got.values, ge::envelope_spectrum_80_200, 513) <= 1e-5);
}

TEST_CASE("envelope: an amplitude-modulated carrier demodulates to its modulation frequency", "[spectral][envelope]") {
    using namespace nerve::literals;
    constexpr std::size_t N = 1024;
    const double fs = 4000.0, fc = 1000.0, fm = 62.5;  // fm on bin 16
    static float x[N];
    for (std::size_t i = 0; i < N; ++i) {
        const double t = i / fs;
        x[i] = static_cast<float>((1.0 + 0.5 * std::cos(2 * 3.141592653589793 * fm * t)) * std::sin(2 * 3.141592653589793 * fc * t)
                                  + 0.8 * std::sin(2 * 3.141592653589793 * 150.0 * t));  // out-of-band interferer
    }
    static sp::envelope_spectrum<N> op{nerve::sample_rate{fs}, 700.0_Hz, 1300.0_Hz};
    REQUIRE(op.transform(std::span<const float, N>{x}));
    const auto v = op.view();
    std::size_t best = 1;
    for (std::size_t k = 1; k < v.size(); ++k) if (v.values[k] > v.values[best]) best = k;
    CHECK(best == 16);
    // Envelope amplitude 0.5 at fm: the spectrum reads 0.5^2 / 2.
    CHECK(std::fabs(v.amplitude(16) - 0.5) < 0.01);
    // The envelope itself is 1 + 0.5 cos(...), away from the frame edges.
    for (std::size_t i = 100; i < N - 100; i += 37) {
        const double want = 1.0 + 0.5 * std::cos(2 * 3.141592653589793 * fm * i / fs);
        CHECK(std::fabs(op.envelope()[i] - want) < 0.02);
    }
}

TEST_CASE("envelope: NaN frames are rejected", "[spectral][envelope]") {
    static float x[64] = {};
    x[9] = std::numeric_limits<float>::quiet_NaN();
    sp::envelope_spectrum<64> op{nerve::sample_rate{1.0}};
    int n = 0;
    op.push(std::span<const float, 64>{x}, [&](const auto&) { ++n; });
    CHECK(n == 0);
    CHECK(op.rejected() == 1);
    x[9] = 0.0f;
    op.push(std::span<const float, 64>{x}, [&](const auto& v) { ++n; CHECK(std::isfinite(v.values[3])); });
    CHECK(n == 1);
}
