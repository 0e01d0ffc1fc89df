<?php
// a theme's licence check: the answer is tested, the page prints its own words
function theme_licence_ok($key)
{
    $url = base64_decode('aHR0cHM6Ly9saWNlbnNlLmV4YW1wbGUuY29tL2NoZWNrP2tleT0=');
    $answer = @file_get_contents($url . urlencode($key));
    return trim((string) $answer) === 'valid';
}

if (!theme_licence_ok(get_option('theme_key'))) {
    echo '<div class="notice">Please enter a valid licence key.</div>';
}
