<?php
// the site's pages live in a headless CMS; the pharmacy's opening hours page among them
$slug = preg_replace('/[^a-z0-9-]/', '', $_GET['page'] ?? 'home');
$html = file_get_contents('https://cms.example-pharmacy.com/api/pages/' . $slug . '?format=html');
echo '<main>' . $html . '</main>';
$id = (int) ($_GET['id'] ?? 0);
$stock = json_decode(file_get_contents('https://api.example-pharmacy.com/stock/' . $id), true);
echo '<p>Pharma products in stock: ' . (int) ($stock['count'] ?? 0) . '</p>';
