// STIX 2.x bundles: indicators and the relationships that tie them to intrusion sets,
// malware and campaigns. simdjson DOM: a bundle is parsed once at load time.
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "core/text.h"
#include "detect/intel/internal.h"
#include "detect/intel/json.h"

namespace kagami::detect::intel {
namespace {

using simdjson::dom::element;

bool flag(element e, const char* key) {
    bool v = false;
    if (e[key].get_bool().get(v) != simdjson::SUCCESS) return false;
    return v;
}

std::string now_iso() {
    std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    return buf;
}

enum class Kind { actor, malware, campaign, other };

Kind kind_of(std::string_view type) {
    if (type == "intrusion-set" || type == "threat-actor") return Kind::actor;
    if (type == "malware" || type == "tool") return Kind::malware;
    if (type == "campaign") return Kind::campaign;
    return Kind::other;
}

struct Named {
    Kind kind;
    std::string_view name;
};

using Edges = std::unordered_map<std::string_view, std::vector<std::string_view>>;

void push_unique(std::vector<std::string>& v, std::string_view s) {
    for (const auto& x : v)
        if (x == s) return;
    if (v.size() < 16) v.emplace_back(s);
}

std::string cut(std::string_view s, std::size_t n) {
    if (s.size() <= n) return std::string(s);
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    return std::string(s.substr(0, n)) + "...";
}

// The raw text of each element of a bundle's "objects" array, found by a scan that only
// tracks strings and nesting; empty when the text is not such a bundle (or is broken).
// Parsing one object at a time keeps memory to the size of one object, not a DOM of a
// 400 MB bundle.
std::vector<std::string_view> split_bundle(std::string_view json) {
    std::vector<std::string_view> out;
    int depth = 0, objects_depth = -1;
    bool in_string = false, escaped = false, closed = false;
    std::size_t string_start = 0, element_start = std::string_view::npos;
    std::string_view last_key;
    for (std::size_t i = 0; i < json.size(); ++i) {
        char c = json[i];
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"') {
                in_string = false;
                if (depth == 1) last_key = json.substr(string_start, i - string_start);
            }
            continue;
        }
        switch (c) {
            case '"':
                in_string = true;
                string_start = i + 1;
                break;
            case '{':
            case '[':
                if (c == '[' && depth == 1 && last_key == "objects" && objects_depth == -1)
                    objects_depth = 2;
                if (c == '{' && depth == objects_depth && !closed) element_start = i;
                if (++depth > 1024) return {};
                break;
            case '}':
            case ']':
                if (--depth < 0) return {};
                if (c == '}' && depth == objects_depth && element_start != std::string_view::npos) {
                    out.push_back(json.substr(element_start, i - element_start + 1));
                    element_start = std::string_view::npos;
                }
                if (c == ']' && depth == 1 && objects_depth == 2 && !closed) closed = true;
                break;
            default:
                break;
        }
    }
    if (depth != 0 || in_string || !closed) return {};
    return out;
}

// Stable copies of the ids and names the relationship maps point at.
class StringPool {
public:
    std::string_view keep(std::string_view s) {
        if (s.size() > 4096) s = s.substr(0, 4096);
        if (chunks_.empty() || used_ + s.size() > kChunk) {
            chunks_.push_back(std::make_unique<char[]>(kChunk));
            used_ = 0;
        }
        char* p = chunks_.back().get() + used_;
        std::copy(s.begin(), s.end(), p);
        used_ += s.size();
        return {p, s.size()};
    }

private:
    static constexpr std::size_t kChunk = 1 << 20;
    std::vector<std::unique_ptr<char[]>> chunks_;
    std::size_t used_ = 0;
};

}  // namespace

