// iCalendar (RFC 5545) invitations: what the invite says (method, summary, organizer,
// attendees, start, location), every URL it carries, and any file embedded as a
// base64 ATTACH, which is handed back as a child. Ordinary invites with meeting links
// stay quiet; only a binary attachment is a finding.
#include "analyzers/ics/ics.h"

#include "analyzers/text_scan.h"
#include "core/text.h"

namespace kagami::analyzers {
namespace {

namespace ts = textscan;

constexpr FindingKind kAttachment{"ics.attachment",
                                  "A calendar invitation carries an embedded file", "T1566.001"};
constexpr FindingKind kTooManyLines{
    "limit.ics.lines", "The calendar has more lines than are read; the rest was not analysed",
    "T1027"};

constexpr std::size_t kMaxLines = 200'000;
constexpr std::size_t kMaxAttendees = 50;
constexpr std::size_t kMaxUrls = 200;

struct Param {
    std::string_view name;
    std::string_view value;  // quotes removed
};

struct Property {
    std::string_view name;
    std::vector<Param> params;
    std::string_view value;
};

// NAME *(;PARAM=VALUE) : VALUE, with quoted parameter values that may hold ':' and ';'.
Property parse_property(std::string_view line) {
    Property p;
    std::size_t i = 0;
    while (i < line.size() && line[i] != ';' && line[i] != ':') ++i;
    p.name = line.substr(0, i);
    while (i < line.size() && line[i] == ';' && p.params.size() < 64) {
        std::size_t start = ++i;
        while (i < line.size() && line[i] != '=' && line[i] != ';' && line[i] != ':') ++i;
        Param param{line.substr(start, i - start), {}};
        if (i < line.size() && line[i] == '=') {
            ++i;
            if (i < line.size() && line[i] == '"') {
                std::size_t close = line.find('"', i + 1);
                if (close == std::string_view::npos) close = line.size();
                param.value = line.substr(i + 1, close - i - 1);
                i = close < line.size() ? close + 1 : close;
                while (i < line.size() && line[i] != ';' && line[i] != ':') ++i;
            } else {
                std::size_t start_v = i;
                while (i < line.size() && line[i] != ';' && line[i] != ':') ++i;
                param.value = line.substr(start_v, i - start_v);
            }
        }
        p.params.push_back(param);
    }
    while (i < line.size() && line[i] != ':') ++i;  // more params than kept
    p.value = i < line.size() ? line.substr(i + 1) : std::string_view{};
    return p;
}

std::string_view param(const Property& p, std::string_view name) {
    for (const auto& q : p.params)
        if (core::iequals(q.name, name)) return q.value;
    return {};
}

// TEXT values escape '\n', '\,', '\;' and '\\' (RFC 5545 3.3.11).
std::string unescape_text(std::string_view v) {
    std::string out;
    out.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '\\' && i + 1 < v.size()) {
            char e = v[++i];
            out += (e == 'n' || e == 'N') ? '\n' : e;
        } else {
            out += v[i];
        }
    }
    return out;
}

std::string strip_mailto(std::string_view v) {
    if (core::istarts_with(v, "mailto:")) v.remove_prefix(7);
    return ts::clean(v, 512);
}

// A name for an embedded file: its FILENAME-like parameter, else one from its type.
std::string attachment_name(const Property& p) {
    for (auto key : {"FILENAME", "X-FILENAME", "X-APPLE-FILENAME", "X-ORACLE-FILENAME"})
        if (auto v = param(p, key); !v.empty()) return ts::clean(v, 255);
    if (auto type = param(p, "FMTTYPE"); !type.empty()) {
        std::string name = "attachment." + ts::clean(type.substr(type.find('/') + 1), 32);
        for (auto& c : name)
            if (!ts::is_ident(c) && c != '.' && c != '-') c = '_';
        return name;
    }
    return "attachment";
}

}  // namespace

bool IcsAnalyzer::sniff(std::string_view bytes) const {
    std::string head = ts::to_utf8_text(bytes.substr(0, 1024), 1024);
    std::string_view s = head;
    while (!s.empty() && core::is_space(s.front())) s.remove_prefix(1);
    return core::istarts_with(s, "BEGIN:VCALENDAR");
}

