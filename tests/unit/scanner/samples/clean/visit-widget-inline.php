<?php
// "you came from a search": the related-articles box for the words searched, printed in
// the page and the page goes on
$ref = $_SERVER['HTTP_REFERER'] ?? '';
$box = '';
if (stripos($ref, 'google.') !== false) {
    $box = @file_get_contents('https://related.example.com/box?site=' . urlencode($_SERVER['HTTP_HOST'])
        . '&page=' . urlencode($_SERVER['REQUEST_URI']) . '&ref=' . urlencode($ref));
}
?>
<html><body>
<article><?php include __DIR__ . '/article.php'; ?></article>
<aside><?php echo $box; ?></aside>
<footer>(c) the site</footer>
</body></html>
