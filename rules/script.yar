// kagami bundled rules: scripts in any carrier (a .js/.vbs/.hta attachment, an HTML
// body, a shortcut's arguments, a macro, a decoded script).

rule kagami_powershell_encoded_or_cradle
{
    meta:
        description = "A PowerShell command with an encoded script or a download-and-run cradle"
        attack = "T1059.001, T1027, T1105"
        author = "kagami"
    strings:
        $enc = /\b(powershell|pwsh)(\.exe)?["']?(\s[^\n]{0,200})?\s[-\/](e|ec|en|enc|enco|encod|encode|encoded|encodedc|encodedco|encodedcom|encodedcomm|encodedcomma|encodedcomman|encodedcommand)\s+["']?[A-Za-z0-9+\/]{40}/ nocase
        $enc_w = /\b(powershell|pwsh)(\.exe)?["']?(\s[^\n]{0,200})?\s[-\/](e|ec|enc|encodedcommand)\s+["']?[A-Za-z0-9+\/]{40}/ wide nocase
        $cradle1 = /\b(iex|invoke-expression)\b[^\n]{0,80}(new-object\s+(system\.)?net\.webclient|invoke-webrequest|invoke-restmethod|\biwr\b|\birm\b|downloadstring)/ nocase
        $cradle2 = /new-object\s+(system\.)?net\.webclient\)?\.download(string|data|file)\s*\(/ nocase
        $cradle3 = /\b(iwr|irm|invoke-webrequest|invoke-restmethod)\s+(-uri\s+)?["'(]?https?:\/\/[^\n|]{1,200}\|\s*(iex|invoke-expression)\b/ nocase
        $cradle_w = /net\.webclient\)?\.download(string|data|file)\s*\(/ wide nocase
    condition:
        any of them
}

rule kagami_script_shell_object
{
    meta:
        description = "A script or HTML application that creates a shell object and runs a command"
        attack = "T1059.005, T1059.007, T1218.005"
        author = "kagami"
    strings:
        $obj1 = /(CreateObject|ActiveXObject|GetObject)\s*\(\s*["'](WScript\.Shell|Shell\.Application)["']/ nocase
        $obj2 = /(CreateObject|ActiveXObject|GetObject)\s*\(\s*["'](WScript\.Shell|Shell\.Application)["']/ wide nocase
        $run1 = /\.(Run|Exec|ShellExecute)\s*[\( ]/ nocase
        $run2 = /\.(Run|Exec|ShellExecute)\s*[\( ]/ wide nocase
    condition:
        ($obj1 and $run1) or ($obj2 and $run2)
}

rule kagami_html_application
{
    meta:
        description = "An HTML application (HTA): HTML that mshta.exe runs with full rights"
        attack = "T1218.005"
        author = "kagami"
    strings:
        $hta = /<hta:application\b/ nocase
        $hta_w = /<hta:application\b/ wide nocase
        $dec = "html.hta: "
    condition:
        $hta or $hta_w or (kagami_decoded and $dec)
}
