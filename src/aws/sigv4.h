// AWS Signature Version 4.
#ifndef SENTINEL_AWS_SIGV4_H_
#define SENTINEL_AWS_SIGV4_H_

#include <string>

#include "aws/credentials.h"
#include "aws/http.h"
#include "core/clock.h"
#include "core/error.h"

namespace sentinel::aws {

struct SigningParams {
  std::string region;   // "us-east-1"
  std::string service;  // "sts", "ssm", "dynamodb", "sns"
  TimePoint time;       // the request time; X-Amz-Date is derived from it
  bool normalize_path = true;  // false only for S3-style services
};

// Signs `request` in place with an Authorization header: adds X-Amz-Date and, for
// temporary credentials, X-Amz-Security-Token; adds Host when absent, and
// X-Amz-Content-Sha256 never (sts, ssm, dynamodb and sns do not want it).
// Fails with kInvalidInput when the URL cannot be parsed.
Status SignRequest(HttpRequest& request, const Credentials& credentials,
                   const SigningParams& params);

}  // namespace sentinel::aws

#endif  // SENTINEL_AWS_SIGV4_H_
