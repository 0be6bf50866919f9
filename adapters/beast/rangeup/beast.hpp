#pragma once
// rangeup's Boost.Beast adapter: the blocking transport and the Asio driver.

#include "rangeup/beast/url.hpp"
#include "rangeup/beast/error_mapping.hpp"
#include "rangeup/beast/options.hpp"
#include "rangeup/beast/connection.hpp"
#include "rangeup/beast/transport.hpp"
#include "rangeup/beast/async_upload.hpp"
