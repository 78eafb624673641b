#include "detect/header/domain.h"

#include <libpsl.h>

#include <algorithm>
#include <array>
#include <unordered_map>

#include "core/text.h"

namespace kagami::detect {

std::string organisational_domain(std::string_view domain) {
    std::string d = core::to_lower(domain);
    while (!d.empty() && d.back() == '.') d.pop_back();
    // psl_latest() reads the system's list (Debian's publicsuffix package) and falls back to
    // the copy built into libpsl; it is loaded once and read-only afterwards.
    static const psl_ctx_t* psl = psl_latest(nullptr);
    if (!psl || d.empty()) return d;
    // A message asks about the same few hosts many times (every link, every hop, every
    // detector): a small per-thread memo saves most of libpsl's lookups.
    thread_local std::unordered_map<std::string, std::string> memo;
    if (auto it = memo.find(d); it != memo.end()) return it->second;
    if (memo.size() >= 4096) memo.clear();
    const char* reg = psl_registrable_domain(psl, d.c_str());
    std::string out = reg ? std::string(reg) : d;
    memo.emplace(std::move(d), out);
    return out;
}

bool is_mail_provider_host(std::string_view host) {
    static constexpr std::array<std::string_view, 14> kProviders = {
        "google.com",    "outlook.com",  "hotmail.com", "yahoo.com",    "yahoodns.net",
        "amazonses.com", "icloud.com",   "apple.com",   "me.com",       "zoho.com",
        "gmx.net",       "sendgrid.net", "mailgun.org", "microsoft.com"};
    std::string org = organisational_domain(host);
    return std::find(kProviders.begin(), kProviders.end(), org) != kProviders.end();
}

bool is_freemail(std::string_view domain) {
    // The services spear-phishers register throwaway senders at; Japanese carriers included
    // because lures are also sent from personal phones.
    static constexpr std::array<std::string_view, 58> kFreemail = {
        "126.com",       "163.com",        "aol.com",        "au.com",         "daum.net",
        "docomo.ne.jp",  "excite.co.jp",   "ezweb.ne.jp",    "fastmail.com",   "gmail.com",
        "gmx.com",       "gmx.de",         "gmx.net",        "googlemail.com", "hanmail.net",
        "hotmail.co.jp", "hotmail.co.uk",  "hotmail.com",    "i.softbank.jp",  "icloud.com",
        "inbox.ru",      "live.com",       "live.jp",        "mac.com",        "mail.com",
        "mail.ru",       "me.com",         "msn.com",        "naver.com",      "outlook.com",
        "outlook.jp",    "proton.me",      "protonmail.com", "qq.com",         "rambler.ru",
        "sina.com",      "softbank.ne.jp", "tutanota.com",   "web.de",         "yahoo.co.jp",
        "yahoo.co.uk",   "yahoo.com",      "yahoo.com.tw",   "yandex.com",     "yandex.ru",
        "ymail.com",     "zoho.com",       "zohomail.com",   "163.net",        "foxmail.com",
        "sohu.com",      "tuta.io",        "yeah.net",       "aliyun.com",     "139.com",
        "sina.cn",       "pm.me",          "protonmail.ch",
    };
    std::string d = core::to_lower(domain);
    return std::find(kFreemail.begin(), kFreemail.end(), d) != kFreemail.end();
}

bool names_organisation(std::string_view display_name, std::string* word) {
    // Japanese organisation suffixes and the English words organisations sign with.
    static constexpr std::array<std::string_view, 25> kJapanese = {
        "省",       "庁",   "機構", "研究所", "研究開発", "大学", "株式会社", "㈱",     "（株）",
        "(株)",     "銀行", "協会", "事務局", "事務所",   "新聞", "放送",     "委員会", "大使館",
        "センター", "本部", "財団", "法人",   "議員会館", "官邸", "内閣",
    };
    static constexpr std::array<std::string_view, 27> kEnglish = {
        "ministry",   "agency",        "embassy",   "university",  "institute",   "bank",
        "inc.",       "inc",           "corp",      "corporation", "ltd",         "co.,",
        "department", "council",       "committee", "government",  "association", "office",
        "affairs",    "secretariat",   "cabinet",   "foundation",  "support",     "security",
        "helpdesk",   "administrator", "team",
    };
    for (auto w : kJapanese) {
        if (display_name.find(w) != std::string_view::npos) {
            if (word) *word = std::string(w);
            return true;
        }
    }
    // English words must stand alone: "Bankston" is a person.
    std::string lower = core::to_lower(display_name);
    for (auto w : kEnglish) {
        for (std::size_t pos = lower.find(w); pos != std::string::npos;
             pos = lower.find(w, pos + 1)) {
            auto is_letter = [](char c) { return (c >= 'a' && c <= 'z'); };
            bool start_ok = pos == 0 || !is_letter(lower[pos - 1]);
            std::size_t end = pos + w.size();
            bool end_ok = end >= lower.size() || !is_letter(lower[end]);
            if (start_ok && end_ok) {
                if (word) *word = std::string(w);
                return true;
            }
        }
    }
    return false;
}

}  // namespace kagami::detect
