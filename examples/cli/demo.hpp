// examples/cli/demo.hpp — the parts of `nerve demo`. Each reference pipeline adds its part from
// its own file (examples/cli/demo_<part>.cpp or cmd_demo.cpp) with a namespace-scope
//
//     const bool registered = nerve::cli::add_demo_part(30, "patient", "ECG with an arrhythmia episode", &run_patient);
//
// Parts run in ascending `order`. A part prints what it found (plain text, a few lines), writes
// its plot data as CSV into ctx.out_dir, and calls ctx.plot(...) to turn that CSV into a PNG.
// It returns 0 on success; a part that needs data that is absent says so and returns 0.
#pragma once

#include <string>

namespace nerve::cli {

struct demo_context {
    std::string out_dir;    ///< where CSV and PNG files go (created by the demo)
    std::string data_dir;   ///< real data (NERVE_DATA_DIR or ../shared/data); empty when absent
    bool use_data = true;   ///< --no-data turns the real-data runs off
    /// Draws `csv` into `png` with tools/plot_demo.py (kind selects the layout; "generic" plots
    /// every column against the first). Returns false, having said why once, when the script or
    /// matplotlib is missing: the demo then goes on without plots.
    bool plot(const std::string& kind, const std::string& csv, const std::string& png, const std::string& title) const;
};

using demo_part = int (*)(const demo_context&);

/// Registers a part of `nerve demo` (call from a namespace-scope initialiser). Returns true.
bool add_demo_part(int order, const char* name, const char* description, demo_part run);

}  // namespace nerve::cli
