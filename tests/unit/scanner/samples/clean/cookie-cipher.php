<?php
// A "remember me" cookie kept lightly scrambled: base64, a XOR with the site key, JSON.
// Nothing it reads back is run.
function cookie_unscramble($value, $key) {
    $data = base64_decode($value);
    $len = strlen($key);
    for ($i = 0; $i < strlen($data); $i++) {
        $data[$i] = chr(ord($data[$i]) ^ ord($key[$i % $len]));
    }
    return json_decode($data, true);
}
$prefs = isset($_COOKIE['prefs']) ? cookie_unscramble($_COOKIE['prefs'], SITE_KEY) : array();
$theme = is_array($prefs) && isset($prefs['theme']) ? $prefs['theme'] : 'light';
assert(is_string($theme));
echo '<body class="' . htmlspecialchars($theme) . '">';
