#pragma once
// rangeup: Microsoft Graph upload sessions, sans-I/O. Include this for the core.

#include "rangeup/config.hpp"
#include "rangeup/error.hpp"
#include "rangeup/result.hpp"
#include "rangeup/fixed_string.hpp"
#include "rangeup/byte_range.hpp"
#include "rangeup/clock.hpp"
#include "rangeup/http.hpp"
#include "rangeup/step.hpp"
