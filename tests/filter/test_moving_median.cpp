#include "nerve_test.hpp"

#include <utility>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include "golden/fir_moving.hpp"
#include "nerve/core/operator.hpp"
#include "nerve/filter/moving_median.hpp"

namespace g = golden::fir_moving;
using nerve::filter::moving_median;

static_assert(nerve::simple_operator<moving_median<float, 9>>);

TEMPLATE_TEST_CASE("moving_median: golden numpy median, odd and even windows", "[moving_median][golden]", float,
                   double) {
    using T = TestType;
    const double tol = std::is_same_v<T, float> ? 1e-7 : 1e-15;
    moving_median<T, g::median_window_odd> odd;
    moving_median<T, g::median_window_even> even;
    static std::array<T, g::n> yo, ye;
    NERVE_REQUIRE_NO_ALLOC(for (std::size_t i = 0; i < g::n; ++i) {
        yo[i] = odd(static_cast<T>(g::input[i]));
        ye[i] = even(static_cast<T>(g::input[i]));
    });
    for (std::size_t i = g::median_window_odd - 1; i < g::n; ++i)
        REQUIRE(yo[i] == static_cast<T>(g::median_odd[i - (g::median_window_odd - 1)]));
    for (std::size_t i = g::median_window_even - 1; i < g::n; ++i)
        REQUIRE(std::fabs(ye[i] - g::median_even[i - (g::median_window_even - 1)]) <= tol);
}

TEMPLATE_TEST_CASE("moving_median: brute force with duplicates; partial windows", "[moving_median]", float, nerve::q15,
                   nerve::q31) {
    using T = TestType;
    moving_median<T, 5> m;
    static std::array<T, 500> x;
    std::uint32_t s = 7;
    for (auto& v : x) {
        s = s * 1664525u + 1013904223u;
        v = nerve::from_double<T>(static_cast<double>((s >> 28) % 5) * 0.125 - 0.25);  // many ties
    }
    for (std::size_t i = 0; i < x.size(); ++i) {
        const T y = m(x[i]);
        const std::size_t lo = i + 1 >= 5 ? i + 1 - 5 : 0;
        std::array<T, 5> w{};
        std::size_t c = 0;
        for (std::size_t k = lo; k <= i; ++k) w[c++] = x[k];
        for (std::size_t a = 1; a < c; ++a)  // insertion sort of the small window
            for (std::size_t b = a; b > 0 && w[b] < w[b - 1]; --b) std::swap(w[b], w[b - 1]);
        const double expect = (c & 1) ? nerve::to_double(w[c / 2])
                                      : 0.5 * (nerve::to_double(w[c / 2 - 1]) + nerve::to_double(w[c / 2]));
        REQUIRE(nerve::to_double(y) == Approx(expect).margin(1e-4));
    }
}

TEST_CASE("moving_median: NaN/Inf hold the last good sample", "[moving_median][bad-input]") {
    moving_median<double, 3> m;
    m(1.0);
    m(5.0);
    REQUIRE(m(std::numeric_limits<double>::quiet_NaN()) == 5.0);  // window {1, 5, 5}
    REQUIRE(m(-std::numeric_limits<double>::infinity()) == 5.0);
    REQUIRE(m(0.0) == 5.0);
    REQUIRE(m.rejected() == 2u);
}

#include <cstring>

#include "nerve/core/crc32.hpp"
#include "nerve/core/snapshot.hpp"

TEST_CASE("moving_median: snapshot round trip; an inconsistent sorted window is refused", "[moving_median][state]") {
    moving_median<double, 3> a, b;
    for (double x : {3.0, 1.0, 2.0, 5.0}) a(x);
    static std::array<std::byte, 512> buf;
    const auto n = nerve::snapshot(a, std::span<std::byte>(buf));
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(b, std::span<const std::byte>(buf.data(), n.value())).ok());
    REQUIRE(b(4.0) == a(4.0));

    // Hostile bytes with a valid checksum: swap two entries of the sorted array (payload
    // order: ring[3], sorted[3], pos, count, ...). The restore must be refused or reset.
    const auto m = nerve::snapshot(a, std::span<std::byte>(buf));
    REQUIRE(m.ok());
    std::byte* sorted = buf.data() + nerve::snapshot_header_bytes + 3 * sizeof(double);
    std::array<std::byte, 8> tmp;
    std::memcpy(tmp.data(), sorted, 8);
    std::memcpy(sorted, sorted + 16, 8);
    std::memcpy(sorted + 16, tmp.data(), 8);
    const std::size_t body = m.value() - nerve::snapshot_trailer_bytes;
    const std::uint32_t crc = nerve::crc32(std::span<const std::byte>(buf.data(), body));
    for (int k = 0; k < 4; ++k) buf[body + k] = std::byte{static_cast<unsigned char>((crc >> (8 * k)) & 0xff)};
    moving_median<double, 3> c;
    c(7.0);
    const auto r = nerve::restore(c, std::span<const std::byte>(buf.data(), m.value()));
    REQUIRE_FALSE(r.ok());
    REQUIRE(c.state_is_valid());
}
