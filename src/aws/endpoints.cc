#include "aws/endpoints.h"

#include <algorithm>

#include "aws/quoted.h"

namespace sentinel::aws {
namespace {

constexpr std::string_view kGlobalStsUrl = "https://sts.amazonaws.com";
constexpr std::string_view kGlobalSigningRegion = "us-east-1";

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

char ToLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
char ToUpper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) { return ToLower(x) == ToLower(y); });
}

// botocore's check: 1 to 63 letters, digits and '-', starting and ending alphanumeric.
bool IsRegionName(std::string_view name) {
  if (name.empty() || name.size() > 63 || !IsAlnum(name.front()) || !IsAlnum(name.back())) {
    return false;
  }
  return std::ranges::all_of(name, [](char c) { return IsAlnum(c) || c == '-'; });
}

std::unexpected<Error> InvalidRegion(std::string_view where, std::string_view name) {
  return Fail(ErrorCode::kInvalidInput,
              std::string(where) + ": invalid region " + Quoted(name) +
                  ": expected letters, digits and '-', such as eu-west-1");
}

// How a URL may be shown: never past an '@' (user information such as a token) nor
// past a '?' or '#' (a query may carry a signature).
std::string ShownUrl(std::string_view url) {
  if (url.find('@') != std::string_view::npos) {
    const std::size_t scheme_end = url.find("://");
    return Quoted(scheme_end == std::string_view::npos
                      ? std::string("...")
                      : std::string(url.substr(0, scheme_end + 3)) + "...");
  }
  const std::size_t cut = url.find_first_of("?#");
  if (cut == std::string_view::npos) {
    return Quoted(url);
  }
  return Quoted(std::string(url.substr(0, cut)) + "...");
}

bool IsHostChar(char c) { return IsAlnum(c) || c == '-' || c == '.' || c == '_'; }

bool IsIpv6Char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
         c == '.';
}

// Checks "host[:port]" and returns why it is invalid, or "" when it is fine.
std::string AuthorityProblem(std::string_view authority) {
  std::string_view host = authority;
  std::string_view port;
  bool bracketed = false;
  if (authority.starts_with('[')) {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return "the IPv6 address has no closing ']'";
    }
    host = authority.substr(1, close - 1);
    bracketed = true;
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':')) {
      return "unexpected text after the IPv6 address";
    }
    port = rest.empty() ? rest : rest.substr(1);
    if (rest.starts_with(':') && port.empty()) {
      return "the port is empty";
    }
  } else if (const std::size_t colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (port.empty()) {
      return "the port is empty";
    }
  }
  if (host.empty()) {
    return "the host is missing";
  }
  if (!std::ranges::all_of(host, bracketed ? IsIpv6Char : IsHostChar)) {
    return "the host " + Quoted(host) + " is not a host name or IP address";
  }
  if (!port.empty()) {
    long value = 0;
    const bool digits =
        port.size() <= 5 && std::ranges::all_of(port, [](char c) { return c >= '0' && c <= '9'; });
    for (char c : port) {
      value = value * 10 + (c - '0');
    }
    if (!digits || value < 1 || value > 65535) {
      return "the port must be a number from 1 to 65535";
    }
  }
  return "";
}

// Returns `url` with a lower-case scheme and no trailing '/', or the reason it cannot
// be an endpoint, as the error.
Result<std::string> NormalizeEndpointUrl(std::string_view url) {
  auto invalid = [](std::string why) { return Fail(ErrorCode::kInvalidInput, std::move(why)); };
  if (std::ranges::any_of(url, [](char c) {
        return static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f;
      })) {
    return invalid("it contains a blank, a control character or non-ASCII text");
  }
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return invalid("expected http:// or https:// followed by a host");
  }
  std::string scheme(url.substr(0, scheme_end));
  std::ranges::transform(scheme, scheme.begin(), ToLower);
  if (scheme != "http" && scheme != "https") {
    return invalid("the scheme must be http or https");
  }
  const std::string_view rest = url.substr(scheme_end + 3);
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return invalid("a query or fragment is not allowed");
  }
  const std::size_t path_start = std::min(rest.find('/'), rest.size());
  const std::string_view authority = rest.substr(0, path_start);
  if (authority.find('@') != std::string_view::npos) {
    return invalid("user information is not allowed");
  }
  if (std::string problem = AuthorityProblem(authority); !problem.empty()) {
    return invalid(std::move(problem));
  }
  std::string_view path = rest.substr(path_start);
  while (path.ends_with('/')) {
    path.remove_suffix(1);
  }
  return scheme + "://" + std::string(authority) + std::string(path);
}

Result<Endpoint> Configured(std::string_view url, const std::string& where, std::string source,
                            const std::optional<std::string>& region) {
  Result<std::string> normalized = NormalizeEndpointUrl(url);
  if (!normalized) {
    return Fail(ErrorCode::kInvalidInput, where + ": invalid endpoint URL " + ShownUrl(url) + ": " +
                                              normalized.error().message());
  }
  return Endpoint{std::move(*normalized), region.value_or(std::string(kGlobalSigningRegion)),
                  std::move(source)};
}

