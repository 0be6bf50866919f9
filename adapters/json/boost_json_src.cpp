// Boost.JSON's compiled part, once per build of rangeup's own tests and
// benchmark (target rangeup_boost_json_compiled; see rangeup/boost_json/codec.hpp).
#include <boost/json/src.hpp>
