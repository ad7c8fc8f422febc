#include "aws/shared_config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "aws/quoted.h"

namespace sentinel::aws {
namespace {

constexpr std::string_view kDefaultConfigPath = "~/.aws/config";
constexpr std::string_view kDefaultCredentialsPath = "~/.aws/credentials";

// Bigger than any real config; a larger file is a mistake (or a device) to refuse.
constexpr off_t kMaxFileSize = 16 * 1024 * 1024;

// Closes a file descriptor when it goes out of scope.
class FileCloser {
 public:
  explicit FileCloser(int fd) : fd_(fd) {}
  ~FileCloser() { close(fd_); }
  FileCloser(const FileCloser&) = delete;
  FileCloser& operator=(const FileCloser&) = delete;

 private:
  int fd_;
};

// Reads the whole file at `path`; a missing file reads as "" (the CLI ignores it).
// O_NONBLOCK keeps a FIFO or device named by mistake from hanging the open; such
// files are refused once fstat shows what they are.
Result<std::string> ReadConfigFile(const std::string& path, std::string_view what) {
  const std::string context = "reading AWS " + std::string(what) + " file " + path;
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) {
      return std::string();
    }
    return Fail(ErrorCode::kInvalidInput, context + ": " + std::strerror(errno));
  }
  FileCloser closer(fd);

  struct stat info {};
  if (fstat(fd, &info) != 0) {
    return Fail(ErrorCode::kUnavailable, context + ": " + std::strerror(errno));
  }
  if (!S_ISREG(info.st_mode)) {
    return Fail(ErrorCode::kInvalidInput, context + ": not a regular file");
  }
  if (info.st_size > kMaxFileSize) {
    return Fail(ErrorCode::kInvalidInput, context + ": larger than 16 MiB");
  }

  std::string text;
  char buffer[65536];
  while (true) {
    const ssize_t got = read(fd, buffer, sizeof(buffer));
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0) {
      return Fail(ErrorCode::kUnavailable, context + ": " + std::strerror(errno));
    }
    if (got == 0) {
      return text;
    }
    text.append(buffer, static_cast<std::size_t>(got));
    if (text.size() > static_cast<std::size_t>(kMaxFileSize)) {
      return Fail(ErrorCode::kInvalidInput, context + ": larger than 16 MiB");
    }
  }
}

// Returns the NAME of a `[PREFIX NAME]` header, as botocore finds it: the header starts
// with PREFIX and splits into exactly two shell words. Anything else yields nullopt.
std::optional<std::string> NamedSection(std::string_view header, std::string_view prefix) {
  if (!header.starts_with(prefix)) {
    return std::nullopt;
  }
  std::optional<std::vector<std::string>> words = SplitShellWords(header);
  if (!words.has_value() || words->size() != 2) {
    return std::nullopt;
  }
  return std::move((*words)[1]);
}

// Levenshtein distance, used only to put likely typos first in a hint.
std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

bool IsSecretKey(std::string_view key) {
  return key == "aws_secret_access_key" || key == "aws_session_token" ||
         key == "aws_security_token";
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return lower(x) == lower(y);
  });
}

// What an empty value means for a key.
enum class IfEmpty { kAbsent, kError };

// The message prefix for a bad setting: "<file>: line N: profile 'x': <key> ".
std::string Where(const ValueOrigin& origin, std::string_view profile, std::string_view key) {
  return origin.ToString() + ": profile " + Quoted(profile) + ": " + std::string(key) + " ";
}

// Reads a setting that must be one line of text. Returns nullopt when the setting is
// empty and `if_empty` is kAbsent. Messages name the key, never its value.
Result<std::optional<std::string>> SingleValue(const IniValue& value, const ValueOrigin& origin,
                                               std::string_view profile, std::string_view key,
                                               IfEmpty if_empty) {
  if (value.sub_section.has_value()) {
    return Fail(ErrorCode::kInvalidInput,
                Where(origin, profile, key) + "is an indented block; expected one value");
  }
  if (value.text.find('\n') != std::string::npos) {
    return Fail(ErrorCode::kInvalidInput,
                Where(origin, profile, key) + "spans several lines; expected one value");
  }
  if (value.text.empty()) {
    if (if_empty == IfEmpty::kAbsent) {
      return std::optional<std::string>();
    }
    return Fail(ErrorCode::kInvalidInput, Where(origin, profile, key) + "is empty");
  }
  return std::optional<std::string>(value.text);
}

