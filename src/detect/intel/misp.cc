// MISP events: attributes (also inside objects) typed by MISP's own type names, the
// event's galaxies and tags naming actors and malware, its info as the description.
#include <simdjson.h>

#include <map>

#include "core/text.h"
#include "detect/intel/internal.h"
#include "detect/intel/json.h"

namespace kagami::detect::intel {
namespace {

using simdjson::dom::element;

bool deleted(element e) {
    bool b = false;
    if (e["deleted"].get_bool().get(b) == simdjson::SUCCESS) return b;
    return false;  // some exports write "deleted": "0" or omit it
}

void push_unique(std::vector<std::string>& v, std::string s) {
    if (s.empty()) return;
    for (const auto& x : v)
        if (x == s) return;
    if (v.size() < 16) v.push_back(std::move(s));
}

// "menuPass - G0045" -> "menuPass"; "UPPERCUT - S0275" -> "UPPERCUT".
std::string strip_attack_id(std::string_view v) {
    std::size_t dash = v.rfind(" - ");
    if (dash != std::string_view::npos && dash + 4 < v.size() &&
        (v[dash + 3] == 'G' || v[dash + 3] == 'S' || v[dash + 3] == 'C'))
        return std::string(core::trim(v.substr(0, dash)));
    return std::string(core::trim(v));
}

enum class ClusterKind { actor, malware, other };

ClusterKind cluster_kind(std::string_view galaxy) {
    if (galaxy == "threat-actor" || galaxy == "mitre-intrusion-set" ||
        galaxy == "mitre-enterprise-attack-intrusion-set" || galaxy == "microsoft-activity-group")
        return ClusterKind::actor;
    if (galaxy == "malpedia" || galaxy == "mitre-malware" || galaxy == "mitre-tool" ||
        galaxy == "tool" || galaxy == "ransomware" || galaxy == "rat" || galaxy == "backdoor" ||
        galaxy == "banker" || galaxy == "stealer" || galaxy == "botnet" ||
        galaxy == "mitre-enterprise-attack-malware" || galaxy == "android")
        return ClusterKind::malware;
    return ClusterKind::other;
}

void classify(Context& c, std::string_view galaxy, std::string_view value) {
    switch (cluster_kind(galaxy)) {
        case ClusterKind::actor:
            push_unique(c.actors, strip_attack_id(value));
            break;
        case ClusterKind::malware:
            push_unique(c.malware, strip_attack_id(value));
            break;
        case ClusterKind::other:
            break;
    }
}

// misp-galaxy:threat-actor="MirrorFace"
void read_tag(Context& c, std::string_view tag) {
    constexpr std::string_view prefix = "misp-galaxy:";
    if (!core::istarts_with(tag, prefix)) return;
    tag.remove_prefix(prefix.size());
    std::size_t eq = tag.find('=');
    if (eq == std::string_view::npos) return;
    std::string_view galaxy = tag.substr(0, eq), value = tag.substr(eq + 1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        value = value.substr(1, value.size() - 2);
    classify(c, galaxy, value);
}

struct Mapped {
    std::optional<IndicatorType> first, second;  ///< types of the '|'-separated halves
};

Mapped map_type(std::string_view t) {
    using T = IndicatorType;
    if (t == "domain" || t == "hostname") return {T::domain, {}};
    if (t == "url") return {T::url, {}};
    if (t == "ip-src" || t == "ip-dst") return {T::ipv4, {}};
    if (t == "ip-src|port" || t == "ip-dst|port") return {T::ipv4, {}};
    if (t == "hostname|port") return {T::domain, {}};
    if (t == "domain|ip") return {T::domain, T::ipv4};
    if (t == "email" || t == "email-src" || t == "email-dst" || t == "email-reply-to" ||
        t == "whois-registrant-email")
        return {T::email, {}};
    if (t == "md5") return {T::md5, {}};
    if (t == "sha1") return {T::sha1, {}};
    if (t == "sha256") return {T::sha256, {}};
    if (t == "filename" || t == "email-attachment") return {T::file_name, {}};
    if (t == "filename|md5") return {T::file_name, T::md5};
    if (t == "filename|sha1") return {T::file_name, T::sha1};
    if (t == "filename|sha256") return {T::file_name, T::sha256};
    return {};
}

class MispReader {
public:
    MispReader(IndicatorSet::Impl& impl, LoadReport& report, const std::string& feed)
        : impl_(impl), report_(report), feed_(feed) {}

    void event(element e) {
        Context c;
        c.feed = feed_;
        std::string_view info = str(e, "info");
        c.description = std::string(info.substr(0, 300));
        simdjson::dom::array tags, galaxies, attributes, objects;
        if (e["Tag"].get_array().get(tags) == simdjson::SUCCESS)
            for (element t : tags) read_tag(c, str(t, "name"));
        if (e["Galaxy"].get_array().get(galaxies) == simdjson::SUCCESS)
            for (element g : galaxies) {
                std::string_view type = str(g, "type");
                simdjson::dom::array clusters;
                if (g["GalaxyCluster"].get_array().get(clusters) == simdjson::SUCCESS)
                    for (element cl : clusters) {
                        std::string_view tag = str(cl, "tag_name");
                        if (!tag.empty())
                            read_tag(c, tag);
                        else
                            classify(c, type, str(cl, "value"));
                    }
            }
        std::uint32_t context = impl_.intern(c);
        ++events_;
        if (e["Attribute"].get_array().get(attributes) == simdjson::SUCCESS)
            for (element a : attributes) attribute(a, context);
        if (e["Object"].get_array().get(objects) == simdjson::SUCCESS)
            for (element o : objects) {
                if (deleted(o)) continue;
                simdjson::dom::array inner;
                if (o["Attribute"].get_array().get(inner) == simdjson::SUCCESS)
                    for (element a : inner) attribute(a, context);
            }
    }

    void finish() {
        if (!events_) note_problem(report_, "no MISP event found (expected {\"Event\": {...}})");
        std::string unsupported;
        for (const auto& [type, n] : unsupported_) {
            if (unsupported.size() > 300) break;
            unsupported +=
                (unsupported.empty() ? "" : ", ") + type + " (" + std::to_string(n) + ")";
        }
        if (!unsupported.empty()) note_problem(report_, "attribute types not held: " + unsupported);
    }

private:
    void attribute(element a, std::uint32_t context) {
        if (!a.is_object() || deleted(a)) return;
        std::string_view type = str(a, "type"), value = str(a, "value");
        Mapped m = map_type(type);
        if (!m.first) {
            ++report_.skipped;
            if (unsupported_.size() < 64 || unsupported_.count(std::string(type)))
                ++unsupported_[std::string(type.substr(0, 40))];
            return;
        }
        std::size_t bar = value.find('|');
        std::string_view first = value.substr(0, bar);
        if (type.find("|port") != std::string_view::npos || m.second) {
            if (bar == std::string_view::npos) first = value;
        } else {
            first = value;
        }
        add_counted(impl_, report_, *m.first, first, context);
        if (m.second && bar != std::string_view::npos)
            add_counted(impl_, report_, *m.second, value.substr(bar + 1), context);
    }

    IndicatorSet::Impl& impl_;
    LoadReport& report_;
    const std::string& feed_;
    std::size_t events_ = 0;
    std::map<std::string, std::size_t> unsupported_;
};

}  // namespace

LoadReport IndicatorSet::load_misp(std::string_view json, std::string feed_name) {
    LoadReport report;
    report.format = "misp";
    simdjson::dom::parser parser;
    // load_file leaves simdjson's padding after the bytes: parse them in place then.
    simdjson::padded_string padded;
    if (impl_->padded_input < simdjson::SIMDJSON_PADDING)
        padded = simdjson::padded_string(json.data(), json.size());
    auto document = padded.size() || json.empty() ? parser.parse(padded)
                                                  : parser.parse(json.data(), json.size(), false);
    element root;
    if (auto err = std::move(document).get(root)) {
        report.problems.push_back(std::string("not valid JSON: ") + simdjson::error_message(err));
        return report;
    }
    MispReader reader(*impl_, report, feed_name);
    auto one = [&](element e) {
        element ev;
        if (e["Event"].get(ev) == simdjson::SUCCESS && ev.is_object())
            reader.event(ev);
        else if (e.is_object() && (e["Attribute"].error() == simdjson::SUCCESS ||
                                   e["info"].error() == simdjson::SUCCESS))
            reader.event(e);
    };
    simdjson::dom::array list;
    if (root.get_array().get(list) == simdjson::SUCCESS ||
        root["response"].get_array().get(list) == simdjson::SUCCESS) {
        for (element e : list) one(e);
    } else {
        one(root);
    }
    reader.finish();
    return report;
}

}  // namespace kagami::detect::intel
