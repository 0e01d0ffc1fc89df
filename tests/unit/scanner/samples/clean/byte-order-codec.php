<?php
/**
 * UUID byte-order codec and CSS colour helpers: strings rebuilt from indexes into short
 * tables (16 bytes, 3 hex digits). Clean look-alike for php.string-index-assembly.
 */
final class GuidByteOrder
{
    public function swap(string $bytes): string
    {
        return $bytes[3] . $bytes[2] . $bytes[1] . $bytes[0]
            . $bytes[5] . $bytes[4]
            . $bytes[7] . $bytes[6]
            . substr($bytes, 8);
    }

    public function timeFirst(string $bytes): string
    {
        return $bytes[6] . $bytes[7] . $bytes[4] . $bytes[5]
            . $bytes[0] . $bytes[1] . $bytes[2] . $bytes[3]
            . $bytes[8] . $bytes[9] . $bytes[10] . $bytes[11]
            . $bytes[12] . $bytes[13] . $bytes[14] . $bytes[15];
    }
}

function expand_short_hex(string $hex): string
{
    if (strlen($hex) === 3) {
        $hex = $hex[0] . $hex[0] . $hex[1] . $hex[1] . $hex[2] . $hex[2];
    }
    return '#' . strtolower($hex);
}
