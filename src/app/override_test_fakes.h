// Test doubles for the request and break-glass use cases: a caller who can change
// identity, a policy from YAML text, a lifecycle log and a notifier that keep what they
// are given, and a real SqliteStore in a private temporary directory behind a wrapper
// that can make any operation fail. Header-only, for *_test.cc files.
#ifndef SENTINEL_APP_OVERRIDE_TEST_FAKES_H_
#define SENTINEL_APP_OVERRIDE_TEST_FAKES_H_

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "app/notifier.h"
#include "app/overrides.h"
#include "core/policy_parser.h"
#include "store/sqlite_store.h"

namespace sentinel::app::testing {

class FakeCaller final : public CallerPort {
 public:
  Result<Caller> Identify() override {
    ++calls;
    if (error) {
      return std::unexpected(*error);
    }
    return Caller{"arn:aws:iam::123456789012:user/" + user, "123456789012", "iam-user", user};
  }
  std::string user = "alice";
  std::optional<Error> error;
  int calls = 0;
};

class FakePolicy final : public PolicyPort {
 public:
  explicit FakePolicy(std::string text) : yaml(std::move(text)) {}
  Result<LoadedPolicy> Load() override {
    ++loads;
    auto parsed = policy::ParsePolicy(yaml, "file:/p.yaml");
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
  std::string yaml;
  int loads = 0;
};

class FakeLifecycleLog final : public LifecycleLog {
 public:
  Status Write(const LifecycleEntry& entry) override {
    if (fail) {
      return Fail(ErrorCode::kUnavailable, "writing decision log /log: No space left on device");
    }
    entries.push_back(entry);
    return {};
  }
  std::vector<std::string> Kinds() const {
    std::vector<std::string> kinds;
    for (const auto& entry : entries) {
      kinds.emplace_back(LifecycleEventTypeName(entry.type));
    }
    return kinds;
  }
  std::vector<LifecycleEntry> entries;
  bool fail = false;
};

class RecordingNotifier final : public Notifier {
 public:
  void Notify(const LifecycleEvent& event) override { events.push_back(event); }
  std::vector<std::string> Types() const {
    std::vector<std::string> types;
    for (const auto& event : events) {
      types.emplace_back(LifecycleEventTypeName(event.type));
    }
    return types;
  }
  std::vector<LifecycleEvent> events;
};

// A SqliteStore in a fresh temporary directory; operations named in `failing` fail with
// kUnavailable instead of reaching it, as a store whose disk or network went away would.
class TestStore final : public store::Store {
 public:
  explicit TestStore(const Clock& clock) {
    std::string pattern = (std::filesystem::temp_directory_path() / "sentinel-app-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) {
      dir_ = pattern;
    }
    auto opened = store::SqliteStore::Open(dir_ / "state" / "sentinel.db", clock);
    EXPECT_TRUE(opened.has_value()) << opened.error().message();
    if (opened) {
      inner_ = std::move(*opened);
    }
  }
  ~TestStore() override {
    inner_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::set<std::string> failing;
  // When set, GetRequest / GetEvent answer with this copy: what a process read just
  // before another one changed the record.
  std::optional<Request> stale_request;
  std::optional<Event> stale_event;
  // When set, FindActiveEvent sees nothing: what a process read just before another one
  // declared its event.
  bool hide_active_events = false;

  Status CreateRequest(const Request& r) override {
    return Gate("CreateRequest") ? inner_->CreateRequest(r) : Down("CreateRequest");
  }
  Result<Request> GetRequest(std::string_view id) override {
    if (stale_request) {
      return *stale_request;
    }
    return Gate("GetRequest") ? inner_->GetRequest(id) : Down("GetRequest");
  }
  Status UpdateRequestIf(const Request& r, RequestStatus old) override {
    return Gate("UpdateRequestIf") ? inner_->UpdateRequestIf(r, old) : Down("UpdateRequestIf");
  }
  Result<std::vector<Request>> ListRequests(const store::RequestFilter& f, TimePoint now) override {
    return Gate("ListRequests") ? inner_->ListRequests(f, now) : Down("ListRequests");
  }
  Result<std::optional<Request>> FindUsableRequest(std::string_view u, std::string_view p,
                                                   TimePoint now) override {
    return Gate("FindUsableRequest") ? inner_->FindUsableRequest(u, p, now)
                                     : Down("FindUsableRequest");
  }
  Status CreateEvent(const Event& e) override {
    return Gate("CreateEvent") ? inner_->CreateEvent(e) : Down("CreateEvent");
  }
  Result<Event> GetEvent(std::string_view id) override {
    if (stale_event) {
      return *stale_event;
    }
    return Gate("GetEvent") ? inner_->GetEvent(id) : Down("GetEvent");
  }
  Status UpdateEventIf(const Event& e, EventStatus old) override {
    return Gate("UpdateEventIf") ? inner_->UpdateEventIf(e, old) : Down("UpdateEventIf");
  }
  Result<std::vector<Event>> ListEvents(const store::EventFilter& f, TimePoint now) override {
    return Gate("ListEvents") ? inner_->ListEvents(f, now) : Down("ListEvents");
  }
  Result<std::optional<Event>> FindActiveEvent(std::string_view i, std::string_view p,
                                               TimePoint now) override {
    if (hide_active_events) {
      return std::optional<Event>();
    }
    return Gate("FindActiveEvent") ? inner_->FindActiveEvent(i, p, now) : Down("FindActiveEvent");
  }
  Result<std::int64_t> CountEventsByInvokerSince(std::string_view i, TimePoint since) override {
    return Gate("CountEventsByInvokerSince") ? inner_->CountEventsByInvokerSince(i, since)
                                             : Down("CountEventsByInvokerSince");
  }
  Result<std::int64_t> CountEventsByProfileSince(std::string_view p, TimePoint since) override {
    return Gate("CountEventsByProfileSince") ? inner_->CountEventsByProfileSince(p, since)
                                             : Down("CountEventsByProfileSince");
  }
  Result<std::optional<TimePoint>> LastEventTime(std::string_view i, std::string_view p) override {
    return Gate("LastEventTime") ? inner_->LastEventTime(i, p) : Down("LastEventTime");
  }
  Result<std::optional<TimePoint>> EventTimeByInvokerSince(std::string_view i, TimePoint since,
                                                           std::int64_t n) override {
    return Gate("EventTimeByInvokerSince") ? inner_->EventTimeByInvokerSince(i, since, n)
                                           : Down("EventTimeByInvokerSince");
  }
  Result<std::optional<TimePoint>> EventTimeByProfileSince(std::string_view p, TimePoint since,
                                                           std::int64_t n) override {
    return Gate("EventTimeByProfileSince") ? inner_->EventTimeByProfileSince(p, since, n)
                                           : Down("EventTimeByProfileSince");
  }
  Result<std::string> EnqueueNotification(std::string_view c, std::string_view p) override {
    return inner_->EnqueueNotification(c, p);
  }
  Result<std::vector<store::Notification>> ClaimDueNotifications(
      TimePoint now, int limit, std::chrono::seconds lease) override {
    return inner_->ClaimDueNotifications(now, limit, lease);
  }
  Status MarkDelivered(std::string_view id) override { return inner_->MarkDelivered(id); }
  Status MarkFailed(std::string_view id, TimePoint next, std::string_view error) override {
    return inner_->MarkFailed(id, next, error);
  }
  Status MarkAbandoned(std::string_view id, std::string_view error) override {
    return inner_->MarkAbandoned(id, error);
  }
  Result<store::Notification> GetNotification(std::string_view id) override {
    return inner_->GetNotification(id);
  }

 private:
  bool Gate(const std::string& operation) const { return failing.count(operation) == 0; }
  static std::unexpected<Error> Down(const std::string& operation) {
    return Fail(ErrorCode::kUnavailable, "fake store: " + operation + ": disk I/O error");
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::SqliteStore> inner_;
};

// Asserts that `result` failed with `code` and a message containing `text`.
template <typename T>
void ExpectError(const Result<T>& result, ErrorCode code, const std::string& text) {
  ASSERT_FALSE(result.has_value()) << "expected an error containing: " << text;
  EXPECT_EQ(result.error().code(), code) << result.error().message();
  EXPECT_NE(result.error().message().find(text), std::string::npos)
      << "message: " << result.error().message() << "\nwanted: " << text;
}

}  // namespace sentinel::app::testing

#endif  // SENTINEL_APP_OVERRIDE_TEST_FAKES_H_
