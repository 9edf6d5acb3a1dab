// tests/harness/selftest.cpp — tests of the test harness itself, not of nerve.
//
// Each case is run as its own ctest (tests/CMakeLists.txt, `harness/...`): the ones that must go
// wrong are registered WILL_FAIL, so the suite passes only if a failing CHECK, a failing
// REQUIRE, an allocation under NERVE_REQUIRE_NO_ALLOC, a fault and a hang each make the run fail
// on that target (on Cortex-M4 through the fault handler and semihosting exit code in
// cmake/mcu/startup.cpp, or the timeout in cmake/qemu-cortex-m4.sh).
#include "nerve_test.hpp"

#include <cstdint>

namespace {
volatile int g_zero = 0;
volatile std::uintptr_t g_null_address = 0;

int* volatile g_sink = nullptr;

[[gnu::noinline]] int recurse(int depth) {
    volatile char pad[256];
    pad[0] = static_cast<char>(depth);
    if (depth < 0) return pad[0];
    return recurse(depth + 1) + pad[0];
}
}  // namespace

TEST_CASE("harness: a passing test passes", "[harness_pass]") { CHECK(1 + 1 == 2); }

TEST_CASE("harness: a failing CHECK fails the run", "[harness_check]") { CHECK(g_zero == 1); }

TEST_CASE("harness: a failing REQUIRE fails the run", "[harness_require]") {
    REQUIRE(g_zero == 1);
    CHECK(true);  // not reached
}

TEST_CASE("harness: an allocation under NERVE_REQUIRE_NO_ALLOC fails", "[harness_alloc]") {
    // Stored through a volatile pointer so the compiler cannot elide the new/delete pair.
    NERVE_REQUIRE_NO_ALLOC(g_sink = new int(g_zero));
    delete g_sink;
}

TEST_CASE("harness: an illegal instruction fails the run", "[harness_trap]") { __builtin_trap(); }

TEST_CASE("harness: a null-pointer read fails the run", "[harness_null]") {
    const int v = *reinterpret_cast<volatile int*>(g_null_address);
    CHECK(v == 12345);
}

TEST_CASE("harness: an integer division by zero fails the run", "[harness_div0]") {
    const int v = 7 / g_zero;
    CHECK(v == 0);
}

TEST_CASE("harness: a stack overflow fails the run", "[harness_stack]") { CHECK(recurse(0) == 0); }

TEST_CASE("harness: a hang fails the run", "[harness_hang]") {
    while (g_zero == 0) {
    }
}
