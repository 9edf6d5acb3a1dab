#include "nerve_test.hpp"

#include "nerve/core/units.hpp"

TEST_CASE("frequencies and sample rates are distinct types", "[units]") {
    using namespace nerve::literals;
    constexpr nerve::sample_rate fs{1000.0};
    static_assert(fs.nyquist() == 500.0);
    static_assert(nerve::normalized(250.0_Hz, fs) == 0.25);
    static_assert((1.5_kHz).value == 1500.0);
    static_assert(10_Hz < 11_Hz);
    static_assert(!std::is_convertible_v<double, nerve::hertz>);  // no silent Hz from a number
    static_assert(!std::is_convertible_v<double, nerve::sample_rate>);
    const nerve::sample_rate from_hz = 48.0_kHz;
    CHECK(from_hz.period() == Approx(1.0 / 48000.0));
}
