// examples/cli/timestamp.cpp — date-time cells with optional UTC offsets (timestamp.hpp).
#include "timestamp.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "nerve/io/csv.hpp"

namespace nerve::cli {
namespace {

struct civil_date {
    long long year;
    int month, day;
};

// Days since 1970-01-01 of a date of the proleptic Gregorian calendar (H. Hinnant's algorithm).
long long days_from_civil(long long y, long long mo, long long d) {
    y -= mo <= 2;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const long long yoe = y - era * 400;
    const long long doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

// The inverse of days_from_civil.
civil_date civil_from_days(long long days) {
    const long long z = days + 719468;
    const long long era = (z >= 0 ? z : z - 146096) / 146097;
    const long long doe = z - era * 146097;
    const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const long long mp = (5 * doy + 2) / 153;
    const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    return {yoe + era * 400 + (m <= 2), m, d};
}

// Whole days (floor) of seconds since 1970.
long long days_of(long long seconds) { return (seconds >= 0 ? seconds : seconds - 86399) / 86400; }

}  // namespace

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
    const long long y = digits(0, 4);
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
    const long long local = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    if (local < 0) return out;  // before 1970
    out.state = date_time::status::ok;
    out.local = local;
    out.offset = static_cast<int>(offset);
    return out;
}

std::string format_timestamp(long long seconds) {
    const long long days = days_of(seconds);
    const long long sod = seconds - days * 86400;
    const civil_date c = civil_from_days(days);
    return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", c.year, c.month, c.day, sod / 3600, sod / 60 % 60,
                       sod % 60);
}

namespace {

// The instant a rule's change happens in `year`, as seconds since 1970 on the clock in force
// before it (the caller subtracts that clock's offset).
long long change_in(long long year, const time_zone::rule& r) {
    long long day = days_from_civil(year, 1, 1);
    switch (r.kind) {
    case time_zone::rule::form::julian:  // 29 February is never counted: J60 is always 1 March
        day += r.day - 1 + (r.day >= 60 && days_in_month(year, 2) == 29 ? 1 : 0);
        break;
    case time_zone::rule::form::zero_based:
        day += r.day;
        break;
    case time_zone::rule::form::month_week_day: {
        const long long first = days_from_civil(year, r.month, 1);
        const long long weekday = ((first + 4) % 7 + 7) % 7;  // 1970-01-01 was a Thursday (4)
        long long mday = 1 + (r.day - weekday + 7) % 7 + 7 * (r.week - 1);
        while (mday > days_in_month(year, r.month)) mday -= 7;  // week 5: the last one
        day = first + mday - 1;
        break;
    }
    }
    return day * 86400 + r.time;
}

// A reader of a TZ rule: one position in it and the first error met.
struct tz_reader {
    std::string_view s;
    std::size_t at = 0;
    std::string error;

    bool done() const { return at >= s.size(); }
    bool next_is(char c) const { return at < s.size() && s[at] == c; }
    bool fail(std::string_view what) {
        if (error.empty()) error = fmt::format("{} (character {})", what, at + 1);
        return false;
    }
    // 1..max_digits digits, at most `max`.
    bool number(int max_digits, long long max, long long& v) {
        std::size_t n = 0;
        v = 0;
        while (at < s.size() && n < static_cast<std::size_t>(max_digits) && s[at] >= '0' && s[at] <= '9') {
            v = v * 10 + (s[at++] - '0');
            ++n;
        }
        if (n == 0) return fail("a number expected");
        if (v > max) return fail(fmt::format("{} is beyond {}", v, max));
        return true;
    }
    // A zone name: 3+ letters, or <3+ letters, digits, '+' and '-'>.
    bool name(std::string_view what) {
        const std::size_t from = at;
        if (next_is('<')) {
            ++at;
            while (at < s.size() && (std::isalnum(static_cast<unsigned char>(s[at])) || s[at] == '+' || s[at] == '-'))
                ++at;
            if (!next_is('>')) return fail(fmt::format("the {} name's closing '>' expected", what));
            if (at - from - 1 < 3) return fail(fmt::format("the {} name has fewer than 3 characters", what));
            ++at;
            return true;
        }
        while (at < s.size() && std::isalpha(static_cast<unsigned char>(s[at]))) ++at;
        if (at - from < 3) {
            at = from;
            return fail(fmt::format("the {} name (3 or more letters, or <...>) expected", what));
        }
        return true;
    }
    // [+|-]hh[:mm[:ss]] in seconds, hours up to max_hours.
    bool hms(int hour_digits, long long max_hours, long long& seconds) {
        const bool minus = next_is('-');
        if (minus || next_is('+')) ++at;
        long long h = 0, m = 0, sec = 0;
        if (!number(hour_digits, max_hours, h)) return false;
        if (next_is(':')) {
            ++at;
            if (!number(2, 59, m)) return false;
            if (next_is(':')) {
                ++at;
                if (!number(2, 59, sec)) return false;
            }
        }
        seconds = (minus ? -1 : 1) * (h * 3600 + m * 60 + sec);
        return true;
    }
    // Jn, n or Mm.w.d, then [/time].
    bool rule(time_zone::rule& r) {
        long long v = 0;
        if (next_is('J')) {
            ++at;
            r.kind = time_zone::rule::form::julian;
            if (!number(3, 365, v)) return false;
            if (v < 1) return fail("Jn with n 1..365 expected");
            r.day = static_cast<int>(v);
        } else if (next_is('M')) {
            ++at;
            r.kind = time_zone::rule::form::month_week_day;
            long long w = 0, d = 0;
            if (!number(2, 12, v)) return false;
            if (v < 1) return fail("a month 1..12 expected");
            if (!next_is('.')) return fail("'.' expected (Mm.w.d)");
            ++at;
            if (!number(1, 5, w)) return false;
            if (w < 1) return fail("a week 1..5 expected");
            if (!next_is('.')) return fail("'.' expected (Mm.w.d)");
            ++at;
            if (!number(1, 6, d)) return false;
            r.month = static_cast<int>(v);
            r.week = static_cast<int>(w);
            r.day = static_cast<int>(d);
        } else {
            r.kind = time_zone::rule::form::zero_based;
            if (done() || s[at] < '0' || s[at] > '9') return fail("a rule Mm.w.d, Jn or n expected");
            if (!number(3, 365, v)) return false;
            r.day = static_cast<int>(v);
        }
        if (next_is('/')) {
            ++at;
            long long t = 0;
            if (!hms(3, 167, t)) return false;
            r.time = static_cast<int>(t);
        }
        return true;
    }
};

}  // namespace

