// nerve/io/wav.hpp — RIFF/WAVE recordings (what vibration loggers, sound cards and phone apps
// write): PCM 8/16/24/32-bit and IEEE float 32/64-bit, any channel count up to max_channels,
// plain or WAVE_FORMAT_EXTENSIBLE headers.
//
//   auto w = nerve::io::wav::parse(file_bytes);                 // views into the caller's bytes
//   auto n = nerve::io::wav::decode(w.value(), first_frame, out);  // interleaved floats
//
// Samples come out as floats at full scale 1: integer PCM is divided by 2^(bits - 1) (8-bit
// is unsigned with 128 as zero), so -1 <= x < 1 up to 24 bits (32-bit samples are rounded to
// float's 24-bit mantissa, so the largest becomes 1); float files keep their values, NaN and
// Inf included (the operators downstream reject and count those), and 64-bit values beyond
// float's range become +-Inf.
//
// What is tolerated, because writers get it wrong in practice, and what is refused:
// - the RIFF size field is not checked against the file (streaming recorders leave 0 or
//   0xFFFFFFFF there);
// - a data chunk whose declared size runs past the end of the file (a recording cut off, or a
//   streaming writer's placeholder size) is cut to the whole frames present and `truncated`
//   is set; a partial last frame is dropped the same way;
// - unknown chunks (LIST, fact, cue, bext, ...) are skipped, odd sizes with their pad byte;
// - refused with a nerve::result error: no RIFF/WAVE magic (bad_magic), a header or fmt chunk
//   cut short or a non-data chunk past the end (truncated), no fmt or no data chunk, zero
//   channels or sample rate, a block alignment that does not match channels x sample bytes,
//   valid bits above the container (parse_error), and compressed or unknown codings
//   (ADPCM, mu-law, ...), other bit depths or more than max_channels channels (unsupported).
// Nothing allocates and nothing reads outside the given bytes.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

#include "../core/byte_order.hpp"
#include "../core/result.hpp"

namespace nerve::io::wav {

inline constexpr std::size_t max_channels = 64;

enum class coding : std::uint8_t { pcm, ieee_float };

struct info {
    std::uint32_t sample_rate = 0;   ///< frames per second
    std::uint16_t channels = 0;
    std::uint16_t bits = 0;          ///< container bits per sample: 8, 16, 24, 32 (PCM) or 32, 64 (float)
    std::uint16_t valid_bits = 0;    ///< extensible headers' significant bits (else = bits)
    coding sample_coding = coding::pcm;
    std::uint64_t frames = 0;        ///< whole frames in `data`
    bool truncated = false;          ///< the data chunk's declared size ran past the end of the file
    std::span<const std::uint8_t> data;  ///< the frames' bytes (frames x channels x bits / 8)

