<?php
// spamtrace test sample: an IRI helper that decodes %XX escapes character by character
// (chr(hexdec(...)) in a loop, as URL libraries do) and asserts a type with a namespaced call
function iri_unescape($input) {
    $string = '';
    $len = strlen($input);
    for ($i = 0; $i < $len; $i++) {
        if ($input[$i] === '%' && $i + 2 < $len && ctype_xdigit(substr($input, $i + 1, 2))) {
            $string .= chr(hexdec(substr($input, $i + 1, 2)));
            $i += 2;
        } else {
            $string .= $input[$i];
        }
    }
    assert(\is_string($string), 'always a string');
    return $string;
}
