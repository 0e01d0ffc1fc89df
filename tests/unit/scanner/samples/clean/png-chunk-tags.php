<?php
// read the chunk list of a PNG upload: each chunk type is a four-byte tag
function png_chunks($file)
{
    $fh = fopen($file, 'rb');
    fread($fh, 8);
    $out = [];
    while (!feof($fh)) {
        $head = fread($fh, 8);
        if (strlen($head) < 8) {
            break;
        }
        $len = unpack('N', substr($head, 0, 4))[1];
        $type = unpack('N', substr($head, 4, 4))[1];
        if ($type === 0x49484452) {
            $out[] = 'IHDR';
        } elseif ($type === 0x49454e44) {
            break;
        }
        fseek($fh, $len + 4, SEEK_CUR);
    }
    fclose($fh);
    return $out;
}
print_r(png_chunks($argv[1] ?? 'logo.png'));
