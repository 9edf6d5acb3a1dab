// nerve/infer/detail/zeroed_table.hpp — N entries of T kept as zeroed bytes until construct_all().
//
// Why: a static object whose constant initializer is all zeros goes to .bss; one with any
// non-zero byte goes to .data, which costs its whole size in flash as well as in RAM. The
// executor's tensor and op tables have non-zero defaults (-1 for "no tensor", activation range
// -128..127), so as plain arrays they put a static tflite_executor<128, 128> into 64 kB of flash.
// Held here, the table is zero bytes until its owner constructs the entries (before it reads any).
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>

namespace nerve::infer::detail {

template <class T, std::size_t N>
class zeroed_table {
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>,
                  "the table is copied and dropped as bytes");

public:
    /// Value-initializes every entry (T's default member initializers); call before any read.
    void construct_all() noexcept {
        for (std::size_t i = 0; i < N; ++i) std::construct_at(reinterpret_cast<T*>(bytes_) + i);
    }

    T& operator[](std::size_t i) noexcept { return std::launder(reinterpret_cast<T*>(bytes_))[i]; }
    const T& operator[](std::size_t i) const noexcept {
        return std::launder(reinterpret_cast<const T*>(bytes_))[i];
    }

private:
    alignas(T) std::byte bytes_[sizeof(T) * N] = {};
};

}  // namespace nerve::infer::detail
