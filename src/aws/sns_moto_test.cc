// SnsClient against a real SNS implementation: moto's server, over CurlHttpClient. A topic
// is subscribed by an SQS queue (moto serves both on one port) so the test can read back
// what was published; the queue is set up and read with boto3, the Publish goes through
// SnsClient.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "aws/curl_http_client.h"
#include "aws/sns.h"
#include "aws/test_support/moto_server.h"

namespace sentinel::aws {
namespace {

const Credentials kAnyKeys{
    "AKIAIOSFODNN7EXAMPLE", Secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"), Secret(), {}};

// Subscribes queue QUEUE to TOPIC ("subscribe"), or prints the bodies of the messages
// waiting in QUEUE as one JSON array ("receive").
constexpr char kSqsScript[] = R"(
import json, sys
import boto3
endpoint, command, queue = sys.argv[1:4]
kw = dict(endpoint_url=endpoint, region_name="us-east-1",
          aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="x")
sqs = boto3.client("sqs", **kw)
if command == "subscribe":
    url = sqs.create_queue(QueueName=queue)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    boto3.client("sns", **kw).subscribe(TopicArn=sys.argv[4], Protocol="sqs", Endpoint=arn)
    print("ok")
else:
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    bodies = []
    for _ in range(3):
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        bodies += [json.loads(m["Body"]) for m in got.get("Messages", [])]
        if bodies:
            break
    print(json.dumps(bodies))
)";

class SnsMotoTest : public test_support::MotoTest {
 protected:
  void SetUp() override {
    MotoTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) {
      return;
    }
    script_ = std::filesystem::temp_directory_path() /
              ("sentinel_sns_moto_" + std::to_string(getpid()) + ".py");
    std::ofstream(script_) << kSqsScript;
  }

  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove(script_, ignored);
  }

  // Runs the SQS helper script and returns its standard output.
  std::string Sqs(const std::string& args) {
    const std::string command =
        "python3 " + script_.string() + " " + endpoint() + " " + args + " 2>&1";
    std::string output;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) {
      ADD_FAILURE() << "cannot run " << command;
      return output;
    }
    std::array<char, 4096> buffer;
    while (std::size_t n = fread(buffer.data(), 1, buffer.size(), pipe)) {
      output.append(buffer.data(), n);
    }
    EXPECT_EQ(pclose(pipe), 0) << output;
    return output;
  }

  CurlHttpClient http_;
  SystemClock clock_;
  std::filesystem::path script_;
};

TEST_F(SnsMotoTest, PublishedMessageAndAttributeReachASubscribedQueue) {
  SnsClient sns(http_, {endpoint(), "us-east-1"}, clock_);
  auto topic = sns.CreateTopic(kAnyKeys, "sentinel-events");
  ASSERT_TRUE(topic.has_value()) << topic.error().message();
  EXPECT_EQ(*topic, "arn:aws:sns:us-east-1:123456789012:sentinel-events");
  ASSERT_EQ(Sqs("subscribe sentinel-inbox " + *topic), "ok\n");

  const std::string message =
      R"({"type":"breakglass.invoked","time":"2026-12-03T17:04:05Z","actor":"alice",)"
      R"("event":{"justification":"db down & paging: 100% errors, é"}})";
  auto id = sns.Publish(kAnyKeys, *topic, message, {{"event_type", "breakglass.invoked"}});
  ASSERT_TRUE(id.has_value()) << id.error().message();
  EXPECT_FALSE(id->empty());

  const nlohmann::json received = nlohmann::json::parse(Sqs("receive sentinel-inbox"));
  ASSERT_EQ(received.size(), 1u) << received.dump();
  const nlohmann::json& envelope = received[0];
  EXPECT_EQ(envelope["MessageId"], *id);
  EXPECT_EQ(envelope["TopicArn"], *topic);
  EXPECT_EQ(envelope["Message"], message);
  EXPECT_EQ(envelope["MessageAttributes"]["event_type"]["Type"], "String");
  EXPECT_EQ(envelope["MessageAttributes"]["event_type"]["Value"], "breakglass.invoked");
}

TEST_F(SnsMotoTest, UnknownTopicIsAPermanentNotFound) {
  SnsClient sns(http_, {endpoint(), "us-east-1"}, clock_);
  auto got = sns.Publish(kAnyKeys, "arn:aws:sns:us-east-1:123456789012:no-such-topic", "m",
                         {{"event_type", "request.created"}});
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kInvalidInput);
  EXPECT_TRUE(got.error().message().starts_with("sns Publish: NotFound: "))
      << got.error().message();
  EXPECT_TRUE(IsPermanentSnsError(got.error()));
}

}  // namespace
}  // namespace sentinel::aws
