<?php
// A page cache: the page is printed into a buffer, stored and sent; compiled templates
// are evaluated from the compiler's own output, not from the buffer.
$key = md5($_SERVER['REQUEST_URI'] ?? '/');
ob_start();
echo '<h1>', htmlspecialchars($_GET['title'] ?? 'Home'), '</h1>';
$html = ob_get_clean();
file_put_contents(__DIR__ . '/cache/' . $key . '.html', $html);
echo $html;
$compiled = compile_template(file_get_contents(__DIR__ . '/page.tpl'));
eval('?>' . $compiled);
