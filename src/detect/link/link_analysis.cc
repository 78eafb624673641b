#include "detect/link/link_analysis.h"

#include <libpsl.h>

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "core/normalize.h"
#include "core/text.h"
#include "detect/header/domain.h"

namespace kagami::detect::link {
namespace {

constexpr FindingKind kTextDomainMismatch{
    "link.text_domain_mismatch", "A link shows one web site in its text but goes to another",
    "T1566.002,T1036"};
constexpr FindingKind kIpHost{
    "link.ip_host", "A link goes to a bare IP address instead of a host name", "T1566.002"};
constexpr FindingKind kUserinfoHost{
    "link.userinfo_host",
    "A link puts a host name before an @, so the browser goes to the host after it",
    "T1566.002,T1036"};

constexpr std::size_t kMaxText = 512;      // anchor texts longer than this are not a URL
constexpr std::size_t kMaxEvidence = 200;  // bytes of the href quoted in evidence

bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_host_char(char c) {
    return is_alpha(c) || is_digit(c) || c == '-' || c == '.';
}

bool is_ascii(std::string_view s) {
    return std::none_of(s.begin(), s.end(), [](char c) { return (c & 0x80) != 0; });
}

/// The parts of an absolute web URL the checks need.
struct Url {
    std::string host;       ///< lower case, without port, brackets kept for IPv6
    std::string_view user;  ///< userinfo before '@', empty if none
    std::string_view rest;  ///< everything after the authority
    std::string_view path;  ///< from the first '/' after the authority, before '?'
    bool scheme = false;    ///< written with a scheme (not a bare "www." start)
};

/// "https://user@Host:443/p?q" -> its parts; nullopt for other schemes (mailto:, tel:,
/// cid:, javascript:) and relative references. A bare "www." start counts as http.
std::optional<Url> parse_url(std::string_view s) {
    s = core::trim(s);
    std::size_t p = 0;
    if (core::istarts_with(s, "https:"))
        p = 6;
    else if (core::istarts_with(s, "http:"))
        p = 5;
    else if (core::istarts_with(s, "ftp:"))
        p = 4;
    else if (!core::istarts_with(s, "www."))
        return std::nullopt;
    if (p) {
        // Browsers read backslashes as slashes and skip any number of them.
        std::size_t slashes = 0;
        while (p < s.size() && (s[p] == '/' || s[p] == '\\')) ++p, ++slashes;
        if (slashes == 0) return std::nullopt;
    }
    std::size_t end = s.find_first_of("/\\?#", p);
    if (end == std::string_view::npos) end = s.size();
    std::string_view authority = s.substr(p, end - p);
    Url url;
    url.scheme = p != 0;
    if (std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
        url.user = authority.substr(0, at);
        authority.remove_prefix(at + 1);
    }
    if (!authority.empty() && authority.front() == '[') {
        std::size_t close = authority.find(']');
        authority =
            authority.substr(0, close == std::string_view::npos ? authority.size() : close + 1);
    } else if (std::size_t colon = authority.find(':'); colon != std::string_view::npos) {
        authority = authority.substr(0, colon);
    }
    url.host = core::to_lower(authority);
    while (!url.host.empty() && url.host.back() == '.') url.host.pop_back();
    if (url.host.empty()) return std::nullopt;
    std::string_view rest = s.substr(end);
    url.rest = rest;
    std::size_t hash = rest.find('#');
    if (hash != std::string_view::npos) rest = rest.substr(0, hash);
    url.path = rest.substr(0, rest.find('?'));
    return url;
}

bool is_ipv4(std::string_view h) {
    int parts = 0;
    std::size_t i = 0;
    while (i <= h.size()) {
        std::size_t j = i;
        while (j < h.size() && is_digit(h[j])) ++j;
        if (j == i || j - i > 3) return false;
        ++parts;
        if (j == h.size()) break;
        if (h[j] != '.') return false;
        i = j + 1;
    }
    return parts == 4;
}

/// Browsers also read a host of one number, decimal or hex, as an IPv4 address:
/// http://3232235777/ and http://0xC0A80001/ both go to 192.168.0.1.
bool is_numeric_host(std::string_view h) {
    if (h.size() > 2 && h[0] == '0' && h[1] == 'x')
        return std::all_of(h.begin() + 2, h.end(), [](char c) { return core::hex_value(c) >= 0; });
    return h.size() >= 8 && std::all_of(h.begin(), h.end(), is_digit);
}

bool is_ip_literal(std::string_view h) {
    return is_ipv4(h) || is_numeric_host(h) ||
           (h.size() > 2 && h.front() == '[' && h.find(':') != h.npos);
}

/// Loopback, private and link-local addresses: test servers and routers that list mail
/// talks about, never a place a phishing page can be served to strangers from.
bool is_local_address(std::string_view h) {
    if (!is_ipv4(h)) return h == "[::1]" || core::istarts_with(h, "[fe80:");
    int a = 0, b = 0;
    std::size_t i = 0;
    for (; i < h.size() && h[i] != '.'; ++i) a = a * 10 + (h[i] - '0');
    for (++i; i < h.size() && h[i] != '.'; ++i) b = b * 10 + (h[i] - '0');
    return a == 0 || a == 10 || a == 127 || (a == 169 && b == 254) ||
           (a == 172 && b >= 16 && b <= 31) || (a == 192 && b == 168);
}

/// True when `tld` is on the Public Suffix List itself (not only by its "*" default rule).
bool is_known_tld(const std::string& tld) {
    static const psl_ctx_t* psl = psl_latest(nullptr);
    if (!psl) return false;
    return psl_is_public_suffix2(psl, tld.c_str(), PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) != 0;
}

/// Top-level domains that are also common file extensions: "install.sh", "README.md" and
/// "clip.mov" in an anchor name a file, not a site.
bool is_file_like_tld(std::string_view tld) {
    static constexpr std::array<std::string_view, 10> kTlds = {"zip", "mov", "py", "sh", "md",
                                                               "rs",  "ps",  "so", "cc", "pm"};
    return std::find(kTlds.begin(), kTlds.end(), tld) != kTlds.end();
}

/// A host name the way a reader would take one: dotted ASCII labels of letters, digits
/// and hyphens, with an alphabetic last label.
bool looks_like_hostname(std::string_view h) {
    if (h.size() < 4 || h.size() > 253 || h.find('.') == h.npos) return false;
    if (!std::all_of(h.begin(), h.end(), is_host_char)) return false;
    if (h.front() == '.' || h.front() == '-' || h.find("..") != h.npos) return false;
    std::string_view tld = h.substr(h.rfind('.') + 1);
    return tld.size() >= 2 && std::all_of(tld.begin(), tld.end(), is_alpha);
}

/// The host an anchor text shows, when the whole text is a URL or a domain name:
/// "https://www.paypal.com/signin", "www.amazon.co.jp", "mufg.jp", full-width forms
/// included. Empty for "Click here", "v2.0", "Node.js", "report.pdf" and the like.
std::string shown_host(std::string_view text) {
    text = core::trim(text);
    if (text.empty() || text.size() > kMaxText) return {};
    // Every host has a dot, ASCII or full-width: most anchor texts ("Click here",
    // "詳細はこちら") end here without folding.
    if (text.find('.') == text.npos && text.find("\xEF\xBC\x8E") == text.npos) return {};
    std::string folded;
    if (!is_ascii(text)) {
        // Full-width "ｗｗｗ．ａｍａｚｏｎ．ｃｏ．ｊｐ" reads as www.amazon.co.jp.
        folded = core::fold_for_match(text);
        if (!is_ascii(folded)) return {};  // a Unicode name: compared as punycode it would differ
        text = core::trim(folded);
    }
    // Brackets, quotes and sentence punctuation around the URL.
    while (!text.empty() && std::string_view("<([\"'").find(text.front()) != text.npos)
        text.remove_prefix(1);
    while (!text.empty() && std::string_view(">)]\"'.,;:!?").find(text.back()) != text.npos)
        text.remove_suffix(1);
    if (text.empty() || std::any_of(text.begin(), text.end(), core::is_space)) return {};

    if (auto url = parse_url(text)) {
        if (!looks_like_hostname(url->host)) return {};
        return std::move(url->host);
    }
    // A bare domain: "mufg.jp", "Amazon.co.jp/orders". A scheme-less word must end in a
    // real top-level domain, or a file name or version number would count.
    std::string host = core::to_lower(text.substr(0, text.find('/')));
    if (host.find('@') != host.npos || !looks_like_hostname(host)) return {};
    std::string tld = host.substr(host.rfind('.') + 1);
    if (is_file_like_tld(tld) || !is_known_tld(tld)) return {};
    return host;
}

/// Click-tracking, link-protection and redirect services: newsletters and filtered mail
/// show the real URL as the text and send every click through one of these hosts.
bool is_click_tracker(std::string_view org) {
    static constexpr std::array<std::string_view, 44> kTrackers = {
        "list-manage.com",   "mailchimp.com",
        "mcsv.net",          "sendgrid.net",
        "mandrillapp.com",   "mailgun.org",
        "mailgun.net",       "exacttarget.com",
        "rs6.net",           "constantcontact.com",
        "hubspotlinks.com",  "hubspot.com",
        "sparkpostmail.com", "createsend.com",
        "createsend1.com",   "cmail19.com",
        "cmail20.com",       "outlook.com",
        "proofpoint.com",    "urldefense.com",
        "mimecast.com",      "doubleclick.net",
        "awstrack.me",       "klaviyo.com",
        "klclick.com",       "mjt.lu",
        "sendibt2.com",      "sendinblue.com",
        "aweber.com",        "gr8.com",
        "icptrack.com",      "emltrk.com",
        "bmetrack.com",      "e2ma.net",
        "mlsend.com",        "convertkit-mail.com",
        "substack.com",      "linkedin.com",
        "facebook.com",      "t.co",
        "mktoweb.com",       "salesforce.com",
        "pardot.com",        "returnpath.net",
    };
    return std::find(kTrackers.begin(), kTrackers.end(), org) != kTrackers.end();
}

/// One percent-decoding pass, lower-cased: enough to see "https%3A%2F%2Fwww.x.com".
std::string decoded_lower(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        int hi, lo;
        if (s[i] == '%' && i + 2 < s.size() && (hi = core::hex_value(s[i + 1])) >= 0 &&
            (lo = core::hex_value(s[i + 2])) >= 0) {
            out.push_back(core::ascii_lower(static_cast<char>(hi * 16 + lo)));
            i += 2;
        } else {
            out.push_back(core::ascii_lower(s[i]));
        }
    }
    return out;
}

/// True when the href carries a URL of the shown site after its own host
/// ("...?url=https%3A%2F%2Fwww.x.com", ".../Clickthrough/1/*http://www.x.com"): a
/// redirector that ends where the text says. A bare "evil.example/www.x.com/" does not
/// count: that is the phisher's own page dressed up.
bool carries_url(std::string_view rest, std::string_view org) {
    if (rest.empty()) return false;
    auto carried = [&](const std::string& s) {
        std::size_t slashes = s.find("//");
        if (slashes == std::string::npos) return false;
        for (std::size_t p = s.find(org, slashes + 2); p != std::string::npos;
             p = s.find(org, p + 1)) {
            const char before = s[p - 1];
            const std::size_t end = p + org.size();
            if ((before == '/' || before == '.') && (end == s.size() || !is_host_char(s[end])))
                return true;
        }
        return false;
    };
    // Twice: trackers often encode an already encoded URL.
    std::string once = decoded_lower(rest);
    return carried(once) || carried(decoded_lower(once));
}

/// Click-tracking links of mailing services nobody has listed: "clickthru.example.com",
/// "/Click?q=...", "/mm/Clickthrough/...".
bool looks_like_click_tracker(std::string_view host, std::string_view path) {
    return core::ifind(host, "click") != std::string_view::npos ||
           core::ifind(path, "click") != std::string_view::npos;
}

/// Pictures: <img src> links carry the alt text, which names a brand, not a destination.
bool is_image_path(std::string_view path) {
    std::string p = core::to_lower(path.substr(path.size() > 8 ? path.size() - 8 : 0));
    for (std::string_view ext : {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".svg", ".ico"})
        if (p.size() >= ext.size() && p.compare(p.size() - ext.size(), ext.size(), ext) == 0)
            return true;
    return false;
}

std::string quoted(std::string_view href) {
    href = core::trim(href);
    if (href.size() <= kMaxEvidence) return std::string(href);
    // Cut on a UTF-8 character boundary.
    std::size_t n = kMaxEvidence;
    while (n > 0 && (static_cast<unsigned char>(href[n]) & 0xC0) == 0x80) --n;
    return std::string(href.substr(0, n)) + "...";
}

/// The first occurrence of one finding id and how many more there were.
struct Hit {
    std::string title, evidence, where;
    std::size_t count = 0;

