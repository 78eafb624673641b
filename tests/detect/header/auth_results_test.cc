#include "detect/header/auth_results.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/text.h"
#include "support/test_support.h"

namespace kagami::detect {
namespace {

const AuthResult* find(const AuthResults& a, std::string_view method) {
    for (const auto& r : a.results)
        if (r.method == method) return &r;
    return nullptr;
}

std::string prop(const AuthResult* r, std::string_view key) {
    if (!r) return "<no result>";
    for (const auto& [k, v] : r->properties)
        if (k == key) return v;
    return "<absent>";
}

TEST(ParseAuthResults, ReadsGoogleStyle) {
    const AuthResults a = parse_auth_results(
        "mx.google.com; dkim=pass header.i=@example.com header.s=s1 header.b=abc; spf=pass "
        "(google.com: domain of x@y designates 1.2.3.4 as permitted sender) smtp.mailfrom=x@y; "
        "dmarc=fail (p=REJECT sp=REJECT dis=NONE) header.from=example.com");
    EXPECT_EQ(a.authserv_id, "mx.google.com");
    ASSERT_EQ(a.results.size(), 3u);
    EXPECT_EQ(a.results[0].method, "dkim");
    EXPECT_EQ(a.results[0].result, "pass");
    ASSERT_EQ(a.results[0].properties.size(), 3u);
    EXPECT_EQ(prop(&a.results[0], "header.i"), "@example.com");
    EXPECT_EQ(prop(&a.results[0], "header.s"), "s1");
    EXPECT_EQ(prop(&a.results[0], "header.b"), "abc");
    EXPECT_EQ(a.results[1].method, "spf");
    EXPECT_EQ(a.results[1].result, "pass");
    ASSERT_EQ(a.results[1].properties.size(), 1u);
    EXPECT_EQ(prop(&a.results[1], "smtp.mailfrom"), "x@y");
    EXPECT_EQ(a.results[2].method, "dmarc");
    EXPECT_EQ(a.results[2].result, "fail");
    ASSERT_EQ(a.results[2].properties.size(), 1u);
    EXPECT_EQ(prop(&a.results[2], "header.from"), "example.com");
}

TEST(ParseAuthResults, ReadsGoogleFoldedOverLines) {
    const AuthResults a = parse_auth_results(
        " mx.google.com;\r\n       dkim=pass header.i=@hotmail.com header.s=selector1 "
        "header.b=An6c7e5A;\r\n       arc=pass (i=1);\r\n       spf=pass (google.com: domain of "
        "phishing@pot designates 2a01:111:f400:7e8b::811 as permitted sender) "
        "smtp.mailfrom=merciayanmact@hotmail.com;\r\n       dmarc=pass (p=NONE sp=NONE dis=NONE) "
        "header.from=hotmail.com");
    EXPECT_EQ(a.authserv_id, "mx.google.com");
    ASSERT_EQ(a.results.size(), 4u);
    EXPECT_EQ(a.results[1].method, "arc");
    EXPECT_TRUE(a.results[1].properties.empty());
    EXPECT_EQ(prop(find(a, "spf"), "smtp.mailfrom"), "merciayanmact@hotmail.com");
}

TEST(ParseAuthResults, NoneMeansNoResults) {
    for (const char* s : {"example.org; none", "example.org 1; none", "example.org;none",
                          "example.org (comment) 1 ; none (nothing checked)"}) {
        const AuthResults a = parse_auth_results(s);
        EXPECT_EQ(a.authserv_id, "example.org") << s;
        EXPECT_TRUE(a.results.empty()) << s;
    }
}

TEST(ParseAuthResults, SkipsTheVersionAfterTheAuthservId) {
    const AuthResults a = parse_auth_results("example.org 1; spf=pass smtp.mailfrom=example.net");
    EXPECT_EQ(a.authserv_id, "example.org");
    ASSERT_EQ(a.results.size(), 1u);
    EXPECT_EQ(a.results[0].method, "spf");
    EXPECT_EQ(prop(&a.results[0], "smtp.mailfrom"), "example.net");
}

TEST(ParseAuthResults, IgnoresNestedCommentsAnywhere) {
    const AuthResults a = parse_auth_results(
        "(lead) mx.example.net (after id); spf (c1) = (c2) pass (outer (inner; x=y) still) "
        "smtp.mailfrom (c3) = (c4) a@b.example (tail)");
    EXPECT_EQ(a.authserv_id, "mx.example.net");
    ASSERT_EQ(a.results.size(), 1u);
    EXPECT_EQ(a.results[0].method, "spf");
    EXPECT_EQ(a.results[0].result, "pass");
    ASSERT_EQ(a.results[0].properties.size(), 1u);
    EXPECT_EQ(prop(&a.results[0], "smtp.mailfrom"), "a@b.example");
}

TEST(ParseAuthResults, UnquotesQuotedStringsAndReasons) {
    const AuthResults a = parse_auth_results(
        "\"mx.example.net\"; dkim=fail reason=\"no key for signature; really \\\"no\\\"\" "
        "header.d=\"example.com\"; spf=neutral reason=plain");
    EXPECT_EQ(a.authserv_id, "mx.example.net");
    ASSERT_EQ(a.results.size(), 2u);
    EXPECT_EQ(a.results[0].reason, "no key for signature; really \"no\"");
    EXPECT_EQ(prop(&a.results[0], "header.d"), "example.com");
    EXPECT_EQ(a.results[1].reason, "plain");
    EXPECT_EQ(a.results[1].result, "neutral");
}

TEST(ParseAuthResults, ReadsMicrosoftWithoutAuthservId) {
    const AuthResults a = parse_auth_results(
        "spf=pass (sender IP is 1.2.3.4) smtp.mailfrom=a.com; dkim=none (message not signed) "
        "header.d=none;dmarc=none action=none header.from=b.com;compauth=pass reason=100");
    EXPECT_EQ(a.authserv_id, "");
    ASSERT_EQ(a.results.size(), 4u);
    EXPECT_EQ(a.results[0].method, "spf");
    EXPECT_EQ(prop(&a.results[0], "smtp.mailfrom"), "a.com");
    EXPECT_EQ(a.results[1].method, "dkim");
    EXPECT_EQ(a.results[1].result, "none");
    EXPECT_EQ(prop(&a.results[1], "header.d"), "none");
    EXPECT_EQ(a.results[2].method, "dmarc");
    EXPECT_EQ(prop(&a.results[2], "action"), "none");
    EXPECT_EQ(prop(&a.results[2], "header.from"), "b.com");
    EXPECT_EQ(a.results[3].method, "compauth");
    EXPECT_EQ(a.results[3].result, "pass");
    EXPECT_EQ(a.results[3].reason, "100");
}

TEST(ParseAuthResults, KeepsEmptyPropertyValues) {
    const AuthResults a = parse_auth_results(
        "spf=temperror (sender IP is 159.223.207.183) smtp.mailfrom=6124-wandering-snowflake; "
        "dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=;");
    ASSERT_EQ(a.results.size(), 3u);
    EXPECT_EQ(a.results[0].result, "temperror");
    EXPECT_EQ(prop(&a.results[2], "header.from"), "");
}

TEST(ParseAuthResults, SplitsResultsWhoseSemicolonIsMissing) {
    const AuthResults a = parse_auth_results(
        "mx.example.net; spf=pass smtp.mailfrom=a@b.example dkim=fail header.d=b.example "
        "dmarc=pass header.from=b.example");
    ASSERT_EQ(a.results.size(), 3u);
    EXPECT_EQ(a.results[0].method, "spf");
    EXPECT_EQ(a.results[1].method, "dkim");
    EXPECT_EQ(a.results[1].result, "fail");
    EXPECT_EQ(prop(&a.results[1], "header.d"), "b.example");
    EXPECT_EQ(a.results[2].method, "dmarc");

    const AuthResults no_id_semi = parse_auth_results("mx.example.net spf=pass");
    EXPECT_EQ(no_id_semi.authserv_id, "mx.example.net");
    ASSERT_EQ(no_id_semi.results.size(), 1u);
    EXPECT_EQ(no_id_semi.results[0].method, "spf");
}

TEST(ParseAuthResults, DropsTheMethodVersion) {
    const AuthResults a = parse_auth_results(
        "example.com; dkim/1=pass header.d=example.com; spf/2=fail smtp.mailfrom=x@example.com");
    ASSERT_EQ(a.results.size(), 2u);
    EXPECT_EQ(a.results[0].method, "dkim");
    EXPECT_EQ(a.results[1].method, "spf");
    EXPECT_EQ(a.results[1].result, "fail");
}

TEST(ParseAuthResults, LowerCasesMethodsResultsAndPropertyNames) {
    const AuthResults a = parse_auth_results(
        "Example.COM; SPF=PASS smtp.MailFrom=User@Example.COM;"
        " DKIM=SoftFail");
    EXPECT_EQ(a.authserv_id, "Example.COM");
    ASSERT_EQ(a.results.size(), 2u);
    EXPECT_EQ(a.results[0].method, "spf");
    EXPECT_EQ(a.results[0].result, "pass");
    ASSERT_EQ(a.results[0].properties.size(), 1u);
    EXPECT_EQ(a.results[0].properties[0].first, "smtp.mailfrom");
    EXPECT_EQ(a.results[0].properties[0].second, "User@Example.COM");
    EXPECT_EQ(a.results[1].result, "softfail");
}

TEST(ParseAuthResults, KeepsBase64SignaturePrefixesIntact) {
    const AuthResults a =
        parse_auth_results("mx.example.net; dkim=pass header.b=ab/c+d== header.s=x");
    EXPECT_EQ(prop(find(a, "dkim"), "header.b"), "ab/c+d==");
    EXPECT_EQ(prop(find(a, "dkim"), "header.s"), "x");
}

TEST(ParseAuthResults, StripsTheArcInstanceTag) {
    const AuthResults g = parse_auth_results(
        "i=1; mx.google.com;       dkim=pass header.i=@gmail.com header.s=20221208 "
        "header.b=JR8b8UYh;       spf=pass (google.com: domain of deltacity798@gmail.com "
        "designates 209.85.220.65 as permitted sender) smtp.mailfrom=deltacity798@gmail.com;  "
        "     dmarc=pass (p=NONE sp=QUARANTINE dis=NONE) header.from=gmail.com");
    EXPECT_EQ(g.authserv_id, "mx.google.com");
    ASSERT_EQ(g.results.size(), 3u);
    EXPECT_EQ(g.results[2].method, "dmarc");

    const AuthResults m = parse_auth_results(
        "i=2; mx.microsoft.com 1; spf=pass (sender ip is 52.102.199.22) "
        "smtp.rcpttodomain=hotmail.com smtp.mailfrom=charterschools.ae; dmarc=pass (p=none "
        "sp=none pct=100) action=none header.from=charterschools.ae; dkim=pass (signature was "
        "verified) header.d=charterschools.ae; arc=pass (0 oda=1 ltdi=1 "
        "spf=[1,1,smtp.mailfrom=charterschools.ae] dkim=[1,1,header.d=charterschools.ae] "
        "dmarc=[1,1,header.from=charterschools.ae])");
    EXPECT_EQ(m.authserv_id, "mx.microsoft.com");
    ASSERT_EQ(m.results.size(), 4u);
    EXPECT_EQ(m.results[0].properties.size(), 2u);
    EXPECT_EQ(m.results[3].method, "arc");
    EXPECT_TRUE(m.results[3].properties.empty());

    const AuthResults none = parse_auth_results(
        "i=1; mx.microsoft.com 1; spf=none; dmarc=none; "
        "dkim=none; arc=none");
    EXPECT_EQ(none.results.size(), 4u);
    EXPECT_EQ(none.authserv_id, "mx.microsoft.com");
}

TEST(ParseAuthResults, SurvivesMalformedInput) {
    for (std::string_view s :
         {"", ";", ";;;;", "=====", "\"", "\"unterminated", "(", "(((", ")))", "\\", "(\\",
          "mx; spf=pass (oops", "mx; spf=\"pass", "mx; =pass", "mx; spf=", "i=1;", "i=x; mx",
          "mx; spf=pass smtp.mailfrom=\\", "mx; spf=pass ( \\"}) {
        const AuthResults a = parse_auth_results(s);
        for (const auto& r : a.results) EXPECT_FALSE(r.method.empty()) << s;
    }
    const AuthResults a = parse_auth_results("mx; spf=pass (oops");
    ASSERT_EQ(a.results.size(), 1u);
    EXPECT_EQ(a.results[0].result, "pass");
    const AuthResults b = parse_auth_results("mx; spf=");
    ASSERT_EQ(b.results.size(), 1u);
    EXPECT_EQ(b.results[0].result, "");
}

TEST(ParseAuthResults, StaysBoundedOnHugeHostileInput) {
    std::string many;
    for (int i = 0; i < 100000; ++i) many += "spf=pass ";
    EXPECT_LE(parse_auth_results(many).results.size(), 64u);

    std::string props = "mx; spf=pass";
    for (int i = 0; i < 100000; ++i) props += " smtp.mailfrom=x";
    const AuthResults p = parse_auth_results(props);
    ASSERT_EQ(p.results.size(), 1u);
    EXPECT_LE(p.results[0].properties.size(), 32u);

    EXPECT_TRUE(parse_auth_results(std::string(1 << 20, '(')).results.empty());
    EXPECT_TRUE(parse_auth_results(std::string(1 << 20, '"')).results.empty());
    EXPECT_TRUE(parse_auth_results(std::string(1 << 20, '=')).results.empty());
    EXPECT_LE(parse_auth_results(std::string(1 << 20, 'a')).authserv_id.size(), 64u * 1024);
}

// ---- real corpus --------------------------------------------------------------------------

// Unfolded header values named `want` (lower-case) from the header block of a message.
std::vector<std::string> header_values(const std::string& msg, std::string_view want) {
    std::vector<std::string> out;
    bool in_wanted = false;
    std::size_t pos = 0;
    while (pos < msg.size()) {
        std::size_t eol = msg.find('\n', pos);
        if (eol == std::string::npos) eol = msg.size();
        std::string_view line(msg.data() + pos, eol - pos);
        pos = eol + 1;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) break;
        if (line[0] == ' ' || line[0] == '\t') {
            if (in_wanted) out.back() += "\r\n" + std::string(line);
            continue;
        }
        const std::size_t colon = line.find(':');
        in_wanted = colon != std::string_view::npos &&
                    core::iequals(core::trim(line.substr(0, colon)), want);
        if (in_wanted) out.emplace_back(line.substr(colon + 1));
    }
    return out;
}

// The value with comments and quoted strings blanked, so that "spf=" inside them is not seen.
std::string without_comments(std::string_view s) {
    std::string out;
    int depth = 0;
    for (char c : s) {
        if (c == '(')
            ++depth;
        else if (c == ')' && depth > 0)
            --depth;
        else if (depth == 0)
            out += core::ascii_lower(c);
    }
    return out;
}

bool mentions(const std::string& text, std::string_view method) {
    for (std::size_t at = text.find(method); at != std::string::npos;
         at = text.find(method, at + 1)) {
        const bool start_ok = at == 0 || core::is_space(text[at - 1]) || text[at - 1] == ';';
        std::size_t after = at + method.size();
        while (after < text.size() && core::is_space(text[after])) ++after;
        if (start_ok && after < text.size() && text[after] == '=') return true;
    }
    return false;
}

TEST(ParseAuthResultsCorpus, FindsEveryMethodPhishingPotMentions) {
    const auto dir = test::corpora_dir() / "phishing_pot" / "email";
    if (!std::filesystem::exists(dir)) GTEST_SKIP() << "corpus absent";
    int headers = 0, checked = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        if (e.path().extension() != ".eml") continue;
        const std::string msg = test::read_file(e.path());
        for (const char* name : {"authentication-results", "arc-authentication-results"}) {
            for (const std::string& v : header_values(msg, name)) {
                ++headers;
                const AuthResults a = parse_auth_results(v);
                const std::string plain = without_comments(v);
                for (const char* m : {"spf", "dkim", "dmarc"}) {
                    if (!mentions(plain, m)) continue;
                    ++checked;
                    const AuthResult* r = find(a, m);
                    ASSERT_NE(r, nullptr) << e.path().filename() << ": " << m << " in " << v;
                    EXPECT_FALSE(r->result.empty()) << e.path().filename() << ": " << v;
                    EXPECT_EQ(r->result, core::to_lower(r->result));
                }
                // Google and Microsoft's ARC headers name themselves; Microsoft's
                // Authentication-Results do not.
                if (std::string_view(name) == "arc-authentication-results" && !a.results.empty()) {
                    EXPECT_FALSE(a.authserv_id.empty()) << v;
                }
            }
        }
    }
    ASSERT_GT(headers, 0);
    EXPECT_GT(checked, headers);
}

}  // namespace
}  // namespace kagami::detect
