#include "mime/html.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "core/text.h"
#include "support/test_support.h"

namespace kagami::mime {
namespace {

constexpr std::size_t kText = 1 << 20;
constexpr std::size_t kLinks = 1000;

HtmlView view(std::string_view html) {
    return html_view(html, kText, kLinks);
}
std::string text(std::string_view html) {
    return view(html).text;
}

// --- visible text --------------------------------------------------------------------

TEST(HtmlView, PlainTextCollapsesWhitespaceAndBreaksBlocks) {
    EXPECT_EQ(text("<html><body><p>Hello   \n  world</p><p>Second</p>"
                   "<div>a<br>b</div><ul><li>one<li>two</ul></body></html>"),
              "Hello world\nSecond\na\nb\none\ntwo");
}

TEST(HtmlView, InlineElementsDoNotBreakLines) {
    EXPECT_EQ(text("<b>bold</b> and <i>it</i><span>alic</span>"), "bold and italic");
}

TEST(HtmlView, TableCellsAreSeparatedAndRowsBreak) {
    EXPECT_EQ(text("<table><tr><td>Name</td><td>Value</td></tr><tr><td>x</td><td>y</td></tr>"
                   "</table>"),
              "Name Value\nx y");
}

TEST(HtmlView, DropsScriptStyleHeadTitleTemplateCommentsAndDoctype) {
    HtmlView v = view(
        "<!DOCTYPE html><?xml version=\"1.0\"?><html><head><title>Title</title>"
        "<style>p { color: red }</style><script>var a = '<p>x</p>';</script></head>"
        "<body><!-- hidden comment -->Body<![CDATA[ cdata ]]> text"
        "<template><p>inert</p></template> <noscript>no script</noscript></body></html>");
    EXPECT_EQ(v.text, "Body text no script");
}

TEST(HtmlView, ScriptEndTagIsCaseInsensitiveAndNeedsADelimiter) {
    EXPECT_EQ(text("<script>a</scriptx>b</SCRIPT >after"), "after");
}

TEST(HtmlView, EmptyCommentsCloseImmediately) {
    EXPECT_EQ(text("a<!-->b<!--->c<!-- x --!>d"), "abcd");
}

TEST(HtmlView, UnterminatedCommentRunsToEnd) {
    EXPECT_EQ(text("visible<!-- never closed <p>secret</p>"), "visible");
}

TEST(HtmlView, UnterminatedScriptRunsToEnd) {
    EXPECT_EQ(text("visible<script>document.write('<p>x')"), "visible");
}

TEST(HtmlView, TextInHeadEndsTheHead) {
    // With no <body> tag, a browser starts the body at the first content.
    EXPECT_EQ(text("<head><title>t</title></head>shown"), "shown");
    EXPECT_EQ(text("<html><head><meta charset=utf-8><p>para"), "para");
    EXPECT_EQ(text("<head><title>t</title>stray text"), "stray text");
}

TEST(HtmlView, TextareaAndXmpAreShownAsText) {
    EXPECT_EQ(text("<textarea>a &lt;b&gt; <i>c</i></textarea>"), "a <b> <i>c</i>");
    EXPECT_EQ(text("<xmp><b>&amp;</b></xmp>"), "<b>&amp;</b>");
}

// --- hidden styles -------------------------------------------------------------------

struct HiddenCase {
    const char* style;
};

class HiddenStyle : public ::testing::TestWithParam<HiddenCase> {};

TEST_P(HiddenStyle, HidesTextButKeepsLinks) {
    std::string html = std::string("<p>before</p><div style=\"") + GetParam().style +
                       "\">secret <a href=\"https://evil.example/x\">click</a></div><p>after</p>";
    HtmlView v = view(html);
    EXPECT_EQ(v.text, "before\nafter") << GetParam().style;
    ASSERT_EQ(v.links.size(), 1u) << GetParam().style;
    EXPECT_EQ(v.links[0].href, "https://evil.example/x");
    EXPECT_TRUE(v.links[0].hidden);
    EXPECT_EQ(v.links[0].text, "click");  // a hidden link still says what it says
}

INSTANTIATE_TEST_SUITE_P(
    Variants, HiddenStyle,
    ::testing::Values(HiddenCase{"display:none"}, HiddenCase{"DISPLAY : NONE !important"},
                      HiddenCase{"color:red;display: none;"}, HiddenCase{"visibility:hidden"},
                      HiddenCase{"visibility: collapse"}, HiddenCase{"font-size:0"},
                      HiddenCase{"font-size: 0px"}, HiddenCase{"font-size:0.0em"},
                      HiddenCase{"font-size:1px"}, HiddenCase{"font: 0/0 a"},
                      HiddenCase{"opacity:0"}, HiddenCase{"opacity: 0.0"},
                      HiddenCase{"max-height:0; overflow:hidden"},
                      HiddenCase{"height:0px;overflow:hidden"},
                      HiddenCase{"width:0;overflow:hidden"}, HiddenCase{"color:#ffffff"},
                      HiddenCase{"color:#FFF"}, HiddenCase{"color:white;background-color:white"},
                      HiddenCase{"color:#123456;background:#123456 url(x.png)"},
                      HiddenCase{"color:transparent"}, HiddenCase{"color:rgba(0,0,0,0)"},
                      HiddenCase{"/* x */display/* y */:none"}, HiddenCase{"display&#58;none"}));

TEST(HtmlView, HiddenAttributeHides) {
    // A box that is not rendered does not break the line either: the reader sees "PayPal".
    EXPECT_EQ(text("Pay<div hidden>b</div>Pal"), "PayPal");
}

TEST(HtmlView, FontColorAttributeMatchingBackgroundHides) {
    EXPECT_EQ(text("<table bgcolor=\"#000000\"><tr><td>x<font color=black>hidden</font>y"), "xy");
}

TEST(HtmlView, VisibleStylesStayVisible) {
    EXPECT_EQ(text("<div style=\"display:block;font-size:14px;opacity:1;color:#333;"
                   "height:0\">shown</div>"),
              "shown");
    EXPECT_EQ(text("<div style=\"background:#000\">dark box, ink unknown</div>"),
              "dark box, ink unknown");
}

TEST(HtmlView, ChildCanUndoInheritableHiding) {
    EXPECT_EQ(text("<div style=\"font-size:0\">x<span style=\"font-size:14px\">big</span></div>"),
              "big");
    EXPECT_EQ(text("<div style=\"visibility:hidden\">x<b style=\"visibility:visible\">v</b></div>"),
              "v");
    EXPECT_EQ(text("<div style=\"color:#fff\">w<span style=\"color:#000\">b</span></div>"), "b");
}

TEST(HtmlView, ChildCannotUndoDisplayNone) {
    EXPECT_EQ(text("<div style=\"display:none\"><span style=\"display:inline\">x</span></div>y"),
              "y");
}

TEST(HtmlView, HiddenParagraphEndsAtNextBlock) {
    EXPECT_EQ(text("<p style=\"display:none\">hidden<p>visible"), "visible");
    EXPECT_EQ(text("<p style=\"display:none\">hidden<div>visible</div>"), "visible");
}

TEST(HtmlView, HiddenOuterCellStaysHiddenAcrossNestedTable) {
    // The inner <tr>/<td> must not close the outer, hidden <td>.
    EXPECT_EQ(text("<table><tr><td style=\"display:none\"><table><tr><td>a</td></tr>"
                   "<tr><td>b</td></tr></table>c</td><td>shown</td></tr></table>"),
              "shown");
}

TEST(HtmlView, NestedListKeepsOuterItemOpen) {
    EXPECT_EQ(text("<ul><li style=\"display:none\">x<ul><li>y<li>z</ul>w</li><li>v</ul>"), "v");
}

TEST(HtmlView, EndTagOfUnopenedElementIsIgnored) {
    EXPECT_EQ(text("<div style=\"display:none\">a</span></p>b</div>c"), "c");
}

TEST(HtmlView, BodyEndTagDoesNotEndHiddenBody) {
    EXPECT_EQ(text("<body><div style=\"display:none\">a</body>b"), "");
}

// --- character references ------------------------------------------------------------

TEST(HtmlView, DecodesNamedReferences) {
    EXPECT_EQ(text("&lt;&gt;&amp;&quot;&apos;&copy;&reg;&yen;&hellip;&mdash;&ndash;"
                   "&laquo;&raquo;&rsquo;&ldquo;&rdquo;&euro;&trade;"),
              "<>&\"'©®¥…—–«»’“”€™");
}

TEST(HtmlView, NbspIsASpaceAndZeroWidthCharactersVanish) {
    EXPECT_EQ(text("a&nbsp;&nbsp;b Pay&#8203;Pal Ama&zwj;zon \xE2\x80\x8Bx&shy;y"),
              "a b PayPal Amazon xy");
}

TEST(HtmlView, DecodesNumericReferences) {
    EXPECT_EQ(text("&#12354;&#x3042;&#X3042;&#65"), "あああA");
}

TEST(HtmlView, InvalidNumericReferencesBecomeReplacementCharacter) {
    EXPECT_EQ(text("[&#0;][&#xD800;][&#x110000;][&#99999999999999999999;]"),
              "[\xEF\xBF\xBD][\xEF\xBF\xBD][\xEF\xBF\xBD][\xEF\xBF\xBD]");
}

TEST(HtmlView, C1ReferencesMapToWindows1252) {
    EXPECT_EQ(text("&#150;&#128;&#153;"), "–€™");
}

TEST(HtmlView, MissingSemicolonToleratedForLegacyNames) {
    EXPECT_EQ(text("&copy 2024 &amp &ltb&gt x&nbspy"), "© 2024 & <b> x y");
}

TEST(HtmlView, UnknownOrBareAmpersandsStayLiteral) {
    EXPECT_EQ(text("AT&T &bogus; & &#; &#x;"), "AT&T &bogus; & &#; &#x;");
}

// --- links ---------------------------------------------------------------------------

TEST(HtmlView, MismatchedAnchorTextAndHref) {
    HtmlView v = view(
        "<p>Log in at <a href=\"https://evil.example/login\">"
        "https://bank.co.jp</a> now.</p>");
    EXPECT_EQ(v.text, "Log in at https://bank.co.jp now.");
    ASSERT_EQ(v.links.size(), 1u);
    EXPECT_EQ(v.links[0].tag, "a");
    EXPECT_EQ(v.links[0].href, "https://evil.example/login");
    EXPECT_EQ(v.links[0].text, "https://bank.co.jp");
    EXPECT_FALSE(v.links[0].hidden);
}

TEST(HtmlView, AnchorTextIncludesNestedTagsAndIsCollapsed) {
    HtmlView v = view("<a href=x>  <b>Sign</b>\n <i>in</i><br>here </a>");
    ASSERT_EQ(v.links.size(), 1u);
    EXPECT_EQ(v.links[0].text, "Sign in here");
}

TEST(HtmlView, AnchorTextExcludesHiddenChildren) {
    HtmlView v = view("<a href=x>Amazon<span style=\"display:none\">-not</span> Support</a>");
    ASSERT_EQ(v.links.size(), 1u);
    EXPECT_EQ(v.links[0].text, "Amazon Support");
}

TEST(HtmlView, AnchorWithOnlyAnImageUsesAltText) {
    HtmlView v =
        view("<a href=\"https://x.example/\"><img src=\"cid:logo\" alt=\" Pay  Now \"></a>");
    ASSERT_EQ(v.links.size(), 1u);
    EXPECT_EQ(v.links[0].text, "Pay Now");
}

TEST(HtmlView, AnchorTextIsCapped) {
    std::string html = "<a href=x>" + std::string(5000, 'A') + "</a>";
    HtmlView v = view(html);
    ASSERT_EQ(v.links.size(), 1u);
    EXPECT_LE(v.links[0].text.size(), 1024u);
    EXPECT_GE(v.links[0].text.size(), 1000u);
    EXPECT_EQ(v.text.size(), 5000u);
}

TEST(HtmlView, UnclosedAnchorEndsAtNextAnchorOrEnd) {
    HtmlView v = view("<a href=one>first <a href=two>second");
    ASSERT_EQ(v.links.size(), 2u);
    EXPECT_EQ(v.links[0].href, "one");
    EXPECT_EQ(v.links[0].text, "first");
    EXPECT_EQ(v.links[1].href, "two");
    EXPECT_EQ(v.links[1].text, "second");
}

TEST(HtmlView, AnchorEndsWhenItsParentCloses) {
    HtmlView v = view("<div><a href=one>in</div>out");
    ASSERT_EQ(v.links.size(), 1u);
    EXPECT_EQ(v.links[0].text, "in");
}

TEST(HtmlView, AttributeQuotingCaseAndEntities) {
    HtmlView v = view(
        "<A HREF='https://a.example/?x=1&amp;y=2'>a</A>"
        "<a href=https://b.example/p?q=1&copy=2>b</a>"
        "<a\nhref\n=\n\"https://c.example/&#x3F;z\" >c</a>"
        "<a title=\"x>y\" href=\"https://d.example/\">d</a>");
    ASSERT_EQ(v.links.size(), 4u);
    EXPECT_EQ(v.links[0].href, "https://a.example/?x=1&y=2");
    EXPECT_EQ(v.links[1].href, "https://b.example/p?q=1&copy=2");  // not "©=2"
    EXPECT_EQ(v.links[2].href, "https://c.example/?z");
    EXPECT_EQ(v.links[3].href, "https://d.example/");
    EXPECT_EQ(v.text, "abcd");
}

TEST(HtmlView, DuplicateAttributeFirstWins) {
    HtmlView v = view("<a href=\"https://first.example/\" HREF=\"https://second.example/\">x</a>");
    ASSERT_EQ(v.links.size(), 1u);
    EXPECT_EQ(v.links[0].href, "https://first.example/");
}

TEST(HtmlView, WhitespaceInsideHrefRemovedLikeABrowser) {
    HtmlView v = view("<a href=\"  \n ht\ttp\r\ns://ev\nil.example/lo&#10;gin&NewLine;  \">x</a>");
    ASSERT_EQ(v.links.size(), 1u);
    EXPECT_EQ(v.links[0].href, "https://evil.example/login");
}

TEST(HtmlView, AnchorWithoutHrefOrEmptyHrefIsNotALink) {
    HtmlView v = view("<a name=top>top</a><a href=\"  \">empty</a>");
    EXPECT_TRUE(v.links.empty());
    EXPECT_EQ(v.text, "topempty");
}

TEST(HtmlView, FormIframeFrameAreaAndImageLinks) {
    HtmlView v = view(
        "<form action=\"https://collect.example/post\" method=post><input name=pw></form>"
        "<iframe src=\"https://frame.example/\">fallback</iframe><frame src=f.html>"
        "<map><area href=\"https://area.example/\" alt=\"Area\"></map>"
        "<img src=\"https://track.example/p.gif\" alt=\"pixel\"><img "
        "src=\"data:image/png;base64,AA\">"
        "<img src=\"cid:part1\">");
    ASSERT_EQ(v.links.size(), 5u);
    EXPECT_EQ(v.links[0].tag, "form");
    EXPECT_EQ(v.links[0].href, "https://collect.example/post");
    EXPECT_EQ(v.links[1].tag, "iframe");
    EXPECT_EQ(v.links[1].href, "https://frame.example/");
    EXPECT_EQ(v.links[2].tag, "frame");
    EXPECT_EQ(v.links[3].tag, "area");
    EXPECT_EQ(v.links[3].text, "Area");
    EXPECT_EQ(v.links[4].tag, "img");
    EXPECT_EQ(v.links[4].text, "pixel");
    EXPECT_EQ(v.text, "");  // iframe fallback content is not shown
}

TEST(HtmlView, MetaRefreshAndBase) {
    HtmlView v = view(
        "<head><base href=\"https://base.example/dir/\">"
        "<meta http-equiv=\"Refresh\" content=\"0; URL='https://redirect.example/x'\">"
        "<meta http-equiv=refresh content=\"5;url=https://second.example/\">"
        "<meta http-equiv=refresh content=\"10\">"
        "<meta name=description content=\"https://not.example/\"></head><body>hi");
    ASSERT_EQ(v.links.size(), 3u);
    EXPECT_EQ(v.links[0].tag, "base");
    EXPECT_EQ(v.links[0].href, "https://base.example/dir/");
    EXPECT_EQ(v.links[1].tag, "meta-refresh");
    EXPECT_EQ(v.links[1].href, "https://redirect.example/x");
    EXPECT_FALSE(v.links[1].hidden);
    EXPECT_EQ(v.links[2].href, "https://second.example/");
    EXPECT_EQ(v.text, "hi");
}

TEST(HtmlView, OutlookVmlButtonHrefIsALink) {
    HtmlView v = view(
        "<v:roundrect href=\"https://vml.example/\"><center>Open</center>"
        "</v:roundrect><link rel=stylesheet href=s.css>");
    ASSERT_EQ(v.links.size(), 1u);
    EXPECT_EQ(v.links[0].tag, "v:roundrect");
    EXPECT_EQ(v.links[0].href, "https://vml.example/");
}

TEST(HtmlView, LinkInsideAHiddenPreheaderIsMarkedHidden) {
    HtmlView v = view(
        "<div style=\"display:none;max-height:0;overflow:hidden;mso-hide:all\">"
        "Your account <a href=\"https://hidden.example/\">x</a></div>"
        "<a href=\"https://shown.example/\">Shown</a>");
    ASSERT_EQ(v.links.size(), 2u);
    EXPECT_TRUE(v.links[0].hidden);
    EXPECT_FALSE(v.links[1].hidden);
    EXPECT_EQ(v.text, "Shown");
}

TEST(HtmlView, LinkWithHiddenInkButVisibleContentIsNotHidden) {
    // Common email markup: font-size:0 on the cell, the real size on the content.
    HtmlView v = view(
        "<td style=\"font-size:0px\"><a href=\"https://a.example/\">"
        "<p style=\"font-size:18px;color:#FFF;background:#F0412A\">Claim</p></a></td>"
        "<a href=\"https://b.example/\" style=\"color:#fff\"><img src=\"cid:x\"></a>"
        "<a href=\"https://c.example/\" style=\"color:#fff\">white</a>");
    ASSERT_EQ(v.links.size(), 3u);
    EXPECT_FALSE(v.links[0].hidden);
    EXPECT_EQ(v.links[0].text, "Claim");
    EXPECT_FALSE(v.links[1].hidden);  // the picture is seen whatever the ink
    EXPECT_TRUE(v.links[2].hidden);
    EXPECT_EQ(v.links[2].text, "white");
    EXPECT_EQ(v.text, "Claim");
}

TEST(HtmlView, HrefOnOrdinaryElementsIsIgnored) {
    EXPECT_TRUE(view("<p href=\"https://x.example/\">p</p><link href=s.css>").links.empty());
}

TEST(HtmlView, LinksInsideCommentsAreNotLinks) {
    HtmlView v = view("<!--[if mso]><a href=\"https://mso.example/\">x</a><![endif]-->y");
    EXPECT_TRUE(v.links.empty());
    EXPECT_EQ(v.text, "y");
}

// --- broken HTML ---------------------------------------------------------------------

TEST(HtmlView, LessThanInTextIsText) {
    EXPECT_EQ(text("1 < 2 and 3 <4 and a <= b <"), "1 < 2 and 3 <4 and a <= b <");
    EXPECT_EQ(text("x </ y> z"), "x z");  // "</ " starts a bogus comment, as in browsers
    EXPECT_EQ(text("a</>b"), "ab");
}

TEST(HtmlView, AttributesWithoutValuesAndUnclosedTags) {
    HtmlView v = view("<div nowrap hidden=>x</div><input disabled><p class=a id>para<b>bold");
    EXPECT_EQ(v.text, "parabold");
}

TEST(HtmlView, UnterminatedQuotedAttributeSwallowsTheRest) {
    HtmlView v = view("before<a href=\"https://x.example/>after</a> more");
    EXPECT_EQ(v.text, "before");
    ASSERT_EQ(v.links.size(), 1u);
    EXPECT_EQ(v.links[0].href, "https://x.example/>after</a> more");
}

TEST(HtmlView, UnterminatedTagAtEnd) {
    HtmlView v = view("text<a href=\"https://x.example/\"");
    EXPECT_EQ(v.text, "text");
    EXPECT_EQ(v.links.size(), 1u);
}

TEST(HtmlView, InvalidUtf8IsRepairedInTextAndLinks) {
    HtmlView v = view("a\xFF\xC3(b<a href=\"x\xFEy\">\xE3\x81</a>");
    EXPECT_TRUE(core::is_valid_utf8(v.text));
    ASSERT_EQ(v.links.size(), 1u);
    EXPECT_TRUE(core::is_valid_utf8(v.links[0].href));
    EXPECT_TRUE(core::is_valid_utf8(v.links[0].text));
}

TEST(HtmlView, JapaneseText) {
    HtmlView v = view(
        "<p>お客様の<b>アカウント</b>が一時停止されました。</p>"
        "<p><a href=\"https://evil.example/jp\">こちら</a>から確認してください&#12290;</p>");
    EXPECT_EQ(v.text, "お客様のアカウントが一時停止されました。\nこちらから確認してください。");
    ASSERT_EQ(v.links.size(), 1u);
    EXPECT_EQ(v.links[0].text, "こちら");
}

TEST(HtmlView, EmptyInput) {
    HtmlView v = view("");
    EXPECT_EQ(v.text, "");
    EXPECT_TRUE(v.links.empty());
    EXPECT_FALSE(v.truncated);
}

// --- limits --------------------------------------------------------------------------

TEST(HtmlView, TextLimitTruncatesOnACharacterBoundary) {
    std::string html;
    for (int i = 0; i < 1000; ++i) html += "<p>あいうえお</p>";
    HtmlView v = html_view(html, 100, 10);
    EXPECT_TRUE(v.truncated);
    EXPECT_LE(v.text.size(), 100u);
    EXPECT_GT(v.text.size(), 80u);
    EXPECT_TRUE(core::is_valid_utf8(v.text));
    EXPECT_EQ(v.text.find("\xEF\xBF\xBD"), std::string::npos);
}

TEST(HtmlView, LinkLimitTruncates) {
    std::string html;
    for (int i = 0; i < 100; ++i)
        html += "<a href=\"https://x.example/" + std::to_string(i) + "\">x</a>";
    HtmlView v = html_view(html, kText, 10);
    EXPECT_TRUE(v.truncated);
    ASSERT_EQ(v.links.size(), 10u);
    EXPECT_EQ(v.links[9].href, "https://x.example/9");
}

TEST(HtmlView, ZeroLimits) {
    HtmlView v = html_view("<a href=x>text</a>", 0, 0);
    EXPECT_TRUE(v.truncated);
    EXPECT_TRUE(v.text.empty());
    EXPECT_TRUE(v.links.empty());
}

TEST(HtmlView, NoLimitHitIsNotTruncated) {
    EXPECT_FALSE(view("<a href=x>text</a>").truncated);
}

TEST(HtmlView, DeepNestingDoesNotRecurseOrBlowUp) {
    std::string html;
    for (int i = 0; i < 100000; ++i) html += "<div>";
    html += "deep<a href=\"https://deep.example/\">link</a>";
    for (int i = 0; i < 100000; ++i) html += "</div>";
    html += "after";
    HtmlView v = view(html);
    EXPECT_EQ(v.text, "deeplink\nafter");
    ASSERT_EQ(v.links.size(), 1u);
    EXPECT_EQ(v.links[0].text, "link");
}

TEST(HtmlView, DeepNestingUnderAHiddenElementStaysHidden) {
    std::string html = "<div style=\"display:none\">";
    for (int i = 0; i < 5000; ++i) html += "<span>";
    html += "secret";
    HtmlView v = view(html);
    EXPECT_EQ(v.text, "");
}

TEST(HtmlView, TenMegabytesOfLessThan) {
    std::string html(10 << 20, '<');
    HtmlView v = html_view(html, 1 << 16, 100);
    EXPECT_TRUE(v.truncated);
    EXPECT_EQ(v.text.size(), std::size_t(1 << 16));
}

TEST(HtmlView, HostileRepetitionsStayBounded) {
    // Each of these would be quadratic with naive re-searching or a linear stack walk.
    for (std::string unit : {"<!--", "<![CDATA[", "<a href=x>", "<p><table>", "<td>", "</div>",
                             "<script>", "&#x", "&am", "<a b='", "<div style=\"display:none\">"}) {
        std::string html;
        while (html.size() < (1u << 20)) html += unit;
        HtmlView v = html_view(html, 4096, 64);
        EXPECT_LE(v.text.size(), 4096u) << unit;
        EXPECT_LE(v.links.size(), 64u) << unit;
        EXPECT_TRUE(core::is_valid_utf8(v.text)) << unit;
    }
}

TEST(HtmlView, CorpusRawMessagesAreHandled) {
    auto dir = test::corpora_dir() / "phishing_pot" / "email";
    if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "no corpus at " << dir;
    std::size_t files = 0, with_links = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() != ".eml") continue;
        std::string raw = test::read_file(entry.path());
        HtmlView v = html_view(raw, 1 << 20, 2000);
        ++files;
        ASSERT_TRUE(core::is_valid_utf8(v.text)) << entry.path();
        ASSERT_LE(v.text.size(), std::size_t(1 << 20));
        ASSERT_LE(v.links.size(), 2000u);
        for (const auto& link : v.links) {
            ASSERT_TRUE(core::is_valid_utf8(link.href)) << entry.path();
            ASSERT_TRUE(core::is_valid_utf8(link.text)) << entry.path();
            ASSERT_FALSE(link.href.empty());
        }
        if (!v.links.empty()) ++with_links;
    }
    EXPECT_GT(files, 0u);
    EXPECT_GT(with_links, files / 4);  // most phishing mail carries a link in its HTML
}

