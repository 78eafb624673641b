// SPDX-License-Identifier: Apache-2.0
#include "mime/header_decode.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/text.h"
#include "support/test_support.h"

namespace kagami::mime {
namespace {

// ---- decode_header_text --------------------------------------------------------------------

TEST(DecodeHeaderText, Rfc2047Section8Examples) {
    EXPECT_EQ(decode_header_text("(=?ISO-8859-1?Q?a?=)"), "(a)");
    EXPECT_EQ(decode_header_text("(=?ISO-8859-1?Q?a?= b)"), "(a b)");
    EXPECT_EQ(decode_header_text("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)"), "(ab)");
    EXPECT_EQ(decode_header_text("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)"), "(ab)");
    EXPECT_EQ(decode_header_text("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)"), "(ab)");
    EXPECT_EQ(decode_header_text("(=?ISO-8859-1?Q?a_b?=)"), "(a b)");
    EXPECT_EQ(decode_header_text("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)"), "(a b)");
    EXPECT_EQ(decode_header_text("=?US-ASCII?Q?Keith_Moore?="), "Keith Moore");
    EXPECT_EQ(decode_header_text("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?="), "Keld Jørn Simonsen");
    EXPECT_EQ(decode_header_text("=?ISO-8859-1?Q?Andr=E9?= Pirard"), "André Pirard");
    EXPECT_EQ(decode_header_text("=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=\r\n"
                                 " =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?="),
              "If you can read this you understand the example.");
}

TEST(DecodeHeaderText, Iso2022JpWord) {
    EXPECT_EQ(decode_header_text("=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?="), "日本語");
    EXPECT_EQ(decode_header_text("Re: =?iso-2022-jp?b?GyRCSnM5cD1xGyhC?= (1)"), "Re: 報告書 (1)");
}

TEST(DecodeHeaderText, MultibyteCharacterSplitAcrossWordsIsJoinedFirst) {
    // 日本語 in UTF-8 cut after the first byte of 本.
    EXPECT_EQ(decode_header_text("=?UTF-8?B?5pel5g==?= =?utf-8?B?nKzoqp4=?="), "日本語");
    EXPECT_EQ(decode_header_text("=?UTF-8?Q?=E6=97=A5=E6?=\r\n =?UTF-8?Q?=9C=AC?="), "日本");
    // ISO-2022-JP cut between the two bytes of 本: the escape state carries over too.
    EXPECT_EQ(decode_header_text("=?ISO-2022-JP?B?GyRCRnw=?= =?ISO-2022-JP?B?S1w4bBsoQg==?="),
              "日本語");
    // Different charsets are not joined.
    EXPECT_EQ(decode_header_text("=?UTF-8?B?5pel?= =?ISO-8859-1?Q?=E9?="), "日é");
}

TEST(DecodeHeaderText, QEncodingUnderscoresAndLowerCaseMarkers) {
    EXPECT_EQ(decode_header_text("=?utf-8?q?hello_world=21?="), "hello world!");
    EXPECT_EQ(decode_header_text("=?UTF-8?b?44OG44K544OI?="), "テスト");
    // '=' not followed by two hex digits is kept literally.
    EXPECT_EQ(decode_header_text("=?utf-8?Q?100=_sure=4?="), "100= sure=4");
}

TEST(DecodeHeaderText, Rfc2231LanguageSuffixInCharset) {
    EXPECT_EQ(decode_header_text("=?utf-8*ja?B?44OG44K544OI?="), "テスト");
    EXPECT_EQ(decode_header_text("=?US-ASCII*EN?Q?Keith_Moore?="), "Keith Moore");
}

TEST(DecodeHeaderText, ToleratesBadBase64Padding) {
    EXPECT_EQ(decode_header_text("=?UTF-8?B?44OG44K544OI44Gn44GZ?="), "テストです");
    EXPECT_EQ(decode_header_text("=?UTF-8?B?5pel5pys6Kqe?="), "日本語");
    EXPECT_EQ(decode_header_text("=?UTF-8?B?5pel5pys6Kqe===?="), "日本語");  // extra padding
    EXPECT_EQ(decode_header_text("=?UTF-8?B?5pel5g?= =?UTF-8?B?nKzoqp4?="), "日本語");  // none
    // Two padded chunks inside one word (concatenating encoders).
    EXPECT_EQ(decode_header_text("=?UTF-8?B?5pel5g==nKzoqp4=?="), "日本語");
    // base64url alphabet ('_' for '/').
    EXPECT_EQ(decode_header_text("=?us-ascii?B?Pz8_?="), "???");
}

TEST(DecodeHeaderText, SpacesInsideAnEncodedWord) {
    EXPECT_EQ(decode_header_text("=?UTF-8?B?44OG44K5 44OI?="), "テスト");
    EXPECT_EQ(decode_header_text("=?ISO-8859-1?Q?Andr=E9 Pirard?="), "André Pirard");
}

TEST(DecodeHeaderText, WordsGluedToTextAndInsideQuotes) {
    EXPECT_EQ(decode_header_text("Re:=?UTF-8?B?44OG44K544OI?=desu"), "Re:テストdesu");
    EXPECT_EQ(decode_header_text("\"=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=\" <a@b.jp>"),
              "\"日本語\" <a@b.jp>");
    EXPECT_EQ(decode_header_text("=?UTF-8?Q?a?==?UTF-8?Q?b?="), "ab");
}

TEST(DecodeHeaderText, UnfoldsLines) {
    EXPECT_EQ(decode_header_text("Hello\r\n world"), "Hello world");
    EXPECT_EQ(decode_header_text("Hello\n\tworld"), "Hello\tworld");
    EXPECT_EQ(decode_header_text("broken\r\nfold"), "broken fold");
    EXPECT_EQ(decode_header_text("trailing\r\n"), "trailing");
}

TEST(DecodeHeaderText, RawEightBitBytesAreConverted) {
    EXPECT_EQ(decode_header_text("\x83\x65\x83\x58\x83\x67"), "テスト");  // Shift_JIS
    EXPECT_EQ(decode_header_text("Re: \x83\x65\x83\x58\x83\x67 \x82\xCC\x8C\x8F"),
              "Re: テスト の件");
    EXPECT_EQ(decode_header_text("\xE6\x97\xA5\xE6\x9C\xAC"), "日本");  // UTF-8
    EXPECT_EQ(decode_header_text("\xC6\xFC\xCB\xDC\xB8\xEC", "euc-jp"), "日本語");
    // Unencoded ISO-2022-JP in a header (old Japanese mailers).
    EXPECT_EQ(decode_header_text("Re: \x1B$BF|K\\8l\x1B(B"), "Re: 日本語");
    // Raw text next to an encoded word.
    EXPECT_EQ(decode_header_text("\x83\x65\x83\x58\x83\x67 =?UTF-8?B?5pel5pys?="), "テスト 日本");
    EXPECT_EQ(decode_header_text("caf\xE9", "iso-8859-1"), "café");
}

TEST(DecodeHeaderText, WordWithUnknownOrWrongCharsetFallsBackToDetection) {
    EXPECT_EQ(decode_header_text("=?x-unknown?B?5pel5pys?="), "日本");
    EXPECT_EQ(decode_header_text("=?us-ascii?B?5pel5pys?="), "日本");
    // Shift_JIS bytes under an iso-2022-jp label.
    EXPECT_EQ(decode_header_text("=?iso-2022-jp?B?g2WDWINn?="), "テスト");
}

TEST(DecodeHeaderText, MalformedWordsStayLiteral) {
    EXPECT_EQ(decode_header_text("=?utf-8?X?abc?="), "=?utf-8?X?abc?=");
    EXPECT_EQ(decode_header_text("=?utf-8?Q?never closed"), "=?utf-8?Q?never closed");
    EXPECT_EQ(decode_header_text("a =? b ?= c"), "a =? b ?= c");
    EXPECT_EQ(decode_header_text("=??Q?x?="), "=??Q?x?=");
    // An unclosed word must not swallow the next, valid one.
    EXPECT_EQ(decode_header_text("=?utf-8?q?open =?utf-8?q?ok?="), "=?utf-8?q?open ok");
    EXPECT_EQ(decode_header_text(""), "");
}

TEST(DecodeHeaderText, OutputIsValidUtf8AndBounded) {
    for (std::string_view in :
         {"=?utf-8?B?/w==?=", "=?utf-8?Q?=FF=FE?=", "\xFF\xFE\xFD",
          "=?iso-2022-jp?B?GyRC?=", "=?utf-7?Q?+AAAA?=", "=?euc-jp?Q?=8F=A1?=", "\x1B$B\xFF"}) {
        std::string out = decode_header_text(in);
        EXPECT_TRUE(core::is_valid_utf8(out)) << in;
    }
    std::string big;
    for (int i = 0; i < 20000; ++i) big += "=?UTF-8?B?5pel5pys6Kqe?= ";
    std::string out = decode_header_text(big);
    EXPECT_TRUE(core::is_valid_utf8(out));
    EXPECT_LE(out.size(), big.size() * 4);
    EXPECT_LE(out.size(), 1024u * 1024u);
    EXPECT_EQ(out.rfind("日本語日本語", 0), 0u);

    std::string junk(3 * 1024 * 1024, '\xFF');
    out = decode_header_text(junk);
    EXPECT_LE(out.size(), 1024u * 1024u);
    EXPECT_TRUE(core::is_valid_utf8(out));

    // Many "=?" openings with no end: must stay fast (bounded search), and literal.
    std::string opens;
    for (int i = 0; i < 50000; ++i) opens += "=?a?q?";
    out = decode_header_text(opens);
    EXPECT_EQ(out, opens);
}

// ---- jpmobile fixtures ---------------------------------------------------------------------

// The raw value of the first `name` field in the header block, with its folds.
std::string raw_header(const std::string& msg, std::string_view name) {
    std::istringstream in(msg);
    std::string line;
    std::string value;
    bool in_field = false;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) break;
        if (in_field) {
            if (line[0] == ' ' || line[0] == '\t') {
                value += "\r\n" + line;
                continue;
            }
            break;
        }
        if (line.size() > name.size() && core::iequals(line.substr(0, name.size()), name) &&
            line[name.size()] == ':') {
            value = line.substr(name.size() + 1);
            in_field = true;
        }
    }
    return std::string(core::trim(value));
}

