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
#include "rangeup/codec.hpp"
#include "rangeup/json/utf8.hpp"
#include "rangeup/json/number.hpp"
#include "rangeup/json/document_builder.hpp"
#include "rangeup/json/reader.hpp"
#include "rangeup/json/writer.hpp"
#include "rangeup/json/builtin_codec.hpp"