// --- URLs in text --------------------------------------------------------------------

// --- cases the fast paths must treat exactly like the slow ones -----------------------

TEST(HtmlView, TextLimitCutsInsideARunOfWords) {
    HtmlView v = html_view("<p>Hello world again</p>", 8, kLinks);
    EXPECT_EQ(v.text, "Hello wo");
    EXPECT_TRUE(v.truncated);
    // Doubled whitespace collapses before the limit is counted.
    v = html_view("<p>Hello  world again</p>", 12, kLinks);
    EXPECT_EQ(v.text, "Hello world");
    EXPECT_TRUE(v.truncated);
}

TEST(HtmlView, InvisibleAndNoBreakCharactersInsideWords) {
    EXPECT_EQ(text("Pay\xE2\x80\x8BPal\xC2\xA0Login and\xC2\xADwords"), "PayPal Login andwords");
}

TEST(HtmlView, UnknownElementsOpenAndCloseByName) {
    EXPECT_EQ(text("<x-box style=\"display:none\"><p>secret</x-box>shown"), "shown");
    // An end tag for an element never opened closes nothing.
    EXPECT_EQ(text("<div style=\"display:none\">a</x-y>b</div>c"), "c");
}

TEST(HtmlView, TagAndAttributeNamesAreCaseInsensitive) {
    HtmlView v = view("<V:RoundRect HREF=\"https://x.example/\">Click</V:RoundRect>after");
    EXPECT_EQ(v.text, "Clickafter");
    ASSERT_EQ(v.links.size(), 1u);
    EXPECT_EQ(v.links[0].tag, "v:roundrect");
    EXPECT_EQ(v.links[0].href, "https://x.example/");
    EXPECT_EQ(text("<TABLE><TR><TD>a<TD>b<TR><TD>c</TABLE>"), "a b\nc");
}

