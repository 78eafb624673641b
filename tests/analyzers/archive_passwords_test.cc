// Passwords stated in mail text (find_passwords), as Japanese and English senders
// write them next to an encrypted attachment, and mail that mentions passwords without
// giving one.
#include "analyzers/passwords.h"

#include <gtest/gtest.h>

namespace kagami {
namespace {

using analyzers::find_passwords;
using V = std::vector<std::string>;

V find(std::string_view text) {
    return find_passwords(text, 16);
}

TEST(FindPasswords, ReadsJapaneseColonForms) {
    EXPECT_EQ(find("パスワード：Abc12345"), V{"Abc12345"});
    EXPECT_EQ(find("パスワード: Abc12345"), V{"Abc12345"});
    EXPECT_EQ(find("「パスワード：xK9#2mQp」"), V{"xK9#2mQp"});
    EXPECT_EQ(find("解凍パスワード：2025Kaigi"), V{"2025Kaigi"});
    EXPECT_EQ(find("■解凍パスワード：　Hq7vT2nB"), V{"Hq7vT2nB"});
    EXPECT_EQ(find("暗証番号：482913"), V{"482913"});
    EXPECT_EQ(find("添付ファイルのパスワード：seminar0612"), V{"seminar0612"});
    EXPECT_EQ(find("【パスワード】Mofa#2024"), V{"Mofa#2024"});
    EXPECT_EQ(find("パスワード＝qwerty99"), V{"qwerty99"});
}

TEST(FindPasswords, ReadsJapaneseSentences) {
    EXPECT_EQ(find("パスワードは abc123xyz です。"), V{"abc123xyz"});
    EXPECT_EQ(find("パスワードはabc123xyzです。"), V{"abc123xyz"});
    EXPECT_EQ(find("なお、パスワードは「Tokyo2025」となります。"), V{"Tokyo2025"});
    EXPECT_EQ(find("ファイルのパスワードは『ks-8841』です"), V{"ks-8841"});
    EXPECT_EQ(find("解凍パスワードは、nisshin0401 です。よろしくお願いします。"), V{"nisshin0401"});
}

TEST(FindPasswords, NormalisesFullWidthCharacters) {
    EXPECT_EQ(find("パスワード：ＡＢＣ１２３ｘｙｚ"), V{"ABC123xyz"});
    EXPECT_EQ(find("ＰＷ：Ｋａｇａｍｉ２０２５"), V{"Kagami2025"});
    EXPECT_EQ(find("パスワードは　ｐａｓｓ＃９９　です"), V{"pass#99"});
}

TEST(FindPasswords, ReadsThePasswordOnTheLineAfterItsLabel) {
    EXPECT_EQ(find("お世話になっております。\n\nパスワード：\nZx81Spectrum\n\n以上"),
              V{"Zx81Spectrum"});
    EXPECT_EQ(find("【パスワード】\r\n  Hk2s9wQ\r\n"), V{"Hk2s9wQ"});
    EXPECT_EQ(find("パスワードは以下の通りです。\n\n「m7Pq2Lx」\n"), V{"m7Pq2Lx"});
    EXPECT_EQ(find("Password:\n    Q1w2E3r4\n"), V{"Q1w2E3r4"});
    EXPECT_EQ(find("The password is:\nHarbor-2291\nRegards"), V{"Harbor-2291"});
    EXPECT_EQ(find("ZIP password\n・Kx8822pp\n"), V{"Kx8822pp"});
}

TEST(FindPasswords, ReadsEnglishForms) {
    EXPECT_EQ(find("Password: Spring2025!"), V{"Spring2025!"});
    EXPECT_EQ(find("PW: xK9mQ2"), V{"xK9mQ2"});
    EXPECT_EQ(find("PASS: 77aa88bb"), V{"77aa88bb"});
    EXPECT_EQ(find("pwd=hunter22"), V{"hunter22"});
    EXPECT_EQ(find("The password is invoice4471."), V{"invoice4471"});
    EXPECT_EQ(find("the password for the attachment is 'Qz-5521'"), V{"Qz-5521"});
    EXPECT_EQ(find("The password to open the file is \"Rk#88tt\", thanks."), V{"Rk#88tt"});
    EXPECT_EQ(find("Password for the zip: 9931abc"), V{"9931abc"});
    EXPECT_EQ(find("Zip password: (Mx7741)"), V{"Mx7741"});
    EXPECT_EQ(find("password is: letmein77"), V{"letmein77"});
}

TEST(FindPasswords, KeepsOrderDropsDuplicatesAndStopsAtMax) {
    std::string text =
        "パスワード：first111\nPW: second22\nPassword: first111\n暗証番号：3333\nPW: fifth555";
    EXPECT_EQ(find(text), (V{"first111", "second22", "3333", "fifth555"}));
    EXPECT_EQ(find_passwords(text, 2), (V{"first111", "second22"}));
    EXPECT_TRUE(find_passwords(text, 0).empty());
}

TEST(FindPasswords, FindsNothingInMailThatStatesNoPassword) {
    for (std::string_view text : {
             "Click the password reset link below to choose a new password.",
             "Your password expires in 3 days.",
             "We will never ask for your password by email.",
             "The password is required to open the file.",
             "The password will be sent in a separate email.",
             "Enter your password:\nThanks for your order",
             "Password: see below",
             "Please reset your password: click here",
             "Passwords must be at least 8 characters long.",
             "Did you forget your password? Reset it on the portal.",
             "パスワードは別途お送りします。",
             "パスワード：別メールにてご連絡します",
             "パスワードを忘れた場合は、管理者にご連絡ください。",
             "パスワード付きZIPファイルを送付いたします。",
             "パスワード変更のお願い",
             "パスポートの写しを添付します。",
             "This passage contains the word bypass: nothing here",
             "Please pass: the documents to the team",
         }) {
        EXPECT_TRUE(find(text).empty()) << text << " -> " << ::testing::PrintToString(find(text));
    }
}

TEST(FindPasswords, SurvivesOddInput) {
    EXPECT_TRUE(find("").empty());
    EXPECT_TRUE(find("パスワード").empty());
    EXPECT_TRUE(find("Password:").empty());
    EXPECT_TRUE(find("パスワード：「").empty());
    EXPECT_TRUE(find("Password: \xFF\xFE\x80 broken").empty());
    std::string longline(100000, 'a');
    EXPECT_TRUE(find("Password: " + longline).empty());  // longer than any password
    std::string many;
    for (int i = 0; i < 1000; ++i) many += "PW: p" + std::to_string(10000 + i) + "\n";
    EXPECT_EQ(find(many).size(), 16u);
}

}  // namespace
}  // namespace kagami
