// tests/fuzz/fuzz_wfdb.cpp — WFDB header text, signal files (formats 212 and 16) and
// annotation files (include/nerve/io/wfdb.hpp) from arbitrary bytes.
//
// Feeds: the first two bytes (little-endian) say how many of the following bytes are the
// header text; the rest is the signal file, which is also read as an annotation file.
// Asserts (besides ASan/UBSan finding no out-of-bounds access or undefined behaviour):
//   - every string_view of a parsed header lies inside the header text;
//   - a parsed header has at most max_signals signals, a finite fs in (0, 1e9], finite gains
//     above zero and finite baselines, so to_physical() of any 16-bit sample is not NaN;
//   - check_size and decode agree with samples_in; decode fills exactly what it was asked for,
//     format 212 samples lie in [-2048, 2047];
//   - read_annotations reports times in [0, 2^40), codes in [0, 64), and counts what it reported.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "fuzz_check.hpp"
#include "nerve/io/wfdb.hpp"

namespace wfdb = nerve::io::wfdb;

namespace {

bool inside(std::string_view part, std::string_view whole) {
    if (part.empty()) return true;
    return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

std::int16_t samples[4096];

void check_signal_file(const wfdb::header& h, const wfdb::signal_info& s, std::span<const std::uint8_t> file) {
    const std::uint64_t have = wfdb::samples_in(s.format, file.size());
    const auto sized = wfdb::check_size(h, s.format, h.signal_count, file.size());
    if (s.format != 212 && s.format != 16) NERVE_FUZZ_CHECK(!sized.ok());
    if (sized.ok() && h.samples_per_signal != 0)
        NERVE_FUZZ_CHECK(have >= h.samples_per_signal * h.signal_count);
    // The whole file (up to the buffer), then from an even sample in the middle, then one past.
    const std::uint64_t firsts[3] = {0, (have / 2) & ~std::uint64_t{1}, have + 1};
    for (std::uint64_t first : firsts) {
        const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(have - std::min(first, have), 4096));
        const auto r = wfdb::decode(s.format, file, first, std::span<std::int16_t>(samples, want));
        if ((s.format != 212 && s.format != 16) || first > have) {
            NERVE_FUZZ_CHECK(!r.ok());
            continue;
        }
        NERVE_FUZZ_CHECK(r.ok());
        NERVE_FUZZ_CHECK(r.value() == want);
        wfdb::checksum16 sum;
        for (std::size_t i = 0; i < want; ++i) {
            if (s.format == 212) NERVE_FUZZ_CHECK(samples[i] >= -2048 && samples[i] <= 2047);
            NERVE_FUZZ_CHECK(!std::isnan(s.to_physical(samples[i])));
            sum.add(samples[i]);
        }
        (void)sum.matches(s.checksum);
    }
    // Asking for one sample more than the file holds is refused.
    const auto over = wfdb::decode(s.format, file, 0, std::span<std::int16_t>(samples, static_cast<std::size_t>(std::min<std::uint64_t>(have + 1, 4096))));
    if (have + 1 <= 4096) NERVE_FUZZ_CHECK(!over.ok());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::size_t wanted = data[0] | (std::size_t{data[1]} << 8);
    const std::size_t header_len = std::min(wanted, size - 2);
    const std::string_view text(reinterpret_cast<const char*>(data + 2), header_len);
    const std::span<const std::uint8_t> file(data + 2 + header_len, size - 2 - header_len);

    const auto parsed = wfdb::parse_header(text);
    if (parsed.ok()) {
        const wfdb::header& h = parsed.value();
        NERVE_FUZZ_CHECK(inside(h.record_name, text));
        NERVE_FUZZ_CHECK(h.signal_count <= wfdb::max_signals);
        NERVE_FUZZ_CHECK(std::isfinite(h.fs) && h.fs > 0.0 && h.fs <= 1e9);
        for (std::size_t s = 0; s < h.signal_count; ++s) {
            const wfdb::signal_info& si = h.signals[s];
            NERVE_FUZZ_CHECK(inside(si.file_name, text));
            NERVE_FUZZ_CHECK(si.units == "mV" || inside(si.units, text));
            NERVE_FUZZ_CHECK(inside(si.description, text));
            NERVE_FUZZ_CHECK(std::isfinite(si.gain) && si.gain > 0.0);
            NERVE_FUZZ_CHECK(std::isfinite(si.baseline));
            // An absurd but finite gain (1e-300) may still overflow to +-Inf, never to NaN.
            NERVE_FUZZ_CHECK(!std::isnan(si.to_physical(-32768)) && !std::isnan(si.to_physical(32767)));
            check_signal_file(h, si, file);
        }
    }

    std::size_t calls = 0;
    const auto n = wfdb::read_annotations(file, [&](const wfdb::annotation& a) {
        NERVE_FUZZ_CHECK(a.sample >= 0 && a.sample < (std::int64_t{1} << 40));
        NERVE_FUZZ_CHECK(a.code >= 0 && a.code < 64);
        (void)wfdb::is_beat(a.code);
        ++calls;
    });
    if (n.ok()) NERVE_FUZZ_CHECK(n.value() == calls);
    return 0;
}
