// Under -ffinite-math-only (here from -ffast-math) the compiler folds every NaN/Inf test to
// "finite", so nerve's bad-input contract would silently stop holding: config.hpp refuses the
// build instead (NERVE_ALLOW_FINITE_MATH overrides it).
// compile-flags: -ffast-math
// expect-error: nerve: -ffinite-math-only
#include "nerve/filter/biquad.hpp"

int main() {
    nerve::filter::biquad_cascade<float, 1> f;
    return f(0.5f) > 1.0f;
}
