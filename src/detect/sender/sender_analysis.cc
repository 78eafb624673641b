#include "detect/sender/sender_analysis.h"

#include <algorithm>
#include <array>
#include <optional>
#include <unordered_set>

#include "core/normalize.h"
#include "core/text.h"
#include "detect/header/domain.h"
#include "detect/sender/directory_impl.h"
#include "detect/sender/lookalike.h"
#include "detect/sender/signature.h"

namespace kagami::detect::sender {
namespace {

constexpr FindingKind kDisplayName{
    "sender.impersonation.display_name",
    "The display name claims a known organisation but the address is free mail or a "
    "look-alike domain",
    "T1656,T1566.001,T1585.002"};
constexpr FindingKind kDisplayNameOther{
    "sender.impersonation.display_name_other_domain",
    "The display name claims a known organisation but the mail comes from an unrelated domain",
    "T1656,T1566.001"};
constexpr FindingKind kBrand{
    "sender.impersonation.brand",
    "The display name is a well-known brand but the mail comes from an unrelated domain",
    "T1656,T1566.002"};
constexpr FindingKind kSignature{
    "sender.impersonation.signature",
    "The signature gives a known organisation as the sender's affiliation but the sender's "
    "domain is not the organisation's",
    "T1656,T1566.001"};
constexpr FindingKind kLookalike{"sender.lookalike_domain",
                                 "A domain is made to look like a known organisation's",
                                 "T1583.001,T1566.002,T1036"};
constexpr FindingKind kFreemail{"sender.freemail", "The sender writes from a free-mail service",
                                "T1585.002"};
constexpr FindingKind kTimezone{
    "sender.timezone_unexpected",
    "The message was written in another time zone than the Japanese organisation it claims "
    "to come from",
    "T1656"};

// Distinct domains looked at per message: the handful in the headers and the link hosts.
constexpr std::size_t kMaxDomains = 64;
// Look-alike findings per message: the first few tell the story.
constexpr std::size_t kMaxLookalikeFindings = 5;

constexpr int kJapanOffset = 540;

std::string host_of_url(std::string_view url) {
    url = core::trim(url);
    if (core::istarts_with(url, "mailto:")) {
        url.remove_prefix(7);
        return mime::address_domain(url.substr(0, url.find('?')));
    }
    std::size_t scheme = url.find("://");
    if (scheme != std::string_view::npos && scheme < 16)
        url.remove_prefix(scheme + 3);
    else if (!core::istarts_with(url, "www."))
        return {};
    url = url.substr(0, url.find_first_of("/?#\\"));
    if (auto at = url.rfind('@'); at != std::string_view::npos) url.remove_prefix(at + 1);
    if (!url.empty() && url.front() == '[') return {};  // IPv6 literal
    url = url.substr(0, url.find(':'));
    return std::string(url);
}

// A mailing list's copy: List-Id or List-Post, or From rewritten to "'Name' via List".
bool is_mailing_list(const mime::Message& msg, const mime::MailAddress& from) {
    for (const auto& h : msg.headers) {
        if (h.name.size() != 7 && h.name.size() != 9) continue;
        if (core::iequals(h.name, "List-Id") || core::iequals(h.name, "List-Post")) return true;
    }
    return core::ifind(from.display_name, " via ") != std::string::npos;
}

bool is_bulk(const mime::Message& msg, const mime::MailAddress& from) {
    for (const auto& h : msg.headers) {
        if (h.name.size() < 7 || h.name.size() > 16) continue;
        if (core::iequals(h.name, "List-Id") || core::iequals(h.name, "List-Unsubscribe") ||
            core::iequals(h.name, "List-Post") || core::iequals(h.name, "Feedback-ID"))
            return true;
        if (core::iequals(h.name, "Precedence")) {
            std::string v = core::to_lower(core::trim(h.raw));
            if (v == "bulk" || v == "list" || v == "junk") return true;
        }
    }
    // Mailing lists rewrite From to "'Name' via List <list@...>".
    return core::ifind(from.display_name, " via ") != std::string::npos;
}

const mime::Part* first_text(const mime::Part& p, std::string_view type, int depth = 0) {
    if (depth > 64) return nullptr;
    if (!p.is_attachment() && !p.text.empty() && p.content_type == type) return &p;
    for (const auto& c : p.children)
        if (const mime::Part* f = first_text(c, type, depth + 1)) return f;
    return nullptr;
}

std::string first_hop_host(const HeaderAnalysis& headers) {
    // The same hop analyze_headers took sender_offset_minutes from.
    if (headers.hops.size() < 2) return {};
    std::string receiver = organisational_domain(headers.hops.back().by_host);
    for (std::size_t i = 0; i + 1 < headers.hops.size(); ++i) {
        const auto& hop = headers.hops[i];
        if (!hop.date || !hop.date->offset_known) continue;
        if (!receiver.empty() && organisational_domain(hop.by_host) == receiver) continue;
        return hop.by_host;
    }
    return {};
}

class Analysis {
public:
    Analysis(const mime::Message& msg, const HeaderAnalysis& headers, const Directory& dir)
        : msg_(msg), headers_(headers), dir_(dir), impl_(dir.impl()) {}

