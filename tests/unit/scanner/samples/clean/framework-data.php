<?php
/**
 * Clean look-alike: data tables and framework idioms (MediaWiki, Symfony, TCPDF, tt-rss,
 * phpseclib) that fooled earlier versions of the scanner. Never deployed; the tests read it.
 */
namespace Example\Data;

// a Unicode normalisation table as PHP serialize() output (data, not an encoded payload)
$utfCanonicalDecomp = unserialize('a:189:{s:2:"À";s:2:"À";s:2:"Á";s:2:"Ç";s:2:"Â";s:2:"Î";s:2:"Ã";s:2:"Õ";s:2:"Ä";s:2:"Ý";s:2:"Å";s:2:"ä";s:2:"Æ";s:2:"ë";s:2:"Ç";s:2:"ò";s:2:"È";s:2:"ú";s:2:"É";s:2:"ā";s:2:"Ê";s:2:"Ĉ";s:2:"Ë";s:2:"ď";s:2:"Ì";s:2:"Ė";s:2:"Í";s:2:"ĝ";s:2:"Î";s:2:"Ĥ";s:2:"Ï";s:2:"ī";s:2:"Ð";s:2:"Ĳ";s:2:"Ñ";s:2:"Ĺ";s:2:"Ò";s:2:"ŀ";s:2:"Ó";s:2:"Ň";s:2:"Ô";s:2:"Ŏ";s:2:"Õ";s:2:"ŕ";s:2:"Ö";s:2:"Ŝ";s:2:"Ø";s:2:"ţ";s:2:"Ù";s:2:"Ū";s:2:"Ú";s:2:"ű";s:2:"Û";s:2:"Ÿ";s:2:"Ü";s:2:"À";s:2:"Ý";s:2:"Ç";s:2:"Þ";s:2:"Î";s:2:"ß";s:2:"Õ";s:2:"à";s:2:"Ý";s:2:"á";s:2:"ä";s:2:"â";s:2:"ë";s:2:"ã";s:2:"ò";s:2:"ä";s:2:"ú";s:2:"å";s:2:"ā";s:2:"æ";s:2:"Ĉ";s:2:"ç";s:2:"ď";s:2:"è";s:2:"Ė";s:2:"é";s:2:"ĝ";s:2:"ê";s:2:"Ĥ";s:2:"ë";s:2:"ī";s:2:"ì";s:2:"Ĳ";s:2:"í";s:2:"Ĺ";s:2:"î";s:2:"ŀ";s:2:"ï";s:2:"Ň";s:2:"ð";s:2:"Ŏ";s:2:"ñ";s:2:"ŕ";s:2:"ò";s:2:"Ŝ";s:2:"ó";s:2:"ţ";s:2:"ô";s:2:"Ū";s:2:"õ";s:2:"ű";s:2:"ö";s:2:"Ÿ";s:2:"ø";s:2:"À";s:2:"ù";s:2:"Ç";s:2:"ú";s:2:"Î";s:2:"û";s:2:"Õ";s:2:"ü";s:2:"Ý";s:2:"ý";s:2:"ä";s:2:"þ";s:2:"ë";s:2:"ÿ";s:2:"ò";s:2:"Ā";s:2:"ú";s:2:"ā";s:2:"ā";s:2:"Ă";s:2:"Ĉ";s:2:"ă";s:2:"ď";s:2:"Ą";s:2:"Ė";s:2:"ą";s:2:"ĝ";s:2:"Ć";s:2:"Ĥ";s:2:"ć";s:2:"ī";s:2:"Ĉ";s:2:"Ĳ";s:2:"ĉ";s:2:"Ĺ";s:2:"Ċ";s:2:"ŀ";s:2:"ċ";s:2:"Ň";s:2:"Č";s:2:"Ŏ";s:2:"č";s:2:"ŕ";s:2:"Ď";s:2:"Ŝ";s:2:"ď";s:2:"ţ";s:2:"Đ";s:2:"Ū";s:2:"đ";s:2:"ű";s:2:"Ē";s:2:"Ÿ";s:2:"ē";s:2:"À";s:2:"Ĕ";s:2:"Ç";s:2:"ĕ";s:2:"Î";s:2:"Ė";s:2:"Õ";s:2:"ė";s:2:"Ý";s:2:"Ę";s:2:"ä";s:2:"ę";s:2:"ë";s:2:"Ě";s:2:"ò";s:2:"ě";s:2:"ú";s:2:"Ĝ";s:2:"ā";s:2:"ĝ";s:2:"Ĉ";s:2:"Ğ";s:2:"ď";s:2:"ğ";s:2:"Ė";s:2:"Ġ";s:2:"ĝ";s:2:"ġ";s:2:"Ĥ";s:2:"Ģ";s:2:"ī";s:2:"ģ";s:2:"Ĳ";s:2:"Ĥ";s:2:"Ĺ";s:2:"ĥ";s:2:"ŀ";s:2:"Ħ";s:2:"Ň";s:2:"ħ";s:2:"Ŏ";s:2:"Ĩ";s:2:"ŕ";s:2:"ĩ";s:2:"Ŝ";s:2:"Ī";s:2:"ţ";s:2:"ī";s:2:"Ū";s:2:"Ĭ";s:2:"ű";s:2:"ĭ";s:2:"Ÿ";s:2:"Į";s:2:"À";s:2:"į";s:2:"Ç";s:2:"İ";s:2:"Î";s:2:"ı";s:2:"Õ";s:2:"Ĳ";s:2:"Ý";s:2:"ĳ";s:2:"ä";s:2:"Ĵ";s:2:"ë";s:2:"ĵ";s:2:"ò";s:2:"Ķ";s:2:"ú";s:2:"ķ";s:2:"ā";s:2:"ĸ";s:2:"Ĉ";s:2:"Ĺ";s:2:"ď";s:2:"ĺ";s:2:"Ė";s:2:"Ļ";s:2:"ĝ";s:2:"ļ";s:2:"Ĥ";s:2:"Ľ";s:2:"ī";s:2:"ľ";s:2:"Ĳ";s:2:"Ŀ";s:2:"Ĺ";s:2:"ŀ";s:2:"ŀ";s:2:"Ł";s:2:"Ň";s:2:"ł";s:2:"Ŏ";s:2:"Ń";s:2:"ŕ";s:2:"ń";s:2:"Ŝ";s:2:"Ņ";s:2:"ţ";s:2:"ņ";s:2:"Ū";s:2:"Ň";s:2:"ű";s:2:"ň";s:2:"Ÿ";s:2:"ŉ";s:2:"À";s:2:"Ŋ";s:2:"Ç";s:2:"ŋ";s:2:"Î";s:2:"Ō";s:2:"Õ";s:2:"ō";s:2:"Ý";s:2:"Ŏ";s:2:"ä";s:2:"ŏ";s:2:"ë";s:2:"Ő";s:2:"ò";s:2:"ő";s:2:"ú";s:2:"Œ";s:2:"ā";s:2:"œ";s:2:"Ĉ";s:2:"Ŕ";s:2:"ď";s:2:"ŕ";s:2:"Ė";s:2:"Ŗ";s:2:"ĝ";s:2:"ŗ";s:2:"Ĥ";s:2:"Ř";s:2:"ī";s:2:"ř";s:2:"Ĳ";s:2:"Ś";s:2:"Ĺ";s:2:"ś";s:2:"ŀ";s:2:"Ŝ";s:2:"Ň";s:2:"ŝ";s:2:"Ŏ";s:2:"Ş";s:2:"ŕ";s:2:"ş";s:2:"Ŝ";s:2:"Š";s:2:"ţ";s:2:"š";s:2:"Ū";s:2:"Ţ";s:2:"ű";s:2:"ţ";s:2:"Ÿ";s:2:"Ť";s:2:"À";s:2:"ť";s:2:"Ç";s:2:"Ŧ";s:2:"Î";s:2:"ŧ";s:2:"Õ";s:2:"Ũ";s:2:"Ý";s:2:"ũ";s:2:"ä";s:2:"Ū";s:2:"ë";s:2:"ū";s:2:"ò";s:2:"Ŭ";s:2:"ú";s:2:"ŭ";s:2:"ā";s:2:"Ů";s:2:"Ĉ";s:2:"ů";s:2:"ď";s:2:"Ű";s:2:"Ė";s:2:"ű";s:2:"ĝ";s:2:"Ų";s:2:"Ĥ";s:2:"ų";s:2:"ī";s:2:"Ŵ";s:2:"Ĳ";s:2:"ŵ";s:2:"Ĺ";s:2:"Ŷ";s:2:"ŀ";s:2:"ŷ";s:2:"Ň";s:2:"Ÿ";s:2:"Ŏ";s:2:"Ź";s:2:"ŕ";s:2:"ź";s:2:"Ŝ";s:2:"Ż";s:2:"ţ";s:2:"ż";s:2:"Ū";s:2:"Ž";s:2:"ű";s:2:"ž";s:2:"Ÿ";}');

