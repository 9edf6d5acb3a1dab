// nerve/io/wfdb.hpp — PhysioNet WFDB records: text header, signal formats 212 and 16, and
// MIT annotation (.atr) files.
//
//   auto h = nerve::io::wfdb::parse_header(header_text);        // string_views into the text
//   auto n = nerve::io::wfdb::decode(h.value().signals[0].format, dat_bytes, frame_count * nsig, out);
//
// Header (https://physionet.org/physiotools/wag/header-5.htm), one record line then one line
// per signal; blank lines and lines starting with '#' (comments, patient information) are
// skipped wherever they are:
//   record:  name[/segments] nsig [fs[/counterfreq][(basecounter)] [nsamp [time [date]]]]
//   signal:  file format[xspf][:skew][+offset] [gain[(baseline)][/units] [adcres [adczero
//            [initval [checksum [blocksize [description...]]]]]]]
// Missing fields take WFDB's defaults (fs 250 Hz, gain 200 adu per unit, baseline = ADC zero).
// Multi-segment records, samples-per-frame > 1, skew and byte offsets are refused as
// `unsupported`; formats other than 212 and 16 are refused when decoding.
//
// Nothing allocates and nothing reads outside the given views: the parser keeps string_views
// into the caller's header text (keep it alive), the decoders write into caller spans, and
// every malformed header, short or corrupt file is a nerve::result error with a message.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>

#include "../core/byte_order.hpp"
#include "../core/result.hpp"

namespace nerve::io::wfdb {

inline constexpr std::size_t max_signals = 32;

struct signal_info {
    std::string_view file_name;
    int format = 0;               // 212, 16, ...
    double gain = 200.0;          // adu per physical unit (0 in the file means 200)
    double baseline = 0.0;        // adu of physical zero (defaults to adc_zero)
    std::string_view units;       // "mV" when not given
    int adc_resolution = 0;       // bits (0: default for the format)
    int adc_zero = 0;
    int initial_value = 0;
    int checksum = 0;             // 16-bit sum of all samples (when has_checksum)
    bool has_checksum = false;
    int block_size = 0;
    std::string_view description;

    /// Physical value of an ADC sample.
    constexpr double to_physical(int adu) const noexcept { return (adu - baseline) / gain; }
};

struct header {
    std::string_view record_name;
    std::size_t signal_count = 0;
    double fs = 250.0;
    std::uint64_t samples_per_signal = 0;  // 0: not given (derive from the file size)
    std::array<signal_info, max_signals> signals{};
};

namespace detail {

constexpr bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r'; }

/// Splits off the next whitespace-separated token of `s` (empty at the end).
constexpr std::string_view next_token(std::string_view& s) noexcept {
    std::size_t i = 0;
    while (i < s.size() && is_space(s[i])) ++i;
    std::size_t j = i;
    while (j < s.size() && !is_space(s[j])) ++j;
    const std::string_view t = s.substr(i, j - i);
    s = s.substr(j);
    return t;
}

/// Whole-token signed integer (bounded to 18 digits, no overflow).
constexpr bool parse_int(std::string_view t, long long& out) noexcept {
    if (t.empty()) return false;
    std::size_t i = 0;
    bool neg = false;
    if (t[0] == '+' || t[0] == '-') { neg = t[0] == '-'; i = 1; }
    if (i == t.size() || t.size() - i > 18) return false;
    long long v = 0;
    for (; i < t.size(); ++i) {
        if (t[i] < '0' || t[i] > '9') return false;
        v = v * 10 + (t[i] - '0');
    }
    out = neg ? -v : v;
    return true;
}

/// Whole-token decimal number: [sign] digits [. digits] [e [sign] digits] (bounded lengths),
/// refused when it overflows double (99999999999e300 would otherwise become a gain of Inf).
constexpr bool parse_real(std::string_view t, double& out) noexcept {
    if (t.empty() || t.size() > 40) return false;
    std::size_t i = 0;
    bool neg = false;
    if (t[0] == '+' || t[0] == '-') { neg = t[0] == '-'; i = 1; }
    double v = 0.0;
    int digits = 0;
    for (; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i, ++digits) v = v * 10.0 + (t[i] - '0');
    if (i < t.size() && t[i] == '.') {
        double scale = 0.1;
        for (++i; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i, ++digits, scale *= 0.1) v += (t[i] - '0') * scale;
    }
    if (digits == 0) return false;
    if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
        long long e = 0;
        if (!parse_int(t.substr(i + 1), e) || e > 300 || e < -300) return false;
        for (; e > 0; --e) v *= 10.0;
        for (; e < 0; ++e) v /= 10.0;
        i = t.size();
    }
    if (i != t.size() || !(v <= std::numeric_limits<double>::max())) return false;
    out = neg ? -v : v;
    return true;
}

/// Next line that is neither blank nor a comment; false at the end.
constexpr bool next_content_line(std::string_view& rest, std::string_view& line) noexcept {
    while (!rest.empty()) {
        const std::size_t end = rest.find('\n');
        std::string_view l = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
        std::size_t i = 0;
        while (i < l.size() && is_space(l[i])) ++i;
        if (i == l.size() || l[i] == '#') continue;
        while (!l.empty() && is_space(l.back())) l.remove_suffix(1);
        line = l.substr(i);
        return true;
    }
    return false;
}

}  // namespace detail

