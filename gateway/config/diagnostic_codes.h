#pragma once

#include <string_view>

namespace gatesim::config {

enum class Severity { kInfo, kWarning, kError };

std::string_view severity_name(Severity severity);

// Every message gatesim prints about a configuration has a stable code. The catalogue
// (diagnostic_codes.cc) is the single place that gives each code its default severity
// and, where one exists, the `istioctl analyze` code it corresponds to.
enum class Code {
  // input and YAML
  kFileUnreadable, kYamlSyntax, kBinaryContent, kFileTooLarge, kNestingTooDeep,
  kNotAResource, kKindSkipped, kUnsupportedApiVersion, kDocumentTooComplex,
  kWrongType, kUnknownField, kMissingField, kInvalidValue, kDuplicateKey,
  kDuplicateResource, kInvalidName, kDeprecatedField,
  // Gateway
  kGatewayNoServers, kServerNoHosts, kInvalidPortProtocol, kInvalidPortNumber,
  kDuplicatePortName, kTlsRequired, kTlsNotAllowed, kTlsMissingCredentials,
  kTlsMissingCa, kIstioMutualExtraFields, kInvalidHost, kHttpsRedirectOnNonHttp,
  kInvalidBind, kTargetPortIgnored, kInvalidTlsVersions, kInvalidCipherSuite,
  kWeakTlsWithoutCiphers, kInvalidCertificatePin, kCertificatesIgnored, kInvalidCrl, kUdpNotProxied, kInvalidMisdirectedRequests,
  // VirtualService
  kVirtualServiceNoHosts, kInvalidGatewayReference, kConflictingActions, kNoAction,
  kNegativeWeight, kZeroTotalWeight, kInvalidRegex, kInvalidRedirectCode,
  kRewriteWithRedirect, kInvalidPercentage, kInvalidDuration, kInvalidGrpcStatus,
  kInvalidHeaderName, kInvalidDirectResponse, kUnreachableRule, kMissingDestination,
  kInvalidDestinationPort, kTlsRouteWithoutSni, kSniHostOutsideVirtualService,
  kInvalidRetries, kInvalidRedirect, kRedirectCodeUnsupported, kFaultWithoutEffect, kLargeDirectResponse,
  kInvalidHeaderOperation, kInvalidCorsPolicy, kDuplicateHost, kInvalidDelegate, kLegacyGatewayName,
  kUnsupportedFeature, kInvalidRewrite, kInvalidStringMatch,
  // DestinationRule
  kDestinationRuleNoHost, kDuplicateSubset, kInvalidLoadBalancer, kInvalidConnectionPool,
  kInvalidOutlierDetection, kEmptyPolicy, kInvalidClientTls,
  // ServiceEntry, Service, Endpoints, EndpointSlice
  kServiceEntryNoHosts, kInvalidServicePort, kInvalidResolution, kDuplicateServicePort,
  kAppProtocolOverridesName, kProtocolNotRecognised, kInvalidAddress, kEndpointPortUnknown,
  kMultipleHostsPlainPort, kPartialWildcard,
  // Secrets and certificate material
  kSecretMissingData, kSecretInvalidBase64, kInvalidCertificate, kCertificateFileUnreadable,
  kCredentialNotFound, kCaCredentialNotFound,
  // cross-resource analysis
  kGatewayNotFound, kDestinationHostNotFound, kDuplicateTlsHost, kHostNotInGateway,
  kDuplicateCertificate, kSubsetNotFound, kConflictingServers, kDestinationPortNotFound,
  kVirtualServiceMeshOnly, kDuplicateSniRoute, kGatewaySelectsNothing,
  // compilation into the Snapshot
  kNoVirtualServiceForServer, kRouteDroppedForPort, kNoRouteForTcpServer,
  kCodeCount  // not a code: the number of codes
};

struct CodeInfo {
  Code code;
  std::string_view id;        // "GS103": stable, never reused
  Severity severity;          // default severity
  std::string_view title;     // short kebab-case name
  std::string_view istio_id;  // matching istioctl analyze / webhook notion, or ""
};

const CodeInfo& code_info(Code code);
// All codes in catalogue order (for documentation and tests).
const CodeInfo* code_catalogue(std::size_t* count);

}  // namespace gatesim::config
