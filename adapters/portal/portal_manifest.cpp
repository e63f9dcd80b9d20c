// Manifest <-> JSON with nlohmann::json, whose object keys are sorted, giving canonical bytes.
#include "adapters/portal/portal_manifest.h"

#include <nlohmann/json.hpp>

namespace fabu::portal {
namespace {

constexpr int kManifestVersion = 1;

nlohmann::json revisions_to_json(const std::vector<RevisionRecord>& revisions) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : revisions) out.push_back({{"number", r.number}, {"written_ms", r.written_ms}, {"note", r.note}});
  return out;
}

// Manifests written before revisions existed have none: the article is its first revision, written
// when it was published.
std::vector<RevisionRecord> revisions_from_json(const nlohmann::json& j, std::int64_t published_ms) {
  std::vector<RevisionRecord> out;
  if (const auto it = j.find("revisions"); it != j.end()) {
    for (const auto& r : *it) {
      out.push_back(
          {r.at("number").get<int>(), r.at("written_ms").get<std::int64_t>(), r.at("note").get<std::string>()});
    }
  }
  if (out.empty()) out.push_back({1, published_ms, ""});
  return out;
}

nlohmann::json entry_to_json(const ArticleEntry& e) {
  return nlohmann::json{{"id", e.id},
                        {"kind", e.kind},
                        {"title", e.title},
                        {"doc_number", e.doc_number},
                        {"formed", e.formed},
                        {"published_ms", e.published_ms},
                        {"serial", e.serial},
                        {"index_number", e.index_number},
                        {"issuer", e.issuer},
                        {"disclosure", e.disclosure},
                        {"subjects", e.subjects},
                        {"abstract", e.abstract},
                        {"interprets", e.interprets},
                        {"columns", e.columns},
                        {"path", e.path},
                        {"revisions", revisions_to_json(e.revisions)},
                        {"withdrawn", e.withdrawn},
                        {"withdrawn_ms", e.withdrawn_ms},
                        {"withdraw_reason", e.withdraw_reason},
                        {"repealed_on", e.repealed_on},
                        {"repealed_by", e.repealed_by}};
}

ArticleEntry entry_from_json(const nlohmann::json& j) {
  ArticleEntry e;
  j.at("id").get_to(e.id);
  j.at("kind").get_to(e.kind);
  j.at("title").get_to(e.title);
  j.at("doc_number").get_to(e.doc_number);
  j.at("formed").get_to(e.formed);
  j.at("published_ms").get_to(e.published_ms);
  j.at("serial").get_to(e.serial);
  j.at("index_number").get_to(e.index_number);
  j.at("issuer").get_to(e.issuer);
  j.at("disclosure").get_to(e.disclosure);
  j.at("subjects").get_to(e.subjects);
  j.at("abstract").get_to(e.abstract);
  j.at("interprets").get_to(e.interprets);
  j.at("columns").get_to(e.columns);
  j.at("path").get_to(e.path);
  j.at("withdrawn").get_to(e.withdrawn);
  e.revisions = revisions_from_json(j, e.published_ms);
  e.withdrawn_ms = j.value("withdrawn_ms", e.published_ms);
  e.withdraw_reason = j.value("withdraw_reason", std::string());
  e.repealed_on = j.value("repealed_on", std::string());
  e.repealed_by = j.value("repealed_by", std::string());
  return e;
}

}  // namespace

std::string manifest_to_json(const Manifest& manifest) {
  nlohmann::json articles = nlohmann::json::array();
  for (const auto& [id, entry] : manifest) articles.push_back(entry_to_json(entry));
  const nlohmann::json doc{{"version", kManifestVersion}, {"articles", std::move(articles)}};
  // Release text is validated UTF-8; `replace` only guards against a bug upstream turning into a throw.
  return doc.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Result<Manifest> manifest_from_json(std::string_view text, std::string_view source) {
  try {
    const nlohmann::json doc = nlohmann::json::parse(text);
    if (doc.at("version").get<int>() != kManifestVersion)
      return fail(Error::permanent("portal: " + std::string(source) + ": unsupported manifest version"));
    Manifest manifest;
    for (const auto& item : doc.at("articles")) {
      ArticleEntry entry = entry_from_json(item);
      std::string id = entry.id;
      manifest.emplace(std::move(id), std::move(entry));
    }
    return manifest;
  } catch (const nlohmann::json::exception& e) {
    return fail(Error::permanent("portal: " + std::string(source) + " is not a valid manifest: " + e.what()));
  }
}

}  // namespace fabu::portal
