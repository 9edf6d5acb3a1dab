// nerve/nerve.hpp — the whole library in one include. Prefer the individual headers in
// firmware, where every header you do not include is compile time you do not pay.
#pragma once

#include "config.hpp"

#include "core/crc32.hpp"
#include "core/fixed_point.hpp"
#include "core/framer.hpp"
#include "core/multi.hpp"
#include "core/numeric.hpp"
#include "core/operator.hpp"
#include "core/pipeline.hpp"
#include "core/result.hpp"
#include "core/ring_buffer.hpp"
#include "core/snapshot.hpp"
#include "core/tee.hpp"
#include "core/units.hpp"

#include "filter/dc_blocker.hpp"
#include "filter/ewma.hpp"
#include "filter/moving_average.hpp"