    std::vector<Finding> run() {
        if (!msg_.from.empty()) {
            from_ = &msg_.from.front();
            from_domain_ = normalise_domain(mime::address_domain(from_->address));
            from_free_ = !from_domain_.empty() && is_freemail(organisational_domain(from_domain_));
            bulk_ = is_bulk(msg_, *from_);
            mailing_list_ = is_mailing_list(msg_, *from_);
        }
        lookalikes();
        display_name();
        signature();
        if (from_free_) out_.push_back(make_finding(kFreemail, from_->address, "From"));
        time_zone();
        // Evidence quotes headers as they came (a Received host may hold any byte).
        for (auto& f : out_) {
            f.evidence = core::sanitize_utf8(f.evidence);
            f.title = core::sanitize_utf8(f.title);
        }
        return std::move(out_);
    }

private:
    // The organisation really stands behind the message: its domain signed it (DKIM), or
    // it is the envelope sender or Sender: an ESP or secretary sending on its behalf.
    // `envelope` false: only a DKIM signature counts, since Return-Path and Sender are
    // whatever the sender wrote and no ministry sends through free mail.
    bool delegated_by(std::size_t org, bool envelope) const {
        if (envelope &&
            impl_.belongs_to(normalise_domain(mime::address_domain(msg_.return_path)), org))
            return true;
        for (const auto& s : msg_.sender)
            if (envelope &&
                impl_.belongs_to(normalise_domain(mime::address_domain(s.address)), org))
                return true;
        if (headers_.auth)
            for (const auto& r : headers_.auth->results) {
                if (r.method != "dkim" || r.result != "pass") continue;
                for (const auto& [k, v] : r.properties)
                    if ((k == "header.d" || k == "header.i") &&
                        impl_.belongs_to(normalise_domain(mime::address_domain(v).empty()
                                                              ? v
                                                              : mime::address_domain(v)),
                                         org))
                        return true;
            }
        return false;
    }

    void lookalikes() {
        std::vector<std::pair<std::string, std::string>> seen;  // domain, where
        std::unordered_set<std::string> raw_seen;
        auto add = [&](std::string_view raw, const char* where) {
            if (raw.empty() || seen.size() >= kMaxDomains) return;
            // Links repeat hosts: skip the same spelling before normalising it.
            if (!raw_seen.emplace(raw).second) return;
            std::string domain = normalise_domain(raw);
            if (domain.empty()) return;
            for (const auto& s : seen)
                if (s.first == domain) return;
            seen.emplace_back(std::move(domain), where);
        };
        if (from_) add(from_domain_, "From");
        for (const auto& a : msg_.reply_to) add(mime::address_domain(a.address), "Reply-To");
        add(mime::address_domain(msg_.return_path), "Return-Path");
        for (const auto& a : msg_.sender) add(mime::address_domain(a.address), "Sender");
        for (const auto& l : msg_.links) add(host_of_url(l.url), "link");

        std::size_t reported = 0;
        for (const auto& [domain, where] : seen) {
            auto hit = find_lookalike(impl_, domain);
            if (!hit) continue;
            if (where == std::string("From")) from_lookalike_ = hit;
            if (reported++ >= kMaxLookalikeFindings) continue;
            const Organisation& org = impl_.orgs[hit->org];
            Finding f = make_finding(
                kLookalike,
                domain + " resembles " + hit->domain + " (" + org.name + "): " + hit->how, where);
            bool link = where == std::string("link");
            f.title = (link ? std::string("A link goes to a domain") : "The " + where + " domain") +
                      " made to look like " + hit->domain + " of " + org.name;
            out_.push_back(std::move(f));
        }
    }