std::string jpmobile_subject(const char* rel) {
    auto path = test::corpora_dir() / "jpmobile_email_fixtures" / rel;
    std::string msg = test::read_file(path);
    return msg.empty() ? std::string("<missing>") : decode_header_text(raw_header(msg, "Subject"));
}

TEST(DecodeHeaderText, JpmobileFixtureSubjects) {
    if (!std::filesystem::exists(test::corpora_dir() / "jpmobile_email_fixtures"))
        GTEST_SKIP() << "jpmobile corpus absent";
    const std::string long_subject =
        "タイトルの長いメールの場合の対処を実装するためのテストケースとしてのメールに含まれている"
        "件名であるサブジェクト部分";
    EXPECT_EQ(jpmobile_subject("unit/pc-mail-single.eml"), long_subject);
    EXPECT_EQ(jpmobile_subject("unit/pc-mail-multi.eml"), long_subject);
    EXPECT_EQ(jpmobile_subject("unit/au-email.eml"), "※本文はこのままで送信してね");
    EXPECT_EQ(jpmobile_subject("unit/docomo-jis.eml"), "テスト");
    EXPECT_EQ(jpmobile_subject("unit/iphone-cp932.eml"), "Re: 【NKSC】test");
    EXPECT_EQ(jpmobile_subject("unit/au-decomail2.eml"), "Fwd: 【NurseryMail】日日");
    EXPECT_EQ(jpmobile_subject("unit/iphone-unicode-emoji.eml"), "絵文字🎅");
    EXPECT_EQ(jpmobile_subject("mobile_mailer/iphone-message.eml"), "iPhone au メッセージ");
    EXPECT_EQ(jpmobile_subject("unit/softbank-gmail-utf8.eml"), "テストです\uE221");
    // Python's email leaves this one encoded: NEC row 13 inside ISO-2022-JP (iPhone).
    EXPECT_EQ(jpmobile_subject("unit/iphone-circled-numbers-in-jis.eml"), "テスト①");
    // docomo emoji are Shift_JIS user-defined codes; CP932 puts them in the private-use area
    // exactly where docomo's Unicode mapping has them (F991 -> U+E6EC, F8D7 -> U+E676).
    EXPECT_EQ(jpmobile_subject("unit/docomo-gmail-sjis.eml"), "テスト\uE6EC");
    EXPECT_EQ(jpmobile_subject("unit/docomo-emoji.eml"), "題名\uE676");
    // au emoji sit in JIS rows that no standard maps: replaced, but the text around survives.
    std::string au = jpmobile_subject("unit/au-emoji.eml");
    EXPECT_EQ(au.rfind("題名", 0), 0u);
    EXPECT_TRUE(core::is_valid_utf8(au));
}

