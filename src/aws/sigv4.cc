#include "aws/sigv4.h"

#include <string.h>  // explicit_bzero

#include <algorithm>
#include <array>
#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/crypto.h"
#include "core/time_format.h"

namespace sentinel::aws {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::chrono::seconds kMaxPresignExpiry = std::chrono::hours(24 * 7);

using Digest = Sha256Digest;

// Query parameters as (key, value), both already in canonical percent-encoding.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// The pieces of an absolute URL that signing needs; views into the caller's string.
struct UrlParts {
  std::string_view without_fragment;  // the whole URL up to any '#'
  std::string_view authority;         // "host" or "host:port"
  std::string_view path;              // "" when the URL has none
  std::string_view query;             // after '?', "" when absent
};

// What both signing modes derive from a request before they differ.
struct PreparedRequest {
  UrlParts url;
  std::string canonical_uri;
  QueryParams query;
  std::string amz_date;  // "20150830T123600Z"
  std::string payload_hash;
};

// The canonical headers block ("name:value\n" per header) and the signed header list.
struct CanonicalHeaders {
  std::string entries;
  std::string signed_names;  // "host;x-amz-date"
};

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Lower(std::string_view text) {
  std::string result(text);
  std::ranges::transform(result, result.begin(), AsciiLower);
  return result;
}

bool IsWhitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool IsUnreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  return -1;
}

// SigV4's URI encoding: every byte but the unreserved ones as %XX with upper-case hex;
// '/' is kept only in paths.
std::string UriEncode(std::string_view text, bool keep_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string result;
  result.reserve(text.size());
  for (char c : text) {
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      result += c;
      continue;
    }
    const auto byte = static_cast<unsigned char>(c);
    result += '%';
    result += kDigits[byte >> 4];
    result += kDigits[byte & 0x0f];
  }
  return result;
}

// Decodes %XX escapes; '+' stays a plus, as AWS reads query strings.
Result<std::string> PercentDecode(std::string_view text) {
  std::string result;
  result.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      result += text[i];
      continue;
    }
    const int high = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
    const int low = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
    if (high < 0 || low < 0) {
      // The text itself is not quoted: a query string may hold a token or a signature.
      return Fail(ErrorCode::kInvalidInput, "malformed percent-escape in the query string");
    }
    result += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return result;
}

Result<UrlParts> SplitUrl(std::string_view url) {
  UrlParts parts;
  url = url.substr(0, url.find('#'));
  parts.without_fragment = url;

  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return Fail(ErrorCode::kInvalidInput, "invalid URL: not absolute (no scheme://)");
  }
  const std::string scheme = Lower(url.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") {
    return Fail(ErrorCode::kInvalidInput, "invalid URL: scheme '" + scheme + "' is not http(s)");
  }

  const std::size_t authority_begin = scheme_end + 3;
  const std::size_t authority_end = std::min(url.find_first_of("/?", authority_begin), url.size());
  parts.authority = url.substr(authority_begin, authority_end - authority_begin);
  if (parts.authority.empty()) {
    return Fail(ErrorCode::kInvalidInput, "invalid URL: no host");
  }
  if (parts.authority.find('@') != std::string_view::npos) {
    return Fail(ErrorCode::kInvalidInput, "invalid URL: user info is not supported");
  }

  const std::size_t query_begin = url.find('?', authority_end);
  parts.path = url.substr(authority_end, query_begin - authority_end);
  if (query_begin != std::string_view::npos) {
    parts.query = url.substr(query_begin + 1);
  }
  return parts;
}

