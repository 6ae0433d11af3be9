#include "gateway/config/config_loader.h"

namespace gatesim::config {
namespace {

constexpr const char* kIstioGroup = "networking.istio.io/";

bool is_istio_version(const std::string& api_version) {
  return api_version == "networking.istio.io/v1alpha3" || api_version == "networking.istio.io/v1beta1" ||
         api_version == "networking.istio.io/v1";
}

bool is_istio_traffic_kind(const std::string& kind) {
  return kind == "Gateway" || kind == "VirtualService" || kind == "DestinationRule" || kind == "ServiceEntry";
}

}  // namespace

ConfigLoader::ConfigLoader(Diagnostics& diagnostics, LoadOptions options)
    : diagnostics_(diagnostics), options_(std::move(options)) {}

bool ConfigLoader::add_path(const std::string& path) {
  return YamlDocumentLoader(diagnostics_, options_.limits)
      .load_path(path, [this](const YamlDocument& d) { add_document(d); });
}

void ConfigLoader::add_text(const std::string& text, const std::string& name) {
  YamlDocumentLoader(diagnostics_, options_.limits).load_text(text, name, [this](const YamlDocument& d) {
    add_document(d);
  });
}

void ConfigLoader::add_document(const YamlDocument& document) {
  if (!document.root || document.root.IsNull()) return;  // empty document between `---`
  ParseContext context(diagnostics_, document.file, document.line_offset);
  if (!document.root.IsMap()) {
    context.report(Code::kNotAResource, context.origin(document.root, ""),
                   "a document must be a mapping with apiVersion and kind");
    return;
  }
  FieldReader reader(context, document.root, "");
  const auto api_version = reader.string("apiVersion", true);
  const auto kind = reader.string("kind", true);
  if (!api_version || !kind) return;
  if (*kind == "List" && *api_version == "v1") {
    reader.objects("items", [&](FieldReader& item, std::size_t) {
      const auto item_version = item.string("apiVersion", true);
      const auto item_kind = item.string("kind", true);
      if (item_version && item_kind) add_resource(item, *item_version, *item_kind, document.index);
      // add_resource finished the item itself; the outer loop's finish() is then a no-op.
    });
    reader.take("metadata");
    reader.finish();
    return;
  }
  add_resource(reader, *api_version, *kind, document.index);
}

template <class T>
void ConfigLoader::keep(std::vector<T>& list, T resource, const std::string& kind) {
  resource.meta.load_order = next_load_order_++;
  const std::string key = kind + " " + resource.meta.namespace_name + "/" + resource.meta.name;
  auto [known, fresh] = positions_.emplace(key, list.size());
  if (!fresh && !resource.meta.name.empty()) {
    T* same = &list[known->second];
    diagnostics_.add(Code::kDuplicateResource, resource.meta.origin, resource_label(kind, resource.meta),
                     "also defined at " + same->meta.origin.location.file + ":" +
                         std::to_string(same->meta.origin.location.line) +
                         "; this later definition replaces it, as kubectl apply would");
    *same = std::move(resource);
    return;
  }
  list.push_back(std::move(resource));
}

void ConfigLoader::add_resource(FieldReader& document, const std::string& api_version, const std::string& kind,
                                int index) {
  ParseContext& context = document.context();
  const bool istio_group = api_version.rfind(kIstioGroup, 0) == 0;
  const bool core = api_version == "v1";
  const bool discovery = api_version == "discovery.k8s.io/v1" || api_version == "discovery.k8s.io/v1beta1";
  const bool known = (istio_group && is_istio_traffic_kind(kind)) ||
                     (core && (kind == "Service" || kind == "Endpoints" || kind == "Secret")) ||
                     (discovery && kind == "EndpointSlice");
  if (istio_group && is_istio_traffic_kind(kind) && !is_istio_version(api_version)) {
    const YAML::Node metadata = document.peek("metadata");
    auto scalar = [&](const char* key, const std::string& fallback) {
      return metadata.IsMap() && metadata[key] && metadata[key].IsScalar() ? metadata[key].Scalar() : fallback;
    };
    context.set_resource(kind + " " + scalar("namespace", options_.default_namespace) + "/" + scalar("name", "<unnamed>"));
    context.report(Code::kUnsupportedApiVersion, document.origin("apiVersion"),
                   kind + " in \"" + api_version + "\": supported versions are v1alpha3, v1beta1 and v1");
    document.finish_silently();
    return;
  }
  if (!known) {
    context.report(Code::kKindSkipped, document.origin("kind"),
                   api_version + " " + kind + " does not affect gateway routing here; skipped");
    document.finish_silently();
    return;
  }

  context.quoted_integers = istio_group;  // protobuf JSON accepts "80"; Kubernetes' own types do not
  ObjectMeta meta = parse_object_meta(document, options_.default_namespace);
  meta.api_version = api_version;
  meta.document = index;
  context.set_resource(resource_label(kind, meta));
  document.take("status");

  if (kind == "Endpoints" || kind == "EndpointSlice" || kind == "Secret") {
    // These carry their content at the top level, not under `spec`.
    if (kind == "Endpoints") keep(config_.endpoint_groups, parse_endpoints(document, std::move(meta)), kind);
    else if (kind == "EndpointSlice") keep(config_.endpoint_groups, parse_endpoint_slice(document, std::move(meta)), kind);
    else if (auto secret = parse_tls_secret(document, std::move(meta))) keep(config_.secrets, std::move(*secret), kind);
    document.finish();
    return;
  }

  auto spec = document.object("spec", true);
  if (spec) {
    if (kind == "Gateway") keep(config_.gateways, parse_gateway(*spec, std::move(meta)), kind);
    else if (kind == "VirtualService") keep(config_.virtual_services, parse_virtual_service(*spec, std::move(meta)), kind);
    else if (kind == "DestinationRule") keep(config_.destination_rules, parse_destination_rule(*spec, std::move(meta)), kind);
    else if (kind == "ServiceEntry") keep(config_.service_entries, parse_service_entry(*spec, std::move(meta)), kind);
    else if (kind == "Service") keep(config_.services, parse_kube_service(*spec, std::move(meta)), kind);
    spec->finish();
  }
  document.finish();
}

}  // namespace gatesim::config
