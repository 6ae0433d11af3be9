#include "gateway/config/diagnostic_codes.h"

#include <cstdlib>

namespace gatesim::config {
namespace {

using S = Severity;

// Ids are stable: append new codes, never renumber or reuse an id.
constexpr CodeInfo kCatalogue[] = {
    {Code::kFileUnreadable, "GS001", S::kError, "file-unreadable", ""},
    {Code::kYamlSyntax, "GS002", S::kError, "yaml-syntax", ""},
    {Code::kBinaryContent, "GS003", S::kError, "binary-content", ""},
    {Code::kFileTooLarge, "GS004", S::kError, "file-too-large", ""},
    {Code::kNestingTooDeep, "GS005", S::kError, "nesting-too-deep", ""},
    {Code::kNotAResource, "GS006", S::kError, "not-a-resource", ""},
    {Code::kKindSkipped, "GS007", S::kInfo, "kind-skipped", ""},
    {Code::kUnsupportedApiVersion, "GS008", S::kError, "unsupported-api-version", ""},
    {Code::kDocumentTooComplex, "GS009", S::kError, "document-too-complex", ""},
    {Code::kWrongType, "GS010", S::kError, "wrong-type", ""},
    {Code::kUnknownField, "GS011", S::kWarning, "unknown-field", "IST0146"},
    {Code::kMissingField, "GS012", S::kError, "missing-field", ""},
    {Code::kInvalidValue, "GS013", S::kError, "invalid-value", ""},
    {Code::kDuplicateKey, "GS014", S::kError, "duplicate-key", ""},
    {Code::kDuplicateResource, "GS015", S::kWarning, "duplicate-resource", ""},
    {Code::kInvalidName, "GS016", S::kError, "invalid-name", ""},
    {Code::kDeprecatedField, "GS017", S::kWarning, "deprecated-field", "IST0135"},

    {Code::kGatewayNoServers, "GS101", S::kError, "gateway-no-servers", ""},
    {Code::kServerNoHosts, "GS102", S::kError, "server-no-hosts", ""},
    {Code::kInvalidPortProtocol, "GS103", S::kError, "invalid-port-protocol", ""},
    {Code::kInvalidPortNumber, "GS104", S::kError, "invalid-port-number", ""},
    {Code::kDuplicatePortName, "GS105", S::kError, "duplicate-port-name", ""},
    {Code::kTlsRequired, "GS106", S::kError, "tls-required", ""},
    {Code::kTlsNotAllowed, "GS107", S::kError, "tls-not-allowed", ""},
    {Code::kTlsMissingCredentials, "GS108", S::kError, "tls-missing-credentials", ""},
    {Code::kTlsMissingCa, "GS109", S::kError, "tls-missing-ca", ""},
    {Code::kIstioMutualExtraFields, "GS110", S::kError, "istio-mutual-extra-fields", ""},
    {Code::kInvalidHost, "GS111", S::kError, "invalid-host", ""},
    {Code::kHttpsRedirectOnNonHttp, "GS112", S::kWarning, "https-redirect-on-non-http", ""},
    {Code::kInvalidBind, "GS113", S::kError, "invalid-bind", ""},
    {Code::kTargetPortIgnored, "GS114", S::kError, "target-port-ignored", ""},
    {Code::kInvalidTlsVersions, "GS115", S::kError, "invalid-tls-versions", ""},
    {Code::kInvalidCipherSuite, "GS116", S::kWarning, "invalid-cipher-suite", ""},
    {Code::kWeakTlsWithoutCiphers, "GS117", S::kWarning, "weak-tls-without-ciphers", ""},
    {Code::kInvalidCertificatePin, "GS118", S::kError, "invalid-certificate-pin", ""},
    {Code::kCertificatesIgnored, "GS119", S::kWarning, "certificates-ignored", ""},
    {Code::kInvalidCrl, "GS120", S::kError, "invalid-crl", ""},
    {Code::kUdpNotProxied, "GS121", S::kWarning, "udp-not-proxied", ""},
    {Code::kInvalidMisdirectedRequests, "GS122", S::kError, "invalid-misdirected-requests", ""},

    {Code::kVirtualServiceNoHosts, "GS201", S::kError, "virtual-service-no-hosts", ""},
    {Code::kInvalidGatewayReference, "GS202", S::kError, "invalid-gateway-reference", ""},
    {Code::kConflictingActions, "GS203", S::kError, "conflicting-actions", ""},
    {Code::kNoAction, "GS204", S::kError, "no-action", ""},
    {Code::kNegativeWeight, "GS205", S::kError, "negative-weight", ""},
    {Code::kZeroTotalWeight, "GS206", S::kError, "zero-total-weight", ""},
    {Code::kInvalidRegex, "GS207", S::kError, "invalid-regex", ""},
    {Code::kInvalidRedirectCode, "GS208", S::kError, "invalid-redirect-code", ""},
    {Code::kRewriteWithRedirect, "GS209", S::kError, "rewrite-with-redirect", ""},
    {Code::kInvalidPercentage, "GS210", S::kError, "invalid-percentage", ""},
    {Code::kInvalidDuration, "GS211", S::kError, "invalid-duration", ""},
    {Code::kInvalidGrpcStatus, "GS212", S::kError, "invalid-grpc-status", ""},
    {Code::kInvalidHeaderName, "GS213", S::kError, "invalid-header-name", ""},
    {Code::kInvalidDirectResponse, "GS214", S::kError, "invalid-direct-response", ""},
    {Code::kUnreachableRule, "GS215", S::kWarning, "unreachable-rule", ""},
    {Code::kMissingDestination, "GS216", S::kError, "missing-destination", ""},
    {Code::kInvalidDestinationPort, "GS217", S::kError, "invalid-destination-port", ""},
    {Code::kTlsRouteWithoutSni, "GS218", S::kError, "tls-route-without-sni", ""},
    {Code::kSniHostOutsideVirtualService, "GS219", S::kError, "sni-host-outside-virtual-service", ""},
    {Code::kInvalidRetries, "GS220", S::kError, "invalid-retries", ""},
    {Code::kInvalidRedirect, "GS221", S::kError, "invalid-redirect", ""},
    {Code::kRedirectCodeUnsupported, "GS222", S::kWarning, "redirect-code-unsupported", ""},
    {Code::kFaultWithoutEffect, "GS223", S::kWarning, "fault-without-effect", ""},
    {Code::kLargeDirectResponse, "GS224", S::kWarning, "large-direct-response", ""},
    {Code::kInvalidHeaderOperation, "GS225", S::kError, "invalid-header-operation", ""},
    {Code::kInvalidCorsPolicy, "GS226", S::kError, "invalid-cors-policy", ""},
    {Code::kDuplicateHost, "GS227", S::kError, "duplicate-host", ""},
    {Code::kInvalidDelegate, "GS228", S::kError, "invalid-delegate", ""},
    {Code::kLegacyGatewayName, "GS229", S::kWarning, "legacy-gateway-name", ""},
    {Code::kUnsupportedFeature, "GS230", S::kError, "unsupported-feature", ""},
    {Code::kInvalidRewrite, "GS231", S::kError, "invalid-rewrite", ""},
    {Code::kInvalidStringMatch, "GS232", S::kError, "invalid-string-match", ""},

    {Code::kDestinationRuleNoHost, "GS301", S::kError, "destination-rule-no-host", ""},
    {Code::kDuplicateSubset, "GS302", S::kError, "duplicate-subset", ""},
    {Code::kInvalidLoadBalancer, "GS303", S::kError, "invalid-load-balancer", ""},
    {Code::kInvalidConnectionPool, "GS304", S::kError, "invalid-connection-pool", ""},
    {Code::kInvalidOutlierDetection, "GS305", S::kError, "invalid-outlier-detection", ""},
    {Code::kEmptyPolicy, "GS306", S::kError, "empty-policy", ""},
    {Code::kInvalidClientTls, "GS307", S::kError, "invalid-client-tls", ""},

    {Code::kServiceEntryNoHosts, "GS401", S::kError, "service-entry-no-hosts", ""},
    {Code::kInvalidServicePort, "GS402", S::kError, "invalid-service-port", ""},
    {Code::kInvalidResolution, "GS403", S::kError, "invalid-resolution", ""},
    {Code::kDuplicateServicePort, "GS404", S::kError, "duplicate-service-port", ""},
    {Code::kAppProtocolOverridesName, "GS405", S::kInfo, "app-protocol-overrides-name", ""},
    {Code::kProtocolNotRecognised, "GS406", S::kWarning, "protocol-not-recognised", "IST0118"},
    {Code::kInvalidAddress, "GS407", S::kError, "invalid-address", ""},
    {Code::kEndpointPortUnknown, "GS408", S::kError, "endpoint-port-unknown", ""},
    {Code::kMultipleHostsPlainPort, "GS409", S::kError, "multiple-hosts-plain-port", ""},
    {Code::kPartialWildcard, "GS410", S::kWarning, "partial-wildcard", ""},

    {Code::kSecretMissingData, "GS501", S::kError, "secret-missing-data", ""},
    {Code::kSecretInvalidBase64, "GS502", S::kError, "secret-invalid-base64", ""},
    {Code::kInvalidCertificate, "GS503", S::kError, "invalid-certificate", ""},
    {Code::kCertificateFileUnreadable, "GS504", S::kWarning, "certificate-file-unreadable", ""},
    {Code::kCredentialNotFound, "GS505", S::kError, "credential-not-found", "IST0101"},
    {Code::kCaCredentialNotFound, "GS506", S::kError, "ca-credential-not-found", "IST0101"},

    {Code::kGatewayNotFound, "GS601", S::kError, "gateway-not-found", "IST0101"},
    {Code::kDestinationHostNotFound, "GS602", S::kError, "destination-host-not-found", "IST0101"},
    {Code::kDuplicateTlsHost, "GS603", S::kWarning, "duplicate-tls-host", "IST0145"},
    {Code::kHostNotInGateway, "GS604", S::kWarning, "host-not-in-gateway", "IST0132"},
    {Code::kDuplicateCertificate, "GS605", S::kWarning, "duplicate-certificate", "IST0138"},
    {Code::kSubsetNotFound, "GS606", S::kError, "subset-not-found", "IST0101"},
    {Code::kConflictingServers, "GS607", S::kWarning, "conflicting-servers", "IST0145"},
    {Code::kDestinationPortNotFound, "GS608", S::kError, "destination-port-not-found", "IST0112"},
    {Code::kVirtualServiceMeshOnly, "GS609", S::kInfo, "virtual-service-mesh-only", ""},
    {Code::kDuplicateSniRoute, "GS610", S::kWarning, "duplicate-sni-route", ""},
    {Code::kGatewaySelectsNothing, "GS611", S::kInfo, "gateway-selects-nothing", "IST0101"},

    {Code::kNoVirtualServiceForServer, "GS701", S::kInfo, "no-virtual-service-for-server", ""},
    {Code::kRouteDroppedForPort, "GS702", S::kWarning, "route-dropped-for-port", ""},
    {Code::kNoRouteForTcpServer, "GS703", S::kWarning, "no-route-for-tcp-server", ""},
};

}  // namespace

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::kInfo: return "info";
    case Severity::kWarning: return "warning";
    case Severity::kError: return "error";
  }
  return "error";
}

const CodeInfo& code_info(Code code) {
  for (const CodeInfo& info : kCatalogue) {
    if (info.code == code) return info;
  }
  std::abort();  // unreachable: every enumerator has a catalogue row (tested)
}

const CodeInfo* code_catalogue(std::size_t* count) {
  *count = sizeof(kCatalogue) / sizeof(kCatalogue[0]);
  return kCatalogue;
}

}  // namespace gatesim::config