    void display_name() {
        if (!from_ || from_->display_name.empty() || from_domain_.empty()) return;
        // "™" folds to "tm" and would glue itself to the name ("McAfee™").
        std::string name = from_->display_name.substr(0, 1024);
        for (std::size_t p = name.find("\u2122"); p != std::string::npos;
             p = name.find("\u2122", p))
            name.replace(p, 3, " ");
        std::string folded = core::fold_for_match(name);
        std::vector<NameMatch> matches = impl_.find_names(folded);
        std::vector<std::size_t> orgs;
        for (const auto& m : matches) {
            if (std::find(orgs.begin(), orgs.end(), m.org) != orgs.end()) continue;
            // A brand is the sender only when the display name is the brand itself.
            if (impl_.brand[m.org] && !impl_.brand_alone(folded, matches, m.org)) continue;
            orgs.push_back(m.org);
        }
        if (orgs.empty()) return;
        for (std::size_t o : orgs)
            if (impl_.belongs_to(from_domain_, o)) {
                real_org_ = o;
                return;  // the claim is the sender's own organisation
            }
        for (std::size_t o : orgs) {
            if (delegated_by(o, !from_free_ && !from_lookalike_)) return;
        }
        // The role addresses of a mail service are the service's own (its bounces come
        // from "Microsoft Outlook <postmaster@outlook.com>"); no user can register them.
        std::string local = core::to_lower(from_->address.substr(0, from_->address.find('@')));
        if (local == "postmaster" || local == "mailer-daemon") return;
        std::size_t o = orgs.front();
        const Organisation& org = impl_.orgs[o];
        bool brand = impl_.brand[o];
        std::string evidence = from_->display_name + " <" + from_->address + ">";
        if (from_free_ || from_lookalike_) {
            Finding f = make_finding(kDisplayName, evidence, "From");
            f.title = "The display name claims " + org.name + " but the address is " +
                      (from_free_ ? "free mail (" + organisational_domain(from_domain_) + ")"
                                  : "on a look-alike domain (" + from_domain_ + ")");
            out_.push_back(std::move(f));
        } else {
            // Newsletters and lists sent through other domains. A brand's own newsletter
            // comes from its domain (DMARC alignment), so for a brand only a real mailing
            // list excuses it: List-Unsubscribe and Feedback-ID are in every spam kit.
            if (brand ? mailing_list_ : bulk_) return;
            Finding f = make_finding(brand ? kBrand : kDisplayNameOther, evidence, "From");
            f.title = "The display name " + std::string(brand ? "is " : "claims ") + org.name +
                      " but the mail comes from " + organisational_domain(from_domain_);
            out_.push_back(std::move(f));
        }
        claimed_.push_back(o);
    }

    void signature() {
        if (!from_ || from_domain_.empty()) return;
        if (bulk_ && !from_free_) return;
        // The sender's own text: the first text/plain part (else text/html), not one of an
        // attached message, whose signature is someone else's.
        const mime::Part* part = first_text(msg_.root, "text/plain");
        if (!part) part = first_text(msg_.root, "text/html");
        if (!part) return;
        for (const auto& a : signature_affiliations(impl_, part->text)) {
            // People mention Amazon and Microsoft in their signatures; brands are claimed
            // in the display name or not at all.
            if (impl_.brand[a.org]) continue;
            if (impl_.belongs_to(from_domain_, a.org)) return;  // a real member
            if (std::find(claimed_.begin(), claimed_.end(), a.org) != claimed_.end()) return;
            if (real_org_ && *real_org_ == a.org) return;
            if (delegated_by(a.org, !from_free_ && !from_lookalike_)) continue;
            const Organisation& org = impl_.orgs[a.org];
            Finding f =
                make_finding(kSignature, a.line + " (From " + from_->address + ")", part->path);
            f.title = "The signature gives " + org.name + " as the sender's affiliation but " +
                      "the mail comes from " + organisational_domain(from_domain_);
            out_.push_back(std::move(f));
            claimed_.push_back(a.org);
            return;
        }
    }

