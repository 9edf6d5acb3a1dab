#include "nerve_test.hpp"

#include <cmath>
#include <limits>
#include <span>

#include "nerve/core/operator.hpp"
#include "nerve/spectral/spectrum_average.hpp"

namespace sp = nerve::spectral;
static_assert(nerve::general_operator<sp::spectrum_average<8>>);

TEST_CASE("spectrum_average: mean and max-hold over K spectra", "[spectral][spectrum_average]") {
    static float v[3];
    sp::spectrum_view<float> s;
    s.values = std::span<const float>{v};
    s.bin_hz = 4.0;
    s.kind = sp::quantity::density;
    sp::spectrum_average<8> mean{sp::average::mean, 3};
    sp::spectrum_average<8> hold{sp::average::max_hold, 3};
    static float m[3], h[3];
    int n = 0;
    NERVE_REQUIRE_NO_ALLOC(for (int i = 1; i <= 3; ++i) {
        v[0] = static_cast<float>(i);
        v[1] = static_cast<float>(4 - i);
        v[2] = 5.0f;
        mean.push(s, [&](const sp::spectrum_view<float>& r) { for (int k = 0; k < 3; ++k) m[k] = r.values[k]; ++n;
                                                             CHECK(r.index == 3u); CHECK(r.bin_hz == 4.0);
                                                             CHECK(r.kind == sp::quantity::density); });
        hold.push(s, [&](const sp::spectrum_view<float>& r) { for (int k = 0; k < 3; ++k) h[k] = r.values[k]; ++n; });
    });
    CHECK(n == 2);
    CHECK(m[0] == Approx(2.0));
    CHECK(m[1] == Approx(2.0));
    CHECK(m[2] == Approx(5.0));
    CHECK(h[0] == 3.0f);
    CHECK(h[1] == 3.0f);
    CHECK(mean.segments() == 0);
    v[1] = std::numeric_limits<float>::infinity();
    mean.push(s, [&](const auto&) { ++n; });
    CHECK(mean.rejected() == 1);
    CHECK(mean.segments() == 0);
    v[1] = 1.0f;
    mean.push(s, [&](const auto&) { ++n; });
    mean.flush([&](const sp::spectrum_view<float>& r) { CHECK(r.index == 1u); CHECK(r.values[1] == 1.0f); ++n; });
    CHECK(n == 3);
}

#include <cstddef>

#include "nerve/core/snapshot.hpp"

TEST_CASE("spectrum_average: snapshot round trip keeps metadata", "[spectral][spectrum_average]") {
    static float v[5] = {1, 2, 3, 4, 5};
    sp::spectrum_view<float> s;
    s.values = std::span<const float>{v};
    s.bin_hz = 0.5;
    s.enbw_bins = 1.5;
    s.kind = sp::quantity::density;
    sp::spectrum_average<8> a, b;
    a.accumulate(s);
    a.accumulate(s);
    static std::byte buf[1024];
    const auto n = nerve::snapshot(a, std::span<std::byte>{buf});
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(b, std::span<const std::byte>{buf, n.value()}).ok());
    const auto r = b.result();
    CHECK(r.size() == 5);
    CHECK(r.index == 2u);
    CHECK(r.bin_hz == 0.5);
    CHECK(r.enbw_bins == 1.5);
    CHECK(r.kind == sp::quantity::density);
    CHECK(r.values[4] == 5.0f);
}
