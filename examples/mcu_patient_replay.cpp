// mcu_patient_replay.cpp — `nerve run patient`'s monitor on the Cortex-M4: a WFDB ECG record
// (formats 212 and 16) read through semihosting, fed to patient_monitor<1000, 2> as the tool
// feeds it (the chosen lead, and the first other signal of the same file and unit as the
// fallback lead; one lead when there is none), printing one JSON line per beat
// ({"type":"beat","sample":N,"lead":L}) and a summary. With --firmware-monitor it runs the
// patient firmware's monitor instead (examples/mcu_patient.cpp: patient_monitor<360>, the
// chosen lead alone; 360 Hz records only):
//
//   cmake/qemu-cortex-m4.sh build/cortex-m4/examples/nerve_mcu_patient_replay.elf
//       [--firmware-monitor] PATH/NNN [LEAD]
//
// The lines are the tool's beat lines reduced to what the MIT-BIH scorer reads, so
// ../shared/tools/ecg_eval.py scores the target itself through tools/mcu_nerve.sh, which stands in
// for the tool (`run patient --record R` runs this program under qemu). The cortex-m4 preset
// scores all 27 records so (mcu/replay_scoreboard_ecg, skipped without the data): gross Se and +P
// at least 99.8 %.
//
// The header is read whole (at most 4 KB), the signal file in runs of 256 frames, with the
// header's checksums summed on the way (a mismatch is an error, as in the tool); the monitor is
// constructed at run time in static storage (the rate comes from the header). No heap.
#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <span>
#include <string_view>
#include <type_traits>

#include "mcu_replay_io.hpp"
#include "nerve/io/wfdb.hpp"
#include "nerve/pipelines/patient_monitor.hpp"

namespace {

namespace np = nerve::pipelines;
namespace wfdb = nerve::io::wfdb;
using two_leads_t = np::patient_monitor<1000, 2>;
using one_lead_t = np::patient_monitor<1000>;
using firmware_t = np::patient_monitor<360>;  // examples/mcu_patient.cpp: one lead at 360 Hz
using nerve_examples::read_full;

constexpr std::size_t max_bytes = sizeof(two_leads_t) > sizeof(one_lead_t) ? sizeof(two_leads_t) : sizeof(one_lead_t);
static_assert(sizeof(firmware_t) <= max_bytes);
alignas(two_leads_t) alignas(one_lead_t) alignas(firmware_t) unsigned char monitor_storage[max_bytes];

constexpr std::size_t run_frames = 256;  // even: a 212 run starts on a whole 3-byte group
std::uint8_t bytes[run_frames * wfdb::max_signals * 2];
std::int16_t raw[run_frames * wfdb::max_signals];
char header_text[4096];
char path[512];

int fail(const char* what, const char* detail) { return nerve_examples::fail("mcu_patient_replay", what, detail); }

}  // namespace

