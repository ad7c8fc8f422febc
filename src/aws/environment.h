// The environment seam: AWS settings read from environment variables go through
// Environment so that tests can supply their own.
#ifndef SENTINEL_AWS_ENVIRONMENT_H_
#define SENTINEL_AWS_ENVIRONMENT_H_

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/error.h"

namespace sentinel::aws {

// Read-only view of environment variables. Implementations are thread-safe for reads.
class Environment {
 public:
  virtual ~Environment() = default;

  // Returns the value of variable `name`, or nullopt when it is unset or set to the empty
  // string: AWS SDKs treat `AWS_PROFILE=` exactly like an unset AWS_PROFILE.
  virtual std::optional<std::string> Get(std::string_view name) const = 0;

  // Returns the user's home directory: $HOME, or nullopt when it is not known.
  virtual std::optional<std::string> HomeDirectory() const { return Get("HOME"); }
};

// The real process environment (getenv). HomeDirectory() falls back to the password
// database when HOME is unset, as the AWS CLI does.
class ProcessEnvironment final : public Environment {
 public:
  std::optional<std::string> Get(std::string_view name) const override;
  std::optional<std::string> HomeDirectory() const override;
};

// An environment held in a map, for tests. Not thread-safe while being modified.
class MapEnvironment final : public Environment {
 public:
  MapEnvironment() = default;
  MapEnvironment(std::initializer_list<std::pair<const std::string, std::string>> variables)
      : variables_(variables) {}

  std::optional<std::string> Get(std::string_view name) const override;

  // Sets `name` to `value` (an empty value reads as unset, as in a real environment).
  void Set(std::string name, std::string value) { variables_[std::move(name)] = std::move(value); }
  void Unset(std::string_view name);

 private:
  std::map<std::string, std::string, std::less<>> variables_;
};

// Expands a path the way the AWS CLI expands AWS_CONFIG_FILE and
// AWS_SHARED_CREDENTIALS_FILE: first `$NAME` and `${NAME}` (a variable that is unset
// stays as written), then a leading `~` or `~/` to the home directory (`~user` is left
// alone). Fails with kInvalidInput when the path needs a home directory that is unknown.
[[nodiscard]] Result<std::string> ExpandPath(std::string_view path, const Environment& env);

}  // namespace sentinel::aws

#endif  // SENTINEL_AWS_ENVIRONMENT_H_
