// The credentials use case: decide, issue, record (SPEC section 5).
#ifndef SENTINEL_APP_ISSUE_H_
#define SENTINEL_APP_ISSUE_H_

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "app/decision_log.h"
#include "app/ports.h"
#include "aws/credentials.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/ids.h"
#include "store/store.h"

namespace sentinel::app {

// STS never issues sessions shorter than this (SPEC section 5, step 4).
inline constexpr std::chrono::seconds kStsMinimumDuration{900};
// Nor longer than this, whatever the role allows.
inline constexpr std::chrono::seconds kStsMaximumDuration{43200};
// The session length when neither the flag nor the profile asks for one.
inline constexpr std::chrono::seconds kDefaultSessionDuration{3600};

// What `credentials` and `exec` ask for.
struct IssueRequest {
  std::string profile;
  std::optional<std::string> role_arn;                // from the profile; absent: GetSessionToken
  std::optional<std::string> external_id;             // from the profile
  std::optional<std::chrono::seconds> duration_flag;  // --duration
  std::optional<std::chrono::seconds> profile_duration;  // duration_seconds
};

// What was issued.
struct IssuedSession {
  aws::Credentials credentials;  // expiration as STS said
  TimePoint expiration;          // what sentinel reports: never after the cap
  DecisionEntry entry;           // as written to the decision log
};

// Where overrides are looked up: opens the state store, only when the policy did not
// allow (an allowed call never touches the store). Empty when no store is configured; an
// error when it cannot be opened. Either way the override chain denies and says why.
using OpenStoreFn = std::function<Result<store::Store*>()>;

// The ports IssueCredentials works through. All must outlive the call.
struct IssuePorts {
  CallerPort& caller;
  PolicyPort& policy;
  SessionPort& sessions;
  DecisionLog& log;
  RandomSource& random;
  const Clock& clock;
  OpenStoreFn open_store;
};

// Runs SPEC section 5 steps 1 to 6 for `request`:
//  - the caller is identified (a failure is returned as is; nothing is decided);
//  - the policy is loaded and evaluated; a load failure denies with the load error as the
//    reason (kInvalidInput);
//  - a deny or require_approval looks for an override: an approved, unexpired request of
//    this user for this profile, then an active, unexpired break-glass event. Without one
//    (or when the store cannot be read) it denies (kDenied, the message names the rule and
//    the hint says what the user can do);
//  - the session length is the flag, else the profile's duration_seconds, else 1h, capped by
//    the rule's max_duration and by the time the override has left; STS is asked for at
//    least 900 s; the reported expiration never lies after the cap;
//  - every outcome, issued or denied, is written to `log` before returning; if that write
//    fails, no credentials are returned (kUnavailable).
[[nodiscard]] Result<IssuedSession> IssueCredentials(const IssueRequest& request,
                                                     const IssuePorts& ports);

// What let a session through although the policy did not allow it.
struct Override {
  std::optional<std::string> approved_request_id;
  std::optional<std::string> break_glass_event_id;
  TimePoint ends;           // the end of the approved window or of the event
  std::string description;  // for the log's reason
};

// Looks for an override of (user, profile) at `now`: an approved request first, then an
// active break-glass event. Returns nullopt when there is none, and an error when the
// store cannot be read.
[[nodiscard]] Result<std::optional<Override>> FindOverride(store::Store& store,
                                                           std::string_view user,
                                                           std::string_view profile, TimePoint now);

// The session length and what to ask STS for, from the requested length and a cap.
struct SessionLength {
  std::chrono::seconds reported;  // min(requested, cap)
  std::chrono::seconds asked;     // max(reported, 900 s)
};
SessionLength ComputeSessionLength(std::chrono::seconds requested,
                                   std::optional<std::chrono::seconds> cap);

}  // namespace sentinel::app

#endif  // SENTINEL_APP_ISSUE_H_