/// Parses a WFDB header. The result's string_views point into `text`.
constexpr result<header> parse_header(std::string_view text) noexcept {
    using detail::next_token;
    header h;
    std::string_view rest = text, line;
    if (!detail::next_content_line(rest, line)) return {errc::truncated, "WFDB header: no record line"};
    // Record line.
    std::string_view f = line;
    h.record_name = next_token(f);
    if (h.record_name.find('/') != std::string_view::npos)
        return {errc::unsupported, "WFDB header: multi-segment records are not supported"};
    long long v = 0;
    const std::string_view nsig = next_token(f);
    if (!detail::parse_int(nsig, v) || v < 0)
        return {errc::parse_error, "WFDB header: record line needs a non-negative signal count"};
    if (v > static_cast<long long>(max_signals))
        return {errc::out_of_range, "WFDB header: more signals than nerve::io::wfdb::max_signals"};
    h.signal_count = static_cast<std::size_t>(v);
    if (std::string_view t = next_token(f); !t.empty()) {
        // fs[/counter[(base)]]: only the sampling frequency is used.
        const std::size_t cut = t.find_first_of("/(");
        double fs = 0.0;
        if (!detail::parse_real(t.substr(0, cut), fs) || !(fs > 0.0) || fs > 1e9)
            return {errc::parse_error, "WFDB header: bad sampling frequency on the record line"};
        h.fs = fs;
        if (std::string_view n = next_token(f); !n.empty()) {
            if (!detail::parse_int(n, v) || v < 0)
                return {errc::parse_error, "WFDB header: bad number of samples on the record line"};
            h.samples_per_signal = static_cast<std::uint64_t>(v);
        }
    }
    // Signal lines.
    for (std::size_t s = 0; s < h.signal_count; ++s) {
        if (!detail::next_content_line(rest, line))
            return {errc::truncated, "WFDB header: fewer signal lines than the record line announces"};
        signal_info& si = h.signals[s];
        f = line;
        si.file_name = next_token(f);
        std::string_view fmt = next_token(f);
        if (fmt.empty()) return {errc::parse_error, "WFDB header: signal line without a format"};
        const std::size_t mods = fmt.find_first_of("x:+");
        if (mods != std::string_view::npos)
            return {errc::unsupported, "WFDB header: samples-per-frame, skew and byte offsets are not supported"};
        if (!detail::parse_int(fmt, v) || v < 0 || v > 1000)
            return {errc::parse_error, "WFDB header: bad signal format"};
        si.format = static_cast<int>(v);
        si.units = "mV";
        bool baseline_given = false;
        if (std::string_view g = next_token(f); !g.empty()) {
            std::string_view units;
            if (const std::size_t sl = g.find('/'); sl != std::string_view::npos) {
                units = g.substr(sl + 1);
                g = g.substr(0, sl);
                if (units.empty()) return {errc::parse_error, "WFDB header: empty units after '/'"};
                si.units = units;
            }
            if (const std::size_t par = g.find('('); par != std::string_view::npos) {
                if (g.back() != ')') return {errc::parse_error, "WFDB header: baseline '(' without ')'"};
                double b = 0.0;
                if (!detail::parse_real(g.substr(par + 1, g.size() - par - 2), b))
                    return {errc::parse_error, "WFDB header: bad baseline"};
                si.baseline = b;
                baseline_given = true;
                g = g.substr(0, par);
            }
            double gain = 0.0;
            if (!detail::parse_real(g, gain) || gain < 0.0) return {errc::parse_error, "WFDB header: bad gain"};
            si.gain = gain == 0.0 ? 200.0 : gain;
            const char* const bad[] = {"WFDB header: bad ADC resolution", "WFDB header: bad ADC zero",
                                       "WFDB header: bad initial value", "WFDB header: bad checksum",
                                       "WFDB header: bad block size"};
            long long vals[5] = {0, 0, 0, 0, 0};
            int k = 0;
            for (; k < 5; ++k) {
                const std::string_view t = next_token(f);
                if (t.empty()) break;
                if (!detail::parse_int(t, vals[k]) || vals[k] < -2147483647LL || vals[k] > 2147483647LL)
                    return {errc::parse_error, bad[k]};
            }
            if (vals[0] < 0 || vals[0] > 32) return {errc::parse_error, "WFDB header: ADC resolution out of range"};
            si.adc_resolution = static_cast<int>(vals[0]);
            si.adc_zero = static_cast<int>(vals[1]);
            si.initial_value = k > 2 ? static_cast<int>(vals[2]) : si.adc_zero;
            si.checksum = static_cast<int>(vals[3]);
            si.has_checksum = k > 3;
            si.block_size = static_cast<int>(vals[4]);
            // The description is the rest of the line (it may contain spaces).
            std::size_t i = 0;
            while (i < f.size() && detail::is_space(f[i])) ++i;
            si.description = f.substr(i);
        }
        if (!baseline_given) si.baseline = si.adc_zero;
    }
    return h;
}

