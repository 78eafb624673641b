// Domain facts the sender analyses need.
#pragma once

#include <string>
#include <string_view>

namespace kagami::detect {

/// Registrable ("organisational") domain per the Public Suffix List: "mail.mofa.go.jp" ->
/// "mofa.go.jp", "a.b.example.co.uk" -> "example.co.uk". The input itself when unknown.
std::string organisational_domain(std::string_view domain);

/// True for the public free-mail services (gmail.com, yahoo.co.jp, outlook.jp, qq.com, ...).
bool is_freemail(std::string_view domain);

/// True for the servers of the big mail services (Google, Microsoft, Yahoo, Amazon SES,
/// ...), which stamp their own time zone in Received whatever the sender's: their
/// time says nothing about where the sender sits.
bool is_mail_provider_host(std::string_view host);

/// True when a display name names an organisation (a ministry, agency, university,
/// company or team) rather than a person: "外務省 総合政策局", "JAXA 広報部", "Acme Inc.".
/// Returns the word that made it so in `*word`.
bool names_organisation(std::string_view display_name, std::string* word);

}  // namespace kagami::detect