TEST(HtmlView, StyleIsCaseInsensitiveAndIgnoresComments) {
    EXPECT_EQ(text("<p style=\"COLOR:/*x*/#FFF\">white</p><p style=\"Display : NONE\">gone</p>"
                   "shown"),
              "shown");
}

TEST(HtmlView, NamedReferencesWithAndWithoutSemicolon) {
    HtmlView v = view(
        "&amp;&lt;&gt &copy2024 &NonBreakingSpace;x &hellip; &bogus; &ampx "
        "<a href=\"?a=1&copy=2&amp;b&lt\">t</a>");
    EXPECT_EQ(v.text,
              "&<> \xC2\xA9"
              "2024 x \xE2\x80\xA6 &bogus; &x t");
    ASSERT_EQ(v.links.size(), 1u);
    EXPECT_EQ(v.links[0].href, "?a=1&copy=2&b<");
}

TEST(TextUrls, SchemesAreCaseInsensitiveButMustStartAWord) {
    auto urls = text_urls("HTTPS://A.EXAMPLE/ xhttp://no.example Www.Example.com", 10);
    ASSERT_EQ(urls.size(), 2u);
    EXPECT_EQ(urls[0], "https://A.EXAMPLE/");
    EXPECT_EQ(urls[1], "Www.Example.com");
}

