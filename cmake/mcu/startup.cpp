// cmake/mcu/startup.cpp — start-up code for Cortex-M4F programs on qemu's mps2-an386.
//
// Reset: enable the FPU, copy .data, zero .bss (and the tests' .test_bss in PSRAM), move VTOR to
// the run-time vector table, arm the MPU guards (null page 0x0-0xFF, 1 KB below the stack),
// enable the configurable faults, open the semihosting console, run the C++ constructors, fetch
// argv through semihosting, call main() and exit() with its result (newlib's librdimon passes the
// code to qemu).
// Any fault or unexpected interrupt prints its name and the faulting PC through semihosting and
// ends the program with a non-zero exit code, so a crashing test fails instead of hanging.
// Works with newlib and newlib-nano; memory layout in mps2_an386.ld.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cerrno>

extern "C" {
// Linker-script symbols (mps2_an386.ld).
extern std::uint32_t __data_load__[], __data_start__[], __data_end__[];
extern std::uint32_t __bss_start__[], __bss_end__[];
extern std::uint32_t __test_bss_start__[], __test_bss_end__[];
extern std::uint32_t __stack_top__[], __stack_guard__[];
extern char __heap_start__[], __heap_end__[];

int main(int argc, char** argv);
void __libc_init_array();
void initialise_monitor_handles();

// What crti.o/crtbegin.o would provide (we link with -nostartfiles).
void* __dso_handle = &__dso_handle;
void _init() {}
void _fini() {}

[[noreturn]] void Reset_Handler();
[[noreturn]] void nerve_fault_entry();
[[noreturn]] void nerve_fault_report(const std::uint32_t* frame, std::uint32_t exc_return);
extern const std::uintptr_t nerve_boot_vectors[];
extern const std::uintptr_t nerve_vectors[];
}

