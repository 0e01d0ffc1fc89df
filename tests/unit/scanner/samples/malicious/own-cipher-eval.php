<?php
// spamtrace test sample (written for the tests, never run): code hidden by a cipher of the
// file's own (XOR with a repeating key), deciphered and evaluated. The payload is noise.
function _cfg_unpack($s, $k) {
    $r = '';
    for ($i = 0, $n = strlen($s); $i < $n; $i++) {
        $r .= chr(ord($s[$i]) ^ ord($k[$i % strlen($k)]));
    }
    return $r;
}
$blob = 'FBkXDRYcEhAPFgwRGwwXCREFHAwbFRA=';
@eval(_cfg_unpack(base64_decode($blob), 'secretkey'));
