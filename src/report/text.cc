#include <fmt/format.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "core/text.h"
#include "detect/header/received.h"
#include "report/report.h"

namespace kagami::report {
namespace {

std::string human_size(std::size_t n) {
    if (n < 1024) return fmt::format("{} B", n);
    if (n < 1024 * 1024) return fmt::format("{:.1f} KB", n / 1024.0);
    return fmt::format("{:.1f} MB", n / (1024.0 * 1024.0));
}

std::string addr(const mime::MailAddress& a) {
    if (a.display_name.empty()) return a.address;
    return a.display_name + " <" + a.address + ">";
}

std::string addr_list(const std::vector<mime::MailAddress>& list, std::size_t max = 5) {
    std::string out;
    for (std::size_t i = 0; i < list.size() && i < max; ++i) {
        if (i) out += ", ";
        out += addr(list[i]);
    }
    if (list.size() > max) out += fmt::format(" (+{} more)", list.size() - max);
    return out;
}

// One line per part, indented by depth, so the tree reads at a glance.
void parts_tree(const mime::Part& p, int depth, std::string& out) {
    std::string line =
        fmt::format("  {:<10} {}{}", p.path, std::string(2 * depth, ' '), p.content_type);
    std::string cs = p.text_charset.empty() ? p.charset : p.text_charset;
    if (!cs.empty()) line += "; " + cs + (p.charset_detected ? " (detected)" : "");
    if (!p.filename.empty()) line += fmt::format("  \"{}\"", p.filename);
    if (!p.is_multipart() && !p.embedded) line += "  " + human_size(p.body.size());
    out += core::sanitize_utf8(line) + "\n";
    for (const auto& c : p.children) parts_tree(c, depth + 1, out);
    if (p.embedded) {
        out += core::sanitize_utf8(fmt::format(
            "  {:<10} {}message: \"{}\" from {}\n", "", std::string(2 * depth + 2, ' '),
            p.embedded->subject, p.embedded->from.empty() ? "?" : addr(p.embedded->from.front())));
        parts_tree(p.embedded->root, depth + 1, out);
    }
}

}  // namespace

std::string to_text(const ScanResult& r) {
    const auto& m = r.message;
    std::string out;
    auto row = [&](std::string_view label, const std::string& value) {
        if (!value.empty()) out += core::sanitize_utf8(fmt::format("{:<9}{}\n", label, value));
    };
    out += fmt::format("== {}{}\n", r.path, r.index >= 0 ? fmt::format(" #{}", r.index) : "");
    row("verdict", fmt::format("{} (score {:.1f})", verdict_name(r.verdict), r.score));
    auto why = explain(r);
    for (std::size_t i = 0; i < why.size(); ++i)
        out += core::sanitize_utf8(fmt::format("{:<9}{}\n", i == 0 ? "why" : "", why[i]));
    row("message", fmt::format("{}  {}", r.message_id, human_size(r.size)));
    row("from", m.from.empty() ? "(none)" : addr_list(m.from));
    row("reply-to", addr_list(m.reply_to));
    row("to", addr_list(m.to));
    row("cc", addr_list(m.cc));
    if (r.headers.date) {
        std::string d = detect::iso8601_utc(r.headers.date->utc);
        if (r.headers.date->offset_known)
            d += " (sent as " + detect::format_utc_offset(r.headers.date->offset_minutes);
        else
            d += " (no zone";
        if (r.headers.sender_offset_minutes)
            d += "; first server " + detect::format_utc_offset(*r.headers.sender_offset_minutes);
        d += ")";
        row("date", d);
    } else {
        row("date", m.date_raw.empty() ? "(none)" : m.date_raw + " (unreadable)");
    }
    row("subject", m.subject);
    out += "parts\n";
    parts_tree(m.root, 0, out);
    if (m.lenient) {
        out += "parts as a lenient mail client reads them\n";
        parts_tree(m.lenient->root, 0, out);
    }
    if (!r.headers.hops.empty()) {
        out += fmt::format("route    {} hops\n", r.headers.hops.size());
        for (const auto& hop : r.headers.hops) {
            std::string line = fmt::format(
                "  {} [{}] -> {}", hop.from_host.empty() ? "?" : hop.from_host,
                hop.from_ip.empty() ? "?" : hop.from_ip, hop.by_host.empty() ? "?" : hop.by_host);
            if (hop.date) {
                line += "  " + detect::iso8601_utc(hop.date->utc);
                if (hop.date->offset_known)
                    line += " " + detect::format_utc_offset(hop.date->offset_minutes);
            }
            out += core::sanitize_utf8(line) + "\n";
        }
    }
    if (!m.links.empty()) {
        constexpr std::size_t kShown = 10;
        out += fmt::format("links    {}\n", m.links.size());
        for (std::size_t i = 0; i < m.links.size() && i < kShown; ++i) {
            const auto& l = m.links[i];
            std::string line = "  " + l.url;
            if (!l.text.empty() && l.text != l.url)
                line += "  (shown as \"" + l.text.substr(0, 80) + "\")";
            if (l.hidden) line += "  [hidden]";
            out += core::sanitize_utf8(line) + "\n";
        }
        if (m.links.size() > kShown) out += fmt::format("  ... {} more\n", m.links.size() - kShown);
    }
    if (!r.artifacts.empty()) {
        out += fmt::format("files    {}\n", r.artifacts.size());
        for (const auto& a : r.artifacts) {
            // Indentation shows the nesting, so each line names only the file itself.
            std::string_view leaf = a.path;
            if (auto sep = leaf.rfind(analyzers::kPathSeparator); sep != std::string_view::npos)
                leaf.remove_prefix(sep + analyzers::kPathSeparator.size());
            out += core::sanitize_utf8(fmt::format("  {}{}  {}  {}  sha256 {}\n",
                                                   std::string(2 * a.depth, ' '), leaf, a.type,
                                                   human_size(a.size), a.sha256));
            // One line per fact name, first value only: a macro's source and a shortcut's
            // item list are for the JSON, not the terminal.
            std::vector<std::pair<std::string_view, std::size_t>> names;  // name, first index
            std::vector<std::size_t> counts;
            for (std::size_t i = 0; i < a.facts.size(); ++i) {
                auto it = std::find_if(names.begin(), names.end(),
                                       [&](const auto& n) { return n.first == a.facts[i].name; });
                if (it == names.end()) {
                    names.emplace_back(a.facts[i].name, i);
                    counts.push_back(1);
                } else {
                    ++counts[static_cast<std::size_t>(it - names.begin())];
                }
            }
            for (std::size_t k = 0; k < names.size(); ++k) {
                const auto& value = a.facts[names[k].second].value;
                auto shown = value.substr(0, std::min<std::size_t>(value.find('\n'), 100));
                if (shown.size() < value.size()) shown += " ...";
                if (counts[k] > 1) shown += fmt::format("  (+{} more)", counts[k] - 1);
                out += core::sanitize_utf8(fmt::format(
                    "  {}  {} = {}\n", std::string(2 * a.depth, ' '), names[k].first, shown));
            }
        }
    }
    if (r.findings.empty()) {
        out += "findings none\n";
    } else {
        out += "findings\n";
        for (const auto& f : r.findings) {
            std::string attack;
            for (const auto& a : f.attack) attack += (attack.empty() ? " [" : ", ") + a;
            if (!attack.empty()) attack += "]";
            out += core::sanitize_utf8(
                fmt::format("  {:+5.1f}  {}: {}{}\n", f.weight, f.id, f.title, attack));
            if (!f.evidence.empty())
                out += core::sanitize_utf8(fmt::format("         {}{}\n",
                                                       f.where.empty() ? "" : f.where + ": ",
                                                       f.evidence.substr(0, 300)));
        }
    }
    return out;
}

}  // namespace kagami::report