TEST(DecodeHeaderText, EveryJpmobileHeaderDecodesToValidUtf8) {
    auto dir = test::corpora_dir() / "jpmobile_email_fixtures";
    if (!std::filesystem::exists(dir)) GTEST_SKIP() << "jpmobile corpus absent";
    int files = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
        if (e.path().extension() != ".eml") continue;
        std::string msg = test::read_file(e.path());
        for (const char* h : {"Subject", "From", "To", "Content-Type"}) {
            std::string v = decode_header_text(raw_header(msg, h));
            EXPECT_TRUE(core::is_valid_utf8(v)) << e.path() << " " << h;
            EXPECT_EQ(v.find("=?"), std::string::npos) << e.path() << " " << h << ": " << v;
        }
        ++files;
    }
    EXPECT_GT(files, 30);
}

// ---- parse_header_params -------------------------------------------------------------------

TEST(ParseHeaderParams, PlainQuotedAndEscapedValues) {
    auto p = parse_header_params(" charset=\"UTF-8\"; format=flowed; NAME=\"a \\\"b\\\" c.txt\"");
    ASSERT_EQ(p.size(), 3u);
    EXPECT_EQ(p[0].name, "charset");
    EXPECT_EQ(p[0].value, "UTF-8");
    EXPECT_EQ(p[1].name, "format");
    EXPECT_EQ(p[1].value, "flowed");
    EXPECT_EQ(p[2].name, "name");
    EXPECT_EQ(p[2].value, "a \"b\" c.txt");
    EXPECT_EQ(find_param(p, "name"), "a \"b\" c.txt");
    EXPECT_EQ(find_param(p, "NAME"), "a \"b\" c.txt");
    EXPECT_EQ(find_param(p, "missing"), "");
}

