// tests/fuzz/fuzz_timestamp.cpp — the nerve CLI's time cells and POSIX TZ rules
// (examples/cli/timestamp.{hpp,cpp}) from arbitrary bytes.
//
// Feeds: the input up to its first '\n' as a time cell (parse_date_time), the rest as a TZ rule
// (parse_time_zone); the cell is then resolved in the zone, after the instant 12 hours earlier
// (as for a previous row) and after none.
// Asserts (besides ASan/UBSan: no overflow, no out-of-bounds access):
//   - a parsed cell lies in 1970..9999 (or is 9999-12-31 23:59:60) with an offset within
//     +-18:00; printed back with format_timestamp it parses to the same wall clock (but for that
//     leap second, which prints as 10000-01-01 00:00:00); every other state has a description;
//   - a parsed rule's offsets lie within +-25 h (POSIX hh 0..24 with minutes and seconds), and
//     the offset utc_offset_at gives is the standard or the daylight-saving one;
//   - a resolved time is ok only with the offset the zone has at its instant; a time in the
//     clock gap or with a wrong offset has a description naming the zone.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "../../examples/cli/timestamp.hpp"
#include "fuzz_check.hpp"

namespace cli = nerve::cli;

namespace {

void check_resolved(const cli::time_zone& zone, const cli::date_time& t, long long after) {
    const cli::date_time r = zone.resolve(t, after);
    if (r.ok()) {
        NERVE_FUZZ_CHECK(r.has_offset);
        NERVE_FUZZ_CHECK(zone.utc_offset_at(r.instant()) == r.offset);
        NERVE_FUZZ_CHECK(r.local == t.local);
        NERVE_FUZZ_CHECK(cli::describe_fault(r, &zone).empty());
    } else {
        NERVE_FUZZ_CHECK(!cli::describe_fault(r, &zone).empty());
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    const std::size_t nl = in.find('\n');
    const std::string_view cell = in.substr(0, nl);
    const std::string_view spec = nl == std::string_view::npos ? std::string_view{} : in.substr(nl + 1);

    const cli::date_time t = cli::parse_date_time(cell);
    if (t.ok()) {
        NERVE_FUZZ_CHECK(t.local >= 0 && t.local < 253402300800LL + 86400);  // before 10000-01-02
        NERVE_FUZZ_CHECK(t.offset >= -cli::max_utc_offset && t.offset <= cli::max_utc_offset);
        NERVE_FUZZ_CHECK(t.has_offset || t.offset == 0);
        // 9999-12-31 23:59:60 is 10000-01-01 00:00:00, which has no 4-digit year to read back.
        if (t.local < 253402300800LL) {
            const std::string back = cli::format_timestamp(t.local);
            const cli::date_time again = cli::parse_date_time(back);
            NERVE_FUZZ_CHECK(again.ok() && again.local == t.local && !again.has_offset);
        }
        NERVE_FUZZ_CHECK(cli::describe_fault(t).empty());
        (void)cli::format_utc_offset(t.offset);
    } else {
        NERVE_FUZZ_CHECK(!cli::describe_fault(t).empty());
        if (t.state == cli::date_time::status::no_such_day) NERVE_FUZZ_CHECK(t.month_days >= 28 && t.month_days <= 30);
    }
    if (nl == std::string_view::npos) return 0;

    const auto zone = cli::parse_time_zone(spec);
    if (!zone) {
        NERVE_FUZZ_CHECK(!zone.error.empty());
        return 0;
    }
    const cli::time_zone& z = zone.value;
    NERVE_FUZZ_CHECK(z.standard >= -25 * 3600 && z.standard <= 25 * 3600);
    NERVE_FUZZ_CHECK(z.daylight >= -26 * 3600 && z.daylight <= 26 * 3600);
    (void)cli::format_utc_offset(z.standard);
    if (t.ok()) {
        const int o = z.utc_offset_at(t.instant());
        NERVE_FUZZ_CHECK(o == z.standard || (z.has_daylight && o == z.daylight));
        check_resolved(z, t, std::numeric_limits<long long>::min());
        check_resolved(z, t, t.local - 12 * 3600);
    }
    return 0;
}
