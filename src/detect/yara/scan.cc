// Scanning with a compiled set: external variables per target, a bounded list of
// matches, and the findings they become.
#include <yara.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>

#include "core/text.h"
#include "detect/yara/impl.h"
#include "detect/yara/rules.h"

namespace kagami::detect::yara {
namespace {

/// The attack meta when a rule names none: a rule hit on mail content is evidence of
/// a spear-phishing attachment.
constexpr std::string_view kDefaultAttack = "T1566.001";

struct ScanState {
    std::vector<RuleMatch>* out;
};

std::string meta_text(const YR_META* meta) {
    switch (meta->type) {
        case META_TYPE_INTEGER:
            return std::to_string(meta->integer);
        case META_TYPE_BOOLEAN:
            return meta->integer ? "true" : "false";
        default:
            return meta->string ? meta->string : "";
    }
}

RuleMatch describe(YR_SCAN_CONTEXT* context, const YR_RULE* rule) {
    RuleMatch m;
    m.rule = rule->identifier ? rule->identifier : "";
    m.ns = rule->ns && rule->ns->name ? rule->ns->name : "";
    const char* tag;
    yr_rule_tags_foreach(rule, tag) m.tags.emplace_back(tag);
    const YR_META* meta;
    yr_rule_metas_foreach(rule, meta)
        m.meta.emplace_back(meta->identifier ? meta->identifier : "", meta_text(meta));
    const YR_STRING* string;
    yr_rule_strings_foreach(rule, string) {
        if (m.strings.size() >= kMaxStringsPerRule) break;
        // libyara 4.2 allocates matches unaligned in its notebook: read each one by
        // copy rather than through the pointer (yr_string_matches_foreach).
        const YR_MATCH* next = context->matches[string->idx].head;
        while (next) {
            YR_MATCH match;
            std::memcpy(&match, next, sizeof match);
            next = match.next;
            if (match.is_private) continue;
            char offset[32];
            std::snprintf(offset, sizeof offset, "0x%llx",
                          static_cast<unsigned long long>(match.base + match.offset));
            std::string_view data;
            if (match.data && match.data_length > 0)
                data = {reinterpret_cast<const char*>(match.data),
                        static_cast<std::size_t>(match.data_length)};
            m.strings.push_back(std::string(string->identifier ? string->identifier : "$") +
                                " at " + offset + ": " + printable_excerpt(data));
            break;  // the first match of each string says enough
        }
    }
    return m;
}

int on_scan_message(YR_SCAN_CONTEXT* context, int message, void* data, void* user_data) {
    auto* state = static_cast<ScanState*>(user_data);
    switch (message) {
        case CALLBACK_MSG_RULE_MATCHING:
            state->out->push_back(describe(context, static_cast<const YR_RULE*>(data)));
            return state->out->size() >= kMaxMatchedRules ? CALLBACK_ABORT : CALLBACK_CONTINUE;
        case CALLBACK_MSG_TOO_MANY_MATCHES:
            // One string matched too often: libyara stops collecting it; go on.
            return CALLBACK_CONTINUE;
        default:
            return CALLBACK_CONTINUE;
    }
}

bool is_attack_id(std::string_view s) {
    // T1234 or T1234.001
    if (s.size() != 5 && s.size() != 9) return false;
    if (s[0] != 'T' && s[0] != 't') return false;
    for (std::size_t i = 1; i < s.size(); ++i) {
        if (i == 5) {
            if (s[i] != '.') return false;
        } else if (!std::isdigit(static_cast<unsigned char>(s[i]))) {
            return false;
        }
    }
    return true;
}

std::vector<std::string> attack_ids(std::string_view text) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && (text[i] == ',' || text[i] == ';' || core::is_space(text[i])))
            ++i;
        std::size_t b = i;
        while (i < text.size() && text[i] != ',' && text[i] != ';' && !core::is_space(text[i])) ++i;
        std::string_view word = text.substr(b, i - b);
        if (is_attack_id(word)) {
            std::string id(word);
            id[0] = 'T';
            if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(std::move(id));
        }
    }
    return out;
}

}  // namespace

YR_SCANNER* RuleSet::Impl::take_scanner() {
    {
        std::lock_guard lock(pool_mutex);
        if (!idle.empty()) {
            YR_SCANNER* s = idle.back();
            idle.pop_back();
            return s;
        }
    }
    YR_SCANNER* s = nullptr;
    if (yr_scanner_create(rules, &s) != ERROR_SUCCESS) return nullptr;
    return s;
}

void RuleSet::Impl::give_back(YR_SCANNER* scanner) {
    std::lock_guard lock(pool_mutex);
    idle.push_back(scanner);
}

