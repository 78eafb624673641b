#include "store/record.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "core/text.h"
#include "detect/intel/indicators.h"
#include "mime/header_decode.h"

namespace kagami::store {
namespace {

using detect::intel::IndicatorType;

// PostgreSQL TEXT takes neither invalid UTF-8 nor NUL; SQLite would keep them, and the
// two backends must store the same thing.
std::string clean(std::string_view s) {
    std::string out = core::is_valid_utf8(s) ? std::string(s) : core::sanitize_utf8(s);
    if (out.find('\0') != std::string::npos) std::replace(out.begin(), out.end(), '\0', ' ');
    return out;
}

// Analyzer facts that tie attacks together: the machine an LNK was made on, a
// program's import table and build time (campaigns link on them; hunts match them).
struct FactIndicator {
    std::string_view fact;
    std::string_view type;
};
constexpr FactIndicator kFactIndicators[] = {
    {"lnk.machine_id", "lnk_machine_id"},
    {"lnk.droid_file_id", "lnk_droid_file_id"},
    {"lnk.birth_droid_file_id", "lnk_droid_file_id"},
    {"lnk.drive_serial", "lnk_drive_serial"},
    {"pe.imphash", "pe_imphash"},
    {"pe.rich_hash", "pe_rich_hash"},
    {"pe.timestamp", "pe_timestamp"},
    {"pe.pdb", "pe_pdb"},
};

class IndicatorCollector {
public:
    explicit IndicatorCollector(std::vector<IndicatorRecord>& out) : out_(out) {}

    void typed(IndicatorType type, std::string_view value, std::string_view where) {
        if (auto v = detect::intel::normalise(type, value))
            add(detect::intel::type_name(type), *v, where);
    }

    void text(std::string_view text, std::string_view where) {
        if (text.empty() || full()) return;
        hits_.clear();
        detect::intel::extract_text(text, where, hits_, kMaxIndicatorsPerMessage - out_.size());
        for (const auto& h : hits_) add(detect::intel::type_name(h.type), h.indicator, where);
    }

    void add(std::string_view type, std::string_view value, std::string_view where) {
        if (value.empty() || full()) return;
        auto key = std::make_tuple(std::string(type), clean(value.substr(0, 2048)),
                                   clean(where.substr(0, 1024)));
        if (!seen_.insert(key).second) return;
        out_.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key)});
    }

private:
    bool full() const { return out_.size() >= kMaxIndicatorsPerMessage; }

    std::vector<IndicatorRecord>& out_;
    std::set<std::tuple<std::string, std::string, std::string>> seen_;
    std::vector<detect::intel::Hit> hits_;
};

std::vector<std::string> addresses(const std::vector<mime::MailAddress>& list) {
    std::vector<std::string> out;
    for (const auto& a : list)
        if (!a.address.empty()) out.push_back(clean(core::to_lower(a.address)));
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

void collect_indicators(const ScanResult& r, std::vector<IndicatorRecord>& out) {
    IndicatorCollector c(out);
    const auto& m = r.message;
    auto address = [&](std::string_view a, std::string_view where) {
        if (a.empty()) return;
        c.typed(IndicatorType::email, a, where);
        c.typed(IndicatorType::domain, mime::address_domain(a), where);
    };
    for (const auto& a : m.from) address(a.address, "From");
    for (const auto& a : m.sender) address(a.address, "Sender");
    for (const auto& a : m.reply_to) address(a.address, "Reply-To");
    address(m.return_path, "Return-Path");
    for (const auto& hop : r.headers.hops) {
        if (!hop.from_ip.empty())
            c.typed(hop.from_ip.find(':') == std::string::npos ? IndicatorType::ipv4
                                                               : IndicatorType::ipv6,
                    hop.from_ip, "Received");
        for (const auto* host : {&hop.from_host, &hop.from_rdns})
            if (!host->empty()) c.typed(IndicatorType::domain, *host, "Received");
    }
    for (const auto& l : m.links) {
        std::string_view where = l.where.empty() ? std::string_view("link") : l.where;
        c.typed(IndicatorType::url, l.url, where);
        c.text(l.url, where);  // the host, and a file name at the end of the path
    }
    for (const auto& a : r.artifacts) {
        c.typed(IndicatorType::md5, a.md5, a.path);
        c.typed(IndicatorType::sha1, a.sha1, a.path);
        c.typed(IndicatorType::sha256, a.sha256, a.path);
        if (!a.name.empty()) c.typed(IndicatorType::file_name, a.name, a.path);
        for (const auto& f : a.facts) {
            for (const auto& fi : kFactIndicators)
                if (f.name == fi.fact) c.add(fi.type, f.value, a.path);
            c.text(f.value, a.path);
        }
    }
    c.text(m.subject, "Subject");
    mime::for_each_part(m, [&](const mime::Part& p) { c.text(p.text, p.path); });
}

}  // namespace

MessageRecord make_record(const ScanResult& r, const ingest::RawMessage& raw,
                          std::size_t max_passwords) {
    MessageRecord rec;
    rec.sha256 = r.message_id;
    rec.source = clean(r.path);
    rec.index = r.index;
    rec.size = r.size;
    if (r.headers.date) rec.date = r.headers.date->utc;
    if (raw.received_time) rec.received = raw.received_time;
    for (auto hop = r.headers.hops.rbegin(); !rec.received && hop != r.headers.hops.rend(); ++hop)
        if (hop->date) rec.received = hop->date->utc;
    if (!r.message.from.empty()) {
        rec.sender = clean(core::to_lower(r.message.from.front().address));
        rec.sender_name = clean(r.message.from.front().display_name);
    }
    rec.to = addresses(r.message.to);
    rec.cc = addresses(r.message.cc);
    rec.subject = clean(r.message.subject);
    rec.header_message_id = clean(r.message.header_message_id);
    rec.verdict = std::string(verdict_name(r.verdict));
    rec.score = r.score;
    rec.findings = r.findings;
    for (auto& f : rec.findings) {
        f.title = clean(f.title);
        f.evidence = clean(f.evidence);
        f.where = clean(f.where);
    }
    rec.artifacts = r.artifacts;
    for (auto& a : rec.artifacts) {
        a.facts.clear();
        a.path = clean(a.path);
        a.name = clean(a.name);
    }
    collect_indicators(r, rec.indicators);
    for (auto& p : passwords_in(r.message, max_passwords)) rec.passwords.push_back(clean(p));
    rec.locked = std::any_of(r.findings.begin(), r.findings.end(),
                             [](const Finding& f) { return f.id == "archive.encrypted"; });
    if (rec.locked) rec.raw = raw.bytes;
    return rec;
}

std::optional<std::int64_t> message_time(const MessageRecord& r) {
    return r.date ? r.date : r.received;
}

}  // namespace kagami::store
