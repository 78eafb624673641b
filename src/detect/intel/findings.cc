// A message against the indicators: typed observations looked up directly, free text
// scanned, hits kept once per indicator and place, one finding per hit.
#include <unordered_set>

#include "detect/intel/internal.h"

namespace kagami::detect::intel {
namespace {

constexpr FindingKind kDomain{"intel.domain", "A domain in the message is on a threat-intel feed",
                              "T1566.002,T1583.001"};
constexpr FindingKind kUrl{"intel.url", "A URL in the message is on a threat-intel feed",
                           "T1566.002,T1204.001"};
constexpr FindingKind kIp{"intel.ip", "An IP address in the message is on a threat-intel feed",
                          "T1071,T1583"};
constexpr FindingKind kEmail{
    "intel.email", "An email address in the message is on a threat-intel feed", "T1585.002,T1566"};
constexpr FindingKind kHash{"intel.hash", "An attachment's hash is on a threat-intel feed",
                            "T1566.001,T1204.002"};
constexpr FindingKind kFileName{"intel.file_name", "A file name is on a threat-intel feed",
                                "T1566.001,T1204.002"};

const FindingKind& kind_for(IndicatorType t) {
    switch (t) {
        case IndicatorType::domain:
            return kDomain;
        case IndicatorType::url:
            return kUrl;
        case IndicatorType::ipv4:
        case IndicatorType::ipv6:
            return kIp;
        case IndicatorType::email:
            return kEmail;
        case IndicatorType::md5:
        case IndicatorType::sha1:
        case IndicatorType::sha256:
            return kHash;
        case IndicatorType::file_name:
            return kFileName;
    }
    return kDomain;
}

std::string noun(IndicatorType t) {
    switch (t) {
        case IndicatorType::domain:
            return "domain";
        case IndicatorType::url:
            return "URL";
        case IndicatorType::ipv4:
        case IndicatorType::ipv6:
            return "IP address";
        case IndicatorType::email:
            return "address";
        case IndicatorType::md5:
            return "MD5";
        case IndicatorType::sha1:
            return "SHA-1";
        case IndicatorType::sha256:
            return "SHA-256";
        case IndicatorType::file_name:
            return "file name";
    }
    return "indicator";
}

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (std::size_t i = 0; i < v.size() && i < 4; ++i) out += (i ? ", " : "") + v[i];
    if (v.size() > 4) out += " and others";
    return out;
}

std::string cut(std::string_view s, std::size_t n) {
    if (s.size() <= n) return std::string(s);
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    return std::string(s.substr(0, n)) + "...";
}

void add_hit(std::vector<Hit>& out, std::unordered_set<std::string>& seen, Hit hit) {
    if (!hit.context) return;
    std::string key =
        std::string(type_name(hit.type)) + '\x1f' + hit.indicator + '\x1f' + hit.where;
    if (seen.insert(std::move(key)).second) out.push_back(std::move(hit));
}

}  // namespace

std::vector<Hit> match(const IndicatorSet& set, const Observations& observations) {
    std::vector<Hit> out;
    std::unordered_set<std::string> seen;
    const IndicatorSet::Impl& m = set.impl();
    auto hit = [&](IndicatorType type, const Found& f, const std::string& observed,
                   const std::string& where) {
        if (f.context) add_hit(out, seen, Hit{type, f.indicator, observed, where, f.context});
    };
    for (const auto& item : observations.items) {
        const std::string& v = item.value;
        switch (item.type) {
            case IndicatorType::domain:
                hit(IndicatorType::domain, m.find_domain(v), v, item.where);
                break;
            case IndicatorType::url: {
                hit(IndicatorType::url, m.find_url(v), v, item.where);
                // The link's host on its own: a domain indicator covers every URL on it.
                if (auto u = normalise_url(refang(v))) {
                    if (auto ip = normalise_ip(u->host, false))
                        hit(ip->type, m.find_normal_ip(*ip), v, item.where);
                    else
                        hit(IndicatorType::domain, m.find_normal_domain(u->host), v, item.where);
                }
                break;
            }
            case IndicatorType::ipv4:
            case IndicatorType::ipv6: {
                Found f = m.find_ip(v);
                auto ip = normalise_ip(refang(v), false);
                hit(ip ? ip->type : item.type, f, v, item.where);
                break;
            }
            case IndicatorType::email: {
                hit(IndicatorType::email, m.find_email(v), v, item.where);
                if (auto a = normalise_email(refang(v)))
                    hit(IndicatorType::domain,
                        m.find_normal_domain(std::string_view(*a).substr(a->rfind('@') + 1)), v,
                        item.where);
                break;
            }
            case IndicatorType::md5:
            case IndicatorType::sha1:
            case IndicatorType::sha256: {
                Found f = m.find_hash(v);
                if (f.context) hit(*hash_type(f.indicator.size()), f, v, item.where);
                break;
            }
            case IndicatorType::file_name:
                hit(IndicatorType::file_name, m.find_file_name(v), v, item.where);
                break;
        }
    }
    std::vector<Hit> text_hits;
    for (const auto& [text, where] : observations.texts) {
        text_hits.clear();
        set.scan_text(text, where, text_hits);
        for (auto& h : text_hits) add_hit(out, seen, std::move(h));
    }
    return out;
}

std::vector<Finding> findings_for(const std::vector<Hit>& hits) {
    std::vector<Finding> out;
    out.reserve(hits.size());
    for (const auto& h : hits) {
        if (!h.context) continue;
        const Context& c = *h.context;
        Finding f = make_finding(kind_for(h.type), h.indicator + " <- " + h.observed, h.where);
        bool hash = h.type == IndicatorType::md5 || h.type == IndicatorType::sha1 ||
                    h.type == IndicatorType::sha256;
        std::string shown = hash ? h.indicator.substr(0, 16) + "..." : cut(h.indicator, 120);
        std::string title = "The " + noun(h.type) + " " + shown + " is on feed " + c.feed;
        std::string tie;
        if (!c.actors.empty()) {
            tie = join(c.actors);
            if (!c.malware.empty()) tie += " (" + join(c.malware) + ")";
        } else if (!c.malware.empty()) {
            tie = join(c.malware);
        }
        if (!c.campaigns.empty())
            tie += (tie.empty() ? "campaign " : ", campaign ") + join(c.campaigns);
        if (!tie.empty())
            title += ", tied to " + tie;
        else if (!c.description.empty())
            title += " (" + cut(c.description, 100) + ")";
        f.title = std::move(title);
        out.push_back(std::move(f));
    }
    return out;
}

}  // namespace kagami::detect::intel
