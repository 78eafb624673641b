// SPDX-License-Identifier: Apache-2.0
#include "detect/lure/lexicon.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "core/bundled.h"

namespace kagami::detect::lure {
namespace {

const Lexicon& bundled() {
    auto lexicon = Lexicon::bundled();
    EXPECT_NE(lexicon, nullptr);
    return *lexicon;
}

std::vector<std::string> themes_of(const Lexicon& lexicon, std::string_view text) {
    std::vector<std::string> ids;
    for (const auto& hit : lexicon.match(text)) ids.push_back(hit.theme);
    return ids;
}

std::vector<std::string> themes_of(std::string_view text) {
    return themes_of(bundled(), text);
}

bool has(const std::vector<std::string>& v, std::string_view s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

const ThemeHit* find_hit(const std::vector<ThemeHit>& hits, std::string_view id) {
    for (const auto& h : hits)
        if (h.theme == id) return &h;
    return nullptr;
}

TEST(Lexicon, BundledLexiconParses) {
    std::string error;
    auto lexicon = Lexicon::parse(bundled::file("data/lures.toml"), &error);
    ASSERT_NE(lexicon, nullptr) << error;
    EXPECT_GE(lexicon->theme_count(), 15u);
    EXPECT_EQ(Lexicon::bundled()->theme_count(), lexicon->theme_count());
}

// Each theme with a sentence as a lure would write it, in Japanese and in English.
struct Case {
    const char* theme;
    const char* text;
};

class LexiconThemes : public testing::TestWithParam<Case> {};

TEST_P(LexiconThemes, ThemeHits) {
    auto hits = themes_of(GetParam().text);
    EXPECT_TRUE(has(hits, GetParam().theme)) << GetParam().text;
}

const Case kThemeCases[] = {
    {"us_japan_alliance",
     "先日の勉強会でご説明した日米同盟の今後に関する資料を添付いたします。ご確認ください。"},
    {"us_japan_alliance",
     "Attached is our draft paper on the future of the U.S.-Japan alliance after the election."},
    {"taiwan_strait",
     "台湾海峡の緊張が高まる中、有事の際の邦人退避について意見を伺いたく存じます。"},
    {"taiwan_strait",
     "Please find attached the briefing on rising tensions across the Taiwan Strait."},
    {"russia_ukraine",
     "ロシアによるウクライナ侵略が長期化する中での対露制裁の効果について、寄稿をお願いします。"},
    {"russia_ukraine",
     "Our institute is hosting a roundtable on Russia's war and the reconstruction of Ukraine."},
    {"north_korea", "北朝鮮による弾道ミサイル発射を受けた今後の対応について、資料をお送りします。"},
    {"north_korea",
     "The workshop will cover Pyongyang's recent ballistic missile launches and the abduction "
     "issue."},
    {"economic_security",
     "経済安全保障推進法の施行に伴う半導体の輸出管理の見直しについてご説明いたします。"},
    {"economic_security",
     "Draft comments on the new export controls for advanced semiconductors are attached."},
    {"aerospace", "ＪＡＸＡとの共同研究で開発中の観測衛星の打ち上げ計画を添付します。"},
    {"aerospace",
     "The next H3 rocket will carry a navigation satellite; the schedule is in the file."},
    {"defence", "来年度の防衛予算の概算要求と装備品調達の見通しについて、資料を共有します。"},
    {"defence",
     "Please review the attached memo on defense procurement reform and the budget request."},
    {"elections_lawmakers",
     "議員会館で開催される議員連盟の勉強会の資料をお送りしますので、ご確認ください。"},
    {"elections_lawmakers",
     "A group of lawmakers will meet the delegation before the upper house election."},
    {"indo_pacific", "自由で開かれたインド太平洋の実現に向けた日米豪印の協力について"},
    {"indo_pacific", "Invitation: AUKUS, the Quad and the future of a free and open Indo-Pacific"},
    {"maritime", "尖閣諸島周辺の接続水域における中国海警局の船舶の動向について報告します。"},
    {"maritime", "Chinese coast guard ships again entered the waters around the Senkaku Islands."},
    {"nuclear_energy", "原子力発電所の再稼働とエネルギー安全保障に関する有識者会合のご案内"},
    {"nuclear_energy",
     "The seminar discusses energy security and the future of nuclear power in Asia."},
    {"japan_china", "日中関係の現状と課題について、中国の専門家を交えて議論します。"},
    {"japan_china",
     "Notes from the panel on Japan-China relations and Beijing's regional strategy."},
    {"diplomacy", "外務省総合外交政策局より、会議資料の事前送付についてご連絡いたします。"},
    {"diplomacy", "The embassy will host a reception for the visiting foreign minister."},
    {"summits_conferences", "G7サミットの成果文書に関する分析レポートを送付いたします。"},
    {"summits_conferences",
     "Our analysis of the G20 summit communique is attached for your comments."},
    {"think_tank", "シンクタンクとの学術交流の一環として、客員研究員の受け入れを検討しています。"},
    {"think_tank",
     "As a visiting fellow at a Washington think tank, I would welcome an academic exchange."},
    {"interview_request",
     "新聞社編集部の者です。日本の安全保障政策について取材のお願いでご連絡いたしました。"},
    {"interview_request",
     "I am a journalist and would like to request an interview about regional security."},
    {"survey_request", "研究の一環として、添付のアンケートにご回答いただけますと幸いです。"},
    {"survey_request", "Please fill in the attached questionnaire on policy priorities by Friday."},
    {"personnel_cv", "本年4月1日付の人事異動について、添付のとおりお知らせいたします。"},
    {"personnel_cv", "I am applying for the research position; please find my CV attached."},
};

INSTANTIATE_TEST_SUITE_P(Bundled, LexiconThemes, testing::ValuesIn(kThemeCases),
                         [](const testing::TestParamInfo<Case>& param) {
                             return std::string(param.param.theme) + "_" +
                                    std::to_string(param.index);
                         });

TEST(Lexicon, EveryBundledThemeHasATestSentence) {
    std::vector<std::string> tested;
    for (const auto& c : kThemeCases) tested.emplace_back(c.theme);
    auto lexicon = Lexicon::bundled();
    // Every theme id is hit by some sentence above; ids come from a full-lexicon text.
    std::string all;
    for (const auto& c : kThemeCases) all += std::string(c.text) + "\n";
    auto hits = lexicon->match(all);
    EXPECT_EQ(hits.size(), lexicon->theme_count());
    for (const auto& h : hits) EXPECT_TRUE(has(tested, h.theme)) << h.theme;
}

TEST(Lexicon, FindsTaiwanStraitInFullWidthAndMixedCase) {
    EXPECT_TRUE(has(themes_of("Ｔｈｅ ＴＡＩＷＡＮ ＳＴＲＡＩＴ crisis"), "taiwan_strait"));
    EXPECT_TRUE(has(themes_of("the TaIwAn StRaIt crisis"), "taiwan_strait"));
}

TEST(Lexicon, FindsHalfWidthKatakana) {
    // ｱﾝｹｰﾄ (half-width) folds to アンケート.
    auto hits = bundled().match("ご多忙のところ恐縮ですが、ｱﾝｹｰﾄへのご協力をお願いします。");
    const auto* hit = find_hit(hits, "survey_request");
    ASSERT_NE(hit, nullptr);
    EXPECT_EQ(hit->words.front(), "アンケート");
}

TEST(Lexicon, FindsWordsWrappedAcrossLines) {
    EXPECT_TRUE(has(themes_of("最近の台湾\r\n海峡の情勢について"), "taiwan_strait"));
    EXPECT_TRUE(has(themes_of("tensions in the Taiwan\r\n   Strait are rising"), "taiwan_strait"));
}

TEST(Lexicon, FindsWordsWithUnicodeDashes) {
    // EN DASH and the non-breaking hyphen stand for "-".
    EXPECT_TRUE(has(themes_of("the U.S.\xE2\x80\x93Japan alliance"), "us_japan_alliance"));
    EXPECT_TRUE(has(themes_of("the U.S.\xE2\x80\x91Japan alliance"), "us_japan_alliance"));
}

TEST(Lexicon, FindsWordsSpacedInJapaneseText) {
    auto hits = bundled().match("来月、JAXA の H3 ロケット で打ち上げ予定です。");
    const auto* hit = find_hit(hits, "aerospace");
    ASSERT_NE(hit, nullptr);
    EXPECT_EQ(hit->words, (std::vector<std::string>{"JAXA", "H3ロケット", "打ち上げ"}));
}

TEST(Lexicon, FindsWordsWithCurlyQuotes) {
    // RIGHT SINGLE QUOTATION MARK as the apostrophe.
    EXPECT_TRUE(has(themes_of("notes from the leaders\xE2\x80\x99 summit"), "summits_conferences"));
}

TEST(Lexicon, WordsAreReportedAsWrittenInTheLexicon) {
    auto hits = bundled().match("ＪＡＸＡのH3ﾛｹｯﾄについて");
    const auto* hit = find_hit(hits, "aerospace");
    ASSERT_NE(hit, nullptr);
    EXPECT_EQ(hit->words, (std::vector<std::string>{"JAXA", "H3ロケット"}));
    EXPECT_EQ(hit->strong, 2u);
    EXPECT_EQ(hit->name, "aerospace and space research");
    EXPECT_EQ(hit->name_ja, "航空宇宙・宇宙開発");
}

TEST(Lexicon, PartOfAFoundLongerWordIsNotListed) {
    auto hits = bundled().match("日米同盟の強化について");
    const auto* hit = find_hit(hits, "us_japan_alliance");
    ASSERT_NE(hit, nullptr);
    // Not "日米" and "同盟" as well.
    EXPECT_EQ(hit->words, (std::vector<std::string>{"日米同盟"}));
}

TEST(Lexicon, OpenEndedWordMatchesItsLongerForms) {
    auto hits = bundled().match("New rules for semiconductors and chipmakers.");
    const auto* hit = find_hit(hits, "economic_security");
    ASSERT_NE(hit, nullptr);
    EXPECT_EQ(hit->words, (std::vector<std::string>{"semiconductor", "chipmaker"}));
}

// Near misses: ordinary mail that must stay clean.

TEST(Lexicon, OrdinaryBusinessMailHitsNothing) {
    const char* mails[] = {
        "来週の定例会議の日程について、火曜日の午後二時からでいかがでしょうか。",
        "請求書を添付いたします。お支払い期限は月末となっておりますのでご確認ください。",
        "Hi team, the quarterly planning meeting moves to Thursday at 3pm in room B.",
        "Please find attached invoice #4411 for October. Payment is due within 30 days.",
        "Our newsletter: ten recipes for autumn, a gardening column and the photo contest.",
        "お世話になっております。先日ご依頼いただいた見積書をお送りいたします。",
        "年末年始の休業期間についてお知らせいたします。年明けの全社会議は1月10日14時より本社"
        "大会議室にて開催します。出欠を今週中にご回答ください。",
        "【システムメンテナンスのお知らせ】下記の日程にてサーバーのメンテナンスを実施いたします。"
        "ご理解とご協力のほどよろしくお願いいたします。満足度調査へのご回答をお願いする場合が"
        "ございます。",
        "来週のゼミは修士2年の発表です。学会の論文締切が近づいていますので、共著者の先生方への"
        "確認を早めにお願いします。懇親会は駅前で19時からを予定しています。",
        "今月分の経費精算の締切は25日です。また、4月からの新しい人事評価制度の説明会を開催します。",
    };
    for (const char* m : mails) EXPECT_TRUE(themes_of(m).empty()) << m;
}

TEST(Lexicon, EnglishWordsNeedWordBoundaries) {
    // "quad" in "quadratic", "nato" in "donato", "jaxa" in "ajaxadmin", "dprk" in "dprkx".
    EXPECT_TRUE(themes_of("solve the quadratic equation; ask Donato about ajaxadmin").empty());
    EXPECT_TRUE(themes_of("run process dprkx with the putinfo flag").empty());
    // Next to Japanese or punctuation a word stands alone.
    EXPECT_TRUE(has(themes_of("JAXAの担当者"), "aerospace"));
    EXPECT_TRUE(has(themes_of("see (DPRK), p.3"), "north_korea"));
}

TEST(Lexicon, ShortJapaneseWordsInsideOrdinaryWordsDoNotHit) {
    const char* mails[] = {
        "本日印刷した資料と、本日豪華賞品の当選者を会議連絡用の掲示板に載せました。",
        "下水処理水の水質検査の結果と、竹島様からのご依頼の件をご報告します。",
        "日中は暑くなりますので、プロジェクトの打ち上げは夕方からとします。",
        "人事部より、健康診断の日程のお知らせです。中国地方の支店も対象です。",
    };
    for (const char* m : mails) EXPECT_TRUE(themes_of(m).empty()) << m;
}

TEST(Lexicon, BoundaryMissDoesNotHideALaterMatch) {
    // The first "putin" sits in "computing"-like text; a later standalone one counts.
    EXPECT_TRUE(has(themes_of("inputing data... then Putin spoke"), "russia_ukraine"));
}

TEST(Lexicon, OneWeakWordAloneDoesNotHit) {
    EXPECT_TRUE(themes_of("選挙の投票所はこちらです。").empty());
    EXPECT_TRUE(themes_of("Our security team rotated the keys.").empty());
    EXPECT_TRUE(themes_of("人事部の山田です。").empty());
    EXPECT_TRUE(themes_of("中国地方の支店から連絡がありました。").empty());
}

TEST(Lexicon, EnoughDistinctWeakWordsHit) {
    // Three weak words of the elections theme and no strong one.
    EXPECT_TRUE(has(themes_of("選挙の候補者が政党の公約を発表しました"), "elections_lawmakers"));
    // The same weak word repeated is still one word.
    EXPECT_FALSE(has(themes_of("選挙 選挙 選挙 選挙"), "elections_lawmakers"));
}

TEST(Lexicon, EmptyAndInvalidTextHitsNothing) {
    EXPECT_TRUE(themes_of("").empty());
    EXPECT_TRUE(themes_of(std::string("\xff\xfe\x80 \x00 \xe3\x81", 9)).empty());
}

TEST(Lexicon, ReadsOnlyTheFirstBytesOfAHugeText) {
    std::string text(kMaxScannedBytes, 'a');
    text += " 台湾海峡";
    EXPECT_TRUE(themes_of(text).empty());
    // A multi-byte character straddling the cut is dropped, not split.
    std::string near(kMaxScannedBytes - 13, ' ');
    near += "台湾海峡";  // 12 bytes, then the cut
    EXPECT_TRUE(has(themes_of(near + "xyz"), "taiwan_strait"));
}

TEST(Lexicon, FindingNamesThemeAndWords) {
    auto hits = bundled().match("台湾海峡の情勢と日米同盟の今後");
    auto findings = findings_for(hits, "body/1");
    ASSERT_EQ(findings.size(), 2u);
    for (const auto& f : findings) {
        EXPECT_EQ(f.id, "lure.theme");
        EXPECT_EQ(f.where, "body/1");
        EXPECT_FALSE(f.attack.empty());
        EXPECT_EQ(f.weight, 0);
    }
    EXPECT_EQ(findings[0].title,
              "The message is about the U.S.-Japan alliance, a theme of targeted lures");
    EXPECT_EQ(findings[0].evidence, "日米同盟");
    EXPECT_EQ(findings[1].evidence, "台湾海峡");
    EXPECT_EQ(findings[1].attack, (std::vector<std::string>{"T1566.001", "T1566.002"}));
}

TEST(Lexicon, SurveyFindingIsPhishingForInformation) {
    auto findings = findings_for(bundled().match("アンケートのご協力のお願い"), "body");
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].attack.front(), "T1598");
}

// User lexicons and their errors.

constexpr const char* kSmall = R"(
weak_needed = 2
[[theme]]
id = "harbour"
name = "the harbour"
name_ja = "港"
attack = ["T1566.001"]
strong = ["lighthouse", "灯台"]
weak = ["pier", "ferry", "桟橋"]
)";

