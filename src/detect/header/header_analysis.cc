#include "detect/header/header_analysis.h"

#include <cstdlib>

#include "core/text.h"
#include "detect/header/domain.h"

namespace kagami::detect {
namespace {

constexpr FindingKind kReplyToMismatch{
    "header.reply_to_mismatch", "Replies go to a different domain than the sender's", "T1566"};
constexpr FindingKind kReplyToFreemail{
    "header.reply_to_freemail",
    "Replies go to a free-mail address while the sender's domain is not free mail",
    "T1566,T1585.002"};
constexpr FindingKind kReturnPathMismatch{
    "header.return_path_mismatch",
    "The envelope sender (Return-Path) is in another domain than From", "T1672"};
constexpr FindingKind kOrgNameFreemail{
    "header.display_name_org_freemail",
    "The display name names an organisation but the address is free mail", "T1656,T1585.002"};
constexpr FindingKind kNameHoldsOtherAddress{
    "header.display_name_address_mismatch",
    "The display name shows an address in another domain than the real sender", "T1656,T1672"};
constexpr FindingKind kSpfFail{
    "auth.spf_fail", "SPF failed: the sending host is not allowed for the domain", "T1672"};
constexpr FindingKind kSpfSoftfail{"auth.spf_softfail", "SPF soft-failed for the sending domain",
                                   "T1672"};
constexpr FindingKind kDkimFail{"auth.dkim_fail", "The DKIM signature did not verify", "T1672"};
constexpr FindingKind kDmarcFail{
    "auth.dmarc_fail", "DMARC failed: From is not aligned with an authenticated domain", "T1672"};
constexpr FindingKind kArcFail{"auth.arc_fail", "The ARC chain did not verify", "T1672"};
constexpr FindingKind kTimezoneMismatch{
    "header.timezone_mismatch",
    "The Date header's time zone differs from the sender's first mail server", "T1036"};
constexpr FindingKind kDateMissing{"header.date_missing", "No Date header", "T1566"};
constexpr FindingKind kDateInvalid{"header.date_invalid",
                                   "The Date header cannot be read as a date", "T1566"};
constexpr FindingKind kDateFuture{
    "header.date_future", "The Date header is more than a day later than the first server's time",
    "T1566"};
constexpr FindingKind kMessageIdMissing{"header.message_id_missing", "No Message-ID header",
                                        "T1566"};
constexpr FindingKind kFromMissing{"header.from_missing", "No sender address in From", "T1672"};
constexpr FindingKind kFromMultiple{"header.from_multiple", "Several From headers or addresses",
                                    "T1672"};

std::string describe(const mime::MailAddress& a) {
    if (a.display_name.empty()) return a.address;
    return a.display_name + " <" + a.address + ">";
}

void analyze_sender(const mime::Message& msg, HeaderAnalysis& out) {
    auto push = [&](const FindingKind& k, std::string evidence, const char* where) {
        out.findings.push_back(make_finding(k, std::move(evidence), where));
    };
    if (msg.from.empty() || msg.from.front().address.empty()) {
        push(kFromMissing, msg.header("From") ? msg.header("From")->raw : "", "From");
        return;
    }
    if (msg.from.size() > 1 || msg.headers_named("From").size() > 1)
        push(kFromMultiple, msg.header("From")->raw, "From");

    const auto& from = msg.from.front();
    std::string from_domain = mime::address_domain(from.address);
    std::string from_org = organisational_domain(from_domain);
    bool from_free = is_freemail(from_domain);

    for (const auto& rt : msg.reply_to) {
        std::string d = mime::address_domain(rt.address);
        if (d.empty() || organisational_domain(d) == from_org) continue;
        std::string evidence = "From " + from.address + ", Reply-To " + rt.address;
        if (is_freemail(d) && !from_free)
            push(kReplyToFreemail, std::move(evidence), "Reply-To");
        else
            push(kReplyToMismatch, std::move(evidence), "Reply-To");
        break;
    }

    std::string rp_domain = mime::address_domain(msg.return_path);
    if (!rp_domain.empty() && organisational_domain(rp_domain) != from_org)
        push(kReturnPathMismatch, "From " + from.address + ", Return-Path " + msg.return_path,
             "Return-Path");

    std::string word;
    if (from_free && names_organisation(from.display_name, &word))
        push(kOrgNameFreemail, describe(from) + " (\"" + word + "\")", "From");

    // A display name that itself holds an address ("support@bank.co.jp" <x@evil.example>).
    const std::string& name = from.display_name;
    if (auto at = name.find('@'); at != std::string::npos) {
        std::size_t end = at + 1;
        while (end < name.size() && (std::isalnum(static_cast<unsigned char>(name[end])) ||
                                     name[end] == '.' || name[end] == '-'))
            ++end;
        std::string shown = core::to_lower(name.substr(at + 1, end - at - 1));
        while (!shown.empty() && shown.back() == '.') shown.pop_back();
        if (shown.find('.') != std::string::npos && organisational_domain(shown) != from_org)
            push(kNameHoldsOtherAddress, describe(from), "From");
    }
}

void analyze_auth(const mime::Message& msg, HeaderAnalysis& out) {
    // Only the topmost header was written by our side; lower ones may be forged by the sender.
    const mime::Header* h = msg.header("Authentication-Results");
    if (!h) return;
    out.auth = parse_auth_results(h->raw);
    bool seen_spf = false, seen_dkim = false, seen_dmarc = false, seen_arc = false;
    for (const auto& r : out.auth->results) {
        std::string evidence = r.method + "=" + r.result;
        for (const auto& [k, v] : r.properties) evidence += " " + k + "=" + v;
        if (!r.reason.empty()) evidence += " (" + r.reason + ")";
        const FindingKind* kind = nullptr;
        if (r.method == "spf" && !seen_spf) {
            seen_spf = true;
            if (r.result == "fail")
                kind = &kSpfFail;
            else if (r.result == "softfail")
                kind = &kSpfSoftfail;
        } else if (r.method == "dkim" && !seen_dkim && r.result == "fail") {
            seen_dkim = true;
            kind = &kDkimFail;
        } else if (r.method == "dmarc" && !seen_dmarc) {
            seen_dmarc = true;
            if (r.result == "fail") kind = &kDmarcFail;
        } else if (r.method == "arc" && !seen_arc) {
            seen_arc = true;
            if (r.result == "fail") kind = &kArcFail;
        }
        if (kind) out.findings.push_back(make_finding(*kind, evidence, "Authentication-Results"));
    }
}

void analyze_route_and_time(const mime::Message& msg, HeaderAnalysis& out) {
    auto received = msg.headers_named("Received");
    for (auto it = received.rbegin(); it != received.rend(); ++it)
        out.hops.push_back(parse_received((*it)->raw));

    const mime::Header* date = msg.header("Date");
    if (!date) {
        out.findings.push_back(make_finding(kDateMissing, "", "Date"));
    } else {
        out.date = parse_mail_date(date->raw);
        if (!out.date) out.findings.push_back(make_finding(kDateInvalid, date->raw, "Date"));
    }

    // The oldest hop stamped outside the receiving organisation shows the sending side's
    // real clock. The newest hop, and any other hop by the receiver's own servers, only
    // show our time zone, so with a single hop the sender's zone is unknown.
    const ReceivedHop* first = nullptr;
    if (out.hops.size() >= 2) {
        std::string receiver = organisational_domain(out.hops.back().by_host);
        for (std::size_t i = 0; i + 1 < out.hops.size(); ++i) {
            const auto& hop = out.hops[i];
            if (!hop.date || !hop.date->offset_known) continue;
            if (!receiver.empty() && organisational_domain(hop.by_host) == receiver) continue;
            if (is_mail_provider_host(hop.by_host)) continue;
            first = &hop;
            break;
        }
    }
    if (!first) return;
    out.sender_offset_minutes = first->date->offset_minutes;
    if (!out.date) return;
    std::string server = first->by_host.empty() ? "first server" : first->by_host;
    if (out.date->offset_known && out.date->offset_minutes != first->date->offset_minutes) {
        out.findings.push_back(make_finding(kTimezoneMismatch,
                                            "Date " + format_utc_offset(out.date->offset_minutes) +
                                                ", " + server + " " +
                                                format_utc_offset(first->date->offset_minutes),
                                            "Date"));
    }
    if (out.date->utc > first->date->utc + 86400) {
        out.findings.push_back(make_finding(kDateFuture,
                                            "Date " + iso8601_utc(out.date->utc) + ", " + server +
                                                " " + iso8601_utc(first->date->utc),
                                            "Date"));
    }
}

}  // namespace

std::string format_utc_offset(int minutes) {
    char sign = minutes < 0 ? '-' : '+';
    int m = std::abs(minutes);
    char buf[8];
    std::snprintf(buf, sizeof buf, "%c%02d%02d", sign, (m / 60) % 100, m % 60);
    return buf;
}

HeaderAnalysis analyze_headers(const mime::Message& msg) {
    HeaderAnalysis out;
    analyze_sender(msg, out);
    analyze_auth(msg, out);
    analyze_route_and_time(msg, out);
    if (!msg.header("Message-ID"))
        out.findings.push_back(make_finding(kMessageIdMissing, "", "Message-ID"));
    return out;
}

}  // namespace kagami::detect
