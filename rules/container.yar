// kagami bundled rules: disk images and archives that deliver a shortcut next to the
// program it starts (the LNK + DLL side-loading package). Entry names come from the
// decoded view of the container ("archive.entry: name (size bytes)") or, for ISO 9660,
// from the raw directory records (ISO names "X.LNK;1", Joliet names UTF-16BE).

rule kagami_container_lnk_and_executable
{
    meta:
        description = "An archive or disk image that holds a shortcut together with a program or DLL"
        attack = "T1204.002, T1553.005, T1574.002"
        author = "kagami"
    strings:
        $lnk = /archive\.entry: [^\n]{1,512}\.lnk \(/ nocase
        $pe = /archive\.entry: [^\n]{1,512}\.(exe|dll|cpl|scr|ocx|sys|com) \(/ nocase
        $iso_lnk = /\.lnk;1/ nocase
        $iso_pe = /\.(exe|dll|cpl|scr|ocx);1/ nocase
        $joliet_lnk = { 00 2E 00 (4C|6C) 00 (4E|6E) 00 (4B|6B) }
        $joliet_exe = { 00 2E 00 (45|65) 00 (58|78) 00 (45|65) }
        $joliet_dll = { 00 2E 00 (44|64) 00 (4C|6C) 00 (4C|6C) }
    condition:
        (kagami_decoded and kagami_type != "text" and kagami_type != "message" and $lnk and $pe)
        or (uint32(0x8001) == 0x30304443 and uint8(0x8005) == 0x31 and
            ($iso_lnk or $joliet_lnk) and ($iso_pe or $joliet_exe or $joliet_dll))
}

rule kagami_disk_image_executable
{
    meta:
        description = "A disk image (ISO, IMG, VHD) that holds a program, script or shortcut: images skip the Mark-of-the-Web"
        attack = "T1553.005, T1204.002"
        author = "kagami"
    strings:
        $entry = /archive\.entry: [^\n]{1,512}\.(exe|dll|scr|cpl|com|pif|lnk|js|jse|vbs|vbe|wsf|hta|bat|cmd|ps1|msi) \(/ nocase
    condition:
        kagami_decoded and $entry and
        (kagami_type == "iso9660" or kagami_type == "udf" or kagami_type == "iso" or
         kagami_type == "img" or kagami_type == "vhd" or kagami_type == "vhdx")
}
