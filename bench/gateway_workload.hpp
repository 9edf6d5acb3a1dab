// bench/gateway_workload.hpp — what the gateway benchmarks feed: nerve_bench's keyed_route,
// keyed_conformal and senml_parse rows (bench_gateway.cpp, bench_senml.cpp) and the aarch64
// program a64_gateway (bench/a64/gateway.cpp), so the x86 figures and the aarch64 counts are of
// the same work.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "nerve/anomaly/conformal_ensemble.hpp"
#include "nerve/core/keyed.hpp"
#include "nerve/drift/adwin.hpp"

namespace nerve_bench {

using stream_name = nerve::short_name<48>;
inline constexpr std::size_t gateway_slots = 4096;       // the table's capacity (nerve gateway's)
inline constexpr std::size_t gateway_readings = 1 << 15;  // readings in one workload

/// Readings of `streams` streams in a shuffled order, every stream equally often: (stream,
/// value), with each stream's name (about 35 characters, as a site/device/channel path) both as a
/// short_name and as a std::string.
struct gateway_workload {
    std::vector<std::uint32_t> stream;
    std::vector<float> value;
    std::vector<stream_name> names;
    std::vector<std::string> strings;
};

inline const gateway_workload& make_gateway_workload(std::size_t streams) {
    static std::map<std::size_t, gateway_workload> cache;
    auto& w = cache[streams];
    if (!w.stream.empty()) return w;
    std::mt19937 rng(static_cast<std::uint32_t>(streams));
    for (std::size_t s = 0; s < streams; ++s) {
        w.strings.push_back("site-4/building-2/meter-" + std::to_string(s) + ":power");
        w.names.push_back(stream_name::from(w.strings.back()).value());
    }
    for (std::size_t i = 0; i < gateway_readings; ++i) w.stream.push_back(static_cast<std::uint32_t>(i % streams));
    std::shuffle(w.stream.begin(), w.stream.end(), rng);
    std::normal_distribution<float> noise(0.0f, 1.0f);
    for (std::size_t i = 0; i < gateway_readings; ++i) w.value.push_back(100.0f + noise(rng));
    return w;
}

/// `nerve gateway`'s default stream state (examples/cli/cmd_gateway.cpp's stream_monitor without
/// its out-of-order check): the NAB-tuned conformal ensemble and ADWIN on its score.
struct conformal_stream {
    using input_type = float;
    struct output_type {
        nerve::anomaly::verdict v;
        nerve::drift::drift_signal d;
    };
    nerve::anomaly::nab_default detector{};
    nerve::drift::adwin<float, 5, 16> adwin{};
    output_type operator()(float x) {
        const auto v = detector(x);
        return {v, adwin(v.score)};
    }
    void reset() {
        detector.reset();
        adwin.reset();
    }
};

/// `proto` after `n` readings of the workloads' distribution (100 + N(0, 1)): the prototype a
/// table copies into each new stream, so every stream is in its steady state from its first
/// reading (the conformal ensemble's context memories fill only after ~2,300 readings, and their
/// search is most of its cost).
template <class Op>
Op warmed(Op proto, std::size_t n) {
    std::mt19937 rng(7);
    std::normal_distribution<float> noise(0.0f, 1.0f);
    for (std::size_t i = 0; i < n; ++i) (void)proto(100.0f + noise(rng));
    return proto;
}
inline constexpr std::size_t conformal_warmup = 2400;  // > 64 day-scale contexts x 36 readings

/// The keyed_conformal rows' prototype: nerve gateway's default stream state past its warm-up.
inline conformal_stream steady_conformal_stream() { return warmed(conformal_stream{}, conformal_warmup); }

/// One SenML JSON pack of `records` records, as a gateway receives from a device: bn, bt and bu
/// on the first, then n/t/v per record (about 35 bytes a record).
inline std::string senml_pack(std::size_t records) {
    std::string s = "[";
    char buf[160];
    for (std::size_t i = 0; i < records; ++i) {
        const int t = static_cast<int>(i) - static_cast<int>(records - 1);
        const double v = 1.2 + 0.0137 * static_cast<double>((i * 37) % 101);
        if (i == 0) {
            std::snprintf(buf, sizeof buf,
                          "{\"bn\":\"urn:dev:ow:10e2073a01080063:\",\"bt\":1.320067464e+09,\"bu\":\"A\","
                          "\"n\":\"current\",\"t\":%d,\"v\":%.4f}",
                          t, v);
        } else {
            std::snprintf(buf, sizeof buf, ",{\"n\":\"current\",\"t\":%d,\"v\":%.4f}", t, v);
        }
        s += buf;
    }
    return s + "]";
}

}  // namespace nerve_bench
