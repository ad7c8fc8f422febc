// `sentinel policy validate` and `sentinel policy explain` (SPEC 4.6).
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/file_policy.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "core/evaluator.h"
#include "core/policy_parser.h"
#include "core/time_format.h"

namespace sentinel::cli {
namespace {

// Reads the policy text named by `file`, or the configured policy when it is empty: the
// source that names it in messages and the text. An ssm: policy is read as credentials
// would read it for the standard chain's identity (or --aws-profile's), cache included.
Result<std::pair<std::string, std::string>> ReadPolicyText(Context& context,
                                                           const std::string& file) {
  std::string path = file;
  if (path.empty()) {
    auto settings = context.Settings();
    if (!settings) {
      return std::unexpected(settings.error());
    }
    if ((*settings)->policy.kind == app::PolicyLocation::Kind::kSsm) {
      auto policy = context.OpenSsmPolicy(std::nullopt, std::nullopt);
      if (!policy) {
        return std::unexpected(policy.error());
      }
      auto text = (*policy)->ReadText();
      if (!text) {
        return std::unexpected(text.error());
      }
      return std::make_pair(std::move(text->source), std::move(text->text));
    }
    path = (*settings)->policy.path;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Fail(ErrorCode::kInvalidInput, "reading policy " + path + ": cannot open file");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return std::make_pair("file:" + path, text.str());
}

int RunValidate(Context& context, const std::string& file) {
  auto text = ReadPolicyText(context, file);
  if (!text) {
    return ReportError(text.error());
  }
  const policy::ParseOutcome outcome = policy::ParsePolicyDocument(text->second);
  if (outcome.error_count == 0 && outcome.policy) {
    std::printf("ok: %s: %s\n", text->first.c_str(),
                policy::SummarizePolicy(*outcome.policy).c_str());
    return kExitOk;
  }
  for (const policy::PolicyError& error : outcome.errors) {
    std::fprintf(stderr, "sentinel: error: %s: %s\n", text->first.c_str(),
                 error.ToString().c_str());
  }
  if (outcome.error_count > outcome.errors.size()) {
    std::fprintf(stderr, "sentinel: error: %s: %zu more errors not shown\n", text->first.c_str(),
                 outcome.error_count - outcome.errors.size());
  }
  return kExitUsage;
}

struct ExplainFlags {
  std::string profile;
  std::string user;
  std::optional<std::string> at;
};

int RunExplain(Context& context, const ExplainFlags& flags) {
  TimePoint at = context.clock().Now();
  if (flags.at) {
    auto parsed = ParseTime(*flags.at);
    if (!parsed) {
      return ReportError(parsed.error().WithContext("--at"));
    }
    at = *parsed;
  }
  auto text = ReadPolicyText(context, "");
  if (!text) {
    return ReportError(text.error());
  }
  auto loaded = app::CompilePolicyText(text->second, text->first);
  if (!loaded) {
    return ReportError(loaded.error());
  }
  const policy::Explanation explanation =
      policy::Explain(*loaded->compiled, flags.user, flags.profile, at);
  const policy::Decision& decision = explanation.decision;

  nlohmann::ordered_json out;
  out["user"] = flags.user;
  out["profile"] = flags.profile;
  out["at"] = FormatTime(at);
  out["effect"] = policy::EffectName(decision.effect());
  out["rule"] = decision.rule_name();
  out["rule_index"] = decision.rule_index();
  out["reason"] = decision.reason();
  if (auto cap = decision.max_duration()) {
    out["max_duration_seconds"] = cap->count();
  }
  nlohmann::ordered_json skipped = nlohmann::ordered_json::array();
  for (const policy::RuleMiss& miss : explanation.misses) {
    nlohmann::ordered_json item;
    item["rule"] = miss.rule_name;
    item["rule_index"] = miss.rule_index;
    item["why_not"] = miss.reasons;
    skipped.push_back(std::move(item));
  }
  out["not_matched"] = std::move(skipped);
  std::puts(out.dump().c_str());
  return kExitOk;
}

}  // namespace

void RegisterPolicy(CLI::App& app, CommandAction& action) {
  CLI::App* policy = app.add_subcommand("policy", "check and explain the policy");
  policy->require_subcommand(1);

  auto file = std::make_shared<std::string>();
  CLI::App* validate = policy->add_subcommand("validate", "load the policy and list every error");
  validate->add_option("file", *file, "policy file (default: the configured policy)");
  validate->callback([file, &action] {
    action = [file](Context& context) { return RunValidate(context, *file); };
  });

  auto flags = std::make_shared<ExplainFlags>();
  CLI::App* explain = policy->add_subcommand("explain", "show how the policy decides");
  explain->add_option("--profile", flags->profile, "AWS profile")->required();
  explain->add_option("--user", flags->user, "identity, as GetCallerIdentity reports it")
      ->required();
  explain->add_option("--at", flags->at, "instant to decide at (RFC 3339; default now)");
  explain->callback([flags, &action] {
    action = [flags](Context& context) { return RunExplain(context, *flags); };
  });
}

}  // namespace sentinel::cli