    void time_zone() {
        if (!from_) return;
        std::string hop_host = first_hop_host(headers_);
        std::optional<int> hop;
        if (headers_.sender_offset_minutes && !is_mail_provider_host(hop_host))
            hop = headers_.sender_offset_minutes;
        std::optional<int> date;
        if (headers_.date && headers_.date->offset_known) date = headers_.date->offset_minutes;
        // UTC is what servers, cloud mail and scripts on rented hosts stamp: not a place.
        auto foreign = [](int m) { return m != kJapanOffset && m != 0; };

        // Brands are global: where their mail is written says nothing.
        claimed_.erase(std::remove_if(claimed_.begin(), claimed_.end(),
                                      [&](std::size_t o) { return impl_.brand[o]; }),
                       claimed_.end());
        if (!claimed_.empty()) {
            // The Date header is the writer's own clock. When it is missing, the first
            // server's; when both are there and differ, header.timezone_mismatch speaks.
            std::string seen;
            if (date && foreign(*date))
                seen = "Date " + format_utc_offset(*date);
            else if (!date && hop && foreign(*hop))
                seen = "first server " + hop_host + " " + format_utc_offset(*hop);
            if (seen.empty()) return;
            const Organisation& org = impl_.orgs[claimed_.front()];
            Finding f =
                make_finding(kTimezone, "claims " + org.name + "; expected +0900, " + seen, "Date");
            f.title = "The message claims to come from " + org.name +
                      " (+0900) but was written in another time zone";
            out_.push_back(std::move(f));
            return;
        }
        // A Japanese domain: travel is normal, so the writer's clock alone says little; but
        // a first server (not a global provider) that keeps the same foreign time is a
        // machine abroad sending as the Japanese domain.
        const Organisation* owner = dir_.owner_of(from_domain_);
        bool japanese = (from_domain_.size() > 3 &&
                         from_domain_.compare(from_domain_.size() - 3, 3, ".jp") == 0) ||
                        (real_org_ && !impl_.brand[*real_org_]) ||
                        (owner && owner->kind != "brand");
        if (!japanese || from_free_ || !date || !hop || *date != *hop || !foreign(*date)) return;
        // The organisation's own server abroad (a branch office) is not a stranger.
        if (organisational_domain(hop_host) == organisational_domain(from_domain_)) return;
        Finding f = make_finding(kTimezone,
                                 "From " + from_domain_ + "; Date " + format_utc_offset(*date) +
                                     ", first server " + hop_host + " " + format_utc_offset(*hop),
                                 "Date");
        f.title =
            "A Japanese sender's message was written and first sent in a time zone far from Japan";
        out_.push_back(std::move(f));
    }

    const mime::Message& msg_;
    const HeaderAnalysis& headers_;
    const Directory& dir_;
    const Directory::Impl& impl_;
    std::vector<Finding> out_;
    const mime::MailAddress* from_ = nullptr;
    std::string from_domain_;
    bool from_free_ = false;
    bool bulk_ = false;
    bool mailing_list_ = false;
    std::optional<Lookalike> from_lookalike_;
    std::optional<std::size_t> real_org_;
    std::vector<std::size_t> claimed_;  ///< organisations claimed and not backed by the domain
};

}  // namespace

std::vector<Finding> analyze(const mime::Message& message, const HeaderAnalysis& headers,
                             const Directory& directory) {
    return Analysis(message, headers, directory).run();
}

}  // namespace kagami::detect::sender