TEST(ParseHeaderParams, Rfc2231ExtendedValue) {
    auto p = parse_header_params("filename*=utf-8''%E5%A0%B1%E5%91%8A.doc");
    EXPECT_EQ(find_param(p, "filename"), "報告.doc");
    auto q = parse_header_params("filename*=UTF-8'ja'%E3%83%86%E3%82%B9%E3%83%88.pdf");
    EXPECT_EQ(find_param(q, "filename"), "テスト.pdf");
    auto j = parse_header_params("filename*=iso-2022-jp''%1B%24BF%7CK%5C8l%1B%28B.txt");
    EXPECT_EQ(find_param(j, "filename"), "日本語.txt");
}

TEST(ParseHeaderParams, Rfc2231ContinuationsInAnyOrder) {
    auto p =
        parse_header_params("name*2*=%E6%9B%B8.doc; name*0*=utf-8''%E5%A0%B1; name*1*=%E5%91%8A");
    EXPECT_EQ(find_param(p, "name"), "報告書.doc");
    // Numeric, not lexical, order (10 after 9).
    std::string v;
    for (int i = 11; i >= 0; --i) v += "; n*" + std::to_string(i) + "=" + std::to_string(i % 10);
    EXPECT_EQ(find_param(parse_header_params(v), "n"), "012345678901");
    // RFC 2231 section 4.1 example: encoded and literal segments mixed.
    auto t = parse_header_params(
        "title*0*=us-ascii'en'This%20is%20even%20more%20; title*1*=%2A%2A%2Afun%2A%2A%2A%20; "
        "title*2=\"isn't it!\"");
    EXPECT_EQ(find_param(t, "title"), "This is even more ***fun*** isn't it!");
    // A UTF-8 character split across segments.
    auto s = parse_header_params("f*0*=utf-8''%E6%97; f*1*=%A5");
    EXPECT_EQ(find_param(s, "f"), "日");
}

