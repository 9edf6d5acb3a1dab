// examples/cli/timestamp.hpp — the date-times of a CSV time column (hosts only): ISO 8601 /
// RFC 3339 stamps with an optional UTC offset, as smart-meter exports, AMI head-ends and pandas'
// to_csv of a time-zone-aware index write them.
//
//   2021-03-28 01:00            2021-03-28T01:00:00.250      (no offset: the wall clock, no zone)
//   2021-03-28T01:00:00Z        2021-03-28T03:00:00+02:00    2021-10-31 02:00:00+0100   ...-05
//
// A stamp with an offset names one instant (local - offset) AND the wall clock the file's owner
// lived by: nerve run metering judges order, duplicates and gaps on the instant and builds
// calendar days on the wall clock; a stamp without one is the wall clock alone, as before offsets
// were read (order and days both on it).
#pragma once

#include <string>
#include <string_view>

namespace nerve::cli {

/// A date-time cell of a time column, or why it is not one.
struct date_time {
    enum class status { ok, not_a_date_time, no_such_day, offset_out_of_range };
    status state = status::not_a_date_time;
    long long local = -1;     ///< seconds since 1970-01-01 00:00 of the wall clock as written (a fraction dropped)
    int offset = 0;           ///< the stated UTC offset, seconds east of Greenwich (0 without one)
    bool has_offset = false;  ///< the stamp states an offset ('Z' included)
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

/// "YYYY-MM-DD HH:MM:SS" of seconds since 1970 (the inverse of parse_date_time's wall clock).
std::string format_timestamp(long long seconds);

/// "+HH:MM" / "-HH:MM" of an offset in seconds ("+00:00" for UTC).
std::string format_utc_offset(int seconds);

}  // namespace nerve::cli
