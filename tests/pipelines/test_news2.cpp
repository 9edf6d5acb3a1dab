#include "nerve_test.hpp"

#include <cmath>

#include "nerve/pipelines/news2.hpp"

namespace np = nerve::pipelines;

namespace {
np::vital_signs normal() {
    np::vital_signs v;
    v.respiration_rate = 16;
    v.spo2 = 98;
    v.systolic_bp = 125;
    v.heart_rate = 72;
    v.level = np::consciousness::alert;
    v.temperature = 37.0f;
    return v;
}
}  // namespace

TEST_CASE("news2: a healthy adult scores 0", "[news2]") {
    const auto r = np::news2_score(normal());
    CHECK(r.score == 0);
    CHECK(r.complete);
    CHECK(r.risk == np::news2_risk::low);
}

TEST_CASE("news2: every band edge of the RCP chart", "[news2]") {
    struct row { float value; int expected; };
    auto score_of = [](auto set, float x) { auto v = normal(); set(v, x); return np::news2_score(v).score; };
    const row resp[] = {{8, 3}, {9, 1}, {11, 1}, {12, 0}, {20, 0}, {21, 2}, {24, 2}, {25, 3}, {20.4f, 0}};
    for (auto r : resp) CHECK(score_of([](np::vital_signs& v, float x) { v.respiration_rate = x; }, r.value) == r.expected);
    const row spo2[] = {{91, 3}, {92, 2}, {93, 2}, {94, 1}, {95, 1}, {96, 0}};
    for (auto r : spo2) CHECK(score_of([](np::vital_signs& v, float x) { v.spo2 = x; }, r.value) == r.expected);
    const row sbp[] = {{90, 3}, {91, 2}, {100, 2}, {101, 1}, {110, 1}, {111, 0}, {219, 0}, {220, 3}};
    for (auto r : sbp) CHECK(score_of([](np::vital_signs& v, float x) { v.systolic_bp = x; }, r.value) == r.expected);
    const row hr[] = {{40, 3}, {41, 1}, {50, 1}, {51, 0}, {90, 0}, {91, 1}, {110, 1}, {111, 2}, {130, 2}, {131, 3}};
    for (auto r : hr) CHECK(score_of([](np::vital_signs& v, float x) { v.heart_rate = x; }, r.value) == r.expected);
    const row temp[] = {{35.0f, 3}, {35.1f, 1}, {36.0f, 1}, {36.1f, 0}, {38.0f, 0}, {38.1f, 1}, {39.0f, 1}, {39.1f, 2}};
    for (auto r : temp) CHECK(score_of([](np::vital_signs& v, float x) { v.temperature = x; }, r.value) == r.expected);
    auto v = normal();
    v.on_oxygen = true;
    CHECK(np::news2_score(v).score == 2);
    v = normal();
    v.level = np::consciousness::confusion;
    const auto c = np::news2_score(v);
    CHECK(c.score == 3);
    CHECK(c.any_red);
    CHECK(c.risk == np::news2_risk::low_medium);
}

TEST_CASE("news2: SpO2 scale 2 for hypercapnic patients", "[news2]") {
    auto v = normal();
    v.hypercapnic = true;
    const float air[][2] = {{83, 3}, {84, 2}, {86, 1}, {88, 0}, {92, 0}, {97, 0}};
    for (auto a : air) { v.spo2 = a[0]; CHECK(np::news2_score(v).parts[1] == a[1]); }
    v.on_oxygen = true;
    const float o2[][2] = {{92, 0}, {93, 1}, {94, 1}, {95, 2}, {96, 2}, {97, 3}};
    for (auto a : o2) { v.spo2 = a[0]; CHECK(np::news2_score(v).parts[1] == a[1]); }
}

TEST_CASE("news2: aggregate risk bands, missing values and the trend", "[news2][bad-input]") {
    auto v = normal();
    v.respiration_rate = 22;  // 2
    v.heart_rate = 115;       // 2
    v.temperature = 38.5f;    // 1
    auto r = np::news2_score(v);
    CHECK(r.score == 5);
    CHECK(r.risk == np::news2_risk::medium);
    v.systolic_bp = 95;       // +2
    r = np::news2_score(v);
    CHECK(r.score == 7);
    CHECK(r.risk == np::news2_risk::high);

    auto m = normal();
    m.spo2 = NAN;
    m.systolic_bp = -5;       // impossible: treated as missing
    r = np::news2_score(m);
    CHECK_FALSE(r.complete);
    CHECK(r.parts[1] == -1);
    CHECK(r.parts[3] == -1);
    CHECK(r.score == 0);

    np::news2 trend;
    CHECK(trend(normal()).delta_previous == 0);
    (void)trend(normal());
    (void)trend(normal());
    const auto t = trend(v);
    CHECK(t.delta_previous == 7);
    CHECK(t.rising);
    const auto back = trend(normal());
    CHECK(back.delta_previous == -7);
    CHECK_FALSE(back.rising);
}
