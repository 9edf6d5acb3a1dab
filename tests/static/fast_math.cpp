// Under -ffast-math the compiler folds every NaN/Inf test to "finite" and reassociates sums, so
// nerve's bad-input contract and its accuracy would silently stop holding: config.hpp refuses the
// build instead (NERVE_ALLOW_FAST_MATH overrides it).
// compile-flags: -ffast-math
// expect-error: nerve: fast math
#include "nerve/filter/biquad.hpp"

int main() {
    nerve::filter::biquad_cascade<float, 1> f;
    return f(0.5f) > 1.0f;
}
