// The iCalendar analyzer on generated invitations and on real ones from phishing_pot.
#include "analyzers/ics/ics.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "analyzers/text_scan.h"
#include "core/hash.h"
#include "support/test_support.h"

namespace kagami::analyzers {
namespace {

struct Scanned {
    Limits limits;
    Context ctx{limits, {}};
    IcsAnalyzer analyzer;
    Output out{analyzer.name(), "invite.ics", ctx};
    explicit Scanned(std::string_view bytes) {
        analyzer.analyze({bytes, "invite.ics", "invite.ics", 0}, out);
    }
    std::vector<std::string> facts(std::string_view name) {
        std::vector<std::string> v;
        for (const auto& f : out.facts())
            if (f.name == name) v.push_back(f.value);
        return v;
    }
    const Finding* finding(std::string_view id) {
        for (const auto& f : out.findings())
            if (f.id == id) return &f;
        return nullptr;
    }
};

// A meeting invitation as calendar servers write it: CRLF, folded at 75 octets.
std::string invite(std::string_view extra = "") {
    std::string s =
        "BEGIN:VCALENDAR\r\nPRODID:-//Example Corp//Calendar 1.0//EN\r\nVERSION:2.0\r\n"
        "METHOD:REQUEST\r\nBEGIN:VEVENT\r\nDTSTART;TZID=Asia/Tokyo:20250301T100000\r\n"
        "DTEND;TZID=Asia/Tokyo:20250301T110000\r\n"
        "ORGANIZER;CN=\"Sato, Hanako\":mailto:hanako.sato@example.co.jp\r\n"
        "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=\r\n"
        " TRUE;CN=taro@example.co.jp:mailto:taro@example.co.jp\r\n"
        "ATTENDEE;CN=jiro@example.co.jp:mailto:jiro@example.co.jp\r\n"
        "SUMMARY:Quarterly review\\, budget\\; plans\r\n"
        "DESCRIPTION:Join the meeting: https://meet.example.com/abc-defg-hij\\nDial-in\r\n"
        "  details: https://meet.example.com/dial?pin=1234\r\n"
        "LOCATION:Room 3F\\, Tokyo HQ\r\n";
    s += extra;
    s += "END:VEVENT\r\nEND:VCALENDAR\r\n";
    return s;
}

TEST(IcsAnalyzer, SniffsCalendarsByContent) {
    IcsAnalyzer a;
    EXPECT_TRUE(a.sniff(invite()));
    EXPECT_TRUE(a.sniff("\xEF\xBB\xBF\r\n\r\nbegin:vcalendar\nEND:VCALENDAR"));
    EXPECT_FALSE(a.sniff("Subject: BEGIN:VCALENDAR\n"));
    EXPECT_FALSE(a.sniff("BEGIN:VCARD\r\nEND:VCARD\r\n"));
    EXPECT_FALSE(a.sniff(""));
}

TEST(IcsAnalyzer, MeetingInviteGivesFactsAndStaysQuiet) {
    Scanned r(invite());
    EXPECT_EQ(r.out.type(), "ics");
    EXPECT_EQ(r.facts("ics.method"), std::vector<std::string>{"REQUEST"});
    EXPECT_EQ(r.facts("ics.summary"), std::vector<std::string>{"Quarterly review, budget; plans"});
    EXPECT_EQ(r.facts("ics.organizer"), std::vector<std::string>{"hanako.sato@example.co.jp"});
    EXPECT_EQ(r.facts("ics.attendee"),
              (std::vector<std::string>{"taro@example.co.jp", "jiro@example.co.jp"}));
    EXPECT_EQ(r.facts("ics.attendee_count"), std::vector<std::string>{"2"});
    EXPECT_EQ(r.facts("ics.dtstart"), std::vector<std::string>{"20250301T100000"});
    EXPECT_EQ(r.facts("ics.location"), std::vector<std::string>{"Room 3F, Tokyo HQ"});
    // The folded second URL is joined back ("Dial-in details" spans the fold).
    EXPECT_EQ(r.facts("ics.url"),
              (std::vector<std::string>{"https://meet.example.com/abc-defg-hij",
                                        "https://meet.example.com/dial?pin=1234"}));
    EXPECT_TRUE(r.out.findings().empty());
    EXPECT_TRUE(r.out.children().empty());
}

TEST(IcsAnalyzer, CollectsUrlsFromHtmlDescriptionAndAttachUri) {
    Scanned r(
        invite("X-ALT-DESC;FMTTYPE=text/html:<html><a href=\"https://evil.example.net/lo\r\n"
               " gin\">Sign in</a></html>\r\n"
               "ATTACH;FMTTYPE=application/pdf:https://files.example.org/agenda.pdf\r\n"
               "URL:https://calendar.example.com/event/42\r\n"));
    auto urls = r.facts("ics.url");
    for (std::string u : {"https://evil.example.net/login", "https://files.example.org/agenda.pdf",
                          "https://calendar.example.com/event/42"})
        EXPECT_NE(std::find(urls.begin(), urls.end(), u), urls.end()) << u;
    EXPECT_TRUE(r.out.findings().empty());
}

TEST(IcsAnalyzer, ExtractsBinaryAttachment) {
    std::string payload = "PK\x03\x04 inert test payload, not a real archive";
    std::string b64 = "UEsDBCBpbmVydCB0ZXN0IHBheWxvYWQsIG5vdCBhIHJlYWwgYXJjaGl2ZQ==";
    ASSERT_EQ(textscan::base64_decode(b64, 1000), payload);
    // Folded in the middle of the base64 text, as clients fold at 75 octets.
    Scanned r(
        invite("ATTACH;FMTTYPE=application/zip;ENCODING=BASE64;VALUE=BINARY;\r\n"
               " X-FILENAME=\"agenda;v2.zip\":" +
               b64.substr(0, 30) + "\r\n " + b64.substr(30) + "\r\n"));
    ASSERT_EQ(r.out.children().size(), 1u);
    EXPECT_EQ(r.out.children()[0].name, "agenda;v2.zip");
    EXPECT_EQ(r.out.children()[0].bytes, payload);
    const Finding* f = r.finding("ics.attachment");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->attack, std::vector<std::string>{"T1566.001"});
}

TEST(IcsAnalyzer, NamesUnnamedAttachmentFromItsType) {
    Scanned r(
        invite("ATTACH;ENCODING=BASE64;VALUE=BINARY;FMTTYPE=application/x-iso9660-image:"
               "QUJD\r\nATTACH;ENCODING=BASE64;VALUE=BINARY:REVG\r\n"));
    ASSERT_EQ(r.out.children().size(), 2u);
    EXPECT_EQ(r.out.children()[0].name, "attachment.x-iso9660-image");
    EXPECT_EQ(r.out.children()[1].name, "attachment");
    EXPECT_EQ(r.out.children()[1].bytes, "DEF");
}

TEST(IcsAnalyzer, CapsAttendees) {
    std::string many;
    for (int i = 0; i < 500; ++i)
        many += "ATTENDEE:mailto:user" + std::to_string(i) + "@example.com\r\n";
    Scanned r(invite(many));
    EXPECT_EQ(r.facts("ics.attendee").size(), 50u);
    EXPECT_EQ(r.facts("ics.attendee_count"), std::vector<std::string>{"502"});
}

TEST(IcsAnalyzer, ToleratesHostileInput) {
    // Truncated: no END.
    Scanned cut("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x");
    EXPECT_EQ(cut.facts("ics.summary"), std::vector<std::string>{"x"});
    EXPECT_NE(cut.finding("ics.malformed"), nullptr);
    // An unterminated quoted parameter, lines without a colon, a bare fold at the start.
    Scanned odd(
        " folded first\r\nBEGIN:VCALENDAR\r\nORGANIZER;CN=\"never closed:mailto:a@b\r\n"
        "NOCOLON\r\n;;;\r\n:\r\nEND:VCALENDAR\r\n");
    EXPECT_TRUE(odd.out.children().empty());
    // A 1 MB single-line base64 attachment and invalid base64.
    std::string big(1u << 20, 'A');
    Scanned r(invite("ATTACH;ENCODING=BASE64;VALUE=BINARY;FILENAME=big.bin:" + big +
                     "\r\nATTACH;ENCODING=BASE64;VALUE=BINARY:!!!not base64\r\n"));
    ASSERT_GE(r.out.children().size(), 1u);
    EXPECT_EQ(r.out.children()[0].bytes.size(), (1u << 20) / 4 * 3);
    // Invalid UTF-8 and control characters never reach a fact.
    Scanned bad(
        invite("COMMENT:x\r\nSUMMARY:\xFF\xFE\x01"
               "bad\r\n"));
    for (const auto& f : bad.out.facts()) {
        EXPECT_TRUE(core::is_valid_utf8(f.value));
        EXPECT_EQ(f.value.find('\x01'), std::string::npos);
    }
}

TEST(IcsAnalyzer, StopsChildrenWhenTheBudgetIsSpent) {
    Limits limits;
    limits.max_total_unpacked_bytes = 4;
    Context ctx(limits, {});
    IcsAnalyzer a;
    Output out(a.name(), "x.ics", ctx);
    std::string s = invite(
        "ATTACH;ENCODING=BASE64;VALUE=BINARY:QUJDREVGR0g=\r\n"
        "ATTACH;ENCODING=BASE64;VALUE=BINARY:QUJD\r\n");
    a.analyze({s, "x.ics", "x.ics", 0}, out);
    EXPECT_TRUE(out.children().size() <= 1u);
    bool limit = std::any_of(out.findings().begin(), out.findings().end(),
                             [](const Finding& f) { return f.id == "limit.artifact.total_bytes"; });
    EXPECT_TRUE(limit);
}

// The MIME part after the header line holding `marker`, base64-decoded when the part says so.
std::string mail_part(const std::string& eml, std::string_view marker) {
    auto at = eml.find(marker);
    if (at == std::string::npos) return "";
    auto blank = eml.find("\n\n", at);
    auto blank_crlf = eml.find("\r\n\r\n", at);
    std::size_t body = std::min(blank == std::string::npos ? eml.size() : blank + 2,
                                blank_crlf == std::string::npos ? eml.size() : blank_crlf + 4);
    if (body >= eml.size()) return "";
    std::string headers = core::to_lower(eml.substr(at, body - at));
    auto end = eml.find("\n--", body);
    std::string part = eml.substr(body, (end == std::string::npos ? eml.size() : end) - body);
    if (headers.find("base64") != std::string::npos) return textscan::base64_decode(part, 1u << 24);
    return part;
}

TEST(IcsAnalyzer, ReadsRealInvitationsFromPhishingPot) {
    auto dir = test::corpora_dir() / "phishing_pot" / "email";
    std::string google = test::read_file(dir / "sample-6118.eml");
    std::string exchange = test::read_file(dir / "sample-4587.eml");
    if (google.empty() || exchange.empty()) GTEST_SKIP() << "phishing_pot not available";

    std::string ics = mail_part(google, "filename=\"invite.ics\"");
    IcsAnalyzer a;
    ASSERT_TRUE(a.sniff(ics));
    Scanned g(ics);
    EXPECT_EQ(g.facts("ics.method"), std::vector<std::string>{"REQUEST"});
    EXPECT_EQ(g.facts("ics.organizer"), std::vector<std::string>{"leonardtillmankbk@kbkzs.org"});
    // The attendee address is folded across two lines in the file.
    EXPECT_EQ(g.facts("ics.attendee"), std::vector<std::string>{"rodrigo-f-p@hotmail.com"});
    EXPECT_EQ(g.facts("ics.summary"),
              std::vector<std::string>{"Hey: Delivery arranged for Estimate"});
    EXPECT_TRUE(g.out.findings().empty());

    std::string ics2 = mail_part(exchange, "filename=\"invite.ics\"");
    ASSERT_TRUE(a.sniff(ics2));  // three blank lines before BEGIN
    Scanned e(ics2);
    EXPECT_EQ(e.facts("ics.dtstart"), std::vector<std::string>{"20241223"});
    ASSERT_EQ(e.facts("ics.summary").size(), 1u);
    EXPECT_NE(e.facts("ics.summary")[0].find("Samsung Qled TV"), std::string::npos);
    EXPECT_TRUE(e.out.children().empty());
}

TEST(IcsAnalyzer, NoRealInvitationCrashesOrCarriesAFile) {
    auto dir = test::corpora_dir() / "phishing_pot" / "email";
    if (!std::filesystem::exists(dir)) GTEST_SKIP() << "phishing_pot not available";
    int seen = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        std::string eml = test::read_file(entry.path());
        for (std::string_view marker : {"filename=\"invite.ics\"", "filename=\"Appointment.ics\"",
                                        "filename=\"test.ics\"", "filename=\"melissaa.ics\""}) {
            std::string ics = mail_part(eml, marker);
            if (ics.empty()) continue;
            ++seen;
            Scanned r(ics);
            EXPECT_TRUE(r.out.children().empty()) << entry.path();
        }
    }
    EXPECT_GT(seen, 5);
}

}  // namespace
}  // namespace kagami::analyzers
