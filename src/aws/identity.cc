#include "aws/identity.h"

#include <array>
#include <vector>

#include "aws/aws_names.h"
#include "aws/printable.h"

namespace sentinel::aws {
namespace {

// The six colon-separated fields of an ARN. The resource keeps any further colons, so
// that a stray one makes a name invalid instead of shifting the fields.
struct ArnFields {
  std::string_view partition;
  std::string_view service;
  std::string_view region;
  std::string_view account;
  std::string_view resource;
};

bool SplitArn(std::string_view arn, ArnFields& fields) {
  std::array<std::string_view, 6> parts;
  for (std::size_t i = 0; i < 5; ++i) {
    const std::size_t colon = arn.find(':');
    if (colon == std::string_view::npos) {
      return false;
    }
    parts[i] = arn.substr(0, colon);
    arn.remove_prefix(colon + 1);
  }
  parts[5] = arn;
  if (parts[0] != "arn") {
    return false;
  }
  fields = {parts[1], parts[2], parts[3], parts[4], parts[5]};
  return true;
}

// "aws", or "aws" followed by "-word" groups of lower-case letters: aws-cn, aws-us-gov,
// aws-iso-b. Matching the shape rather than a list keeps new partitions working; the
// partition never affects who the user is.
bool IsPartition(std::string_view partition) {
  if (!partition.starts_with("aws")) {
    return false;
  }
  partition.remove_prefix(3);
  while (!partition.empty()) {
    if (partition.size() < 2 || partition[0] != '-') {
      return false;
    }
    std::size_t i = 1;
    while (i < partition.size() && partition[i] >= 'a' && partition[i] <= 'z') {
      ++i;
    }
    if (i == 1) {
      return false;
    }
    partition.remove_prefix(i);
  }
  return true;
}

bool IsAccountId(std::string_view account) {
  if (account.size() != 12) {
    return false;
  }
  for (char c : account) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

std::vector<std::string_view> SplitSlashes(std::string_view text) {
  std::vector<std::string_view> segments;
  for (;;) {
    const std::size_t slash = text.find('/');
    segments.push_back(text.substr(0, slash));
    if (slash == std::string_view::npos) {
      return segments;
    }
    text.remove_prefix(slash + 1);
  }
}

// An IAM path segment: printable ASCII other than '/', as IAM allows in paths.
bool IsPathSegment(std::string_view segment) {
  if (segment.empty()) {
    return false;
  }
  for (char c : segment) {
    if (c < 0x21 || c > 0x7E) {
      return false;
    }
  }
  return true;
}

// The user name that an `iam` resource names, or "" when the resource is not one that
// sentinel recognises. Sets `type`.
std::string_view IamUser(std::string_view resource, std::string_view& type) {
  if (resource == "root") {
    type = kIdentityRoot;
    return "root";
  }
  const std::vector<std::string_view> segments = SplitSlashes(resource);
  if (segments.size() < 2 || segments.front() != "user") {
    return {};
  }
  for (std::size_t i = 1; i + 1 < segments.size(); ++i) {
    if (!IsPathSegment(segments[i])) {
      return {};
    }
  }
  if (!IsAwsName(segments.back(), 1, 64)) {
    return {};
  }
  type = kIdentityIamUser;
  return segments.back();
}

// As IamUser, for `sts` resources: an assumed role's session name (roles carry no path
// in this ARN) or a federated user's name.
std::string_view StsUser(std::string_view resource, std::string_view& type) {
  const std::vector<std::string_view> segments = SplitSlashes(resource);
  if (segments.size() == 3 && segments[0] == "assumed-role" && IsAwsName(segments[1], 1, 64) &&
      IsAwsName(segments[2], 2, 64)) {
    type = kIdentityAssumedRole;
    return segments[2];
  }
  if (segments.size() == 2 && segments[0] == "federated-user" && IsAwsName(segments[1], 2, 32)) {
    type = kIdentityFederatedUser;
    return segments[1];
  }
  return {};
}

std::unexpected<Error> Unrecognised(std::string_view arn, std::string_view why) {
  return Fail(ErrorCode::kUnavailable,
              "identifying caller " + Printable(arn, 2048) + ": " + std::string(why),
              "sentinel recognises IAM users, assumed roles, federated users and root");
}

}  // namespace

Result<Identity> IdentityFromArn(std::string_view arn, std::string_view account) {
  ArnFields fields;
  if (!SplitArn(arn, fields)) {
    return Unrecognised(arn, "not an ARN");
  }
  if (!IsPartition(fields.partition)) {
    return Unrecognised(arn, "unknown partition");
  }
  if (!fields.region.empty()) {
    return Unrecognised(arn, "unexpected region in an IAM or STS principal");
  }
  if (!IsAccountId(fields.account)) {
    return Unrecognised(arn, "account is not 12 digits");
  }
  if (fields.account != account) {
    return Unrecognised(arn,
                        "ARN account differs from the caller's account " + Printable(account, 64));
  }

  std::string_view type;
  std::string_view user;
  if (fields.service == "iam") {
    user = IamUser(fields.resource, type);
  } else if (fields.service == "sts") {
    user = StsUser(fields.resource, type);
  }
  if (user.empty()) {
    return Unrecognised(arn, "not an IAM user, assumed role, federated user or root");
  }
  return Identity{std::string(arn), std::string(account), std::string(type), std::string(user)};
}

}  // namespace sentinel::aws
