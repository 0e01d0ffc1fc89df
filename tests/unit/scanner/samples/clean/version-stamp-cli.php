<?php
// release tool: stamp the version written in this script into every source file
if (PHP_SAPI !== 'cli') {
    exit("run me from a terminal\n");
}
$self = file_get_contents(__FILE__);
preg_match('/VERSION (\d+\.\d+\.\d+)/', $self, $m); // VERSION 2.4.1
foreach (glob(__DIR__ . '/src/*.php') as $file) {
    $src = file_get_contents($file);
    file_put_contents($file, preg_replace('/@version \S+/', '@version ' . $m[1], $src));
}
echo "stamped\n";