TEST(ParseHeaderParams, ContinuationsAreCapped) {
    std::string v;
    for (int i = 0; i < 5000; ++i) v += "; x*" + std::to_string(i) + "=abcdefgh";
    auto p = parse_header_params(v);
    ASSERT_EQ(p.size(), 1u);
    EXPECT_LE(p[0].value.size(), 1000u * 8u);
    EXPECT_GE(p[0].value.size(), 8u);
    // Huge indices are not a size.
    auto q = parse_header_params("y*999999=b; y*0=a; y*99999999999999999999=c");
    EXPECT_EQ(find_param(q, "y"), "ab");
}

TEST(ParseHeaderParams, Rfc2047InsideQuotedValues) {
    auto p = parse_header_params("name=\"=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=.doc\"");
    EXPECT_EQ(find_param(p, "name"), "日本語.doc");
    auto q =
        parse_header_params("filename=\"=?UTF-8?B?44OV44Kh44Kk44Or?=\r\n =?UTF-8?B?LnppcA==?=\"");
    EXPECT_EQ(find_param(q, "filename"), "ファイル.zip");
    auto r = parse_header_params("filename==?UTF-8?B?44OG44K544OI?=");  // unquoted
    EXPECT_EQ(find_param(r, "filename"), "テスト");
}

TEST(ParseHeaderParams, RawEightBitFileNames) {
    auto p = parse_header_params("name=\"\x93\xFA\x96\x7B\x8C\xEA.txt\"");  // Shift_JIS
    EXPECT_EQ(find_param(p, "name"), "日本語.txt");
    auto q = parse_header_params("name=\"\xC6\xFC\xCB\xDC\xB8\xEC.txt\"", "euc-jp");
    EXPECT_EQ(find_param(q, "name"), "日本語.txt");
    auto u = parse_header_params("name=\"\xE6\x97\xA5\xE6\x9C\xAC.txt\"");
    EXPECT_EQ(find_param(u, "name"), "日本.txt");
}

TEST(ParseHeaderParams, ToleratesBrokenSyntax) {
    auto p = parse_header_params(";; charset = \"utf-8\" ;;; junk; boundary=abc ; ");
    EXPECT_EQ(find_param(p, "charset"), "utf-8");
    EXPECT_EQ(find_param(p, "boundary"), "abc");
    EXPECT_EQ(p.size(), 2u);
    // Missing closing quote: the value runs to the end.
    EXPECT_EQ(find_param(parse_header_params("name=\"unterminated.doc"), "name"),
              "unterminated.doc");
    // Whole Content-Type value passed by mistake: the type has no '=' and is skipped.
    auto ct = parse_header_params("text/plain; charset=iso-2022-jp");
    EXPECT_EQ(find_param(ct, "charset"), "iso-2022-jp");
    // Unquoted value with spaces.
    EXPECT_EQ(find_param(parse_header_params("name=my file.doc"), "name"), "my file.doc");
    EXPECT_TRUE(parse_header_params("").empty());
    EXPECT_TRUE(parse_header_params("=;=;=").empty());
}