    /// Counts one occurrence; true for the first, whose details the caller then sets.
    bool first() { return count++ == 0; }

    void emit(const FindingKind& kind, std::vector<Finding>& out) {
        if (count == 0) return;
        if (count > 1) evidence += " (+" + std::to_string(count - 1) + " more)";
        Finding f = make_finding(kind, std::move(evidence), std::move(where));
        f.title = std::move(title);
        out.push_back(std::move(f));
    }
};

}  // namespace

std::vector<Finding> analyze(const mime::Message& message) {
    Hit mismatch, ip, userinfo;
    for (const auto& link : message.links) {
        auto url = parse_url(link.url);
        if (!url) continue;

        // Pictures served from an address are common in old bulk mail and send no one anywhere.
        if (is_ip_literal(url->host) && !is_local_address(url->host) && !is_image_path(url->path) &&
            ip.first()) {
            ip.title = "A link goes to the bare IP address " + url->host;
            ip.evidence = quoted(link.url);
            ip.where = link.where;
        }

        if (url->scheme && !url->user.empty()) {
            // "http://www.bank.com@evil.example/": the part before @ poses as the host.
            std::string fake = core::to_lower(url->user.substr(0, url->user.find(':')));
            if (looks_like_hostname(fake) && is_known_tld(fake.substr(fake.rfind('.') + 1)) &&
                organisational_domain(fake) != organisational_domain(url->host) &&
                userinfo.first()) {
                userinfo.title = "A link shows " + fake + " before an @ but goes to " + url->host;
                userinfo.evidence = quoted(link.url);
                userinfo.where = link.where;
            }
        }

        if (link.text.empty() || link.text.size() > kMaxText) continue;
        std::string shown = shown_host(link.text);
        if (shown.empty()) continue;
        std::string shown_org = organisational_domain(shown);
        std::string real_org = organisational_domain(url->host);
        if (shown_org == real_org || is_click_tracker(real_org) ||
            carries_url(url->rest, shown_org) || looks_like_click_tracker(url->host, url->path) ||
            is_image_path(url->path))
            continue;
        if (mismatch.first()) {
            mismatch.title = "A link shows " + shown + " but goes to " + url->host;
            mismatch.evidence =
                "shows " + shown + ", goes to " + url->host + ": " + quoted(link.url);
            mismatch.where = link.where;
        }
    }
    std::vector<Finding> out;
    mismatch.emit(kTextDomainMismatch, out);
    ip.emit(kIpHost, out);
    userinfo.emit(kUserinfoHost, out);
    return out;
}

}  // namespace kagami::detect::link
