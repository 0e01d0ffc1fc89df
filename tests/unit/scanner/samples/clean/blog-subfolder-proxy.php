<?php
// test fixture: the site's own blog, hosted elsewhere, served under /blog with its links rewritten
$blog = 'https://blog.example.test';
$html = file_get_contents($blog . substr($_SERVER['REQUEST_URI'], 5));
$html = str_replace($blog, 'https://' . $_SERVER['HTTP_HOST'] . '/blog', $html);
echo $html;