std::string loki_filetype(std::string_view kagami_type) {
    static constexpr std::pair<std::string_view, std::string_view> kMap[] = {
        {"exe", "EXE"},     {"dll", "DLL"},       {"sys", "SYS"},     {"vbscript", "VBS"},
        {"vbe", "VBE"},     {"jscript", "JS"},    {"jse", "JSE"},     {"powershell", "PS1"},
        {"batch", "BAT"},   {"wsf", "WSF"},       {"hta", "HTA"},     {"html", "HTML"},
        {"rtf", "RTF"},     {"doc", "DOC"},       {"xls", "XLS"},     {"ppt", "PPT"},
        {"msg", "MSG"},     {"lnk", "LNK"},       {"pdf", "PDF"},     {"zip", "ZIP"},
        {"iso9660", "ISO"}, {"udf", "ISO"},       {"7z", "7Z"},       {"rar", "RAR"},
        {"ole2", "OLE"},    {"script", "SCRIPT"}, {"message", "EML"}, {"text", "TXT"},
    };
    for (const auto& [from, to] : kMap)
        if (core::iequals(kagami_type, from)) return std::string(to);
    std::string out;
    for (char c : kagami_type)
        out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::string lower_extension(std::string_view name) {
    auto slash = name.find_last_of("/\\");
    if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
    auto dot = name.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 == name.size()) return {};
    return core::to_lower(name.substr(dot));
}

std::string printable_excerpt(std::string_view bytes) {
    bool wide = bytes.size() >= 4 && bytes.size() % 2 == 0;
    for (std::size_t i = 1; wide && i < bytes.size(); i += 2) wide = bytes[i] == 0;
    std::string out;
    static constexpr char kHex[] = "0123456789abcdef";
    std::size_t step = wide ? 2 : 1;
    for (std::size_t i = 0, shown = 0; i < bytes.size() && shown < kMaxExcerpt;
         i += step, ++shown) {
        auto c = static_cast<unsigned char>(bytes[i]);
        if (c >= 0x20 && c < 0x7F && c != '\\') {
            out += static_cast<char>(c);
        } else {
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

std::vector<RuleMatch> RuleSet::scan(const ScanTarget& target, int timeout_ms) const {
    std::vector<RuleMatch> out;
    YR_SCANNER* scanner = impl_->take_scanner();
    if (!scanner) return out;

    std::string name(target.name), path(target.path), type(target.type);
    std::string values[] = {
        name, path, lower_extension(target.name), loki_filetype(target.type), "", type, name, path};
    static_assert(std::size(values) == std::size(kStringExternals));
    bool ok = true;
    for (std::size_t i = 0; i < std::size(values); ++i)
        ok = ok &&
             yr_scanner_define_string_variable(scanner, std::string(kStringExternals[i]).c_str(),
                                               values[i].c_str()) == ERROR_SUCCESS;
    ok = ok && yr_scanner_define_boolean_variable(scanner, "kagami_decoded",
                                                  target.decoded ? 1 : 0) == ERROR_SUCCESS;
    if (ok) {
        ScanState state{&out};
        yr_scanner_set_callback(scanner, on_scan_message, &state);
        // libyara's timeout is in whole seconds.
        yr_scanner_set_timeout(scanner, std::max(1, (timeout_ms + 999) / 1000));
        yr_scanner_set_flags(scanner, SCAN_FLAGS_REPORT_RULES_MATCHING | SCAN_FLAGS_NO_TRYCATCH);
        // libyara 4.2 computes `entrypoint` only while it is undefined and never resets
        // it: a reused scanner would carry the previous buffer's.
        scanner->entry_point = YR_UNDEFINED;
        static const std::uint8_t kEmpty[1] = {0};
        const auto* data = target.bytes.empty()
                               ? kEmpty
                               : reinterpret_cast<const std::uint8_t*>(target.bytes.data());
        // A timeout or an aborted scan leaves what matched so far in `out`.
        (void)yr_scanner_scan_mem(scanner, data, target.bytes.size());
        yr_scanner_set_callback(scanner, nullptr, nullptr);
    }
    impl_->give_back(scanner);
    return out;
}

std::vector<Finding> findings_for(const std::vector<RuleMatch>& matches, const ScanTarget& target) {
    std::vector<Finding> out;
    for (const auto& m : matches) {
        Finding f;
        f.id = "yara." + m.rule;
        std::string description;
        std::vector<std::string> attack;
        for (const auto& [key, value] : m.meta) {
            if (description.empty() && (key == "description" || key == "desc")) description = value;
            if (attack.empty() && (key == "attack" || key == "mitre_att" || key == "technique" ||
                                   key == "mitre_attack" || key == "mitre"))
                attack = attack_ids(value);
        }
        f.title = description.empty() ? "Matches YARA rule " + m.rule : description;
        f.attack = attack.empty() ? std::vector<std::string>{std::string(kDefaultAttack)} : attack;
        f.evidence = m.ns + ":" + m.rule + " on " +
                     std::string(target.path.empty() ? target.name : target.path);
        if (target.decoded) f.evidence += " (decoded view)";
        if (!m.strings.empty()) {
            f.evidence += ": ";
            for (std::size_t i = 0; i < m.strings.size(); ++i)
                f.evidence += (i ? "; " : "") + m.strings[i];
        }
        f.where = std::string(target.path.empty() ? target.name : target.path);
        out.push_back(std::move(f));
    }
    return out;
}

}  // namespace kagami::detect::yara
