// Benchmarks of the anomaly detectors (include/nerve/anomaly/), score + learn per sample.
//
//  hst/nerve             half_space_trees<1, 25, 15, 250>: 25 trees of height 15, window 250,
//                        1-D input, River's score_one + learn_one per sample. River's own
//                        benchmark runs HalfSpaceTrees at ~85,000 observations/s (goal: 100x).
//  hst_d4/nerve          half_space_trees<4, 25, 15, 250>: the general (tree-walking) path, 4-D
//  mahalanobis8/nerve    online Mahalanobis distance over 8 features: O(F^2) Sherman-Morrison
//                        update of the inverse, a fresh Eigen LLT every 64 samples
//  mahalanobis8_llt_per_sample/nerve   the previous algorithm (a fresh LLT per sample), side by side
//  hst_h8/nerve          25 trees of height 8 (the Cortex-M4 size)
//  anomaly_<detector>/nerve   the other detectors: zscore, robust_zscore31 and 128, ewma_chart, cusum,
//                        forecast_residual, likelihood, kmeans8x4 (8 features, 4 centroids),
//                        score_quantile (prefixed: drift/ has its own cusum and ewma_chart)
//
// Input: uniform noise in [0, 1) with a slow sine and a spike every 97 samples, 4096 samples
// a block (feature vectors: the same stream, lagged). Items = observations (samples or vectors).
#include <benchmark/benchmark.h>

#include "bench_streams.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <memory>

#include "nerve/config.hpp"

// Eigen's AVX-512 kernels trip GCC 12's intrinsics warning (see NERVE_GCC_INTRINSICS_BEGIN).
NERVE_GCC_INTRINSICS_BEGIN
#include <Eigen/Cholesky>
#include <Eigen/Core>
NERVE_GCC_INTRINSICS_END

#include "nerve/anomaly/anomaly_likelihood.hpp"
#include "nerve/anomaly/cusum.hpp"
#include "nerve/anomaly/ewma_chart.hpp"
#include "nerve/anomaly/forecast_residual.hpp"
#include "nerve/anomaly/half_space_trees.hpp"
#include "nerve/anomaly/kmeans_distance.hpp"
#include "nerve/anomaly/mahalanobis.hpp"
#include "nerve/anomaly/robust_zscore.hpp"
#include "nerve/anomaly/score_quantile.hpp"
#include "nerve/anomaly/zscore.hpp"