void IcsAnalyzer::analyze(const Input& in, Output& out) const {
    out.set_type("ics");
    std::string text = ts::to_utf8_text(in.bytes, out.context().limits().max_artifact_bytes);
    std::string_view s = text;

    ts::UrlCollector urls(kMaxUrls);
    std::size_t attendees = 0, lines = 0;
    // The innermost component: event fields inside VTIMEZONE or VALARM are not the event's.
    std::vector<std::string> components;
    bool saw_begin = false, saw_end = false, stop_children = false;
    std::string line;  // the current logical (unfolded) line
    std::size_t pos = 0;

    auto handle = [&](std::string_view l) {
        Property p = parse_property(l);
        std::string_view name = p.name;
        if (core::iequals(name, "BEGIN")) {
            saw_begin = saw_begin || core::iequals(core::trim(p.value), "VCALENDAR");
            if (components.size() < 64) components.push_back(core::to_lower(core::trim(p.value)));
            return;
        }
        if (core::iequals(name, "END")) {
            if (!components.empty()) components.pop_back();
            saw_end = saw_end || core::iequals(core::trim(p.value), "VCALENDAR");
            return;
        }
        const bool in_event = components.empty() || components.back() == "vevent" ||
                              components.back() == "vtodo" || components.back() == "vjournal" ||
                              components.back() == "vcalendar";
        if (!in_event && !core::iequals(name, "ATTACH") && !core::iequals(name, "DESCRIPTION") &&
            !core::iequals(name, "URL"))
            return;
        if (core::iequals(name, "METHOD")) {
            out.fact("ics.method", ts::clean(p.value, 64));
        } else if (core::iequals(name, "SUMMARY")) {
            out.fact("ics.summary", ts::clean(unescape_text(p.value), 1024));
        } else if (core::iequals(name, "ORGANIZER")) {
            out.fact("ics.organizer", strip_mailto(p.value));
        } else if (core::iequals(name, "ATTENDEE")) {
            if (++attendees <= kMaxAttendees) out.fact("ics.attendee", strip_mailto(p.value));
        } else if (core::iequals(name, "DTSTART")) {
            out.fact("ics.dtstart", ts::clean(p.value, 64));
        } else if (core::iequals(name, "LOCATION")) {
            std::string v = unescape_text(p.value);
            if (!core::trim(v).empty()) out.fact("ics.location", ts::clean(v, 1024));
            urls.scan(v);
        } else if (core::iequals(name, "DESCRIPTION") || core::iequals(name, "X-ALT-DESC") ||
                   core::iequals(name, "COMMENT")) {
            urls.scan(unescape_text(p.value));
        } else if (core::iequals(name, "URL")) {
            urls.add(std::string(core::trim(p.value)));
        } else if (core::iequals(name, "ATTACH")) {
            bool binary = core::iequals(param(p, "VALUE"), "BINARY") ||
                          core::iequals(param(p, "ENCODING"), "BASE64");
            if (!binary) {
                urls.add(std::string(core::trim(p.value)));
                return;
            }
            std::string bytes =
                ts::base64_decode(p.value, out.context().limits().max_artifact_bytes);
            std::string file_name = attachment_name(p);
            out.fact("ics.attachment", file_name + " (" + std::to_string(bytes.size()) + " bytes)");
            out.finding(kAttachment, file_name);
            if (stop_children || out.entries_exhausted()) return;
            if (!out.child(file_name, std::move(bytes))) stop_children = true;
        }
    };

    // Unfold: a line break followed by a space or tab continues the logical line.
    while (pos < s.size()) {
        if (++lines > kMaxLines || out.context().out_of_time()) {
            out.finding(kTooManyLines, std::to_string(kMaxLines));
            break;
        }
        auto nl = s.find('\n', pos);
        std::size_t end = nl == std::string_view::npos ? s.size() : nl;
        std::string_view physical = s.substr(pos, end - pos);
        if (!physical.empty() && physical.back() == '\r') physical.remove_suffix(1);
        pos = nl == std::string_view::npos ? s.size() : nl + 1;
        if (!physical.empty() && (physical.front() == ' ' || physical.front() == '\t')) {
            line.append(physical.substr(1));
            continue;
        }
        if (!line.empty()) handle(line);
        line.assign(physical);
    }
    if (!line.empty()) handle(line);

    if (attendees > 0) out.fact("ics.attendee_count", std::to_string(attendees));
    for (const auto& u : urls.urls()) out.fact("ics.url", u);
    if (!saw_begin)
        out.violation("no BEGIN:VCALENDAR");
    else if (!saw_end)
        out.violation("no END:VCALENDAR (truncated)");
}

}  // namespace kagami::analyzers
