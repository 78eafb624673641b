// The evaluation set's builders, checked through the MIME parser only: every message
// parses cleanly, its text decodes in the charset it declares, and its attachments are
// the files the case is about (names and file signatures). The engine's verdicts on the
// set are tests/engine/evaluation_test.cc's business.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/hash.h"
#include "mime/message.h"
#include "support/eval_set.h"

namespace kagami {
namespace {

using test::LabelledMessage;

const std::vector<LabelledMessage>& set() {
    static const auto s = test::evaluation_set();
    return s;
}

std::vector<const mime::Part*> attachments(const mime::Message& m) {
    std::vector<const mime::Part*> out;
    mime::for_each_part(m.root, [&](const mime::Part& p) {
        if (!p.is_multipart() && p.is_attachment()) out.push_back(&p);
    });
    return out;
}

std::vector<const mime::Part*> texts(const mime::Message& m) {
    std::vector<const mime::Part*> out;
    mime::for_each_part(m.root, [&](const mime::Part& p) {
        if (!p.is_multipart() && !p.is_attachment() && p.content_type.rfind("text/", 0) == 0)
            out.push_back(&p);
    });
    return out;
}

bool has_japanese(std::string_view s) {
    // Hiragana, katakana and CJK ideographs all start with E3..E9 in UTF-8.
    for (unsigned char c : s)
        if (c >= 0xE3 && c <= 0xE9) return true;
    return false;
}

TEST(EvaluationSet, IsBalancedNamedAndDeterministic) {
    const auto& s = set();
    std::map<std::pair<bool, std::string>, int> counts;
    std::set<std::string> names;
    for (const auto& m : s) {
        EXPECT_TRUE(names.insert(m.name).second) << "duplicate " << m.name;
        EXPECT_TRUE(m.language == "ja" || m.language == "en") << m.name;
        EXPECT_EQ(m.name.rfind(m.malicious ? "mal_" : "ben_", 0), 0u) << m.name;
        EXPECT_FALSE(m.technique.empty()) << m.name;
        if (m.malicious) {
            EXPECT_EQ(m.technique[0], 'T') << m.name;  // an ATT&CK id first
        }
        ++counts[std::make_pair(m.malicious, m.language)];
    }
    for (bool mal : {true, false})
        for (const char* lang : {"ja", "en"})
            EXPECT_GE(counts[std::make_pair(mal, std::string(lang))], 10) << mal << " " << lang;
    auto total = [&](bool mal) {
        return counts[std::make_pair(mal, std::string("ja"))] +
               counts[std::make_pair(mal, std::string("en"))];
    };
    EXPECT_GE(total(true), 28);
    EXPECT_GE(total(false), 28);

    auto again = test::evaluation_set();
    ASSERT_EQ(again.size(), s.size());
    for (std::size_t i = 0; i < s.size(); ++i) EXPECT_EQ(again[i].raw, s[i].raw) << s[i].name;
}

TEST(EvaluationSet, EveryMessageParsesWithDecodedHeadersAndText) {
    for (const auto& lm : set()) {
        SCOPED_TRACE(lm.name);
        EXPECT_EQ(lm.raw.find("\n"), lm.raw.find("\r\n") + 1);  // CRLF from the first line
        for (std::size_t i = 0; i < lm.raw.size(); ++i)
            if (lm.raw[i] == '\n') {
                ASSERT_EQ(lm.raw[i - 1], '\r') << "bare LF at " << i;
            }
        auto m = mime::parse_message(lm.raw, Limits{});
        for (const auto& f : m.findings)
            ADD_FAILURE() << "parse finding " << f.id << ": " << f.evidence;
        EXPECT_EQ(m.lenient, nullptr);
        ASSERT_EQ(m.from.size(), 1u);
        EXPECT_NE(m.from[0].address.find('@'), std::string::npos);
        EXPECT_FALSE(m.subject.empty());
        EXPECT_EQ(m.subject.find("=?"), std::string::npos) << m.subject;
        EXPECT_FALSE(m.date_raw.empty());
        EXPECT_FALSE(m.header_message_id.empty());
        EXPECT_FALSE(m.headers_named("Received").empty());
        if (lm.language == "ja") {
            EXPECT_TRUE(has_japanese(m.subject)) << m.subject;
        }
        auto t = texts(m);
        ASSERT_FALSE(t.empty());
        for (const auto* p : t) {
            EXPECT_FALSE(p->text.empty()) << p->path;
            EXPECT_FALSE(p->charset_detected) << p->path << " " << p->charset;
            EXPECT_EQ(p->text.find("\xEF\xBF\xBD"), std::string::npos) << p->path;  // U+FFFD
            EXPECT_EQ(has_japanese(p->text), lm.language == "ja") << p->path;
        }
        // Japanese display names decode too (ISO-2022-JP and UTF-8 encoded words).
        if (lm.language == "ja" && lm.raw.find("From: =?") != std::string::npos) {
            EXPECT_TRUE(has_japanese(m.from[0].display_name)) << m.from[0].display_name;
        }
    }
}

// File signature by extension of the outer attachment.
void expect_signature(const std::string& name, const std::string& body) {
    auto ends = [&](std::string_view ext) {
        return name.size() >= ext.size() &&
               name.compare(name.size() - ext.size(), ext.size(), ext) == 0;
    };
    if (ends(".zip") || ends(".docx") || ends(".xlsx") || ends(".xlsm")) {
        EXPECT_EQ(body.substr(0, 4), "PK\x03\x04") << name;
    } else if (ends(".iso")) {
        ASSERT_GT(body.size(), 0x8006u) << name;
        EXPECT_EQ(body.substr(0x8001, 5), "CD001") << name;
    } else if (ends(".xls")) {
        EXPECT_EQ(body.substr(0, 4), "\xD0\xCF\x11\xE0") << name;
    } else if (ends(".doc")) {
        // Word 97-2003 or an RTF named .doc, as lures are.
        EXPECT_TRUE(body.rfind("\xD0\xCF\x11\xE0", 0) == 0 || body.rfind("{\\rtf", 0) == 0) << name;
    } else if (ends(".pdf")) {
        EXPECT_EQ(body.substr(0, 5), "%PDF-") << name;
    } else if (ends(".html")) {
        EXPECT_NE(body.find("URL.createObjectURL"), std::string::npos) << name;
    } else if (ends(".ics")) {
        EXPECT_EQ(body.rfind("BEGIN:VCALENDAR", 0), 0u) << name;
    } else {
        ADD_FAILURE() << "unexpected attachment " << name;
    }
}

TEST(EvaluationSet, AttachmentsAreTheIntendedFiles) {
    const std::map<std::string, std::vector<std::string>> expected = {
        {"mal_ja_mofa_gmail_encrypted_zip_lnk", {"論点整理.zip"}},
        {"mal_ja_jaxa_lookalike_remote_template", {"R7_共同研究申請様式.docx"}},
        {"mal_ja_giren_study_group_doc_autoopen_shell", {"勉強会ご案内・出欠回答.doc"}},
        {"mal_ja_taiwan_rtf_equation_editor", {"台湾海峡情勢分析メモ.doc"}},
        {"mal_ja_meti_lookalike_iso_lnk_dll", {"説明会資料.iso"}},
        {"mal_ja_nss_double_extension_exe_in_zip", {"報告書_1128.zip"}},
        {"mal_ja_media_html_smuggling_zip_lnk", {"質問事項.html"}},
        {"mal_ja_forum_link_on_feed", {}},
        {"mal_ja_encrypted_zip_password_in_second_mail", {"ヒアリング資料.zip"}},
        {"mal_ja_compromised_account_credential_link", {}},
        {"mal_ja_attachment_hash_on_feed", {"検討メモ.docx"}},
        {"mal_ja_m0fa_lookalike_xls_macro", {"意見交換会_出欠表.xls"}},
        {"mal_ja_space_policy_pdf_launch", {"ヒアリング項目.pdf"}},
        {"mal_en_jiia_lookalike_interview_xlsm", {"JIIA_Interview_Questions.xlsm"}},
        {"mal_en_space_conference_iso_lnk_dll", {"ISTS2025_Invited_Session.iso"}},
        {"mal_en_mofa_lookalike_html_smuggling_iso", {"SecureMessage.html"}},
        {"ben_ja_ppap_encrypted_zip_password_separate", {"要件定義書_第2版.zip"}},
        {"ben_ja_ppap_password_mail", {}},
        {"ben_ja_study_group_attendance_xlsx", {"議員勉強会_出欠表.xlsx"}},
        {"ben_en_university_taiwan_conference_ics", {"invite.ics"}},
        {"ben_ja_internal_minutes_docx_with_hyperlink", {"議事概要案_日韓安保対話.docx"}},
    };
    std::size_t checked = 0;
    for (const auto& lm : set()) {
        SCOPED_TRACE(lm.name);
        auto m = mime::parse_message(lm.raw, Limits{});
        std::vector<std::string> names;
        for (const auto* p : attachments(m)) {
            names.push_back(p->filename);
            EXPECT_FALSE(p->body.empty());
            expect_signature(p->filename, p->body);
        }
        if (auto it = expected.find(lm.name); it != expected.end()) {
            EXPECT_EQ(names, it->second);
            ++checked;
        }
    }
    EXPECT_EQ(checked, expected.size());
}

TEST(EvaluationSet, FeedListsTheIntelCasesValues) {
    std::string feed = test::evaluation_feed();
    EXPECT_EQ(feed.rfind("{", 0), 0u);
    EXPECT_NE(feed.find("\"type\": \"bundle\""), std::string::npos);
    // The hash case: the feed has the SHA-256 of the attachment as the parser decodes it.
    for (const auto& lm : set()) {
        if (lm.name != "mal_ja_attachment_hash_on_feed") continue;
        auto m = mime::parse_message(lm.raw, Limits{});
        auto a = attachments(m);
        ASSERT_EQ(a.size(), 1u);
        EXPECT_NE(feed.find("[file:hashes.'SHA-256' = '" + core::sha256_hex(a[0]->body) + "']"),
                  std::string::npos);
    }
    // The sender case: the From address is on the feed, and so are the links.
    auto raw_of = [&](std::string_view name) {
        for (const auto& lm : set())
            if (lm.name == name) return lm.raw;
        return std::string();
    };
    auto m = mime::parse_message(raw_of("mal_ja_first_contact_sender_on_feed"), Limits{});
    ASSERT_EQ(m.from.size(), 1u);
    EXPECT_NE(feed.find("[email-addr:value = '" + m.from[0].address + "']"), std::string::npos);
    for (const char* name : {"mal_ja_forum_link_on_feed", "mal_en_ipef_review_link_on_feed"}) {
        auto lm = mime::parse_message(raw_of(name), Limits{});
        bool found = false;
        for (const auto& l : lm.links)
            found = found || feed.find("[url:value = '" + l.url + "']") != std::string::npos;
        EXPECT_TRUE(found) << name;
    }
}

// KAGAMI_EVAL_DUMP=DIR writes the set as DIR/NAME.eml (to run the CLI on it, or read it).
TEST(EvaluationSet, DumpsToADirectoryOnRequest) {
    const char* dir = std::getenv("KAGAMI_EVAL_DUMP");
    if (!dir) GTEST_SKIP() << "set KAGAMI_EVAL_DUMP=DIR to write the messages";
    for (const auto& lm : set()) {
        std::ofstream out(std::string(dir) + "/" + lm.name + ".eml", std::ios::binary);
        out << lm.raw;
        EXPECT_TRUE(out.good()) << lm.name;
    }
    std::ofstream feed(std::string(dir) + "/evaluation_feed.json", std::ios::binary);
    feed << test::evaluation_feed();
}

}  // namespace
}  // namespace kagami
