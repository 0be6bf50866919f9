#include <rangeup/rangeup.hpp>

int main() { return 0; }