// Removes empty and "." segments and resolves ".." ones. A trailing slash survives, because
// "/a/" and "/a" may name different resources.
std::string NormalizePath(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t begin = 0;
  while (begin <= path.size()) {
    const std::size_t end = std::min(path.find('/', begin), path.size());
    const std::string_view segment = path.substr(begin, end - begin);
    if (segment == "..") {
      if (!segments.empty()) {
        segments.pop_back();
      }
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    begin = end + 1;
  }

  std::string result;
  for (std::string_view segment : segments) {
    result.append("/").append(segment);
  }
  if (result.empty() || path.ends_with('/')) {
    result += '/';
  }
  return result;
}

std::string CanonicalUri(std::string_view path, const SigningParams& params) {
  std::string result(path.empty() ? "/" : path);
  if (params.normalize_path) {
    result = NormalizePath(result);
  }
  return params.double_encode_path ? UriEncode(result, /*keep_slash=*/true) : result;
}

Result<QueryParams> ParseQuery(std::string_view query) {
  QueryParams params;
  std::size_t begin = 0;
  while (begin <= query.size()) {
    const std::size_t end = std::min(query.find('&', begin), query.size());
    const std::string_view part = query.substr(begin, end - begin);
    begin = end + 1;
    if (part.empty()) {
      continue;
    }
    const std::size_t equals = part.find('=');
    auto key = PercentDecode(part.substr(0, equals));
    auto value = PercentDecode(equals == std::string_view::npos ? "" : part.substr(equals + 1));
    if (!key || !value) {
      return std::unexpected(key ? value.error() : key.error());
    }
    params.emplace_back(UriEncode(*key, false), UriEncode(*value, false));
  }
  return params;
}

std::string CanonicalQueryString(QueryParams params) {
  std::ranges::sort(params);
  std::string result;
  for (const auto& [key, value] : params) {
    if (!result.empty()) {
      result += '&';
    }
    result.append(key).append("=").append(value);
  }
  return result;
}

// Trims the value and folds every run of whitespace, line breaks of folded headers
// included, into one space.
std::string TrimAll(std::string_view value) {
  std::string result;
  bool pending_space = false;
  for (char c : value) {
    if (IsWhitespace(c)) {
      pending_space = !result.empty();
      continue;
    }
    if (pending_space) {
      result += ' ';
      pending_space = false;
    }
    result += c;
  }
  return result;
}

// Headers that an earlier signing added; SignRequest replaces them.
bool IsSigningHeader(std::string_view lower_name) {
  return lower_name == "authorization" || lower_name == "x-amz-date" ||
         lower_name == "x-amz-security-token" || lower_name == "x-amz-content-sha256";
}

// Headers that HTTP stacks and proxies add or rewrite on the way, so signing them would
// make a valid request fail verification.
bool IsUnsignableHeader(std::string_view lower_name) {
  static constexpr std::array<std::string_view, 5> kNames = {
      "user-agent", "expect", "connection", "transfer-encoding", "x-amzn-trace-id"};
  return std::ranges::find(kNames, lower_name) != kNames.end();
}

bool HasHeader(const HttpHeaders& headers, std::string_view name) {
  return std::ranges::any_of(
      headers, [&](const auto& header) { return HeaderNameEquals(header.first, name); });
}

// The request's headers that the signature covers, with Host added when absent.
HttpHeaders HeadersToSign(const HttpHeaders& headers, std::string_view authority) {
  HttpHeaders result;
  if (!HasHeader(headers, "host")) {
    result.emplace_back("Host", std::string(authority));
  }
  for (const auto& header : headers) {
    const std::string name = Lower(header.first);
    if (!IsSigningHeader(name) && !IsUnsignableHeader(name)) {
      result.push_back(header);
    }
  }
  return result;
}

CanonicalHeaders CanonicalizeHeaders(const HttpHeaders& headers) {
  // Repeated names merge into one entry, their values joined by commas in request order.
  std::map<std::string, std::string> merged;
  for (const auto& [name, value] : headers) {
    auto [it, inserted] = merged.try_emplace(Lower(name), TrimAll(value));
    if (!inserted) {
      it->second.append(",").append(TrimAll(value));
    }
  }

  CanonicalHeaders result;
  for (const auto& [name, value] : merged) {
    result.entries.append(name).append(":").append(value).append("\n");
    if (!result.signed_names.empty()) {
      result.signed_names += ';';
    }
    result.signed_names += name;
  }
  return result;
}

Result<std::string> Sha256Hex(std::string_view data) {
  auto digest = Sha256(data);
  if (!digest) {
    return std::unexpected(digest.error());
  }
  return LowerHex(*digest);
}

std::string_view AsBytes(const Digest& digest) {
  return {reinterpret_cast<const char*>(digest.data()), digest.size()};
}

// Derives the signing key: HMAC("AWS4" + secret, date), then region, service and
// "aws4_request" in turn. Intermediate keys are wiped, as they grant a day of signing.
Result<Digest> SigningKey(const Secret& secret, std::string_view date,
                          const SigningParams& params) {
  std::string seed = "AWS4" + secret.Reveal();
  Result<Digest> key = HmacSha256(seed, date);
  explicit_bzero(seed.data(), seed.size());
  for (std::string_view part : {std::string_view(params.region), std::string_view(params.service),
                                std::string_view("aws4_request")}) {
    if (!key) {
      return key;
    }
    Result<Digest> next = HmacSha256(AsBytes(*key), part);
    explicit_bzero(key->data(), key->size());
    key = std::move(next);
  }
  return key;
}

std::string CredentialScope(std::string_view amz_date, const SigningParams& params) {
  return std::string(amz_date.substr(0, 8)) + "/" + params.region + "/" + params.service +
         "/aws4_request";
}

std::string CanonicalRequest(std::string_view method, const PreparedRequest& prepared,
                             std::string_view query, const CanonicalHeaders& headers) {
  std::string result;
  result.append(method).append("\n");
  result.append(prepared.canonical_uri).append("\n");
  result.append(query).append("\n");
  result.append(headers.entries).append("\n");
  result.append(headers.signed_names).append("\n");
  result.append(prepared.payload_hash);
  return result;
}

// Fills the string to sign and the signature from steps.canonical_request.
Status Sign(SigningSteps& steps, const Credentials& credentials, const SigningParams& params,
            std::string_view amz_date) {
  auto request_hash = Sha256Hex(steps.canonical_request);
  if (!request_hash) {
    return std::unexpected(request_hash.error());
  }
  steps.string_to_sign = std::string(kAlgorithm) + "\n" + std::string(amz_date) + "\n" +
                         CredentialScope(amz_date, params) + "\n" + *request_hash;

  auto key = SigningKey(credentials.secret_access_key, amz_date.substr(0, 8), params);
  if (!key) {
    return std::unexpected(key.error());
  }
  auto signature = HmacSha256(AsBytes(*key), steps.string_to_sign);
  explicit_bzero(key->data(), key->size());
  if (!signature) {
    return std::unexpected(signature.error());
  }
  steps.signature = Secret(LowerHex(*signature));
  explicit_bzero(signature->data(), signature->size());
  return {};
}

Status ValidateInputs(const HttpRequest& request, const Credentials& credentials,
                      const SigningParams& params) {
  if (request.method.empty() || std::ranges::any_of(request.method, IsWhitespace)) {
    return Fail(ErrorCode::kInvalidInput, "invalid HTTP method '" + request.method + "'");
  }
  if (credentials.access_key_id.empty()) {
    return Fail(ErrorCode::kInvalidInput, "credentials have no access key id");
  }
  if (credentials.secret_access_key.empty()) {
    return Fail(ErrorCode::kInvalidInput, "credentials have no secret access key");
  }
  if (params.region.empty() || params.service.empty()) {
    return Fail(ErrorCode::kInvalidInput, "no region or service to sign for");
  }
  return {};
}

Result<PreparedRequest> Prepare(const HttpRequest& request, const Credentials& credentials,
                                const SigningParams& params) {
  if (auto valid = ValidateInputs(request, credentials, params); !valid) {
    return std::unexpected(valid.error());
  }
  auto url = SplitUrl(request.url);
  if (!url) {
    return std::unexpected(url.error());
  }
  auto query = ParseQuery(url->query);
  if (!query) {
    return std::unexpected(query.error());
  }
  auto payload_hash = Sha256Hex(request.body);
  if (!payload_hash) {
    return std::unexpected(payload_hash.error());
  }

  PreparedRequest prepared;
  prepared.url = *url;
  prepared.canonical_uri = CanonicalUri(url->path, params);
  prepared.query = std::move(*query);
  prepared.payload_hash = std::move(*payload_hash);
  // "2015-08-30T12:36:00Z" becomes "20150830T123600Z".
  prepared.amz_date = FormatTime(params.time);
  std::erase_if(prepared.amz_date, [](char c) { return c == '-' || c == ':'; });
  return prepared;
}

std::string SigningContext(const HttpRequest& request) {
  return "signing " + request.method + " " + RedactUrl(request.url);
}

}  // namespace

