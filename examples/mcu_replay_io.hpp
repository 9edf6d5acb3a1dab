// mcu_replay_io.hpp — file input and output for the Cortex-M4 replay programs
// (examples/mcu_*_replay.cpp), which run the reference pipelines on recorded data under qemu.
// Files are opened on the host through semihosting (newlib's librdimon behind open/read/write);
// nothing here allocates: the callers own every buffer.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cstddef>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "nerve/io/csv.hpp"

namespace nerve_examples {

/// Prints "<program>: <what><detail>" and returns 2, the replay programs' exit code for bad
/// arguments and unreadable or malformed files.
inline int fail(const char* program, const char* what, const char* detail) {
    std::printf("%s: %s%s\n", program, what, detail);
    return 2;
}

/// Reads up to `n` bytes (fewer only at the end of the file); returns how many.
inline std::size_t read_full(int fd, void* to, std::size_t n) {
    std::size_t got = 0;
    while (got < n) {
        const int r = static_cast<int>(read(fd, static_cast<char*>(to) + got, n - got));
        if (r <= 0) break;
        got += static_cast<std::size_t>(r);
    }
    return got;
}

/// Calls `on_line(std::string_view)` for every non-blank line of the file `fd`, read in runs of
/// `buf_n` bytes through `buf` (io::line_cursor over each run's whole lines). Stops early when
/// on_line returns false. Returns false when a line is longer than the buffer.
template <class OnLine>
bool for_each_line(int fd, char* buf, std::size_t buf_n, OnLine&& on_line) {
    std::size_t kept = 0;
    for (bool end = false; !end;) {
        const std::size_t got = read_full(fd, buf + kept, buf_n - kept);
        end = kept + got < buf_n;
        const std::size_t have = kept + got;
        std::size_t whole = have;  // the last run ends the file's last line too
        if (!end) {
            while (whole > 0 && buf[whole - 1] != '\n') --whole;
            if (whole == 0) return false;
        }
        nerve::io::line_cursor lines(std::string_view(buf, whole));
        std::string_view line;
        while (lines.next(line))
            if (!on_line(line)) return true;
        kept = have - whole;
        std::memmove(buf, buf + whole, kept);
    }
    return true;
}

/// Formatted output collected in a caller's buffer and written to `fd` when it fills.
class buffered_output {
public:
    buffered_output(int fd, char* buf, std::size_t n) : fd_(fd), buf_(buf), n_(n) {}

    template <class... A>
    void print(const char* fmt, A... a) {
        if (used_ + line_max > n_) flush();
        const int w = std::snprintf(buf_ + used_, n_ - used_, fmt, a...);
        if (w < 0 || static_cast<std::size_t>(w) >= n_ - used_) failed_ = true;
        else used_ += static_cast<std::size_t>(w);
    }
    void write_text(std::string_view s) {
        if (used_ + s.size() > n_) flush();
        if (s.size() > n_) {
            failed_ = true;
            return;
        }
        std::memcpy(buf_ + used_, s.data(), s.size());
        used_ += s.size();
    }
    void flush() {
        if (used_ > 0 && write(fd_, buf_, used_) != static_cast<int>(used_)) failed_ = true;
        used_ = 0;
    }
    /// Flushes; false when any write or line failed.
    bool finish() {
        flush();
        return !failed_;
    }

private:
    static constexpr std::size_t line_max = 256;  // the longest line print() is given room for
    int fd_;
    char* buf_;
    std::size_t n_, used_ = 0;
    bool failed_ = false;
};

/// The `nerve` tool's missing-value markers (examples/cli/cli.cpp is_missing_marker: empty, NaN,
/// NA, N/A, null, none, "-", Inf, in any case), without std::string.
inline bool is_missing_marker(std::string_view cell) {
    const std::string_view c = nerve::io::unquote(cell);
    constexpr std::string_view markers[] = {"", "nan", "-nan", "+nan", "na", "n/a", "null", "none", "-", "inf",
                                            "-inf", "+inf", "infinity", "-infinity", "+infinity"};
    for (const std::string_view m : markers) {
        if (m.size() != c.size()) continue;
        bool same = true;
        for (std::size_t i = 0; i < m.size() && same; ++i) {
            const char ch = c[i] >= 'A' && c[i] <= 'Z' ? static_cast<char>(c[i] - 'A' + 'a') : c[i];
            same = ch == m[i];
        }
        if (same) return true;
    }
    return false;
}

}  // namespace nerve_examples
