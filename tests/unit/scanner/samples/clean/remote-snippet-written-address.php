<?php
// the company's shared navigation bar, fetched from its own site and printed
$nav = @file_get_contents('https://www.example.com/shared/nav.html');
if ($nav !== false) {
    echo $nav;
}
$encoded = base64_decode($settings['footer_note']);
echo htmlspecialchars($encoded);