TEST(ParseHeaderParams, DuplicatesKeepTheFirstAndExtendedBeatsPlain) {
    auto p = parse_header_params("boundary=first; BOUNDARY=second");
    EXPECT_EQ(p.size(), 1u);
    EXPECT_EQ(find_param(p, "boundary"), "first");
    // Outlook and Thunderbird send both forms; the RFC 2231 one is the exact name.
    auto q = parse_header_params("filename=\"____.doc\"; filename*=utf-8''%E5%A0%B1.doc");
    EXPECT_EQ(q.size(), 1u);
    EXPECT_EQ(find_param(q, "filename"), "報.doc");
}

TEST(ParseHeaderParams, ManyParametersAreCapped) {
    std::string v;
    for (int i = 0; i < 20000; ++i) v += "; p" + std::to_string(i) + "=v";
    auto p = parse_header_params(v);
    EXPECT_LE(p.size(), 1000u);
    EXPECT_GT(p.size(), 10u);
}

// ---- parse_address_list --------------------------------------------------------------------

TEST(ParseAddressList, QuotedEncodedDisplayName) {
    auto a = parse_address_list("\"=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=\" <Taro@Example.CO.JP>");
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].display_name, "日本語");
    EXPECT_EQ(a[0].address, "Taro@example.co.jp");
    auto b = parse_address_list("=?UTF-8?B?5pel5pys?= =?UTF-8?B?6Kqe?= <x@y.jp>");
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0].display_name, "日本語");
}

TEST(ParseAddressList, Groups) {
    EXPECT_TRUE(parse_address_list("undisclosed-recipients:;").empty());
    auto a = parse_address_list("Team: a@b.com, \"C D\" <c@d.com>;, e@f.com");
    ASSERT_EQ(a.size(), 3u);
    EXPECT_EQ(a[0].address, "a@b.com");
    EXPECT_EQ(a[1].display_name, "C D");
    EXPECT_EQ(a[1].address, "c@d.com");
    EXPECT_EQ(a[2].address, "e@f.com");
}

TEST(ParseAddressList, CommentsIncludingNested) {
    auto a = parse_address_list("a@b.com (John Doe), John (boss (really)) <j@x.org>");
    ASSERT_EQ(a.size(), 2u);
    EXPECT_EQ(a[0].address, "a@b.com");
    EXPECT_EQ(a[0].display_name, "John Doe");
    EXPECT_EQ(a[1].address, "j@x.org");
    EXPECT_EQ(a[1].display_name, "John");
    auto b = parse_address_list("Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>");
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0].address, "pete@silly.test");
    EXPECT_EQ(b[0].display_name, "Pete");
}

TEST(ParseAddressList, AngleBareAndRouteAddresses) {
    auto a = parse_address_list("x@Y.COM, <z@W.org>, <@route1,@route2:user@Host.COM>");
    ASSERT_EQ(a.size(), 3u);
    EXPECT_EQ(a[0].address, "x@y.com");
    EXPECT_EQ(a[1].address, "z@w.org");
    EXPECT_EQ(a[2].address, "user@host.com");
    EXPECT_EQ(a[2].display_name, "");
}

TEST(ParseAddressList, UnquotedCommaInDisplayName) {
    auto a = parse_address_list("Name, Inc <a@b.com>, Doe, John <j@x.com>");
    ASSERT_EQ(a.size(), 2u);
    EXPECT_EQ(a[0].display_name, "Name, Inc");
    EXPECT_EQ(a[0].address, "a@b.com");
    EXPECT_EQ(a[1].display_name, "Doe, John");
    EXPECT_EQ(a[1].address, "j@x.com");
}