// STS accepts role sessions from 15 minutes to 12 hours.
Result<int> ParseDurationSeconds(std::string_view text, const ValueOrigin& origin,
                                 std::string_view profile) {
  constexpr int kMin = 900;
  constexpr int kMax = 43200;
  // Nine digits cannot overflow, and longer text is out of range anyway.
  bool valid = !text.empty() && text.size() <= 9 &&
               std::ranges::all_of(text, [](char c) { return c >= '0' && c <= '9'; });
  long long seconds = 0;
  for (std::size_t i = 0; valid && i < text.size(); ++i) {
    seconds = seconds * 10 + (text[i] - '0');
  }
  if (!valid || seconds < kMin || seconds > kMax) {
    return Fail(ErrorCode::kInvalidInput,
                Where(origin, profile, "duration_seconds") +
                    "must be a whole number of seconds from 900 to 43200, got " + Quoted(text));
  }
  return static_cast<int>(seconds);
}

// Reads the typed settings of one profile out of its raw keys.
class ProfileReader {
 public:
  using Services = std::map<std::string, IniSection, std::less<>>;

  ProfileReader(std::string_view name, const std::map<std::string, ProfileValue>& raw,
                const Services& services, std::string_view config_path)
      : name_(name), raw_(raw), services_(services), config_path_(config_path) {}

  Result<Profile> Read() const;

 private:
  // Reads `key` as one line of text (see SingleValue); nullopt when absent.
  Result<std::optional<std::string>> Text(std::string_view key, IfEmpty if_empty) const {
    const auto it = raw_.find(std::string(key));
    if (it == raw_.end()) {
      return std::optional<std::string>();
    }
    return SingleValue(it->second.value, it->second.origin, name_, key, if_empty);
  }

  Status ReadText(Profile& profile) const;
  Status ReadNumbersAndFlags(Profile& profile) const;
  Status ReadSecrets(Profile& profile) const;
  Status ReadServiceEndpoints(Profile& profile) const;

  std::string_view name_;
  const std::map<std::string, ProfileValue>& raw_;
  const Services& services_;
  std::string_view config_path_;  // where [services NAME] sections live
};

Result<Profile> ProfileReader::Read() const {
  Profile profile;
  profile.name = std::string(name_);
  for (const auto& [key, entry] : raw_) {
    if (!IsSecretKey(key)) {
      profile.values.emplace(key, entry);
    }
    profile.origins.emplace(key, entry.origin);
  }
  for (auto step : {&ProfileReader::ReadText, &ProfileReader::ReadNumbersAndFlags,
                    &ProfileReader::ReadSecrets, &ProfileReader::ReadServiceEndpoints}) {
    if (Status status = (this->*step)(profile); !status) {
      return std::unexpected(status.error());
    }
  }
  return profile;
}

Status ProfileReader::ReadText(Profile& profile) const {
  const struct {
    std::optional<std::string>* field;
    std::string_view key;
    IfEmpty if_empty;
  } fields[] = {
      {&profile.role_arn, "role_arn", IfEmpty::kError},
      {&profile.source_profile, "source_profile", IfEmpty::kError},
      {&profile.credential_source, "credential_source", IfEmpty::kError},
      {&profile.external_id, "external_id", IfEmpty::kError},
      {&profile.credential_process, "credential_process", IfEmpty::kError},
      {&profile.region, "region", IfEmpty::kAbsent},
      {&profile.endpoint_url, "endpoint_url", IfEmpty::kAbsent},
      {&profile.ca_bundle, "ca_bundle", IfEmpty::kAbsent},
      {&profile.aws_access_key_id, "aws_access_key_id", IfEmpty::kError},
  };
  for (const auto& field : fields) {
    Result<std::optional<std::string>> value = Text(field.key, field.if_empty);
    if (!value) {
      return std::unexpected(value.error());
    }
    *field.field = std::move(*value);
  }
  if (const auto it = raw_.find("aws_access_key_id"); it != raw_.end()) {
    profile.access_key_in_credentials_file = it->second.from_credentials_file;
  }
  return {};
}

Status ProfileReader::ReadNumbersAndFlags(Profile& profile) const {
  Result<std::optional<std::string>> duration = Text("duration_seconds", IfEmpty::kError);
  if (!duration) {
    return std::unexpected(duration.error());
  }
  if (duration->has_value()) {
    Result<int> seconds =
        ParseDurationSeconds(**duration, raw_.at("duration_seconds").origin, name_);
    if (!seconds) {
      return std::unexpected(seconds.error());
    }
    profile.duration_seconds = *seconds;
  }

  // botocore's ensure_boolean: "true" in any case is true, anything else false.
  Result<std::optional<std::string>> ignore =
      Text("ignore_configured_endpoint_urls", IfEmpty::kAbsent);
  if (!ignore) {
    return std::unexpected(ignore.error());
  }
  profile.ignore_configured_endpoint_urls =
      ignore->has_value() && EqualsIgnoringCase(**ignore, "true");
  return {};
}

