#include <nlohmann/json.hpp>

#include "core/hash.h"
#include "core/text.h"
#include "detect/header/received.h"
#include "report/report.h"

namespace kagami::report {
namespace {

using json = nlohmann::ordered_json;

// Every string we emit passes through here: the library guarantees UTF-8, and a
// bug elsewhere must not make the JSON writer throw.
std::string safe(std::string_view s) {
    return core::sanitize_utf8(s);
}

json address(const mime::MailAddress& a) {
    return json{{"name", safe(a.display_name)}, {"address", safe(a.address)}};
}

json addresses(const std::vector<mime::MailAddress>& list) {
    json out = json::array();
    for (const auto& a : list) out.push_back(address(a));
    return out;
}

json part_json(const mime::Part& p) {
    json j{{"path", p.path},
           {"content_type", safe(p.content_type)},
           {"size", p.is_multipart() ? p.raw_size : p.body.size()}};
    if (!p.charset.empty()) j["charset"] = safe(p.charset);
    if (!p.text_charset.empty() && p.text_charset != p.charset)
        j["decoded_charset"] = p.text_charset;
    if (!p.transfer_encoding.empty()) j["transfer_encoding"] = safe(p.transfer_encoding);
    if (!p.disposition.empty()) j["disposition"] = safe(p.disposition);
    if (!p.filename.empty()) j["filename"] = safe(p.filename);
    if (!p.is_multipart() && !p.embedded) j["sha256"] = core::sha256_hex(p.body);
    if (p.embedded) {
        const auto& m = *p.embedded;
        j["message"] = json{{"subject", safe(m.subject)},
                            {"from", m.from.empty() ? json(nullptr) : address(m.from.front())},
                            {"header_message_id", safe(m.header_message_id)}};
        j["children"] = json::array({part_json(m.root)});
    } else if (!p.children.empty()) {
        json children = json::array();
        for (const auto& c : p.children) children.push_back(part_json(c));
        j["children"] = std::move(children);
    }
    return j;
}

// Facts grouped by name, in the order they were first reported; every value is a list.
json facts_json(const std::vector<analyzers::Fact>& facts) {
    // A fact is capped so that one giant macro cannot make a line unreadable by tools.
    constexpr std::size_t kMaxValue = 256 * 1024;
    json out = json::object();
    for (const auto& f : facts) {
        std::string value = safe(f.value.substr(0, kMaxValue));
        if (f.value.size() > kMaxValue)
            value += "\n[" + std::to_string(f.value.size() - kMaxValue) + " more bytes]";
        out[f.name].push_back(std::move(value));
    }
    return out;
}

json artifact_json(const analyzers::Artifact& a) {
    json j{{"path", safe(a.path)}, {"name", safe(a.name)}, {"part", a.part},
           {"type", a.type},       {"depth", a.depth},     {"size", a.size},
           {"md5", a.md5},         {"sha1", a.sha1},       {"sha256", a.sha256}};
    j["ssdeep"] = a.ssdeep.empty() ? json(nullptr) : json(a.ssdeep);
    j["tlsh"] = a.tlsh.empty() ? json(nullptr) : json(a.tlsh);
    j["facts"] = facts_json(a.facts);
    return j;
}

}  // namespace

std::string to_json_line(const ScanResult& r) {
    const auto& m = r.message;
    json source{{"path", safe(r.path)}};
    if (r.index >= 0) source["index"] = r.index;

    json urls = json::array();
    for (const auto& l : m.links) {
        json u{{"url", safe(l.url)}, {"where", l.where}};
        if (!l.text.empty()) u["text"] = safe(l.text);
        if (l.hidden) u["hidden"] = true;
        urls.push_back(std::move(u));
    }

    json received = json::array();
    for (const auto& hop : r.headers.hops) {
        json h{{"from", safe(hop.from_host)}, {"by", safe(hop.by_host)}};
        if (!hop.from_rdns.empty()) h["rdns"] = safe(hop.from_rdns);
        if (!hop.from_ip.empty()) h["ip"] = hop.from_ip;
        if (!hop.with.empty()) h["with"] = safe(hop.with);
        if (hop.date) {
            h["date"] = detect::iso8601_utc(hop.date->utc);
            if (hop.date->offset_known)
                h["utc_offset"] = detect::format_utc_offset(hop.date->offset_minutes);
        }
        received.push_back(std::move(h));
    }

    json auth = json::array();
    if (r.headers.auth)
        for (const auto& a : r.headers.auth->results)
            auth.push_back(json{{"method", safe(a.method)}, {"result", safe(a.result)}});

    json artifacts = json::array();
    for (const auto& a : r.artifacts) artifacts.push_back(artifact_json(a));

    json findings = json::array();
    for (const auto& f : r.findings) {
        findings.push_back(json{{"id", f.id},
                                {"title", safe(f.title)},
                                {"weight", f.weight},
                                {"attack", f.attack},
                                {"evidence", safe(f.evidence)},
                                {"where", safe(f.where)}});
    }

    json j{
        {"source", std::move(source)},
        {"message_id", r.message_id},
        {"size", r.size},
        {"header_message_id", safe(m.header_message_id)},
        {"date", r.headers.date ? json(detect::iso8601_utc(r.headers.date->utc)) : json(nullptr)},
        {"from", m.from.empty() ? json(nullptr) : address(m.from.front())},
        {"reply_to", addresses(m.reply_to)},
        {"to", addresses(m.to)},
        {"cc", addresses(m.cc)},
        {"subject", safe(m.subject)},
        {"verdict", std::string(verdict_name(r.verdict))},
        {"score", r.score},
        {"explanation", explain(r)},
        {"parts", json::array({part_json(m.root)})},
        {"lenient_parts", m.lenient ? json::array({part_json(m.lenient->root)}) : json::array()},
        {"urls", std::move(urls)},
        {"received", std::move(received)},
        {"authentication", std::move(auth)},
        {"sender_utc_offset",
         r.headers.sender_offset_minutes
             ? json(detect::format_utc_offset(*r.headers.sender_offset_minutes))
             : json(nullptr)},
        {"artifacts", std::move(artifacts)},
        {"findings", std::move(findings)}};
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace kagami::report
