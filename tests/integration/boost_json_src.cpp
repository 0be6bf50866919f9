// Boost.JSON's implementation, compiled once for codec_matrix_test (see
// rangeup/json/boost_json_codec.hpp).
#include <boost/json/src.hpp>
