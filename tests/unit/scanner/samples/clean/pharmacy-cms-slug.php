<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// a licensed pharmacy's product pages, fetched from its own headless CMS by slug
$slug = preg_replace('/[^a-z0-9-]/', '', $_GET['p'] ?? 'viagra-100mg');
$html = file_get_contents('https://cms.rx-pharmacy.example/api/pages/' . $slug . '?format=html');
if ($html === false) { http_response_code(404); exit('Not found'); }
echo $html;
