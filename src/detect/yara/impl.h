// Internals shared by the yara/*.cc files. yara.h is not included here: the libyara
// types are only forward-declared.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "detect/yara/rules.h"

struct YR_RULES;
struct YR_SCAN_CONTEXT;  // YR_SCANNER is a typedef of it

namespace kagami::detect::yara {

/// Calls yr_initialize once per process; never finalizes (rules may live until exit).
/// False when libyara could not start.
bool ensure_initialized();

/// The external variables every rule may use, defined on each compiler with these
/// defaults and set per scan.
inline constexpr std::string_view kStringExternals[] = {"filename",    "filepath",   "extension",
                                                        "filetype",    "owner",      "kagami_type",
                                                        "kagami_name", "kagami_path"};
inline constexpr std::string_view kBoolExternals[] = {"kagami_decoded"};

/// Scan-time limits: a hostile rule/file pair cannot make a scan's result unbounded.
inline constexpr std::size_t kMaxMatchedRules = 64;
inline constexpr std::size_t kMaxStringsPerRule = 4;
inline constexpr std::size_t kMaxExcerpt = 64;

struct RuleSet::Impl {
    YR_RULES* rules = nullptr;
    std::size_t rule_count = 0;

    // Scanners are costly to create (they size tables by the number of strings):
    // idle ones wait here; a scan takes one and gives it back.
    std::mutex pool_mutex;
    std::vector<YR_SCAN_CONTEXT*> idle;

    ~Impl();
    YR_SCAN_CONTEXT* take_scanner();
    void give_back(YR_SCAN_CONTEXT* scanner);
};

/// LOKI-style "filetype" for a kagami artifact type: "EXE", "DLL", "VBS", "RTF", ...
std::string loki_filetype(std::string_view kagami_type);

/// ".exe" from "Invoice.PDF.exe"; empty when the name has no extension.
std::string lower_extension(std::string_view name);

/// Up to kMaxExcerpt bytes, printable ASCII kept, the rest as \xNN; UTF-16LE text
/// (every odd byte zero) is shown as its characters.
std::string printable_excerpt(std::string_view bytes);

}  // namespace kagami::detect::yara