namespace {

// --- semihosting ---------------------------------------------------------------------------------
constexpr int sys_write0 = 0x04;
constexpr int sys_get_cmdline = 0x15;
constexpr int sys_exit = 0x18;
constexpr std::uint32_t adp_stopped_run_time_error_unknown = 0x20023;  // qemu exits with 1

inline int semihost(int op, const void* arg) {
    register int r0 asm("r0") = op;
    register const void* r1 asm("r1") = arg;
    asm volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void write0(const char* s) { semihost(sys_write0, s); }

void write_hex(const char* label, std::uint32_t v) {
    char buf[24];
    std::size_t i = 0;
    while (*label && i < 8) buf[i++] = *label++;
    buf[i++] = '0';
    buf[i++] = 'x';
    for (int shift = 28; shift >= 0; shift -= 4) buf[i++] = "0123456789abcdef"[(v >> shift) & 0xFu];
    buf[i++] = ' ';
    buf[i] = '\0';
    write0(buf);
}

// --- system control registers ------------------------------------------------------------------
inline volatile std::uint32_t& reg(std::uintptr_t addr) { return *reinterpret_cast<volatile std::uint32_t*>(addr); }
constexpr std::uintptr_t scb_vtor = 0xE000ED08;
constexpr std::uintptr_t scb_ccr = 0xE000ED14;
constexpr std::uintptr_t scb_shcsr = 0xE000ED24;
constexpr std::uintptr_t scb_cfsr = 0xE000ED28;
constexpr std::uintptr_t scb_hfsr = 0xE000ED2C;
constexpr std::uintptr_t scb_mmfar = 0xE000ED34;
constexpr std::uintptr_t scb_bfar = 0xE000ED38;
constexpr std::uintptr_t mpu_ctrl = 0xE000ED94;
constexpr std::uintptr_t mpu_rnr = 0xE000ED98;
constexpr std::uintptr_t mpu_rbar = 0xE000ED9C;
constexpr std::uintptr_t mpu_rasr = 0xE000EDA0;

// MPU region: no access, execute-never, 2^(size_log2) bytes at `base` (aligned to its size).
void mpu_no_access(std::uint32_t region, std::uintptr_t base, std::uint32_t size_log2) {
    reg(mpu_rnr) = region;
    reg(mpu_rbar) = static_cast<std::uint32_t>(base);
    reg(mpu_rasr) = (1u << 28) /* XN */ | (0u << 24) /* AP: no access */ | ((size_log2 - 1u) << 1) | 1u;
}

// --- argv from semihosting ---------------------------------------------------------------------
// qemu joins its -semihosting-config arg=... values with single spaces (arg 0 is the program).
constexpr int max_args = 32;
char g_cmdline[1024];
char* g_argv[max_args + 1];

int read_args() {
    struct {
        char* buf;
        int len;
    } block{g_cmdline, static_cast<int>(sizeof(g_cmdline)) - 1};
    if (semihost(sys_get_cmdline, &block) != 0) return 0;
    int argc = 0;
    char* p = g_cmdline;
    p[block.len > 0 ? block.len : 0] = '\0';
    while (*p && argc < max_args) {
        while (*p == ' ') *p++ = '\0';
        if (!*p) break;
        g_argv[argc++] = p;
        while (*p && *p != ' ') ++p;
    }
    g_argv[argc] = nullptr;
    return argc;
}

[[noreturn]] void unexpected_interrupt() {
    write0("\nnerve: unexpected interrupt\n");
    semihost(sys_exit, reinterpret_cast<const void*>(adp_stopped_run_time_error_unknown));
    for (;;) {}
}

[[noreturn]] void reset_c();

}  // namespace

// The FPU is enabled before any C++ code runs: with -mfloat-abi=hard the compiler may use the
// FP registers anywhere.
extern "C" __attribute__((naked, noreturn)) void Reset_Handler() {
    asm volatile(
        "ldr r0, =0xE000ED88\n"  // CPACR
        "ldr r1, [r0]\n"
        "orr r1, r1, #(0xF << 20)\n"  // CP10, CP11: full access
        "str r1, [r0]\n"
        "dsb\n"
        "isb\n"
        "b %0\n" ::"i"(&reset_c));
}

// All faults share one entry: pass the stacked frame (MSP or PSP per EXC_RETURN) to C++.
extern "C" __attribute__((naked, noreturn)) void nerve_fault_entry() {
    asm volatile(
        "tst lr, #4\n"
        "ite eq\n"
        "mrseq r0, msp\n"
        "mrsne r0, psp\n"
        "mov r1, lr\n"
        "b %0\n" ::"i"(&nerve_fault_report));
}

extern "C" [[noreturn]] void nerve_fault_report(const std::uint32_t* frame, std::uint32_t exc_return) {
    std::uint32_t ipsr;
    asm volatile("mrs %0, ipsr" : "=r"(ipsr));
    static const char* const names[] = {"?", "Reset", "NMI", "HardFault", "MemManage", "BusFault", "UsageFault"};
    const std::uint32_t exc = ipsr & 0x1FFu;
    write0("\nnerve: fault: ");
    write0(exc < 7 ? names[exc] : "interrupt");
    write0("\n  ");
    // The frame itself may be unreadable after a stacking fault; the fault status comes first.
    write_hex("cfsr=", reg(scb_cfsr));
    write_hex("hfsr=", reg(scb_hfsr));
    write_hex("mmfar=", reg(scb_mmfar));
    write_hex("bfar=", reg(scb_bfar));
    write_hex("lr=", exc_return);
    write0("\n  ");
    const auto sp = reinterpret_cast<std::uintptr_t>(frame);
    if (sp >= reinterpret_cast<std::uintptr_t>(__stack_guard__) + 0x400 &&
        sp + 32 <= reinterpret_cast<std::uintptr_t>(__stack_top__)) {
        write_hex("pc=", frame[6]);
        write_hex("caller=", frame[5]);
    } else {
        write_hex("sp=", static_cast<std::uint32_t>(sp));
        write0("(stack overflow?)");
    }
    write0("\n");
    semihost(sys_exit, reinterpret_cast<const void*>(adp_stopped_run_time_error_unknown));
    for (;;) {}
}

namespace {
[[noreturn]] void reset_c() {
    for (std::uint32_t *src = __data_load__, *dst = __data_start__; dst < __data_end__;) *dst++ = *src++;
    for (std::uint32_t* dst = __bss_start__; dst < __bss_end__;) *dst++ = 0;
    for (std::uint32_t* dst = __test_bss_start__; dst < __test_bss_end__;) *dst++ = 0;

    reg(scb_vtor) = reinterpret_cast<std::uintptr_t>(nerve_vectors);

    // MPU: region 0 = null page (0x0-0xFF), region 1 = 1 KB stack guard; default map elsewhere.
    mpu_no_access(0, 0x0, 8);
    mpu_no_access(1, reinterpret_cast<std::uintptr_t>(__stack_guard__), 10);
    reg(mpu_ctrl) = 0x5u;  // ENABLE | PRIVDEFENA
    // Report MemManage, BusFault and UsageFault by name; trap integer division by zero as the
    // host does (SIGFPE).
    // (Read, then write: a compound assignment to a volatile is deprecated in C++20.)
    reg(scb_shcsr) = reg(scb_shcsr) | (1u << 16) | (1u << 17) | (1u << 18);
    reg(scb_ccr) = reg(scb_ccr) | (1u << 4);
    asm volatile("dsb\nisb" ::: "memory");

    initialise_monitor_handles();
    __libc_init_array();
    const int argc = read_args();
    std::exit(main(argc, g_argv));
}
}  // namespace

// --- heap ----------------------------------------------------------------------------------------
// Replaces librdimon's weak _sbrk, which compares against the current stack pointer and so cannot
// use a heap above the stack (ours is in PSRAM).
extern "C" void* _sbrk(std::ptrdiff_t increment) {
    static char* brk = __heap_start__;
    if (increment > __heap_end__ - brk || increment < __heap_start__ - brk) {
        errno = ENOMEM;
        return reinterpret_cast<void*>(-1);
    }
    char* const old = brk;
    brk += increment;
    return old;
}

// --- vector tables -------------------------------------------------------------------------------
#define NERVE_VECTORS                                                                              \
    reinterpret_cast<std::uintptr_t>(__stack_top__), reinterpret_cast<std::uintptr_t>(&Reset_Handler), \
        reinterpret_cast<std::uintptr_t>(&nerve_fault_entry), /* NMI */                             \
        reinterpret_cast<std::uintptr_t>(&nerve_fault_entry), /* HardFault */                       \
        reinterpret_cast<std::uintptr_t>(&nerve_fault_entry), /* MemManage */                       \
        reinterpret_cast<std::uintptr_t>(&nerve_fault_entry), /* BusFault */                        \
        reinterpret_cast<std::uintptr_t>(&nerve_fault_entry), /* UsageFault */                      \
        0, 0, 0, 0,                                           /* reserved */                        \
        reinterpret_cast<std::uintptr_t>(&unexpected_interrupt), /* SVCall */                       \
        reinterpret_cast<std::uintptr_t>(&unexpected_interrupt), /* DebugMonitor */                 \
        0,                                                       /* reserved */                     \
        reinterpret_cast<std::uintptr_t>(&unexpected_interrupt), /* PendSV */                       \
        reinterpret_cast<std::uintptr_t>(&unexpected_interrupt)  /* SysTick */

// 16 system exceptions + 32 external interrupts (mps2-an386 has 32), all unexpected here.
#define NERVE_IRQ4 reinterpret_cast<std::uintptr_t>(&unexpected_interrupt), \
    reinterpret_cast<std::uintptr_t>(&unexpected_interrupt),                \
    reinterpret_cast<std::uintptr_t>(&unexpected_interrupt),                \
    reinterpret_cast<std::uintptr_t>(&unexpected_interrupt)
#define NERVE_IRQ32 NERVE_IRQ4, NERVE_IRQ4, NERVE_IRQ4, NERVE_IRQ4, NERVE_IRQ4, NERVE_IRQ4, NERVE_IRQ4, NERVE_IRQ4

// Read by the core at reset only (initial SP and PC); lives in the MPU-guarded null page.
__attribute__((section(".nerve_boot_vectors"), used))
const std::uintptr_t nerve_boot_vectors[] = {NERVE_VECTORS, NERVE_IRQ32};
// The table VTOR points to once running.
__attribute__((section(".nerve_vectors"), used, aligned(512)))
const std::uintptr_t nerve_vectors[] = {NERVE_VECTORS, NERVE_IRQ32};
