// examples/cli/timestamp.cpp — date-time cells with optional UTC offsets (timestamp.hpp).
#include "timestamp.hpp"

#include <fmt/format.h>

#include "nerve/io/csv.hpp"

namespace nerve::cli {

int days_in_month(long long year, int month) {
    constexpr int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    return days[month - 1] + (month == 2 && leap ? 1 : 0);
}

date_time parse_date_time(std::string_view cell) {
    const std::string_view s = io::unquote(cell);
    date_time out;
    // The value of s[pos, pos + len) when it is all digits, else -1.
    const auto digits = [&](std::size_t pos, std::size_t len) {
        if (pos + len > s.size()) return -1LL;
        long long v = 0;
        for (std::size_t i = pos; i < pos + len; ++i) {
            if (s[i] < '0' || s[i] > '9') return -1LL;
            v = v * 10 + (s[i] - '0');
        }
        return v;
    };
    // YYYY-MM-DD[ T]HH:MM[:SS]
    if (s.size() < 16 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':') return out;
    long long y = digits(0, 4);
    const long long mo = digits(5, 2), d = digits(8, 2), h = digits(11, 2), mi = digits(14, 2);
    long long se = 0;
    std::size_t end = 16;
    if (s.size() > 16 && s[16] == ':') {
        se = digits(17, 2);
        end = 19;
    }
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60)
        return out;
    // A fraction of a second: dropped (the second it falls in).
    if (end == 19 && s.size() > 19 && s[19] == '.') {
        std::size_t n = 0;
        while (20 + n < s.size() && s[20 + n] >= '0' && s[20 + n] <= '9') ++n;
        if (n < 1 || n > 9) return out;
        end = 20 + n;
    }
    // The offset: Z, or +HH, +HHMM, +HH:MM (and '-') with minutes 00..59; nothing else may follow.
    const std::string_view zone = s.substr(end);
    long long offset = 0;
    if (zone == "Z" || zone == "z") {
        out.has_offset = true;
    } else if (!zone.empty()) {
        const bool colon = zone.size() == 6 && zone[3] == ':';
        if ((zone[0] != '+' && zone[0] != '-') || (zone.size() != 3 && zone.size() != 5 && !colon)) return out;
        const long long hours = digits(end + 1, 2);
        const long long minutes = zone.size() == 3 ? 0 : digits(end + (colon ? 4 : 3), 2);
        if (hours < 0 || minutes < 0 || minutes > 59) return out;
        offset = (zone[0] == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
        out.has_offset = true;
        if (offset > max_utc_offset || offset < -max_utc_offset) {
            out.state = date_time::status::offset_out_of_range;
            return out;
        }
    }
    // Checked after the shape: 2021-02-29 is a date-time with a day its month lacks, not text.
    if (d > days_in_month(y, static_cast<int>(mo))) {
        out.state = date_time::status::no_such_day;
        out.month_days = days_in_month(y, static_cast<int>(mo));
        return out;
    }
    // Days from civil (proleptic Gregorian).
    y -= mo <= 2;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const long long yoe = y - era * 400;
    const long long doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    const long long local = (era * 146097 + doe - 719468) * 86400 + h * 3600 + mi * 60 + se;
    if (local < 0) return out;  // before 1970
    out.state = date_time::status::ok;
    out.local = local;
    out.offset = static_cast<int>(offset);
    return out;
}

std::string format_timestamp(long long seconds) {
    // Civil from days (proleptic Gregorian), the inverse of parse_date_time's.
    const long long days = (seconds >= 0 ? seconds : seconds - 86399) / 86400;
    const long long sod = seconds - days * 86400;
    const long long z = days + 719468;
    const long long era = (z >= 0 ? z : z - 146096) / 146097;
    const long long doe = z - era * 146097;
    const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const long long mp = (5 * doy + 2) / 153;
    const long long d = doy - (153 * mp + 2) / 5 + 1;
    const long long m = mp < 10 ? mp + 3 : mp - 9;
    const long long y = yoe + era * 400 + (m <= 2);
    return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", y, m, d, sod / 3600, sod / 60 % 60, sod % 60);
}

std::string format_utc_offset(int seconds) {
    const int a = seconds < 0 ? -seconds : seconds;
    return fmt::format("{}{:02}:{:02}", seconds < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}

}  // namespace nerve::cli