// a list of domains (a preload list): names such as exploit-db.com or antichat.tk are data
$preloadedDomains = [
    'antichat.tk' => 1, 'exploit-db.com' => 1, 'webshell.example.org' => 1, 'c99.example.net' => 1,
    'brute.example.com' => 1, 'symlink.example.com' => 1, 'safemode.example.org' => 1,
];

final class CacheConnector
{
    public function connect(array $params): object
    {
        $dsn = rawurldecode($params['dsn']);
        $initializer = static function ($redis) use ($dsn, $params) {
            $redis->connect($dsn, $params['timeout']);
            return $redis;
        };
        $hooks = ['lower' => 'strtolower', 'upper' => 'strtoupper'];
        $callback = $hooks[$dsn] ?? 'trim';
        $initializer(new \stdClass());
        return (object) ['name' => $callback($dsn)];
    }

    public static function getRandomSeed(string $seed = ''): string
    {
        $rnd = uniqid(rand() . microtime(true), true);
        return $rnd . $seed . __FILE__ . serialize($_SERVER) . microtime(true);
    }

    public function showNotice(): void
    {
        require_once 'templates/register_notice.txt';
    }

    public function poly(): array
    {
        $enablePoly1305 = true;
        $nullPad128 = str_repeat("\0", 16);
        $poly1305Field = 'x';
        $poly1305Key = 'k';
        $setPoly1305Key = 'y';
        $usePoly1305 = false;
        $chacha20Rounds = 20;
        $sha256Hmac = '';
        return [$enablePoly1305, $nullPad128, $poly1305Field, $poly1305Key, $setPoly1305Key,
            $usePoly1305, $chacha20Rounds, $sha256Hmac, file_get_contents('https://example.org/')];
    }
}
