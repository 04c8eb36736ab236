// Fixture for the ctest layers_check_rejects_upward_include: a core header that includes an app
// header, which tests/cli/check_layers.cmake must reject.
#pragma once
#include "app/run_scenario.hpp"
#include "core/model.hpp"