TEST(Lexicon, UserLexiconReplacesTheBundledOne) {
    std::string error;
    auto lexicon = Lexicon::parse(kSmall, &error);
    ASSERT_NE(lexicon, nullptr) << error;
    EXPECT_EQ(lexicon->theme_count(), 1u);
    EXPECT_EQ(themes_of(*lexicon, "meet me at the ＬＩＧＨＴＨＯＵＳＥ"),
              (std::vector<std::string>{"harbour"}));
    EXPECT_EQ(themes_of(*lexicon, "the pier and the ferry"), (std::vector<std::string>{"harbour"}));
    EXPECT_TRUE(themes_of(*lexicon, "only the pier").empty());
    EXPECT_TRUE(themes_of(*lexicon, "台湾海峡").empty());
}

std::string parse_error(std::string_view toml) {
    std::string error;
    auto lexicon = Lexicon::parse(toml, &error);
    EXPECT_EQ(lexicon, nullptr) << toml;
    return error;
}

TEST(Lexicon, ReportsMissingId) {
    auto e = parse_error(
        "[[theme]]\nname = \"x\"\nname_ja = \"x\"\nattack = [\"T1566\"]\n"
        "strong = [\"a\"]\n");
    EXPECT_EQ(e, "line 1: theme 1: missing \"id\"");
}

