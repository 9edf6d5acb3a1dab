// tests/fuzz/fuzz_check.hpp — what the harnesses assert with: a failed check prints where and
// what, then abort()s, which libFuzzer reports as a crash (with the input that caused it).
#pragma once

#include <cstdio>
#include <cstdlib>

#define NERVE_FUZZ_CHECK(cond)                                                                   \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, #cond);   \
            std::abort();                                                                        \
        }                                                                                        \
    } while (0)
