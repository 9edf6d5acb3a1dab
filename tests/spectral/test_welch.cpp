#include "nerve_test.hpp"

#include <cmath>
#include <limits>
#include <span>

#include "golden/spectral_signal.hpp"
#include "golden/spectral_welch.hpp"
#include "golden_compare.hpp"
#include "nerve/core/framer.hpp"
#include "nerve/core/operator.hpp"
#include "nerve/spectral/welch.hpp"

namespace sp = nerve::spectral;
namespace gw = nerve::golden::spectral_welch;
namespace gs = nerve::golden::spectral_signal;
using nerve::test::normwise_error;
using nerve::test::elementwise_error;

static_assert(nerve::general_operator<sp::welch<64>>);

namespace {
template <std::size_t N, std::size_t Hop, class Op>
int feed_frames(Op& op, sp::spectrum_view<float>& out) {
    int emitted = 0;
    static nerve::framer<N, Hop> fr;
    fr.reset();
    auto on_frame = [&](std::span<const float, N> f) {
        op.push(f, [&](const sp::spectrum_view<float>& v) { out = v; ++emitted; });
    };
    NERVE_REQUIRE_NO_ALLOC(for (std::size_t i = 0; i < 4096; ++i) fr.push(gs::x[i], on_frame));
    return emitted;
}
}  // namespace

TEST_CASE("welch: mean, density and spectrum scaling match scipy.signal.welch", "[spectral][welch]") {
    static sp::spectrum_view<float> got;
    for (auto s : {sp::scaling::density, sp::scaling::spectrum}) {
        static sp::welch<1024> op;
        op = sp::welch<1024>{nerve::window::hann, nerve::sample_rate{gs::fs}, s};
        CHECK(feed_frames<1024, 512>(op, got) == 0);  // K = 0: only on request
        CHECK(op.segments() == static_cast<std::uint64_t>(gw::welch_segments_1024_512));
        int n = 0;
        op.flush([&](const sp::spectrum_view<float>& v) { got = v; ++n; });
        REQUIRE(n == 1);
        CHECK(got.index == 7);
        CHECK(op.segments() == 0);
        const double* ref = s == sp::scaling::density ? gw::welch_hann_1024_512_density : gw::welch_hann_1024_512_spectrum;
        CHECK(got.kind == (s == sp::scaling::density ? sp::quantity::density : sp::quantity::power));
        CHECK(normwise_error(got.values, ref, 513) <= 1e-5);
        CHECK(elementwise_error(got.values, ref, 513) <= 1e-4);  // per bin (measured ~1e-5)
    }
}

TEST_CASE("welch: max-hold", "[spectral][welch]") {
    static sp::spectrum_view<float> got;
    static sp::welch<1024> op{nerve::window::hann, nerve::sample_rate{gs::fs}, sp::scaling::spectrum,
                              sp::average::max_hold, 7};
    CHECK(feed_frames<1024, 512>(op, got) == 1);  // emitted after 7 segments
    CHECK(normwise_error(got.values, gw::welch_hann_1024_512_spectrum_max, 513) <= 1e-5);
    CHECK(elementwise_error(got.values, gw::welch_hann_1024_512_spectrum_max, 513) <= 1e-4);
}

TEST_CASE("welch: Kaiser window, 75% overlap", "[spectral][welch]") {
    static sp::spectrum_view<float> got;
    static sp::welch<256> op{nerve::window::kaiser(8.6), nerve::sample_rate{gs::fs}};
    feed_frames<256, 64>(op, got);
    op.flush([&](const sp::spectrum_view<float>& v) { got = v; });
    CHECK(got.index == (4096 - 256) / 64 + 1);
    CHECK(normwise_error(got.values, gw::welch_kaiser_256_64_density, 129) <= 1e-5);
}

