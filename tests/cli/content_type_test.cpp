// rangeup-upload's content-type inference (tools/upload/content_type.hpp):
// extension parsing, the mime.types format, the built-in table and the order
// in which they are tried.

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "content_type.hpp"

using namespace upload_cli;

TEST_CASE("extension_of: lower case, last dot, none for dot files") {
  CHECK(extension_of("report.pdf") == "pdf");
  CHECK(extension_of("Report.PDF") == "pdf");
  CHECK(extension_of("/tmp/dir.d/archive.tar.GZ") == "gz");
  CHECK(extension_of("dir.d/README") == "");
  CHECK(extension_of(".profile") == "");
  CHECK(extension_of("trailing.") == "");
}

TEST_CASE("lookup_mime_types: type then extensions, comments, any case") {
  std::istringstream table(
      "# comment line pdf\n"
      "\n"
      "application/pdf\t\t\tpdf\n"
      "image/jpeg  jpeg jpg jpe  # trailing comment png\n"
      "text/x-nothing\n");
  CHECK(lookup_mime_types(table, "jpg") == std::optional<std::string>("image/jpeg"));
  table.clear();
  table.seekg(0);
  CHECK(lookup_mime_types(table, "PDF") == std::optional<std::string>("application/pdf"));
  table.clear();
  table.seekg(0);
  CHECK_FALSE(lookup_mime_types(table, "png"));  // only named in comments
  table.clear();
  table.seekg(0);
  CHECK_FALSE(lookup_mime_types(table, ""));
}

TEST_CASE("builtin_content_type: the common attachment types") {
  CHECK(builtin_content_type("pdf") == std::optional<std::string>("application/pdf"));
  CHECK(builtin_content_type("png") == std::optional<std::string>("image/png"));
  CHECK(builtin_content_type("jpg") == std::optional<std::string>("image/jpeg"));
  CHECK(builtin_content_type("jpeg") == std::optional<std::string>("image/jpeg"));
  CHECK(builtin_content_type("docx") ==
        std::optional<std::string>("application/vnd.openxmlformats-officedocument.wordprocessingml.document"));
  CHECK(builtin_content_type("oxps") == std::optional<std::string>("application/oxps"));
  CHECK_FALSE(builtin_content_type("nosuchext"));
}

TEST_CASE("infer_content_type: mime.types first, then built in, then octet-stream") {
  const std::string path = "content_type_test.mime.types";
  {
    std::ofstream f(path);
    f << "application/x-from-file pdf\n";
  }
  CHECK(infer_content_type("a/b/Doc.PDF", path.c_str()) == "application/x-from-file");
  CHECK(infer_content_type("x.png", path.c_str()) == "image/png");  // not in the file: built in
  CHECK(infer_content_type("x.unknownext", path.c_str()) == "application/octet-stream");
  CHECK(infer_content_type("no-extension", path.c_str()) == "application/octet-stream");
  std::remove(path.c_str());
  CHECK(infer_content_type("x.pdf", "/nonexistent/mime.types") == "application/pdf");
  CHECK(infer_content_type("x.pdf", nullptr) == "application/pdf");
}

TEST_CASE("is_printable_value: no control characters, not empty") {
  CHECK(is_printable_value("image001.png@01D9"));
  CHECK(is_printable_value("text/plain; charset=utf-8"));
  CHECK_FALSE(is_printable_value(""));
  CHECK_FALSE(is_printable_value("a\r\nb"));
  CHECK_FALSE(is_printable_value(std::string("a\0b", 3)));
  CHECK_FALSE(is_printable_value("tab\there"));
}
