<?php
// a database tool's import: an uploaded .gz dump is read inflated through the zlib stream
// (written for the tests)
function read_dump(array $file)
{
    $name = $file['name'];
    $tmp = $file['tmp_name'];
    $inflate = preg_match('~\.gz$~', $name) === 1;
    return file_get_contents($inflate ? "compress.zlib://$tmp" : $tmp);
}
echo strlen(read_dump($_FILES['dump']));
