// What every command needs from the world, built on first use: the environment, the
// configuration, the AWS config files, HTTP, STS and the decision log.
#ifndef SENTINEL_CLI_CONTEXT_H_
#define SENTINEL_CLI_CONTEXT_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "app/decision_log.h"
#include "app/notifier.h"
#include "app/ports.h"
#include "app/settings.h"
#include "app/ssm_policy.h"
#include "aws/credential_chain.h"
#include "aws/credentials.h"
#include "aws/environment.h"
#include "aws/http.h"
#include "aws/shared_config.h"
#include "aws/sts.h"
#include "core/clock.h"
#include "core/error.h"
#include "notify/outbox.h"
#include "store/store.h"

namespace sentinel::cli {

// Flags every command accepts.
struct GlobalFlags {
  std::optional<std::string> config;
  std::optional<std::string> aws_profile;
  bool debug = false;
};

// An AWS identity to act as: the base credentials of a profile (or of the standard chain),
// with the STS client that signs with them. Implements the ports the credentials use case
// needs: who the caller is (GetCallerIdentity, cached) and issuing a session.
class AwsSession final : public app::CallerPort, public app::SessionPort {
 public:
  AwsSession(aws::CredentialSource source, std::unique_ptr<aws::StsClient> sts,
             std::optional<std::string> region, const Clock& clock, std::string cache_dir,
             std::function<void(std::string_view)> debug);

  // GetCallerIdentity of the base credentials, through the 15-minute private cache.
  [[nodiscard]] Result<app::Caller> Identify() override;

  // Assumes every intermediate role of the source_profile chain, then the requested role
  // (or GetSessionToken when the request has no role).
  [[nodiscard]] Result<aws::Credentials> Issue(const app::SessionRequest& request) override;

  const std::optional<std::string>& region() const { return region_; }

 private:
  aws::CredentialSource source_;
  std::unique_ptr<aws::StsClient> sts_;
  std::optional<std::string> region_;
  const Clock& clock_;
  std::string cache_dir_;
  std::function<void(std::string_view)> debug_;
};

// Lazily built shared state for one command. Not thread-safe.
class Context {
 public:
  explicit Context(GlobalFlags flags);
  ~Context();

  const GlobalFlags& flags() const { return flags_; }
  const aws::Environment& env() const { return *env_; }
  const Clock& clock() const { return clock_; }

  // Writes "sentinel: debug: <message>" to stderr when --debug was given.
  void Debug(std::string_view message) const;

  // sentinel's configuration (SPEC section 2), loaded once.
  [[nodiscard]] Result<const app::Settings*> Settings();

  // The AWS config and credentials files, loaded once.
  [[nodiscard]] Result<const aws::SharedConfig*> AwsConfig();

  // The identity of a command given `--profile P` (or none): `--aws-profile` when given,
  // else P's base credentials, else the standard chain. `region_flag` is --region.
  [[nodiscard]] Result<std::unique_ptr<AwsSession>> OpenSession(
      const std::optional<std::string>& profile, const std::optional<std::string>& region_flag);

  // The configured policy source. An ssm: policy is read with the base credentials that
  // OpenSession(profile, region_flag) would sign with (--aws-profile, else the profile's,
  // else the standard chain), in the same region, from the "ssm" endpoint (endpoints.h).
  // A file: policy needs neither and ignores both.
  [[nodiscard]] Result<std::unique_ptr<app::PolicyPort>> OpenPolicy(
      const std::optional<std::string>& profile = std::nullopt,
      const std::optional<std::string>& region_flag = std::nullopt);

  // The configured ssm: policy, as OpenPolicy builds it. Fails with kInvalidInput when the
  // configured policy is not an ssm: one, and with the errors of resolving the base
  // credentials, region and endpoint.
  [[nodiscard]] Result<std::unique_ptr<app::SsmPolicy>> OpenSsmPolicy(
      const std::optional<std::string>& profile, const std::optional<std::string>& region_flag);

  // The configured decision log.
  [[nodiscard]] Result<std::unique_ptr<app::DecisionLog>> OpenDecisionLog();

  // The configured state store, opened once and kept for the command.
  [[nodiscard]] Result<store::Store*> OpenStore();

  // The lifecycle notifier over the store's outbox and the configured channels (SPEC 10),
  // built once. Channel setup problems are printed as warnings, never fatal: a
  // notification for a channel that cannot be set up stays queued for a later command.
  // Fails only when the store cannot be opened.
  [[nodiscard]] Result<app::Notifier*> OpenNotifier();

  // Delivers notifications left in the outbox by earlier commands, when a notifier or a
  // store is configured. Never fails; problems are reported with --debug.
  void DeliverPendingNotifications();

 private:
  // What OpenSession and OpenSsmPolicy share: the base credentials of a command given
  // `--profile P` (or none), the profile whose settings apply and the region.
  struct Base {
    aws::CredentialSource source;
    std::optional<aws::Profile> profile;
    std::optional<std::string> region;
  };
  [[nodiscard]] Result<Base> ResolveBase(const std::optional<std::string>& profile,
                                         const std::optional<std::string>& region_flag);
  // The base credentials of `profile` (nullopt: the standard chain), resolved once per
  // command so that a credential_process runs once.
  [[nodiscard]] Result<aws::CredentialSource> ResolveSource(
      const std::optional<std::string>& profile);
  // The HTTP client for AWS calls, built on first use; `profile` may give its ca_bundle.
  aws::HttpClient& Http(const aws::Profile* profile);

  GlobalFlags flags_;
  std::unique_ptr<aws::Environment> env_;
  SystemClock clock_;
  std::optional<app::Settings> settings_;
  std::optional<aws::SharedConfig> aws_config_;
  std::unique_ptr<aws::HttpClient> http_;
  std::map<std::optional<std::string>, aws::CredentialSource> sources_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<aws::HttpClient> notify_http_;
  std::unique_ptr<notify::OutboxNotifier> notifier_;
};

}  // namespace sentinel::cli

#endif  // SENTINEL_CLI_CONTEXT_H_
