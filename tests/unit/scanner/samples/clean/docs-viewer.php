<?php
// spamtrace test sample: a help page that shows one of its own documents.
$pages = array('install', 'upgrade', 'faq');
$page = isset($_GET['page']) && in_array($_GET['page'], $pages, true) ? $_GET['page'] : 'faq';
echo '<pre>' . htmlspecialchars(file_get_contents(__DIR__ . '/docs/' . $page . '.txt')) . '</pre>';
?>
<form><select name="page"><option>install</option><option>faq</option></select><input type="submit"></form>
