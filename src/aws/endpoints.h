// Which region sentinel talks to, and at which URL it reaches each AWS service.
#ifndef SENTINEL_AWS_ENDPOINTS_H_
#define SENTINEL_AWS_ENDPOINTS_H_

#include <optional>
#include <string>
#include <string_view>

#include "aws/environment.h"
#include "aws/shared_config.h"
#include "core/error.h"

namespace sentinel::aws {

// A region and where it was set, for --debug and messages.
struct Region {
  std::string name;    // "eu-west-1"
  std::string source;  // "--region", "AWS_REGION", "profile 'dev' (/root/.aws/config: line 3)"
};

// Resolves the region: `flag` (--region), else AWS_REGION, else AWS_DEFAULT_REGION, else
// the profile's region (`profile` may be null). Returns nullopt when none is set. Fails
// with kInvalidInput naming the source when the value is not a region name (letters,
// digits and '-', 1 to 63 characters, as botocore checks).
[[nodiscard]] Result<std::optional<Region>> ResolveRegion(const std::optional<std::string>& flag,
                                                          const Profile* profile,
                                                          const Environment& env);

// Where to send requests for one service.
struct Endpoint {
  std::string url;             // "https://sts.eu-west-1.amazonaws.com": no trailing '/'
  std::string signing_region;  // the SigV4 region
  std::string source;          // where the URL came from, for --debug and messages
};

// Resolves the endpoint of `service` ("sts", "ssm", "dynamodb", "sns"; any service id
// works) in `region`, with the precedence of the AWS SDKs:
//   1. AWS_ENDPOINT_URL_<SERVICE> (service id upper-cased, '-' as '_': AWS_ENDPOINT_URL_STS)
//   2. AWS_ENDPOINT_URL
//   3. the endpoint_url of the service's block in the profile's [services NAME] section
//   4. the profile's endpoint_url
//   5. https://<service>.<region>.amazonaws.com (.amazonaws.com.cn for cn- regions); for
//      sts without a region the global https://sts.amazonaws.com, signed for us-east-1.
// Steps 1 to 4 are skipped when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is "true" (any case),
// or, when that variable is unset, the profile's ignore_configured_endpoint_urls is true.
// A configured URL is signed for `region`, or us-east-1 without one. `profile` may be null.
//
// Fails with kInvalidInput when a configured URL is malformed ("AWS_ENDPOINT_URL_STS:
// invalid endpoint URL 'ftp://x': the scheme must be http or https"; only http and https,
// a host, an optional port and path; no user information, query or fragment), when the
// profile names a [services NAME] section that does not exist, or when a service other
// than sts has no region and no configured URL. Messages show a URL only up to the first
// '@', '?' or '#', where credentials could hide.
[[nodiscard]] Result<Endpoint> ResolveEndpoint(std::string_view service,
                                               const std::optional<std::string>& region,
                                               const Profile* profile, const Environment& env);

}  // namespace sentinel::aws

#endif  // SENTINEL_AWS_ENDPOINTS_H_
