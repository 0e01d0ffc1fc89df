<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// an ad slot: the ad server's fallback markup kept hidden until its tag (data-slot) shows it
$fallback = file_get_contents('https://ads.publisher.example/slot/728x90/fallback.html');
echo '<div id="ad-top" class="ad-slot" style="display:none">' . $fallback . '</div>';
echo '<script src="https://ads.publisher.example/tag.js" data-slot="ad-top"></script>';
