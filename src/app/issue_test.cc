#include "app/issue.h"

#include <gtest/gtest.h>

#include "core/policy_parser.h"

namespace sentinel::app {
namespace {

using std::chrono::seconds;

class FakeCaller final : public CallerPort {
 public:
  Result<Caller> Identify() override {
    if (error) {
      return std::unexpected(*error);
    }
    return caller;
  }
  Caller caller{"arn:aws:iam::123456789012:user/alice", "123456789012", "iam-user", "alice"};
  std::optional<Error> error;
};

class FakePolicy final : public PolicyPort {
 public:
  explicit FakePolicy(std::string yaml) : yaml_(std::move(yaml)) {}
  Result<LoadedPolicy> Load() override {
    auto parsed = policy::ParsePolicy(yaml_, "file:/p.yaml");
    if (!parsed) {
      return std::unexpected(parsed.error());
    }
    auto compiled = policy::CompiledPolicy::Compile(*parsed);
    if (!compiled) {
      return std::unexpected(compiled.error());
    }
    LoadedPolicy loaded;
    loaded.document = std::make_shared<policy::Policy>(*parsed);
    loaded.compiled = std::make_shared<policy::CompiledPolicy>(std::move(*compiled));
    loaded.source = "file:/p.yaml";
    return loaded;
  }
  std::string SourceUri() const override { return "file:/p.yaml"; }

 private:
  std::string yaml_;
};

class FakeSessions final : public SessionPort {
 public:
  Result<aws::Credentials> Issue(const SessionRequest& request) override {
    requests.push_back(request);
    if (error) {
      return std::unexpected(*error);
    }
    aws::Credentials issued;
    issued.access_key_id = "ASIAISSUED";
    issued.secret_access_key = Secret("issued-secret");
    issued.session_token = Secret("issued-token");
    issued.expiration = now + request.duration;
    return issued;
  }
  TimePoint now;
  std::vector<SessionRequest> requests;
  std::optional<Error> error;
};

class FakeLog final : public DecisionLog {
 public:
  Status Record(const DecisionEntry& entry) override {
    if (fail) {
      return Fail(ErrorCode::kUnavailable, "writing decision log /log: No space left on device");
    }
    entries.push_back(entry);
    return {};
  }
  std::vector<DecisionEntry> entries;
  bool fail = false;
};

constexpr const char* kPolicy = R"(version: "1"
rules:
  - name: no-eve
    effect: deny
    conditions: {users: [eve]}
    reason: eve is out
  - name: prod-approval
    effect: require_approval
    conditions: {profiles: [prod]}
  - name: dev
    effect: allow
    conditions: {profiles: [dev]}
    max_duration: 2h
  - name: short
    effect: allow
    conditions: {profiles: [short]}
    max_duration: 5m
)";

class IssueTest : public ::testing::Test {
 protected:
  IssueTest() : clock_(TimePoint(seconds(1796317445))), policy_(kPolicy) {
    sessions_.now = clock_.Now();
  }

  Result<IssuedSession> Issue(IssueRequest request) {
    IssuePorts ports{caller_, policy_, sessions_, log_, random_, clock_};
    return IssueCredentials(request, ports);
  }

  static IssueRequest For(std::string profile) {
    IssueRequest request;
    request.profile = std::move(profile);
    request.role_arn = "arn:aws:iam::123456789012:role/R";
    return request;
  }

