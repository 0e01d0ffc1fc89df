<?php
// an image helper: the file name is quoted as one argument of a fixed program
function make_thumb($source, $width)
{
    $arg = escapeshellarg($source);
    $size = (int) $width;
    $cmd = '/usr/bin/convert ' . $arg . ' -resize ' . $size . 'x thumb.png';
    exec($cmd, $out, $status);
    return $status === 0;
}
make_thumb($_FILES['img']['tmp_name'], $_POST['w'] ?? 200);

// a probe tool: the whole command line passed through escapeshellcmd() before it runs
function probe($args)
{
    $line = escapeshellcmd('/usr/bin/cam-probe ' . $args);
    exec($line, $out, $status);
    return $status === 0 ? $out : [];
}
probe('scan' . (isset($_GET['iface']) ? ' ' . $_GET['iface'] : ''));
