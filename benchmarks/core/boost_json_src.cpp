// Boost.JSON is not header-only: its implementation, compiled once for rangeup-bench-codecs.
#include <boost/json/src.hpp>
