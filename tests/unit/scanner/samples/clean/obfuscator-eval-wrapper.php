<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A code obfuscator: it packs the PHP it is given and returns the loader that unpacks it.
class TinyPacker
{
    public static function pack(string $code): string
    {
        $code = trim(preg_replace('/^<\?php|\?>$/', '', trim($code)));
        $packed = gzdeflate(strrev($code));
        return "<?php\neval(base64_decode('" . base64_encode($packed) . "'));\n";
    }
}

echo TinyPacker::pack("<?php echo 'Hello world';");
