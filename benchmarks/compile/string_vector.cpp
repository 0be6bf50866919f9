#include <string>
#include <vector>

int main() {
  std::vector<std::string> v{"a", "b"};
  return static_cast<int>(v.size()) - 2;
}
