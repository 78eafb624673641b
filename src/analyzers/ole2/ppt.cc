// SPDX-License-Identifier: Apache-2.0
// PowerPoint binary (MS-PPT): embedded OLE objects and the VBA project are whole
// compound files stored in ExOleObjStg records of the "PowerPoint Document" stream,
// zlib-compressed when the record instance is 1. Encryption shows in the Current User
// stream's header token and in an EncryptedSummary stream.
#include <zlib.h>

#include <algorithm>

#include "analyzers/ole2/detail.h"
#include "analyzers/ole2/text.h"
#include "core/byte_reader.h"

namespace kagami::analyzers::ole2::detail {
namespace {

constexpr std::uint16_t kExOleObjStg = 0x1011;
constexpr std::uint16_t kCryptSession10 = 0x2F14;
constexpr std::uint32_t kEncryptedToken = 0xF3D1C4DF;

}  // namespace

std::optional<std::string> inflate_zlib(std::string_view in, std::size_t max_out) {
    z_stream z{};
    if (inflateInit(&z) != Z_OK) return std::nullopt;
    std::string out;
    char buf[16384];
    // zlib takes uInt lengths; feed the input in pieces that fit.
    std::size_t fed = 0;
    int rc = Z_OK;
    while (out.size() < max_out) {
        if (z.avail_in == 0 && fed < in.size()) {
            std::size_t piece = std::min<std::size_t>(in.size() - fed, 1u << 30);
            z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + fed));
            z.avail_in = static_cast<uInt>(piece);
            fed += piece;
        }
        z.next_out = reinterpret_cast<Bytef*>(buf);
        z.avail_out = sizeof buf;
        rc = inflate(&z, Z_NO_FLUSH);
        std::size_t got = sizeof buf - z.avail_out;
        out.append(buf, std::min(got, max_out - out.size()));
        if (rc == Z_STREAM_END || (rc != Z_OK && rc != Z_BUF_ERROR)) break;
        if (got == 0 && z.avail_in == 0 && fed >= in.size()) break;  // input cut short
        if (rc == Z_BUF_ERROR && got == 0) break;
    }
    inflateEnd(&z);
    if (out.empty() && rc != Z_STREAM_END && rc != Z_OK && rc != Z_BUF_ERROR) return std::nullopt;
    return out;
}

void analyze_ppt(cfb::CompoundFile& file, Output& out,
                 void (*embedded)(std::string_view cfb_bytes, std::string_view label,
                                  Output& out)) {
    bool encrypted = false;
    std::string how;
    if (auto cu = file.read(file.child(0, "Current User"), 64); cu && cu->size() >= 16) {
        auto token = core::le_at<std::uint32_t>(*cu, 12);
        if (token && *token == kEncryptedToken) {
            encrypted = true;
            how = "Current User header token";
        }
    }
    if (file.child(0, "EncryptedSummary") >= 0 && !encrypted) {
        encrypted = true;
        how = "EncryptedSummary stream";
    }

    auto doc = file.read(file.child(0, "PowerPoint Document"), read_cap(out));
    if (!doc) return;
    core::ByteReader r(*doc);
    int objects = 0;
    // Containers (version 0xF) are stepped into, atoms over: a flat walk that needs no
    // recursion and never trusts a container's length.
    while (r.remaining() >= 8) {
        if (out.context().out_of_time()) return;
        auto ver_inst = *r.u16();
        auto type = *r.u16();
        auto len = *r.u32();
        if ((ver_inst & 0xF) == 0xF) continue;
        if (type == kCryptSession10 && !encrypted) {
            encrypted = true;
            how = "CryptSession10Container record";
        }
        auto body = r.bytes(len);
        if (!body) {
            // Slack after the last record is common; only a big lie is worth a word.
            if (len > r.remaining() + 8 && type == kExOleObjStg)
                out.violation("ExOleObjStg record runs past the PowerPoint Document stream");
            break;
        }
        if (type != kExOleObjStg || encrypted) continue;
        std::string label = "PowerPoint Document/ExOleObjStg " + std::to_string(++objects);
        std::string inner;
        if ((ver_inst >> 4) == 1) {
            // u32 uncompressed size, then a zlib stream.
            core::ByteReader b(*body);
            auto size = b.u32();
            if (!size) continue;
            std::size_t cap = std::min<std::size_t>(read_cap(out), *size);
            auto inflated = inflate_zlib(body->substr(4), cap);
            if (!inflated) {
                out.violation(label + ": not a zlib stream");
                continue;
            }
            inner = std::move(*inflated);
        } else {
            inner = std::string(*body);
        }
        if (!cfb::has_signature(inner)) {
            out.violation(label + ": not a compound file");
            continue;
        }
        embedded(inner, label, out);
    }
    if (encrypted) {
        out.fact("ole2.encryption", "rc4-cryptoapi");
        out.finding(kEncrypted, "PowerPoint encryption: " + how);
    }
}

}  // namespace kagami::analyzers::ole2::detail