loaded<time_zone> parse_time_zone(std::string_view spec) {
    loaded<time_zone> out;
    time_zone& z = out.value;
    z.spec = std::string(spec);
    tz_reader in{spec, 0, {}};
    long long offset = 0;
    const bool ok = [&] {
        // ":Europe/Berlin", "Europe/Berlin", "Etc/GMT+1": a file of the tz database, not a rule.
        const std::size_t slash = spec.find('/');
        if (in.next_is(':') || (slash != std::string_view::npos && spec.find_first_of("0123456789") > slash)) {
            in.error = "a zone name such as Europe/Berlin needs the tz database, which nerve does not read; give the "
                       "zone's rule (the last line of its zoneinfo file)";
            return false;
        }
        if (!in.name("standard time") || !in.hms(2, 24, offset)) return false;
        z.standard = static_cast<int>(-offset);  // POSIX counts west of Greenwich
        if (in.done()) return true;
        if (!in.name("daylight-saving time")) return false;
        z.has_daylight = true;
        z.daylight = z.standard + 3600;
        if (!in.next_is(',') && !in.done()) {
            if (!in.hms(2, 24, offset)) return false;
            z.daylight = static_cast<int>(-offset);
        }
        if (in.done())
            return in.fail("the daylight-saving time's rules ',start[/time],end[/time]' expected (nerve assumes no "
                           "default ones)");
        if (!in.next_is(',')) return in.fail("',' expected");
        ++in.at;
        if (!in.rule(z.start)) return false;
        if (!in.next_is(',')) return in.fail("',' and the rule of daylight saving's end expected");
        ++in.at;
        if (!in.rule(z.end)) return false;
        return in.done() || in.fail("nothing expected after the rules");
    }();
    if (!ok)
        out.error = fmt::format("'{}' is not a POSIX TZ rule such as CET-1CEST,M3.5.0,M10.5.0/3: {}", printable(spec),
                                in.error);
    return out;
}

int time_zone::utc_offset_at(long long instant) const {
    if (!has_daylight) return standard;
    const long long year = civil_from_days(days_of(instant)).year;
    const long long begins = change_in(year, start) - standard;
    const long long ends = change_in(year, end) - daylight;
    return (begins <= ends ? instant >= begins && instant < ends : instant < ends || instant >= begins) ? daylight
                                                                                                       : standard;
}

date_time time_zone::resolve(date_time t, long long after) const {
    if (!t.ok()) return t;
    if (t.has_offset) {
        if (utc_offset_at(t.instant()) != t.offset) t.state = date_time::status::zone_offset_mismatch;
        return t;
    }
    // The offsets this wall clock can have, earliest instant (largest offset) first.
    const int other = has_daylight ? daylight : standard;
    int fits[2];
    int n = 0;
    for (const int o : {std::max(standard, other), std::min(standard, other)})
        if ((n == 0 || fits[0] != o) && utc_offset_at(t.local - o) == o) fits[n++] = o;
    if (n == 0) {
        t.state = date_time::status::in_clock_gap;
        return t;
    }
    t.offset = fits[n - 1];
    for (int i = 0; i < n; ++i)
        if (t.local - fits[i] > after) {
            t.offset = fits[i];
            break;
        }
    t.has_offset = true;
    return t;
}

std::string describe_fault(const date_time& t, const time_zone* zone) {
    const std::string spec = zone ? fmt::format("time zone '{}'", printable(zone->spec)) : "the time zone";
    switch (t.state) {
    case date_time::status::ok: return {};
    case date_time::status::not_a_date_time: return "is not a date-time YYYY-MM-DD HH:MM[:SS[.fff]][Z|+HH:MM]";
    case date_time::status::no_such_day:
        return fmt::format("has a day past the end of its month ({} days)", t.month_days);
    case date_time::status::offset_out_of_range: return "has a UTC offset beyond +-18:00";
    case date_time::status::in_clock_gap:
        return fmt::format("is a wall-clock time that {} skips (its clock is put forward over it)", spec);
    case date_time::status::zone_offset_mismatch:
        return fmt::format("states UTC offset {}, {} has {} at that instant", format_utc_offset(t.offset), spec,
                           zone ? format_utc_offset(zone->utc_offset_at(t.instant())) : "another");
    }
    return "is not a date-time";
}

std::string format_utc_offset(int seconds) {
    const int a = seconds < 0 ? -seconds : seconds;
    return fmt::format("{}{:02}:{:02}", seconds < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}

}  // namespace nerve::cli
