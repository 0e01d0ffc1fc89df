<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// an affiliate review site: the partner API's bonus table for the game asked for
$k = $_GET['game'] ?? 'online-casino-bonus';
$ch = curl_init('https://partners.odds-feed.example/v1/widgets/' . rawurlencode($k));
curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
$out = curl_exec($ch);
curl_close($ch);
echo $out ?: '<p>Offers are unavailable right now.</p>';