  FakeClock clock_;
  FakeCaller caller_;
  FakePolicy policy_;
  FakeSessions sessions_;
  FakeLog log_;
  FakeRandomSource random_{0x0123abcd00000000ULL};
};

TEST_F(IssueTest, AllowIssuesAndRecordsEveryField) {
  auto issued = Issue(For("dev"));
  ASSERT_TRUE(issued.has_value()) << issued.error().message();
  ASSERT_EQ(sessions_.requests.size(), 1u);
  const SessionRequest& asked = sessions_.requests[0];
  EXPECT_EQ(asked.duration, seconds(3600));
  EXPECT_EQ(asked.role_session_name, "sentinel-" + *log_.entries[0].request_id);
  EXPECT_EQ(asked.source_identity, "sentinel.alice." + *log_.entries[0].request_id);
  EXPECT_EQ(log_.entries[0].request_id->size(), 8u);

  ASSERT_EQ(log_.entries.size(), 1u);
  const DecisionEntry& entry = log_.entries[0];
  EXPECT_EQ(entry.outcome, "issued");
  EXPECT_EQ(entry.effect, "allow");
  EXPECT_EQ(entry.rule, "dev");
  EXPECT_EQ(entry.rule_index, 2);
  EXPECT_EQ(entry.role_arn, "arn:aws:iam::123456789012:role/R");
  EXPECT_EQ(entry.session_duration_seconds, 3600);
  EXPECT_EQ(entry.expiration, clock_.Now() + seconds(3600));
  EXPECT_EQ(issued->expiration, clock_.Now() + seconds(3600));
}

TEST_F(IssueTest, DenyAndRequireApprovalRefuseAndRecord) {
  caller_.caller.user = "eve";
  auto denied = Issue(For("dev"));
  ASSERT_FALSE(denied.has_value());
  EXPECT_EQ(denied.error().code(), ErrorCode::kDenied);
  EXPECT_NE(denied.error().message().find("rule 'no-eve' (eve is out)"), std::string::npos);
  EXPECT_NE(denied.error().hint().find("sentinel request"), std::string::npos);
  EXPECT_NE(denied.error().hint().find("sentinel breakglass"), std::string::npos);

  caller_.caller.user = "alice";
  auto approval = Issue(For("prod"));
  ASSERT_FALSE(approval.has_value());
  EXPECT_EQ(approval.error().code(), ErrorCode::kDenied);
  EXPECT_NE(approval.error().message().find("requires an approved request"), std::string::npos);

  auto nomatch = Issue(For("other"));
  ASSERT_FALSE(nomatch.has_value());
  EXPECT_NE(nomatch.error().message().find("no rule matched"), std::string::npos);

  EXPECT_TRUE(sessions_.requests.empty());
  ASSERT_EQ(log_.entries.size(), 3u);
  EXPECT_EQ(log_.entries[0].outcome, "denied");
  EXPECT_EQ(log_.entries[0].effect, "deny");
  EXPECT_EQ(log_.entries[1].effect, "require_approval");
  EXPECT_EQ(log_.entries[2].rule_index, -1);
  EXPECT_FALSE(log_.entries[0].request_id.has_value());
}

TEST_F(IssueTest, PolicyLoadFailureDeniesWithTheLoadError) {
  FakePolicy broken("version: \"1\"\nrules:\n  - name: x\n    effect: alow\n    conditions: {}\n");
  IssuePorts ports{caller_, broken, sessions_, log_, random_, clock_};
  auto result = IssueCredentials(For("dev"), ports);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code(), ErrorCode::kInvalidInput);
  EXPECT_NE(result.error().message().find("alow"), std::string::npos);
  EXPECT_TRUE(sessions_.requests.empty());
  ASSERT_EQ(log_.entries.size(), 1u);
  EXPECT_EQ(log_.entries[0].outcome, "denied");
  EXPECT_NE(log_.entries[0].reason.find("alow"), std::string::npos);
}

TEST_F(IssueTest, DurationPrecedenceAndCaps) {
  IssueRequest request = For("dev");
  request.profile_duration = seconds(1200);
  ASSERT_TRUE(Issue(request).has_value());
  EXPECT_EQ(sessions_.requests.back().duration, seconds(1200));

  request.duration_flag = seconds(1800);
  ASSERT_TRUE(Issue(request).has_value());
  EXPECT_EQ(sessions_.requests.back().duration, seconds(1800));

  request.duration_flag = seconds(6 * 3600);  // over the rule's 2h
  auto capped = Issue(request);
  ASSERT_TRUE(capped.has_value());
  EXPECT_EQ(sessions_.requests.back().duration, seconds(7200));
  EXPECT_EQ(capped->expiration, clock_.Now() + seconds(7200));
}

