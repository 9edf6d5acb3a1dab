#include "nerve_test.hpp"

#include <limits>

#include "drift_test_util.hpp"
#include "golden/drift_river.hpp"
#include "nerve/drift/adwin.hpp"
#include "nerve/drift/ddm.hpp"
#include "nerve/drift/error_stream.hpp"
#include "nerve/drift/fhddm.hpp"
#include "nerve/drift/hddm_a.hpp"

namespace g = golden::drift_river;
using namespace nerve::drift;

TEST_CASE("error_stream over a classifier's predictions is DDM on its errors", "[error_stream]") {
    // A classifier that is wrong exactly where River's stream_b has a 1.
    error_stream<ddm<double>> e;
    ddm<double> plain;
    for (std::size_t i = 0; i < std::size(g::stream_b); ++i) {
        const double truth = static_cast<double>(i % 3);
        const double pred = g::stream_b[i] ? truth + 1 : truth;
        REQUIRE(e.update(pred, truth) == plain.update(g::stream_b[i]));
    }
    CHECK(e.detections() == 1);
    CHECK(e.estimate() == Approx(plain.estimate()));
}

TEST_CASE("error_stream: FHDDM gets 1 for a correct prediction when inverted", "[error_stream]") {
    error_stream<fhddm<float>, true> e;
    int fired = -1;
    for (int i = 0; i < 1000 && fired < 0; ++i) {
        const float truth = 1.0f;
        const bool wrong = i < 500 ? (i % 10 == 0) : (i % 2 == 0);  // error rate 10 % -> 50 %
        if (e.update(wrong ? 0.0f : truth, truth) == drift_signal::drift) fired = i;
    }
    CHECK(fired >= 500);
    CHECK(fired < 600);
}

TEST_CASE("error_stream: regression errors, absolute and raw", "[error_stream]") {
    error_stream_options o;
    o.kind = error_kind::absolute;
    o.scale = 4.0;
    error_stream<hddm_a<float>> a(o);
    CHECK(a.error_of({3.0f, 1.0f}) == 0.5f);
    CHECK(a.error_of({10.0f, 1.0f}) == 1.0f);  // clipped
    o.kind = error_kind::squared;
    error_stream<hddm_a<float>> s(o);
    CHECK(s.error_of({3.0f, 1.0f}) == 0.25f);
    o.kind = error_kind::raw;
    adwin_options ao;
    ao.clock = 1;
    error_stream<adwin<float>> r(o, adwin<float>(ao));
    CHECK(r.error_of({10.0f, 1.0f}) == 9.0f);
    int fired = -1;
    for (int i = 0; i < 2000 && fired < 0; ++i) {
        const float truth = static_cast<float>(i % 7);
        const float err = (i % 5) * 0.1f + (i >= 1000 ? 1.0f : 0.0f);  // the model degrades at 1000
        if (r.update(truth + err, truth) == drift_signal::drift) fired = i;
    }
    CHECK(fired >= 1000);
    CHECK(fired < 1030);
    CHECK(r.change_point() >= 995);
    CHECK(r.change_point() <= 1005);
}

TEST_CASE("error_stream passes bad pairs to the detector, which rejects them", "[error_stream][bad-input]") {
    error_stream<ddm<float>> e;
    CHECK(e.update(std::numeric_limits<float>::quiet_NaN(), 1.0f) == drift_signal::none);
    CHECK(e.update(1.0f, std::numeric_limits<float>::infinity()) == drift_signal::none);
    CHECK(e.rejected() == 2);
    CHECK(e.samples_seen() == 0);
}
