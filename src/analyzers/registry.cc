// The one list of analyzers (as YARA's modules/module_list). Adding a format is a
// folder under analyzers/, one kagami_analyzer() line in CMakeLists.txt and one line here.
// Order is sniff priority: the first analyzer whose sniff() accepts an artifact reads it,
// so specific formats come before the general ones they are built on (OOXML before ZIP).
#include <algorithm>

#include "analyzers/analyzer.h"
#include "analyzers/archive/archive.h"
#include "analyzers/html/html.h"
#include "analyzers/ics/ics.h"
#include "analyzers/lnk/lnk.h"
#include "analyzers/ole2/ole2.h"
#include "analyzers/ooxml/ooxml.h"
#include "analyzers/pdf/pdf.h"
#include "analyzers/pe/pe.h"
#include "analyzers/rtf/rtf.h"
#include "analyzers/script/script.h"
#include "analyzers/tnef/tnef.h"
#include "analyzers/url/url.h"

namespace kagami::analyzers {

std::span<const Analyzer* const> all() {
    static const LnkAnalyzer lnk;
    static const PeAnalyzer pe;
    static const PdfAnalyzer pdf;
    static const RtfAnalyzer rtf;
    static const Ole2Analyzer ole2;
    static const TnefAnalyzer tnef;
    static const OoxmlAnalyzer ooxml;
    static const ArchiveAnalyzer archive;
    static const UrlAnalyzer url;
    static const IcsAnalyzer ics;
    static const HtmlAnalyzer html;
    static const ScriptAnalyzer script;
    // PDF readers accept "%PDF-" anywhere in the first KiB, so PDF comes after the
    // formats with a magic at a fixed offset (a ZIP that stores a PDF is a ZIP).
    static const Analyzer* const list[] = {&lnk,     &pe,  &rtf, &ole2, &tnef, &ooxml,
                                           &archive, &pdf, &url, &ics,  &html, &script};
    return list;
}

const Analyzer* find(std::string_view name) {
    auto list = all();
    auto it = std::find_if(list.begin(), list.end(),
                           [&](const Analyzer* a) { return a->name() == name; });
    return it == list.end() ? nullptr : *it;
}

}  // namespace kagami::analyzers