namespace {
constexpr std::size_t block = nerve_bench::anomaly_block;

const std::array<float, block>& input_block() { return nerve_bench::anomaly_stream(); }

template <std::size_t D>
const std::array<std::array<float, D>, block>& vector_block() {
    static const auto data = [] {
        std::array<std::array<float, D>, block> a{};
        const auto& x = input_block();
        for (std::size_t i = 0; i < block; ++i)
            for (std::size_t k = 0; k < D; ++k) a[i][k] = x[(i + block - 3 * k) % block];
        return a;
    }();
    return data;
}

template <class Op, class In>
void run(benchmark::State& state, Op& op, const std::array<In, block>& in) {
    // Warm up past the first windows so the steady state is measured.
    for (const auto& x : in) benchmark::DoNotOptimize(op(x));
    float acc = 0;
    for (auto _ : state) {
        for (const auto& x : in) acc += op(x).score;
        benchmark::DoNotOptimize(acc);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(block));
}

void bm_hst(benchmark::State& state) {
    using H = nerve::anomaly::half_space_trees<1, 25, 15, 250>;
    static auto h = std::make_unique<H>();
    h->reset();
    run(state, *h, input_block());
}
BENCHMARK(bm_hst)->Name("hst/nerve");

void bm_hst_d4(benchmark::State& state) {
    using H = nerve::anomaly::half_space_trees<4, 25, 15, 250>;
    static auto h = std::make_unique<H>();
    h->reset();
    run(state, *h, vector_block<4>());
}
BENCHMARK(bm_hst_d4)->Name("hst_d4/nerve");

void bm_hst_small(benchmark::State& state) {
    // The size measured on the Cortex-M4 (bench/mcu/hst.cpp).
    using H = nerve::anomaly::half_space_trees<1, 25, 8, 250>;
    static auto h = std::make_unique<H>();
    h->reset();
    run(state, *h, input_block());
}
BENCHMARK(bm_hst_small)->Name("hst_h8/nerve");

void bm_mahalanobis8(benchmark::State& state) {
    static nerve::anomaly::mahalanobis<8> m;
    m.reset();
    run(state, m, vector_block<8>());
}
BENCHMARK(bm_mahalanobis8)->Name("mahalanobis8/nerve");

// The previous mahalanobis (up to commit 9654a21, before the O(F^2) update), kept here as the side-by-side baseline: the
// same mean/covariance recurrence, but a fresh Eigen LLT of Sigma + r I for every sample,
// O(F^3 / 6), instead of the O(F^2) rank-one update of the factor.
template <std::size_t F>
struct mahalanobis_llt_per_sample {
    using mat = Eigen::Matrix<float, static_cast<int>(F), static_cast<int>(F)>;
    using vec = Eigen::Matrix<float, static_cast<int>(F), 1>;
    vec mu = vec::Zero();
    mat sig = mat::Zero();
    std::uint64_t n = 0;
    nerve::anomaly::alarm_gate gate{0.999f, 0.99f, 0};
    nerve::anomaly::verdict operator()(const std::array<float, F>& x) {
        const vec xv = Eigen::Map<const vec>(x.data());
        float s = 0.0f;
        if (n >= 20 * F) {
            const vec d = xv - mu;
            mat a = sig;
            a.diagonal().array() += 1e-4f * (sig.trace() / static_cast<float>(F)) + 1e-10f;
            const Eigen::LLT<mat> llt(a);
            if (llt.info() == Eigen::Success) {
                const float d2 = llt.matrixL().solve(d).squaredNorm();
                s = nerve::anomaly::chi2_to_score(d2, static_cast<unsigned>(F));
            }
        }
        const vec d = xv - mu;
        const float w = n + 1 < 100 ? 1.0f / static_cast<float>(n + 1) : 0.01f;
        const mat next = (1.0f - w) * (sig + w * d * d.transpose());
        if (next.allFinite()) {
            mu += w * d;
            sig = next;
            ++n;
        }
        return gate(s);
    }
};

void bm_mahalanobis8_llt(benchmark::State& state) {
    static mahalanobis_llt_per_sample<8> m;
    m = {};
    run(state, m, vector_block<8>());
}
BENCHMARK(bm_mahalanobis8_llt)->Name("mahalanobis8_llt_per_sample/nerve");

void bm_zscore(benchmark::State& state) {
    nerve::anomaly::zscore<float> d;
    run(state, d, input_block());
}
BENCHMARK(bm_zscore)->Name("anomaly_zscore/nerve");

template <std::size_t N>
void bm_robust_zscore(benchmark::State& state) {
    nerve::anomaly::robust_zscore<float, N> d;
    run(state, d, input_block());
}
BENCHMARK(bm_robust_zscore<31>)->Name("anomaly_robust_zscore31/nerve");
BENCHMARK(bm_robust_zscore<128>)->Name("anomaly_robust_zscore128/nerve");  // the gateway's window

void bm_ewma_chart(benchmark::State& state) {
    nerve::anomaly::ewma_chart<float> d;
    run(state, d, input_block());
}
BENCHMARK(bm_ewma_chart)->Name("anomaly_ewma_chart/nerve");

void bm_cusum(benchmark::State& state) {
    nerve::anomaly::cusum<float> d;
    run(state, d, input_block());
}
BENCHMARK(bm_cusum)->Name("anomaly_cusum/nerve");

void bm_forecast_residual(benchmark::State& state) {
    nerve::anomaly::forecast_residual<> d;
    run(state, d, input_block());
}
BENCHMARK(bm_forecast_residual)->Name("anomaly_forecast_residual/nerve");

void bm_likelihood(benchmark::State& state) {
    static nerve::anomaly::anomaly_likelihood<2048, 10> d;
    d.reset();
    run(state, d, input_block());
}
BENCHMARK(bm_likelihood)->Name("anomaly_likelihood/nerve");

void bm_kmeans(benchmark::State& state) {
    nerve::anomaly::kmeans_distance<8, 4> d;
    run(state, d, vector_block<8>());
}
BENCHMARK(bm_kmeans)->Name("anomaly_kmeans8x4/nerve");

void bm_score_quantile(benchmark::State& state) {
    nerve::anomaly::score_quantile q;
    for (auto _ : state) {
        bool any = false;
        for (float x : input_block()) any |= q(x).alarm;
        benchmark::DoNotOptimize(any);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(block));
}
BENCHMARK(bm_score_quantile)->Name("anomaly_score_quantile/nerve");

}  // namespace
