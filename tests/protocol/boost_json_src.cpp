// Boost.JSON's compiled part, once per program (see boost_json_codec.hpp).
#include <boost/json/src.hpp>
