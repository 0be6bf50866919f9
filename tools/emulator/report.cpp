// Emulator control endpoints: the report of what landed and the sink.

#include <boost/json.hpp>

#include "json_text.hpp"
#include "service.hpp"

namespace emu {
namespace json = boost::json;

reply service::report(const route& r) const {
  std::lock_guard<std::mutex> lock(mutex_);
  json::array files;
  const auto text_or_null = [](const std::string& s) { return s.empty() ? json::value(nullptr) : json::value(s); };
  const auto wanted = [&r](const stored_file& f) {
    for (const auto& [key, value] : r.file_filter)
      if ((key == "id" ? f.id : key == "flavor" ? f.flavor : f.name) != value) return false;
    return true;
  };
  for (const auto& f : files_) {
    if (!wanted(f)) continue;
    files.emplace_back(json::object{{"id", f.id},
                                    {"flavor", f.flavor},
                                    {"via", f.via},
                                    {"name", f.name},
                                    {"size", f.size},
                                    {"sha256", f.sha256},
                                    {"quickXorHash", f.quick_xor},
                                    {"path", f.path},
                                    {"contentType", text_or_null(f.content_type)},
                                    {"isInline", f.is_inline},
                                    {"contentId", text_or_null(f.content_id)}});
  }
  json::array violations;
  for (const auto& v : violations_) violations.emplace_back(json::object{{"kind", v.first}, {"detail", v.second}});
  json::object counters;
  for (const auto& c : counters_) counters[c.first] = c.second;
  counters["active_sessions"] = sessions_.size();
  counters["bearer_requests"] = tokens_.bearer_requests();  // accepted requests that carried the bearer
  counters["token_rejections"] = tokens_.rejections();     // 401 "token is expired"
  return reply{200, {}, to_text(json::object{{"files", std::move(files)},
                                             {"violations", std::move(violations)},
                                             {"counters", std::move(counters)}})};
}

reply service::finish_sink(std::uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  count("sink_bytes", bytes);
  return reply{200, {}, to_text(json::object{{"bytes", bytes}})};
}

}  // namespace emu
