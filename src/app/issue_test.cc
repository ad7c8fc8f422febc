#include "app/issue.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "app/override_test_fakes.h"
#include "core/breakglass.h"
#include "core/policy_parser.h"
#include "core/request.h"
#include "store/sqlite_store.h"

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

using app::testing::FakePolicy;

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
    issued.expiration = clock->Now() + request.duration;
    return issued;
  }
  const Clock* clock = nullptr;
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
    sessions_.clock = &clock_;
  }

  Result<IssuedSession> Issue(IssueRequest request) {
    IssuePorts ports{caller_, policy_, sessions_, log_, random_, clock_, open_store_};
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
  OpenStoreFn open_store_;
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
  IssuePorts ports{caller_, broken, sessions_, log_, random_, clock_, {}};
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

// The override chain against a real SQLite store.
class OverrideTest : public IssueTest {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/sentinel-override-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    auto opened = store::SqliteStore::Open(dir_ / "state" / "s.db", clock_);
    ASSERT_TRUE(opened.has_value()) << opened.error().message();
    store_ = std::move(*opened);
    open_store_ = [this]() -> Result<store::Store*> { return store_.get(); };
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Stores a request of alice for `profile`, approved now for `duration`.
  std::string Approved(const std::string& profile, seconds duration,
                       const std::string& requester = "alice") {
    auto id = NewRecordId(ids_);
    auto request =
        NewRequest(*id, {requester, profile, "deploy the hotfix", duration}, clock_.Now());
    EXPECT_TRUE(request.has_value());
    EXPECT_TRUE(store_->CreateRequest(*request).has_value());
    auto approved = Approve(*request, "carol", "ok", clock_.Now());
    EXPECT_TRUE(approved.has_value());
    EXPECT_TRUE(store_->UpdateRequestIf(*approved, RequestStatus::kPending).has_value());
    return *id;
  }

  // Stores an active break-glass event of alice on `profile` lasting `duration`.
  std::string Emergency(const std::string& profile, seconds duration) {
    auto id = NewRecordId(ids_);
    auto event =
        NewEvent(*id, {"alice", profile, "incident", "database is down, paging on-call", duration},
                 clock_.Now());
    EXPECT_TRUE(event.has_value()) << event.error().message();
    EXPECT_TRUE(store_->CreateEvent(*event).has_value());
    return *id;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::SqliteStore> store_;
  FakeRandomSource ids_{7};
};

TEST_F(OverrideTest, ApprovedRequestOverridesAndCapsToItsWindow) {
  const std::string id = Approved("prod", seconds(1800));
  clock_.Advance(seconds(600));  // 20 minutes of the window left
  auto issued = Issue(For("prod"));
  ASSERT_TRUE(issued.has_value()) << issued.error().message();
  EXPECT_EQ(issued->expiration, clock_.Now() + seconds(1200));
  EXPECT_EQ(sessions_.requests.back().duration, seconds(1200));
  const DecisionEntry& entry = log_.entries.back();
  EXPECT_EQ(entry.effect, "require_approval");
  EXPECT_EQ(entry.outcome, "issued");
  EXPECT_EQ(entry.approved_request_id, id);
  EXPECT_FALSE(entry.break_glass_event_id.has_value());
  EXPECT_NE(entry.reason.find("approved request " + id), std::string::npos);
}

TEST_F(OverrideTest, ApprovedWindowBoundaries) {
  Approved("prod", seconds(1800));
  clock_.Advance(seconds(1799));  // one second left: STS gets 900 s, the report says 1 s
  auto last = Issue(For("prod"));
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->expiration, clock_.Now() + seconds(1));
  EXPECT_EQ(sessions_.requests.back().duration, seconds(900));

  clock_.Advance(seconds(1));  // the window has ended
  auto after = Issue(For("prod"));
  ASSERT_FALSE(after.has_value());
  EXPECT_EQ(after.error().code(), ErrorCode::kDenied);
  EXPECT_EQ(log_.entries.back().outcome, "denied");
}

TEST_F(OverrideTest, OverridesBelongToTheirUserAndProfile) {
  Approved("staging", seconds(1800));
  Approved("prod", seconds(1800), "bob");
  auto result = Issue(For("prod"));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code(), ErrorCode::kDenied);
}

TEST_F(OverrideTest, BreakGlassOverridesDenyAndCapsToItsEnd) {
  caller_.caller.user = "alice";
  const std::string id = Emergency("prod", seconds(600));
  auto issued = Issue(For("prod"));
  ASSERT_TRUE(issued.has_value()) << issued.error().message();
  EXPECT_EQ(issued->expiration, clock_.Now() + seconds(600));
  EXPECT_EQ(sessions_.requests.back().duration, seconds(900));
  EXPECT_EQ(log_.entries.back().break_glass_event_id, id);
  EXPECT_EQ(log_.entries.back().session_duration_seconds, 900);

  clock_.Advance(seconds(599));
  auto last = Issue(For("prod"));
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->expiration, clock_.Now() + seconds(1));

  clock_.Advance(seconds(1));
  auto after = Issue(For("prod"));
  ASSERT_FALSE(after.has_value());
  EXPECT_EQ(after.error().code(), ErrorCode::kDenied);
}

TEST_F(OverrideTest, ApprovedRequestComesBeforeBreakGlass) {
  Emergency("prod", seconds(3600));
  const std::string request_id = Approved("prod", seconds(1800));
  ASSERT_TRUE(Issue(For("prod")).has_value());
  EXPECT_EQ(log_.entries.back().approved_request_id, request_id);
  EXPECT_FALSE(log_.entries.back().break_glass_event_id.has_value());
}

TEST_F(OverrideTest, RuleMaxDurationStillCapsAnOverride) {
  // Rule 'no-eve' has no cap; give the allow-less profile a rule cap through policy.
  FakePolicy capped(R"(version: "1"
rules:
  - name: prod-approval
    effect: require_approval
    conditions: {profiles: [prod]}
    max_duration: 15m
)");
  Approved("prod", seconds(7200));
  IssuePorts ports{caller_, capped, sessions_, log_, random_, clock_, open_store_};
  auto issued = IssueCredentials(For("prod"), ports);
  ASSERT_TRUE(issued.has_value());
  EXPECT_EQ(issued->expiration, clock_.Now() + seconds(900));
}

TEST_F(IssueTest, NoStoreDeniesAndSaysWhy) {
  auto result = Issue(For("prod"));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code(), ErrorCode::kDenied);
  EXPECT_NE(log_.entries.back().reason.find("no state store is configured"), std::string::npos);

  open_store_ = []() -> Result<store::Store*> {
    return Fail(ErrorCode::kUnavailable, "opening store /s.db: database is locked");
  };
  auto unreadable = Issue(For("prod"));
  ASSERT_FALSE(unreadable.has_value());
  EXPECT_EQ(unreadable.error().code(), ErrorCode::kDenied);
  EXPECT_NE(unreadable.error().message().find("database is locked"), std::string::npos);
  EXPECT_NE(log_.entries.back().reason.find("database is locked"), std::string::npos);
}

TEST_F(IssueTest, AllowedCallsNeverOpenTheStore) {
  bool opened = false;
  open_store_ = [&opened]() -> Result<store::Store*> {
    opened = true;
    return Fail(ErrorCode::kUnavailable, "unused");
  };
  ASSERT_TRUE(Issue(For("dev")).has_value());
  EXPECT_FALSE(opened);
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
