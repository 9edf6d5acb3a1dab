// nerve/config.hpp — the one place for build switches.
//
// A user may drop a `nerve_config.hpp` anywhere on the include path to set any of
// the macros below before nerve sees them.
#pragma once

#if __has_include(<nerve_config.hpp>)
#include <nerve_config.hpp>
#endif

// --- Assertion policy ---------------------------------------------------------
// NERVE_ASSERT_MODE: 0 = off, 1 = call the user hook nerve_assert_failed(...),
// 2 = standard assert(). Default: assert() in debug builds, off with NDEBUG.
#ifndef NERVE_ASSERT_MODE
#ifdef NDEBUG
#define NERVE_ASSERT_MODE 0
#else
#define NERVE_ASSERT_MODE 2
#endif
#endif

#if NERVE_ASSERT_MODE == 0
#define NERVE_ASSERT(cond) ((void)0)
#elif NERVE_ASSERT_MODE == 1
// The user defines this function once in their program (it may log and reset the MCU).
extern "C" void nerve_assert_failed(const char* expr, const char* file, int line);
#define NERVE_ASSERT(cond) \
    ((cond) ? (void)0 : ::nerve_assert_failed(#cond, __FILE__, __LINE__))
#else
#include <cassert>
#define NERVE_ASSERT(cond) assert(cond)
#endif

// --- Floating-point model ------------------------------------------------------------
// Every operator's bad-input contract (NaN and Inf held, counted or reported, never kept in the
// state) needs IEEE comparisons. Under -ffinite-math-only (part of -ffast-math and -Ofast) GCC
// and clang fold every finiteness test to true, so a NaN would pass the guards silently and
// poison the state. Build the translation units that include nerve without it (-fno-finite-math-only
// after -ffast-math keeps the rest of fast math), or define NERVE_ALLOW_FINITE_MATH to accept
// that non-finite input is then undefined behaviour. (-fassociative-math alone is allowed: float
// results may then move within rounding, and paths documented to give the same bits may not.)
#if defined(__FINITE_MATH_ONLY__) && __FINITE_MATH_ONLY__ && !defined(NERVE_ALLOW_FINITE_MATH)
#error "nerve: -ffinite-math-only (-ffast-math, -Ofast) turns off NaN/Inf detection; add -fno-finite-math-only or define NERVE_ALLOW_FINITE_MATH"
#endif

// --- Exceptions and RTTI ----------------------------------------------------------
// The core never throws; this only tells adapters (CLI, parsers on hosted targets)
// whether they may.
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
#define NERVE_HAS_EXCEPTIONS 1
#else
#define NERVE_HAS_EXCEPTIONS 0
#endif

// --- Arm inline assembly ------------------------------------------------------------
// The hand-scheduled ARMv7E-M (Cortex-M4/M7) integer kernels: Thumb-2 inline asm that needs up
// to 14 general registers, which GCC allocates and clang does not; little-endian only (they load
// int16 pairs and int64 halves by word). NERVE_NO_ARM_ASM turns them off.
#if defined(__ARM_ARCH_7EM__) && defined(__thumb2__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(NERVE_NO_ARM_ASM) && !defined(__ARM_BIG_ENDIAN)
#define NERVE_ARM_V7EM_ASM 1
#else
#define NERVE_ARM_V7EM_ASM 0
#endif

// --- SIMD ---------------------------------------------------------------------------
// xsimd is used only when it is on the include path, the target has a vector unit it
// knows (SSE2/AVX/AVX-512 on x86, NEON on aarch64/armv7-a), and the user has not
// defined NERVE_NO_SIMD. The scalar path is always compiled and tested, because
// Cortex-M has no xsimd architecture.
#ifndef NERVE_HAS_XSIMD
#if !defined(NERVE_NO_SIMD) && __has_include(<xsimd/xsimd.hpp>) && \
    (defined(__SSE2__) || defined(__aarch64__) || defined(__ARM_NEON))
#define NERVE_HAS_XSIMD 1
#else
#define NERVE_HAS_XSIMD 0
#endif
#endif

// --- Small compiler helpers ------------------------------------------------------------
#if defined(__GNUC__) || defined(__clang__)
#define NERVE_ALWAYS_INLINE inline __attribute__((always_inline))
// A lambda's always_inline goes after its parameter list: `[&](auto i) NERVE_INLINE_LAMBDA {...}`.
#define NERVE_INLINE_LAMBDA __attribute__((always_inline))
#define NERVE_NOINLINE __attribute__((noinline))
#define NERVE_RESTRICT __restrict__
#define NERVE_LIKELY(x) __builtin_expect(!!(x), 1)
#define NERVE_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define NERVE_ALWAYS_INLINE inline
#define NERVE_INLINE_LAMBDA
#define NERVE_NOINLINE
#define NERVE_RESTRICT
#define NERVE_LIKELY(x) (x)
#define NERVE_UNLIKELY(x) (x)
#endif
// GCC 12 warns inside its own AVX-512 intrinsics wherever they are inlined (the
// _mm512_undefined_* helpers initialise a vector with itself, GCC bug 105593): hundreds of
// -Wuninitialized lines at -O3 -march=native -Wall that say nothing about the caller. Headers
// whose SIMD kernels inline them bracket those kernels with these two.
#if defined(__GNUC__) && !defined(__clang__)
#define NERVE_GCC_INTRINSICS_BEGIN                                                          \
    _Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wuninitialized\"") \
        _Pragma("GCC diagnostic ignored \"-Wmaybe-uninitialized\"")
#define NERVE_GCC_INTRINSICS_END _Pragma("GCC diagnostic pop")
#else
#define NERVE_GCC_INTRINSICS_BEGIN
#define NERVE_GCC_INTRINSICS_END
#endif

namespace nerve {
/// Library version, kept in step with the CMake project version.
inline constexpr int version_major = 0;
inline constexpr int version_minor = 1;
inline constexpr int version_patch = 0;
}  // namespace nerve