Status ProfileReader::ReadSecrets(Profile& profile) const {
  Result<std::optional<std::string>> secret = Text("aws_secret_access_key", IfEmpty::kError);
  if (!secret) {
    return std::unexpected(secret.error());
  }
  if (secret->has_value()) {
    profile.aws_secret_access_key = Secret(std::move(**secret));
  }
  // The older name first, as botocore looks them up; an empty token means none.
  for (std::string_view key : {"aws_security_token", "aws_session_token"}) {
    Result<std::optional<std::string>> token = Text(key, IfEmpty::kAbsent);
    if (!token) {
      return std::unexpected(token.error());
    }
    if (token->has_value()) {
      profile.aws_session_token = Secret(std::move(**token));
      break;
    }
  }
  return {};
}

// `services = NAME` points at a [services NAME] section whose `sts =` (etc.) blocks may
// set endpoint_url.
Status ProfileReader::ReadServiceEndpoints(Profile& profile) const {
  Result<std::optional<std::string>> name = Text("services", IfEmpty::kAbsent);
  if (!name) {
    return std::unexpected(name.error());
  }
  profile.services = std::move(*name);
  if (!profile.services.has_value()) {
    return {};
  }
  const auto section = services_.find(*profile.services);
  profile.services_section_exists = section != services_.end();
  if (!profile.services_section_exists) {
    return {};
  }
  for (const auto& [service, value] : section->second.values) {
    if (!value.sub_section.has_value()) {
      continue;
    }
    const auto url = value.sub_section->find("endpoint_url");
    if (url == value.sub_section->end() || url->second.empty()) {
      continue;
    }
    profile.service_endpoint_urls.emplace(
        service, ServiceEndpointUrl{url->second, {std::string(config_path_), value.line}});
  }
  return {};
}

}  // namespace

std::string ValueOrigin::ToString() const { return file + ": line " + std::to_string(line); }

std::string Profile::Origin(std::string_view key) const {
  const auto it = origins.find(std::string(key));
  return it == origins.end() ? std::string() : it->second.ToString();
}

std::optional<std::vector<std::string>> SplitShellWords(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;  // the open quote character, or 0
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote == '\'') {
      if (c == '\'') {
        quote = 0;
      } else {
        word += c;
      }
    } else if (quote == '"') {
      if (c == '"') {
        quote = 0;
      } else if (c == '\\') {
        if (++i == text.size()) {
          return std::nullopt;
        }
        // Inside double quotes a backslash escapes only '"' and '\'.
        if (text[i] != '"' && text[i] != '\\') {
          word += '\\';
        }
        word += text[i];
      } else {
        word += c;
      }
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      if (in_word) {
        words.push_back(std::move(word));
        word.clear();
        in_word = false;
      }
    } else if (c == '\\') {
      if (++i == text.size()) {
        return std::nullopt;
      }
      word += text[i];
      in_word = true;
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote != 0) {
    return std::nullopt;
  }
  if (in_word) {
    words.push_back(std::move(word));
  }
  return words;
}

Result<SharedConfig> SharedConfig::Load(const Environment& env) {
  const std::string config_setting =
      env.Get("AWS_CONFIG_FILE").value_or(std::string(kDefaultConfigPath));
  const std::string credentials_setting =
      env.Get("AWS_SHARED_CREDENTIALS_FILE").value_or(std::string(kDefaultCredentialsPath));
  Result<std::string> config_path = ExpandPath(config_setting, env);
  if (!config_path) {
    return Fail(config_path.error(), "locating the AWS config file");
  }
  Result<std::string> credentials_path = ExpandPath(credentials_setting, env);
  if (!credentials_path) {
    return Fail(credentials_path.error(), "locating the AWS credentials file");
  }

  Result<std::string> config_text = ReadConfigFile(*config_path, "config");
  if (!config_text) {
    return std::unexpected(config_text.error());
  }
  Result<std::string> credentials_text = ReadConfigFile(*credentials_path, "credentials");
  if (!credentials_text) {
    return std::unexpected(credentials_text.error());
  }
  return FromText(*config_text, std::move(*config_path), *credentials_text,
                  std::move(*credentials_path));
}