    constexpr std::size_t bytes_per_sample() const noexcept { return bits / 8u; }
    constexpr std::size_t bytes_per_frame() const noexcept { return bytes_per_sample() * channels; }
};

namespace detail {
constexpr bool tag_is(const std::uint8_t* p, const char (&t)[5]) noexcept {
    return p[0] == std::uint8_t(t[0]) && p[1] == std::uint8_t(t[1]) && p[2] == std::uint8_t(t[2]) &&
           p[3] == std::uint8_t(t[3]);
}
inline constexpr std::uint16_t format_pcm = 1, format_float = 3, format_extensible = 0xFFFE;

// The fmt chunk's body (at least 16 bytes) into `w`.
constexpr result<void> read_fmt(const std::uint8_t* p, std::size_t size, info& w) noexcept {
    if (size < 16) return error{errc::truncated, "wav: fmt chunk shorter than 16 bytes"};
    std::uint32_t tag = load_le16(p);
    w.channels = static_cast<std::uint16_t>(load_le16(p + 2));
    w.sample_rate = load_le32(p + 4);
    const std::uint32_t block_align = load_le16(p + 12);
    w.bits = static_cast<std::uint16_t>(load_le16(p + 14));
    w.valid_bits = w.bits;
    if (tag == format_extensible) {
        // cbSize (2), valid bits (2), channel mask (4), sub-format GUID (16, coding in its first 2 bytes).
        if (size < 40) return error{errc::truncated, "wav: extensible fmt chunk shorter than 40 bytes"};
        w.valid_bits = static_cast<std::uint16_t>(load_le16(p + 18));
        tag = load_le16(p + 24);
        if (w.valid_bits == 0) w.valid_bits = w.bits;
        if (w.valid_bits > w.bits) return error{errc::parse_error, "wav: more valid bits than the sample holds"};
    }
    if (tag == format_pcm) {
        w.sample_coding = coding::pcm;
        if (w.bits != 8 && w.bits != 16 && w.bits != 24 && w.bits != 32)
            return error{errc::unsupported, "wav: PCM needs 8, 16, 24 or 32 bits per sample"};
    } else if (tag == format_float) {
        w.sample_coding = coding::ieee_float;
        if (w.bits != 32 && w.bits != 64) return error{errc::unsupported, "wav: float needs 32 or 64 bits per sample"};
    } else {
        return error{errc::unsupported, "wav: only PCM and IEEE float codings are read (not ADPCM, mu-law, ...)"};
    }
    if (w.channels == 0) return error{errc::parse_error, "wav: zero channels"};
    if (w.channels > max_channels) return error{errc::unsupported, "wav: more channels than max_channels"};
    if (w.sample_rate == 0) return error{errc::parse_error, "wav: zero sample rate"};
    if (block_align != w.bytes_per_frame())
        return error{errc::parse_error, "wav: block alignment is not channels x bytes per sample"};
    return {};
}
}  // namespace detail

/// Finds the fmt and data chunks of a WAVE file held in `file` (see the top of this header).
constexpr result<info> parse(std::span<const std::uint8_t> file) noexcept {
    using namespace detail;
    if (file.size() < 12) return error{errc::truncated, "wav: shorter than a RIFF header"};
    if (!tag_is(file.data(), "RIFF") || !tag_is(file.data() + 8, "WAVE"))
        return error{errc::bad_magic, "wav: not a RIFF/WAVE file"};
    info w;
    bool have_fmt = false, have_data = false;
    std::size_t at = 12;
    while (file.size() - at >= 8) {
        const std::uint8_t* h = file.data() + at;
        const std::uint64_t size = load_le32(h + 4);
        const std::size_t body = at + 8, left = file.size() - body;
        if (tag_is(h, "data")) {
            have_data = true;
            w.truncated = size > left;
            w.data = file.subspan(body, w.truncated ? left : static_cast<std::size_t>(size));
            // Chunks after the data (LIST tags at the end) may hold a fmt in theory; keep walking
            // only while the data chunk ended inside the file.
            if (w.truncated) break;
        } else if (size > left) {
            return error{errc::truncated, "wav: a chunk runs past the end of the file"};
        } else if (tag_is(h, "fmt ")) {
            if (auto r = read_fmt(h + 8, static_cast<std::size_t>(size), w); !r) return r.err();
            have_fmt = true;
        }
        const std::uint64_t next = body + size + (size & 1u);  // chunks are padded to even sizes
        if (next > file.size()) break;
        at = static_cast<std::size_t>(next);
    }
    if (!have_fmt) return error{errc::parse_error, "wav: no fmt chunk"};
    if (!have_data) return error{errc::parse_error, "wav: no data chunk"};
    w.frames = w.data.size() / w.bytes_per_frame();
    if (w.data.size() % w.bytes_per_frame() != 0) w.truncated = true;
    w.data = w.data.first(static_cast<std::size_t>(w.frames) * w.bytes_per_frame());
    return w;
}

/// Decodes frames from `first_frame` on into `out` (channels interleaved, as many whole frames
/// as fit and remain); returns the number of floats written. `w` comes from parse(); an info
/// whose fields do not describe its bytes is refused (invalid_argument).
constexpr result<std::size_t> decode(const info& w, std::uint64_t first_frame, std::span<float> out) noexcept {
    const std::size_t bps = w.bytes_per_sample();
    const bool known = w.sample_coding == coding::ieee_float ? (bps == 4 || bps == 8) : (bps >= 1 && bps <= 4);
    if (w.channels == 0 || !known || w.bits % 8 != 0 || w.data.size() / w.bytes_per_frame() < w.frames)
        return error{errc::invalid_argument, "wav: an info that parse() did not make"};
    if (first_frame > w.frames) return error{errc::out_of_range, "wav: first frame past the end"};
    const std::uint64_t frames_left = w.frames - first_frame;
    const std::uint64_t fit = out.size() / w.channels;
    const std::size_t n = static_cast<std::size_t>((frames_left < fit ? frames_left : fit) * w.channels);
    const std::uint8_t* p = w.data.data() + static_cast<std::size_t>(first_frame) * w.bytes_per_frame();
    for (std::size_t i = 0; i < n; ++i, p += bps) {
        float v = 0.0f;
        if (w.sample_coding == coding::ieee_float) {
            if (bps == 4) {
                const std::uint32_t u = load_le32(p);
                v = std::bit_cast<float>(u);
            } else {
                const std::uint64_t u = load_le64(p);
                const double d = std::bit_cast<double>(u);
                constexpr double top = 3.4028234663852886e38;  // FLT_MAX: beyond it a cast is undefined
                v = d > top ? std::numeric_limits<float>::infinity()
                    : d < -top ? -std::numeric_limits<float>::infinity()
                               : static_cast<float>(d);  // NaN stays NaN
            }
        } else if (bps == 1) {
            v = static_cast<float>(int(p[0]) - 128) * (1.0f / 128.0f);
        } else {
            // Sign-extend the little-endian integer of bps bytes from its top byte.
            std::uint32_t u = 0;
            for (std::size_t b = 0; b < bps; ++b) u |= std::uint32_t(p[b]) << (8 * (b + 4 - bps));
            const auto s = static_cast<std::int32_t>(u);  // left-aligned: full scale 2^31
            v = static_cast<float>(s) * (1.0f / 2147483648.0f);
        }
        out[i] = v;
    }
    return n;
}

}  // namespace nerve::io::wav
