#include "cli/context.h"

#include <chrono>
#include <cstdio>

#include "app/file_policy.h"
#include "app/policy_cache.h"
#include "audit/jsonl_log.h"
#include "aws/credential_process.h"
#include "aws/curl_http_client.h"
#include "aws/endpoints.h"
#include "aws/identity.h"
#include "aws/identity_cache.h"
#include "aws/net_library.h"
#include "notify/setup.h"
#include "store/sqlite_store.h"

namespace sentinel::cli {
namespace {

// The certificate authorities to trust for https, as the AWS CLI picks them:
// AWS_CA_BUNDLE, else the profile's ca_bundle, else "" (the system's).
std::string CaBundle(const aws::Environment& env, const aws::Profile* profile) {
  if (auto bundle = env.Get("AWS_CA_BUNDLE"); bundle && !bundle->empty()) {
    return *bundle;
  }
  if (profile != nullptr && profile->ca_bundle) {
    return *profile->ca_bundle;
  }
  return "";
}

// Adds the time each request took to --debug output, so a slow call can be told apart
// from slow sentinel (bench/e2e.py reads these lines).
class TimedHttpClient final : public aws::HttpClient {
 public:
  TimedHttpClient(std::unique_ptr<aws::HttpClient> inner,
                  std::function<void(std::string_view)> debug)
      : inner_(std::move(inner)), debug_(std::move(debug)) {}

  Result<aws::HttpResponse> Send(const aws::HttpRequest& request) override {
    // libcurl is loaded on the first request. Load it before the clock starts, so that the
    // time reported is the exchange with the server and loading counts as sentinel's own
    // (bench/e2e.py subtracts these times). The outcome is kept: Send meets it again.
    (void)aws::LoadCurlLibrary();
    const auto start = std::chrono::steady_clock::now();
    auto response = inner_->Send(request);
    const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
    char ms[32];
    std::snprintf(ms, sizeof(ms), "%.3f", took.count());
    const std::string status =
        response ? std::to_string(response->status) : std::string("transport failure");
    debug_("HTTP " + request.method + " " + aws::RedactUrl(request.url) + " -> " + status + " in " +
           ms + " ms");
    return response;
  }