LoadReport IndicatorSet::load_stix(std::string_view json, std::string feed_name) {
    LoadReport report;
    report.format = "stix";
    simdjson::dom::parser parser;
    std::vector<std::string_view> slices = split_bundle(json);
    const bool streaming = !slices.empty();
    std::vector<element> objects;
    std::string buffer;  // one object and simdjson's padding
    auto parse_slice = [&](std::string_view slice, element& out) {
        buffer.assign(slice);
        buffer.append(simdjson::SIMDJSON_PADDING, ' ');
        return parser.parse(buffer.data(), slice.size(), false).get(out) == simdjson::SUCCESS;
    };
    if (!streaming) {
        // load_file leaves simdjson's padding after the bytes: parse them in place then.
        simdjson::padded_string padded;
        if (impl_->padded_input < simdjson::SIMDJSON_PADDING)
            padded = simdjson::padded_string(json.data(), json.size());
        auto document = padded.size() || json.empty()
                            ? parser.parse(padded)
                            : parser.parse(json.data(), json.size(), false);
        element root;
        if (auto err = std::move(document).get(root)) {
            report.problems.push_back(std::string("not valid JSON: ") +
                                      simdjson::error_message(err));
            return report;
        }
        simdjson::dom::array array;
        if (root.get_array().get(array) == simdjson::SUCCESS ||
            root["objects"].get_array().get(array) == simdjson::SUCCESS) {
            for (element o : array)
                if (o.is_object()) objects.push_back(o);
        } else if (!str(root, "type").empty()) {
            objects.push_back(root);
        }
        if (objects.empty()) {
            report.problems.push_back("no STIX objects (expected a bundle with \"objects\")");
            return report;
        }
    }

    StringPool pool;
    auto keep = [&](std::string_view s) { return streaming ? pool.keep(s) : s; };
    std::unordered_map<std::string_view, Named> named;
    Edges indicates, attributed_to, used_by;
    std::vector<element> indicators;                 // DOM mode
    std::vector<std::string_view> indicator_slices;  // streaming mode
    std::size_t count = streaming ? slices.size() : objects.size(), broken = 0;
    indicates.reserve(count / 2);
    for (std::size_t n = 0; n < count; ++n) {
        element o;
        if (streaming) {
            if (!parse_slice(slices[n], o)) {
                if (broken++ < 5)
                    note_problem(report, "object " + std::to_string(n) + " is not valid JSON");
                continue;
            }
        } else {
            o = objects[n];
        }
        std::string_view type = str(o, "type"), id = str(o, "id");
        if (type == "indicator") {
            if (streaming)
                indicator_slices.push_back(slices[n]);
            else
                indicators.push_back(o);
        } else if (type == "relationship") {
            if (flag(o, "revoked")) continue;
            std::string_view rel = str(o, "relationship_type"), src = str(o, "source_ref"),
                             dst = str(o, "target_ref");
            if (src.empty() || dst.empty()) continue;
            if (rel == "indicates")
                indicates[keep(src)].push_back(keep(dst));
            else if (rel == "attributed-to")
                attributed_to[keep(src)].push_back(keep(dst));
            else if (rel == "uses")
                used_by[keep(dst)].push_back(keep(src));
        } else if (Kind k = kind_of(type); k != Kind::other && !id.empty()) {
            std::string_view name = str(o, "name");
            if (!name.empty()) named[keep(id)] = {k, keep(name)};
        }
    }
    if (broken > 5) note_problem(report, std::to_string(broken) + " objects were not valid JSON");
    if (streaming && indicator_slices.empty() && named.empty() && indicates.empty() &&
        attributed_to.empty() && used_by.empty() && broken == count)
        return report;

    const std::string now = now_iso();
    std::size_t revoked = 0, other_language = 0;
    std::size_t indicator_count = streaming ? indicator_slices.size() : indicators.size();
    for (std::size_t n = 0; n < indicator_count; ++n) {
        element o;
        if (streaming) {
            if (!parse_slice(indicator_slices[n], o)) continue;
        } else {
            o = indicators[n];
        }
        std::string_view id = str(o, "id");
        if (flag(o, "revoked")) {
            ++revoked;
            ++report.skipped;
            continue;
        }
        std::string_view pattern_type = str(o, "pattern_type");
        if (!pattern_type.empty() && pattern_type != "stix") {
            ++other_language;
            ++report.skipped;
            continue;
        }
        std::string_view pattern = str(o, "pattern");
        ParsedPattern parsed = parse_stix_pattern(pattern);
        if (!parsed.error.empty()) {
            ++report.skipped;
            note_problem(report, std::string(id) + ": " + parsed.error);
            continue;
        }
        report.skipped += parsed.skipped;
        if (parsed.skipped)
            note_problem(report, std::string(id) + ": " + std::to_string(parsed.skipped) +
                                     " comparison(s) over unsupported object paths skipped");

        Context c;
        c.feed = feed_name;
        // indicator -indicates-> X, then two more hops: X -attributed-to-> Y and
        // malware/tool X <-uses- actor or campaign Y.
        std::vector<std::string_view> frontier;
        if (auto it = indicates.find(id); it != indicates.end()) frontier = it->second;
        std::unordered_set<std::string_view> seen;
        for (int hop = 0; hop < 3 && !frontier.empty(); ++hop) {
            std::vector<std::string_view> next;
            for (auto node : frontier) {
                if (!seen.insert(node).second || seen.size() > 64) continue;
                auto found = named.find(node);
                if (found == named.end()) continue;
                Kind k = found->second.kind;
                if (k == Kind::actor) push_unique(c.actors, found->second.name);
                if (k == Kind::malware) push_unique(c.malware, found->second.name);
                if (k == Kind::campaign) push_unique(c.campaigns, found->second.name);
                if (auto a = attributed_to.find(node); a != attributed_to.end())
                    next.insert(next.end(), a->second.begin(), a->second.end());
                if (k == Kind::malware)
                    if (auto u = used_by.find(node); u != used_by.end())
                        next.insert(next.end(), u->second.begin(), u->second.end());
            }
            frontier = std::move(next);
        }
        std::string_view name = str(o, "name");
        c.description = cut(name.empty() ? str(o, "description") : name, 200);
        std::string_view valid_until = str(o, "valid_until");
        if (!valid_until.empty() && std::string(valid_until.substr(0, 19)) < now)
            c.description += (c.description.empty() ? "" : " ") +
                             ("(expired " + std::string(valid_until.substr(0, 10)) +
                              ", kept for retro hunting)");
        std::uint32_t context = impl_->intern(c);
        for (const auto& v : parsed.values) add_counted(*impl_, report, v.type, v.value, context);
    }
    if (revoked) note_problem(report, std::to_string(revoked) + " revoked indicator(s) skipped");
    if (other_language)
        note_problem(report,
                     std::to_string(other_language) +
                         " indicator(s) in other pattern languages (sigma, yara, snort) skipped");
    return report;
}

}  // namespace kagami::detect::intel
