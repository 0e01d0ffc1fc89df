// spamtrace scan: byte/word patterns, evaluated with yara-x.
// Each rule's meta `id` is the spamtrace rule id (declared, with its weight, in rules.toml as
// kind = "yara"). Rules with scope "strings" run over the file's string literals and inline
// HTML (lower-cased, NUL-separated), so words in comments and identifiers do not count;
// scope "bytes" rules run over the raw file.

rule shell_known_family {
    meta:
        id = "shell.known-family"
    strings:
        $f1 = "filesman" nocase
        $f2 = /wso[ _-]?(shell|version|[0-9])/ nocase
        $f3 = /c99(shell|_|sh)/ nocase
        $f4 = /r57(shell|_)/ nocase
        $f5 = "b374k" nocase
        $f6 = /leaf ?php ?mailer/ nocase
        $f7 = "leafmailer" nocase
        $f8 = /private (php )?mailer/ nocase
        $f9 = "anonymousfox" nocase
        $f10 = "indoxploit" nocase
        $f11 = /mister ?spy/ nocase
        $f12 = "0byt3m1n1" nocase
        $f13 = /alfa ?(shell|team)/ nocase
        $f14 = "xleet" nocase
        $f15 = "madspot" nocase
        $f16 = "marion001" nocase
        $f17 = /hacked by/ nocase
        $f18 = /shell ?by[ :]/ nocase
        $f19 = "phpspy" nocase
        $f20 = "antichat" nocase
        $f21 = "sh3ll" nocase
        $f22 = /web ?shell/ nocase
        $f23 = /owl ?mailer/ nocase
        $f24 = /bypass(ed)? ?shell/ nocase
        $f25 = /inbox ?mass ?mailer/ nocase
    condition:
        any of them
}

rule shell_ui_words {
    meta:
        id = "shell.ui-words"
    strings:
        $w1 = /safe[_ ]?mode/
        $w2 = "disable_functions"
        $w3 = "open_basedir"
        $w4 = /back[ -]?connect/
        $w5 = /bind[ -]?port/
        $w6 = /self[ -]?remove/
        $w7 = /mass[ -]?deface/
        $w8 = "symlink"
        $w9 = /[^a-z]cmd[^a-z]/
        $w10 = "execute command"
        $w11 = "upload file"
        $w12 = "php_uname"
        $w13 = /[^a-z]chmod[^a-z]/
        $w14 = "reverse shell"
        $w15 = "server ip"
        $w16 = "your ip"
        $w17 = /[^a-z]exploit[^a-z]/
        $w18 = "uname -a"
        $w19 = "/etc/passwd"
        $w20 = /cgi[ -]?shell/
        $w21 = /[^a-z]shell[^a-z]/
        $w22 = "filemanager"
        $w23 = "sql manager"
        $w24 = "encoder"
        $w25 = "brute"
    condition:
        5 of them
}

rule mailer_ui_words {
    meta:
        id = "mailer.ui-words"
    strings:
        $w1 = /e?mail ?list/
        $w2 = "emails list"
        $w3 = /sender (name|email)/
        $w4 = "your letter"
        $w5 = /[^a-z]letter[^a-z]/
        $w6 = /mass ?mail/
        $w7 = /bulk ?mail/
        $w8 = /[^a-z]spam/
        $w9 = "inbox"
        $w10 = "mailer"
        $w11 = /[^a-z]emails[^a-z]/
        $w12 = /reply[- ]?to/
        $w13 = "attachment"
        $w14 = /smtp ?(host|server|login)/
        $w15 = /send (e-?mails|mails|letter)/
        $w16 = /[^a-z]bcc[^a-z]/
        $w17 = "message body"
        $w18 = /[^a-z]subject[^a-z]/
    condition:
        4 of them
}

rule mailer_header_forgery {
    meta:
        id = "mailer.header-forgery"
    strings:
        $h = /(^|[\n\r\x00]|\\[nr])(bcc|x-mailer|x-priority|reply-to|return-path|from)[ \t]*:[ \t]*\{?\$/
    condition:
        $h
}

rule php_wrapper_bypass {
    meta:
        id = "php.wrapper-bypass"
    strings:
        // not "compress.zlib://$tmp" (an upload's .gz read inflated, as database tools do)
        $z = /compress\.zlib:\/\/([^$]|\$_)/
        $f = /php:\/\/filter\/[a-z.=\/|-]{0,80}resource=\//
        $g = "glob://"
    condition:
        any of them
}