Status SignRequest(HttpRequest& request, const Credentials& credentials,
                   const SigningParams& params) {
  return SignRequest(request, credentials, params, nullptr);
}

Status SignRequest(HttpRequest& request, const Credentials& credentials,
                   const SigningParams& params, SigningSteps* steps) {
  auto prepared = Prepare(request, credentials, params);
  if (!prepared) {
    return Fail(prepared.error(), SigningContext(request));
  }

  // The headers signing adds, in the order they are appended to the request.
  HttpHeaders added;
  const std::string& token = credentials.session_token.Reveal();
  if (!token.empty()) {
    added.emplace_back("X-Amz-Security-Token", token);
  }
  added.emplace_back("X-Amz-Date", prepared->amz_date);
  if (params.sign_body) {
    added.emplace_back("X-Amz-Content-Sha256", prepared->payload_hash);
  }

  HttpHeaders signed_headers = HeadersToSign(request.headers, prepared->url.authority);
  for (const auto& header : added) {
    if (!(params.omit_session_token && header.first == "X-Amz-Security-Token")) {
      signed_headers.push_back(header);
    }
  }
  const CanonicalHeaders canonical = CanonicalizeHeaders(signed_headers);

  SigningSteps result;
  result.canonical_request =
      CanonicalRequest(request.method, *prepared, CanonicalQueryString(prepared->query), canonical);
  if (auto signed_ok = Sign(result, credentials, params, prepared->amz_date); !signed_ok) {
    return Fail(signed_ok.error(), SigningContext(request));
  }

  // Only now, with nothing left to fail, is the request changed.
  const std::string host(prepared->url.authority);
  std::erase_if(request.headers,
                [](const auto& header) { return IsSigningHeader(Lower(header.first)); });
  if (!HasHeader(request.headers, "host")) {
    request.headers.insert(request.headers.begin(), {"Host", host});
  }
  request.headers.insert(request.headers.end(), added.begin(), added.end());
  request.headers.emplace_back(
      "Authorization", std::string(kAlgorithm) + " Credential=" + credentials.access_key_id + "/" +
                           CredentialScope(prepared->amz_date, params) + ", SignedHeaders=" +
                           canonical.signed_names + ", Signature=" + result.signature.Reveal());
  if (steps != nullptr) {
    *steps = std::move(result);
  }
  return {};
}

