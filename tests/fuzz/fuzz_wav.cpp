// tests/fuzz/fuzz_wav.cpp — RIFF/WAVE files (include/nerve/io/wav.hpp) from arbitrary bytes.
//
// Feeds: the whole input is the file.
// Asserts (besides ASan/UBSan finding no out-of-bounds access or undefined behaviour):
//   - a parsed file's data lies inside the input and holds exactly `frames` whole frames of
//     channels (1..max_channels) x bits / 8 bytes; the sample rate is not zero;
//   - decode from the first frame, from the middle and from the end writes whole frames only,
//     never more than asked or than remain, and integer PCM samples lie in [-1, 1];
//   - decode past the end is refused (out_of_range).
#include <cstddef>
#include <cstdint>
#include <span>

#include "fuzz_check.hpp"
#include "nerve/io/wav.hpp"

namespace wav = nerve::io::wav;

namespace {
float out[1024];
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> file(data, size);
    const auto r = wav::parse(file);
    if (!r.ok()) return 0;
    const wav::info& w = r.value();
    NERVE_FUZZ_CHECK(w.channels >= 1 && w.channels <= wav::max_channels && w.sample_rate > 0);
    NERVE_FUZZ_CHECK(w.data.empty() || (w.data.data() >= data && w.data.data() + w.data.size() <= data + size));
    NERVE_FUZZ_CHECK(w.frames * w.bytes_per_frame() == w.data.size());
    for (const std::uint64_t first : {std::uint64_t{0}, w.frames / 2, w.frames}) {
        const std::size_t room = 1 + (size + first) % 1024;  // buffers that split frames too
        const auto d = wav::decode(w, first, std::span<float>(out, room));
        NERVE_FUZZ_CHECK(d.ok());
        NERVE_FUZZ_CHECK(d.value() % w.channels == 0 && d.value() <= room &&
                         d.value() <= (w.frames - first) * w.channels);
        if (w.sample_coding == wav::coding::pcm)
            for (std::size_t i = 0; i < d.value(); ++i) NERVE_FUZZ_CHECK(out[i] >= -1.0f && out[i] <= 1.0f);
    }
    NERVE_FUZZ_CHECK(wav::decode(w, w.frames + 1, std::span<float>(out, 8)).code() == nerve::errc::out_of_range);
    return 0;
}
