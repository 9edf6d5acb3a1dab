// tests/drift/python_random.hpp — Python's random.Random(seed).sample(range(n), k), bit for bit.
//
// Test-only: River's KSWIN draws its reference sample with Python's Mersenne Twister, so to
// reproduce River's documented KSWIN example exactly the test plugs this sampler into
// nerve::drift::kswin. Written from the published MT19937 algorithm (Matsumoto & Nishimura 1998,
// init_by_array seeding) and the documented behaviour of CPython's random module: an int seed is
// split into 32-bit words for init_by_array, getrandbits(k <= 32) keeps the top k bits of one
// output, randbelow(n) draws bit_length(n) bits until the value is below n, and sample() on a
// small population swaps drawn entries out of a copied pool. Checked against Python itself
// (tests/golden/drift_river.hpp) in test_kswin.cpp.
#pragma once

#include <array>
#include <cstdint>

namespace drift_test {

class python_random {
public:
    explicit python_random(std::uint32_t seed) { seed_by_array(seed); }

    std::uint32_t genrand() {
        if (i_ >= N) twist();
        std::uint32_t y = mt_[i_++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }
    std::uint32_t getrandbits(unsigned k) { return genrand() >> (32 - k); }
    unsigned randbelow(unsigned n) {
        unsigned k = 0;
        while ((n >> k) != 0) ++k;  // bit_length
        std::uint32_t r = getrandbits(k);
        while (r >= n) r = getrandbits(k);
        return r;
    }

private:
    static constexpr unsigned N = 624, M = 397;
    void init_genrand(std::uint32_t s) {
        mt_[0] = s;
        for (unsigned i = 1; i < N; ++i) mt_[i] = 1812433253u * (mt_[i - 1] ^ (mt_[i - 1] >> 30)) + i;
        i_ = N;
    }
    void seed_by_array(std::uint32_t key) {
        init_genrand(19650218u);
        unsigned i = 1, j = 0;
        for (unsigned k = N; k; --k) {
            mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1664525u)) + key + j;
            ++i;
            j = 0;  // a one-word key
            if (i >= N) { mt_[0] = mt_[N - 1]; i = 1; }
        }
        for (unsigned k = N - 1; k; --k) {
            mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1566083941u)) - i;
            ++i;
            if (i >= N) { mt_[0] = mt_[N - 1]; i = 1; }
        }
        mt_[0] = 0x80000000u;
        i_ = N;
    }
    void twist() {
        for (unsigned k = 0; k < N; ++k) {
            const std::uint32_t y = (mt_[k] & 0x80000000u) | (mt_[(k + 1) % N] & 0x7fffffffu);
            mt_[k] = mt_[(k + M) % N] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
        }
        i_ = 0;
    }
    std::array<std::uint32_t, N> mt_{};
    unsigned i_ = N;
};

/// kswin's Sampler interface over python_random: random.Random(seed).sample(range(n), k).
class python_sampler {
public:
    explicit python_sampler(std::uint32_t seed = 42) : seed_(seed), rng_(seed) {}
    void sample(std::uint16_t* out, unsigned k, unsigned n, std::uint16_t* pool) {
        for (unsigned i = 0; i < n; ++i) pool[i] = static_cast<std::uint16_t>(i);
        for (unsigned i = 0; i < k; ++i) {
            const unsigned j = rng_.randbelow(n - i);
            out[i] = pool[j];
            pool[j] = pool[n - i - 1];
        }
    }
    void reseed() { rng_ = python_random(seed_); }
    template <class V>
    void visit_state(V&) {}

private:
    std::uint32_t seed_;
    python_random rng_;
};

}  // namespace drift_test