Result<std::string> PresignUrl(const HttpRequest& request, const Credentials& credentials,
                               const SigningParams& params, std::chrono::seconds expires,
                               SigningSteps* steps) {
  if (expires < std::chrono::seconds(1) || expires > kMaxPresignExpiry) {
    return Fail(ErrorCode::kInvalidInput, SigningContext(request) + ": expiry of " +
                                              std::to_string(expires.count()) +
                                              "s is outside [1s, 604800s]");
  }
  auto prepared = Prepare(request, credentials, params);
  if (!prepared) {
    return Fail(prepared.error(), SigningContext(request));
  }
  if (std::ranges::any_of(prepared->query,
                          [](const auto& param) { return param.first == "X-Amz-Signature"; })) {
    return Fail(ErrorCode::kInvalidInput,
                SigningContext(request) + ": the URL already carries an X-Amz-Signature");
  }

  const CanonicalHeaders canonical =
      CanonicalizeHeaders(HeadersToSign(request.headers, prepared->url.authority));

  // The authentication parameters, raw, in the order they are appended to the URL.
  std::vector<std::pair<std::string_view, std::string>> auth = {
      {"X-Amz-Algorithm", std::string(kAlgorithm)},
      {"X-Amz-Credential",
       credentials.access_key_id + "/" + CredentialScope(prepared->amz_date, params)},
      {"X-Amz-Date", prepared->amz_date},
      {"X-Amz-SignedHeaders", canonical.signed_names},
      {"X-Amz-Expires", std::to_string(expires.count())},
  };
  const std::string& token = credentials.session_token.Reveal();
  if (!token.empty()) {
    auth.emplace_back("X-Amz-Security-Token", token);
  }

  QueryParams query = prepared->query;
  for (const auto& [key, value] : auth) {
    if (!(params.omit_session_token && key == "X-Amz-Security-Token")) {
      query.emplace_back(std::string(key), UriEncode(value, false));
    }
  }
  SigningSteps result;
  result.canonical_request = CanonicalRequest(request.method, *prepared,
                                              CanonicalQueryString(std::move(query)), canonical);
  if (auto signed_ok = Sign(result, credentials, params, prepared->amz_date); !signed_ok) {
    return Fail(signed_ok.error(), SigningContext(request));
  }

  std::string url(prepared->url.without_fragment);
  if (!prepared->url.query.empty()) {
    url += '&';
  } else if (!url.ends_with('?')) {
    url += '?';
  }
  for (const auto& [key, value] : auth) {
    url.append(key).append("=").append(UriEncode(value, false)).append("&");
  }
  url.append("X-Amz-Signature=").append(result.signature.Reveal());
  if (steps != nullptr) {
    *steps = std::move(result);
  }
  return url;
}

}  // namespace sentinel::aws
