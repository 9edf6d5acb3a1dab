#include "nerve_test.hpp"

#include <vector>

#include "golden/drift_river.hpp"
#include "nerve/drift/adwin.hpp"
#include "nerve/drift/detector.hpp"
#include "nerve/drift/page_hinkley.hpp"

namespace g = golden::drift_river;
using namespace nerve::drift;

TEST_CASE("drift_events emits one event per drift with its change point", "[detector]") {
    drift_events<page_hinkley<double>> ev;
    std::vector<drift_event> got;
    for (unsigned char x : g::stream_a) ev.push(static_cast<double>(x), [&](const drift_event& e) { got.push_back(e); });
    REQUIRE(got.size() == 1);
    CHECK(got[0].signal == drift_signal::drift);
    CHECK(got[0].index == 1006);
    CHECK(got[0].change_point <= 1006);
    CHECK(ev.detector().detections() == 1);
}

TEST_CASE("a detector composes with | like any nerve operator", "[detector]") {
    static_assert(nerve::simple_operator<adwin<float>>);
    static_assert(nerve::general_operator<drift_events<adwin<float>>>);
    CHECK(std::string(to_string(drift_signal::warning)) == "warning");
    CHECK(std::string(to_string(drift_signal::drift)) == "drift");
    CHECK(std::string(to_string(drift_signal::none)) == "none");
}
