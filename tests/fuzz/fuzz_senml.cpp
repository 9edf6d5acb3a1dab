// tests/fuzz/fuzz_senml.cpp — SenML JSON packs (include/nerve/io/senml.hpp) from arbitrary bytes.
//
// Feeds: the whole input is the pack, read with the default limits.
// Asserts (besides ASan/UBSan finding no out-of-bounds access or undefined behaviour):
//   - every view of a record (base_name, name, unit, text) lies inside the input;
//   - every number (time, value, sum, update_time) is finite; relative_time is time < 2^28;
//     kind is one of the five; a non-number has value 0, only string/data have text;
//   - the full name is what RFC 8428 section 4.5.1 allows (non-empty, A-Za-z0-9 start, only
//     A-Za-z0-9-:./_); senml_full_name writes it exactly into a buffer of its size, refuses one
//     a byte short, and never writes past the buffer it is given (guard bytes stay intact);
//   - the count returned equals the callbacks made; an error is one of the documented codes and
//     carries a message; a second read gives the same outcome; an accepted pack with the byte
//     limit one below its length is refused as out_of_range before any callback.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "fuzz_check.hpp"
#include "nerve/io/senml.hpp"

namespace {

using nerve::errc;
using nerve::io::senml_kind;
using nerve::io::senml_record;

bool inside(std::string_view part, std::string_view whole) {
    if (part.empty()) return true;
    return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

bool name_char(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == ':' ||
           c == '.' || c == '/' || c == '_';
}

constexpr std::size_t guard = 8;
char buf[4096 + 2 * guard];

void check_full_name(const senml_record& r) {
    const std::size_t len = r.base_name.size() + r.name.size();
    NERVE_FUZZ_CHECK(len > 0);
    if (len > sizeof buf - 2 * guard - 1) return;
    for (const std::size_t room : {len, len - 1, std::size_t{0}}) {
        std::memset(buf, 0x5A, sizeof buf);
        const auto n = nerve::io::senml_full_name(r, std::span<char>(buf + guard, room));
        if (room >= len) {
            NERVE_FUZZ_CHECK(n.ok() && n.value().size() == len && n.value().data() == buf + guard);
            NERVE_FUZZ_CHECK(n.value().substr(0, r.base_name.size()) == r.base_name);
            NERVE_FUZZ_CHECK(n.value().substr(r.base_name.size()) == r.name);
            const std::string_view full = n.value();
            const char c = full.front();
            NERVE_FUZZ_CHECK((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
            for (char x : full) NERVE_FUZZ_CHECK(name_char(x));
        } else {
            NERVE_FUZZ_CHECK(n.code() == errc::buffer_too_small);
        }
        for (std::size_t i = 0; i < guard; ++i) NERVE_FUZZ_CHECK(buf[i] == 0x5A);
        for (std::size_t i = guard + room; i < sizeof buf; ++i) NERVE_FUZZ_CHECK(buf[i] == 0x5A);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::size_t calls = 0;
    const auto n = nerve::io::read_senml(text, [&](const senml_record& r) {
        ++calls;
        NERVE_FUZZ_CHECK(inside(r.base_name, text) && inside(r.name, text) && inside(r.unit, text) &&
                         inside(r.text, text));
        NERVE_FUZZ_CHECK(std::isfinite(r.time) && std::isfinite(r.value) && std::isfinite(r.sum) &&
                         std::isfinite(r.update_time));
        NERVE_FUZZ_CHECK(r.relative_time == (r.time < nerve::io::senml_relative_time_limit));
        NERVE_FUZZ_CHECK(r.kind <= senml_kind::sum_only);
        if (r.kind != senml_kind::number) NERVE_FUZZ_CHECK(r.value == 0);
        if (r.kind != senml_kind::string && r.kind != senml_kind::data) NERVE_FUZZ_CHECK(r.text.empty());
        if (r.kind != senml_kind::boolean) NERVE_FUZZ_CHECK(!r.boolean);
        if (!r.has_sum) NERVE_FUZZ_CHECK(r.sum == 0);
        check_full_name(r);
    });
    if (n.ok()) {
        NERVE_FUZZ_CHECK(n.value() == calls);
    } else {
        const errc e = n.code();
        NERVE_FUZZ_CHECK(e == errc::parse_error || e == errc::truncated || e == errc::out_of_range ||
                         e == errc::unsupported || e == errc::version_mismatch);
        NERVE_FUZZ_CHECK(n.message() != nullptr && n.message()[0] != '\0');
    }
    std::size_t again = 0;
    const auto n2 = nerve::io::read_senml(text, [&](const senml_record&) { ++again; });
    NERVE_FUZZ_CHECK(n2.code() == n.code() && again == calls);
    if (n.ok() && size > 0) {
        std::size_t short_calls = 0;
        const auto n3 = nerve::io::read_senml(text, [&](const senml_record&) { ++short_calls; },
                                              nerve::io::senml_limits{65536, size - 1});
        NERVE_FUZZ_CHECK(n3.code() == errc::out_of_range && short_calls == 0);
    }
    return 0;
}
