#include "support/pdf_builder.h"

#include <zlib.h>

#include <cstdio>

namespace kagami::test {

PdfBuilder::PdfBuilder(std::string_view version, std::string_view prefix) {
    out_ = std::string(prefix) + "%PDF-" + std::string(version) + "\n%\xE2\xE3\xCF\xD3\n";
}

PdfBuilder& PdfBuilder::object(unsigned num, std::string_view body) {
    offsets_.emplace_back(num, out_.size());
    out_ += std::to_string(num) + " 0 obj\n" + std::string(body) + "\nendobj\n";
    return *this;
}

PdfBuilder& PdfBuilder::stream(unsigned num, std::string_view entries, std::string_view data) {
    return stream_with_length(num, entries, data, std::to_string(data.size()));
}

PdfBuilder& PdfBuilder::stream_with_length(unsigned num, std::string_view entries,
                                           std::string_view data, std::string_view length) {
    offsets_.emplace_back(num, out_.size());
    out_ += std::to_string(num) + " 0 obj\n<< " + std::string(entries) + " /Length " +
            std::string(length) + " >>\nstream\n" + std::string(data) + "\nendstream\nendobj\n";
    return *this;
}

PdfBuilder& PdfBuilder::raw(std::string_view bytes) {
    out_ += bytes;
    return *this;
}

PdfBuilder& PdfBuilder::trailer(std::string_view entries) {
    std::size_t xref = out_.size();
    out_ += "xref\n";
    for (const auto& [num, offset] : offsets_) {
        char line[32];
        std::snprintf(line, sizeof line, "%010zu 00000 n \n", offset);
        out_ += std::to_string(num) + " 1\n" + line;
    }
    out_ += "trailer\n<< " + std::string(entries) + " >>\nstartxref\n" + std::to_string(xref) +
            "\n%%EOF\n";
    offsets_.clear();
    return *this;
}

PdfObjectStream pdf_object_stream(const std::vector<std::pair<unsigned, std::string>>& objects) {
    std::string header, body;
    for (const auto& [num, text] : objects) {
        header += std::to_string(num) + " " + std::to_string(body.size()) + " ";
        body += text + "\n";
    }
    return {header + body, header.size()};
}

std::string pdf_flate(std::string_view data) {
    uLongf size = compressBound(static_cast<uLong>(data.size()));
    std::string out(size, '\0');
    compress2(reinterpret_cast<Bytef*>(out.data()), &size,
              reinterpret_cast<const Bytef*>(data.data()), static_cast<uLong>(data.size()), 9);
    out.resize(size);
    return out;
}

std::string pdf_flate_zeros(std::size_t n) {
    z_stream zs{};
    deflateInit(&zs, 9);
    std::string zeros(1 << 20, '\0'), out;
    char buf[1 << 16];
    while (n > 0 || zs.avail_in > 0) {
        if (zs.avail_in == 0) {
            std::size_t chunk = n < zeros.size() ? n : zeros.size();
            zs.next_in = reinterpret_cast<Bytef*>(zeros.data());
            zs.avail_in = static_cast<uInt>(chunk);
            n -= chunk;
        }
        zs.next_out = reinterpret_cast<Bytef*>(buf);
        zs.avail_out = sizeof buf;
        deflate(&zs, Z_NO_FLUSH);
        out.append(buf, sizeof buf - zs.avail_out);
    }
    int ret;
    do {
        zs.next_out = reinterpret_cast<Bytef*>(buf);
        zs.avail_out = sizeof buf;
        ret = deflate(&zs, Z_FINISH);
        out.append(buf, sizeof buf - zs.avail_out);
    } while (ret == Z_OK);
    deflateEnd(&zs);
    return out;
}

std::string pdf_hex(std::string_view bytes) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out = "<";
    for (char c : bytes) {
        out += kHex[static_cast<unsigned char>(c) >> 4];
        out += kHex[static_cast<unsigned char>(c) & 15];
    }
    return out + ">";
}

std::string pdf_utf16(std::string_view s) {
    std::string out = "\xFE\xFF";
    auto unit = [&](unsigned u) {
        out += char(u >> 8);
        out += char(u & 0xFF);
    };
    for (std::size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        unsigned cp = c;
        std::size_t n = 1;
        if (c >= 0xF0)
            cp = c & 0x07, n = 4;
        else if (c >= 0xE0)
            cp = c & 0x0F, n = 3;
        else if (c >= 0xC0)
            cp = c & 0x1F, n = 2;
        for (std::size_t k = 1; k < n && i + k < s.size(); ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        i += n;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            unit(0xD800 + (cp >> 10));
            unit(0xDC00 + (cp & 0x3FF));
        } else {
            unit(cp);
        }
    }
    return out;
}

std::string pdf_literal(std::string_view bytes) {
    std::string out = "(";
    for (char c : bytes) {
        if (c == '(' || c == ')' || c == '\\') out += '\\';
        out += c;
    }
    return out + ")";
}

}  // namespace kagami::test
