#include "nerve_test.hpp"

#include <array>
#include <span>
#include <vector>

#include "nerve/core/framer.hpp"
#include "nerve/core/pipeline.hpp"
#include "nerve/filter/dc_blocker.hpp"
#include "nerve/filter/ewma.hpp"

namespace {
struct scale {  // a minimal simple operator
    using input_type = float;
    using output_type = float;
    float k = 2.0f;
    float operator()(float x) const { return k * x; }
    void reset() {}
};

struct frame_sum {  // consumes frames by reference, emits one value per frame
    using input_type = std::span<const float, 4>;
    using output_type = float;
    template <class Emit>
    void push(input_type f, Emit&& emit) {
        float s = 0;
        for (float v : f) s += v;
        ++frames;
        emit(s);
    }
    void reset() { frames = 0; }
    int frames = 0;
};

struct only_odd {  // general operator that drops some inputs
    using input_type = int;
    using output_type = int;
    template <class Emit>
    void push(int x, Emit&& emit) { if (x % 2) emit(x); }
    void reset() {}
};
struct twice {  // general operator that emits two outputs per input
    using input_type = int;
    using output_type = int;
    template <class Emit>
    void push(int x, Emit&& emit) { emit(x); emit(x * 10); }
    void reset() {}
};
using nerve::operator|;  // operators defined outside nerve's namespaces
}  // namespace

static_assert(nerve::simple_operator<scale>);
static_assert(!nerve::general_operator<scale>);
static_assert(nerve::general_operator<frame_sum>);
static_assert(nerve::stream_operator<nerve::framer<8, 4>>);

TEST_CASE("simple operators compose into a simple pipeline", "[pipeline]") {
    auto p = scale{2.0f} | scale{3.0f} | scale{0.5f};
    static_assert(std::is_same_v<decltype(p), nerve::pipeline<scale, scale, scale>>);  // flattened
    static_assert(nerve::simple_operator<decltype(p)>);
    CHECK(p(1.0f) == 3.0f);
    float got = 0;
    p.push(2.0f, [&](float y) { got = y; });
    CHECK(got == 6.0f);
    CHECK(p.stage<1>().k == 3.0f);
}

TEST_CASE("general operators change the rate along a pipeline", "[pipeline]") {
    auto p = only_odd{} | twice{};
    std::vector<int> out;
    for (int i = 0; i < 6; ++i) p.push(i, [&](int y) { out.push_back(y); });
    CHECK(out == std::vector<int>{1, 10, 3, 30, 5, 50});
}

TEST_CASE("framer frames flow by reference into a frame operator", "[pipeline][framer]") {
    auto p = scale{1.0f} | nerve::framer<4, 2>{} | frame_sum{};
    float sums[8]{};
    int n = 0;
    NERVE_REQUIRE_NO_ALLOC(for (int i = 1; i <= 10; ++i) p.push(static_cast<float>(i), [&](float s) { sums[n++] = s; }););
    REQUIRE(n == 4);  // frames end at samples 4, 6, 8, 10
    CHECK(sums[0] == 1 + 2 + 3 + 4);
    CHECK(sums[1] == 3 + 4 + 5 + 6);
    CHECK(sums[3] == 7 + 8 + 9 + 10);
    CHECK(p.stage<2>().frames == 4);
    p.reset();
    CHECK(p.stage<2>().frames == 0);
    CHECK(p.stage<1>().buffered() == 0);
}

TEST_CASE("a pipeline of real filters equals the stages run by hand", "[pipeline]") {
    auto p = nerve::filter::dc_blocker<float>{0.99} | nerve::filter::ewma<float>{0.2};
    nerve::filter::dc_blocker<float> a{0.99};
    nerve::filter::ewma<float> b{0.2};
    for (int i = 0; i < 100; ++i) {
        const float x = 0.5f + static_cast<float>(i % 7) * 0.1f;
        CHECK(p(x) == b(a(x)));
    }
}

TEST_CASE("process runs a block through simple and general operators", "[pipeline][process]") {
    scale s{4.0f};
    std::array<float, 5> in{1, 2, 3, 4, 5}, out{};
    NERVE_REQUIRE_NO_ALLOC(nerve::process(s, std::span<const float>(in), std::span<float>(out)));
    CHECK(out[4] == 20.0f);
    only_odd o;
    std::array<int, 5> ints{1, 2, 3, 4, 5};
    int count = 0;
    nerve::process(o, std::span<const int>(ints), [&](int) { ++count; });
    CHECK(count == 3);
}