TEST_F(IssueTest, CapUnderStsMinimumAsksFor900ButReportsTheCap) {
  auto issued = Issue(For("short"));
  ASSERT_TRUE(issued.has_value());
  EXPECT_EQ(sessions_.requests.back().duration, seconds(900));
  EXPECT_EQ(issued->expiration, clock_.Now() + seconds(300));
  EXPECT_EQ(log_.entries.back().session_duration_seconds, 900);
  EXPECT_EQ(log_.entries.back().expiration, clock_.Now() + seconds(300));
}

TEST_F(IssueTest, DurationOverStsLimitIsAUsageError) {
  IssueRequest request = For("dev");
  request.duration_flag = seconds(13 * 3600);
  auto result = Issue(request);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code(), ErrorCode::kInvalidInput);
  EXPECT_TRUE(sessions_.requests.empty());
  EXPECT_EQ(log_.entries.back().outcome, "denied");
}

TEST_F(IssueTest, UnwritableLogIssuesNothing) {
  log_.fail = true;
  auto result = Issue(For("dev"));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(result.error().message().find("no credentials were issued"), std::string::npos);

  auto denied = Issue(For("prod"));
  ASSERT_FALSE(denied.has_value());
  EXPECT_EQ(denied.error().code(), ErrorCode::kUnavailable);
}

TEST_F(IssueTest, StsFailureIsRecordedAndReturned) {
  sessions_.error = Error(ErrorCode::kUnavailable, "sts AssumeRole: AccessDenied: no");
  auto result = Issue(For("dev"));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().message(), "sts AssumeRole: AccessDenied: no");
  ASSERT_EQ(log_.entries.size(), 1u);
  EXPECT_EQ(log_.entries[0].effect, "allow");
  EXPECT_EQ(log_.entries[0].outcome, "denied");
  EXPECT_NE(log_.entries[0].reason.find("AccessDenied"), std::string::npos);
}

TEST_F(IssueTest, IdentityFailureDecidesNothing) {
  caller_.error = Error(ErrorCode::kUnavailable, "sts GetCallerIdentity: connect failed");
  auto result = Issue(For("dev"));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(log_.entries.empty());
  EXPECT_TRUE(sessions_.requests.empty());
}

TEST_F(IssueTest, ProfileWithoutRoleGetsSessionTokenWithoutSourceIdentityInTheLog) {
  IssueRequest request = For("dev");
  request.role_arn.reset();
  ASSERT_TRUE(Issue(request).has_value());
  EXPECT_FALSE(sessions_.requests.back().role_arn.has_value());
  EXPECT_EQ(log_.entries.back().credential_type, "session-token");
  EXPECT_FALSE(log_.entries.back().source_identity.has_value());
}

TEST(SessionLengthTest, Table) {
  const struct {
    long long requested;
    std::optional<long long> cap;
    long long reported, asked;
  } cases[] = {{3600, std::nullopt, 3600, 3600}, {3600, 7200, 3600, 3600},
               {7200, 3600, 3600, 3600},         {3600, 300, 300, 900},
               {600, std::nullopt, 600, 900},    {900, 900, 900, 900}};
  for (const auto& c : cases) {
    std::optional<seconds> cap;
    if (c.cap) {
      cap = seconds(*c.cap);
    }
    const SessionLength got = ComputeSessionLength(seconds(c.requested), cap);
    EXPECT_EQ(got.reported.count(), c.reported) << c.requested;
    EXPECT_EQ(got.asked.count(), c.asked) << c.requested;
  }
}

}  // namespace
}  // namespace sentinel::app
