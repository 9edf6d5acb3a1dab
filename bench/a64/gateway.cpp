// a64_gateway: the gateway's per-reading work (core/keyed.hpp, io/senml.hpp and `nerve gateway`'s
// stream state) for exact aarch64 instruction counts and Cortex-A72 cycle models
// (tools/a64_icount.py; see bench/a64/filters.cpp for the protocol), on the workloads of
// nerve_bench's keyed_route, keyed_conformal and senml_parse rows (bench/gateway_workload.hpp).
//   a64_keyed_route_256       1024 readings of 256 streams, shuffled, each routed by its name
//                             (short_name<48>) to its z-score detector in keyed<zscore, 4096>
//   a64_keyed_route_4096      the same with 4096 streams (the table full)
//   a64_array_route_4096      the same readings to the same detectors held in an array indexed
//                             by stream number: no lookup (keyed_route/array's floor; the
//                             difference to a64_keyed_route_4096 is the cost of finding a stream)
//   a64_keyed_conformal_4096  1024 readings of 4096 streams through nerve gateway's default
//                             stream state (conformal ensemble + ADWIN, ~12.6 KB a stream)
//   a64_senml_read_64         read_senml over one 64-record pack (base fields resolved)
// Items = readings (records for SenML). Every stream is in the table before the counted calls,
// as a copy of a prototype past its warm-up (bench/gateway_workload.hpp's warmed), so the counts
// are the steady state's, and the warm-up (which the trace records too) runs once, not once per stream. The
// model charges every load as an L1 hit: 4096 conformal streams are 52 MB, so on a real core
// each reading's state is a cache miss the count does not show (x86's keyed_conformal row has
// them). A program given a kernel's name builds only that kernel's table.
// No argument: every table's scores are checked against the same detectors held in an array
// indexed by stream number, and the pack's record count (the ctest).
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "../gateway_workload.hpp"
#include "nerve/anomaly/zscore.hpp"
#include "nerve/io/senml.hpp"

namespace {
namespace na = nerve::anomaly;
namespace nb = nerve_bench;
constexpr std::size_t call_readings = 1024, pack_records = 64;

na::zscore<float> steady_zscore() { return nb::warmed(na::zscore<float>{}, 64); }

template <class Op>
struct routed {
    using table_type = nerve::keyed<Op, nb::gateway_slots, nb::stream_name>;
    const nb::gateway_workload* w = nullptr;
    std::unique_ptr<table_type> table;
    std::size_t pos = 0;
    double sum = 0;

    routed(std::size_t streams, const Op& proto)
        : w(&nb::make_gateway_workload(streams)), table(std::make_unique<table_type>(proto)) {
        for (const auto& n : w->names) table->push(n, 100.0f, [](const auto&) {});  // every stream present
    }
    // The next call_readings readings of the shuffled order, their scores summed.
    void call() {
        for (std::size_t i = pos; i < pos + call_readings; ++i)
            table->push(w->names[w->stream[i]], w->value[i], [&](const auto& y) { sum += score_of(y.value); });
        pos = (pos + call_readings) % nb::gateway_readings;
    }
    static double score_of(const na::verdict& v) { return v.score; }
    static double score_of(const nb::conformal_stream::output_type& o) { return o.v.score; }
};

std::unique_ptr<routed<na::zscore<float>>> route256, route4096;
struct indexed {
    const nb::gateway_workload* w = &nb::make_gateway_workload(4096);
    std::vector<na::zscore<float>> detectors;
    std::size_t pos = 0;
    double sum = 0;
    explicit indexed(const na::zscore<float>& proto) : detectors(4096, proto) {
        for (auto& d : detectors) (void)d(100.0f);  // the reading the tables' streams had
    }
};
std::unique_ptr<indexed> array4096;
std::unique_ptr<routed<nb::conformal_stream>> conformal4096;
std::string pack_text;
double senml_sum = 0;
std::size_t senml_records = 0;
}  // namespace

extern "C" {
[[gnu::noinline]] void a64_keyed_route_256() { route256->call(); }
[[gnu::noinline]] void a64_keyed_route_4096() { route4096->call(); }
[[gnu::noinline]] void a64_array_route_4096() {
    auto& a = *array4096;
    for (std::size_t i = a.pos; i < a.pos + call_readings; ++i)
        a.sum += a.detectors[a.w->stream[i]](a.w->value[i]).score;
    a.pos = (a.pos + call_readings) % nb::gateway_readings;
}
[[gnu::noinline]] void a64_keyed_conformal_4096() { conformal4096->call(); }
[[gnu::noinline]] void a64_senml_read_64() {
    const auto n = nerve::io::read_senml(pack_text, [](const nerve::io::senml_record& r) {
        senml_sum += r.time + r.value + static_cast<double>(r.base_name.size() + r.name.size() + r.unit.size());
    });
    senml_records += n ? n.value() : 0;
}
}

