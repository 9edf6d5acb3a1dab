// mcu_metering_lean.cpp — the energy-metering firmware of examples/mcu_metering.cpp in its lean
// configuration (the double seasonal Holt-Winters forecaster, holt_winters_forecaster.hpp): the
// same program, the same checks (drift down within a day of the bypass, none before it).
#define NERVE_METERING_LEAN 1
#include "mcu_metering.cpp"
