#include "aws/ini.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace sentinel::aws {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

std::string ReadTestdata(const std::string& name) {
  std::ifstream in(std::string(SENTINEL_SOURCE_DIR) + "/src/aws/testdata/" + name,
                   std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Parses `text`, failing the test when it does not parse.
IniDocument MustParse(std::string_view text) {
  Result<IniDocument> document = ParseIni(text, "test.ini");
  EXPECT_TRUE(document.has_value()) << document.error().message();
  return document.value_or(IniDocument{});
}

// True when `message` reads "config: line N: <something>".
bool HasLineNumber(std::string_view message) {
  constexpr std::string_view kPrefix = "config: line ";
  if (!message.starts_with(kPrefix)) {
    return false;
  }
  std::size_t i = kPrefix.size();
  const std::size_t digits_start = i;
  while (i < message.size() && message[i] >= '0' && message[i] <= '9') {
    ++i;
  }
  return i > digits_start && message.substr(i).starts_with(": ") && message.size() > i + 2;
}

const IniSection* FindSection(const IniDocument& document, std::string_view name) {
  for (const IniSection& section : document.sections) {
    if (section.name == name) {
      return &section;
    }
  }
  return nullptr;
}

TEST(ParseIniTest, ReadsSectionsKeysAndValues) {
  const IniDocument document = MustParse(
      "[default]\n"
      "region = eu-west-1\n"
      "  \n"
      "[profile prod]\n"
      "role_arn=arn:aws:iam::123456789012:role/Admin\n"
      "Source_Profile  =   base   \n");
  ASSERT_EQ(document.sections.size(), 2u);
  EXPECT_EQ(document.sections[0].name, "default");
  EXPECT_EQ(document.sections[0].line, 1);
  EXPECT_EQ(document.sections[0].values.at("region").text, "eu-west-1");
  EXPECT_EQ(document.sections[0].values.at("region").line, 2);
  EXPECT_EQ(document.sections[1].name, "profile prod");
  EXPECT_EQ(document.sections[1].line, 4);
  EXPECT_EQ(document.sections[1].values.at("role_arn").text,
            "arn:aws:iam::123456789012:role/Admin");
  // Keys are lower-cased as the CLI's configparser does; values keep their case.
  EXPECT_EQ(document.sections[1].values.at("source_profile").text, "base");
  EXPECT_FALSE(document.sections[1].values.at("source_profile").sub_section.has_value());
}

TEST(ParseIniTest, ValuesFollowTheCliRules) {
  const struct {
    const char* line;  // one line inside a section
    const char* key;
    const char* value;
  } cases[] = {
      {"a = b", "a", "b"},
      {"a=b", "a", "b"},
      {"a: b", "a", "b"},       // ':' is a delimiter too
      {"a = b=c", "a", "b=c"},  // split at the first delimiter
      {"a: b=c", "a", "b=c"},
      {"a = b:c", "a", "b:c"},
      {"role_arn = arn:aws:iam::1:role/x", "role_arn", "arn:aws:iam::1:role/x"},
      {"a =", "a", ""},
      {"a = b # not a comment", "a", "b # not a comment"},  // inline text is kept
      {"a = b ; not a comment", "a", "b ; not a comment"},
      {"a = #b", "a", "#b"},
      {"my key = v", "my key", "v"},
      {"  indented = v", "indented", "v"},
      {"\tA_B\t=\tv\t", "a_b", "v"},
      {"k = \"quoted\"", "k", "\"quoted\""},
      {"k = caf\xc3\xa9", "k", "caf\xc3\xa9"},
  };
  for (const auto& c : cases) {
    const IniDocument document = MustParse(std::string("[s]\n") + c.line + "\n");
    ASSERT_EQ(document.sections.size(), 1u) << c.line;
    const auto& values = document.sections[0].values;
    ASSERT_TRUE(values.contains(c.key)) << c.line;
    EXPECT_EQ(values.at(c.key).text, c.value) << c.line;
  }
}

TEST(ParseIniTest, SectionHeadersFollowTheCliRules) {
  const struct {
    const char* header;
    const char* name;
  } cases[] = {
      {"[a]", "a"},
      {"  [a]  ", "a"},
      {"[profile  x ]", "profile  x "},  // inner whitespace is kept; profile names trim later
      {"[ profile x ]", " profile x "},
      {"[a] trailing text", "a"},
      {"[a]b]", "a]b"},  // the name runs to the last ']'
      {"[]]", "]"},
      {"[profile \"a b\"]", "profile \"a b\""},
  };
  for (const auto& c : cases) {
    const IniDocument document = MustParse(std::string(c.header) + "\nk = v\n");
    ASSERT_EQ(document.sections.size(), 1u) << c.header;
    EXPECT_EQ(document.sections[0].name, c.name) << c.header;
    EXPECT_EQ(document.sections[0].values.at("k").text, "v") << c.header;
  }
}

TEST(ParseIniTest, CommentsAreWholeLines) {
  const IniDocument document = MustParse(
      "# leading comment\n"
      "; another\n"
      "[s]\n"
      "   # indented comment\n"
      "a = 1\n"
      "\t; tab-indented comment\n"
      "b = 2\n");
  ASSERT_EQ(document.sections.size(), 1u);
  EXPECT_THAT(document.sections[0].values,
              ElementsAre(Pair("a", ::testing::Field(&IniValue::text, "1")),
                          Pair("b", ::testing::Field(&IniValue::text, "2"))));
}

TEST(ParseIniTest, IndentedLinesContinueTheValue) {
  const IniDocument document = MustParse(
      "[s]\n"
      "multi = first\n"
      "  second\n"
      "\n"
      "    third\n"
      "# a comment does not end the value\n"
      "  fourth\n"
      "\n"
      "\n"
      "next = x\n");
  const auto& values = document.sections.at(0).values;
  EXPECT_EQ(values.at("multi").text, "first\nsecond\n\nthird\nfourth");
  EXPECT_FALSE(values.at("multi").sub_section.has_value());
  EXPECT_EQ(values.at("next").text, "x");
}

TEST(ParseIniTest, AnEmptyKeyWithIndentedLinesIsASubSection) {
  const IniDocument document = MustParse(
      "[profile p]\n"
      "s3 =\n"
      "  max_concurrent_requests = 10\n"
      "  # comment\n"
      "\n"
      "  Multipart_Threshold=64MB\n"
      "  addressing_style = path\n"
      "  addressing_style = virtual\n"
      "region = us-east-1\n");
  const auto& values = document.sections.at(0).values;
  const IniValue& s3 = values.at("s3");
  ASSERT_TRUE(s3.sub_section.has_value());
  EXPECT_EQ(s3.text, "");
  EXPECT_EQ(s3.line, 2);
  // Sub-section names keep their case; a repeated one wins, as in botocore.
  EXPECT_THAT(*s3.sub_section,
              ElementsAre(Pair("Multipart_Threshold", "64MB"), Pair("addressing_style", "virtual"),
                          Pair("max_concurrent_requests", "10")));
  EXPECT_EQ(values.at("region").text, "us-east-1");
}

TEST(ParseIniTest, AnEmptyKeyFollowedOnlyByBlankLinesIsEmpty) {
  const IniDocument document = MustParse("[s]\nk =\n\n   \n[t]\nj=1\n");
  const IniValue& k = document.sections.at(0).values.at("k");
  EXPECT_EQ(k.text, "");
  EXPECT_FALSE(k.sub_section.has_value());
}

TEST(ParseIniTest, AnIndentedHeaderAfterAKeyIsAContinuation) {
  // configparser reads "  [b]" below a key as part of that key's value.
  const IniDocument document = MustParse("[a]\nx = 1\n  [b]\ny = 2\n");
  ASSERT_EQ(document.sections.size(), 1u);
  EXPECT_EQ(document.sections[0].values.at("x").text, "1\n[b]");
  EXPECT_EQ(document.sections[0].values.at("y").text, "2");
}

TEST(ParseIniTest, IndentationAfterAHeaderStartsKeys) {
  const IniDocument document = MustParse("  [a]\n    x = 1\n  y = 2\n");
  const auto& values = document.sections.at(0).values;
  EXPECT_EQ(values.at("x").text, "1");
  EXPECT_EQ(values.at("y").text, "2");
}

TEST(ParseIniTest, DefaultSectionKeysReachEverySection) {
  const IniDocument document = MustParse(
      "[DEFAULT]\n"
      "region = from-default\n"
      "output = json\n"
      "[a]\n"
      "region = own\n"
      "[b]\n"
      "[DEFAULT]\n"
      "extra = 1\n");
  ASSERT_EQ(document.sections.size(), 2u);
  const auto& a = document.sections[0].values;
  const auto& b = document.sections[1].values;
  EXPECT_EQ(a.at("region").text, "own");
  EXPECT_EQ(a.at("output").text, "json");
  EXPECT_EQ(a.at("extra").text, "1");
  EXPECT_EQ(b.at("region").text, "from-default");
  EXPECT_EQ(b.at("region").line, 2);
}

TEST(ParseIniTest, AMalformedDefaultSubSectionMattersOnlyWhereInherited) {
  // Section a sets s3 itself, so the broken s3 block of [DEFAULT] is never read.
  const IniDocument document = MustParse("[a]\ns3 =\n[DEFAULT]\ns3 =\n  plain\n");
  EXPECT_EQ(document.sections.at(0).values.at("s3").text, "");

  Result<IniDocument> inherited = ParseIni("[a]\n[DEFAULT]\ns3 =\n  plain\n", "f.ini");
  ASSERT_FALSE(inherited.has_value());
  EXPECT_EQ(inherited.error().message(),
            "f.ini: line 4: expected 'name = value' in the indented block under key 's3'");
}

TEST(ParseIniTest, AcceptsEveryLineEnding) {
  for (const char* text : {"[s]\r\na = 1\r\nb = 2\r\n", "[s]\ra = 1\rb = 2", "[s]\na = 1\nb = 2"}) {
    const IniDocument document = MustParse(text);
    ASSERT_EQ(document.sections.size(), 1u);
    EXPECT_EQ(document.sections[0].values.at("a").text, "1");
    EXPECT_EQ(document.sections[0].values.at("b").text, "2");
    EXPECT_EQ(document.sections[0].values.at("b").line, 3);
  }
}

TEST(ParseIniTest, EmptyAndCommentOnlyFilesHaveNoSections) {
  for (const char* text : {"", "\n\n", "# only a comment\n", "; c\n  \n# d"}) {
    EXPECT_TRUE(MustParse(text).sections.empty()) << text;
  }
}

TEST(ParseIniTest, RejectsMalformedLinesWithTheirLineNumber) {
  const struct {
    const char* text;
    const char* message;
  } cases[] = {
      {"x = 1\n",
       "f.ini: line 1: expected a section header such as [default] before the first key"},
      {"# c\n\nx = 1\n[a]\n", "f.ini: line 3: expected a section header"},
      {"[a]\nhello\n", "f.ini: line 2: expected 'key = value'"},
      {"[a]\nx = 1\n\nhello world\n", "f.ini: line 4: expected 'key = value'"},
      {"[a]\n= 1\n", "f.ini: line 2: expected a key before '='"},
      {"[a]\n  : 1\n", "f.ini: line 2: expected a key before ':'"},
      {"[a]\nx = 1\n[b]\n[a]\n", "f.ini: line 4: section 'a' appears twice (first on line 1)"},
      {"[a]\nx = 1\nX = 2\n",
       "f.ini: line 3: key 'x' appears twice in section 'a' (first on line 2)"},
      {"[DEFAULT]\nx = 1\n[DEFAULT]\nx = 2\n",
       "f.ini: line 4: key 'x' appears twice in section 'DEFAULT' (first on line 2)"},
      {"[a]\ns3 =\n  ok = 1\n  nokey\n",
       "f.ini: line 4: expected 'name = value' in the indented block under key 's3'"},
      {"[]\nx = 1\n", "f.ini: line 1: expected a section header"},
      {"[a\nx = 1\n", "f.ini: line 1: expected a section header"},
      {"[a]\n[]\n", "f.ini: line 2: expected 'key = value'"},
      {"[a]\nx = \xff\n", "f.ini: line 2: not valid UTF-8"},
      {"[a]\nx = \xc0\xaf\n", "f.ini: line 2: not valid UTF-8"},      // overlong '/'
      {"[a]\nx = \xed\xa0\x80\n", "f.ini: line 2: not valid UTF-8"},  // a surrogate
      {"[a]\nx = \xe2\x82\n", "f.ini: line 2: not valid UTF-8"},      // cut short
      {"\xef\xbb\xbf[a]\nx = 1\n", "f.ini: line 1: the file starts with a byte order mark"},
  };
  for (const auto& c : cases) {
    Result<IniDocument> document = ParseIni(c.text, "f.ini");
    ASSERT_FALSE(document.has_value()) << c.text;
    EXPECT_EQ(document.error().code(), ErrorCode::kInvalidInput) << c.text;
    EXPECT_THAT(document.error().message(), ::testing::StartsWith(c.message)) << c.text;
  }
}

TEST(ParseIniTest, ErrorsNeverQuoteValues) {
  const std::string secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  const std::string texts[] = {
      "[a]\naws_secret_access_key " + secret + "\n",
      "[a]\n" + secret + "\n",
      "aws_secret_access_key = " + secret + "\n",
      "[a]\naws_secret_access_key = " + secret + "\naws_secret_access_key = " + secret + "\n",
      "[a]\nk =\n  " + secret + "\n",
      "[a]\nk = " + secret + "\xff\n",
  };
  for (const std::string& text : texts) {
    Result<IniDocument> document = ParseIni(text, "credentials");
    ASSERT_FALSE(document.has_value()) << text;
    EXPECT_THAT(document.error().message(), ::testing::Not(HasSubstr("wJalr"))) << text;
    EXPECT_THAT(document.error().hint(), ::testing::Not(HasSubstr("wJalr"))) << text;
  }
}

TEST(ParseIniTest, QuotesControlCharactersInNames) {
  Result<IniDocument> document = ParseIni("[a\x1b[2J]\n[a\x1b[2J]\n", "f.ini");
  ASSERT_FALSE(document.has_value());
  EXPECT_THAT(document.error().message(), HasSubstr("section 'a\\x1b[2J' appears twice"));
}

TEST(ParseIniTest, ReadsTheSampleConfig) {
  const IniDocument document = MustParse(ReadTestdata("config"));
  const IniSection* prod = FindSection(document, "profile prod");
  ASSERT_NE(prod, nullptr);
  EXPECT_EQ(prod->values.at("external_id").text, "d2c9-prod");
  ASSERT_TRUE(prod->values.at("s3").sub_section.has_value());
  EXPECT_EQ(prod->values.at("s3").sub_section->at("addressing_style"), "path");
  const IniSection* staging = FindSection(document, "profile   staging ");
  ASSERT_NE(staging, nullptr);
  EXPECT_EQ(staging->values.at("region").text, "us-east-2");
  const IniSection* services = FindSection(document, "services local-moto");
  ASSERT_NE(services, nullptr);
  EXPECT_EQ(services->values.at("sts").sub_section->at("endpoint_url"), "http://127.0.0.1:5000");
}

// Every prefix of a real file either parses or fails with a line-numbered error.
TEST(ParseIniTest, EveryTruncationParsesOrFailsWithALineNumber) {
  for (const char* name : {"config", "credentials"}) {
    const std::string text = ReadTestdata(name);
    ASSERT_FALSE(text.empty()) << name;
    int failures = 0;
    for (std::size_t n = 0; n <= text.size(); ++n) {
      Result<IniDocument> document = ParseIni(std::string_view(text).substr(0, n), "config");
      if (!document.has_value()) {
        ++failures;
        EXPECT_TRUE(HasLineNumber(document.error().message()))
            << n << ": " << document.error().message();
      }
    }
    // A cut in the middle of a header ("[prof") is an error, so some prefixes must fail.
    EXPECT_GT(failures, 0) << name;
  }
}

// Replacing any byte with a structural character never crashes and never loses the
// line number of an error.
TEST(ParseIniTest, CorruptedBytesParseOrFailWithALineNumber) {
  const std::string original = ReadTestdata("config");
  int failures = 0;
  for (std::size_t i = 0; i < original.size(); ++i) {
    for (char replacement : {'[', ']', '=', ':', '\n', ' ', '#', '\0', '\xff', '\r'}) {
      std::string text = original;
      text[i] = replacement;
      Result<IniDocument> document = ParseIni(text, "config");
      if (!document.has_value()) {
        ++failures;
        EXPECT_TRUE(HasLineNumber(document.error().message()))
            << i << ": " << document.error().message();
      }
    }
  }
  EXPECT_GT(failures, 0);
}

}  // namespace
}  // namespace sentinel::aws
