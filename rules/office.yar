// kagami bundled rules: Office documents (macros, remote templates, external OLE
// objects, Equation Editor). Macro source and template targets are only readable in
// kagami's decoded view (vba.source, ooxml.external, ole2.doc.template lines).

rule kagami_vba_autoexec_runs_code
{
    meta:
        description = "A macro that runs by itself when the document opens or closes and starts a program, a shell object or a download"
        attack = "T1204.002, T1059.005"
        author = "kagami"
    strings:
        $src = "vba.source: "
        $auto = /\bSub\s+(Auto_?Open|AutoExec|Auto_?Close|AutoNew|AutoExit|Auto_Activate|Document_(Open|Close|New|BeforeClose|ContentControlOnEnter)|DocumentOpen|DocumentBeforeClose|Workbook_(Open|Activate|BeforeClose)|Presentation_?Open)\s*\(/ nocase
        $x1 = /\bShell\s*\(/ nocase
        $x2 = /\bShell\s+("|[a-z_][a-z0-9_]*\s*(&|,|\r|\n))/ nocase
        $x3 = "WScript.Shell" nocase
        $x4 = "Shell.Application" nocase
        $x5 = "URLDownloadToFile" nocase
        $x6 = "ShellExecute" nocase
        $x7 = "WinExec" nocase
        $x8 = "Win32_Process" nocase
        $x9 = "CreateProcess" nocase
        $x10 = /\.Run\s*\(?\s*["a-z]/ nocase
        $x11 = /MSXML2\.(Server)?XMLHTTP|WinHttp\.WinHttpRequest/ nocase
        $x12 = "powershell" nocase
        $x13 = /\bCallByName\b/ nocase
    condition:
        kagami_decoded and $src and $auto and any of ($x*)
}

rule kagami_remote_template
{
    meta:
        description = "The document loads a template or OLE object from a remote server when it opens"
        attack = "T1221, T1566.001"
        author = "kagami"
    strings:
        $ooxml = /ooxml\.external: (attachedTemplate|subDocument|frame) -> [\x20"']*(https?:\/\/|\\\\[a-z0-9]|file:\/\/[a-z0-9][a-z0-9.\-]*[\/\\]|file:\/\/\/?[\/\\]{2})/ nocase
        $ole = /ooxml\.external: oleObject -> [\x20"']*(https?:|mhtml:|\\\\[a-z0-9]|file:\/\/[a-z0-9][a-z0-9.\-]*[\/\\])/ nocase
        $doc = /ole2\.doc\.template: [\x20"']*(https?:\/\/|\\\\[a-z0-9])/ nocase
        $rtf = /\{\\\*\\template\s+(https?:|\\\\\\\\)/ nocase
    condition:
        (kagami_decoded and ($ooxml or $ole or $doc))
        or (uint16(0) == 0x5C7B and $rtf)
}

rule kagami_equation_editor_object
{
    meta:
        description = "An Equation Editor 3.0 object (CLSID 0002CE02), the vector of CVE-2017-11882 and CVE-2018-0802"
        attack = "T1203, T1566.001"
        author = "kagami"
    strings:
        $clsid_bin = { 02 CE 02 00 00 00 00 00 C0 00 00 00 00 00 00 46 }
        $native = "Equation Native" wide
        $clsid_hex = "02ce020000000000c000000000000046" nocase
        $name_hex = "4571756174696f6e2e33" nocase
        $objclass = /\\objclass\s+Equation\.3/ nocase
        $dec = /(ole2\.clsid_name|rtf\.object\.class|ole2\.equation): [^\n]{0,64}Equation/ nocase
        $dec_clsid = /ole2\.clsid: [^\n]{0,8}0002CE0[23]-0000-0000-C000-000000000046/ nocase
    condition:
        (uint32(0) == 0xE011CFD0 and ($clsid_bin or $native))
        or (uint16(0) == 0x5C7B and ($clsid_hex or $name_hex or $objclass))
        or (kagami_decoded and ($dec or $dec_clsid))
}
