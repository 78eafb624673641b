// Transfer decoding against decoder oracles written by others: GMime's test data holds
// one photo and one text in base64, uuencode and quoted-printable next to the originals.
#include <gtest/gtest.h>

#include "mime/message.h"
#include "support/mime_builder.h"
#include "support/test_support.h"

namespace kagami::mime {
namespace {

namespace fs = std::filesystem;

fs::path encodings() {
    return test::corpora_dir() / "gmime_testdata/encodings";
}

Message with_body(const std::string& type, const std::string& encoding, const std::string& body) {
    return parse_message(test::MimeBuilder()
                             .header("From", "a@example.com")
                             .header("MIME-Version", "1.0")
                             .header("Content-Type", type)
                             .header("Content-Transfer-Encoding", encoding)
                             .body(body)
                             .str(),
                         Limits{});
}

TEST(TransferDecoding, Base64MatchesTheOriginalByteForByte) {
    if (!fs::exists(encodings())) GTEST_SKIP() << "no corpora";
    auto msg = with_body("image/jpeg", "base64", test::read_file(encodings() / "photo.b64"));
    EXPECT_EQ(msg.root.body, test::read_file(encodings() / "photo.jpg"));
}

TEST(TransferDecoding, UuencodeMatchesTheOriginalByteForByte) {
    if (!fs::exists(encodings())) GTEST_SKIP() << "no corpora";
    auto msg = with_body("image/jpeg", "x-uuencode", test::read_file(encodings() / "photo.uu"));
    EXPECT_EQ(msg.root.body, test::read_file(encodings() / "photo.jpg"));
}

TEST(TransferDecoding, QuotedPrintableMatchesTheOriginalByteForByte) {
    if (!fs::exists(encodings())) GTEST_SKIP() << "no corpora";
    auto msg = with_body("text/plain; charset=utf-8", "quoted-printable",
                         test::read_file(encodings() / "wikipedia.qp"));
    EXPECT_EQ(msg.root.body, test::read_file(encodings() / "wikipedia.txt"));
    EXPECT_NE(msg.root.text.find("pédagogues"), std::string::npos);
}

TEST(TransferDecoding, BrokenBase64AndQuotedPrintableDoNotStopTheParse) {
    auto b64 = with_body("application/octet-stream", "base64", "!!!!SGVsbG8=\r\n@@@\r\n");
    EXPECT_EQ(b64.root.body, "Hello");
    auto qp = with_body("text/plain; charset=us-ascii", "quoted-printable", "a=3Db=\r\nc=ZZd=4");
    EXPECT_EQ(qp.root.body.substr(0, 4), "a=bc");
}

TEST(TransferDecoding, UnknownEncodingKeepsTheBytes) {
    auto msg = with_body("text/plain; charset=us-ascii", "x-made-up", "plain words\r\n");
    EXPECT_NE(msg.root.text.find("plain words"), std::string::npos);
}

}  // namespace
}  // namespace kagami::mime