TEST_CASE("welch: non-finite frames are skipped and counted", "[spectral][welch]") {
    constexpr std::size_t N = 64;
    static float x[N], bad[N];
    for (std::size_t n = 0; n < N; ++n) x[n] = bad[n] = static_cast<float>(std::sin(0.7 * n) + 0.1);
    bad[3] = std::numeric_limits<float>::quiet_NaN();
    sp::welch<N> a, b;
    int emitted = 0;
    auto ignore = [&](const auto&) { ++emitted; };
    a.push(std::span<const float, N>{x}, ignore);
    a.push(std::span<const float, N>{bad}, ignore);
    a.push(std::span<const float, N>{x}, ignore);
    b.push(std::span<const float, N>{x}, ignore);
    b.push(std::span<const float, N>{x}, ignore);
    CHECK(emitted == 0);
    CHECK(a.rejected() == 1);
    CHECK(a.segments() == 2);
    const auto ra = a.result();
    static float va[N / 2 + 1];
    for (std::size_t k = 0; k <= N / 2; ++k) va[k] = ra.values[k];
    const auto rb = b.result();
    for (std::size_t k = 0; k <= N / 2; ++k) {
        CHECK(va[k] == rb.values[k]);
        CHECK(std::isfinite(va[k]));
    }
    a.reset();
    CHECK(a.segments() == 0);
    CHECK(a.rejected() == 0);
}

#include <cstddef>

#include "nerve/core/snapshot.hpp"

TEST_CASE("welch: snapshot and restore continue the same estimate", "[spectral][welch]") {
    constexpr std::size_t N = 64;
    static float x[8 * N];
    for (std::size_t n = 0; n < 8 * N; ++n) x[n] = static_cast<float>(std::sin(0.37 * n) + 0.01 * n);
    static sp::welch<N> a{nerve::window::hann, nerve::sample_rate{100.0}, sp::scaling::density, sp::average::mean};
    static sp::welch<N> b{nerve::window::hann, nerve::sample_rate{100.0}, sp::scaling::density, sp::average::mean};
    auto ignore = [](const auto&) {};
    for (int f = 0; f < 4; ++f) a.push(std::span<const float, N>{x + f * N, N}, ignore);
    static std::byte buf[4096];
    const auto n = nerve::snapshot(a, std::span<std::byte>{buf});
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(b, std::span<const std::byte>{buf, n.value()}).ok());
    CHECK(b.segments() == 4);
    for (int f = 4; f < 8; ++f) {
        a.push(std::span<const float, N>{x + f * N, N}, ignore);
        b.push(std::span<const float, N>{x + f * N, N}, ignore);
    }
    const auto ra = a.result();
    static float va[N / 2 + 1];
    for (std::size_t k = 0; k <= N / 2; ++k) va[k] = ra.values[k];
    const auto rb = b.result();
    for (std::size_t k = 0; k <= N / 2; ++k) CHECK(va[k] == rb.values[k]);
    // A corrupted snapshot is refused and leaves the operator untouched.
    buf[20] ^= std::byte{0x5a};
    CHECK_FALSE(nerve::restore(b, std::span<const std::byte>{buf, n.value()}).ok());
    CHECK(b.segments() == 8);
}

TEST_CASE("welch: q15 frames are analysed in float", "[spectral][welch]") {
    constexpr std::size_t N = 64;
    static float f[N];
    static nerve::q15 q[N];
    for (std::size_t n = 0; n < N; ++n) {
        q[n] = nerve::q15::from_float(0.6 * std::sin(0.9 * n) + 0.1);
        f[n] = static_cast<float>(q[n].to_double());
    }
    sp::welch<N, nerve::q15> wq{nerve::window::hann, nerve::sample_rate{1.0}, sp::scaling::spectrum};
    sp::welch<N> wf{nerve::window::hann, nerve::sample_rate{1.0}, sp::scaling::spectrum};
    auto ignore = [](const auto&) {};
    wq.push(std::span<const nerve::q15, N>{q}, ignore);
    wf.push(std::span<const float, N>{f}, ignore);
    const auto rq = wq.result();
    static float vq[N / 2 + 1];
    for (std::size_t k = 0; k <= N / 2; ++k) vq[k] = rq.values[k];
    const auto rf = wf.result();
    for (std::size_t k = 0; k <= N / 2; ++k) CHECK(vq[k] == rf.values[k]);  // same float values in
}

TEST_CASE("welch: float accumulators (for single-precision FPUs) stay within the golden bound", "[spectral][welch]") {
    static sp::spectrum_view<float> got;
    static sp::welch<1024, float, float> op{nerve::window::hann, nerve::sample_rate{gs::fs}};
    feed_frames<1024, 512>(op, got);
    op.flush([&](const sp::spectrum_view<float>& v) { got = v; });
    CHECK(got.index == 7);
    CHECK(normwise_error(got.values, gw::welch_hann_1024_512_density, 513) <= 1e-5);
    CHECK(elementwise_error(got.values, gw::welch_hann_1024_512_density, 513) <= 1e-4);
}