namespace {
// Four calls' routed scores against the same detectors held in an array indexed by stream number.
template <class Op>
bool routes_like_an_array(routed<Op>& r, const Op& proto, std::size_t streams) {
    std::vector<Op> direct(streams, proto);
    for (auto& d : direct) (void)d(100.0f);  // the reading that put each stream in the table
    double expected = 0;
    for (std::size_t i = r.pos; i < r.pos + 4 * call_readings; ++i)
        expected += routed<Op>::score_of(direct[r.w->stream[i]](r.w->value[i]));
    r.sum = 0;
    for (int c = 0; c < 4; ++c) r.call();
    const bool ok = r.sum == expected && r.sum > 0 && r.table->size() == streams && r.table->evicted() == 0;
    std::printf("a64_gateway: %zu streams, 4 calls of %zu readings: scores %.9g, by index %.9g: %s\n", streams,
                call_readings, r.sum, expected, ok ? "ok" : "FAILED");
    return ok;
}
}  // namespace

int main(int argc, char** argv) {
    pack_text = nb::senml_pack(pack_records);
    if (argc == 2 && std::strcmp(argv[1], "info") == 0) {
        std::printf("kernel a64_keyed_route_256 %zu 0\n", call_readings);
        std::printf("kernel a64_keyed_route_4096 %zu 0\n", call_readings);
        std::printf("kernel a64_array_route_4096 %zu 0\n", call_readings);
        std::printf("kernel a64_keyed_conformal_4096 %zu 0\n", call_readings);
        std::printf("kernel a64_senml_read_64 %zu 0\n", pack_records);
        return 0;
    }
    const bool all = argc != 2;
    const auto wants = [&](const char* kernel) { return all || std::strcmp(argv[1], kernel) == 0; };
    const auto zscore = steady_zscore();
    if (wants("a64_keyed_route_256")) route256 = std::make_unique<routed<na::zscore<float>>>(256, zscore);
    if (wants("a64_keyed_route_4096")) route4096 = std::make_unique<routed<na::zscore<float>>>(4096, zscore);
    if (wants("a64_array_route_4096")) array4096 = std::make_unique<indexed>(zscore);
    const auto conformal = wants("a64_keyed_conformal_4096") ? nb::steady_conformal_stream() : nb::conformal_stream{};
    if (wants("a64_keyed_conformal_4096"))
        conformal4096 = std::make_unique<routed<nb::conformal_stream>>(4096, conformal);
    if (!all) {
        struct entry {
            const char* name;
            void (*kernel)();
        };
        constexpr std::array<entry, 5> kernels{{{"a64_keyed_route_256", a64_keyed_route_256},
                                                {"a64_keyed_route_4096", a64_keyed_route_4096},
                                                {"a64_array_route_4096", a64_array_route_4096},
                                                {"a64_keyed_conformal_4096", a64_keyed_conformal_4096},
                                                {"a64_senml_read_64", a64_senml_read_64}}};
        for (const auto& k : kernels)
            if (std::strcmp(argv[1], k.name) == 0) {
                k.kernel();
                k.kernel();
                return 0;
            }
        std::printf("a64_gateway: no kernel '%s' (try: info)\n", argv[1]);
        return 2;
    }
    bool ok = routes_like_an_array(*route256, zscore, 256);
    ok = routes_like_an_array(*route4096, zscore, 4096) && ok;
    ok = routes_like_an_array(*conformal4096, conformal, 4096) && ok;
    array4096->pos = route4096->pos - 4 * call_readings;  // the keyed table's last four calls
    for (int c = 0; c < 4; ++c) a64_array_route_4096();
    const bool array_ok = array4096->sum == route4096->sum;
    std::printf("a64_gateway: the array's 4 calls: scores %.9g: %s\n", array4096->sum, array_ok ? "ok" : "FAILED");
    ok = ok && array_ok;
    a64_senml_read_64();
    const bool senml_ok = senml_records == pack_records && std::isfinite(senml_sum);
    std::printf("a64_gateway: SenML pack of %zu records read as %zu: %s\n", pack_records, senml_records,
                senml_ok ? "ok" : "FAILED");
    return ok && senml_ok ? 0 : 1;
}
