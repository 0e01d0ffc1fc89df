<?php
// a tiny template engine: views are read from the theme's own folder, compiled, then run
function read_view($name)
{
    $file = __DIR__ . '/views/' . basename($name) . '.tpl';
    return file_get_contents($file);
}

function compile_view($source)
{
    $php = str_replace(array('{{', '}}'), array('<?php echo htmlspecialchars(', '); ?>'), $source);
    return $php;
}

function run_view($compiled, $vars)
{
    extract($vars);
    eval('?>' . $compiled);
}

function show($name, $vars)
{
    $code = compile_view(read_view($name));
    run_view($code, $vars);
}
show('home', array('title' => 'Welcome'));
