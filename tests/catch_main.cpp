// tests/catch_main.cpp — the test main for every target, with the allocation guard.
//
// Catch2 v2's prebuilt main is x86-only and assumes argc >= 1; under qemu-system-arm
// semihosting may hand us argc == 0. Exceptions may be off (Cortex-M build), in which
// case Catch needs our own throw_exception.
#define CATCH_CONFIG_RUNNER
#include "nerve_test.hpp"

#include "nerve/config.hpp"

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>

namespace {
std::atomic<std::size_t> g_allocations{0};
inline void count_allocation() noexcept { g_allocations.fetch_add(1, std::memory_order_relaxed); }
}  // namespace

namespace nerve::test {
std::size_t allocation_count() noexcept { return g_allocations.load(std::memory_order_relaxed); }
bool malloc_is_counted() noexcept {
#if (defined(__GLIBC__) && !defined(NERVE_TEST_SANITIZED)) || defined(NERVE_TEST_WRAP_NEWLIB_MALLOC) || \
    defined(NERVE_TEST_WRAP_LIBC_MALLOC)
    return true;
#else
    return false;
#endif
}
}  // namespace nerve::test

// --- malloc family -------------------------------------------------------------------------
#if defined(NERVE_TEST_WRAP_LIBC_MALLOC)
// Static glibc (aarch64 preset): malloc cannot be redefined (libc.a's malloc.o defines it next
// to __libc_malloc), so the build links with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc.
extern "C" {
void* __real_malloc(std::size_t);
void* __real_calloc(std::size_t, std::size_t);
void* __real_realloc(void*, std::size_t);
void* __wrap_malloc(std::size_t n) { count_allocation(); return __real_malloc(n); }
void* __wrap_calloc(std::size_t n, std::size_t s) { count_allocation(); return __real_calloc(n, s); }
void* __wrap_realloc(void* p, std::size_t n) { count_allocation(); return __real_realloc(p, n); }
}
#define NERVE_RAW_MALLOC(n) __real_malloc(n)
#define NERVE_RAW_FREE(p) std::free(p)
#elif defined(__GLIBC__) && !defined(NERVE_TEST_SANITIZED)
// Interpose glibc's malloc for the whole process, forwarding to its internal entry points.
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
void __libc_free(void*);
void* malloc(std::size_t n) { count_allocation(); return __libc_malloc(n); }
void* calloc(std::size_t n, std::size_t s) { count_allocation(); return __libc_calloc(n, s); }
void* realloc(void* p, std::size_t n) { count_allocation(); return __libc_realloc(p, n); }
void free(void* p) { __libc_free(p); }
}
#define NERVE_RAW_MALLOC(n) __libc_malloc(n)
#define NERVE_RAW_FREE(p) __libc_free(p)
#elif defined(NERVE_TEST_WRAP_NEWLIB_MALLOC)
// newlib: the build links with -Wl,--wrap=_malloc_r,--wrap=_calloc_r,--wrap=_realloc_r.
#include <reent.h>
extern "C" {
void* __real__malloc_r(_reent*, std::size_t);
void* __real__calloc_r(_reent*, std::size_t, std::size_t);
void* __real__realloc_r(_reent*, void*, std::size_t);
void* __wrap__malloc_r(_reent* r, std::size_t n) { count_allocation(); return __real__malloc_r(r, n); }
void* __wrap__calloc_r(_reent* r, std::size_t n, std::size_t s) { count_allocation(); return __real__calloc_r(r, n, s); }
void* __wrap__realloc_r(_reent* r, void* p, std::size_t n) { count_allocation(); return __real__realloc_r(r, p, n); }
}
// operator new counts itself, so it must not go through the counted wrapper again.
#define NERVE_RAW_MALLOC(n) __real__malloc_r(_REENT, n)
#define NERVE_RAW_FREE(p) std::free(p)
#else
#define NERVE_RAW_MALLOC(n) std::malloc(n)
#define NERVE_RAW_FREE(p) std::free(p)
#endif

// --- operator new / delete -------------------------------------------------------------------
// Counted on every target, so the guard holds even where malloc cannot be interposed.
namespace {
void* counted_new(std::size_t n) {
    count_allocation();
    void* p = NERVE_RAW_MALLOC(n ? n : 1);
    if (!p) std::abort();  // the tests never run out of memory on purpose
    return p;
}
void* counted_aligned_new(std::size_t n, std::size_t align) {
    count_allocation();
    // Over-allocate and stash the original pointer just below the aligned block.
    const std::size_t total = n + align + sizeof(void*);
    auto* raw = static_cast<unsigned char*>(NERVE_RAW_MALLOC(total));
    if (!raw) std::abort();
    auto addr = reinterpret_cast<std::uintptr_t>(raw + sizeof(void*));
    addr = (addr + align - 1) & ~(static_cast<std::uintptr_t>(align) - 1);
    reinterpret_cast<void**>(addr)[-1] = raw;
    return reinterpret_cast<void*>(addr);
}
void aligned_free(void* p) noexcept {
    if (p) NERVE_RAW_FREE(static_cast<void**>(p)[-1]);
}
}  // namespace

void* operator new(std::size_t n) { return counted_new(n); }
void* operator new[](std::size_t n) { return counted_new(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted_new(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted_new(n); }
void operator delete(void* p) noexcept { NERVE_RAW_FREE(p); }
void operator delete[](void* p) noexcept { NERVE_RAW_FREE(p); }
void operator delete(void* p, std::size_t) noexcept { NERVE_RAW_FREE(p); }
void operator delete[](void* p, std::size_t) noexcept { NERVE_RAW_FREE(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { NERVE_RAW_FREE(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { NERVE_RAW_FREE(p); }
void* operator new(std::size_t n, std::align_val_t a) { return counted_aligned_new(n, static_cast<std::size_t>(a)); }
void* operator new[](std::size_t n, std::align_val_t a) { return counted_aligned_new(n, static_cast<std::size_t>(a)); }
void operator delete(void* p, std::align_val_t) noexcept { aligned_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { aligned_free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { aligned_free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { aligned_free(p); }

#if !NERVE_HAS_EXCEPTIONS
namespace Catch {
[[noreturn]] void throw_exception(const std::exception& e) {
    // A failed REQUIRE ends the whole binary here: flush what the reporter has written so far
    // (where Catch has no signal handler, e.g. on Cortex-M, nothing else would).
    Catch::cout().flush();
    Catch::cerr() << "exception with exceptions disabled: " << e.what() << '\n';
    Catch::cerr().flush();
    std::fflush(nullptr);
    std::abort();
}
}  // namespace Catch
#endif

int main(int argc, char* argv[]) {
    static char program_name[] = "nerve_tests";
    static char* default_argv[] = {program_name, nullptr};
    if (argc < 1 || argv == nullptr) {
        argc = 1;
        argv = default_argv;
    }
    return Catch::Session().run(argc, argv);
}