/// Bytes that `samples` samples take in `format` (rounded up), 0 for an unknown format.
constexpr std::uint64_t bytes_for(int format, std::uint64_t samples) noexcept {
    switch (format) {
        case 212: return (samples * 3 + 1) / 2;
        case 16: return samples * 2;
        default: return 0;
    }
}

/// Whole samples held by `bytes` bytes of `format` (0 for an unknown format).
constexpr std::uint64_t samples_in(int format, std::uint64_t bytes) noexcept {
    switch (format) {
        case 212: return (bytes / 3) * 2 + (bytes % 3 == 2 ? 1 : 0);
        case 16: return bytes / 2;
        default: return 0;
    }
}

/// Decodes `out.size()` consecutive samples, starting at sample `first` (all signals of the
/// file interleaved, as stored), from the whole file's bytes. Errors: unsupported format,
/// or `truncated` when the file ends first. For format 212, `first` must be even (a 3-byte
/// group holds two samples).
constexpr result<std::size_t> decode(int format, std::span<const std::uint8_t> file, std::uint64_t first,
                                     std::span<std::int16_t> out) noexcept {
    if (format != 212 && format != 16)
        return {errc::unsupported, "WFDB: only signal formats 212 and 16 are supported"};
    const std::uint64_t have = samples_in(format, file.size());
    if (first > have || out.size() > have - first)
        return {errc::truncated, "WFDB: signal file is shorter than the samples requested (truncated file?)"};
    if (format == 16) {
        for (std::size_t i = 0; i < out.size(); ++i) {
            const std::size_t b = static_cast<std::size_t>((first + i) * 2);
            out[i] = static_cast<std::int16_t>(load_le16(file.data() + b));
        }
        return out.size();
    }
    if (first % 2 != 0) return {errc::invalid_argument, "WFDB: format 212 decoding must start at an even sample"};
    for (std::size_t i = 0; i < out.size(); ++i) {
        const std::uint64_t s = first + i;
        const std::size_t b = static_cast<std::size_t>((s / 2) * 3);
        int v;
        if (s % 2 == 0) v = file[b] | ((file[b + 1] & 0x0F) << 8);
        else v = file[b + 2] | ((file[b + 1] & 0xF0) << 4);
        if (v > 2047) v -= 4096;  // 12-bit two's complement
        out[i] = static_cast<std::int16_t>(v);
    }
    return out.size();
}

/// Checks that a signal file of `file_bytes` bytes holds every frame the header announces for
/// the `signals_in_file` signals stored in it.
constexpr result<void> check_size(const header& h, int format, std::size_t signals_in_file,
                                  std::uint64_t file_bytes) noexcept {
    if (format != 212 && format != 16)
        return {errc::unsupported, "WFDB: only signal formats 212 and 16 are supported"};
    if (h.samples_per_signal == 0) return {};
    if (h.samples_per_signal > (std::uint64_t{1} << 40))
        return {errc::out_of_range, "WFDB header: implausible number of samples"};
    if (samples_in(format, file_bytes) < h.samples_per_signal * signals_in_file)
        return {errc::truncated, "WFDB: signal file is shorter than the header's number of samples (truncated file)"};
    return {};
}

/// 16-bit wrap-around sum of one signal's samples, as stored in the header's checksum field.
struct checksum16 {
    std::uint16_t sum = 0;
    constexpr void add(int sample) noexcept { sum = static_cast<std::uint16_t>(sum + static_cast<std::uint16_t>(sample)); }
    constexpr bool matches(int header_checksum) const noexcept {
        return sum == static_cast<std::uint16_t>(header_checksum);
    }
};

