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
// nerve needs IEEE arithmetic as written. Under -ffinite-math-only (part of -ffast-math and
// -Ofast) GCC and clang fold every NaN/Inf test to "finite", so a NaN would pass every bad-input
// guard silently and poison the state; -fassociative-math, -freciprocal-math and
// -fno-signed-zeros (the rest of fast math) undo compensated sums, exact roundings and signed
// zeros: built with -ffast-math -fno-finite-math-only, 23 of the 158 host test files failed
// (stop 57). So the build stops here under any of them that the compiler reports (GCC reports
// each; clang reports -ffast-math and -ffinite-math-only). Compile the translation units that
// include nerve without fast math, or define NERVE_ALLOW_FAST_MATH to take over that risk.
#if !defined(NERVE_ALLOW_FAST_MATH) &&                                                        \
    ((defined(__FINITE_MATH_ONLY__) && __FINITE_MATH_ONLY__) || defined(__FAST_MATH__) ||      \
     defined(__ASSOCIATIVE_MATH__) || defined(__RECIPROCAL_MATH__) || defined(__NO_SIGNED_ZEROS__))
#error "nerve: fast math (-ffast-math, -Ofast, -ffinite-math-only, -fassociative-math, -freciprocal-math, -fno-signed-zeros) breaks its NaN/Inf handling and accuracy; build without it or define NERVE_ALLOW_FAST_MATH"
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
