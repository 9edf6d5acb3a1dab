// examples/cli/timestamp.hpp — the date-times of a CSV time column (hosted targets only): ISO 8601 /
// RFC 3339 stamps with an optional UTC offset, as smart-meter exports, AMI head-ends and pandas'
// to_csv of a time-zone-aware index write them.
//
//   2021-03-28 01:00            2021-03-28T01:00:00.250      (no offset: the wall clock, no zone)
//   2021-03-28T01:00:00Z        2021-03-28T03:00:00+02:00    2021-10-31 02:00:00+0100   ...-05
//
// A stamp with an offset names one instant (local - offset) AND the wall clock the file's owner
// lived by: nerve run metering judges order, duplicates and gaps on the instant and builds
// calendar days on the wall clock; a stamp without one is the wall clock alone, as before offsets
// were read (order and days both on it), unless a time zone (time_zone: a POSIX TZ rule such as
// CET-1CEST,M3.5.0,M10.5.0/3) says which instant it names.
#pragma once

#include <limits>
#include <string>
#include <string_view>

#include "cli.hpp"

namespace nerve::cli {

/// A date-time cell of a time column, or why it is not one.
struct date_time {
    /// in_clock_gap and zone_offset_mismatch come from time_zone::resolve.
    enum class status { ok, not_a_date_time, no_such_day, offset_out_of_range, in_clock_gap, zone_offset_mismatch };
    status state = status::not_a_date_time;
    long long local = -1;     ///< seconds since 1970-01-01 00:00 of the wall clock as written (a fraction dropped)
    int offset = 0;           ///< the stated UTC offset, seconds east of Greenwich (0 without one)
    bool has_offset = false;  ///< the stamp states an offset ('Z' included), or time_zone::resolve gave it one
    int month_days = 0;       ///< no_such_day: the days its month has (28 for 2021-02-29)

    bool ok() const { return state == status::ok; }
    /// The instant, seconds since 1970 UTC; the wall clock itself without an offset.
    long long instant() const { return local - offset; }
};

/// The largest UTC offset a stamp may state (ISO 8601 allows more digits than any zone uses;
/// real ones lie within -12:00..+14:00, java.time's limit of +-18:00 leaves room).
inline constexpr int max_utc_offset = 18 * 3600;

/// Parses `YYYY-MM-DD[ T]HH:MM[:SS[.f]]` (1 to 9 fraction digits, dropped: the second it falls in)
/// with an optional offset right after the time: `Z` (or `z`), `+HH:MM`, `+HHMM`, `+HH` (or `-`).
/// Quotes and spaces around the cell are allowed; anything else after the time, a date before
/// 1970, or a field out of range is not_a_date_time; a day past its month's end (2021-02-29,
/// 2021-04-31: days_in_month) is no_such_day; an offset beyond +-18:00 is offset_out_of_range.
date_time parse_date_time(std::string_view cell);

/// The days of a month (1..12) of the proleptic Gregorian calendar: February has 29 in years
/// divisible by 4 but not by 100, and in those divisible by 400.
int days_in_month(long long year, int month);

/// A time zone given as a POSIX TZ rule (POSIX.1-2017 section 8.3, the TZ variable's format without
/// the implementation-defined ':' form): `std offset [dst [offset] ,start[/time],end[/time]]`, e.g.
/// "CET-1CEST,M3.5.0,M10.5.0/3", "EST5EDT,M3.2.0,M11.1.0", "UTC0", "<+0530>-5:30". Names are 3+
/// letters or <3+ letters, digits, + and -> (a name alone says nothing: the offsets and rules do);
/// POSIX writes offsets west of Greenwich (CET-1 is UTC+01:00), hh[:mm[:ss]] with hh 0..24, and the
/// daylight-saving offset defaults to one hour ahead of standard. A rule is Jn (1..365, 29 February
/// never counted), n (0..365, counted) or Mm.w.d (weekday d, 0 = Sunday, of week w, 5 = the last,
/// of month m), at /time on the clock in force before the change (default 02:00; -167..167 h, the
/// extension of RFC 8536 that zoneinfo footers use). Worked out here, not with the C library's
/// tzset/localtime: the answers are the same on every machine and need no tz database. Unlike
/// POSIX, a daylight-saving time without its two rules is refused rather than given a default.
struct time_zone {
    /// When daylight saving begins or ends: a day of the year and a time of that day.
    struct rule {
        enum class form { julian, zero_based, month_week_day };
        form kind = form::month_week_day;
        int day = 0;      ///< Jn: n (1..365); n: n (0..365); Mm.w.d: the weekday d (0..6, 0 = Sunday)
        int month = 0;    ///< Mm.w.d: m (1..12)
        int week = 0;     ///< Mm.w.d: w (1..5, 5 = the last such weekday of the month)
        int time = 7200;  ///< seconds after that day's midnight on the clock in force before the change
    };
    std::string spec;          ///< the rule as given
    int standard = 0;          ///< the standard time's UTC offset, seconds east of Greenwich
    int daylight = 0;          ///< the daylight-saving time's (has_daylight)
    bool has_daylight = false;
    rule start, end;           ///< daylight saving begins (on the standard clock), ends (on its own)

    /// The UTC offset in force at an instant (seconds since 1970 UTC). As POSIX (and glibc) read a
    /// rule: the changes of the instant's UTC year; start after end means daylight saving spans
    /// the new year (the southern hemisphere).
    int utc_offset_at(long long instant) const;

    /// A row's time in this zone. A stamp that states its offset keeps it (state
    /// zone_offset_mismatch when that is not the zone's offset at its instant). A wall clock
    /// without one gets the offset that makes it an instant of this zone: none when the clock was
    /// put forward over it (state in_clock_gap); in a repeated hour (the clock put back) the
    /// earliest that comes after `after`, the previous row's instant, so that a time going
    /// backwards within that hour is its second pass; the latest when none does (the caller's
    /// order check then refuses it). Other states pass through.
    date_time resolve(date_time t, long long after = std::numeric_limits<long long>::min()) const;
};

/// Parses a POSIX TZ rule (time_zone); the error says what was expected and at which character.
loaded<time_zone> parse_time_zone(std::string_view spec);

/// Why a time cell is not a usable time, in words that follow the quoted cell in an error
/// ("'2021-03-28 02:30' is a wall-clock time that time zone '...' skips ..."), so that every
/// subcommand names the same fault the same way. `zone` is the time zone the stamp was resolved
/// in (time_zone::resolve; in_clock_gap and zone_offset_mismatch name it); empty for an ok time.
std::string describe_fault(const date_time& t, const time_zone* zone = nullptr);

/// "YYYY-MM-DD HH:MM:SS" of seconds since 1970 (the inverse of parse_date_time's wall clock).
std::string format_timestamp(long long seconds);

/// "+HH:MM" / "-HH:MM" of an offset in seconds ("+00:00" for UTC).
std::string format_utc_offset(int seconds);

}  // namespace nerve::cli