Result<std::optional<Endpoint>> AsOptional(Result<Endpoint> endpoint) {
  if (!endpoint) {
    return std::unexpected(endpoint.error());
  }
  return std::optional<Endpoint>(std::move(*endpoint));
}

// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS, when set, decides; else the profile does.
bool IgnoreConfiguredUrls(const Profile* profile, const Environment& env) {
  if (std::optional<std::string> value = env.Get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) {
    return EqualsIgnoringCase(*value, "true");
  }
  return profile != nullptr && profile->ignore_configured_endpoint_urls;
}

// Steps 3 and 4: the profile's [services] block, then its endpoint_url. nullopt for none.
Result<std::optional<Endpoint>> FromProfile(std::string_view service_id, const Profile& profile,
                                            const std::optional<std::string>& region) {
  const std::string label = "profile " + Quoted(profile.name);
  if (profile.services.has_value() && !profile.services_section_exists) {
    return Fail(ErrorCode::kInvalidInput, profile.Origin("services") + ": " + label +
                                              ": services names " + Quoted(*profile.services) +
                                              ", but there is no [services " + *profile.services +
                                              "] section");
  }
  if (const auto it = profile.service_endpoint_urls.find(std::string(service_id));
      it != profile.service_endpoint_urls.end()) {
    const std::string block =
        "[services " + *profile.services + "] " + std::string(service_id) + " endpoint_url";
    const std::string origin = it->second.origin.ToString();
    return AsOptional(
        Configured(it->second.url, origin + ": " + block, block + " (" + origin + ")", region));
  }
  if (profile.endpoint_url.has_value()) {
    const std::string origin = profile.Origin("endpoint_url");
    return AsOptional(Configured(*profile.endpoint_url, origin + ": " + label + ": endpoint_url",
                                 "endpoint_url of " + label + " (" + origin + ")", region));
  }
  return std::optional<Endpoint>();
}

Result<Endpoint> DefaultEndpoint(std::string_view service,
                                 const std::optional<std::string>& region) {
  if (!region.has_value()) {
    if (service == "sts") {
      return Endpoint{std::string(kGlobalStsUrl), std::string(kGlobalSigningRegion),
                      "the global STS endpoint"};
    }
    return Fail(
        ErrorCode::kInvalidInput,
        "no region for " + std::string(service) +
            ": pass --region, or set AWS_REGION, AWS_DEFAULT_REGION or the profile's region");
  }
  const std::string domain = region->starts_with("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  return Endpoint{"https://" + std::string(service) + "." + *region + "." + domain, *region,
                  "the default endpoint for " + *region};
}

}  // namespace

Result<std::optional<Region>> ResolveRegion(const std::optional<std::string>& flag,
                                            const Profile* profile, const Environment& env) {
  std::optional<Region> region;
  if (flag.has_value()) {
    region = Region{*flag, "--region"};
  } else if (std::optional<std::string> value = env.Get("AWS_REGION")) {
    region = Region{*value, "AWS_REGION"};
  } else if (std::optional<std::string> fallback = env.Get("AWS_DEFAULT_REGION")) {
    region = Region{*fallback, "AWS_DEFAULT_REGION"};
  } else if (profile != nullptr && profile->region.has_value()) {
    region = Region{*profile->region,
                    "profile " + Quoted(profile->name) + " (" + profile->Origin("region") + ")"};
  }
  if (region.has_value() && !IsRegionName(region->name)) {
    return InvalidRegion(region->source, region->name);
  }
  return region;
}

Result<Endpoint> ResolveEndpoint(std::string_view service, const std::optional<std::string>& region,
                                 const Profile* profile, const Environment& env) {
  if (service.empty() ||
      !std::ranges::all_of(service, [](char c) { return IsAlnum(c) || c == '-'; })) {
    return Fail(ErrorCode::kInternal,
                "resolving an endpoint: invalid service id " + Quoted(service));
  }
  if (region.has_value() && !IsRegionName(*region)) {
    return InvalidRegion("resolving the " + std::string(service) + " endpoint", *region);
  }

  // The services section and the environment spell the service id differently.
  std::string service_id(service);
  std::ranges::replace(service_id, '-', '_');
  std::string variable_suffix = service_id;
  std::ranges::transform(variable_suffix, variable_suffix.begin(), ToUpper);
  std::ranges::transform(service_id, service_id.begin(), ToLower);

  if (!IgnoreConfiguredUrls(profile, env)) {
    for (const std::string& variable :
         {"AWS_ENDPOINT_URL_" + variable_suffix, std::string("AWS_ENDPOINT_URL")}) {
      if (std::optional<std::string> url = env.Get(variable)) {
        return Configured(*url, variable, variable, region);
      }
    }
    if (profile != nullptr) {
      Result<std::optional<Endpoint>> configured = FromProfile(service_id, *profile, region);
      if (!configured) {
        return std::unexpected(configured.error());
      }
      if (configured->has_value()) {
        return std::move(**configured);
      }
    }
  }
  return DefaultEndpoint(service_id, region);
}

}  // namespace sentinel::aws