int main(int argc, char** argv) {
    const bool firmware = argc > 1 && std::strcmp(argv[1], "--firmware-monitor") == 0;
    if (firmware) {
        --argc;
        ++argv;
    }
    if (argc < 2) {
        std::printf("usage: mcu_patient_replay [--firmware-monitor] PATH/NNN [LEAD]\n");
        return 2;
    }
    const std::string_view base = argv[1];
    const std::size_t lead = argc > 2 ? static_cast<std::size_t>(std::strtoul(argv[2], nullptr, 10)) : 0;
    if (base.size() + 16 > sizeof path) return fail("record path too long: ", argv[1]);
    std::snprintf(path, sizeof path, "%s.hea", argv[1]);
    int fd = open(path, O_RDONLY);
    if (fd < 0) return fail("cannot open ", path);
    const std::size_t text_n = read_full(fd, header_text, sizeof header_text);
    close(fd);
    if (text_n == sizeof header_text) return fail("header larger than 4 KB: ", path);
    const auto parsed = wfdb::parse_header(std::string_view(header_text, text_n));
    if (!parsed) return fail("bad header: ", parsed.message());
    const wfdb::header& h = parsed.value();
    if (lead >= h.signal_count) return fail("lead out of range in ", path);
    if (h.fs < 100.0 || h.fs > 1000.0) return fail("sampling rate outside 100-1000 Hz in ", path);
    const wfdb::signal_info& sig = h.signals[lead];
    if (sig.format != 212 && sig.format != 16) return fail("unsupported signal format in ", path);

    // Signals stored in the same file are interleaved (the tool's rule for the fallback lead).
    const auto layout = wfdb::columns_of(h, lead);
    if (!layout) return fail("bad header: ", layout.message());
    const std::size_t in_file = layout.value().width, column = layout.value().column;
    const std::size_t lead1 = layout.value().companion, column1 = layout.value().companion_column;
    const std::size_t slash = base.rfind('/');
    const std::string_view dir = slash == std::string_view::npos ? std::string_view{} : base.substr(0, slash + 1);
    if (dir.size() + sig.file_name.size() + 1 > sizeof path) return fail("signal path too long for ", argv[1]);
    std::snprintf(path, sizeof path, "%.*s%.*s", static_cast<int>(dir.size()), dir.data(),
                  static_cast<int>(sig.file_name.size()), sig.file_name.data());
    fd = open(path, O_RDONLY);
    if (fd < 0) return fail("cannot open ", path);

    if (firmware && h.fs != 360.0) return fail("the firmware's monitor runs at 360 Hz only: ", path);
    const bool two = !firmware && lead1 < h.signal_count;
    const wfdb::signal_info& sig1 = h.signals[two ? lead1 : lead];
    auto emit = [](const np::monitor_event& e) {
        if (e.kind == np::event_kind::beat)
            std::printf("{\"type\":\"beat\",\"sample\":%lu,\"lead\":%u}\n", static_cast<unsigned long>(e.sample),
                        static_cast<unsigned>(e.lead));
    };
    wfdb::checksum16 sums[wfdb::max_signals];
    std::uint64_t frames = 0;
    const std::uint64_t want = h.samples_per_signal;  // 0: to the end of the file
    const char* error = nullptr;
    // The record through a monitor of type M constructed in monitor_storage; `sample(frame)` is
    // what one frame of the file gives it (one lead, or both). Its beat count, or 0 on an error.
    const auto replay = [&]<class M>(std::type_identity<M>, auto sample) -> std::uint64_t {
        auto* monitor = ::new (monitor_storage) M(nerve::sample_rate{h.fs}, np::monitor_params{});
        for (;;) {
            const std::size_t run_bytes = static_cast<std::size_t>(wfdb::bytes_for(sig.format, run_frames * in_file));
            const std::size_t got = read_full(fd, bytes, run_bytes);
            std::uint64_t n = wfdb::samples_in(sig.format, got) / in_file;
            if (want && frames + n > want) n = want - frames;
            if (n == 0) break;
            const auto d = wfdb::decode(sig.format, std::span<const std::uint8_t>(bytes, got), 0,
                                        std::span<std::int16_t>(raw, static_cast<std::size_t>(n * in_file)));
            if (!d) {
                error = d.message();
                return 0;
            }
            for (std::size_t i = 0; i < n; ++i) {
                const std::int16_t* f = raw + i * in_file;
                for (std::size_t c = 0; c < in_file; ++c) sums[c].add(f[c]);
                monitor->push(sample(f), emit);
            }
            frames += n;
            if (got < run_bytes) break;
        }
        monitor->flush(emit);
        return monitor->beats();
    };
    const auto lead0 = [&](const std::int16_t* f) { return static_cast<float>(sig.to_physical(f[column])); };
    std::uint64_t beats;
    if (two)
        beats = replay(std::type_identity<two_leads_t>{}, [&](const std::int16_t* f) {
            return std::array<float, 2>{lead0(f), static_cast<float>(sig1.to_physical(f[column1]))};
        });
    else if (firmware)
        beats = replay(std::type_identity<firmware_t>{}, lead0);
    else
        beats = replay(std::type_identity<one_lead_t>{}, lead0);
    close(fd);
    if (error) return fail("bad signal file: ", error);
    if (want && frames < want) return fail("signal file shorter than the header says: ", path);
    // The header's checksums (every signal stored in the file), as the tool checks them.
    if (want && wfdb::checksum_mismatch(h, sig.file_name, {sums, in_file}) < h.signal_count)
        return fail("checksum mismatch (corrupt file?): ", path);
    std::printf("{\"type\":\"summary\",\"monitor\":\"%s\",\"samples\":%lu,\"leads\":%u,\"beats\":%lu}\n",
                firmware ? "firmware" : "tool", static_cast<unsigned long>(frames), two ? 2u : 1u,
                static_cast<unsigned long>(beats));
    return 0;
}
