// kagami bundled rules on the attachment's name (externals filename / kagami_name):
// a document extension followed by a program's, or a right-to-left override.

rule kagami_double_extension
{
    meta:
        description = "The file name shows a document extension before the real, executable one"
        attack = "T1036.007, T1204.002"
        author = "kagami"
    condition:
        not kagami_decoded and
        filename matches /\.(pdf|docx?|docm|xlsx?|xlsm|pptx?|rtf|hwp|jpe?g|png|gif|txt|csv|html?|zip|rar|7z)[\s_.\-]*\.(exe|scr|lnk|js|jse|vbs|vbe|wsf|hta|bat|cmd|com|pif|cpl|msi|ps1|jar|iso|img|vhdx?)$/is
}

rule kagami_rtl_override_name
{
    meta:
        description = "The file name holds a right-to-left override character, which shows its extension reversed"
        attack = "T1036.002"
        author = "kagami"
    condition:
        not kagami_decoded and filename matches /\xE2\x80\xAE/
}
