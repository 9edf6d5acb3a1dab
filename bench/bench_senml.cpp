// Benchmarks of io/senml.hpp against nlohmann/json (Debian's nlohmann-json3-dev, when found).
//
//  senml_parse/nerve      nerve::io::read_senml over one pack, every record's base fields resolved
//                         (name checked, unit, bt + t, value) and summed by the callback
//  senml_parse/nlohmann   nlohmann::json::parse of the same pack into its DOM, then the same
//                         fields read from each object with bn/bt/bu carried forward by hand
//
// Input: one SenML JSON pack of 64 records, as a gateway receives from a device: bn, bt and bu on
// the first, then n/t/v per record (about 2.2 KB). Items = records; `records/s` is the same rate.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "gateway_workload.hpp"
#include "nerve/io/senml.hpp"

#if NERVE_BENCH_HAVE_NLOHMANN
#include <nlohmann/json.hpp>
#endif

namespace {
constexpr std::size_t pack_records = 64;

const std::string& pack() {
    static const std::string text = nerve_bench::senml_pack(pack_records);
    return text;
}

// What both readers compute from every record, so that neither can skip work.
struct digest {
    double time = 0, value = 0;
    std::size_t name_bytes = 0, unit_bytes = 0, records = 0;
};

void set_counters(benchmark::State& state) {
    const auto records = static_cast<double>(state.iterations() * pack_records);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * pack_records));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * pack().size()));
    state.counters["records/s"] = benchmark::Counter(records, benchmark::Counter::kIsRate);
}

void senml_parse_nerve(benchmark::State& state) {
    const std::string_view text = pack();
    for (auto _ : state) {
        digest d;
        const auto n = nerve::io::read_senml(text, [&](const nerve::io::senml_record& r) {
            d.time += r.time;
            d.value += r.value;
            d.name_bytes += r.base_name.size() + r.name.size();
            d.unit_bytes += r.unit.size();
            ++d.records;
        });
        if (!n || d.records != pack_records) {
            state.SkipWithError("read_senml failed");
            return;
        }
        benchmark::DoNotOptimize(d);
    }
    set_counters(state);
}
BENCHMARK(senml_parse_nerve)->Name("senml_parse/nerve");

#if NERVE_BENCH_HAVE_NLOHMANN
void senml_parse_nlohmann(benchmark::State& state) {
    const std::string& text = pack();
    for (auto _ : state) {
        digest d;
        const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
        if (!j.is_array()) {
            state.SkipWithError("nlohmann::json::parse failed");
            return;
        }
        std::string_view bn, bu;
        double bt = 0;
        for (const auto& rec : j) {
            if (const auto it = rec.find("bn"); it != rec.end()) bn = it->get_ref<const std::string&>();
            if (const auto it = rec.find("bt"); it != rec.end()) bt = it->get<double>();
            if (const auto it = rec.find("bu"); it != rec.end()) bu = it->get_ref<const std::string&>();
            std::string_view name, unit = bu;
            double t = 0, v = 0;
            if (const auto it = rec.find("n"); it != rec.end()) name = it->get_ref<const std::string&>();
            if (const auto it = rec.find("u"); it != rec.end()) unit = it->get_ref<const std::string&>();
            if (const auto it = rec.find("t"); it != rec.end()) t = it->get<double>();
            if (const auto it = rec.find("v"); it != rec.end()) v = it->get<double>();
            d.time += bt + t;
            d.value += v;
            d.name_bytes += bn.size() + name.size();
            d.unit_bytes += unit.size();
            ++d.records;
        }
        if (d.records != pack_records) {
            state.SkipWithError("wrong record count");
            return;
        }
        benchmark::DoNotOptimize(d);
    }
    set_counters(state);
}
BENCHMARK(senml_parse_nlohmann)->Name("senml_parse/nlohmann");
#endif

}  // namespace
