// Boost.JSON's implementation, compiled once for codec_matrix_test (see
// rangeup/boost_json/codec.hpp).
#include <boost/json/src.hpp>
