// rangeup::io alone: a POSIX byte source (a missing file is an error code).
#include <rangeup/io/file_source.hpp>

int main() {
  rangeup::io::file_source file;
  return file.open("/nonexistent/rangeup-consumer") ? 0 : 1;
}
