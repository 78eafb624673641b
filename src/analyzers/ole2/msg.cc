// SPDX-License-Identifier: Apache-2.0
// Outlook .msg files (MS-OXMSG): each MAPI property is a stream named
// __substg1.0_PPPPTTTT (property id, type), attachments are storages
// __attach_version1.0_#NNNNNNNN, and an attached message is a storage
// __substg1.0_3701000D inside its attachment, read the same way to a fixed depth.
#include <cstdio>

#include "analyzers/ole2/detail.h"
#include "analyzers/ole2/text.h"
#include "core/text.h"

namespace kagami::analyzers::ole2::detail {
namespace {

constexpr int kMaxMessageDepth = 4;
constexpr std::size_t kMaxBodyFact = 4096;
constexpr std::size_t kMaxHeaderFact = 16384;
constexpr std::size_t kMaxUrls = 100;

constexpr std::uint16_t kSubject = 0x0037;
constexpr std::uint16_t kTransportHeaders = 0x007D;
constexpr std::uint16_t kSenderName = 0x0C1A;
constexpr std::uint16_t kSenderAddress = 0x0C1F;
constexpr std::uint16_t kSenderSmtp = 0x5D01;
constexpr std::uint16_t kDisplayTo = 0x0E04;
constexpr std::uint16_t kDisplayCc = 0x0E03;
constexpr std::uint16_t kBody = 0x1000;
constexpr std::uint16_t kHtml = 0x1013;
constexpr std::uint16_t kAttachData = 0x3701;
constexpr std::uint16_t kAttachFilename = 0x3704;
constexpr std::uint16_t kAttachLongFilename = 0x3707;

std::string stream_name(std::uint16_t id, std::uint16_t type) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "__substg1.0_%04X%04X", id, type);
    return buf;
}

// A string property of `storage`: UTF-16 (001F) or 8-bit (001E).
std::optional<std::string> string_prop(cfb::CompoundFile& f, int storage, std::uint16_t id,
                                       std::size_t cap) {
    if (auto v = f.read(f.child(storage, stream_name(id, 0x001F)), cap))
        return core::utf16_to_utf8(*v, {.stop_at_nul = true});
    if (auto v = f.read(f.child(storage, stream_name(id, 0x001E)), cap)) return cp1252_to_utf8(*v);
    return std::nullopt;
}

struct Walk {
    cfb::CompoundFile& f;
    Output& out;
    bool stop_children = false;
    std::size_t urls = 0;
};

void add_urls(Walk& w, std::string_view prefix, std::string_view text) {
    for (auto& url : find_urls(text, kMaxUrls)) {
        if (w.urls >= kMaxUrls) return;
        ++w.urls;
        w.out.fact(std::string(prefix) + "url", url);
    }
}

void child(Walk& w, std::string name, std::string bytes) {
    if (!w.stop_children) w.stop_children = !give_child(w.out, std::move(name), std::move(bytes));
}

void read_message(Walk& w, int storage, const std::string& prefix, int depth) {
    auto& f = w.f;
    auto& out = w.out;
    std::size_t cap = read_cap(out);
    if (auto s = string_prop(f, storage, kSubject, 4096))
        out.fact(prefix + "subject", fact_value(*s));
    auto name = string_prop(f, storage, kSenderName, 1024);
    auto addr = string_prop(f, storage, kSenderSmtp, 1024);
    if (!addr) addr = string_prop(f, storage, kSenderAddress, 1024);
    if (name || addr) {
        std::string from = name ? *name : "";
        if (addr) from += from.empty() ? *addr : " <" + *addr + ">";
        out.fact(prefix + "from", fact_value(from));
    }
    if (auto s = string_prop(f, storage, kDisplayTo, 8192))
        out.fact(prefix + "to", fact_value(*s, 4096));
    if (auto s = string_prop(f, storage, kDisplayCc, 8192))
        out.fact(prefix + "cc", fact_value(*s, 4096));
    if (auto s = string_prop(f, storage, kTransportHeaders, cap))
        out.fact(prefix + "header", fact_value(*s, kMaxHeaderFact, true));
    if (auto body = string_prop(f, storage, kBody, cap)) {
        out.fact(prefix + "body", fact_value(*body, kMaxBodyFact, true));
        add_urls(w, prefix, *body);
    }
    // The HTML body is usually binary (0102) in the code page of the message.
    std::optional<std::string> html = f.read(f.child(storage, stream_name(kHtml, 0x0102)), cap);
    if (!html) html = string_prop(f, storage, kHtml, cap);
    if (html && !html->empty()) {
        add_urls(w, prefix, *html);
        if (html->size() < cap) child(w, "message.html", std::move(*html));  // not a cut copy
    }

    const auto& children = f.entries()[static_cast<std::size_t>(storage)].children;
    std::size_t n = 0;
    for (int c : children) {
        if (out.context().out_of_time()) return;
        const auto& e = f.entries()[static_cast<std::size_t>(c)];
        if (!e.is_storage() || !core::istarts_with(e.name, "__attach_version1.0_")) continue;
        ++n;
        auto file_name = string_prop(f, c, kAttachLongFilename, 1024);
        if (!file_name || file_name->empty()) file_name = string_prop(f, c, kAttachFilename, 1024);
        std::string label =
            file_name && !file_name->empty() ? *file_name : "attachment " + std::to_string(n);
        int data = f.child(c, stream_name(kAttachData, 0x0102));
        if (data >= 0) {
            // An attachment that cannot be extracted whole is only listed.
            bool whole = !w.stop_children &&
                         fits_budget(out, f.entries()[static_cast<std::size_t>(data)].size, label);
            auto bytes = f.read(data, whole ? cap : 0);
            if (!bytes) continue;
            out.fact(prefix + "attachment",
                     fact_value(label, 512) + " (" +
                         std::to_string(f.entries()[static_cast<std::size_t>(data)].size) +
                         " bytes)");
            if (whole) child(w, label, std::move(*bytes));
            continue;
        }
        int object = f.child(c, stream_name(kAttachData, 0x000D));
        if (object < 0 || !f.entries()[static_cast<std::size_t>(object)].is_storage()) continue;
        bool is_message = f.child(object, "__properties_version1.0") >= 0;
        out.fact(prefix + "attachment",
                 fact_value(label, 512) + (is_message ? " (message)" : " (OLE object)"));
        if (!is_message) continue;  // OLE objects are read by the embedded-object walk
        if (depth + 1 >= kMaxMessageDepth) {
            out.violation("attached messages nested deeper than " +
                          std::to_string(kMaxMessageDepth));
            continue;
        }
        read_message(w, object, prefix + "embedded.", depth + 1);
    }
}

}  // namespace

void analyze_msg(cfb::CompoundFile& file, Output& out) {
    Walk w{file, out};
    read_message(w, 0, "msg.", 0);
}

}  // namespace kagami::analyzers::ole2::detail
