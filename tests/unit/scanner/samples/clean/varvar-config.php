<?php
// ordinary code with variable variables: settings copied into variables named by keys,
// and a handler table read by name
$settings = ['title' => 'Shop', 'lang' => 'en'];
foreach ($settings as $key => $value) {
    $$key = $value;
}
$handlers = ['html' => 'render_html', 'json' => 'render_json'];
$kind = 'handlers';
$fn = $$kind[$lang === 'en' ? 'html' : 'json'];
echo $fn($title);