TEST(Lexicon, ReportsEmptyWords) {
    auto e = parse_error(
        "[[theme]]\nid = \"x\"\nname = \"x\"\nname_ja = \"x\"\n"
        "attack = [\"T1566\"]\nstrong = []\nweak = []\n");
    EXPECT_NE(e.find("theme \"x\": no words"), std::string::npos) << e;
    e = parse_error(
        "[[theme]]\nid = \"x\"\nname = \"x\"\nname_ja = \"x\"\n"
        "attack = [\"T1566\"]\nstrong = [\"  \"]\n");
    EXPECT_NE(e.find("is empty"), std::string::npos) << e;
}

TEST(Lexicon, ReportsBadTypes) {
    auto e = parse_error(
        "[[theme]]\nid = \"x\"\nname = \"x\"\nname_ja = \"x\"\n"
        "attack = [\"T1566\"]\nstrong = \"taiwan\"\n");
    EXPECT_EQ(e, "line 6: theme \"x\": \"strong\" must be an array of strings");
    e = parse_error(
        "[[theme]]\nid = \"x\"\nname = \"x\"\nname_ja = \"x\"\n"
        "attack = [\"T1566\"]\nstrong = [\"a\", 3]\n");
    EXPECT_NE(e.find("must hold only strings"), std::string::npos) << e;
    e = parse_error("[[theme]]\nid = 7\n");
    EXPECT_NE(e.find("\"id\" must be a string"), std::string::npos) << e;
    e = parse_error(
        "[[theme]]\nid = \"x\"\nname = \"x\"\nname_ja = \"x\"\n"
        "attack = [\"phishing\"]\nstrong = [\"a\"]\n");
    EXPECT_NE(e.find("not an ATT&CK technique id"), std::string::npos) << e;
    e = parse_error(
        "[[theme]]\nid = \"x\"\nname = \"x\"\nname_ja = \"x\"\n"
        "attack = [\"T1566\"]\nstrong = [\"a\"]\nweak_needed = 0\n");
    EXPECT_NE(e.find("weak_needed"), std::string::npos) << e;
    e = parse_error("theme = 3\n");
    EXPECT_NE(e.find("array of tables"), std::string::npos) << e;
}

