#include "nerve_test.hpp"

#include <cmath>
#include <cstddef>

#include "golden/spectral_window.hpp"
#include "nerve/spectral/window.hpp"

namespace g = nerve::golden::spectral_window;
namespace w = nerve::window;

namespace {
// Norm-wise relative error: max |a - ref| / max |ref|.
template <class Table, std::size_t N>
double max_rel_error(const Table& t, const double (&ref)[N]) {
    double peak = 0.0, err = 0.0;
    for (std::size_t i = 0; i < N; ++i) {
        peak = std::fmax(peak, std::fabs(ref[i]));
        err = std::fmax(err, std::fabs(nerve::to_double(t[i]) - ref[i]));
    }
    return err / peak;
}

template <class T, std::size_t N>
void check_all(const double (&rect)[N], const double (&hann)[N], const double (&hamming)[N],
               const double (&blackman)[N], const double (&bh)[N], const double (&ft)[N],
               const double (&kaiser)[N], bool symmetric, double tol) {
    auto mk = [&](w::spec s) { return symmetric ? s.symmetric() : s; };
    static w::table<T, N> t;
    t = w::table<T, N>{mk(w::rectangular)};     CHECK(max_rel_error(t, rect) <= tol);
    t = w::table<T, N>{mk(w::hann)};            CHECK(max_rel_error(t, hann) <= tol);
    t = w::table<T, N>{mk(w::hamming)};         CHECK(max_rel_error(t, hamming) <= tol);
    t = w::table<T, N>{mk(w::blackman)};        CHECK(max_rel_error(t, blackman) <= tol);
    t = w::table<T, N>{mk(w::blackman_harris)}; CHECK(max_rel_error(t, bh) <= tol);
    t = w::table<T, N>{mk(w::flat_top)};        CHECK(max_rel_error(t, ft) <= tol);
    t = w::table<T, N>{mk(w::kaiser(8.6))};     CHECK(max_rel_error(t, kaiser) <= tol);
}
}  // namespace

TEST_CASE("window: periodic and symmetric tables match scipy.signal.get_window", "[spectral][window]") {
    check_all<double, 256>(g::rectangular_periodic_256, g::hann_periodic_256, g::hamming_periodic_256,
                           g::blackman_periodic_256, g::blackman_harris_periodic_256, g::flat_top_periodic_256,
                           g::kaiser_periodic_256, false, 1e-13);
    check_all<double, 255>(g::rectangular_periodic_255, g::hann_periodic_255, g::hamming_periodic_255,
                           g::blackman_periodic_255, g::blackman_harris_periodic_255, g::flat_top_periodic_255,
                           g::kaiser_periodic_255, false, 1e-13);
    check_all<double, 256>(g::rectangular_symmetric_256, g::hann_symmetric_256, g::hamming_symmetric_256,
                           g::blackman_symmetric_256, g::blackman_harris_symmetric_256, g::flat_top_symmetric_256,
                           g::kaiser_symmetric_256, true, 1e-13);
    check_all<float, 255>(g::rectangular_symmetric_255, g::hann_symmetric_255, g::hamming_symmetric_255,
                          g::blackman_symmetric_255, g::blackman_harris_symmetric_255, g::flat_top_symmetric_255,
                          g::kaiser_symmetric_255, true, 1e-7);
}

TEST_CASE("window: N=1024 float values, coherent gain and ENBW", "[spectral][window]") {
    static const w::table<float, 1024> hann{w::hann};
    static const w::table<float, 1024> kaiser{w::kaiser(8.6)};
    CHECK(max_rel_error(hann, g::hann_periodic_1024) <= 1e-5);
    CHECK(max_rel_error(kaiser, g::kaiser_periodic_1024) <= 1e-5);
    auto rel = [](double a, double b) { return std::fabs(a - b) / std::fabs(b); };
    static w::table<float, 1024> t;
    const w::spec specs[] = {w::rectangular, w::hann, w::hamming, w::blackman, w::blackman_harris, w::flat_top, w::kaiser(8.6)};
    const double cg[] = {g::rectangular_cg_1024, g::hann_cg_1024, g::hamming_cg_1024, g::blackman_cg_1024,
                         g::blackman_harris_cg_1024, g::flat_top_cg_1024, g::kaiser_cg_1024};
    const double enbw[] = {g::rectangular_enbw_1024, g::hann_enbw_1024, g::hamming_enbw_1024, g::blackman_enbw_1024,
                           g::blackman_harris_enbw_1024, g::flat_top_enbw_1024, g::kaiser_enbw_1024};
    for (int i = 0; i < 7; ++i) {
        t = w::table<float, 1024>{specs[i]};
        CHECK(rel(t.coherent_gain(), cg[i]) <= 1e-5);
        CHECK(rel(t.enbw(), enbw[i]) <= 1e-5);
    }
    CHECK(std::fabs(hann.enbw() - 1.5) < 1e-6);
    CHECK(std::fabs(hann.coherent_gain() - 0.5) < 1e-6);
}

TEST_CASE("window: tables are constexpr and work for q15", "[spectral][window]") {
    static constexpr w::table<double, 16> t{w::hann};
    static_assert(t[0] == 0.0);
    static_assert(t[8] > 0.999999 && t[8] <= 1.0);
    static_assert(t.enbw() > 1.49 && t.enbw() < 1.51);
    const w::table<nerve::q15, 64> q{w::hamming};
    const w::table<double, 64> d{w::hamming};
    for (std::size_t i = 0; i < 64; ++i) CHECK(std::fabs(q[i].to_double() - d[i]) <= 1.0 / 32768.0);
    // Length 1 is the one-point window.
    const w::table<float, 1> one{w::blackman};
    CHECK(one[0] == 1.0f);
}
