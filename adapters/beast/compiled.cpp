// The one translation unit of rangeup's own build that holds the Beast
// connection's request machinery (see adapters/beast/CMakeLists.txt).
#define RANGEUP_BEAST_SOURCE
#include "rangeup/beast.hpp"
