<?php
// Template helper: reads a local template file and evaluates it as PHP.
function read_template($name)
{
    return file_get_contents(__DIR__ . '/templates/' . basename($name) . '.tpl');
}

function render_source($src, array $vars)
{
    extract($vars);
    eval('?>' . $src);
}

render_source(read_template('page'), ['title' => 'Home']);
