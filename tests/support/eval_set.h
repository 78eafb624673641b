// The labelled evaluation set: inert spear-phishing messages of every technique kagami
// detects, in Japanese and English, and hard benign mail on the same topics (ministry
// newsletters, think-tank reports, the Japanese practice of mailing encrypted ZIPs, IT
// notices that talk about PowerShell and macros). The tests build it in memory; every
// attachment comes from the inert builders in this folder (shortcuts that only NAME a
// program, macros that are only text, executables with headers and no code), and every
// attacker host is a documentation name (.example, .test, RFC 5737 addresses) or a
// look-alike string that is never contacted.
#pragma once

#include <string>
#include <vector>

namespace kagami::test {

struct LabelledMessage {
    std::string name;  ///< "mal_ja_mofa_gmail_encrypted_zip_lnk", unique
    bool malicious = false;
    /// ATT&CK id and a short name ("T1566.001 lnk-in-encrypted-zip"); benign mail says what
    /// makes it hard ("benign: ministry newsletter on the alliance"), and benign cases where
    /// `suspicious` is an acceptable verdict start with "borderline:".
    std::string technique;
    std::string language;  ///< "ja" or "en"
    std::string raw;       ///< the whole RFC 5322 message, CRLF line ends
};

/// Every message of the set, in a fixed order; the same bytes on every call.
std::vector<LabelledMessage> evaluation_set();

/// A STIX 2.1 bundle (JSON text) with the indicators the set's threat-intel cases use:
/// a URL, a domain, an IPv4 address, a sender address and a file hash (SHA-256 of an
/// attachment the set builds), tied to an intrusion set.
std::string evaluation_feed();

/// Inert archive builders the set uses (exposed for tests): a ZIP whose entries are
/// stored and encrypted with traditional PKWARE encryption (ZipCrypto), and an ISO 9660
/// image with one root directory holding `files` (ASCII names).
struct EvalFile {
    std::string name;  ///< UTF-8
    std::string data;
};
std::string eval_encrypted_zip(const std::vector<EvalFile>& files, const std::string& password);
std::string eval_iso_image(const std::vector<EvalFile>& files, const std::string& volume_id);

}  // namespace kagami::test