 private:
  std::unique_ptr<aws::HttpClient> inner_;
  std::function<void(std::string_view)> debug_;
};

app::EnvLookup LookupIn(const aws::Environment& env) {
  return [&env](std::string_view name) { return env.Get(name); };
}

}  // namespace

AwsSession::AwsSession(aws::CredentialSource source, std::unique_ptr<aws::StsClient> sts,
                       std::optional<std::string> region, const Clock& clock, std::string cache_dir,
                       std::function<void(std::string_view)> debug)
    : source_(std::move(source)),
      sts_(std::move(sts)),
      region_(std::move(region)),
      clock_(clock),
      cache_dir_(std::move(cache_dir)),
      debug_(std::move(debug)) {}

Result<app::Caller> AwsSession::Identify() {
  auto fetch = [this] { return sts_->GetCallerIdentity(source_.credentials); };
  Result<aws::CallerIdentity> identity;
  if (cache_dir_.empty()) {
    identity = fetch();
  } else {
    aws::IdentityCache cache(cache_dir_, clock_, debug_);
    identity = cache.GetOrFetch(source_.credentials, fetch);
  }
  if (!identity) {
    return std::unexpected(identity.error());
  }
  auto parsed = aws::IdentityFromArn(identity->arn, identity->account);
  if (!parsed) {
    return std::unexpected(parsed.error());
  }
  debug_("caller is '" + parsed->user + "' (" + parsed->arn + ")");
  return app::Caller{parsed->arn, parsed->account, parsed->type, parsed->user};
}

Result<aws::Credentials> AwsSession::Issue(const app::SessionRequest& request) {
  if (!request.role_arn) {
    return sts_->GetSessionToken(source_.credentials, request.duration);
  }
  // Roles between the base credentials and the target are assumed in turn, each session
  // carrying the same SourceIdentity, as STS requires of role chains.
  aws::Credentials current = source_.credentials;
  std::vector<std::string> roles;
  for (const aws::Profile& hop : source_.role_chain) {
    roles.push_back(*hop.role_arn);
  }
  roles.push_back(*request.role_arn);
  for (std::size_t i = 0; i < roles.size(); ++i) {
    const bool last = i + 1 == roles.size();
    aws::AssumeRoleInput input;
    input.role_arn = roles[i];
    input.role_session_name = request.role_session_name;
    input.source_identity = request.source_identity;
    input.duration = last ? request.duration : std::chrono::seconds(900);
    if (last) {
      input.external_id = request.external_id;
    } else if (source_.role_chain[i].external_id) {
      input.external_id = source_.role_chain[i].external_id;
    }
    debug_("assuming role " + roles[i]);
    auto assumed = sts_->AssumeRole(current, input);
    if (!assumed) {
      return std::unexpected(assumed.error());
    }
    current = std::move(assumed->credentials);
  }
  return current;
}

Context::Context(GlobalFlags flags)
    : flags_(std::move(flags)), env_(std::make_unique<aws::ProcessEnvironment>()) {}

Context::~Context() = default;

void Context::Debug(std::string_view message) const {
  if (!flags_.debug) {
    return;
  }
  std::string line = "sentinel: debug: ";
  line += message;
  line += '\n';
  std::fputs(line.c_str(), stderr);
}

Result<const app::Settings*> Context::Settings() {
  if (!settings_) {
    auto loaded = app::LoadSettings(flags_.config, LookupIn(*env_));
    if (!loaded) {
      return std::unexpected(loaded.error());
    }
    settings_ = std::move(*loaded);
    Debug("config " + settings_->config_path + (settings_->config_found ? "" : " (absent)"));
  }
  return &*settings_;
}

Result<const aws::SharedConfig*> Context::AwsConfig() {
  if (!aws_config_) {
    auto loaded = aws::SharedConfig::Load(*env_);
    if (!loaded) {
      return std::unexpected(loaded.error());
    }
    aws_config_ = std::move(*loaded);
  }
  return &*aws_config_;
}

Result<aws::CredentialSource> Context::ResolveSource(const std::optional<std::string>& profile) {
  if (auto found = sources_.find(profile); found != sources_.end()) {
    return found->second;
  }
  auto config = AwsConfig();
  if (!config) {
    return std::unexpected(config.error());
  }
  aws::ShellProcessRunner runner;
  auto source = profile ? aws::ResolveProfileSource(**config, *profile, *env_, runner)
                        : aws::ResolveDefaultChain(**config, *env_, runner);
  if (!source) {
    return std::unexpected(source.error());
  }
  sources_.emplace(profile, *source);
  return source;
}

Result<Context::Base> Context::ResolveBase(const std::optional<std::string>& profile,
                                           const std::optional<std::string>& region_flag) {
  auto config = AwsConfig();
  if (!config) {
    return std::unexpected(config.error());
  }
  // Whose base credentials sign: --aws-profile, else the command's profile, else the chain.
  auto source = ResolveSource(flags_.aws_profile ? flags_.aws_profile : profile);
  if (!source) {
    return std::unexpected(source.error());
  }
  Debug("base credentials: " + source->description);

  Base base{std::move(*source), std::nullopt, std::nullopt};
  const std::string profile_name = profile.value_or(base.source.profile);
  if (!profile_name.empty()) {
    auto found = (*config)->GetProfile(profile_name);
    if (!found) {
      return std::unexpected(found.error());
    }
    base.profile = std::move(*found);
  }
  auto region = aws::ResolveRegion(region_flag, base.profile ? &*base.profile : nullptr, *env_);
  if (!region) {
    return std::unexpected(region.error());
  }
  if (*region) {
    base.region = (*region)->name;
  }
  return base;
}

aws::HttpClient& Context::Http(const aws::Profile* profile) {
  if (!http_) {
    aws::CurlHttpClientOptions options;
    options.ca_bundle = CaBundle(*env_, profile);
    if (!options.ca_bundle.empty()) {
      Debug("trusting the certificate authorities in " + options.ca_bundle);
    }
    std::function<void(std::string_view)> debug;
    if (flags_.debug) {
      debug = [this](std::string_view line) { Debug(line); };
    } else {
      debug = [](std::string_view) {};
    }
    http_ =
        std::make_unique<TimedHttpClient>(std::make_unique<aws::CurlHttpClient>(options), debug);
  }
  return *http_;
}

Result<std::unique_ptr<AwsSession>> Context::OpenSession(
    const std::optional<std::string>& profile, const std::optional<std::string>& region_flag) {
  auto base = ResolveBase(profile, region_flag);
  if (!base) {
    return std::unexpected(base.error());
  }
  if (flags_.aws_profile && profile) {
    // The caller is --aws-profile's owner, but roles are reached as the profile says.
    auto target = ResolveSource(profile);
    if (!target) {
      return std::unexpected(target.error());
    }
    base->source.role_chain = target->role_chain;
  }
  const aws::Profile* profile_ptr = base->profile ? &*base->profile : nullptr;
  auto endpoint = aws::ResolveEndpoint("sts", base->region, profile_ptr, *env_);
  if (!endpoint) {
    return std::unexpected(endpoint.error());
  }
  Debug("sts endpoint " + endpoint->url + " (" + endpoint->source + ")");

  auto sts = std::make_unique<aws::StsClient>(
      Http(profile_ptr), aws::StsEndpoint{endpoint->url, endpoint->signing_region}, clock_);
  auto cache_dir = aws::IdentityCacheDirectory(env_->Get("XDG_CACHE_HOME").value_or(""),
                                               env_->HomeDirectory().value_or(""));
  return std::make_unique<AwsSession>(std::move(base->source), std::move(sts), base->region, clock_,
                                      cache_dir ? cache_dir->string() : std::string(),
                                      [this](std::string_view line) { Debug(line); });
}

Result<std::unique_ptr<app::SsmPolicy>> Context::OpenSsmPolicy(
    const std::optional<std::string>& profile, const std::optional<std::string>& region_flag) {
  auto settings = Settings();
  if (!settings) {
    return std::unexpected(settings.error());
  }
  const app::PolicyLocation& location = (*settings)->policy;
  if (location.kind != app::PolicyLocation::Kind::kSsm) {
    return Fail(ErrorCode::kInvalidInput, "policy " + location.uri + " is not an ssm: policy");
  }
  auto base = ResolveBase(profile, region_flag);
  if (!base) {
    return Fail(base.error(), "policy " + location.uri);
  }
  const aws::Profile* profile_ptr = base->profile ? &*base->profile : nullptr;
  auto endpoint = aws::ResolveEndpoint("ssm", base->region, profile_ptr, *env_);
  if (!endpoint) {
    return Fail(endpoint.error(), "policy " + location.uri);
  }
  Debug("policy " + location.uri + " from ssm endpoint " + endpoint->url + " (" + endpoint->source +
        ")");

  app::SsmPolicyOptions options;
  options.name = location.path;
  options.endpoint_url = endpoint->url;
  options.region = endpoint->signing_region;
  // Long-term keys are named by their profile, so a rotated key keeps its entry; keys
  // from the environment by their key id.
  options.reader = base->source.holder.empty() ? "key:" + base->source.credentials.access_key_id
                                               : "profile:" + base->source.holder;
  options.cache_ttl = (*settings)->policy_cache_ttl;
  if (auto directory = app::PolicyCacheDirectory(env_->Get("XDG_CACHE_HOME").value_or(""),
                                                 env_->HomeDirectory().value_or(""))) {
    options.cache_directory = *directory;
  } else {
    Debug(directory.error().message() + "; not caching the policy");
  }
  options.debug = [this](std::string_view line) { Debug(line); };

  auto client = std::make_shared<aws::SsmClient>(
      Http(profile_ptr), aws::SsmEndpoint{endpoint->url, endpoint->signing_region}, clock_);
  app::ParameterFetch fetch = [client, credentials = base->source.credentials,
                               name = location.path]() {
    return client->GetParameter(credentials, name, /*with_decryption=*/true);
  };
  return std::make_unique<app::SsmPolicy>(std::move(options), std::move(fetch), clock_);
}

Result<std::unique_ptr<app::PolicyPort>> Context::OpenPolicy(
    const std::optional<std::string>& profile, const std::optional<std::string>& region_flag) {
  auto settings = Settings();
  if (!settings) {
    return std::unexpected(settings.error());
  }
  const app::PolicyLocation& location = (*settings)->policy;
  if (location.kind == app::PolicyLocation::Kind::kSsm) {
    auto policy = OpenSsmPolicy(profile, region_flag);
    if (!policy) {
      return std::unexpected(policy.error());
    }
    return std::unique_ptr<app::PolicyPort>(std::move(*policy));
  }
  Debug("policy " + location.uri);
  return std::make_unique<app::FilePolicy>(location.path);
}

Result<std::unique_ptr<app::DecisionLog>> Context::OpenDecisionLog() {
  auto settings = Settings();
  if (!settings) {
    return std::unexpected(settings.error());
  }
  return std::make_unique<audit::JsonlLog>((*settings)->decision_log);
}

Result<store::Store*> Context::OpenStore() {
  if (store_) {
    return store_.get();
  }
  auto settings = Settings();
  if (!settings) {
    return std::unexpected(settings.error());
  }
  const app::StoreLocation& location = (*settings)->store;
  if (location.kind != app::StoreLocation::Kind::kSqlite) {
    return Fail(ErrorCode::kInvalidInput,
                "store " + location.uri + ": DynamoDB stores are not supported by this build",
                "use a sqlite: store");
  }
  Debug("store " + location.uri);
  auto opened = store::SqliteStore::Open(location.sqlite_path, clock_);
  if (!opened) {
    return std::unexpected(opened.error());
  }
  store_ = std::move(*opened);
  return store_.get();
}

Result<app::Notifier*> Context::OpenNotifier() {
  if (notifier_) {
    return notifier_.get();
  }
  auto store = OpenStore();
  if (!store) {
    return std::unexpected(store.error());
  }
  const app::Settings& settings = **Settings();
  aws::CurlHttpClientOptions notify_options = notify::DeliveryHttpOptions();
  notify_options.ca_bundle = CaBundle(*env_, nullptr);
  notify_http_ = std::make_unique<aws::CurlHttpClient>(std::move(notify_options));

  std::optional<aws::SnsEndpoint> sns_endpoint;
  if (settings.notify.sns_topic_arn) {
    // Publish goes to the topic's own region, whatever region the command runs in.
    if (auto region = aws::TopicArnRegion(*settings.notify.sns_topic_arn)) {
      if (auto endpoint = aws::ResolveEndpoint("sns", *region, nullptr, *env_)) {
        sns_endpoint = aws::SnsEndpoint{endpoint->url, endpoint->signing_region};
      }
    }
  }
  auto credentials = [this]() -> Result<aws::Credentials> {
    auto config = AwsConfig();
    if (!config) {
      return std::unexpected(config.error());
    }
    aws::ShellProcessRunner runner;
    auto source = aws::ResolveDefaultChain(**config, *env_, runner);
    if (!source) {
      return std::unexpected(source.error());
    }
    return source->credentials;
  };
  notify::Channels built = notify::MakeChannels(
      settings.notify,
      {*notify_http_, clock_, LookupIn(*env_), sns_endpoint, std::move(credentials)});
  for (const Error& problem : built.problems) {
    std::fputs(("sentinel: warning: " + problem.message() +
                " (notifications stay queued until this is fixed)\n")
                   .c_str(),
               stderr);
  }
  notify::OutboxOptions options;
  if (flags_.debug) {
    options.debug = [this](std::string_view line) { Debug(line); };
  }
  notifier_ =
      std::make_unique<notify::OutboxNotifier>(**store, std::move(built.channels), clock_, options);
  return notifier_.get();
}

void Context::DeliverPendingNotifications() {
  auto settings = Settings();
  if (!settings) {
    return;
  }
  const app::NotifySettings& notify = (*settings)->notify;
  if (!notify.webhook && !notify.sns_topic_arn) {
    return;  // nothing to deliver to, and no reason to open the store
  }
  auto notifier = OpenNotifier();
  if (!notifier) {
    Debug("notifications not delivered: " + notifier.error().message());
    return;
  }
  notifier_->DeliverDue(clock_.Now());
}

}  // namespace sentinel::cli
