// AdapterRegistry and the list of built-in channel types. Adding a channel type is one line in
// register_builtin_adapters(); there is no static self-registration on purpose (see STYLE.md).
#include <string>
#include <vector>

#include "adapters/adapter.h"
#include "adapters/portal/portal_adapter.h"
#include "adapters/weibo/weibo_adapter.h"

namespace fabu {

void AdapterRegistry::add(std::unique_ptr<AdapterFactory> factory) {
  if (!factory) return;
  // A later factory with the same type replaces the earlier one, so tests can swap in a fake.
  for (auto& existing : factories_) {
    if (existing->type() == factory->type()) {
      existing = std::move(factory);
      return;
    }
  }
  factories_.push_back(std::move(factory));
}

const AdapterFactory* AdapterRegistry::find(std::string_view type) const {
  for (const auto& factory : factories_) {
    if (factory->type() == type) return factory.get();
  }
  return nullptr;
}

std::vector<std::string> AdapterRegistry::types() const {
  std::vector<std::string> names;
  names.reserve(factories_.size());
  for (const auto& factory : factories_) names.emplace_back(factory->type());
  return names;
}

void register_builtin_adapters(AdapterRegistry& registry) {
  registry.add(make_weibo_adapter_factory());
  registry.add(make_portal_adapter_factory());
}

}  // namespace fabu
