#include "app/file_policy.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "aws/crypto.h"
#include "core/policy_parser.h"

namespace sentinel::app {
namespace {

std::string ShortSha256(std::string_view text) {
  auto digest = aws::Sha256(text);
  if (!digest) {
    return "unknown";
  }
  return aws::LowerHex(std::span(*digest).first(6));
}

}  // namespace

Result<LoadedPolicy> CompilePolicyText(std::string_view text, const std::string& source) {
  auto parsed = policy::ParsePolicy(text, source);
  if (!parsed) {
    return Fail(parsed.error(), "loading policy");
  }
  auto document = std::make_shared<const policy::Policy>(*parsed);
  auto compiled = policy::CompiledPolicy::Compile(std::move(*parsed));
  if (!compiled) {
    return Fail(compiled.error(), "loading policy " + source);
  }
  LoadedPolicy loaded;
  loaded.document = std::move(document);
  loaded.compiled = std::make_shared<const policy::CompiledPolicy>(std::move(*compiled));
  loaded.source = source;
  return loaded;
}

Result<LoadedPolicy> FilePolicy::Load() {
  std::ifstream in(path_, std::ios::binary);
  if (!in) {
    return Fail(ErrorCode::kInvalidInput,
                "loading policy file:" + path_ + ": " + std::strerror(errno),
                "create it (sentinel init writes an example) or set `policy:` in the config");
  }
  std::ostringstream text;
  text << in.rdbuf();
  const std::string content = text.str();
  auto loaded = CompilePolicyText(content, "file:" + path_);
  if (!loaded) {
    return std::unexpected(loaded.error());
  }
  loaded->source = "file:" + path_ + " (sha256:" + ShortSha256(content) + ")";
  return loaded;
}

}  // namespace sentinel::app
