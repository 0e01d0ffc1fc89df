<?php
// a developer's generator of sample pages for the theme's tests: names and cities filled in
// one at a time from two lists (run from the command line)
$tpl = file_get_contents('fixtures/card.html');
$names = file('fixtures/names.txt', FILE_IGNORE_NEW_LINES);
$cities = file('fixtures/cities.txt', FILE_IGNORE_NEW_LINES);
for ($i = 0; $i < substr_count($tpl, '{name}'); $i++) {
    $tpl = preg_replace('/\{name\}/', $names[mt_rand(0, count($names) - 1)], $tpl, 1);
}
for ($i = 0; $i < substr_count($tpl, '{city}'); $i++) {
    $tpl = preg_replace('/\{city\}/', $cities[array_rand($cities)], $tpl, 1);
}
file_put_contents('fixtures/out/card-' . time() . '.html', $tpl);
