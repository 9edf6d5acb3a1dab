// Must NOT compile: a frame operator cannot follow a per-sample filter without a framer.
// The build test checks that the diagnostic is the one readable nerve::pipeline message.
#include <span>

#include "nerve/core/pipeline.hpp"
#include "nerve/filter/ewma.hpp"

struct frame_energy {
    using input_type = std::span<const float, 64>;
    using output_type = float;
    template <class Emit>
    void push(input_type, Emit&&) {}
    void reset() {}
};

int main() {
    auto p = nerve::filter::ewma<float>{0.1} | frame_energy{};
    (void)p;
}