/// Where signal `s` sits in its signal file, whose signals are stored interleaved frame by frame,
/// and the first other signal of that file in the same unit: a second lead of the same kind, the
/// patient pipeline's fallback lead (`companion == signal_count` when there is none).
struct file_columns {
    std::size_t width = 0;             ///< signals stored in the file: samples per frame
    std::size_t column = 0;            ///< signal s's place in a frame
    std::size_t companion = 0;         ///< index of the companion signal in header::signals
    std::size_t companion_column = 0;  ///< its place in a frame
};

/// Precondition s < h.signal_count. Fails when the signals sharing the file differ in format
/// (their frames could not be cut apart).
constexpr result<file_columns> columns_of(const header& h, std::size_t s) noexcept {
    const signal_info& sig = h.signals[s];
    file_columns c;
    c.companion = h.signal_count;
    for (std::size_t k = 0; k < h.signal_count; ++k) {
        const signal_info& other = h.signals[k];
        if (other.file_name != sig.file_name) continue;
        if (other.format != sig.format) return {errc::parse_error, "WFDB header: signals sharing a file differ in format"};
        if (k == s) {
            c.column = c.width;
        } else if (c.companion == h.signal_count && other.units == sig.units) {
            c.companion = k;
            c.companion_column = c.width;
        }
        ++c.width;
    }
    return c;
}

/// Compares the header's checksums of the signals stored in `file_name` with `column_sums`, the
/// sums of that file's columns in frame order. The first signal that disagrees, or
/// h.signal_count when all agree (a signal without a checksum always does).
constexpr std::size_t checksum_mismatch(const header& h, std::string_view file_name,
                                        std::span<const checksum16> column_sums) noexcept {
    std::size_t column = 0;
    for (std::size_t k = 0; k < h.signal_count; ++k) {
        const signal_info& si = h.signals[k];
        if (si.file_name != file_name) continue;
        const std::size_t col = column++;
        if (col >= column_sums.size()) return k;
        if (si.has_checksum && !column_sums[col].matches(si.checksum)) return k;
    }
    return h.signal_count;
}

// ---- annotations -------------------------------------------------------------------------

/// One annotation: time in samples from the record start and its MIT code (1 = N, 5 = V, ...).
struct annotation {
    std::int64_t sample = 0;
    int code = 0;
};

/// True for the annotation codes that mark a beat (ANSI/AAMI EC57; as PhysioNet's isqrs).
constexpr bool is_beat(int code) noexcept {
    switch (code) {
        case 1: case 2: case 3: case 4: case 5: case 6: case 7: case 8: case 9: case 10: case 11:
        case 12: case 13: case 25: case 34: case 35: case 38:
            return true;
        default:
            return false;
    }
}

/// Reads an MIT-format annotation file, calling `on(annotation)` for each timed annotation
/// (NUM/SUB/CHN/AUX modifiers are skipped). Returns the number of annotations. Errors: a SKIP
/// or AUX that runs past the end, or an annotation time that leaves [0, 2^40).
template <class F>
constexpr result<std::size_t> read_annotations(std::span<const std::uint8_t> bytes, F&& on) noexcept {
    std::int64_t t = 0;
    std::size_t i = 0, count = 0;
    while (i + 1 < bytes.size()) {
        const unsigned w = load_le16(bytes.data() + i);
        i += 2;
        const int code = static_cast<int>(w >> 10);
        const unsigned d = w & 0x3FFu;
        if (code == 0 && d == 0) return count;  // end of file
        if (code == 59) {                        // SKIP: 32-bit interval, high word first
            if (bytes.size() - i < 4) return {errc::truncated, "WFDB annotations: SKIP runs past the end"};
            const std::uint32_t hi = load_le16(bytes.data() + i);
            const std::uint32_t lo = load_le16(bytes.data() + i + 2);
            i += 4;
            t += static_cast<std::int32_t>((hi << 16) | lo);
        } else if (code == 60 || code == 61 || code == 62) {
            // NUM, SUB, CHN: modify the previous annotation; no time step
        } else if (code == 63) {  // AUX: d bytes of text, padded to even
            const std::size_t len = d + (d & 1u);
            if (bytes.size() - i < len) return {errc::truncated, "WFDB annotations: AUX text runs past the end"};
            i += len;
        } else {
            t += d;
            if (t < 0 || t >= (std::int64_t{1} << 40))
                return {errc::out_of_range, "WFDB annotations: annotation time out of range"};
            on(annotation{t, code});
            ++count;
        }
        if (t < 0 || t >= (std::int64_t{1} << 40))
            return {errc::out_of_range, "WFDB annotations: annotation time out of range"};
    }
    if (i < bytes.size()) return {errc::truncated, "WFDB annotations: odd number of bytes"};
    return count;  // no end marker: accepted, as the reference tools do
}

}  // namespace nerve::io::wfdb