TEST(Lexicon, ReportsTypoedKeysAndDuplicates) {
    auto e = parse_error(
        "[[theme]]\nid = \"x\"\nname = \"x\"\nname_ja = \"x\"\n"
        "attack = [\"T1566\"]\nstrnog = [\"a\"]\n");
    EXPECT_NE(e.find("unknown key \"strnog\""), std::string::npos) << e;
    e = parse_error(
        "[[theme]]\nid = \"x\"\nname = \"x\"\nname_ja = \"x\"\n"
        "attack = [\"T1566\"]\nstrong = [\"Taiwan\"]\nweak = [\"ＴＡＩＷＡＮ\"]\n");
    EXPECT_NE(e.find("listed twice"), std::string::npos) << e;
    const char* twice =
        "[[theme]]\nid = \"x\"\nname = \"x\"\nname_ja = \"x\"\nattack = [\"T1566\"]\n"
        "strong = [\"a\"]\n";
    e = parse_error(std::string(twice) + twice);
    EXPECT_NE(e.find("used twice"), std::string::npos) << e;
}

TEST(Lexicon, RefusesTooManyWordsInATheme) {
    std::string words;
    for (int i = 0; i < 1025; ++i) words += "\"w" + std::to_string(i) + "\", ";
    auto e = parse_error(
        "[[theme]]\nid = \"x\"\nname = \"x\"\nname_ja = \"x\"\n"
        "attack = [\"T1566\"]\nstrong = [" +
        words + "]\n");
    EXPECT_NE(e.find("more than 1024 words"), std::string::npos) << e;
}

