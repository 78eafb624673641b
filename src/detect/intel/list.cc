// Plain indicator lists: one value a line, type inferred, an optional description after
// a tab, ';' or ','; CSV files with a header row are read by column name.
#include <array>

#include "core/text.h"
#include "detect/intel/internal.h"

namespace kagami::detect::intel {
namespace {

// RFC 4180 fields of one line (quotes, doubled quotes); at most 64 fields.
std::vector<std::string> csv_fields(std::string_view line) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                fields.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                fields.back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            if (fields.size() == 64) break;
            fields.emplace_back();
        } else {
            fields.back() += c;
        }
    }
    return fields;
}

struct CsvLayout {
    int value = -1;
    int description = -1;
};

// A header row names its columns and holds no indicator itself.
CsvLayout csv_header(std::string_view line) {
    CsvLayout layout;
    if (line.find(',') == std::string_view::npos) return layout;
    auto fields = csv_fields(line);
    static constexpr std::array<std::string_view, 12> value_names = {
        "url", "indicator", "ioc",    "value", "domain", "hostname",
        "ip",  "hash",      "sha256", "md5",   "sha1",   "email"};
    static constexpr std::array<std::string_view, 6> description_names = {
        "description", "comment", "name", "threat", "malware", "tags"};
    for (std::size_t i = 0; i < fields.size(); ++i) {
        std::string f = core::to_lower(core::trim(fields[i]));
        if (infer_type(refang(f))) return {};
        for (std::size_t n = 0; n < value_names.size() && layout.value < 0; ++n)
            if (f == value_names[n]) layout.value = int(i);
        for (auto n : description_names)
            if (f == n && layout.description < 0) layout.description = int(i);
    }
    return layout;
}

bool prose(std::string_view s) {
    for (char c : s)
        if (c == ' ' || static_cast<unsigned char>(c) >= 0x80) return true;
    return false;
}

std::string_view strip_decoration(std::string_view v) {
    v = core::trim(v);
    if (v.size() >= 2 && (v.substr(0, 2) == "- " || v.substr(0, 2) == "* "))
        v = core::trim(v.substr(2));
    if (v.size() >= 2 && v.front() == '`' && v.back() == '`') v = v.substr(1, v.size() - 2);
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    return core::trim(v);
}

}  // namespace

LoadReport IndicatorSet::load_list(std::string_view text, std::string feed_name) {
    LoadReport report;
    report.format = "list";
    Context base;
    base.feed = std::move(feed_name);
    std::uint32_t base_context = impl_->intern(base);
    // Descriptions repeat ("Dark Caracal - ..."): one context per distinct one.
    std::unordered_map<std::string, std::uint32_t> by_description;
    std::size_t regexes = 0;

    CsvLayout csv;
    bool first = true;
    std::size_t line_no = 0;
    for (std::size_t pos = 0; pos < text.size();) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = core::trim(text.substr(pos, end - pos));
        pos = end + 1;
        ++line_no;
        if (line_no == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line = core::trim(line.substr(3));
        if (line.empty() || line.front() == '#' || line.substr(0, 2) == "//") continue;
        if (first) {
            first = false;
            csv = csv_header(line);
            if (csv.value >= 0) continue;
        }

        std::string value, description;
        if (csv.value >= 0) {
            auto fields = csv_fields(line);
            if (std::size_t(csv.value) >= fields.size()) {
                ++report.skipped;
                note_problem(report, "line " + std::to_string(line_no) + ": missing column");
                continue;
            }
            value = core::trim(fields[std::size_t(csv.value)]);
            if (csv.description >= 0 && std::size_t(csv.description) < fields.size())
                description = core::trim(fields[std::size_t(csv.description)]);
        } else {
            std::string_view v = line;
            std::string_view d;
            std::size_t sep = line.find_first_of("\t;,");
            if (sep != std::string_view::npos && line[sep] == '\t') {
                v = line.substr(0, sep);
                d = line.substr(sep + 1);
            } else if (sep != std::string_view::npos) {
                // "value;comment" unless the separator belongs to the value (a URL's query).
                std::string_view before = strip_decoration(line.substr(0, sep));
                std::string_view after = line.substr(sep + 1);
                auto type = infer_type(refang(before));
                // "https://x/a?b=1,2": a comma inside a URL, unless prose follows it.
                bool url_comma = type == IndicatorType::url && line[sep] == ',' && !prose(after);
                // THOR/LOKI filename IOCs: "regex;score".
                std::string_view a = core::trim(after);
                bool score = !a.empty() && a.size() <= 3 &&
                             a.find_first_not_of("0123456789") == std::string_view::npos;
                if ((type && !url_comma) || (!type && (looks_like_regex(before) || score))) {
                    v = before;
                    d = after;
                }
            }
            v = strip_decoration(v);
            if (!infer_type(refang(v)) && !looks_like_regex(v)) {
                // "1.2.3.4  # C2" or "evil.example  malware host": first word, rest comment.
                std::size_t space = v.find_first_of(" \t");
                if (space != std::string_view::npos && infer_type(refang(v.substr(0, space)))) {
                    d = v.substr(space + 1);
                    v = v.substr(0, space);
                }
            }
            d = core::trim(d);
            while (!d.empty() && (d.front() == '#' || d.front() == '/'))
                d = core::trim(d.substr(1));
            value = std::string(v);
            description = std::string(d);
        }

        std::string refanged = refang(value);
        auto type = infer_type(refanged);
        // THOR/LOKI filename IOCs are "regex;score": a path regex, not a file name.
        bool score = !description.empty() && description.size() <= 3 &&
                     description.find_first_not_of("0123456789") == std::string::npos;
        if ((looks_like_regex(value) || score) && (!type || type == IndicatorType::file_name)) {
            ++report.skipped;
            if (regexes++ == 0)
                note_problem(report, "line " + std::to_string(line_no) +
                                         ": regular expressions are not supported (skipped): '" +
                                         value.substr(0, 80) + "'");
            continue;
        }
        if (!type) {
            ++report.skipped;
            note_problem(report, "line " + std::to_string(line_no) + ": not an indicator: '" +
                                     value.substr(0, 80) + "'");
            continue;
        }
        std::uint32_t context = base_context;
        if (!description.empty()) {
            if (description.size() > 200) description.resize(200);
            auto it = by_description.find(description);
            if (it == by_description.end()) {
                Context c = base;
                c.description = description;
                it = by_description.emplace(description, impl_->intern(c)).first;
            }
            context = it->second;
        }
        add_counted(*impl_, report, *type, refanged, context);
    }
    if (regexes > 1)
        note_problem(report, std::to_string(regexes) + " regular-expression lines skipped in all");
    return report;
}

}  // namespace kagami::detect::intel
