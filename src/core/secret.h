// A string that must never be printed: secret keys, session tokens, signatures.
#ifndef SENTINEL_CORE_SECRET_H_
#define SENTINEL_CORE_SECRET_H_

#include <ostream>
#include <string>
#include <utility>

namespace sentinel {

// Holds a secret value. Streaming or formatting it yields "***"; the value is reached
// only through Reveal(), so every place that uses the secret is easy to find by grep.
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}

  // Returns the secret itself. Call only where the value is sent to AWS or to a child
  // process that needs it; never pass the result to a log or an error message.
  const std::string& Reveal() const { return value_; }

  bool empty() const { return value_.empty(); }

  friend bool operator==(const Secret&, const Secret&) = default;

  friend std::ostream& operator<<(std::ostream& out, const Secret&) { return out << "***"; }

 private:
  std::string value_;
};

}  // namespace sentinel

#endif  // SENTINEL_CORE_SECRET_H_