TEST(Lexicon, ReportsTomlSyntaxErrorsWithTheLine) {
    auto e = parse_error("weak_needed = 2\n[[theme]\nid = \"x\"\n");
    EXPECT_EQ(e.rfind("line 2: ", 0), 0u) << e;
    e = parse_error("");
    EXPECT_EQ(e, "line 1: the lexicon has no [[theme]]");
    EXPECT_EQ(Lexicon::parse("garbage = = =", nullptr), nullptr);
}

TEST(Lexicon, SameWordInTwoThemesCountsForBoth) {
    std::string error;
    auto lexicon = Lexicon::parse(R"(
[[theme]]
id = "a"
name = "a"
name_ja = "a"
attack = "T1566.001, T1566.002"
strong = ["summit"]
[[theme]]
id = "b"
name = "b"
name_ja = "b"
attack = ["T1598"]
strong = ["SUMMIT*"]
)",
                                  &error);
    ASSERT_NE(lexicon, nullptr) << error;
    EXPECT_EQ(themes_of(*lexicon, "the summit"), (std::vector<std::string>{"a", "b"}));
    auto hits = lexicon->match("the summit");
    EXPECT_EQ(hits[0].attack, (std::vector<std::string>{"T1566.001", "T1566.002"}));
}

TEST(Lexicon, MatchesFromSeveralThreads) {
    auto lexicon = Lexicon::bundled();
    const std::string ja = "台湾海峡の情勢と日米同盟、半導体の輸出管理について";
    const std::string en = "The Taiwan Strait, the U.S.-Japan alliance and export controls";
    std::vector<std::size_t> counts(4, 0);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < counts.size(); ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 200; ++i)
                counts[t] += lexicon->match(t % 2 ? ja : en).size() == 3 ? 1 : 0;
        });
    }
    for (auto& th : threads) th.join();
    for (auto c : counts) EXPECT_EQ(c, 200u);
}

}  // namespace
}  // namespace kagami::detect::lure
