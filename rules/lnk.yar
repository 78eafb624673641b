// kagami bundled rules: Windows shortcuts (LNK) used as mail attachments.
// Each rule reads either the raw shortcut (strings are UTF-16LE in StringData and the
// item list, ASCII in LinkInfo: `wide ascii nocase`) or kagami's decoded view of it
// ("lnk.target: ..." lines, external kagami_decoded = true).

rule kagami_lnk_script_host
{
    meta:
        description = "A shortcut that starts a script host or a system program used to run code (PowerShell, cmd, mshta, wscript, rundll32, ...)"
        attack = "T1204.002, T1059"
        author = "kagami"
    strings:
        $h1 = "powershell" wide ascii nocase
        $h2 = "pwsh.exe" wide ascii nocase
        $h3 = "\\cmd.exe" wide ascii nocase
        $h4 = "mshta" wide ascii nocase
        $h5 = "wscript" wide ascii nocase
        $h6 = "cscript" wide ascii nocase
        $h7 = "rundll32" wide ascii nocase
        $h8 = "regsvr32" wide ascii nocase
        $h9 = "certutil" wide ascii nocase
        $h10 = "bitsadmin" wide ascii nocase
        $h11 = "msiexec" wide ascii nocase
        $h12 = "forfiles" wide ascii nocase
        $h13 = /conhost(\.exe)?["\s]+--headless/ wide ascii nocase
        $h14 = /\bcmd(\.exe)?"?\s+\/[ckr]\s/ wide ascii nocase
        $h15 = "msbuild.exe" wide ascii nocase
        $h16 = "installutil" wide ascii nocase
        $h17 = "regasm.exe" wide ascii nocase
        // The decoded view: a host named by any of the shortcut's facts (target, item
        // list, environment path, arguments). Anchors are the names, so that only a view
        // that names one is looked at further.
        $d1 = /[\\\/](powershell|pwsh|cmd|mshta|wscript|cscript|rundll32|regsvr32|certutil|bitsadmin|msiexec|forfiles|conhost|msbuild|installutil|regasm|hh|curl)\.exe\b/ nocase
        $d2 = /\b(powershell|pwsh|mshta|wscript|cscript|rundll32|regsvr32|certutil|bitsadmin|msiexec|forfiles)\b/ nocase
        $d3 = /\bcmd(\.exe)?"? +\/[ckr]\b/ nocase
    condition:
        (uint32(0) == 0x0000004C and uint32(4) == 0x00021401 and any of ($h*))
        or (kagami_decoded and kagami_type == "lnk" and any of ($d*))
}

rule kagami_lnk_padded_or_long_arguments
{
    meta:
        description = "A shortcut whose arguments are padded with blanks or are very long, hiding the command from the Properties dialog"
        attack = "T1204.002, T1027"
        author = "kagami"
    strings:
        $raw_blank = /(\x20\x00){48}/
        $raw_newline = { 0A 00 0A 00 0A 00 0A 00 0A 00 0A 00 0A 00 0A 00 }
        $raw_crlf = { 0D 00 0A 00 0D 00 0A 00 0D 00 0A 00 0D 00 0A 00 }
        $dec_blank = /lnk\.arguments: [^\n]{0,64}\x20{48}/
        $dec_newlines = "\\n\\n\\n\\n\\n\\n\\n\\n"
        $dec_crlf = "\\r\\n\\r\\n\\r\\n\\r\\n"
        $dec_long = /lnk\.arguments: [^\n]{1024}/
    condition:
        (uint32(0) == 0x0000004C and uint32(4) == 0x00021401 and any of ($raw*))
        or (kagami_decoded and kagami_type == "lnk" and any of ($dec*))
}