Result<SharedConfig> SharedConfig::FromText(std::string_view config_text, std::string config_path,
                                            std::string_view credentials_text,
                                            std::string credentials_path) {
  Result<IniDocument> config = ParseIni(config_text, config_path);
  if (!config) {
    return std::unexpected(config.error());
  }
  Result<IniDocument> credentials = ParseIni(credentials_text, credentials_path);
  if (!credentials) {
    return std::unexpected(credentials.error());
  }

  SharedConfig shared;
  shared.config_path_ = std::move(config_path);
  shared.credentials_path_ = std::move(credentials_path);

  // The config file, sorted the way botocore sorts it. A later section for the same
  // name replaces an earlier one whole (e.g. [profile default] after [default]).
  for (IniSection& section : config->sections) {
    std::optional<std::string> name;
    if (section.name.starts_with("profile")) {
      name = NamedSection(section.name, "profile");
    } else if (section.name.starts_with("sso-session")) {
      if (auto session = NamedSection(section.name, "sso-session")) {
        shared.sso_sessions_.insert_or_assign(std::move(*session), section);
      }
      continue;
    } else if (section.name.starts_with("services")) {
      if (auto services = NamedSection(section.name, "services")) {
        shared.services_.insert_or_assign(std::move(*services), section);
      }
      continue;
    } else if (section.name == "default") {
      name = "default";
    }
    if (!name.has_value()) {
      shared.other_sections_.push_back(section.name);
      continue;
    }
    RawProfile raw;
    for (auto& [key, value] : section.values) {
      const ValueOrigin origin{shared.config_path_, value.line};
      raw.emplace(key, ProfileValue{std::move(value), origin, false});
    }
    shared.profiles_.insert_or_assign(std::move(*name), std::move(raw));
  }

  // The credentials file: every section is a profile, and its keys win.
  for (IniSection& section : credentials->sections) {
    RawProfile& raw = shared.profiles_[section.name];
    for (auto& [key, value] : section.values) {
      const ValueOrigin origin{shared.credentials_path_, value.line};
      raw.insert_or_assign(key, ProfileValue{std::move(value), origin, true});
    }
  }
  return shared;
}

std::vector<std::string> SharedConfig::ProfileNames() const {
  std::vector<std::string> names;
  for (const auto& entry : profiles_) {
    names.push_back(entry.first);
  }
  return names;
}

bool SharedConfig::HasProfile(std::string_view name) const { return profiles_.contains(name); }

const IniSection* SharedConfig::FindSsoSession(std::string_view name) const {
  const auto it = sso_sessions_.find(name);
  return it == sso_sessions_.end() ? nullptr : &it->second;
}

const IniSection* SharedConfig::FindServices(std::string_view name) const {
  const auto it = services_.find(name);
  return it == services_.end() ? nullptr : &it->second;
}

Result<Profile> SharedConfig::GetProfile(std::string_view name) const {
  const auto it = profiles_.find(name);
  if (it == profiles_.end()) {
    return std::unexpected(NotFound(name));
  }
  return ProfileReader(name, it->second, services_, config_path_).Read();
}

Error SharedConfig::NotFound(std::string_view name) const {
  std::string message =
      "profile " + Quoted(name) + " not found in " + config_path_ + " or " + credentials_path_;

  // A bare [NAME] in the config file is the most common reason: say so.
  for (const std::string& section : other_sections_) {
    if (section == name) {
      return Error(ErrorCode::kNotFound, std::move(message),
                   "the config file has a section [" + std::string(name) +
                       "], but profiles there are written [profile " + std::string(name) + "]");
    }
  }

  std::vector<std::string> names = ProfileNames();
  if (names.empty()) {
    return Error(ErrorCode::kNotFound, std::move(message),
                 "no profiles are defined; add a [profile NAME] section to " + config_path_);
  }
  std::stable_sort(names.begin(), names.end(), [&](const std::string& a, const std::string& b) {
    return EditDistance(name, a) < EditDistance(name, b);
  });
  constexpr std::size_t kShown = 5;
  std::string hint = "known profiles: ";
  for (std::size_t i = 0; i < names.size() && i < kShown; ++i) {
    hint += (i == 0 ? "" : ", ") + Quoted(names[i]);
  }
  if (names.size() > kShown) {
    hint += " and " + std::to_string(names.size() - kShown) + " more";
  }
  return Error(ErrorCode::kNotFound, std::move(message), std::move(hint));
}

}  // namespace sentinel::aws
