<?php
// an icon inlined as a data: URI, then the page's own footer included
$icon = basename($_GET['i'] ?? 'home');
echo '<img alt="" src="data:image/png;base64,' . base64_encode((string) file_get_contents(__DIR__ . '/icons/' . $icon . '.png')) . '">';
include __DIR__ . '/footer.php';
