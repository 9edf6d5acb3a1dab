// bench/mcu/senml_keyed.cpp — a concentrator MCU receiving SenML packs (CoAP, a radio gateway) and
// keeping a detector per sensor: io/senml.hpp and core/keyed.hpp on the Cortex-M4.
//
// Instructions per call: tools/mcu_icount.py <elf> <symbol>, symbols:
//   nerve_senml_parse_16   read_senml over one pack of 16 records (bn, bt, bu on the first;
//                          n, t, v on each), summing the values: the reader alone
//   nerve_senml_route_16   the same pack, each record's full name joined (senml_full_name) and
//                          routed through keyed<zscore<float>, 32, short_name<24>> to its sensor's
//                          detector: the whole job per pack
// Per record: count / 16. RAM: sizeof the table is printed.
#include <array>
#include <cstdio>
#include <string_view>

#include "nerve/anomaly/zscore.hpp"
#include "nerve/core/keyed.hpp"
#include "nerve/io/senml.hpp"

namespace {
namespace na = nerve::anomaly;
using sensor_name = nerve::short_name<24>;

// 16 sensors of one node, as a node would send them once a minute.
constexpr std::string_view pack =
    R"([{"bn":"node-17/","bt":1.7e9,"bu":"Cel","n":"t0","v":21.5},{"n":"t1","t":1,"v":21.7},)"
    R"({"n":"t2","t":2,"v":22.1},{"n":"t3","t":3,"v":20.9},{"n":"t4","t":4,"v":21.0},)"
    R"({"n":"t5","t":5,"v":21.3},{"n":"t6","t":6,"v":22.4},{"n":"t7","t":7,"v":21.8},)"
    R"({"n":"t8","t":8,"v":21.1},{"n":"t9","t":9,"v":20.7},{"n":"t10","t":10,"v":21.9},)"
    R"({"n":"t11","t":11,"v":22.0},{"n":"t12","t":12,"v":21.6},{"n":"t13","t":13,"v":21.4},)"
    R"({"n":"t14","t":14,"v":20.8},{"n":"t15","t":15,"v":21.2}])";

double g_sum = 0;
std::size_t g_records = 0, g_routed = 0;
nerve::keyed<na::zscore<float>, 32, sensor_name> g_table;
}  // namespace

extern "C" __attribute__((noinline)) void nerve_senml_parse_16(void) {
    const auto n = nerve::io::read_senml(pack, [](const nerve::io::senml_record& r) { g_sum += r.value; });
    g_records = n ? n.value() : 0;
}

extern "C" __attribute__((noinline)) void nerve_senml_route_16(void) {
    (void)nerve::io::read_senml(pack, [](const nerve::io::senml_record& r) {
        std::array<char, sensor_name::max_size> buf;
        const auto name = nerve::io::senml_full_name(r, buf);
        if (!name) return;
        const auto key = sensor_name::from(name.value());
        if (!key) return;
        g_table.push(key.value(), static_cast<float>(r.value), [](const auto&) { ++g_routed; });
    });
}

int main() {
    for (int rep = 0; rep < 3; ++rep) {
        nerve_senml_parse_16();
        nerve_senml_route_16();
    }
    const bool ok = g_records == 16 && g_routed == 48 && g_table.size() == 16 &&
                    g_table.find(sensor_name::from("node-17/t9").value()) != nullptr;
    std::printf("senml_keyed: %u records a pack, %u routed, %u sensors, sizeof table %u (%u per sensor): %s\n",
                static_cast<unsigned>(g_records), static_cast<unsigned>(g_routed), static_cast<unsigned>(g_table.size()),
                static_cast<unsigned>(sizeof(g_table)), static_cast<unsigned>(sizeof(g_table) / 32), ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