TEST(TextUrls, FindsSchemesAndWww) {
    auto urls = text_urls(
        "Visit https://example.com/a?b=c#d or http://x.example, ftp://files.example/f "
        "and www.example.co.jp/path today.",
        10);
    ASSERT_EQ(urls.size(), 4u);
    EXPECT_EQ(urls[0], "https://example.com/a?b=c#d");
    EXPECT_EQ(urls[1], "http://x.example");
    EXPECT_EQ(urls[2], "ftp://files.example/f");
    EXPECT_EQ(urls[3], "www.example.co.jp/path");
}

TEST(TextUrls, NormalisesDefangedForms) {
    auto urls = text_urls(
        "hxxp://evil[.]example/x hXXps://bad(.)example h**p://a[.]b[.]c/ "
        "hxxps[:]//d[dot]example/p fxp://f.example/ www[.]w[.]example",
        10);
    ASSERT_EQ(urls.size(), 6u);
    EXPECT_EQ(urls[0], "http://evil.example/x");
    EXPECT_EQ(urls[1], "https://bad.example");
    EXPECT_EQ(urls[2], "http://a.b.c/");
    EXPECT_EQ(urls[3], "https://d.example/p");
    EXPECT_EQ(urls[4], "ftp://f.example/");
    EXPECT_EQ(urls[5], "www.w.example");
}

