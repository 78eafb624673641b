// kagami: find, group and explain targeted email intrusion campaigns.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "cli/hunt.h"
#include "cli/query.h"
#include "cli/scan.h"
#include "kagami/version.h"

int main(int argc, char** argv) {
    CLI::App app{"kagami: find, group and explain targeted email intrusion campaigns"};
    app.set_version_flag("--version", kagami::kVersion);
    app.require_subcommand(1);

    kagami::cli::ScanOptions scan;
    auto& limits = scan.engine.limits;
    std::string format = "text";
    auto* cmd = app.add_subcommand(
        "scan", "Analyse messages: .eml files, folders, mbox, Maildir, or - for stdin");
    cmd->add_option("paths", scan.paths, "Files or folders to scan (format detected from content)")
        ->required();
    cmd->add_option("--format", format, "Output format")->check(CLI::IsMember({"text", "json"}));
    cmd->add_option("-j,--jobs", scan.threads, "Threads (default: all cores)");
    cmd->add_option("--extract", scan.extract_dir,
                    "Write every attachment and unpacked file to this folder, named by SHA-256");
    kagami::cli::add_content_options(*cmd, scan);
    cmd->add_option("--max-message-bytes", limits.max_message_bytes, "Longer messages are cut")
        ->capture_default_str();
    cmd->add_option("--max-header-bytes", limits.max_header_bytes, "Longer header fields are cut")
        ->capture_default_str();
    cmd->add_option("--max-headers", limits.max_headers, "Header fields kept per entity")
        ->capture_default_str();
    cmd->add_option("--max-mime-depth", limits.max_mime_depth, "MIME nesting analysed")
        ->capture_default_str();
    cmd->add_option("--max-mime-parts", limits.max_mime_parts, "MIME parts analysed")
        ->capture_default_str();
    cmd->add_option("--max-decoded-bytes", limits.max_decoded_bytes, "Decoded bytes per message")
        ->capture_default_str();
    cmd->add_option("--max-links", limits.max_links, "Links kept per message")
        ->capture_default_str();
    cmd->add_option("--max-artifact-depth", limits.max_artifact_depth,
                    "Nesting of files inside attachments")
        ->capture_default_str();
    cmd->add_option("--max-archive-entries", limits.max_archive_entries,
                    "Files unpacked per message")
        ->capture_default_str();
    cmd->add_option("--max-artifact-bytes", limits.max_artifact_bytes, "Bytes of one unpacked file")
        ->capture_default_str();
    cmd->add_option("--max-total-unpacked-bytes", limits.max_total_unpacked_bytes,
                    "Bytes unpacked per message")
        ->capture_default_str();
    cmd->add_option("--max-compression-ratio", limits.max_compression_ratio,
                    "Unpacked / packed size of one archive entry")
        ->capture_default_str();
    cmd->add_option("--max-analysis-ms", limits.max_analysis_ms,
                    "Time for the attachments of one message (0: none)")
        ->capture_default_str();

    auto* rules_cmd = app.add_subcommand(
        "rules", "Compile the YARA rules and list the rule files left out, with the reason");
    kagami::cli::add_rule_options(*rules_cmd, scan);

    kagami::cli::HuntOptions hunt;
    auto* hunt_cmd = kagami::cli::add_hunt_command(app, hunt);
    kagami::cli::QueryOptions query;
    auto* query_cmd = kagami::cli::add_query_command(app, query);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // Usage errors are errors (2), as clamscan's; --help and --version are not.
        int rc = app.exit(e);
        return rc == 0 ? 0 : 2;
    }
    if (*cmd) {
        scan.format =
            format == "json" ? kagami::cli::OutputFormat::json : kagami::cli::OutputFormat::text;
        return kagami::cli::run_scan(scan);
    }
    if (*rules_cmd) return kagami::cli::run_rules_check(scan);
    if (*hunt_cmd) return kagami::cli::run_hunt(hunt);
    if (*query_cmd) return kagami::cli::run_query(query);
    return 2;
}