TEST(ParseAddressList, MissingClosingAngleAndSeveralAngles) {
    auto a = parse_address_list("Foo <foo@bar.com");
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].address, "foo@bar.com");
    EXPECT_EQ(a[0].display_name, "Foo");
    auto b = parse_address_list("Foo <foo@bar.com, Bar <bar@baz.com>");
    ASSERT_EQ(b.size(), 2u);
    EXPECT_EQ(b[0].address, "foo@bar.com");
    EXPECT_EQ(b[1].address, "bar@baz.com");
    auto c = parse_address_list("Foo <bar> <real@x.com>");
    ASSERT_EQ(c.size(), 1u);
    EXPECT_EQ(c[0].address, "real@x.com");
}

TEST(ParseAddressList, DisplayNameHoldingAnAddressIsKeptVerbatim) {
    // The phishing signal: the name shows one address, the mail goes to another.
    auto a = parse_address_list("\"support@apple.com\" <evil@Phish.RU>");
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].display_name, "support@apple.com");
    EXPECT_EQ(a[0].address, "evil@phish.ru");
    auto b = parse_address_list("support@apple.com <evil@phish.ru>");
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0].display_name, "support@apple.com");
    EXPECT_EQ(b[0].address, "evil@phish.ru");
}

TEST(ParseAddressList, RawEightBitDisplayNames) {
    auto a = parse_address_list("\"\x83\x65\x83\x58\x83\x67\" <t@x.jp>");
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].display_name, "テスト");
    auto b = parse_address_list("\xE5\xB1\xB1\xE7\x94\xB0 <y@x.jp>");
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0].display_name, "山田");
}

TEST(ParseAddressList, FoldedAndEmptyInput) {
    auto a = parse_address_list("A <a@x.com>,\r\n\tB <b@x.com>");
    ASSERT_EQ(a.size(), 2u);
    EXPECT_EQ(a[1].display_name, "B");
    EXPECT_TRUE(parse_address_list("").empty());
    EXPECT_TRUE(parse_address_list(" , ,, ").empty());
}

TEST(ParseAddressList, HostileInputIsBounded) {
    std::string many;
    for (int i = 0; i < 20000; ++i) many += "a" + std::to_string(i) + "@x.com,";
    auto a = parse_address_list(many);
    EXPECT_EQ(a.size(), 10000u);
    std::string nested(100000, '(');
    auto n = parse_address_list(nested + "a@b");  // all inside one unclosed comment
    ASSERT_LE(n.size(), 1u);
    if (!n.empty()) {
        EXPECT_EQ(n[0].address, "");
    }
    std::string angles(100000, '<');
    auto b = parse_address_list(angles);
    EXPECT_LE(b.size(), 10000u);
    std::string quotes(100001, '"');
    auto c = parse_address_list(quotes);
    for (const auto& m : c) EXPECT_TRUE(core::is_valid_utf8(m.display_name));
}

// ---- address_domain ------------------------------------------------------------------------

TEST(AddressDomain, LowerCasesAndStripsDecoration) {
    EXPECT_EQ(address_domain("user@Example.COM"), "example.com");
    EXPECT_EQ(address_domain("user@example.com."), "example.com");
    EXPECT_EQ(address_domain("user@[192.0.2.1]"), "192.0.2.1");
    EXPECT_EQ(address_domain("\"a@b\"@c.org"), "c.org");
    EXPECT_EQ(address_domain("user@\"quoted.jp\""), "quoted.jp");
    EXPECT_EQ(address_domain("no-at-sign"), "");
    EXPECT_EQ(address_domain("user@"), "");
    EXPECT_EQ(address_domain(""), "");
}

}  // namespace
}  // namespace kagami::mime
