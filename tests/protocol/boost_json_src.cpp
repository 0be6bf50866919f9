// Boost.JSON's compiled part, once per program (see rangeup/boost_json/codec.hpp).
#include <boost/json/src.hpp>