TEST(TextUrls, TrimsTrailingPunctuationButKeepsBalancedParentheses) {
    auto urls = text_urls(
        "(see https://a.example/x). https://en.wikipedia.org/wiki/Foo_(bar)! "
        "\"https://q.example/\" <https://b.example/y>; https://c.example/?q=1:",
        10);
    ASSERT_EQ(urls.size(), 5u);
    EXPECT_EQ(urls[0], "https://a.example/x");
    EXPECT_EQ(urls[1], "https://en.wikipedia.org/wiki/Foo_(bar)");
    EXPECT_EQ(urls[2], "https://q.example/");
    EXPECT_EQ(urls[3], "https://b.example/y");
    EXPECT_EQ(urls[4], "https://c.example/?q=1");
}

TEST(TextUrls, JapaneseCharactersEndAUrl) {
    auto urls = text_urls(
        "詳細は「https://example.jp/login」をご覧ください。"
        "こちらhttps://example.jp/ですwww.example.jp。",
        10);
    ASSERT_EQ(urls.size(), 3u);
    EXPECT_EQ(urls[0], "https://example.jp/login");
    EXPECT_EQ(urls[1], "https://example.jp/");
    EXPECT_EQ(urls[2], "www.example.jp");
}

TEST(TextUrls, RejectsLookalikesWithoutAHost) {
    auto urls = text_urls(
        "http:// nothing, https://., www.example, awww.example.com, "
        "user@www.example.com, xhttp://a.example, the http protocol",
        10);
    EXPECT_TRUE(urls.empty()) << urls.size() << " " << (urls.empty() ? "" : urls[0]);
}

TEST(TextUrls, RespectsTheLimitAndLongUrls) {
    std::string t;
    for (int i = 0; i < 50; ++i) t += "https://h" + std::to_string(i) + ".example/ ";
    EXPECT_EQ(text_urls(t, 7).size(), 7u);
    EXPECT_TRUE(text_urls(t, 0).empty());
    auto urls = text_urls("https://a.example/" + std::string(1 << 20, 'x'), 10);
    ASSERT_EQ(urls.size(), 1u);
    EXPECT_LE(urls[0].size(), 16u * 1024);
}

TEST(TextUrls, HostileInputIsLinear) {
    std::string t;
    while (t.size() < (4u << 20)) t += "www.hxxp[.]h**p:/(";
    auto urls = text_urls(t, 100);
    EXPECT_LE(urls.size(), 100u);
}

}  // namespace
}  // namespace kagami::mime
